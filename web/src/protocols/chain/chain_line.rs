//! The chain, drawn as a line: the servers in chain order from the head,
//! where writes enter, to the tail, which commits them and answers reads
//! — as the configuration master last announced it. Each server shows how
//! many writes it holds and how many of them are still dirty (sent down
//! the chain, not yet acknowledged back up), so a write can be watched
//! walking down and its acknowledgement climbing back. Servers outside
//! the chain (spares, removed ones) and the master sit apart. Reads the
//! core's typed `NodeView::chain`; shown when the protocol draws a chain.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::{ChainView, NodeId, Role};
use replicascope_core::run::NodeState;
use yew::prelude::*;

use crate::state::Frame;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
}

/// The chain as the cluster knows it: the master's view when it is up
/// (it decides the chain), else the newest configuration any server holds.
pub fn current_chain(nodes: &[NodeState]) -> Option<(u32, &ChainView)> {
    fn with(n: &NodeState) -> Option<(u32, &ChainView)> {
        let c = n.view.chain.as_ref()?;
        Some((n.view.epoch.unwrap_or(0), c))
    }
    nodes
        .iter()
        .find(|n| n.up && n.view.role == Role::Master)
        .and_then(with)
        .or_else(|| nodes.iter().filter_map(with).max_by_key(|(e, _)| *e))
}

fn server(n: &NodeState, place: &'static str) -> Html {
    let (received, committed) = n
        .view
        .chain
        .as_ref()
        .map_or((0, 0), |c| (c.received, c.committed));
    let dirty = received.saturating_sub(committed);
    html! {
        <li class={classes!("link", place, (!n.up).then_some("down"), (dirty > 0).then_some("dirty"))}
            data-testid={format!("chain-node-{}", n.node.0 + 1)}>
            <span class="place">{ place }</span>
            <strong>{ format!("Node {}", n.node.0 + 1) }</strong>
            if place == "master" {
                <span class="counts">{ "decides the chain" }</span>
            } else {
                <span class="counts">{ format!("{received} held") }</span>
                <span class="counts dirty-count">{ if dirty > 0 { format!("{dirty} dirty") } else { String::from("all clean") } }</span>
            }
            if !n.up { <span class="counts">{ "down" }</span> }
        </li>
    }
}

#[function_component(ChainLine)]
pub fn chain_line(props: &Props) -> Html {
    let frame = &props.frame;
    if !frame.run().scenario().protocol.spec().features().chain_line {
        return Html::default();
    }
    let nodes = &frame.snapshot.nodes;
    let Some((config, chain)) = current_chain(nodes) else {
        return Html::default();
    };
    let of = |id: NodeId| nodes.iter().find(|n| n.node == id);
    let last = chain.order.len().saturating_sub(1);
    let links = chain.order.iter().enumerate().filter_map(|(i, &id)| {
        let place = match i {
            0 if last == 0 => "head and tail",
            0 => "head",
            i if i == last => "tail",
            _ => "middle",
        };
        of(id).map(|n| server(n, place))
    });
    let apart: Vec<Html> = nodes
        .iter()
        .filter(|n| !chain.order.contains(&n.node))
        .map(|n| {
            let what = if n.view.role == Role::Master {
                "master"
            } else {
                "outside"
            };
            server(n, what)
        })
        .collect();
    html! {
        <section class="chain" aria-label="The chain, head to tail" data-testid="chain-line">
            <h2>{ format!("The chain (configuration {config})") }</h2>
            <ol class="chain-links">{ for links }</ol>
            if !apart.is_empty() {
                <ul class="chain-apart">{ for apart }</ul>
            }
            <p class="legend hint">{ "Writes enter at the head and pass down; the tail commits and the acknowledgement climbs back, cleaning each copy. Reads go to the tail (with CRAQ, any server answers a clean key)." }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::node::NodeView;

    fn node(id: u16, role: Role, up: bool, epoch: u32, order: &[u16]) -> NodeState {
        NodeState {
            node: NodeId(id),
            up,
            view: NodeView {
                role,
                epoch: Some(epoch),
                chain: Some(ChainView {
                    order: order.iter().map(|&i| NodeId(i)).collect(),
                    received: 0,
                    committed: 0,
                }),
                ..NodeView::default()
            },
            timers: Vec::new(),
        }
    }

    #[test]
    fn the_master_decides_the_chain_and_else_the_newest_configuration_does() {
        let nodes = [
            node(0, Role::Head, true, 1, &[0, 1, 2]),
            node(1, Role::Head, true, 2, &[1, 2]),
            node(3, Role::Master, true, 2, &[1, 2]),
        ];
        assert_eq!(
            current_chain(&nodes).map(|(e, c)| (e, c.order.len())),
            Some((2, 2))
        );
        let mut down = nodes.clone();
        down[2].up = false;
        down[2].view.epoch = Some(9);
        // The master is down: the newest configuration a server holds.
        assert_eq!(current_chain(&down[..2]).map(|(e, _)| e), Some(2));
    }
}
