//! Compile-time checks of `#[runtime::main]` and `#[runtime::test]`: misuse
//! must fail with an error pointing at the offending tokens, and valid uses
//! must compile and run.
#![cfg(feature = "full")]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
