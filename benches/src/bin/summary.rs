//! Prints a Markdown table comparing this runtime with Tokio from the results
//! of `cargo bench -p benches`.
//!
//! ```text
//! cargo run -p benches --bin summary [CRITERION_DIR]
//! ```
//!
//! For every group directory under the criterion output directory it reads
//! `runtime/new/estimates.json` and `tokio/new/estimates.json` and reports
//! the two medians and their ratio. Without an argument the directory is
//! `$CRITERION_HOME` or `$CARGO_TARGET_DIR/criterion` when set, otherwise the
//! first `target/criterion` found in the current directory or its ancestors.
//!
//! When `timers_100k/lateness.txt` is there too (written by `benches/time.rs`,
//! format in [`benches::Lateness`]), a second table shows the max timer
//! lateness of each runtime; when `net_memory/memory.txt` is there (written
//! by `benches/net.rs`, format in [`benches::NetMemory`]), a third one shows
//! the memory per idle TCP connection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use benches::{
    find_criterion_dir, median_ns, render_table, Lateness, NetMemory, Row, LATENESS_FILE,
    LATENESS_GROUP, NET_MEMORY_FILE, NET_MEMORY_GROUP,
};

/// The two functions every group is expected to hold.
const FUNCTIONS: [&str; 2] = ["runtime", "tokio"];

/// The median of `<group>/<function>/new/estimates.json`, if present.
///
/// A file that exists but cannot be read is reported on stderr and treated
/// as missing.
fn read_median(group_dir: &Path, function: &str) -> Option<f64> {
    let path = group_dir.join(function).join("new").join("estimates.json");
    let text = fs::read_to_string(&path).ok()?;
    match median_ns(&text) {
        Ok(ns) => Some(ns),
        Err(err) => {
            eprintln!("warning: {}: {err}", path.display());
            None
        }
    }
}

/// The lateness recorded by the `timers_100k` bench, if its file is present.
///
/// A file that exists but cannot be read or parsed is reported on stderr and
/// treated as missing.
fn read_lateness(dir: &Path) -> Option<Lateness> {
    let path = dir.join(LATENESS_GROUP).join(LATENESS_FILE);
    let text = fs::read_to_string(&path).ok()?;
    match Lateness::parse(&text) {
        Ok(lateness) => Some(lateness),
        Err(err) => {
            eprintln!("warning: {}: {err}", path.display());
            None
        }
    }
}

/// The per-connection memory recorded by the `net` bench, if its file is
/// present.
///
/// A file that exists but cannot be read or parsed is reported on stderr and
/// treated as missing.
fn read_net_memory(dir: &Path) -> Option<NetMemory> {
    let path = dir.join(NET_MEMORY_GROUP).join(NET_MEMORY_FILE);
    let text = fs::read_to_string(&path).ok()?;
    match NetMemory::parse(&text) {
        Ok(memory) => Some(memory),
        Err(err) => {
            eprintln!("warning: {}: {err}", path.display());
            None
        }
    }
}

fn main() -> ExitCode {
    let dir = match env::args_os().nth(1) {
        Some(arg) => PathBuf::from(arg),
        None => match find_criterion_dir() {
            Some(dir) => dir,
            None => {
                eprintln!(
                    "error: no target/criterion directory found from {}; run \
                     `cargo bench -p benches` first or pass the directory as an argument",
                    env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string())
                );
                return ExitCode::FAILURE;
            }
        },
    };

    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) => {
            eprintln!("error: cannot read {}: {err}", dir.display());
            return ExitCode::FAILURE;
        }
    };

    // Keyed by group name so the table comes out sorted.
    let mut rows = BTreeMap::new();
    for entry in entries.flatten() {
        let group_dir = entry.path();
        // `report` is criterion's HTML index, not a group.
        if !group_dir.is_dir() || entry.file_name() == "report" {
            continue;
        }
        let [runtime_ns, tokio_ns] = FUNCTIONS.map(|function| read_median(&group_dir, function));
        if runtime_ns.is_none() && tokio_ns.is_none() {
            continue;
        }
        let workload = entry.file_name().to_string_lossy().into_owned();
        rows.insert(
            workload.clone(),
            Row {
                workload,
                runtime_ns,
                tokio_ns,
            },
        );
    }

    if rows.is_empty() {
        eprintln!(
            "error: no runtime/tokio results under {}; run `cargo bench -p benches` first",
            dir.display()
        );
        return ExitCode::FAILURE;
    }

    let rows: Vec<Row> = rows.into_values().collect();
    print!("{}", render_table(&rows));
    if let Some(lateness) = read_lateness(&dir) {
        println!();
        print!("{}", lateness.render_table());
    }
    if let Some(memory) = read_net_memory(&dir) {
        println!();
        print!("{}", memory.render_table());
    }
    ExitCode::SUCCESS
}
