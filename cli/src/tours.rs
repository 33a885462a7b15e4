//! `tour`: the guided tours from a terminal — the list grouped like the
//! article, or one tour's pause points with their times and captions.

use std::fmt::Write;

use replicascope_core::tours::{self, Tour};

#[derive(clap::Args)]
pub struct Args {
    /// A tour id; leave it out to list every tour, grouped by section.
    id: Option<String>,
    /// Also check what each caption claims against the run at its pause
    /// point, and fail if a claim does not hold.
    #[arg(long)]
    check: bool,
}

/// Width captions are wrapped to.
const WIDTH: usize = 78;

pub fn run(args: &Args) -> Result<String, String> {
    match &args.id {
        None => Ok(list()),
        Some(id) => {
            let tour = tours::find(id).ok_or_else(|| {
                format!(
                    "unknown tour '{id}'; valid tours: {}",
                    tours::ids().join(", ")
                )
            })?;
            show(tour, args.check)
        }
    }
}

fn list() -> String {
    let mut out = String::new();
    let width = tours::ids().iter().map(|id| id.len()).max().unwrap_or(0);
    for (section, list) in tours::by_section() {
        let _ = writeln!(out, "{}", section.title());
        for t in list {
            let _ = writeln!(
                out,
                "  {:<width$}  {} ({} steps)",
                t.id,
                t.title,
                t.steps.len()
            );
        }
        out.push('\n');
    }
    out
}

fn show(tour: &'static Tour, check: bool) -> Result<String, String> {
    let (run, steps) = tours::start(tour).map_err(|e| e.to_string())?;
    if check {
        tours::check(tour, &*run, &steps).map_err(|e| e.to_string())?;
    }
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", tour.title, tour.id);
    let _ = writeln!(
        out,
        "{}, preset {}, {} steps",
        tour.section.title(),
        tour.preset,
        steps.len()
    );
    for line in wrap(tour.summary, WIDTH) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    let times: Vec<String> = steps.iter().map(tours::time_text).collect();
    let time_width = times.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    for (step, time) in steps.iter().zip(&times) {
        let label = format!("{:>2}. {:>time_width$}  ", step.step_index + 1, time);
        let indent = label.chars().count();
        let lines = wrap(step.caption, WIDTH.saturating_sub(indent).max(20));
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                let _ = writeln!(out, "{label}{line}");
            } else {
                let _ = writeln!(out, "{:indent$}{line}", "");
            }
        }
    }
    if check {
        let claims: usize = tour.steps.iter().map(|s| s.expect.len()).sum();
        let _ = writeln!(out, "\nall {claims} checked claims hold");
    }
    Ok(out)
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, ["one two", "three", "four five", "six"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("unbreakableword", 5), ["unbreakableword"]);
    }
}
