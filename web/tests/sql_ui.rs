#![cfg(target_arch = "wasm32")]
//! The SQL surface in Chromium: statements are parsed before they are sent
//! (a bad one changes nothing), a good one forks the run, a SELECT's rows
//! come back into the form, a user's request goes through the router, a
//! follower's table is compared with the leader's, and a node waiting to
//! join can be added.

use std::rc::Rc;

use replicascope_core::node::{NodeId, NodeView, Request, Role, TableView};
use replicascope_core::run::{NodeState, Snapshot};
use replicascope_core::scenario::Action;
use replicascope_web::components::client_ops::{client_action, parse_sql};
use replicascope_web::components::table_view::{NodeTable, Props as TableProps};
use replicascope_web::state::{Model, Msg, Selection};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlTextAreaElement};
use yew::Reducible;

mod dom;
use dom::{button, click, find, mount, scenario_in_url, seek_to_end, text};

wasm_bindgen_test_configure!(run_in_browser);

/// Types `sql` into the statement box as a user would.
fn type_sql(root: &Element, sql: &str) {
    let area: HtmlTextAreaElement = find(root, ".client-ops textarea").unchecked_into();
    area.set_value(sql);
    let init = EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

async fn sql_mode(fragment: &str) -> Element {
    let root = mount(fragment);
    yew::scheduler::flush().await;
    let radios = root
        .query_selector_all(".client-ops input[type=radio]")
        .unwrap();
    let sql = radios
        .item(1)
        .expect("a SQL choice")
        .unchecked_into::<Element>();
    click(&sql);
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn a_statement_that_does_not_parse_is_answered_and_the_run_stays() {
    let root = sql_mode("#preset=single-leader-sync-write").await;
    let before = scenario_in_url();
    type_sql(&root, "UPDATE accounts SET balance = WHERE id = 1");
    yew::scheduler::flush().await;
    click(&button(&root, "Run on node 1"));
    yew::scheduler::flush().await;
    let alert = find(&root, "[data-testid=client-error]");
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let why = alert.text_content().unwrap();
    assert!(
        why.starts_with("That statement does not parse: column 31: expected"),
        "{why}"
    );
    assert_eq!(
        find(&root, ".client-ops textarea")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    // Said once: the log formats panel under the form does not repeat it.
    // The run is untouched.
    assert!(root
        .query_selector("[data-testid=log-error]")
        .unwrap()
        .is_none());
    assert_eq!(scenario_in_url(), before);
    assert!(before.interventions.is_empty());
}

#[wasm_bindgen_test]
async fn a_good_statement_forks_the_run_and_a_select_shows_its_rows() {
    let root = sql_mode("#preset=single-leader-sync-write").await;
    // The default statement's costs are shown before anything is sent.
    assert!(text(&root, "[data-testid=log-formats]").contains("statement-based"));
    click(&button(&root, "select"));
    yew::scheduler::flush().await;
    click(&button(&root, "Run on node 1"));
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=client-error]")
        .unwrap()
        .is_none());
    let s = scenario_in_url();
    assert_eq!(s.interventions.len(), 1);
    assert_eq!(
        s.interventions[0].action,
        Action::Client {
            node: NodeId(0),
            request: Request::Sql {
                sql: "SELECT * FROM accounts WHERE balance > 100".into()
            }
        }
    );
    assert!(text(&root, "[data-testid=log-read-only]").contains("ships nothing"));
    // Move on to the answer: balances 250 and 1005 are over 100.
    seek_to_end(&root);
    yew::scheduler::flush().await;
    let caption = text(&root, "[data-testid=sql-rows] caption");
    assert!(caption.starts_with("Node 1 returned 2 rows"), "{caption}");
    assert_eq!(
        root.query_selector_all("[data-testid=sql-rows] tbody tr")
            .unwrap()
            .length(),
        2
    );
}

#[wasm_bindgen_test]
async fn a_chosen_user_sends_through_the_router() {
    let root = sql_mode("#preset=single-leader-sync-write").await;
    let user = find(&root, "select[aria-label='Send as user']");
    let select: web_sys::HtmlSelectElement = user.clone().unchecked_into();
    select.set_value("2");
    let init = EventInit::new();
    init.set_bubbles(true);
    user.dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&button(&root, "Run as user 2"));
    yew::scheduler::flush().await;
    let s = scenario_in_url();
    assert!(
        matches!(
            &s.interventions[..],
            [t] if matches!(&t.action, Action::Session { session: 2, request: Request::Sql { .. } })
        ),
        "{:?}",
        s.interventions
    );
}

