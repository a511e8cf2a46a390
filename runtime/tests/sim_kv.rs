//! The `sim_kv` example under simulation: the planted bug is found within a
//! few hundred seeds and replays from its seed; with the bug off, 1,000
//! seeds pass. (One test: the bug switch is process-wide.)

#[path = "../examples/sim_kv.rs"]
mod sim_kv;

#[test]
fn planted_bug_found_and_replayed_then_1000_seeds_pass() {
    if std::env::var(runtime::sim::SEED_ENV).is_ok() {
        return; // a replay of one seed is `cargo run --example sim_kv`
    }
    sim_kv::set_bug(true);
    let err = sim_kv::search(300).unwrap_err();
    assert!(err.reason().contains("acknowledged write"), "{err}");
    // Replay: the same seed fails the same way, with the same trace.
    let (text, again) = sim_kv::simulate(err.seed());
    let again = again.unwrap_err();
    assert_eq!(again.reason(), err.reason());
    assert_eq!(again.trace_hash(), err.trace_hash());
    assert_eq!(sim_kv::simulate(err.seed()).0, text);

    sim_kv::set_bug(false);
    assert_eq!(sim_kv::search(1000).unwrap(), 1000);
}
