//! "In a real database": the configuration lines (MySQL's semi-sync
//! plugin, PostgreSQL's `postgresql.conf`, Cassandra's keyspace and
//! consistency levels, Riak's bucket type) that match what the simulated
//! cluster is doing, computed by the core from the scenario.

use replicascope_core::protocol::Spec;
use yew::prelude::*;

use crate::state::RunHandle;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
}

#[function_component(RealSettings)]
pub fn real_settings(props: &Props) -> Html {
    let scenario = props.run.run.scenario();
    let settings = scenario.protocol.spec().real_settings();
    if settings.is_empty() {
        return html! {};
    }
    let blocks = settings.into_iter().map(|s| {
        html! {
            <div class="setting">
                <h3>{ s.system }</h3>
                <pre><code>{ s.lines }</code></pre>
            </div>
        }
    });
    html! {
        <section class="card settings" aria-label="Matching real settings" data-testid="real-settings">
            <h2>{ "In a real database" }</h2>
            { for blocks }
        </section>
    }
}
