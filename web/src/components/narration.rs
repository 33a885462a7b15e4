//! The narrated event log: what happened up to the cursor, in plain words,
//! newest first — protocol notes, faults, and client requests with their
//! answers (built by the frame, [`crate::state::Frame`]).

use std::rc::Rc;

use replicascope_core::time::Duration;
use yew::prelude::*;

use crate::state::Frame;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
}

#[function_component(Narration)]
pub fn narration(props: &Props) -> Html {
    let lines = &props.frame.narration;
    html! {
        <section class="card narration" aria-label="What happened">
            <h2>{ "What happened" }</h2>
            if lines.is_empty() {
                <p class="hint">{ "Nothing yet. Press play, or step forward with →." }</p>
            } else {
                <ol class="log" data-testid="narration">
                    { for lines.iter().enumerate().map(|(i, (t, text))| html! {
                        <li class={classes!((i == 0).then_some("latest"))}>
                            <time>{ format!("{}", Duration(*t)) }</time>{ " " }{ text }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}
