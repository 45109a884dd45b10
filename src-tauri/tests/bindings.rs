//! The TypeScript the family screens compile against is generated from `src/dto.rs`; this fails when the
//! committed file is stale. `UPDATE_BINDINGS=1 cargo test -p homeplay-app --test bindings` rewrites it.

use std::path::PathBuf;

#[test]
fn bindings_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/family/bindings/index.ts");
    let generated = homeplay_app::dto::bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p homeplay-app --test bindings`",
        path.display()
    );
}
