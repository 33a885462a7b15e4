//! Send a client request at the cursor: a write or a read of one key, or
//! (on single-leader runs, whose nodes keep a table) a SQL statement, at a
//! chosen node — or as user 1 to 3, whose requests the application's router
//! sends on (writes to the leader, reads to a follower). Multi-leader keys
//! can also be counters and sets, so there the form offers increment, add
//! and remove as well, and shows the latest answer. Leaderless runs add a
//! consistency level and a write's context (see `leaderless`). Bad input
//! (an empty key, a value that is not a whole number, a statement or a
//! version vector that does not parse) is answered under the form, and
//! nothing is sent.
mod parse;
mod results;
#[cfg(test)]
mod tests;

pub use parse::{parse_op, parse_request, parse_sql};
pub use results::latest_sql;

use parse::op_kind;
use results::{kv_result, write_back, SqlResult};

use crate::protocols::versioned_requests as versioned;
pub use crate::protocols::versioned_requests::{parse_context, parse_leaderless, LEVELS};

use replicascope_core::node::{NodeId, Request};
use replicascope_core::protocol::RequestForm;
use replicascope_core::protocol::Spec;
use replicascope_core::quorum::ConsistencyLevel;
use replicascope_core::scenario::Action;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::protocols::LogFormats;
use std::rc::Rc;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub send: Callback<Msg>,
    /// The node leading at the cursor, if any: the log formats panel
    /// measures the WAL in its storage format.
    #[prop_or_default]
    pub leader: Option<NodeId>,
}

/// Users the "as user" selector offers.
pub const USERS: u32 = 3;
/// The longest statement the box sends.
pub const MAX_SQL: usize = 2_000;

/// The article's statements, one click each: what replicates the same
/// everywhere and what does not.
pub const EXAMPLES: [(&str, &str); 6] = [
    (
        "batch update",
        "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
    ),
    (
        "insert with NOW()",
        "INSERT INTO accounts (id, balance, status, created_at) VALUES (6, 0, 'active', NOW())",
    ),
    (
        "RAND()",
        "UPDATE accounts SET balance = RAND() * 1000 WHERE id = 1",
    ),
    (
        "UUID()",
        "INSERT INTO accounts (id, balance, status, created_at) VALUES (7, 0, UUID(), NOW())",
    ),
    (
        "delete by age",
        "DELETE FROM accounts WHERE created_at < NOW() - 86400000000",
    ),
    ("select", "SELECT * FROM accounts WHERE balance > 100"),
];

/// The kinds of key-value request the form can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    Write,
    Increment,
    Add,
    Remove,
    Read,
}

/// The kinds a multi-leader run offers, with their menu text.
pub const OP_KINDS: [(OpKind, &str); 5] = [
    (OpKind::Write, "write"),
    (OpKind::Increment, "increment"),
    (OpKind::Add, "add"),
    (OpKind::Remove, "remove"),
    (OpKind::Read, "read"),
];

/// The position a `<select>` whose options are numbered 0, 1, … now
/// shows (0 when it reads as anything else).
pub(crate) fn chosen_index(e: &Event) -> usize {
    e.target_unchecked_into::<HtmlSelectElement>()
        .value()
        .parse()
        .unwrap_or(0)
}

