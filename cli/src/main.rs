//! `replicascope`: the simulator without a browser. Every subcommand prints
//! to stdout and exits non-zero with a one-line reason on bad input:
//! status 2 for a bad command line, 1 when the input or the run fails.
//! A reader that closes the pipe early ends the process quietly with
//! status 0 (see `output`).

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

mod bench;
mod check;
mod compare;
mod explore;
mod load;
mod log_sizes;
mod long_run;
mod output;
mod quorum;
mod runs;
mod staleness;
mod tours;
mod usage;
mod values;

#[derive(Parser)]
#[command(
    name = "replicascope",
    version,
    about = "Replication simulator, headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the preset ids, one per line.
    Presets(runs::PresetsArgs),
    /// Run a preset or a scenario file and summarise it.
    Run(runs::RunArgs),
    /// Print the full trace of a run.
    Trace(runs::TraceArgs),
    /// Render the space-time diagram of a run as SVG.
    Svg(runs::SvgArgs),
    /// The configuration of real databases that does what a preset or
    /// scenario does (MySQL, PostgreSQL, Cassandra, Riak KV).
    Settings(runs::SettingsArgs),
    /// Quorum arithmetic for n replicas, w write acks and r read replies.
    Quorum(quorum::Args),
    /// Events and bytes one SQL statement costs in each replication log
    /// format (statement, WAL, row).
    LogSizes(log_sizes::Args),
    /// Probabilistically bounded staleness: how likely a read t ms after a
    /// write sees it, for n/w/r and per-message latency distributions.
    Staleness(staleness::Args),
    /// The same workload and fault on single-leader (sync, async),
    /// multi-leader, leaderless, Raft and chain replication, measured side
    /// by side.
    Compare(compare::Args),
    /// The guided tours: list them, or print one tour's pause points with
    /// their times and captions.
    Tour(tours::Args),
    /// Run for a long stretch of virtual time in bounded memory (a sliding
    /// window of the trace), optionally with added load and repeating
    /// faults; print the figures.
    LongRun(long_run::Args),
    /// Time whole recorded runs of a scenario (median of several): the
    /// native half of the browser benchmark.
    Bench(bench::Args),
    /// Can this ever happen? Search every schedule of a scenario (within
    /// bounds) for the shortest one that violates a property.
    Explore(explore::Args),
    /// Is a history linearizable? Reads Jepsen logs, Jepsen EDN maps or a
    /// ReplicaScope history; exit status 0 yes, 2 no, 3 undecided.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return command_line_error(&e),
    };
    if let Command::Check(args) = &cli.command {
        return match check::run(args) {
            Ok((text, status)) => match output::print(text.trim_end()) {
                code if code == ExitCode::SUCCESS => ExitCode::from(status),
                failed => failed,
            },
            Err(message) => {
                output::error(&message);
                ExitCode::FAILURE
            }
        };
    }
    let result = match cli.command {
        Command::Presets(args) => Ok(runs::presets(&args)),
        Command::Run(args) => runs::run(&args),
        Command::Trace(args) => runs::trace(&args),
        Command::Svg(args) => runs::svg(&args),
        Command::Settings(args) => runs::settings(&args),
        Command::Quorum(args) => quorum::run(&args),
        Command::LogSizes(args) => log_sizes::run(&args),
        Command::Staleness(args) => staleness::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Tour(args) => tours::run(&args),
        Command::LongRun(args) => long_run::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Explore(args) => explore::run(&args),
        Command::Check(_) => unreachable!("checked above"),
    };
    match result {
        Ok(text) => output::print(text.trim_end()),
        Err(message) => {
            output::error(&message);
            ExitCode::FAILURE
        }
    }
}

/// `--help` and `--version` print as clap writes them (status 0); any
/// other problem with the command line is one line on stderr, status 2.
fn command_line_error(e: &clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return output::finish(e.print());
    }
    let cmd = Cli::command();
    let commands: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    // No option comes before the command, so it is the first word given.
    let given = std::env::args().nth(1);
    let command = given.filter(|g| commands.contains(g));
    output::error(&usage::one_line(e, command.as_deref(), &commands));
    ExitCode::from(2)
}
