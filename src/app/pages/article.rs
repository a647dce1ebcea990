//! An article: paragraphs, pictures with captions and, for a link, its QR code.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Model, ModelRc, SharedString, VecModel};

use super::Page;
use crate::app::Navigator;
use crate::app::models::{color, update};
use crate::app::nav::Nav;
use crate::ui;
use crate::view::ArticleView;

pub struct ArticlePage {
    paragraphs: Rc<VecModel<SharedString>>,
    pictures: Rc<VecModel<ui::Picture>>,
    /// The article shown; pictures of another one (the visitor moved on) are dropped.
    shown: RefCell<String>,
}

impl ArticlePage {
    /// Picture `index` of `article`, if that article is still shown.
    pub fn put_picture(&self, article: &str, index: usize, image: Image) {
        if *self.shown.borrow() != article {
            return;
        }
        if let Some(mut picture) = self.pictures.row_data(index) {
            if picture.image == image {
                return;
            }
            picture.image = image;
            self.pictures.set_row_data(index, picture);
        }
    }

    /// The QR code of `article`'s link, if that article is still shown.
    pub fn put_qr(&self, window: &ui::AppWindow, article: &str, image: Image) {
        if *self.shown.borrow() != article {
            return;
        }
        let adapter = window.global::<ui::ArticleAdapter>();
        adapter.set_qr(image);
        adapter.set_has_qr(true);
    }
}

impl Page for ArticlePage {
    type View = ArticleView;
    const SCREEN: ui::Screen = ui::Screen::Article;

    fn bind(window: &ui::AppWindow, _go: &Navigator) -> ArticlePage {
        let page = ArticlePage {
            paragraphs: Rc::new(VecModel::default()),
            pictures: Rc::new(VecModel::default()),
            shown: RefCell::default(),
        };
        let adapter = window.global::<ui::ArticleAdapter>();
        adapter.set_paragraphs(ModelRc::from(page.paragraphs.clone()));
        adapter.set_pictures(ModelRc::from(page.pictures.clone()));
        page
    }

    fn apply(&self, window: &ui::AppWindow, view: ArticleView, _nav: &Nav) {
        let adapter = window.global::<ui::ArticleAdapter>();
        adapter.set_title(view.title.into());
        adapter.set_section_title(view.section_title.into());
        adapter.set_category(view.category.into());
        adapter.set_accent(color(view.accent));
        adapter.set_summary(view.summary.into());
        adapter.set_link(view.link.clone().unwrap_or_default().into());
        adapter.set_has_qr(false);
        update(
            &self.paragraphs,
            view.paragraphs.iter().map(|p| p.as_str().into()).collect(),
        );
        // The same article again (another language, a sync): keep its decoded pictures until
        // the new ones arrive. Another article starts with empty frames.
        let old: Vec<Image> = if *self.shown.borrow() == view.id {
            self.pictures.iter().map(|p| p.image).collect()
        } else {
            Vec::new()
        };
        update(
            &self.pictures,
            view.pictures
                .iter()
                .enumerate()
                .map(|(i, p)| ui::Picture {
                    image: old.get(i).cloned().unwrap_or_default(),
                    caption: p.caption.as_str().into(),
                    aspect: p.spec.aspect(),
                })
                .collect(),
        );
        *self.shown.borrow_mut() = view.id;
    }

    fn let_go_of_pictures(&self, window: &ui::AppWindow) {
        for i in 0..self.pictures.row_count() {
            if let Some(mut picture) = self.pictures.row_data(i)
                && picture.image.size().width > 0
            {
                picture.image = Image::default();
                self.pictures.set_row_data(i, picture);
            }
        }
        let adapter = window.global::<ui::ArticleAdapter>();
        adapter.set_has_qr(false);
        adapter.set_qr(Image::default());
    }
}
