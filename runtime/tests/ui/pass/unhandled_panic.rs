// Tokio's `unhandled_panic` option: with `"shutdown_runtime"` a panicking
// task shuts the runtime down and `block_on` (the function) panics.
#[runtime::main(flavor = "current_thread", unhandled_panic = "shutdown_runtime")]
async fn shuts_down() {
    runtime::spawn(async { panic!("boom") });
    loop {
        runtime::task::yield_now().await;
    }
}

#[runtime::main(flavor = "local", unhandled_panic = "ignore")]
async fn ignored() -> bool {
    let failed = runtime::task::spawn_local(async { panic!("boom") }).await;
    failed.unwrap_err().is_panic()
}

fn main() {
    assert!(std::panic::catch_unwind(shuts_down).is_err());
    assert!(ignored());
}
