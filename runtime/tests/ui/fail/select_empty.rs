// `select!` needs at least one branch besides `else`.
async fn no_branches() {
    runtime::select! {}
}

fn main() {
    drop(no_branches());
}
