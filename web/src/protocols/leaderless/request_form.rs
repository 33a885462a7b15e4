//! The leaderless part of the request form: a consistency level per
//! request (Cassandra's ONE … ALL instead of the run's w or r) and, for a
//! write, the context — the version vector the client read before, typed
//! densely as "[1, 0, 0]". Without either, the form sends a plain write or
//! read and the coordinator uses its own copy's version; with either, a
//! Dynamo-style put or get. A context that does not parse sends nothing.

use replicascope_core::node::Request;
use replicascope_core::quorum::ConsistencyLevel;
use replicascope_core::vv::VersionVector;
use yew::prelude::*;

use crate::components::client_ops::parse_request;

/// The levels offered after "default (w/r)", in the core's order.
pub const LEVELS: [ConsistencyLevel; 5] = [
    ConsistencyLevel::One,
    ConsistencyLevel::Two,
    ConsistencyLevel::Three,
    ConsistencyLevel::Quorum,
    ConsistencyLevel::All,
];

/// "[1, 0, 0]": node 1's count first, one whole number per node (the
/// brackets may be left out).
pub fn parse_context(text: &str, nodes: usize) -> Result<VersionVector, String> {
    let t = text.trim();
    let inner = t.strip_prefix('[').unwrap_or(t);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    let counts: Result<Vec<u64>, _> = inner.split(',').map(|c| c.trim().parse()).collect();
    match counts {
        Ok(c) if c.len() == nodes => Ok(VersionVector::from_dense(&c)),
        _ => Err(format!(
            "'{t}' is not a version vector: give one whole number per node ({nodes} here), like {}.",
            example(nodes)
        )),
    }
}

/// "[1, 0, 0]" for three nodes.
pub fn example(nodes: usize) -> String {
    let mut out = String::from("[1");
    for _ in 1..nodes {
        out.push_str(", 0");
    }
    out + "]"
}

/// "{1, 2, 3}" (or "1, 2, 3"): the values of one version, as a client
/// writes back a merged cart. `None` when the text is not a list (one
/// plain value goes the usual way).
fn parse_values(text: &str) -> Option<Result<Vec<i64>, String>> {
    let t = text.trim();
    if !t.contains(',') && !t.starts_with('{') {
        return None;
    }
    let inner = t.strip_prefix('{').unwrap_or(t);
    let inner = inner.strip_suffix('}').unwrap_or(inner);
    let values: Result<Vec<i64>, _> = inner.split(',').map(|v| v.trim().parse()).collect();
    Some(match values {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!(
            "'{t}' is not a list of values: give whole numbers separated by commas, like {{1, 2, 3}}."
        )),
    })
}

/// The request for the leaderless form: checked like any key-value
/// request, then a put or get when a level or (for a write) a context is
/// given. A put's values are the one value typed, or a list ("{1, 2, 3}":
/// the merged siblings a client writes back).
pub fn parse_leaderless(
    write: bool,
    key: &str,
    value: &str,
    level: Option<ConsistencyLevel>,
    context: &str,
    nodes: usize,
) -> Result<Request, String> {
    let listed = if write {
        parse_values(value).transpose()?
    } else {
        None
    };
    let plain = match &listed {
        // Checked as one plain write; the list replaces its value below.
        Some(values) => parse_request(write, key, &values[0].to_string())?,
        None => parse_request(write, key, value)?,
    };
    let context = if write { context.trim() } else { "" };
    if listed.is_none() && level.is_none() && context.is_empty() {
        return Ok(plain);
    }
    Ok(match plain {
        Request::Write { key, value } => Request::Put {
            key,
            values: listed.unwrap_or_else(|| vec![value]),
            // No context: the coordinator's own copy decides what the
            // write replaces.
            context: if context.is_empty() {
                None
            } else {
                Some(parse_context(context, nodes)?)
            },
            consistency: level,
        },
        other => Request::Get {
            key: other.key().to_string(),
            consistency: level,
        },
    })
}

