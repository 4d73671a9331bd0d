//! Generates the typed `i18n` module from `locales/{locale}/{namespace}.json` (leptos_i18n codegen).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

/// One translation file per feature and locale: `locales/{locale}/{namespace}.json`.
const NAMESPACES: [&str; 6] = [
    "common",
    "moderation",
    "submission",
    "timeline",
    "transcript",
    "voice",
];

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let options = ParseOptions::new().interpolate_display(true);
    let config = Config::new("zh-CN")
        .and_then(|config| config.add_locale("en"))
        .and_then(|config| config.add_namespaces(NAMESPACES))
        .expect("valid namespace names")
        .locales_path("locales")
        .parse_options(options);
    let translations = TranslationsInfos::parse(config).expect("translations parse");
    translations.rerun_if_locales_changed();
    // A new namespace file is not among the files above; watching the folder catches it.
    println!("cargo:rerun-if-changed=locales");
    translations
        .generate_i18n_module(out_dir.join("i18n"))
        .expect("i18n module generated");
}
