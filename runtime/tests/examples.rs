//! Runs the examples' self-contained modes, so they are tested, not only compiled.
#![cfg(feature = "full")]

#[allow(dead_code)]
#[path = "../examples/chat.rs"]
mod chat;

use std::time::Duration;

/// Bounds each example run, so a hang fails the test instead of stalling CI.
const WATCHDOG: Duration = Duration::from_secs(20);

fn check_chat_demo(heard_by: Vec<(&'static str, Vec<String>)>) {
    let names: Vec<&str> = heard_by.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["ann", "bob", "cid"]);
    for (name, heard) in &heard_by {
        for other in names.iter().filter(|o| *o != name) {
            let hello = format!("hello from {other}");
            assert_eq!(
                heard.iter().filter(|l| l.ends_with(&hello)).count(),
                1,
                "{name} should hear {other} exactly once; heard {heard:?}"
            );
        }
        let own = format!("hello from {name}");
        assert!(
            !heard.iter().any(|l| l.ends_with(&own)),
            "{name} was echoed its own line: {heard:?}"
        );
    }
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_demo_every_client_hears_each_other_client_once() {
    let heard_by = runtime::time::timeout(WATCHDOG, chat::demo())
        .await
        .expect("chat demo hung")
        .unwrap();
    check_chat_demo(heard_by);
}

#[runtime::test]
async fn chat_demo_on_current_thread() {
    let heard_by = runtime::time::timeout(WATCHDOG, chat::demo())
        .await
        .expect("chat demo hung")
        .unwrap();
    check_chat_demo(heard_by);
}
