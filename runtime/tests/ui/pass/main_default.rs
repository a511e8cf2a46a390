#[runtime::main]
async fn main() {
    let handle = runtime::spawn(async { 1 + 1 });
    assert_eq!(handle.await.unwrap(), 2);
}
