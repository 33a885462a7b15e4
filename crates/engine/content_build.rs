//! Compiles built-in content (`content/presets` and `content/tours` for
//! the engine, `content/compare` for replicascope-core, each from its own
//! build script) in without its indentation: the files stay pretty for the
//! people who write them, and the page does not download the spaces
//! (−2.7 KB gzip). Only whitespace outside strings is dropped, so every
//! number and word reaches the parser exactly as written. Each folder's
//! files are listed for the loaders, so a new file needs no Rust edit.

use std::path::Path;

/// Squeezes every file of `content/<dir>` into `OUT_DIR/<dir>` for each
/// `(dir, list)` of `dirs`, and returns Rust source declaring each `list`
/// as every file of its folder by name (`&[File]`: path and text), so a
/// new file needs no Rust edit. `content` is the repository's `content/`.
pub fn compile(content: &Path, dirs: &[(&str, &str)]) -> String {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    let mut lists = String::new();
    for (dir, list) in dirs {
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
    lists
}

/// Writes `source` as `OUT_DIR/content_files.rs`, for `include!`.
pub fn write_lists(source: &str) {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    std::fs::write(out.join("content_files.rs"), source).expect("OUT_DIR is writable");
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
