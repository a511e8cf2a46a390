// Test functions are only compiled here (trybuild builds a binary, where
// `#[test]` items are dropped); tests/macros.rs runs them.

#[runtime::test]
async fn plain() {
    assert_eq!(runtime::spawn(async { 1 }).await.unwrap(), 1);
}

#[runtime::test]
#[should_panic(expected = "boom")]
async fn panics() {
    panic!("boom");
}

#[runtime::test]
#[ignore]
async fn ignored() {}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
pub async fn returns_result() -> Result<(), String> {
    let value = runtime::spawn(async { 2 })
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(value, 2);
    Ok(())
}

fn main() {}
