// Tokio's (unstable) `unhandled_panic` option: this runtime has no
// unhandled-panic policy, so the option is refused, saying so.
#[runtime::test(flavor = "current_thread", unhandled_panic = "shutdown_runtime")]
async fn panics() {
    runtime::spawn(async { panic!("boom") });
}

fn main() {}
