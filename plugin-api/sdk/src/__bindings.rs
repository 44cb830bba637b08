//! The bindings wit-bindgen generates from `plugin-api/wit/1.0.0`. Plugin authors use the
//! re-exports in the crate root instead.

wit_bindgen::generate!({
    path: "../wit/1.0.0",
    world: "plugin",
    pub_export_macro: true,
    export_macro_name: "__export_plugin_world",
    default_bindings_module: "cardbase_plugin_sdk::__bindings",
    additional_derives: [PartialEq],
});
