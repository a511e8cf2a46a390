// `-> !` is stable as a fn's return type: the body must diverge.
#[runtime::main(flavor = "current_thread")]
async fn main() -> ! {
    runtime::task::yield_now().await;
    std::process::exit(0)
}
