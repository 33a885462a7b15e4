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

use crate::protocols::versioned_requests as versioned;
pub use crate::protocols::versioned_requests::{parse_context, parse_leaderless, LEVELS};

use replicascope_core::history::Operation;
use replicascope_core::node::{values_text, NodeId, Outcome, Request};
use replicascope_core::protocol::Spec;
use replicascope_core::protocol::{RequestForm, RequestKind};
use replicascope_core::quorum::ConsistencyLevel;
use replicascope_core::scenario::Action;
use replicascope_core::sql;
use replicascope_core::time::Instant;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::narration::answer;
use crate::protocols::LogFormats;
use crate::state::{Model, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
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

/// Rows of a query result shown at most.
const RESULT_ROWS: usize = 50;

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

/// Checks the form: a key of 1–32 letters, digits, `_`, `-`, `:` and, for
/// writes, a whole number.
pub fn parse_request(write: bool, key: &str, value: &str) -> Result<Request, String> {
    parse_op(if write { OpKind::Write } else { OpKind::Read }, key, value)
}

/// Checks the form for any kind of request: the key as above and, for all
/// but a read, a whole number (the value, or what to increment by).
pub fn parse_op(kind: OpKind, key: &str, value: &str) -> Result<Request, String> {
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
    if kind == OpKind::Read {
        return Ok(Request::read(key));
    }
    let value: i64 = value.trim().parse().map_err(|_| {
        format!(
            "'{}' is not a whole number: a value is an integer like 42 or -7.",
            value.trim()
        )
    })?;
    let key = key.to_string();
    Ok(match kind {
        OpKind::Increment => Request::Increment { key, by: value },
        OpKind::Add => Request::Add { key, value },
        OpKind::Remove => Request::Remove { key, value },
        _ => Request::Write { key, value },
    })
}

/// The form's menu entry for the request kind a protocol starts on.
fn op_kind(kind: RequestKind) -> OpKind {
    match kind {
        RequestKind::Write => OpKind::Write,
        RequestKind::Increment => OpKind::Increment,
        RequestKind::Add => OpKind::Add,
    }
}

/// Checks a statement with the core's parser before anything is sent; the
/// error names the line and column as the box shows them. A statement on
/// a table the cluster does not have (`table` is the one it has) is not
/// sent either: it could only be refused, and sending it would fork the
/// run for nothing. Anything else the database decides, at the cursor.
pub fn parse_sql(text: &str, table: &str) -> Result<Request, String> {
    if text.trim().is_empty() {
        return Err(String::from(
            "Type a statement first, or pick one of the examples.",
        ));
    }
    if text.len() > MAX_SQL {
        return Err(format!(
            "A statement is at most {MAX_SQL} characters; this one has {}.",
            text.len()
        ));
    }
    let stmt = sql::parse(text).map_err(|e| format!("That statement does not parse: {e}."))?;
    if !stmt.table().eq_ignore_ascii_case(table) {
        return Err(format!(
            "There is no table '{}' here: the cluster's table is {table}. Nothing was sent.",
            stmt.table()
        ));
    }
    Ok(Request::Sql {
        sql: text.trim().to_string(),
    })
}

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

/// The last request a client sent up to `now`, and its answer if it had
/// arrived by then.
fn latest_at(ops: &[Operation], now: Instant) -> Option<(&Operation, Option<&Outcome>)> {
    let op = ops.iter().rev().find(|o| o.invoked_at <= now)?;
    Some((op, answer_at(op, now)))
}

/// `op`'s answer, if it had arrived by `now`.
fn answer_at(op: &Operation, now: Instant) -> Option<&Outcome> {
    op.completed_at
        .filter(|&t| t <= now)
        .and(op.outcome.as_ref())
}

/// The last SQL request a client sent up to `now`.
pub fn latest_sql(ops: &[Operation], now: Instant) -> Option<&Operation> {
    ops.iter()
        .rev()
        .filter(|o| o.invoked_at <= now)
        .find(|o| matches!(o.request, Request::Sql { .. }))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    KeyValue,
    Sql,
}

#[function_component(ClientOps)]
pub fn client_ops(props: &Props) -> Html {
    let state = &props.state;
    let (nodes, has_table, kinds, ring, table) = {
        let run = state.run.run.borrow();
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
        let (state, problem) = (state.clone(), problem.clone());
        move |result: Result<Request, String>| match result {
            Ok(request) => {
                problem.set(None);
                state.dispatch(Msg::Intervene(client_action(node_now, user_now, request)));
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
                { kv_result(state) }
            } else if mode_now == Mode::KeyValue {
                if let Some(nodes) = ring {
                    { versioned::level_row(&level, &context, nodes) }
                }
                <div class="row">
                    <button type="submit" onclick={on_write}>{ "Write" }</button>
                    <button type="button" onclick={on_read}>{ "Read" }</button>
                </div>
                if let Some(nodes) = ring {
                    { kv_result(state) }
                    { write_back(state, nodes, &key, &value, &context) }
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
                <SqlResult state={state.clone()} />
                // Under a refusal the log panel would repeat it.
                if problem.is_none() {
                    <LogFormats state={state.clone()} sql={AttrValue::from((*sql_text).clone())} leader={props.leader.unwrap_or_default()} />
                }
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ResultProps {
    state: UseReducerHandle<Model>,
}

/// The answer to the latest key-value request at the cursor, in the
/// narration's words ("the read returned {1, 2} (version 3)"). A plain
/// function, not a component: it has no state of its own.
fn kv_result(state: &UseReducerHandle<Model>) -> Html {
    let run = state.run.run.borrow();
    let Some((op, outcome)) = latest_at(&run.history().ops, state.cursor) else {
        return Html::default();
    };
    let text = match outcome {
        Some(outcome) => answer(outcome),
        None => String::from("waiting for the answer…"),
    };
    html! {
        <p class="hint kv-result" role="status" data-testid="kv-result">
            { format!("Latest: node {} — {}: {text}", op.node.0 + 1, op.request) }
        </p>
    }
}

/// After a leaderless read, one click fills the form to write back what it
/// returned — the siblings merged — with the context it handed back, so a
/// client replaces exactly the versions it saw (the sibling lesson),
/// without typing a version vector by hand.
fn write_back(
    state: &UseReducerHandle<Model>,
    nodes: usize,
    key: &NodeRef,
    value: &NodeRef,
    context: &NodeRef,
) -> Html {
    let run = state.run.run.borrow();
    let Some((op, answer)) = latest_at(&run.history().ops, state.cursor) else {
        return Html::default();
    };
    let (fill, causal) = match answer {
        Some(Outcome::Values {
            values,
            causal: Some(c),
            ..
        }) => (values_text(values), c),
        Some(Outcome::Read {
            value: Some(v),
            causal: Some(c),
            ..
        }) => (values_text(&[*v]), c),
        _ => return Html::default(),
    };
    let vv = causal.context.display_for(nodes).to_string();
    let read_key = op.request.key().to_string();
    let onclick = {
        let (key, value, context) = (key.clone(), value.clone(), context.clone());
        let (fill, vv) = (fill.clone(), vv.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            for (field, text) in [(&key, &read_key), (&value, &fill), (&context, &vv)] {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    input.set_value(text);
                }
            }
        })
    };
    html! {
        <p class="row write-back">
            <button type="button" {onclick} data-testid="write-back"
                    title={format!("Value {fill}, context {vv}: then press Write")}>
                { "Write back with this read's context" }
            </button>
        </p>
    }
}

/// The answer to the latest statement at the cursor: a query's rows, or a
/// word on how a write went.
#[function_component(SqlResult)]
fn sql_result(props: &ResultProps) -> Html {
    let state = &props.state;
    let run = state.run.run.borrow();
    let Some(op) = latest_sql(&run.history().ops, state.cursor) else {
        return Html::default();
    };
    let who = format!("Node {}", op.node.0 + 1);
    let body = match answer_at(op, state.cursor) {
        None => {
            html! { <p class="hint">{ format!("Waiting for the answer of node {} to the latest statement…", op.node.0 + 1) }</p> }
        }
        Some(Outcome::Rows {
            columns,
            rows,
            version,
        }) => {
            let caption = format!(
                "{who} returned {} row{} as of LSN {version}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            );
            html! {
                <>
                    <div class="table-scroll" role="region" aria-label="Query result" tabindex="0">
                        <table class="data sql-table" data-testid="sql-rows">
                            <caption>{ caption }</caption>
                            <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                            <tbody>{ for rows.iter().take(RESULT_ROWS).map(|r| html! {
                                <tr>{ for r.iter().map(|v| html! { <td>{ v }</td> }) }</tr>
                            }) }</tbody>
                        </table>
                    </div>
                    if rows.len() > RESULT_ROWS {
                        <p class="hint">{ format!("showing {RESULT_ROWS} of {} rows", rows.len()) }</p>
                    }
                </>
            }
        }
        Some(Outcome::Written { version, .. }) => {
            html! { <p class="hint">{ format!("{who} committed the latest statement at LSN {version}.") }</p> }
        }
        Some(Outcome::Failed { reason }) => {
            html! { <p class="hint">{ format!("{who} refused the latest statement: {reason}") }</p> }
        }
        Some(Outcome::Read { .. } | Outcome::Values { .. }) => Html::default(),
    };
    html! {
        <div class="sql-result" role="status" data-testid="sql-result">{ body }</div>
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
                key: "user:7".into(),
                at_least: None,
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

    #[test]
    fn every_kind_of_request_is_built_from_the_form() {
        let key = String::from("likes");
        assert_eq!(
            parse_op(OpKind::Increment, "likes", "-2"),
            Ok(Request::Increment {
                key: key.clone(),
                by: -2
            })
        );
        assert_eq!(
            parse_op(OpKind::Add, "likes", "7"),
            Ok(Request::Add {
                key: key.clone(),
                value: 7
            })
        );
        assert_eq!(
            parse_op(OpKind::Remove, "likes", "7"),
            Ok(Request::Remove { key, value: 7 })
        );
        assert_eq!(
            parse_op(OpKind::Read, "likes", "junk"),
            Ok(Request::read("likes"))
        );
        assert!(parse_op(OpKind::Add, "likes", "x").is_err());
        use replicascope_core::protocol::multi_leader::{CrdtKind, MultiLeaderConfig, Resolution};
        use replicascope_core::protocol::Spec;
        let crdt = |crdt| {
            let c = MultiLeaderConfig {
                resolution: Resolution::Crdt,
                crdt,
                ..Default::default()
            };
            match c.features().requests {
                RequestForm::Merged { default } => op_kind(default),
                other => panic!("a multi-leader form is merged, not {other:?}"),
            }
        };
        assert_eq!(crdt(CrdtKind::PnCounter), OpKind::Increment);
        assert_eq!(crdt(CrdtKind::OrSet), OpKind::Add);
        assert_eq!(crdt(CrdtKind::MvRegister), OpKind::Write);
    }

    #[test]
    fn statements_are_parsed_before_sending() {
        for (_, sql) in EXAMPLES {
            assert_eq!(
                parse_sql(sql, "accounts"),
                Ok(Request::Sql { sql: sql.into() }),
                "{sql}"
            );
        }
        let e = parse_sql("UPDATE accounts SET balance =", "accounts").unwrap_err();
        assert!(
            e.starts_with("That statement does not parse: column 30: expected"),
            "{e}"
        );
        let e = parse_sql("SELECT *\nFROM", "accounts").unwrap_err();
        assert!(e.contains("line 2, column"), "{e}");
        assert!(parse_sql("  ", "accounts")
            .unwrap_err()
            .starts_with("Type a statement"));
        assert!(parse_sql(&"x".repeat(MAX_SQL + 1), "accounts")
            .unwrap_err()
            .contains("at most"));
        // A table the cluster does not have: refused here, nothing sent.
        let e = parse_sql("DELETE FROM nowhere", "accounts").unwrap_err();
        assert!(
            e.contains("no table 'nowhere'") && e.contains("Nothing was sent"),
            "{e}"
        );
        assert!(parse_sql("delete from ACCOUNTS where id = 1", "accounts").is_ok());
        // Whatever is typed, nothing panics.
        for junk in ["'", "((((", "SELECT * FROM accounts WHERE ", "é€😀", "\0"] {
            assert!(parse_sql(junk, "accounts").is_err(), "{junk}");
        }
    }

    #[test]
    fn a_chosen_user_goes_through_the_router() {
        let r = Request::read("x");
        assert_eq!(
            client_action(2, 0, r.clone()),
            Action::Client {
                node: NodeId(1),
                request: r.clone()
            }
        );
        assert_eq!(
            client_action(2, 3, r.clone()),
            Action::Session {
                session: 3,
                request: r
            }
        );
    }
}
