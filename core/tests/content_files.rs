//! The built-in presets, tours and compared architectures are data files
//! under `content/`. Each
//! file must parse, and be exactly what its parsed content writes back:
//! nothing in it is ignored or reads back differently (a misspelt field is
//! refused by `deny_unknown_fields`). `REPLICASCOPE_BLESS=1` rewrites the
//! files in that form after a deliberate edit.

use replicascope_core::compare::architecture::{self, Contender};
use replicascope_core::presets::Preset;
use replicascope_core::tours::Tour;
use replicascope_core::{presets, section, tours};
use serde::{Deserialize, Serialize};

fn round_trip<T: Serialize + Deserialize<'static>>(dir: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../content")
        .join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no files in content/{dir}");
    let mut wrong = Vec::new();
    for path in paths {
        // Content keeps its text for the life of the program.
        let text: &'static str = std::fs::read_to_string(&path).unwrap().leak();
        let items: Vec<T> = match serde_json::from_str(text) {
            Ok(items) => items,
            Err(e) => {
                wrong.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let written = serde_json::to_string_pretty(&items).unwrap() + "\n";
        if std::env::var_os("REPLICASCOPE_BLESS").is_some() {
            std::fs::write(&path, &written).unwrap();
        } else if written != text {
            wrong.push(format!(
                "{} is not in the form it parses to",
                path.display()
            ));
        }
    }
    wrong
}

#[test]
fn every_content_file_parses_and_reads_back_the_same() {
    assert_eq!(presets::problems(), Vec::<String>::new());
    assert_eq!(tours::problems(), Vec::<String>::new());
    assert_eq!(architecture::problems(), Vec::<String>::new());
    assert_eq!(section::problems(), Vec::<String>::new());
    let mut wrong = round_trip::<Preset>("presets");
    wrong.extend(round_trip::<Tour>("tours"));
    wrong.extend(round_trip::<Contender>("compare"));
    let sections =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/sections.json");
    let text = std::fs::read_to_string(&sections).unwrap();
    let list: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = section::Section::all().iter().map(|s| s.id()).collect();
    let listed: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, listed);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_content_file_is_compiled_in() {
    // The build script lists each folder's files for the loaders; a file
    // it missed would be silently absent from the app.
    let count = |dir: &str| {
        std::fs::read_dir(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../content")
                .join(dir),
        )
        .unwrap()
        .count()
    };
    assert_eq!(presets::files().len(), count("presets"));
    assert_eq!(tours::files().len(), count("tours"));
    assert_eq!(architecture::files().len(), count("compare"));
}
