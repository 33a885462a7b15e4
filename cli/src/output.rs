//! Everything the process writes: the result on stdout, and one-line
//! messages on stderr. Nothing here panics when a stream is closed or
//! full (`println!` and `eprintln!` would).
//!
//! A reader that stops early (`replicascope svg … | head`) closes the pipe:
//! that is not a failure, so the process stops quietly with status 0, as
//! ripgrep does (a C tool would be killed by SIGPIPE instead; Rust ignores
//! that signal and sees the write fail). Any other write error — a full
//! disk, `> /dev/full` — is one line on stderr and status 1.

use std::io::{self, Write};
use std::process::ExitCode;

/// Writes `text` and a final newline to stdout.
pub fn print(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    finish(written)
}

/// The exit status for an attempt to write the output (and the message,
/// if it failed).
pub fn finish(written: io::Result<()>) -> ExitCode {
    match failure(written) {
        None => ExitCode::SUCCESS,
        Some(message) => {
            error(&message);
            ExitCode::FAILURE
        }
    }
}

/// What to say when writing the output failed; nothing when it worked or
/// when the reader closed the pipe.
fn failure(written: io::Result<()>) -> Option<String> {
    match written {
        Ok(()) => None,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => None,
        Err(e) => Some(format!("cannot write the output: {}", reason(&e))),
    }
}

/// `replicascope: <message>` on stderr, on one line whatever the message.
pub fn error(message: &str) {
    note(&format!("replicascope: {message}"));
}

/// One line on stderr (progress, timings). If stderr itself cannot be
/// written there is nobody left to tell, so that is ignored.
pub fn note(line: &str) {
    let line = one_line(line);
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Joins the lines of `text` with "; ": a message must stay one line.
pub fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("; ")
}

/// "No space left on device", without Rust's "(os error 28)".
pub fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        assert_eq!(one_line("a\nb\n\n  c  \n"), "a; b; c");
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn os_error_numbers_are_left_out() {
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(reason(&full), "No space left on device");
        let custom = io::Error::other("odd (thing)");
        assert_eq!(reason(&custom), "odd (thing)");
    }

    #[test]
    fn a_closed_pipe_is_not_a_failure_but_a_full_disk_is() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(failure(Err(pipe)), None);
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(
            failure(Err(full)).as_deref(),
            Some("cannot write the output: No space left on device")
        );
        assert_eq!(failure(Ok(())), None);
    }
}
