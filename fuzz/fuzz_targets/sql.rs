//! Fuzzes the SQL lexer, parser and executor; the checks live in
//! `replicascope_core::fuzzing::check_sql`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| replicascope_core::fuzzing::check_sql(data));
