//! The `kiosk` binary as the loader sees it: its relative relocations are packed (DT_RELR,
//! `build.rs`), so the table read at every start and kept resident is kilobytes, not ~1.9 MB.
//! Read with binutils' `readelf`, which the build's toolchain brings.

use std::process::Command;

fn readelf(args: &[&str]) -> String {
    let binary = env!("CARGO_BIN_EXE_kiosk");
    let out = Command::new("readelf")
        .args(args)
        .arg(binary)
        .output()
        .expect("readelf (binutils) runs");
    assert!(out.status.success(), "readelf {args:?} failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn relative_relocations_are_packed() {
    let dynamic = readelf(&["-dW"]);
    assert!(
        dynamic.contains("(RELR)"),
        "no DT_RELR entry in the kiosk's dynamic section:\n{dynamic}"
    );
    // What is left in .rela.dyn is the few relocations that need a symbol (a few KB).
    let sections = readelf(&["-SW"]);
    let rela = sections
        .lines()
        .find(|l| l.contains(" .rela.dyn "))
        .and_then(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let at = fields.iter().position(|f| *f == ".rela.dyn")?;
            // name, type, address, offset, size
            u64::from_str_radix(fields.get(at + 4)?, 16).ok()
        });
    if let Some(size) = rela {
        assert!(
            size < 64 * 1024,
            ".rela.dyn is {size} bytes: relative relocations are not packed"
        );
    }
}
