//! File-system benchmarks: this runtime's `fs` versus Tokio's, side by side.
//!
//! Both sides run the same code, expanded from one macro body with the crate
//! path (`runtime` or `tokio`) substituted, on a multi-thread runtime with 2
//! workers; every operation goes through the runtime's blocking pool, so
//! what is compared is the cost of the round trips to the pool and of the
//! buffering around them, not the disk (the files are in the page cache
//! after the first iteration).
//!
//! Workloads:
//!
//! * `fs_read_64k`: open a file of `FS_BENCH_MIB` MiB (256 by default; the
//!   issue's 1 GiB is too long an iteration for this shared machine) and read
//!   it to the end in 64 KiB `read` calls.
//! * `fs_write_64k`: create (truncate) a file and write `FS_BENCH_MIB` MiB
//!   in 64 KiB `write_all` calls, then `flush`.
//! * `fs_metadata_10k`: `fs::metadata` of 10 000 files, one after the other.
//! * `fs_read_dir_10k`: `fs::read_dir` of a folder of 10 000 entries, reading
//!   every entry and its file name.
//!
//! The fixture (the big file, the 10 000 files) is made once in a temporary
//! directory and removed at the end.
//!
//! `PAIRED=<workload> cargo bench -p benches --bench fs` runs the
//! alternating comparison of `benches::paired` instead of criterion.
//!
//! `FS_INSTR=<workload>:<runtime|tokio>:<n>[:current_thread]` runs one
//! workload `n` times on one runtime and nothing else, for instruction
//! counts under `valgrind --tool=callgrind` (see `benches/callgrind_fs.sh`,
//! which subtracts the `n` run from the `2n` run to drop the setup).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Duration;

use benches::{pair_runtimes, paired};
use criterion::{Criterion, SamplingMode, Throughput};

/// Files of `fs_metadata_10k` and entries of `fs_read_dir_10k`.
const ENTRIES: usize = 10_000;
/// The chunk of the read and write workloads.
const CHUNK: usize = 64 * 1024;
/// Worker threads of the runtimes.
const WORKERS: usize = 2;

/// Size of the read and write files, in bytes.
fn file_size() -> usize {
    let mib = std::env::var("FS_BENCH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    mib * 1024 * 1024
}

static FIXTURE: OnceLock<PathBuf> = OnceLock::new();

/// The fixture directory, made on first use: `big` (the file read), `many/`
/// (10 000 small files), and where `fs_write_64k` writes.
fn fixture() -> &'static Path {
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rt-bench-fs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("many")).unwrap();
        let block: Vec<u8> = (0..1 << 20).map(|i: u32| (i * 7 + 3) as u8).collect();
        let mut big = std::fs::File::create(dir.join("big")).unwrap();
        for _ in 0..file_size() >> 20 {
            std::io::Write::write_all(&mut big, &block).unwrap();
        }
        for i in 0..ENTRIES {
            std::fs::write(dir.join("many").join(i.to_string()), b"x").unwrap();
        }
        dir
    })
}

/// Generates the workloads for one Tokio-shaped runtime crate.
macro_rules! workloads {
    ($module:ident, $rt:ident) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use super::{file_size, fixture, CHUNK, ENTRIES, WORKERS};
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt::runtime::{Builder, Runtime};

            /// A multi-thread runtime with `WORKERS` workers.
            pub fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .unwrap()
            }

            /// A current-thread runtime (for repeatable instruction counts:
            /// no worker thread spins or steals under valgrind).
            pub fn current_thread() -> Runtime {
                Builder::new_current_thread().enable_all().build().unwrap()
            }

            /// Reads the big file in `CHUNK`-byte reads.
            pub fn fs_read_64k(rt: &Runtime) {
                rt.block_on(async {
                    let mut file = $rt::fs::File::open(fixture().join("big")).await.unwrap();
                    let mut buf = vec![0u8; CHUNK];
                    let mut total = 0;
                    loop {
                        let n = file.read(&mut buf).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        total += n;
                    }
                    assert_eq!(total, file_size());
                });
            }

            /// Writes `file_size()` bytes in `CHUNK`-byte `write_all`s.
            pub fn fs_write_64k(rt: &Runtime) {
                rt.block_on(async {
                    let path = fixture().join(concat!("written-", stringify!($rt)));
                    let mut file = $rt::fs::File::create(&path).await.unwrap();
                    let buf = vec![0x5au8; CHUNK];
                    for _ in 0..file_size() / CHUNK {
                        file.write_all(&buf).await.unwrap();
                    }
                    file.flush().await.unwrap();
                });
            }

            /// `metadata` of each of the `ENTRIES` files, in sequence.
            pub fn fs_metadata_10k(rt: &Runtime) {
                rt.block_on(async {
                    let many = fixture().join("many");
                    for i in 0..ENTRIES {
                        let meta = $rt::fs::metadata(many.join(i.to_string())).await.unwrap();
                        assert_eq!(meta.len(), 1);
                    }
                });
            }

            /// Lists the `ENTRIES`-entry folder.
            pub fn fs_read_dir_10k(rt: &Runtime) {
                rt.block_on(async {
                    let mut entries = $rt::fs::read_dir(fixture().join("many")).await.unwrap();
                    let mut count = 0;
                    while let Some(entry) = entries.next_entry().await.unwrap() {
                        criterion::black_box(entry.file_name());
                        count += 1;
                    }
                    assert_eq!(count, ENTRIES);
                });
            }
        }
    };
}

