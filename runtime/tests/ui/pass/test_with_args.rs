// `#[runtime::test]` passes a function's arguments through, as Tokio's does:
// the macro reports nothing, and rustc's `#[test]` decides. Outside a test
// build (as here) the function is compiled out; under `cargo test` rustc
// reports "functions used as tests can not have any arguments".
#[runtime::test]
async fn takes_args(value: u32) {
    assert_eq!(value, 1);
}

fn main() {}
