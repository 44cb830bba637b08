//! Compiles the Slint UI. Debug info stays on in every build: the testing backend needs it to
//! find elements, and it costs only some metadata.
fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_debug_info(true);
    slint_build::compile_with_config("ui/app.slint", config).expect("the .slint files compile");
}
