// The handler must be introduced by `=>`.
async fn missing_arrow() -> u32 {
    runtime::select! {
        v = async { 1 } v + 1,
        _ = async {} => 0,
    }
}

fn main() {
    drop(missing_arrow());
}
