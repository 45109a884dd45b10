//! The TypeScript the family screens compile against is generated from the app's commands and the types they use
//! (`src/bindings.rs`); this fails when a committed file is stale. `UPDATE_BINDINGS=1 cargo test -p homeplay-app
//! --test bindings` rewrites them.

use std::path::PathBuf;

#[test]
fn bindings_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/family/bindings");
    let generated = homeplay_app::bindings::bindings();
    let mut stale = Vec::new();
    for (file, text) in [("index.ts", &generated.app), ("core.ts", &generated.core)] {
        let path = dir.join(file);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, text).expect("write bindings");
            continue;
        }
        if std::fs::read_to_string(&path).unwrap_or_default() != *text {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{} stale: run `UPDATE_BINDINGS=1 cargo test -p homeplay-app --test bindings`",
        stale.join(" and ")
    );
}
