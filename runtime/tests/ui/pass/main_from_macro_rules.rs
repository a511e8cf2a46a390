// Options passed through `macro_rules!` fragments arrive wrapped in invisible
// groups; they must be accepted all the same.
macro_rules! entry {
    ($flavor:literal, $workers:literal) => {
        #[runtime::main(flavor = $flavor, worker_threads = $workers)]
        async fn main() {
            let handle = runtime::spawn(async { 3 });
            assert_eq!(handle.await.unwrap(), 3);
        }
    };
}

entry!("multi_thread", 2);
