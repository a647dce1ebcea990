//! Draws every image the demo content bundle (`assets/demo/bundle.json`) references.
//!
//! `cargo run -p demo-art -- assets/demo/images` writes them all; `-- DIR NAME…` only some.
//! Pictures are flat illustrations with no text in them, since the kiosk shows each one in
//! both languages.

mod canvas;
mod city;
mod culture;
mod life;
mod parts;
mod rooms;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use crate::canvas::Canvas;
use crate::parts::PAPER;

/// Article pictures are 3:2, station pictures 16:9.
const ARTICLE: (u32, u32) = (1200, 800);
const STATION: (u32, u32) = (1200, 675);

type Draw = fn(&mut Canvas);

/// Every picture: file name, size, drawing.
const PICTURES: &[(&str, (u32, u32), Draw)] = &[
    ("zhongshan-square.png", ARTICLE, city::zhongshan_square),
    ("labour-park.png", ARTICLE, city::labour_park),
    ("binhai-road.png", ARTICLE, city::binhai_road),
    ("tiger-beach.png", ARTICLE, city::tiger_beach),
    ("renmin-skyline.png", ARTICLE, city::renmin_skyline),
    ("tower-floors.png", ARTICLE, city::tower_floors),
    ("two-towers.png", ARTICLE, city::two_towers),
    ("grid-map.png", ARTICLE, city::grid_map),
    ("network-nodes.png", ARTICLE, city::network_nodes),
    ("centre-floorplan.png", ARTICLE, rooms::centre_floorplan),
    ("haizhiyun-view.png", ARTICLE, rooms::haizhiyun_view),
    ("western-restaurant.png", ARTICLE, rooms::western_restaurant),
    ("calendar-booking.png", ARTICLE, rooms::calendar_booking),
    ("handicraft.png", ARTICLE, rooms::handicraft),
    ("method-743.png", ARTICLE, rooms::method_743),
    ("finance-talk.png", ARTICLE, rooms::finance_talk),
    ("partners-ring.png", ARTICLE, rooms::partners_ring),
    ("advisers.png", ARTICLE, rooms::advisers),
    ("language-corner.png", ARTICLE, rooms::language_corner),
    ("welcome-key.png", ARTICLE, rooms::welcome_key),
    ("lanterns.png", ARTICLE, culture::lanterns),
    ("winter-lanterns.png", ARTICLE, culture::winter_lanterns),
    ("paper-cut.png", ARTICLE, culture::paper_cut),
    ("dumplings.png", ARTICLE, culture::dumplings),
    ("seafood.png", ARTICLE, culture::seafood),
    ("festivals.png", ARTICLE, culture::festivals),
    ("wish-cards.png", ARTICLE, culture::wish_cards),
    ("wish-write.png", ARTICLE, culture::wish_write),
    ("gift-box.png", ARTICLE, culture::gift_box),
    ("tram.png", ARTICLE, life::tram),
    ("mobile-pay.png", ARTICLE, life::mobile_pay),
    ("doctor.png", ARTICLE, life::doctor),
    ("emergency.png", ARTICLE, life::emergency),
    ("rubbish-bins.png", ARTICLE, life::rubbish_bins),
    ("weather.png", ARTICLE, life::weather),
    ("e-station-three.png", ARTICLE, life::e_station_three),
    ("kiosk-guide.png", ARTICLE, life::kiosk_guide),
    ("phone-qr.png", ARTICLE, life::phone_qr),
    ("station-yatai.png", STATION, rooms::station_yatai),
    ("station-haizhiyun.png", STATION, rooms::station_haizhiyun),
    ("station-liyuan.png", STATION, rooms::station_liyuan),
    ("station-vanke.png", STATION, rooms::station_vanke),
    ("station-mingzhu.png", STATION, rooms::station_mingzhu),
];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        bail!("usage: demo-art OUTPUT_DIR [NAME.png…]   (e.g. assets/demo/images)");
    };
    let only: Vec<String> = args.collect();
    for name in &only {
        if !PICTURES.iter().any(|(n, _, _)| n == name) {
            bail!("no picture named `{name}`");
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, (w, h), draw) in PICTURES {
        if !only.is_empty() && !only.iter().any(|n| n == name) {
            continue;
        }
        let mut cv = Canvas::new(*w, *h, PAPER);
        draw(&mut cv);
        let path = dir.join(name);
        let bytes = write_png(&path, cv)?;
        println!("{:>7} bytes  {}", bytes, path.display());
    }
    Ok(())
}

fn write_png(path: &Path, cv: Canvas) -> Result<usize> {
    let img = cv.finish();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .context("cannot encode PNG")?;
    std::fs::write(path, &out).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(out.len())
}
