//! Compiles the Slint UI. Debug builds (tests included) carry element debug info so
//! `i-slint-backend-testing` can find elements by id and accessible label; release builds don't.

fn main() {
    let debug = std::env::var("PROFILE").is_ok_and(|p| p == "debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_debug_info(debug);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        // Compile errors are printed by slint-build; this makes the build fail with them.
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=assets/demo");
}
