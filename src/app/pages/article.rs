//! An article: paragraphs, pictures with captions and, for a link, its QR code.

use std::collections::HashMap;
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
}

impl ArticlePage {
    pub fn put_picture(&self, key: &str, image: Image) {
        if let Some((i, mut picture)) = self.pictures.iter().enumerate().find(|(_, p)| p.key == key)
        {
            picture.image = image;
            self.pictures.set_row_data(i, picture);
        }
    }

    pub fn put_qr(&self, window: &ui::AppWindow, image: Image) {
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
        // Keys name the article, so only this article's decoded pictures are reused.
        let old: HashMap<SharedString, Image> = self
            .pictures
            .iter()
            .map(|p| (p.key.clone(), p.image))
            .collect();
        update(
            &self.pictures,
            view.pictures
                .iter()
                .map(|p| {
                    let key: SharedString = p.spec.key.as_str().into();
                    ui::Picture {
                        image: old.get(&key).cloned().unwrap_or_default(),
                        caption: p.caption.as_str().into(),
                        aspect: p.spec.aspect(),
                        key,
                    }
                })
                .collect(),
        );
    }
}
