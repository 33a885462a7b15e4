//! "What the leader would ship": the statement being typed, measured in
//! the three single-leader replication log formats — statement-based (the
//! SQL text once), WAL (the changed byte ranges of pages) and row-based
//! (one before/after image per changed row). The figures are the core's
//! `log_sizes`, computed on the starting table of the scenario.

use replicascope_core::node::NodeId;
use replicascope_core::protocol::single_leader::{initial_table, LogFormat, SingleLeaderConfig};
use replicascope_core::protocol::ProtocolConfig;
use replicascope_core::sql::{
    execute, log_sizes, parse, row_events, FormatCost, LogError, SeededContext, StorageVersion,
    STATEMENT_HEADER,
};
use yew::prelude::*;

use std::rc::Rc;

use crate::state::Frame;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    /// The statement as typed.
    pub sql: AttrValue,
    /// The node whose storage format the WAL is written in.
    pub leader: NodeId,
}

/// What one statement would cost. The WAL may refuse a row its pages
/// cannot hold (text longer than a slot) while the logical formats ship it.
#[derive(Clone, Debug, PartialEq)]
pub struct Costs {
    pub statement: FormatCost,
    pub wal: Result<FormatCost, String>,
    pub row: FormatCost,
    pub read_only: bool,
}

/// The three costs of `sql` on the scenario's starting table, evaluated at
/// time 0 with the scenario's seed, the WAL in `leader`'s storage format.
pub fn costs(
    config: &SingleLeaderConfig,
    leader: NodeId,
    seed: u64,
    sql: &str,
) -> Result<Costs, String> {
    let stmt = parse(sql).map_err(|e| format!("That statement does not parse: {e}."))?;
    let table = initial_table(config.rows);
    let version = StorageVersion(config.storage_version(leader));
    let ctx = || SeededContext::new(0, seed);
    match log_sizes(&table, sql, &mut ctx(), version) {
        Ok(s) => Ok(Costs {
            statement: s.statement,
            wal: Ok(s.wal),
            row: s.row,
            read_only: stmt.is_read_only(),
        }),
        Err(LogError::Storage(e)) => {
            // Only the pages refused it: the logical formats still ship.
            let mut after = table.clone();
            let effects = execute(&mut after, &stmt, &mut ctx())
                .map_err(|e| format!("The leader would refuse it: {e}."))?;
            let events = row_events(&table, &effects.changes);
            Ok(Costs {
                statement: FormatCost {
                    events: 1,
                    bytes: STATEMENT_HEADER + sql.len(),
                },
                wal: Err(format!("{e}")),
                row: FormatCost {
                    events: events.len(),
                    bytes: events.iter().map(|e| e.encoded_len()).sum(),
                },
                read_only: false,
            })
        }
        Err(LogError::Sql(e)) => Err(format!("The leader would refuse it: {e}.")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[function_component(LogFormats)]
pub fn log_formats(props: &Props) -> Html {
    let (config, seed) = {
        let run = props.frame.run();
        let s = run.scenario();
        match &s.protocol {
            ProtocolConfig::SingleLeader(c) => (c.clone(), s.seed),
            _ => return Html::default(),
        }
    };
    let version = config.storage_version(props.leader);
    let in_use = config.log_format;
    let result = {
        let deps = (props.sql.clone(), config.rows, version, seed, props.leader);
        let config = config.clone();
        use_memo(deps, move |(sql, _, _, seed, leader)| {
            (!sql.trim().is_empty()).then(|| costs(&config, *leader, *seed, sql))
        })
    };
    let body = match &*result {
        None => {
            html! { <p class="hint">{ "Type a statement above to see what each log format would ship for it." }</p> }
        }
        Some(Err(why)) => {
            html! { <p class="form-error" data-testid="log-error">{ why }</p> }
        }
        Some(Ok(c)) if c.read_only => html! {
            <p class="hint" data-testid="log-read-only">{ "A SELECT changes nothing, so the leader ships nothing in any format." }</p>
        },
        Some(Ok(c)) => {
            let cost = |f: &FormatCost| {
                (
                    plural(f.events, "event", "events"),
                    plural(f.bytes, "byte", "bytes"),
                )
            };
            let why_wal = format!("The changed byte ranges of each page: exact copies, but tied to the storage engine's on-disk format (v{version} here), so every follower must run the same version.");
            let wal = match &c.wal {
                Ok(f) => cost(f),
                Err(e) => (String::from("refused"), e.clone()),
            };
            let rows = [
                (LogFormat::Statement, cost(&c.statement), String::from("One event however many rows it touches; each follower executes it again, so NOW(), RAND() and UUID() give different values there.")),
                (LogFormat::Wal, wal, why_wal),
                (LogFormat::Row, cost(&c.row), String::from("One event per changed row with its before and after image: the same on every follower and any storage version, but it grows with the rows touched.")),
            ];
            html! {
                <table class="data log-formats" data-testid="log-formats">
                    <thead><tr><th scope="col">{ "format" }</th><th scope="col">{ "events" }</th><th scope="col">{ "bytes" }</th></tr></thead>
                    <tbody>
                        { for rows.into_iter().map(|(format, (events, bytes), why)| html! {
                            <>
                                <tr class={classes!((format == in_use).then_some("in-use"))}>
                                    <th scope="row">{ format.name() }
                                        if format == in_use { <small>{ " (this run)" }</small> }
                                    </th>
                                    <td>{ events }</td>
                                    <td>{ bytes }</td>
                                </tr>
                                <tr class="why"><td colspan="3">{ why }</td></tr>
                            </>
                        }) }
                    </tbody>
                </table>
            }
        }
    };
    html! {
        <section class="log-formats-panel" aria-label="What the leader would ship">
            <h4>{ "What the leader would ship" }</h4>
            <p class="hint">{ format!("Measured on the starting table ({} rows).", config.rows) }</p>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SingleLeaderConfig {
        SingleLeaderConfig::default()
    }

    #[test]
    fn a_batch_update_is_one_statement_but_a_row_event_per_row() {
        let c = costs(
            &config(),
            NodeId(0),
            1,
            "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
        )
        .unwrap();
        assert_eq!(c.statement.events, 1);
        assert_eq!(c.row.events, 3);
        assert!(c.wal.unwrap().events >= 1);
        assert!(!c.read_only);
    }

    #[test]
    fn text_too_long_for_a_page_slot_is_refused_only_by_the_wal() {
        let long = "x".repeat(replicascope_core::sql::TEXT_MAX + 1);
        let sql = format!("UPDATE accounts SET status = '{long}' WHERE id = 1");
        let c = costs(&config(), NodeId(0), 1, &sql).unwrap();
        assert_eq!((c.statement.events, c.row.events), (1, 1));
        assert!(c.wal.unwrap_err().contains("does not fit"));
        // A UUID fits a status slot in every format.
        let c = costs(
            &config(),
            NodeId(0),
            1,
            "INSERT INTO accounts (id, balance, status, created_at) VALUES (7, 0, UUID(), NOW())",
        )
        .unwrap();
        assert_eq!((c.statement.events, c.row.events), (1, 1));
        assert!(c.wal.is_ok());
    }

    #[test]
    fn parse_errors_and_refusals_say_why() {
        let e = costs(&config(), NodeId(0), 1, "UPDATE accounts SET").unwrap_err();
        assert!(
            e.starts_with("That statement does not parse: column"),
            "{e}"
        );
        let e = costs(&config(), NodeId(0), 1, "UPDATE accounts SET nope = 1").unwrap_err();
        assert!(e.contains("unknown column 'nope'"), "{e}");
        let c = costs(&config(), NodeId(0), 1, "SELECT * FROM accounts").unwrap();
        assert!(c.read_only);
    }
}
