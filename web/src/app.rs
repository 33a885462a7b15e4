//! The page shell: header, the sections of the product, footer.

use yew::prelude::*;

use crate::components::quorum_calculator::QuorumCalculator;

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <>
            <header class="site-header">
                <h1>{ "ReplicaScope" }</h1>
                <p class="tagline">
                    { "A replication simulator you can poke: leaders, followers and quorums, one message at a time." }
                </p>
            </header>
            <main>
                <QuorumCalculator />
            </main>
        </>
    }
}
