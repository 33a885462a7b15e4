//! `replicascope`: the simulator without a browser. Every subcommand prints
//! to stdout and exits non-zero with a one-line reason on bad input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod quorum;

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
    /// Quorum arithmetic for n replicas, w write acks and r read replies.
    Quorum(quorum::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Quorum(args) => quorum::run(&args),
    };
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("replicascope: {message}");
            ExitCode::FAILURE
        }
    }
}
