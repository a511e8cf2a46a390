// `#[runtime::main]` on a function that is not `main`, with arguments and
// `self`: it becomes a blocking fn with the same signature.
struct Counter {
    count: u32,
}

impl Counter {
    #[runtime::main(flavor = "current_thread")]
    async fn bump(&mut self, by: u32) -> u32 {
        runtime::task::yield_now().await;
        self.count += by;
        self.count
    }

    #[runtime::main]
    async fn into_total(self, extra: u32) -> u32 {
        let count = self.count;
        runtime::spawn(async move { count + extra }).await.unwrap()
    }
}

fn main() {
    let mut counter = Counter { count: 1 };
    assert_eq!(counter.bump(2), 3);
    assert_eq!(counter.into_total(4), 7);
}
