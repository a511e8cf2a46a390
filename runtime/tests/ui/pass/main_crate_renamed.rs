extern crate runtime as rt;

#[rt::main(crate = "rt", flavor = "current_thread")]
async fn main() {
    let handle = rt::spawn(async { "renamed" });
    assert_eq!(handle.await.unwrap(), "renamed");
}
