//! Compiles `content/compare` in, the way the engine compiles presets and
//! tours (`crates/engine/content_build.rs`, shared by both build scripts).

#[path = "../crates/engine/content_build.rs"]
mod content_build;

fn main() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let lists = content_build::compile(&content, &[("compare", "COMPARE_FILES")]);
    content_build::write_lists(&lists);
}
