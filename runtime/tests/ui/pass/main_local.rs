use std::rc::Rc;

#[runtime::main(flavor = "local")]
async fn main() {
    let rc = Rc::new(20); // not Send
    let r = rc.clone();
    let handle = runtime::task::spawn_local(async move { *r + 1 });
    assert_eq!(handle.await.unwrap() + 1, 22);
    assert_eq!(*rc, 20);
}
