//! Tauri embeds the family UI at compile time: make sure there is something to embed even before
//! `npm run build:family` has run (clippy and unit tests do not need the real screens).

fn main() {
    let dist = std::path::Path::new("dist");
    let index = dist.join("index.html");
    if !index.exists() {
        std::fs::create_dir_all(dist).expect("create src-tauri/dist");
        std::fs::write(
            &index,
            "<!doctype html><meta charset=utf-8><title>homeplay</title>\
             <p>The family screens are not built: run <code>npm run build:family</code> in ui/.</p>\n",
        )
        .expect("write placeholder index.html");
    }
    // `generate_context!` embeds dist/ when the crate compiles: recompile when the screens are rebuilt.
    println!("cargo:rerun-if-changed=dist");
    tauri_build::build();
}
