// Other spellings of the option values: raw strings, suffixed and
// underscored integers, a trailing comma; and a paused clock, which makes an
// hour-long sleep finish at once.
#[runtime::main(flavor = r"current_thread", start_paused = true,)]
async fn paused() {
    let start = runtime::time::Instant::now();
    runtime::time::sleep(std::time::Duration::from_secs(3600)).await;
    assert!(start.elapsed() >= std::time::Duration::from_secs(3600));
}

#[runtime::main(worker_threads = 0_2usize, flavor = "multi_thread")]
async fn multi() -> usize {
    runtime::spawn(async { 5 }).await.unwrap()
}

fn main() {
    let wall = std::time::Instant::now();
    paused();
    assert!(wall.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(multi(), 5);
}
