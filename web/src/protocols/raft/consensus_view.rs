//! The consensus panel, what RaftScope shows and more: per server its
//! role, term and vote, its election timer as a ring that empties until
//! the server campaigns (a leader's ring shows its next heartbeat), and
//! its log as cells coloured by term — solid up to the commit index,
//! faded after it, the compacted part as one "snapshot" cell. Buttons stop
//! or restart a server and make it time out now (a leadership transfer);
//! each is an intervention, so the run forks at the cursor. The data is
//! the core's typed `NodeView::consensus`; nothing here reads display
//! text. Shown when the protocol says it keeps a consensus log.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::{LogView, NodeId, Role};
use replicascope_core::run::NodeState;
use replicascope_core::scenario::Action;
use yew::prelude::*;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub send: Callback<Msg>,
}

/// The timers the ring shows: a follower's election timer (1) and a
/// leader's heartbeat (2), as Raft numbers them.
const ELECTION: u32 = 1;
const HEARTBEAT: u32 = 2;

/// A term's colour: hues far apart for neighbouring terms.
pub fn term_hue(term: u32) -> u32 {
    (term.wrapping_mul(67) + 200) % 360
}

/// How full the ring is: the time left on the timer over the longest it
/// can be, 0 to 1 (none armed: empty).
pub fn ring_fill(left_us: Option<u64>, longest_us: u64) -> f64 {
    match left_us {
        Some(left) if longest_us > 0 => (left as f64 / longest_us as f64).clamp(0.0, 1.0),
        _ => 0.0,
    }
}

fn ring(fill: f64, class: &'static str, title: String) -> Html {
    // An arc of `fill` of a turn, clockwise from the top.
    let r = 14.0;
    let c = 2.0 * std::f64::consts::PI * r;
    let dash = format!("{:.2} {:.2}", c * fill, c);
    html! {
        <svg class={classes!("timer-ring", class)} viewBox="0 0 36 36" width="36" height="36" role="img" aria-label={title.clone()}>
            <title>{ title }</title>
            <circle cx="18" cy="18" r={r.to_string()} class="track" />
            <circle cx="18" cy="18" r={r.to_string()} class="arc" stroke-dasharray={dash} transform="rotate(-90 18 18)" />
        </svg>
    }
}

fn log_cells(log: &LogView) -> Html {
    let snapshot = (log.base > 0).then(|| {
        html! {
            <span class="cell snapshot" title={format!("entries 1–{} compacted into a snapshot (last term {})", log.base, log.base_term)}>
                { format!("≤{}", log.base) }
            </span>
        }
    });
    let cells = log.entries.iter().enumerate().map(|(k, e)| {
        let index = log.base + 1 + k as u64;
        let committed = index <= log.commit;
        let style = format!("--hue: {}", term_hue(e.term));
        html! {
            <span class={classes!("cell", (!committed).then_some("uncommitted"))} {style}
                  title={format!("entry {index}, term {}: {}{}", e.term, e.text, if committed { " (committed)" } else { "" })}
                  data-term={e.term.to_string()}>
                <b>{ e.term }</b><small>{ index }</small>
            </span>
        }
    });
    html! { <div class="log-cells">{ snapshot }{ for cells }</div> }
}

#[function_component(ConsensusView)]
pub fn consensus_view(props: &Props) -> Html {
    let frame = &props.frame;
    let run = frame.run();
    let spec = run.scenario().protocol.spec();
    if !spec.features().consensus_log {
        return Html::default();
    }
    let now = frame.cursor;
    let intervene = |action: Action| {
        props
            .send
            .reform(move |_: MouseEvent| Msg::Intervene(action.clone()))
    };
    let row = |n: &NodeState| {
        let Some(log) = &n.view.consensus else {
            return Html::default();
        };
        let id: NodeId = n.node;
        let left = |timer: u32| {
            n.timers
                .iter()
                .find(|(t, _)| *t == timer)
                .map(|(_, due)| due.0.saturating_sub(now.0))
        };
        let (longest, heartbeat) = (log.election_max_us, log.heartbeat_us);
        let ringed = if !n.up {
            ring(0.0, "down", format!("node {} is down", id.0 + 1))
        } else if n.view.role == Role::Leader {
            let l = left(HEARTBEAT);
            ring(
                ring_fill(l, heartbeat),
                "heartbeat",
                format!("next heartbeat in {:.0} ms", l.unwrap_or(0) as f64 / 1000.0),
            )
        } else {
            let l = left(ELECTION);
            ring(
                ring_fill(l, longest),
                "election",
                match l {
                    Some(l) => format!(
                        "times out in {:.0} ms unless it hears a leader",
                        l as f64 / 1000.0
                    ),
                    None => String::from("no election timer"),
                },
            )
        };
        let term = n.view.epoch.unwrap_or(0);
        let vote = log
            .voted_for
            .map_or(String::from("no vote"), |v| format!("voted {}", v.0 + 1));
        html! {
            <li class={classes!("server", n.view.role.class(), (!n.up).then_some("down"))} data-testid={format!("raft-node-{}", id.0 + 1)}>
                { ringed }
                <div class="who">
                    <strong>{ format!("Node {}", id.0 + 1) }</strong>
                    <span class="role">{ if n.up { n.view.role.name() } else { "down" } }</span>
                    <span class="term" style={format!("--hue: {}", term_hue(term))} data-testid="raft-term">{ format!("term {term}") }</span>
                    <span class="vote">{ vote }</span>
                    <span class="commit">{ format!("commit {}", log.commit) }</span>
                </div>
                { log_cells(log) }
                <div class="actions">
                    if n.up {
                        <button type="button" class="danger" onclick={intervene(Action::Crash { node: id })}>{ "Stop" }</button>
                        if n.view.role != Role::Leader && log.voter {
                            <button type="button" onclick={intervene(Action::Promote { node: id })} title="Start an election now (a leadership transfer)">{ "Time out" }</button>
                        }
                    } else {
                        <button type="button" onclick={intervene(Action::Recover { node: id })}>{ "Restart" }</button>
                    }
                </div>
            </li>
        }
    };
    html! {
        <section class="consensus" aria-label="Consensus: terms, votes and logs" data-testid="consensus">
            <h2>{ "Consensus: terms, votes and logs" }</h2>
            <ol class="servers">{ for frame.snapshot.nodes.iter().map(row) }</ol>
            <p class="legend hint">
                { "Ring: time left before a follower campaigns (a leader's: before its next heartbeat). Cells: log entries, coloured by term, faded until committed." }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_terms_get_distinct_colours() {
        let hues: Vec<u32> = (1..=6).map(term_hue).collect();
        for w in hues.windows(2) {
            let d = w[0].abs_diff(w[1]);
            assert!(d.min(360 - d) >= 40, "{hues:?}");
        }
    }

    #[test]
    fn the_ring_empties_as_the_timer_runs_down() {
        assert_eq!(ring_fill(Some(300_000), 300_000), 1.0);
        assert_eq!(ring_fill(Some(150_000), 300_000), 0.5);
        assert_eq!(ring_fill(None, 300_000), 0.0);
        assert_eq!(ring_fill(Some(900_000), 300_000), 1.0);
    }
}
