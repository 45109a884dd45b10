//! The page shown when the app was built before its screens tells how to build them: with a command that works.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn the_placeholder_names_a_build_command_that_exists() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let build = std::fs::read_to_string(here.join("build.rs")).unwrap();
    let ui = here.join("../ui");
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ui.join("package.json")).unwrap()).unwrap();
    for (i, _) in build.match_indices("npm run ") {
        let script: String =
            build[i + 8..].chars().take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_')).collect();
        assert!(
            package["scripts"].get(&script).is_some(),
            "build.rs names `npm run {script}`, which ui/package.json lacks"
        );
    }
    let config = "--config family/vite.config.ts";
    assert!(build.contains(config), "the placeholder says how to build the family screens");
    assert!(ui.join("family/vite.config.ts").is_file());
}
