// `name` and `crate` together, through a module that re-exports the runtime
// (as a library built on it would).
mod reexport {
    pub use runtime as rt;
}

#[reexport::rt::main(crate = "reexport::rt", flavor = "current_thread", name = "ui-named")]
async fn main() {
    assert_eq!(reexport::rt::Handle::current().name(), Some("ui-named"));
    let only_else: u8 = reexport::rt::select! { else => 1 };
    let ((), ()) = reexport::rt::join!(biased; async {}, async {});
    reexport::rt::pin! {
        let f = async { only_else };
    }
    assert_eq!(f.await, 1);
}
