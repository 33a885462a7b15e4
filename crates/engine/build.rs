//! Compiles `content/presets` and `content/tours` in (see
//! `content_build.rs`, shared with replicascope-core's build script),
//! turns `content/sections.json` into a table, and lists the protocols'
//! simulator tests (`src/protocol_tests.rs`).

use std::path::Path;

#[path = "content_build.rs"]
mod content_build;

fn main() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut lists = content_build::compile(
        &content,
        &[("presets", "PRESET_FILES"), ("tours", "TOUR_FILES")],
    );
    lists.push_str(&sections(&content.join("sections.json")));
    content_build::write_lists(&lists);
    protocol_tests(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../protocols/src/protocol"));
}

/// A `mod` for every protocol folder that lists simulator tests in an
/// `engine_tests.rs` (see `src/protocol_tests.rs`), so a new protocol's
/// tests are compiled without a line here.
fn protocol_tests(protocols: &Path) {
    println!("cargo:rerun-if-changed={}", protocols.display());
    let mut folders: Vec<_> = std::fs::read_dir(protocols)
        .expect("the protocols crate is beside the engine")
        .map(|e| e.expect("a readable directory").path())
        .filter(|p| p.join("engine_tests.rs").is_file())
        .collect();
    folders.sort();
    let mut out = String::new();
    for folder in folders {
        let list = folder.join("engine_tests.rs");
        println!("cargo:rerun-if-changed={}", list.display());
        let name = folder.file_name().expect("a folder name").to_string_lossy();
        let path = list.canonicalize().expect("an existing file");
        out.push_str(&format!(
            "#[cfg(test)]\n#[path = {:?}]\nmod {name};\n",
            path.display().to_string()
        ));
    }
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("protocol_tests.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// `content/sections.json` as a table of `[id, title, group]`: read here
/// rather than in the app, so the page carries no parser for it.
fn sections(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).expect("content/sections.json is in the repository");
    let list: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("content/sections.json is not a list of sections: {e}"));
    let mut out = String::from("pub(crate) const SECTIONS: &[[&str; 3]] = &[\n");
    for (i, section) in list.iter().enumerate() {
        let field = |name: &str| match section.get(name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => panic!(
                "content/sections.json: section {} has no text \"{name}\"",
                i + 1
            ),
        };
        let known = ["id", "title", "group"];
        if let Some(other) = section.keys().find(|k| !known.contains(&k.as_str())) {
            panic!(
                "content/sections.json: section {} has an unknown field \"{other}\"",
                i + 1
            );
        }
        out.push_str(&format!(
            "    [{:?}, {:?}, {:?}],\n",
            field("id"),
            field("title"),
            field("group")
        ));
    }
    out.push_str("];\n");
    out
}
