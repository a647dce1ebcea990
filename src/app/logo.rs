//! The district's logo in the status band. The worker decodes it like any picture (tagged
//! `PictureSlot::BrandLogo` with its blob's hash) with every screen it builds, from its picture
//! cache after the first time; the band's image is set only when the logo is another one, so a
//! screen change redraws nothing of it. Without a logo the band shows the kiosk's name alone.

use std::cell::RefCell;

use slint::{ComponentHandle, Image};

use crate::ui;

/// Which logo the band shows, by its blob's hash.
#[derive(Default)]
pub struct BrandLogo {
    shown: RefCell<Option<String>>,
}

impl BrandLogo {
    /// The logo `sha256` was decoded: shown unless it is already.
    pub fn put(&self, window: &ui::AppWindow, sha256: &str, image: Image) {
        if self.shown.borrow().as_deref() == Some(sha256) {
            return;
        }
        window.global::<ui::Brand>().set_logo(image);
        *self.shown.borrow_mut() = Some(sha256.to_string());
    }

    /// The brand has no logo (any more): the band shows the kiosk's name alone.
    pub fn none(&self, window: &ui::AppWindow) {
        if self.shown.borrow_mut().take().is_some() {
            window.global::<ui::Brand>().set_logo(Image::default());
        }
    }
}
