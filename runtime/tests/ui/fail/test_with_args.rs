#[runtime::test]
async fn takes_args(value: u32) {
    assert_eq!(value, 1);
}

fn main() {}
