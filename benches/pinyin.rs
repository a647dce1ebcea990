//! Pinyin engine figures, printed (not asserted): `cargo bench --bench pinyin`.
//!
//! librime's first start on an empty user folder (it deploys only the schema's config; the
//! tables are Debian's prebuilt ones), a warm start, the time a tap takes (a letter, then reading
//! the candidate page), and the reset between visitors. Needs librime and its data; without them
//! it says so and measures nothing.

use std::time::{Duration, Instant};

use lobby_kiosk::input::engine::PinyinEngine;
use lobby_kiosk::input::rime::{Rime, RimeSettings};

fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("no temporary folder: {e}");
            return;
        }
    };
    let settings = RimeSettings::for_data_dir(dir.path());

    let began = Instant::now();
    let rime = match Rime::start(settings.clone()) {
        Ok(rime) => rime,
        Err(e) => {
            println!("librime not available ({e}): nothing measured");
            return;
        }
    };
    let cold = began.elapsed();
    drop(rime);

    let mut warm = Vec::new();
    for _ in 0..5 {
        let began = Instant::now();
        let rime = Rime::start(settings.clone());
        warm.push(began.elapsed());
        drop(rime);
    }
    warm.sort();

    let Ok(mut rime) = Rime::start(settings) else {
        return;
    };
    let mut taps = Vec::new();
    for _ in 0..20 {
        for letter in "zhongguorenminweixindalian".chars() {
            let began = Instant::now();
            rime.type_letter(letter);
            let state = rime.state();
            taps.push(began.elapsed());
            assert!(!state.candidates.is_empty());
        }
        rime.clear();
    }
    taps.sort();
    let began = Instant::now();
    let wiped = rime.wipe();
    let reset = began.elapsed();

    println!("pinyin engine (librime, luna_pinyin_simp)");
    println!("  first start, empty user folder   {}", ms(cold));
    println!(
        "  warm start (median of 5)          {}",
        ms(warm[warm.len() / 2])
    );
    println!(
        "  tap: letter + candidate page      {} median, {} max ({} taps, up to 26 letters)",
        ms(taps[taps.len() / 2]),
        ms(taps[taps.len() - 1]),
        taps.len()
    );
    println!(
        "  reset between visitors            {} ({wiped:?})",
        ms(reset)
    );
}
