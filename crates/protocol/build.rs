//! Computes, once at build time, which characters the kiosk's embedded fonts can draw: the union
//! of the Unicode cmaps of every face in `assets/fonts/`, as sorted inclusive ranges in
//! `OUT_DIR/glyph_coverage.rs`. The kiosk's forms and `kioskctl check` share this table through
//! [`glyphs`](src/glyphs.rs) without linking Slint or reading a font at run time.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    // Read when the script runs, not baked in when it is compiled: cargo reuses a compiled
    // build script for another checkout of the same sources sharing the target directory.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let fonts = manifest_dir.join("../../assets/fonts");
    println!("cargo:rerun-if-changed={}", fonts.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fonts)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", fonts.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["ttf", "ttc", "otf", "otc"].contains(&e.to_ascii_lowercase().as_str())
            })
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no font in {}", fonts.display());

    let mut covered = BTreeSet::new();
    let mut names = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let data =
            std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        for index in 0..faces {
            let face = ttf_parser::Face::parse(&data, index)
                .unwrap_or_else(|e| panic!("{} face {index}: {e}", file.display()));
            let Some(cmap) = face.tables().cmap else {
                continue;
            };
            for subtable in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                subtable.codepoints(|cp| {
                    if subtable.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                        covered.insert(cp);
                    }
                });
            }
        }
        if let Some(name) = file.file_name().and_then(|n| n.to_str()) {
            names.push(name.to_string());
        }
    }

    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for cp in covered {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == cp => *end = cp,
            _ => ranges.push((cp, cp)),
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "/// Fonts the table was computed from.");
    let _ = writeln!(out, "pub const FONTS: &[&str] = &{names:?};");
    let _ = writeln!(
        out,
        "/// Code points with a glyph in at least one embedded face: sorted, disjoint, inclusive."
    );
    let _ = writeln!(out, "pub static COVERED: &[(u32, u32)] = &[");
    for (start, end) in &ranges {
        let _ = writeln!(out, "    (0x{start:X}, 0x{end:X}),");
    }
    let _ = writeln!(out, "];");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("glyph_coverage.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
