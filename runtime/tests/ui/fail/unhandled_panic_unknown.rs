// Only Tokio's two behaviours are known.
#[runtime::test(unhandled_panic = "abort")]
async fn panics() {}

fn main() {}
