// `unhandled_panic` needs a current-thread (or local) runtime, as in Tokio.
#[runtime::main(unhandled_panic = "shutdown_runtime")]
async fn main() {}
