//! Tauri embeds the family UI at compile time: make sure there is something to embed even before
//! the family screens are built (`npx vite build --config family/vite.config.ts` in ui/; clippy and unit tests do
//! not need the real screens).

fn main() {
    let dist = std::path::Path::new("dist");
    let index = dist.join("index.html");
    if !index.exists() {
        std::fs::create_dir_all(dist).expect("create src-tauri/dist");
        std::fs::write(
            &index,
            "<!doctype html><meta charset=utf-8><title>homeplay</title>\
             <p>The family screens are not built: in ui/, run \
             <code>npx vite build --config family/vite.config.ts</code>, then build the app again.</p>\n",
        )
        .expect("write placeholder index.html");
    }
    // `generate_context!` embeds dist/ when the crate compiles: recompile when the screens are rebuilt.
    println!("cargo:rerun-if-changed=dist");
    tauri_build::build();
}
