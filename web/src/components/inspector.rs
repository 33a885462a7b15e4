//! The inspector: what the selected node holds at the cursor (role, log
//! position, pending acknowledgements, data, its table compared with the
//! leader's, and the bookkeeping behind the values — version vectors, a
//! CRDT's per-replica state, a leaderless replica's siblings and the hints
//! it keeps for others), what the selected message carries, and the interventions
//! that apply to the selection — crash or recover a node, promote it, add
//! it as a follower, cut, slow or heal a link. Every intervention forks the
//! run at the cursor.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::{NodeId, NodeView, Role};
use replicascope_core::scenario::Action;
use replicascope_core::time::Duration;
use replicascope_core::trace::{DropReason, Fate};
use yew::prelude::*;

use crate::components::client_ops::ClientOps;
use crate::components::table_view::NodeTable;
use crate::state::{Frame, Msg, Notice, Selection};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub selection: Selection,
    pub send: Callback<Msg>,
}

/// The node's internal bookkeeping as a compact table: each key is named
/// once, on the first of its rows, with the part ("node 1", "version
/// vector") beside it. A leaderless sibling's row reads "value · write
/// #n" in the middle column, so a key's siblings read as one group; lines
/// of no key (hints kept for another node) are grouped by their part.
fn internals(view: &NodeView, caption: &'static str) -> Html {
    if view.internals.is_empty() {
        return Html::default();
    }
    let mut last: Option<&str> = None;
    let rows = view.internals.iter().map(|i| {
        let (head, part) = match (&i.sibling, i.key.is_empty()) {
            (_, true) => (i.part.as_str(), String::new()),
            (Some(v), false) => (i.key.as_str(), format!("{v} · {}", i.part)),
            (None, false) => (i.key.as_str(), i.part.clone()),
        };
        let first = last != Some(head);
        last = Some(head);
        let value = &i.value;
        html! {
            <tr class={classes!(first.then_some("first"))}>
                <th scope="row">{ if first { head } else { "" } }</th><td>{ part }</td>
                // A short value ("version [4, 0, 0]") stays on one line.
                <td class={classes!((value.len() <= 24).then_some("short"))}>{ value }</td>
            </tr>
        }
    });
    html! {
        <table class="data internals" data-testid="node-internals">
            <caption>{ caption }</caption>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    let (frame, send) = (&props.frame, &props.send);
    let intervene =
        |action: Action| send.reform(move |_: MouseEvent| Msg::Intervene(action.clone()));
    // Promotion and new followers are operations of protocols whose
    // operators fail over by hand; others ignore them, so their buttons
    // would do nothing.
    let features = frame.run().scenario().protocol.spec().features();
    let (failover, caption) = (features.operator_failover, features.internals_caption);
    let leader = frame
        .snapshot
        .nodes
        .iter()
        .find(|n| n.view.role == Role::Leader)
        .map(|n| n.node);
    // A new node joins at the cursor: the scenario grows by one follower
    // that stays outside replication until then, so the past is unchanged.
    let add_follower = {
        let (frame, send) = (frame.clone(), send.clone());
        Callback::from(move |_: MouseEvent| {
            let at_ms = frame.cursor.0 as f64 / 1000.0;
            match frame.run().scenario().with_new_node(at_ms) {
                Ok(s) => send.emit(Msg::SetScenario(Box::new(s))),
                Err(e) => send.emit(Msg::Notify(Notice {
                    error: true,
                    text: format!("No follower was added: {e}."),
                })),
            }
        })
    };
    let close = send.reform(|_| Msg::Select(Selection::None));
    let body = match props.selection {
        Selection::None => html! {
            <p class="hint">{ "Click a node, a link or a message in the pictures to inspect it and to break things: crash a node, cut a link, slow it down. Or send a client request below." }</p>
        },
        Selection::Node(id) => match frame.snapshot.nodes.iter().find(|n| n.node == id) {
            None => html! { <p class="hint">{ "That node no longer exists." }</p> },
            Some(node) => {
                let fields = node
                    .view
                    .fields
                    .iter()
                    .map(|(k, v)| html! { <div><dt>{ k }</dt><dd>{ v }</dd></div> });
                let data = node
                    .view
                    .data
                    .iter()
                    .map(|(k, v)| html! { <tr><td>{ k }</td><td>{ v }</td></tr> });
                html! {
                    <>
                        <h3>{ format!("Node {} · {}", id.0 + 1, node.view.role) }
                            <span class={classes!("health", (!node.up).then_some("down"))}>{ if node.up { "up" } else { "down" } }</span>
                        </h3>
                        <dl class="fields" data-testid="node-fields">{ for fields }</dl>
                        if !node.view.data.is_empty() {
                            <table class="data"><thead><tr><th>{ "key" }</th><th>{ "value" }</th></tr></thead><tbody>{ for data }</tbody></table>
                        } else if node.view.table.is_none() && node.view.internals.is_empty() {
                            <p class="hint">{ "No data yet." }</p>
                        }
                        { internals(&node.view, caption) }
                        if node.view.table.is_some() {
                            <NodeTable snapshot={frame.snapshot.clone()} node={id} />
                        }
                        <div class="actions">
                            if node.up {
                                <button type="button" class="danger" onclick={intervene(Action::Crash { node: id })}>{ format!("Crash node {}", id.0 + 1) }</button>
                                if failover && node.view.role == Role::Follower {
                                    <button type="button" onclick={intervene(Action::Promote { node: id })}>{ format!("Promote node {} to leader", id.0 + 1) }</button>
                                }
                                if failover && node.view.role == Role::Leader {
                                    <button type="button" onclick={add_follower.clone()}>{ "Add a new follower here (snapshot + catch-up)" }</button>
                                }
                                if node.view.role == Role::NotJoined {
                                    <button type="button" onclick={intervene(Action::AddFollower { node: id })}>{ format!("Add node {} as a follower (snapshot + catch-up)", id.0 + 1) }</button>
                                }
                            } else {
                                <button type="button" onclick={intervene(Action::Recover { node: id })}>{ format!("Recover node {}", id.0 + 1) }</button>
                            }
                        </div>
                    </>
                }
            }
        },
        Selection::Link(a, b) => {
            let cut = |from: NodeId, to: NodeId, two_way: bool| Action::Partition {
                from: vec![from],
                to: vec![to],
                two_way,
            };
            let slow = |extra_ms: f64| Action::SlowLink {
                from: a,
                to: b,
                extra_ms,
                two_way: true,
            };
            html! {
                <>
                    <h3>{ format!("Link between node {} and node {}", a.0 + 1, b.0 + 1) }</h3>
                    <div class="actions">
                        <button type="button" class="danger" onclick={intervene(cut(a, b, true))}>{ "Partition (both ways)" }</button>
                        <button type="button" onclick={intervene(cut(a, b, false))}>{ format!("Cut {} → {} only", a.0 + 1, b.0 + 1) }</button>
                        <button type="button" onclick={intervene(cut(b, a, false))}>{ format!("Cut {} → {} only", b.0 + 1, a.0 + 1) }</button>
                        <button type="button" onclick={intervene(slow(100.0))}>{ "Slow it (+100 ms)" }</button>
                        <button type="button" onclick={intervene(Action::Heal { from: vec![a], to: vec![b], two_way: true })}>{ "Heal" }</button>
                        <button type="button" onclick={intervene(slow(0.0))}>{ "Normal speed" }</button>
                    </div>
                </>
            }
        }
        Selection::Message(id) => {
            let trace = frame.run().trace();
            match trace.message(id) {
                None => html! { <p class="hint">{ "That message is not in this run." }</p> },
                Some(m) => {
                    let fate = match m.fate {
                        Fate::Delivered => format!("delivered at {}", Duration(m.deliver_at.0)),
                        Fate::InFlight => format!(
                            "still in flight when the run ends (due at {})",
                            Duration(m.deliver_at.0)
                        ),
                        Fate::Dropped {
                            reason: DropReason::Partition,
                        } => String::from("lost: the link was partitioned"),
                        Fate::Dropped {
                            reason: DropReason::Network,
                        } => String::from("lost in the network"),
                        Fate::Dropped {
                            reason: DropReason::NodeDown,
                        } => String::from("lost: the receiver was down"),
                    };
                    html! {
                        <>
                            <h3>{ format!("Message #{id}: {}", trace.label(m)) }</h3>
                            <dl class="fields" data-testid="message-fields">
                                <div><dt>{ "from → to" }</dt><dd>{ format!("node {} → node {}", m.from.0 + 1, m.to.0 + 1) }</dd></div>
                                <div><dt>{ "payload" }</dt><dd data-testid="payload">{ trace.payload(m) }</dd></div>
                                <div><dt>{ "sent" }</dt><dd>{ format!("{}", Duration(m.sent_at.0)) }</dd></div>
                                <div><dt>{ "fate" }</dt><dd>{ fate }</dd></div>
                            </dl>
                        </>
                    }
                }
            }
        }
    };
    html! {
        // On a phone a selection opens as a sheet over the pictures, its
        // actions at hand (see the stylesheet); the button closes it.
        <section class={classes!("card", "inspector", (props.selection != Selection::None).then_some("picked"))} aria-label="Inspector">
            <h2>{ "Inspector" }
                if props.selection != Selection::None {
                    <button type="button" class="sheet-close" onclick={close} aria-label="Close the inspector">{ "×" }</button>
                }
            </h2>
            { body }
            <ClientOps frame={frame.clone()} send={send.clone()} leader={leader} />
        </section>
    }
}
