// A body that can finish does not fit `-> !`; rustc says so.
#[runtime::main]
async fn main() -> ! {
    runtime::task::yield_now().await;
}
