#[runtime::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let handles: Vec<_> = (0..8u64)
        .map(|i| runtime::spawn(async move { i * i }))
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, 140);
}
