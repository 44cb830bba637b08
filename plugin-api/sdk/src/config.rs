//! The plugin's own settings, as the user set them in the plugin manager or in the
//! `[config]` table of `plugin.toml`.
//!
//! ```
//! use cardbase_plugin_sdk::config;
//!
//! config::set_for_tests("version", "4.0");
//! assert_eq!(config::get("version").as_deref(), Some("4.0"));
//! assert_eq!(config::get_or("missing", "3.0"), "3.0");
//! ```

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static TEST_CONFIG: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
}

/// The setting `key`, if the user set one.
pub fn get(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::__bindings::cardbase::plugin::config::get(key)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        TEST_CONFIG.with(|c| c.borrow().get(key).cloned())
    }
}

/// The setting `key`, or `default` when it is not set.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_string())
}

/// Sets a setting for native tests (outside the host, on this thread). Does nothing in WASM,
/// where the host owns the settings.
pub fn set_for_tests(key: &str, value: &str) {
    #[cfg(not(target_arch = "wasm32"))]
    TEST_CONFIG.with(|c| c.borrow_mut().insert(key.to_string(), value.to_string()));
    #[cfg(target_arch = "wasm32")]
    let _ = (key, value);
}
