//! Send a client request at the cursor: a write or a read of one key at a
//! chosen node. Bad input (an empty key, a value that is not a whole
//! number) is answered with a message, and nothing is sent.

use replicascope_core::node::{NodeId, Request};
use replicascope_core::scenario::Action;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Model, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
}

/// Checks the form: a key of 1–32 letters, digits, `_`, `-`, `:` and, for
/// writes, a whole number.
pub fn parse_request(write: bool, key: &str, value: &str) -> Result<Request, String> {
    let key = key.trim();
    if key.is_empty()
        || key.len() > 32
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:".contains(c))
    {
        return Err(String::from(
            "A key is 1 to 32 letters, digits, '_', '-' or ':'.",
        ));
    }
    if !write {
        return Ok(Request::read(key));
    }
    let value: i64 = value.trim().parse().map_err(|_| {
        format!(
            "'{}' is not a whole number: a value is an integer like 42 or -7.",
            value.trim()
        )
    })?;
    Ok(Request::Write {
        key: key.to_string(),
        value,
    })
}

#[function_component(ClientOps)]
pub fn client_ops(props: &Props) -> Html {
    let state = &props.state;
    let nodes = state.run.run.borrow().scenario().node_count();
    let node = use_node_ref();
    let key = use_node_ref();
    let value = use_node_ref();
    let problem = use_state(|| None::<String>);
    let send = |write: bool| {
        let (state, node, key, value, problem) = (
            state.clone(),
            node.clone(),
            key.clone(),
            value.clone(),
            problem.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let n = node
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u16>().ok())
                .unwrap_or(1);
            let k = key
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let v = value
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match parse_request(write, &k, &v) {
                Ok(request) => {
                    problem.set(None);
                    state.dispatch(Msg::Intervene(Action::Client {
                        node: NodeId(n.saturating_sub(1)),
                        request,
                    }));
                }
                Err(why) => problem.set(Some(why)),
            }
        })
    };
    let (on_write, on_read) = (send(true), send(false));
    html! {
        <form class="client-ops" aria-label="Client request at the cursor">
            <h3>{ "Client request at the cursor" }</h3>
            <div class="row">
                <label>{ "node " }
                    <select ref={node.clone()} aria-label="Node for the client request">
                        { for (1..=nodes).map(|i| html! { <option value={i.to_string()}>{ i }</option> }) }
                    </select>
                </label>
                <label>{ "key " }<input ref={key.clone()} type="text" value="x" size="6" aria-label="Key" /></label>
                <label>{ "value " }<input ref={value.clone()} type="text" value="2" size="5" aria-label="Value" inputmode="numeric" /></label>
            </div>
            <div class="row">
                <button type="submit" onclick={on_write}>{ "Write" }</button>
                <button type="button" onclick={on_read}>{ "Read" }</button>
            </div>
            if let Some(why) = &*problem {
                <p class="form-error" role="alert">{ why }</p>
            }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked() {
        assert_eq!(
            parse_request(true, " x ", "42"),
            Ok(Request::Write {
                key: "x".into(),
                value: 42
            })
        );
        assert_eq!(
            parse_request(false, "user:7", "junk"),
            Ok(Request::Read {
                key: "user:7".into()
            })
        );
        assert!(parse_request(true, "", "1")
            .unwrap_err()
            .starts_with("A key is"));
        assert!(parse_request(true, "a b", "1").is_err());
        assert!(parse_request(true, "x", "1.5")
            .unwrap_err()
            .contains("'1.5' is not a whole number"));
        assert!(parse_request(true, "x", "99999999999999999999").is_err());
    }
}
