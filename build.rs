//! Compiles the Slint UI. Debug builds (tests included) carry element debug info so
//! `i-slint-backend-testing` can find elements by id and accessible label; release builds don't.

fn main() {
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_debug_info(debug);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config.clone()) {
        // Compile errors are printed by slint-build; this makes the build fail with them.
        eprintln!("{e}");
        std::process::exit(1);
    }
    // The on-screen keyboard on a bare window, for its tests and screenshots
    // (tests/keyboard.rs includes it); the kiosk binary does not.
    let (Some(manifest), Some(out)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("OUT_DIR"),
    ) else {
        eprintln!("build.rs runs under cargo");
        std::process::exit(1);
    };
    let preview = std::path::Path::new(&manifest).join("ui/keyboard-preview.slint");
    let generated = std::path::Path::new(&out).join("keyboard_preview.rs");
    match slint_build::compile_with_output_path(&preview, &generated, config) {
        Ok(dependencies) => {
            for dependency in dependencies {
                println!("cargo:rerun-if-changed={}", dependency.display());
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    // Relative relocations packed (DT_RELR, glibc >= 2.36, GNU ld >= 2.38: Debian 12): the
    // binary is position-independent, and its 1.9 MB table of one 24-byte entry per pointer to
    // fix at load becomes ~30 KB of bitmaps. The loader reads the whole table at every start and
    // its pages stayed resident for the process's life (docs/PERFORMANCE.md, "relocations").
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=assets/demo");
}
