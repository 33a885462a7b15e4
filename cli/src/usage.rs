//! A bad command line in one line. Clap's own report is three to seven
//! lines (the error, a tip, the usage, "for more information…"); the CLI
//! promises `replicascope: <reason>`, so the reason is rebuilt here from
//! the error's kind and context, with a pointer to the command's help.

use std::error::Error as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The text of one piece of context, if the error has it.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) if !v.is_empty() => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// "--seed <SEED>" → "--seed"; "<SCENARIO>" → "<scenario>".
fn arg_name(arg: &str) -> String {
    let arg = arg.trim();
    if arg.starts_with('-') {
        arg.split([' ', '=']).next().unwrap_or(arg).to_string()
    } else {
        arg.to_lowercase()
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Clap's first line without "error: ", for kinds handled nowhere else.
fn clap_first_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

/// The one-line reason for a command-line error; `command` is the
/// subcommand given, if any, for the help pointer.
pub fn one_line(e: &clap::Error, command: Option<&str>, commands: &[String]) -> String {
    let arg = context(e, ContextKind::InvalidArg).map(|a| arg_name(&a));
    let value = context(e, ContextKind::InvalidValue);
    let reason = match (e.kind(), arg) {
        (ErrorKind::ValueValidation, Some(arg)) => match e.source() {
            // Our parsers say "must be …, got …" (see `values`).
            Some(why) => format!("{arg} {why}"),
            None => format!("{arg}: '{}' is not allowed", value.unwrap_or_default()),
        },
        (ErrorKind::InvalidValue, Some(arg)) => match value.as_deref() {
            None | Some("") => format!("{arg} needs a value"),
            Some(v) => match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(valid)) if !valid.is_empty() => {
                    format!("{arg} must be one of {}, got '{v}'", valid.join(", "))
                }
                _ => format!("{arg}: '{v}' is not allowed"),
            },
        },
        (ErrorKind::UnknownArgument, Some(arg)) => match context(e, ContextKind::SuggestedArg) {
            Some(s) => format!("unexpected argument '{arg}' (did you mean '{s}'?)"),
            None => format!("unexpected argument '{arg}'"),
        },
        (ErrorKind::MissingRequiredArgument, _) => {
            let missing: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.iter().map(|a| arg_name(a)).collect(),
                Some(ContextValue::String(a)) => vec![arg_name(a)],
                _ => Vec::new(),
            };
            format!("missing {}", and_list(&missing))
        }
        (ErrorKind::ArgumentConflict, Some(arg)) => match context(e, ContextKind::PriorArg) {
            Some(prior) if arg_name(&prior) == arg => format!("{arg} is given more than once"),
            Some(prior) => format!("{arg} cannot be used with {}", arg_name(&prior)),
            None => format!("{arg} cannot be used with the other arguments given"),
        },
        (ErrorKind::TooManyValues, Some(arg)) => format!(
            "{arg} takes one value; '{}' is one too many",
            value.unwrap_or_default()
        ),
        (ErrorKind::InvalidSubcommand, _) => {
            let given = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            let hint = match context(e, ContextKind::SuggestedSubcommand) {
                Some(s) => format!(" (did you mean '{s}'?)"),
                None => String::new(),
            };
            return format!(
                "unknown command '{given}'{hint}; commands: {}",
                commands.join(", ")
            );
        }
        (ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, _) => {
            return format!(
                "name a command: {} (see 'replicascope --help')",
                commands.join(", ")
            );
        }
        _ => clap_first_line(e),
    };
    let help = match command {
        Some(c) => format!("replicascope {c} --help"),
        None => String::from("replicascope --help"),
    };
    format!("{reason} (see '{help}')")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_placeholders() {
        assert_eq!(arg_name("--seed <SEED>"), "--seed");
        assert_eq!(arg_name("--until=<UNTIL>"), "--until");
        assert_eq!(arg_name("<SCENARIO>"), "<scenario>");
    }

    #[test]
    fn lists_read_as_english() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&s(&["--w"])), "--w");
        assert_eq!(and_list(&s(&["--n", "--w", "--r"])), "--n, --w and --r");
    }
}