workloads!(on_runtime, runtime);
workloads!(on_tokio, tokio);

/// One criterion group per workload, `runtime` and `tokio` in it.
macro_rules! compare {
    ($c:expr, $workload:ident, $throughput:expr) => {{
        let mut group = $c.benchmark_group(stringify!($workload));
        group.sampling_mode(SamplingMode::Flat);
        group.throughput($throughput);
        {
            let rt = on_runtime::multi_thread();
            group.bench_function("runtime", |b| b.iter(|| on_runtime::$workload(&rt)));
        }
        {
            let rt = on_tokio::multi_thread();
            group.bench_function("tokio", |b| b.iter(|| on_tokio::$workload(&rt)));
        }
        group.finish();
    }};
}

fn fs_read_64k(c: &mut Criterion) {
    compare!(c, fs_read_64k, Throughput::Bytes(file_size() as u64));
}

fn fs_write_64k(c: &mut Criterion) {
    compare!(c, fs_write_64k, Throughput::Bytes(file_size() as u64));
}

fn fs_metadata_10k(c: &mut Criterion) {
    compare!(c, fs_metadata_10k, Throughput::Elements(ENTRIES as u64));
}

fn fs_read_dir_10k(c: &mut Criterion) {
    compare!(c, fs_read_dir_10k, Throughput::Elements(ENTRIES as u64));
}

/// Few samples: an iteration of the big-file workloads takes a fraction of a
/// second. Set on the `Criterion` value, so command-line flags still win.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
}

/// Criterion's entry point, in a private module for `missing_docs`.
mod entry {
    use super::{config, fs_metadata_10k, fs_read_64k, fs_read_dir_10k, fs_write_64k};
    use criterion::criterion_group;

    criterion_group! {
        name = fs;
        config = config();
        targets = fs_read_64k, fs_write_64k, fs_metadata_10k, fs_read_dir_10k,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 4] = [
    "fs_read_64k",
    "fs_write_64k",
    "fs_metadata_10k",
    "fs_read_dir_10k",
];

/// The paired comparison of workload `name` (see `benches::paired`).
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    match name {
        "fs_read_64k" => pair_runtimes!(name, rounds, multi_thread, fs_read_64k),
        "fs_write_64k" => pair_runtimes!(name, rounds, multi_thread, fs_write_64k),
        "fs_metadata_10k" => pair_runtimes!(name, rounds, multi_thread, fs_metadata_10k),
        "fs_read_dir_10k" => pair_runtimes!(name, rounds, multi_thread, fs_read_dir_10k),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// Runs workload `name` `n` times on `rt` (`runtime` or `tokio`), on a
/// multi-thread runtime or, with `current_thread`, a current-thread one.
fn instr_run(spec: &str) -> ExitCode {
    let parts: Vec<&str> = spec.split(':').collect();
    let (name, rt, n, current) = match parts[..] {
        [name, rt, n] => (name, rt, n, false),
        [name, rt, n, "current_thread"] => (name, rt, n, true),
        _ => {
            eprintln!("error: FS_INSTR={spec:?}: expected <workload>:<runtime|tokio>:<n>[:current_thread]");
            return ExitCode::FAILURE;
        }
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("error: FS_INSTR={spec:?}: <n> is not a number");
        return ExitCode::FAILURE;
    };
    macro_rules! run {
        ($module:ident) => {{
            let rt = if current {
                $module::current_thread()
            } else {
                $module::multi_thread()
            };
            let workload: fn(&_) = match name {
                "fs_read_64k" => $module::fs_read_64k,
                "fs_write_64k" => $module::fs_write_64k,
                "fs_metadata_10k" => $module::fs_metadata_10k,
                "fs_read_dir_10k" => $module::fs_read_dir_10k,
                other => {
                    eprintln!("error: unknown workload {other:?}; known: {PAIRED_WORKLOADS:?}");
                    return ExitCode::FAILURE;
                }
            };
            fixture();
            for _ in 0..n {
                workload(&rt);
            }
        }};
    }
    match rt {
        "runtime" => run!(on_runtime),
        "tokio" => run!(on_tokio),
        other => {
            eprintln!("error: FS_INSTR: runtime {other:?} is neither `runtime` nor `tokio`");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// What `criterion_main!` generates, plus the paired and instruction-count
/// modes, and the fixture's removal.
fn main() -> ExitCode {
    let instr = std::env::var("FS_INSTR").ok();
    let exit = match instr.as_deref().map(instr_run) {
        Some(exit) => Some(exit),
        None => paired::dispatch(&PAIRED_WORKLOADS, paired_run),
    };
    let exit = match exit {
        Some(exit) => exit,
        None => {
            entry::fs();
            Criterion::default().configure_from_args().final_summary();
            ExitCode::SUCCESS
        }
    };
    if let Some(dir) = FIXTURE.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
    exit
}
