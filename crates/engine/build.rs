//! Compiles `content/presets` and `content/tours` in (see
//! `content_build.rs`, shared with replicascope-core's build script).

#[path = "content_build.rs"]
mod content_build;

fn main() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    content_build::compile(&content, &["presets", "tours"]);
}
