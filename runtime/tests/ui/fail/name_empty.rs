// A runtime name must not be empty (Tokio's `Builder::name` panics on it;
// the attribute reports it at compile time).
#[runtime::main(name = "  ")]
async fn main() {}
