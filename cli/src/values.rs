//! Parsers for option values. Each error is the end of a sentence that
//! starts with the flag ("--seed " + "must be a whole number from 0 to …,
//! got -1"): `usage::one_line` puts the two together.
//!
//! Options that take numbers are declared with `allow_hyphen_values`, so a
//! negative number reaches these parsers and is answered for what it is,
//! instead of clap taking it for an unknown flag.

use std::fmt::Display;
use std::str::FromStr;

/// The value as the user wrote it: bare if it is a number, else quoted.
fn shown(text: &str) -> String {
    if text.trim().parse::<f64>().is_ok_and(f64::is_finite) {
        text.trim().to_string()
    } else {
        format!("'{text}'")
    }
}

/// Unsigned integer types, with their range in words.
pub trait Whole: FromStr + Display + Copy + Send + Sync + 'static {
    const MIN: Self;
    const MAX: Self;
}

macro_rules! whole_types {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
        }
    )*};
}
whole_types!(u8, u32, u64, usize);

/// A whole number that fits `T`.
pub fn whole<T: Whole>(text: &str) -> Result<T, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "must be a whole number from {} to {}, got {}",
            T::MIN,
            T::MAX,
            shown(text)
        )
    })
}

/// A finite number.
pub fn number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("must be a number, got {}", shown(text))),
    }
}

/// "250ms" → 250, "2s" → 2000, "300us" → 0.3, "1m" → 60000, "7" → 7,
/// "-5" → -5: a signed time in milliseconds.
fn signed_ms(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (sign, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    let split = unsigned
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(unsigned.len());
    let (number, unit) = unsigned.split_at(split);
    let value: f64 = number.parse().map_err(|_| {
        format!(
            "must be a duration such as 250ms, 2s or 1m, got {}",
            shown(text)
        )
    })?;
    let scale = match unit.trim() {
        "" | "ms" => 1.0,
        "us" | "µs" => 0.001,
        "s" => 1000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        other => {
            return Err(format!(
                "must end in a unit of us, ms, s, m or h (none means ms), got '{other}' in '{text}'"
            ))
        }
    };
    let ms = sign * value * scale;
    if !ms.is_finite() {
        return Err(format!("must be a duration that fits, got {}", shown(text)));
    }
    Ok(ms)
}

/// A length of virtual time, longer than zero, in milliseconds.
pub fn duration_ms(text: &str) -> Result<f64, String> {
    let ms = signed_ms(text)?;
    if ms <= 0.0 {
        return Err(format!("must be longer than zero, got {}", shown(text)));
    }
    Ok(ms)
}

/// A point in virtual time, zero or later, in milliseconds.
pub fn time_ms(text: &str) -> Result<f64, String> {
    let ms = signed_ms(text)?;
    if ms < 0.0 {
        return Err(format!("must not be negative, got {}", shown(text)));
    }
    Ok(ms.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_ms("250ms"), Ok(250.0));
        assert_eq!(duration_ms("2s"), Ok(2000.0));
        assert_eq!(duration_ms("1.5s"), Ok(1500.0));
        assert_eq!(duration_ms("300us"), Ok(0.3));
        assert_eq!(duration_ms("1m"), Ok(60_000.0));
        assert_eq!(duration_ms("1h"), Ok(3_600_000.0));
        assert_eq!(duration_ms("+7"), Ok(7.0));
        assert_eq!(duration_ms(" 7 "), Ok(7.0));
        assert_eq!(
            duration_ms("2 fortnights"),
            Err("must end in a unit of us, ms, s, m or h (none means ms), got 'fortnights' in '2 fortnights'".into())
        );
        assert_eq!(
            duration_ms("soon"),
            Err("must be a duration such as 250ms, 2s or 1m, got 'soon'".into())
        );
        assert_eq!(
            duration_ms("0s"),
            Err("must be longer than zero, got '0s'".into())
        );
        assert_eq!(
            duration_ms("-5"),
            Err("must be longer than zero, got -5".into())
        );
        assert_eq!(
            duration_ms("-2s"),
            Err("must be longer than zero, got '-2s'".into())
        );
        assert!(duration_ms("--json").is_err());
        assert!(duration_ms("").is_err());
    }

    #[test]
    fn times_may_be_zero_but_not_negative() {
        assert_eq!(time_ms("0"), Ok(0.0));
        assert_eq!(time_ms("-0"), Ok(0.0));
        assert_eq!(time_ms("5s"), Ok(5000.0));
        assert_eq!(
            time_ms("-1ms"),
            Err("must not be negative, got '-1ms'".into())
        );
    }

    #[test]
    fn whole_numbers_name_their_range() {
        assert_eq!(whole::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            whole::<u64>("-1"),
            Err("must be a whole number from 0 to 18446744073709551615, got -1".into())
        );
        assert_eq!(
            whole::<u8>("300"),
            Err("must be a whole number from 0 to 255, got 300".into())
        );
        assert_eq!(
            whole::<u32>("many"),
            Err("must be a whole number from 0 to 4294967295, got 'many'".into())
        );
        assert_eq!(whole::<usize>(" 12 "), Ok(12));
    }

    #[test]
    fn numbers_are_finite() {
        assert_eq!(number("-2.5"), Ok(-2.5));
        assert_eq!(number("nan"), Err("must be a number, got 'nan'".into()));
        assert_eq!(number("inf"), Err("must be a number, got 'inf'".into()));
    }
}
