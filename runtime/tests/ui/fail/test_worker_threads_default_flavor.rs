#[runtime::test(worker_threads = 2)]
async fn needs_multi_thread() {}

fn main() {}
