//! Fuzzes the share-link decoder (`share::decode`); the checks live in
//! `replicascope_core::fuzzing::check_share_url`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| replicascope_core::fuzzing::check_share_url(data));
