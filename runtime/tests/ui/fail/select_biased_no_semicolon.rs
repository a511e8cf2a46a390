// `biased` must be followed by `;`.
async fn biased_without_semicolon() -> u32 {
    runtime::select! {
        biased
        v = async { 1 } => v,
        _ = async {} => 0,
    }
}

fn main() {
    drop(biased_without_semicolon());
}