#[wasm_bindgen_test]
fn only_parsed_statements_reach_the_reducer() {
    let m = Rc::new(Model::from_preset("single-leader-sync-write", false));
    assert!(parse_sql("DELETE accounts", "accounts").is_err());
    let request = parse_sql(
        "UPDATE accounts SET balance = RAND() * 1000 WHERE id = 1",
        "accounts",
    )
    .expect("parses");
    let after = m
        .clone()
        .reduce(Msg::Intervene(client_action(2, 0, request.clone())));
    let interventions = after.scenario().interventions;
    assert_eq!(interventions.len(), 1);
    assert_eq!(
        interventions[0].action,
        Action::Client {
            node: NodeId(1),
            request
        }
    );
    assert_ne!(after.run.hash, m.run.hash);
}

fn table(rows: &[[&str; 2]]) -> TableView {
    TableView {
        name: "accounts".into(),
        columns: vec!["id".into(), "balance".into()],
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    }
}

fn node(id: u16, role: Role, lsn: u64, t: TableView) -> NodeState {
    NodeState {
        node: NodeId(id),
        up: true,
        view: NodeView {
            role,
            log_position: Some(lsn),
            fields: vec![("LSN".into(), lsn.to_string())],
            table: Some(t),
            ..Default::default()
        },
        timers: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn a_follower_whose_table_differs_says_how() {
    let snapshot = Rc::new(Snapshot {
        nodes: vec![
            node(
                0,
                Role::Leader,
                3,
                table(&[["1", "100"], ["2", "250"], ["6", "0"]]),
            ),
            node(1, Role::Follower, 3, table(&[["1", "731"], ["2", "250"]])),
        ],
        network: Default::default(),
    });
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<NodeTable>::with_root_and_props(
        root.clone(),
        TableProps {
            snapshot,
            node: NodeId(1),
        },
    )
    .render();
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "[data-testid=table-summary]"),
        "2 rows differ from the leader (node 1)"
    );
    assert_eq!(text(&root, "caption"), "Table accounts on node 2 — LSN 3");
    let cell = find(&root, "td.cell-diff");
    assert_eq!(
        cell.get_attribute("title").as_deref(),
        Some("731 (leader: 100)")
    );
    assert_eq!(cell.text_content().unwrap(), "731 (leader: 100)");
    let missing = find(&root, "tr.missing");
    assert!(missing
        .text_content()
        .unwrap()
        .contains("only on the leader"));
    assert!(
        missing.text_content().unwrap().contains("60"),
        "the leader's row 6"
    );
    assert_eq!(
        missing.get_attribute("title").as_deref(),
        Some("Only on the leader (node 1): this node has no row 6")
    );
}

#[wasm_bindgen_test]
async fn a_real_statement_run_shows_the_divergence_in_the_inspector() {
    let root = mount("#preset=single-leader-statement-nondeterminism");
    yew::scheduler::flush().await;
    // Node 2 at the end of the run: its clock and random stream made other
    // values than the leader's.
    click(&find(&root, "[data-node='2']"));
    seek_to_end(&root);
    yew::scheduler::flush().await;
    let summary = text(&root, "[data-testid=table-summary]");
    assert!(
        summary.ends_with("differ from the leader (node 1)")
            || summary.ends_with("differs from the leader (node 1)"),
        "{summary}"
    );
    assert!(root.query_selector("td.cell-diff").unwrap().is_some());
    assert!(text(&root, ".node-table caption").starts_with("Table accounts on node 2 — LSN"));
}

#[wasm_bindgen_test]
async fn a_node_waiting_to_join_can_be_added() {
    let m = Rc::new(Model::from_preset("single-leader-add-follower", false));
    let m = m.reduce(Msg::Select(Selection::Node(NodeId(2))));
    let role = |m: &Model| {
        m.nodes_now()
            .into_iter()
            .find(|n| n.node == NodeId(2))
            .unwrap()
            .view
            .role
    };
    assert_eq!(role(&m), Role::NotJoined);

    let root = mount("#preset=single-leader-add-follower");
    yew::scheduler::flush().await;
    click(&find(&root, "[data-node='3']"));
    yew::scheduler::flush().await;
    let add = button(&root, "Add node 3 as a follower (snapshot + catch-up)");
    click(&add);
    yew::scheduler::flush().await;
    let s = scenario_in_url();
    assert_eq!(
        s.interventions.last().map(|t| &t.action),
        Some(&Action::AddFollower { node: NodeId(2) })
    );
}