/// The intervention for `request`: straight to `node` (1-based), or, when
/// `user` is 1 or more, through the application's router as that user.
pub fn client_action(node: u16, user: u32, request: Request) -> Action {
    if user > 0 {
        Action::Session {
            session: user,
            request,
        }
    } else {
        Action::Client {
            node: NodeId(node.saturating_sub(1)),
            request,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    KeyValue,
    Sql,
}

#[function_component(ClientOps)]
pub fn client_ops(props: &Props) -> Html {
    let frame = &props.frame;
    let (nodes, has_table, kinds, ring, table) = {
        let run = frame.run();
        let s = run.scenario();
        let features = s.protocol.spec().features();
        // The key the scenario's own requests use, so the form starts on
        // data that exists ("likes", "cart").
        let key = s
            .workload
            .ops
            .iter()
            .find_map(|t| match &t.action {
                Action::Client { request, .. } | Action::Session { request, .. } => {
                    Some(request.key().to_string())
                }
                _ => None,
            })
            .unwrap_or_else(|| String::from("x"));
        let (kinds, ring) = match features.requests {
            RequestForm::Merged { default } => (Some((Some(op_kind(default)), key)), None),
            RequestForm::Versioned => (Some((None, key)), Some(usize::from(s.node_count()))),
            RequestForm::ReadWrite => (None, None),
        };
        (
            s.node_count().max(1),
            features.sql_table.is_some(),
            kinds,
            ring,
            features.sql_table.unwrap_or_default(),
        )
    };
    let mode = use_state(|| Mode::KeyValue);
    let node_choice = use_state(|| 1u16);
    let user_choice = use_state(|| 0u32);
    let sql_text = use_state(|| String::from(EXAMPLES[0].1));
    let key = use_node_ref();
    let value = use_node_ref();
    let problem = use_state(|| None::<String>);
    let op_choice = use_state(|| None::<OpKind>);
    let level = use_state(|| None::<ConsistencyLevel>);
    let context = use_node_ref();
    let op_now = kinds
        .as_ref()
        .and_then(|(default, _)| *default)
        .map(|default| op_choice.unwrap_or(default));

    let mode_now = if has_table { *mode } else { Mode::KeyValue };
    let node_now = (*node_choice).clamp(1, nodes);
    let user_now = if has_table { *user_choice } else { 0 };

    let dispatch = {
        let (send, problem) = (props.send.clone(), problem.clone());
        move |result: Result<Request, String>| match result {
            Ok(request) => {
                problem.set(None);
                send.emit(Msg::Intervene(client_action(node_now, user_now, request)));
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    let send = |kind: Option<OpKind>| {
        let (key, value, context) = (key.clone(), value.clone(), context.clone());
        let (dispatch, level) = (dispatch.clone(), *level);
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let text = |field: &NodeRef| {
                field
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (k, v) = (text(&key), text(&value));
            let kind = kind.unwrap_or(OpKind::Read);
            dispatch(match ring {
                Some(nodes) => {
                    parse_leaderless(kind == OpKind::Write, &k, &v, level, &text(&context), nodes)
                }
                None => parse_op(kind, &k, &v),
            });
        })
    };
    let (on_write, on_read, on_send) = (send(Some(OpKind::Write)), send(None), send(op_now));
    let on_op = {
        let (op_choice, problem) = (op_choice.clone(), problem.clone());
        Callback::from(move |e: Event| {
            op_choice.set(OP_KINDS.get(chosen_index(&e)).map(|(k, _)| *k));
            problem.set(None);
        })
    };
    let on_run = {
        let (sql_text, dispatch, table) = (sql_text.clone(), dispatch.clone(), table.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            dispatch(parse_sql(&sql_text, &table));
        })
    };
    let on_sql_input = {
        let (sql_text, problem) = (sql_text.clone(), problem.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                sql_text.set(t.value());
                problem.set(None);
            }
        })
    };
    let on_node = {
        let node_choice = node_choice.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                node_choice.set(s.value().parse().unwrap_or(1));
            }
        })
    };
    let on_user = {
        let user_choice = user_choice.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                user_choice.set(s.value().parse().unwrap_or(0));
            }
        })
    };
    let set_mode = |m: Mode| {
        let (mode, problem) = (mode.clone(), problem.clone());
        Callback::from(move |_: Event| {
            mode.set(m);
            problem.set(None);
        })
    };
    let example = |sql: &'static str| {
        let (sql_text, problem) = (sql_text.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            sql_text.set(String::from(sql));
            problem.set(None);
        })
    };

    let target = if user_now > 0 {
        format!("as user {user_now}")
    } else {
        format!("on node {node_now}")
    };
    let error_id = "client-request-error";
    html! {
        <form class="client-ops" aria-label="Client request at the cursor" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <h3>{ "Client request at the cursor" }</h3>
            if has_table {
                <fieldset class="mode" role="radiogroup">
                    <legend class="visually-hidden">{ "Kind of request" }</legend>
                    <label><input type="radio" name="client-mode" checked={mode_now == Mode::KeyValue} onchange={set_mode(Mode::KeyValue)} />{ " key-value" }</label>
                    <label><input type="radio" name="client-mode" checked={mode_now == Mode::Sql} onchange={set_mode(Mode::Sql)} />{ " SQL" }</label>
                </fieldset>
            }
            <div class="row">
                <label>{ "node " }
                    <select aria-label="Node for the client request" onchange={on_node} disabled={user_now > 0}>
                        { for (1..=nodes).map(|i| html! { <option value={i.to_string()} selected={i == node_now}>{ i }</option> }) }
                    </select>
                </label>
                if has_table {
                    <label>{ "as user " }
                        <select aria-label="Send as user" onchange={on_user}>
                            <option value="0" selected={user_now == 0}>{ "none" }</option>
                            { for (1..=USERS).map(|u| html! { <option value={u.to_string()} selected={u == user_now}>{ format!("user {u}") }</option> }) }
                        </select>
                    </label>
                }
                if let Some(op) = op_now {
                    <label>{ "request " }
                        <select aria-label="Kind of request" onchange={on_op}>
                            { for OP_KINDS.iter().enumerate().map(|(i, (k, text))| html! { <option value={i.to_string()} selected={*k == op}>{ *text }</option> }) }
                        </select>
                    </label>
                }
                if mode_now == Mode::KeyValue {
                    <label>{ "key " }<input ref={key.clone()} type="text" value={kinds.as_ref().map_or(String::from("x"), |(_, k)| k.clone())} size="6" aria-label="Key" /></label>
                    if op_now != Some(OpKind::Read) {
                        <label>{ if op_now == Some(OpKind::Increment) { "by " } else { "value " } }<input ref={value.clone()} type="text" value="2" size="5" aria-label="Value" inputmode="numeric" /></label>
                    }
                }
            </div>
            if user_now > 0 {
                <p class="hint">{ format!("User {user_now}'s requests go through the application's router: writes to the leader, reads to a follower.") }</p>
            }
            if op_now.is_some() {
                <div class="row">
                    <button type="submit" onclick={on_send}>{ format!("Send {target}") }</button>
                </div>
                { kv_result(frame) }
            } else if mode_now == Mode::KeyValue {
                if let Some(nodes) = ring {
                    { versioned::level_row(&level, &context, nodes) }
                }
                <div class="row">
                    <button type="submit" onclick={on_write}>{ "Write" }</button>
                    <button type="button" onclick={on_read}>{ "Read" }</button>
                </div>
                if let Some(nodes) = ring {
                    { kv_result(frame) }
                    { write_back(frame, nodes, &key, &value, &context) }
                }
            } else {
                <label class="sql-box">{ "SQL statement" }
                    <textarea rows="3" spellcheck="false" value={(*sql_text).clone()} oninput={on_sql_input}
                        aria-invalid={problem.is_some().then_some("true")}
                        aria-describedby={problem.is_some().then_some(error_id)} />
                </label>
                <div class="row examples" role="group" aria-label="Example statements">
                    { for EXAMPLES.iter().map(|(name, sql)| html! {
                        <button type="button" class="example" title={*sql} onclick={example(sql)}>{ *name }</button>
                    }) }
                </div>
                <div class="row">
                    <button type="submit" onclick={on_run}>{ format!("Run {target}") }</button>
                </div>
            }
            if let Some(why) = &*problem {
                <p class="form-error" role="alert" id={error_id} data-testid="client-error">{ why }</p>
            }
            if mode_now == Mode::Sql {
                <SqlResult frame={frame.clone()} />
                // Under a refusal the log panel would repeat it.
                if problem.is_none() {
                    <LogFormats frame={frame.clone()} sql={AttrValue::from((*sql_text).clone())} leader={props.leader.unwrap_or_default()} />
                }
            }
        </form>
    }
}
