#![cfg(target_arch = "wasm32")]
//! The architecture comparison in Chromium: Run fills the table one
//! architecture per task with the figures the core measures (the same as
//! natively), a bad value is refused in words, and a cell opens its run
//! in the simulator.

use replicascope_core::compare::{self, scenario_for, Architecture, CompareSpec, Fault};
use wasm_bindgen_test::*;
use web_sys::Element;

mod dom;
use dom::{choose, click, find, mount, pause, scenario_in_url, text, texts};

wasm_bindgen_test_configure!(run_in_browser);

/// How many rows the table has: one per architecture of the content.
fn rows() -> u32 {
    Architecture::all().len() as u32
}

fn done_rows(root: &Element) -> u32 {
    root.query_selector_all("#compare tr.done")
        .unwrap()
        .length()
}

/// The app with the comparison form set to `fault` and `rate`, Run pressed.
async fn run(fault: &str, rate: &str) -> Element {
    let root = mount("");
    yew::scheduler::flush().await;
    choose(&root, "#compare-fault", fault);
    choose(&root, "#compare-rate", rate);
    click(&find(&root, "#compare button[type=submit]"));
    yew::scheduler::flush().await;
    root
}

async fn until_finished(root: &Element) {
    for _ in 0..400 {
        if done_rows(root) == rows() {
            return;
        }
        pause(25).await;
    }
    panic!("only {} rows finished", done_rows(root));
}

fn cell(root: &Element, arch: Architecture, col: &str) -> String {
    text(
        root,
        &format!("#compare tr[data-arch='{}'] [data-col='{col}']", arch.id()),
    )
}

#[wasm_bindgen_test]
async fn run_fills_every_row_with_the_measured_figures() {
    let root = run("crash", "100").await;
    // Run pressed: a row per architecture, none measured yet — each comes
    // in its own task.
    assert_eq!(
        root.query_selector_all("#compare tbody tr")
            .unwrap()
            .length(),
        rows()
    );
    assert_eq!(done_rows(&root), 0);
    assert!(
        text(&root, "[data-testid=compare-status]").starts_with(&format!(
            "Running Single-leader, sync (0 of {} done)",
            rows()
        ))
    );
    until_finished(&root).await;

    let spec = CompareSpec::new(Fault::Crash);
    let expected = compare::compare(&spec).unwrap();
    let archs = texts(&root, "#compare tbody tr th");
    let labels: Vec<&str> = Architecture::all().iter().map(|a| a.label()).collect();
    assert_eq!(archs, labels);
    assert_eq!(
        &archs[..4],
        [
            "Single-leader, sync",
            "Single-leader, async",
            "Multi-leader (LWW)",
            "Leaderless (n=3, w=2, r=2)"
        ]
    );
    for row in &expected.rows {
        let arch = row.architecture;
        let p50 = cell(&root, arch, "write-p50");
        assert_eq!(
            p50,
            format!("{:.1} ms", row.write_latency.p50_ms.unwrap()),
            "{arch:?}"
        );
        assert!(p50.trim_end_matches(" ms").parse::<f64>().is_ok(), "{p50}");
        assert_eq!(cell(&root, arch, "lost"), row.lost_writes.total.to_string());
        assert_eq!(cell(&root, arch, "stale"), row.stale_reads.to_string());
    }
    // The same figures the native tests pin for this seed.
    assert_eq!(
        cell(
            &root,
            Architecture::parse("single-leader-sync").unwrap(),
            "availability"
        ),
        "54 % (29/54)"
    );
    assert_eq!(
        cell(
            &root,
            Architecture::parse("leaderless").unwrap(),
            "availability"
        ),
        "100 % (54/54)"
    );
    assert!(text(&root, "[data-testid=compare-status]").starts_with("Measured:"));
    // A sentence per row under the table.
    let why = texts(&root, "#compare .compare-why li");
    assert_eq!(why.len(), rows() as usize);
    assert!(
        why[3].contains("dc 1's users went to another coordinator"),
        "{}",
        why[3]
    );
}

#[wasm_bindgen_test]
async fn a_cell_opens_its_run_in_the_simulator_from_the_start() {
    let root = run("partition", "60").await;
    until_finished(&root).await;
    let link = find(
        &root,
        "#compare tr[data-arch='multi-leader'] [data-col='lost'] a",
    );
    assert!(link.get_attribute("href").unwrap().starts_with("#run="));
    click(&link);
    yew::scheduler::flush().await;
    let spec = CompareSpec {
        rate_per_s: 60.0,
        ..CompareSpec::new(Fault::Partition)
    };
    assert_eq!(
        scenario_in_url(),
        scenario_for(&spec, Architecture::parse("multi-leader").unwrap())
    );
    assert!(text(&root, "[data-testid=clock]").starts_with("0 ms / "));
    let notice = text(&root, "[data-testid=notice]");
    assert!(
        notice.contains("Opened the Multi-leader (LWW) run"),
        "{notice}"
    );
    // Three leaders, one per datacenter, on the picture.
    assert_eq!(
        root.query_selector_all(".topology [data-node]")
            .unwrap()
            .length(),
        3
    );
}

#[wasm_bindgen_test]
async fn a_bad_value_is_refused_in_words() {
    let root = run("none", "0").await;
    let error = text(&root, "#compare [role=alert]");
    assert!(error.starts_with("rate 0 is out of range"), "{error}");
    assert_eq!(done_rows(&root), 0);
    pause(50).await;
    assert_eq!(done_rows(&root), 0, "nothing runs");
}
