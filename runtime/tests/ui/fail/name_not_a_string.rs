#[runtime::test(name = my_runtime)]
async fn named() {}

fn main() {}
