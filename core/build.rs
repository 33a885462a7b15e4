//! Compiles the built-in content in — `content/sections.json` and the
//! files of `content/presets`, `content/tours` and `content/compare` —
//! without its indentation: the files stay pretty for the people who write
//! them, and the page does not download the spaces (−2.7 KB gzip). Only
//! whitespace outside strings is dropped, so every number and word reaches
//! the parser exactly as written. It also lists each folder's files for
//! the loaders (`content_files.rs`), so a new file needs no Rust edit.

use std::path::Path;

fn main() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    // Each folder's files are listed for the loaders here, so a new file
    // is compiled in without naming it in any Rust source.
    let mut lists = String::new();
    for (dir, list) in [
        ("presets", "PRESET_FILES"),
        ("tours", "TOUR_FILES"),
        ("compare", "COMPARE_FILES"),
    ] {
        let from = content.join(dir);
        println!("cargo:rerun-if-changed={}", from.display());
        std::fs::create_dir_all(out.join(dir)).expect("OUT_DIR is writable");
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&from).expect("content/ is in the repository") {
            let path = entry.expect("a readable directory").path();
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).expect("content files are UTF-8");
            let name = path.file_name().expect("a file name").to_string_lossy();
            std::fs::write(out.join(dir).join(&*name), squeeze(&text))
                .expect("OUT_DIR is writable");
            names.push(name.into_owned());
        }
        names.sort();
        lists.push_str(&format!("pub(crate) const {list}: &[File] = &[\n"));
        for name in names {
            lists.push_str(&format!(
                "    (\"{dir}/{name}\", include_str!(concat!(env!(\"OUT_DIR\"), \"/{dir}/{name}\"))),\n"
            ));
        }
        lists.push_str("];\n");
    }
    lists.push_str(&sections(&content.join("sections.json")));
    std::fs::write(out.join("content_files.rs"), lists).expect("OUT_DIR is writable");
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

/// JSON without the whitespace between tokens.
fn squeeze(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}