/// The level picker and the context field, as one row of the form.
pub fn level_row(
    level: &UseStateHandle<Option<ConsistencyLevel>>,
    context: &NodeRef,
    nodes: usize,
) -> Html {
    let onchange = {
        let level = level.clone();
        Callback::from(move |e: Event| {
            let i = crate::components::client_ops::chosen_index(&e);
            level.set(i.checked_sub(1).and_then(|i| LEVELS.get(i).copied()));
        })
    };
    let now = **level;
    html! {
        <div class="row">
            <label>{ "level " }
                <select aria-label="Consistency level" {onchange}>
                    <option value="0" selected={now.is_none()}>{ "default (w/r)" }</option>
                    { for LEVELS.iter().enumerate().map(|(i, l)| html! {
                        <option value={(i + 1).to_string()} selected={now == Some(*l)}>{ l.name() }</option>
                    }) }
                </select>
            </label>
            <label title="The version vector the client read before writing; empty: the coordinator's own copy">
                { "context " }
                <input ref={context.clone()} type="text" size="9" placeholder={example(nodes)} aria-label="Write context (version vector)" />
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merged_cart_is_written_back_as_one_version() {
        let r = parse_leaderless(true, "cart", "{1, 2, 3, 4, 5}", None, "[3, 1, 1]", 3).unwrap();
        match r {
            Request::Put {
                key,
                values,
                context,
                consistency,
            } => {
                assert_eq!(key, "cart");
                assert_eq!(values, vec![1, 2, 3, 4, 5]);
                assert_eq!(context, Some(VersionVector::from_dense(&[3, 1, 1])));
                assert_eq!(consistency, None);
            }
            other => panic!("{other:?}"),
        }
        // Without braces too; a bad list names itself and sends nothing.
        assert!(parse_leaderless(true, "cart", "1, 2", None, "", 3).is_ok());
        let e = parse_leaderless(true, "cart", "{1, two}", None, "", 3).unwrap_err();
        assert!(e.contains("not a list of values"), "{e}");
        // A plain value is a plain write, as before.
        assert!(matches!(
            parse_leaderless(true, "x", "7", None, "", 3),
            Ok(Request::Write { .. })
        ));
    }
    use replicascope_core::node::NodeId;

    #[test]
    fn contexts_are_dense_vectors_with_one_count_per_node() {
        let vv = parse_context(" [1, 0, 2] ", 3).unwrap();
        assert_eq!(vv.get(NodeId(0)), 1);
        assert_eq!(vv.get(NodeId(1)), 0);
        assert_eq!(vv.get(NodeId(2)), 2);
        assert_eq!(
            parse_context("3,2,2", 3)
                .unwrap()
                .display_for(3)
                .to_string(),
            "[3, 2, 2]"
        );
        for bad in [
            "[1, 0]",
            "[1, x, 0]",
            "[-1, 0, 0]",
            "[]",
            "1 0 0",
            "[1.5, 0, 0]",
        ] {
            let e = parse_context(bad, 3).unwrap_err();
            assert!(e.contains("like [1, 0, 0]"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_form_sends_a_plain_request_unless_a_level_or_context_is_given() {
        let plain = parse_leaderless(true, "x", "5", None, "  ", 3).unwrap();
        assert_eq!(
            plain,
            Request::Write {
                key: "x".into(),
                value: 5
            }
        );
        assert_eq!(
            parse_leaderless(false, "x", "", None, "", 3),
            Ok(Request::read("x"))
        );
        let put = parse_leaderless(
            true,
            "cart",
            "4",
            Some(ConsistencyLevel::All),
            "[2, 0, 0]",
            3,
        );
        assert_eq!(
            put,
            Ok(Request::Put {
                key: "cart".into(),
                values: vec![4],
                context: Some(VersionVector::from_dense(&[2])),
                consistency: Some(ConsistencyLevel::All),
            })
        );
        // A context alone makes a put at the run's w.
        let Ok(Request::Put {
            consistency,
            context,
            ..
        }) = parse_leaderless(true, "x", "1", None, "[0, 1, 0]", 3)
        else {
            panic!("a put")
        };
        assert_eq!(
            (consistency, context.map(|c| c.get(NodeId(1)))),
            (None, Some(1))
        );
        assert_eq!(
            parse_leaderless(false, "cart", "", Some(ConsistencyLevel::One), "[junk", 3),
            Ok(Request::Get {
                key: "cart".into(),
                consistency: Some(ConsistencyLevel::One)
            }),
            "a read has no context to check"
        );
        assert!(parse_leaderless(true, "x", "1", None, "[1, 2]", 3).is_err());
        assert!(
            parse_leaderless(true, "", "1", Some(ConsistencyLevel::One), "", 3)
                .unwrap_err()
                .starts_with("A key is")
        );
    }
}
