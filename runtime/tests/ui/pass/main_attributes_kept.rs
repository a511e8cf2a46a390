// Inner and outer attributes of the function survive the expansion.
#[runtime::main]
#[allow(clippy::let_and_return)]
async fn main() {
    #![allow(unused_variables)]
    let unused = 1;
    let handle = runtime::spawn(async { 1 + 1 });
    assert_eq!(handle.await.unwrap(), 2);
}
