//! "Needs review": the keys a person has to settle. With the application
//! resolver that keeps both versions and flags the key, a conflict is not
//! resolved by the database at all — every copy holds the concurrent
//! values side by side until someone picks one. This panel lists, at the
//! cursor, each flagged key once (whichever nodes flag it) with every
//! version and the write it came from; "Keep …" writes the chosen value
//! back through a leader that flags the key, as a new write whose version
//! vector supersedes both, so it settles the key everywhere once it has
//! replicated. The choice is an intervention: the run forks at the cursor.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::{NodeId, Request, ReviewChoice, Role};
use replicascope_core::run::NodeState;
use replicascope_core::scenario::Action;
use yew::prelude::*;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub send: Callback<Msg>,
}

/// One flagged key, across the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flagged {
    pub key: String,
    /// The nodes whose copy is flagged, in node order.
    pub nodes: Vec<NodeId>,
    /// Every version offered by any of them, once each.
    pub choices: Vec<ReviewChoice>,
    /// The first leader that is up and flags the key: the one a choice is
    /// written to (a follower refuses writes; a leader that has not seen
    /// the conflict would make a new one).
    pub writer: Option<NodeId>,
}

/// The keys flagged on any node, by key.
pub fn flagged(nodes: &[NodeState]) -> Vec<Flagged> {
    let mut out: Vec<Flagged> = Vec::new();
    for n in nodes {
        for item in &n.view.review {
            // Kept in key order as it grows (no sort: smaller wasm).
            let i = match out.binary_search_by(|f| f.key.as_str().cmp(&item.key)) {
                Ok(i) => i,
                Err(i) => {
                    out.insert(
                        i,
                        Flagged {
                            key: item.key.clone(),
                            nodes: Vec::new(),
                            choices: Vec::new(),
                            writer: None,
                        },
                    );
                    i
                }
            };
            let f = &mut out[i];
            f.nodes.push(n.node);
            for c in &item.choices {
                if !f.choices.contains(c) {
                    f.choices.push(c.clone());
                }
            }
            if f.writer.is_none() && n.up && n.view.role == Role::Leader {
                f.writer = Some(n.node);
            }
        }
    }
    out
}

#[function_component(ReviewList)]
pub fn review_list(props: &Props) -> Html {
    // The resolver that flags keys is the one place an empty list is news.
    let reviewing = props
        .frame
        .run()
        .scenario()
        .protocol
        .spec()
        .features()
        .review;
    let keys = flagged(&props.frame.snapshot.nodes);
    if keys.is_empty() && !reviewing {
        return Html::default();
    }
    let keep = |writer: NodeId, key: &str, value: i64| {
        let send = props.send.clone();
        let action = Action::Client {
            node: writer,
            request: Request::Write {
                key: key.to_string(),
                value,
            },
        };
        Callback::from(move |_: MouseEvent| send.emit(Msg::Intervene(action.clone())))
    };
    let items = keys.iter().map(|f| {
        let on: Vec<String> = f.nodes.iter().map(|n| (n.0 + 1).to_string()).collect();
        let choices = f.choices.iter().map(|c| {
            let button = match (c.value, f.writer) {
                (Some(v), Some(w)) => html! {
                    <button type="button" onclick={keep(w, &f.key, v)}
                            title={format!("Write {} = {} at node {}", f.key, c.text, w.0 + 1)}>
                        { format!("Keep {}", c.text) }
                    </button>
                },
                (Some(_), None) => html! {
                    <button type="button" disabled=true title="No leader that flags this key is up">
                        { format!("Keep {}", c.text) }
                    </button>
                },
                (None, _) => Html::default(),
            };
            html! {
                <li>
                    <strong class="choice-value">{ &c.text }</strong>
                    <span class="choice-from">{ &c.from }</span>
                    { button }
                </li>
            }
        });
        html! {
            <li data-key={f.key.clone()}>
                <h3>{ &f.key }<small>{ format!("flagged on node {}", on.join(", ")) }</small></h3>
                <ul class="choices">{ for choices }</ul>
            </li>
        }
    });
    html! {
        <section class="card review" aria-label="Needs review" data-testid="review-list">
            <h2>{ "Needs review" }</h2>
            if keys.is_empty() {
                <p class="hint">{ "No key is waiting for a decision." }</p>
            } else {
                <ul class="review-keys">{ for items }</ul>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::presets;
    use replicascope_core::run;

    #[test]
    fn a_flagged_key_is_listed_once_with_both_versions() {
        let s = presets::find("multi-leader-resolver-review")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        let found = flagged(&r.nodes_at(s.until()));
        assert_eq!(found.len(), 1);
        let price = &found[0];
        assert_eq!(price.key, "price");
        let mut values: Vec<_> = price.choices.iter().map(|c| c.value).collect();
        values.sort();
        assert_eq!(values, [Some(100), Some(150)]);
        assert!(price.nodes.len() >= 2, "both leaders flag it");
        assert_eq!(
            price.writer,
            Some(NodeId(0)),
            "dc 1's leader takes the choice"
        );
        assert!(flagged(&r.nodes_at(replicascope_core::time::Instant(0))).is_empty());
    }
}
