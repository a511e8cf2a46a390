//! Runtime behaviour of functions expanded by `#[runtime::test]`.
#![cfg(feature = "full")]

use std::error::Error;

#[runtime::test]
async fn default_flavor_runs_spawned_task() {
    let handle = runtime::spawn(async { 1 + 1 });
    assert_eq!(handle.await.unwrap(), 2);
}

#[runtime::test(flavor = "current_thread")]
async fn explicit_current_thread() {
    let handles: Vec<_> = (0..10u32)
        .map(|i| runtime::spawn(async move { i * 2 }))
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    assert_eq!(results, (0..10).map(|i| i * 2).collect::<Vec<_>>());
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_two_workers() {
    let handles: Vec<_> = (0..64u64)
        .map(|i| runtime::spawn(async move { i }))
        .collect();
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.unwrap();
    }
    assert_eq!(sum, 64 * 63 / 2);
}

#[runtime::test(flavor = "multi_thread")]
async fn multi_thread_default_workers() {
    let nested = runtime::spawn(async {
        let inner = runtime::spawn(async { "inner" });
        inner.await.unwrap()
    });
    assert_eq!(nested.await.unwrap(), "inner");
}

#[runtime::test]
async fn returns_ok_result() -> Result<(), Box<dyn Error>> {
    let value = runtime::spawn(async { 7 })
        .await
        .map_err(|e| format!("{e:?}"))?;
    let parsed: i32 = "7".parse()?;
    assert_eq!(value, parsed);
    Ok(())
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_return_in_body() -> Result<(), String> {
    let value = runtime::spawn(async { 3 })
        .await
        .map_err(|e| format!("{e:?}"))?;
    if value == 3 {
        return Ok(());
    }
    Err(format!("unexpected value {value}"))
}

#[runtime::test]
#[should_panic(expected = "boom")]
async fn should_panic_is_kept() {
    let value = runtime::spawn(async { 1 }).await.unwrap();
    if value == 1 {
        panic!("boom");
    }
}

#[runtime::test]
#[ignore = "checks that #[ignore] is kept; never run"]
async fn ignore_is_kept() {
    panic!("ignored tests must not run");
}

#[runtime::test(crate = "::runtime")]
async fn explicit_crate_path() {
    assert_eq!(runtime::spawn(async { 5 }).await.unwrap(), 5);
}

/// Methods and free functions other than `main` may take arguments, `self`
/// included: the expansion is a synchronous fn with the same signature.
struct Server {
    base: u32,
}

impl Server {
    #[runtime::main]
    async fn run(self, n: u32) -> u32 {
        let base = self.base;
        let spawned = runtime::spawn(async move { base + n });
        spawned.await.unwrap()
    }

    #[runtime::main(flavor = "current_thread")]
    async fn add_twice(&mut self, mut extra: u32) {
        extra *= 2;
        runtime::task::yield_now().await;
        self.base += extra;
    }

    #[runtime::main(flavor = "current_thread")]
    async fn sum((a, b): (u32, u32), Server { base }: Server) -> u32 {
        runtime::task::yield_now().await;
        a + b + base
    }
}

/// Arguments named like the expansion's own locals (`body`, `ret`) do not
/// clash with them (mixed-site hygiene).
#[runtime::main(flavor = "current_thread")]
async fn shadowing(body: String, ret: u32) -> String {
    runtime::task::yield_now().await;
    format!("{body}{ret}")
}

struct Named {
    name: String,
}

impl Named {
    /// A borrowed return type with an elided lifetime, from `&self`.
    #[runtime::main(flavor = "current_thread")]
    async fn name(&self) -> &str {
        runtime::task::yield_now().await;
        &self.name
    }
}

#[runtime::main(flavor = "current_thread")]
async fn concat<'a>(prefix: &'a str, words: &[&'a str]) -> String {
    let mut out = String::from(prefix);
    for word in words {
        runtime::task::yield_now().await;
        out.push_str(word);
    }
    out
}

#[test]
fn main_accepts_methods_and_functions_with_arguments() {
    assert_eq!(Server { base: 40 }.run(2), 42);

    let mut server = Server { base: 1 };
    server.add_twice(3);
    assert_eq!(server.base, 7);

    assert_eq!(Server::sum((1, 2), Server { base: 3 }), 6);
    assert_eq!(concat("a", &["b", "c"]), "abc");
    assert_eq!(shadowing(String::from("x"), 1), "x1");
    let named = Named {
        name: String::from("n"),
    };
    assert_eq!(named.name(), "n");
}

/// `-> !` is stable in a fn's return position; the body must diverge.
#[runtime::main(flavor = "current_thread")]
async fn never_returns() -> ! {
    runtime::task::yield_now().await;
    panic!("diverged inside the runtime");
}

#[test]
#[should_panic(expected = "diverged inside the runtime")]
fn main_accepts_the_never_return_type() {
    never_returns();
}

/// `impl Trait` cannot be the type of a `let` either; it is inferred too.
#[runtime::main(flavor = "current_thread")]
async fn opaque(n: u32) -> impl std::fmt::Display {
    runtime::task::yield_now().await;
    n * 2
}

#[test]
fn main_accepts_an_impl_trait_return_type() {
    assert_eq!(opaque(21).to_string(), "42");
}
