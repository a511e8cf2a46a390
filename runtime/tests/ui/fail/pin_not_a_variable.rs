// `pin!` pins local variables by name, or `let` declarations; not
// arbitrary expressions.
struct S {
    fut: std::future::Ready<()>,
}

fn main() {
    let s = S {
        fut: std::future::ready(()),
    };
    runtime::pin!(s.fut);
}
