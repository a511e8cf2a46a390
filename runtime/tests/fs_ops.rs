//! `runtime::fs`'s free functions, `OpenOptions`, `DirBuilder` and `read_dir`
//! against `std::fs` doing the same operations: same results, same errors
//! (kind and OS code), on both runtime flavours.
#![cfg(feature = "full")]

use runtime::fs;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};

/// Runs `test` on a current-thread and on a multi-thread runtime, each with
/// a fresh directory.
fn both<F, Fut>(name: &str, test: F)
where
    F: Fn(PathBuf) -> Fut,
    Fut: Future<Output = ()>,
{
    for multi in [false, true] {
        let dir = std::env::temp_dir().join(format!(
            "rt-fs-ops-{name}-{}-{}",
            std::process::id(),
            if multi { "mt" } else { "ct" }
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let rt = if multi {
            runtime::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
        } else {
            runtime::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        }
        .unwrap();
        rt.block_on(test(dir.clone()));
        drop(rt);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The same error: kind and OS code (the message is derived from them).
fn same_err<T: std::fmt::Debug, U: std::fmt::Debug>(
    ours: io::Result<T>,
    std: io::Result<U>,
) -> io::Error {
    let ours = ours.expect_err("runtime::fs succeeded where std failed");
    let std = std.expect_err("std succeeded where runtime::fs failed");
    assert_eq!(ours.kind(), std.kind(), "{ours} vs {std}");
    assert_eq!(ours.raw_os_error(), std.raw_os_error(), "{ours} vs {std}");
    assert_eq!(ours.to_string(), std.to_string());
    ours
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn read_write_and_their_errors_match_std() {
    both("rw", |dir| async move {
        let f = dir.join("f");
        fs::write(&f, b"hello").await.unwrap();
        assert_eq!(fs::read(&f).await.unwrap(), std::fs::read(&f).unwrap());
        assert_eq!(
            fs::read_to_string(&f).await.unwrap(),
            std::fs::read_to_string(&f).unwrap()
        );

        let missing = dir.join("missing");
        let e = same_err(fs::read(&missing).await, std::fs::read(&missing));
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        same_err(
            fs::read_to_string(&missing).await,
            std::fs::read_to_string(&missing),
        );
        // Writing into a missing directory.
        let nested = dir.join("no/such/file");
        same_err(
            fs::write(&nested, b"x").await,
            std::fs::write(&nested, b"x"),
        );
        // Reading a directory.
        same_err(fs::read(&dir).await, std::fs::read(&dir));

        std::fs::write(&f, [0xff, 0xfe]).unwrap();
        let e = same_err(fs::read_to_string(&f).await, std::fs::read_to_string(&f));
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    });
}

#[test]
fn directory_operations_match_std() {
    both("dirs", |dir| async move {
        fs::create_dir(dir.join("a")).await.unwrap();
        let e = same_err(
            fs::create_dir(dir.join("a")).await,
            std::fs::create_dir(dir.join("a")),
        );
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        same_err(
            fs::create_dir(dir.join("x/y")).await,
            std::fs::create_dir(dir.join("x/y")),
        );
        fs::create_dir_all(dir.join("a/b/c")).await.unwrap();
        fs::create_dir_all(dir.join("a/b/c")).await.unwrap();
        assert!(dir.join("a/b/c").is_dir());

        // remove_dir of a non-empty directory: same error as std.
        same_err(
            fs::remove_dir(dir.join("a")).await,
            std::fs::remove_dir(dir.join("a")),
        );
        fs::remove_dir(dir.join("a/b/c")).await.unwrap();
        same_err(
            fs::remove_dir(dir.join("a/b/c")).await,
            std::fs::remove_dir(dir.join("a/b/c")),
        );
        fs::remove_dir_all(dir.join("a")).await.unwrap();
        assert!(!dir.join("a").exists());
        same_err(
            fs::remove_dir_all(dir.join("a")).await,
            std::fs::remove_dir_all(dir.join("a")),
        );

        // DirBuilder: not recursive fails as create_dir, recursive as create_dir_all.
        same_err(
            fs::DirBuilder::new().create(dir.join("p/q")).await,
            std::fs::DirBuilder::new().create(dir.join("p/q")),
        );
        fs::DirBuilder::new()
            .recursive(true)
            .create(dir.join("p/q"))
            .await
            .unwrap();
        assert!(dir.join("p/q").is_dir());
        use std::os::unix::fs::PermissionsExt;
        fs::DirBuilder::new()
            .mode(0o701)
            .create(dir.join("m"))
            .await
            .unwrap();
        let mode = std::fs::metadata(dir.join("m"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode & !0o701, 0, "mode {mode:o} has bits beyond 0o701");
    });
}

#[test]
fn files_links_and_metadata_match_std() {
    both("files", |dir| async move {
        let a = dir.join("a");
        std::fs::write(&a, b"12345").unwrap();

        assert_eq!(
            fs::copy(&a, dir.join("b")).await.unwrap(),
            std::fs::copy(&a, dir.join("b_std")).unwrap()
        );
        assert_eq!(std::fs::read(dir.join("b")).unwrap(), b"12345");
        same_err(
            fs::copy(dir.join("nope"), dir.join("c")).await,
            std::fs::copy(dir.join("nope"), dir.join("c")),
        );

        fs::rename(dir.join("b"), dir.join("renamed"))
            .await
            .unwrap();
        assert!(!dir.join("b").exists() && dir.join("renamed").exists());
        same_err(
            fs::rename(dir.join("b"), dir.join("c")).await,
            std::fs::rename(dir.join("b"), dir.join("c")),
        );

        let ours = fs::metadata(&a).await.unwrap();
        let std_meta = std::fs::metadata(&a).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(
            (ours.ino(), ours.len(), ours.mode()),
            (std_meta.ino(), std_meta.len(), std_meta.mode())
        );
        same_err(
            fs::metadata(dir.join("nope")).await,
            std::fs::metadata(dir.join("nope")),
        );

        fs::symlink(&a, dir.join("link")).await.unwrap();
        same_err(
            fs::symlink(&a, dir.join("link")).await,
            std::os::unix::fs::symlink(&a, dir.join("link")),
        );
        assert!(fs::symlink_metadata(dir.join("link"))
            .await
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::metadata(dir.join("link")).await.unwrap().is_file());
        assert_eq!(fs::read_link(dir.join("link")).await.unwrap(), a);
        same_err(fs::read_link(&a).await, std::fs::read_link(&a));
        assert_eq!(
            fs::canonicalize(dir.join("link")).await.unwrap(),
            std::fs::canonicalize(dir.join("link")).unwrap()
        );
        same_err(
            fs::canonicalize(dir.join("nope")).await,
            std::fs::canonicalize(dir.join("nope")),
        );

        fs::hard_link(&a, dir.join("hard")).await.unwrap();
        assert_eq!(
            std::fs::metadata(dir.join("hard")).unwrap().ino(),
            std_meta.ino()
        );
        same_err(
            fs::hard_link(&a, dir.join("hard")).await,
            std::fs::hard_link(&a, dir.join("hard")),
        );

        assert!(fs::try_exists(&a).await.unwrap());
        assert!(!fs::try_exists(dir.join("nope")).await.unwrap());
        fs::symlink(dir.join("nope"), dir.join("dangling"))
            .await
            .unwrap();
        assert_eq!(
            fs::try_exists(dir.join("dangling")).await.unwrap(),
            dir.join("dangling").try_exists().unwrap()
        );

        let mut perm = fs::metadata(&a).await.unwrap().permissions();
        perm.set_readonly(true);
        fs::set_permissions(&a, perm).await.unwrap();
        assert!(std::fs::metadata(&a).unwrap().permissions().readonly());
        let perm = std::fs::metadata(&a).unwrap().permissions();
        same_err(
            fs::set_permissions(dir.join("nope"), perm.clone()).await,
            std::fs::set_permissions(dir.join("nope"), perm),
        );

        fs::remove_file(dir.join("link")).await.unwrap();
        assert!(a.exists(), "removing a symlink leaves its target");
        same_err(
            fs::remove_file(dir.join("link")).await,
            std::fs::remove_file(dir.join("link")),
        );
        same_err(fs::remove_file(&dir).await, std::fs::remove_file(&dir));
    });
}

#[test]
fn permission_denied_matches_std() {
    if is_root() {
        // Root bypasses permission checks: run this test again in a child
        // process as `nobody`, with a temporary directory it owns.
        let tmp = std::env::temp_dir().join(format!("rt-fs-ops-nobody-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        std::os::unix::fs::chown(&tmp, Some(65534), Some(65534)).unwrap();
        use std::os::unix::process::CommandExt;
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "permission_denied_matches_std",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("TMPDIR", &tmp)
            .uid(65534)
            .gid(65534)
            .output();
        let _ = std::fs::remove_dir_all(&tmp);
        match out {
            Ok(out) => {
                let stdout = String::from_utf8_lossy(&out.stdout);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(out.status.success(), "as nobody:\n{stdout}\n{stderr}");
                assert!(stdout.contains("1 passed"), "as nobody:\n{stdout}\n{stderr}");
                assert!(!stderr.contains("skipped"), "as nobody:\n{stdout}\n{stderr}");
            }
            Err(e) => eprintln!(
                "permission_denied_matches_std: skipped, running as root and cannot run as nobody ({e})"
            ),
        }
        return;
    }
    both("perm", |dir| async move {
        use std::os::unix::fs::PermissionsExt;
        let secret = dir.join("secret");
        std::fs::write(&secret, b"s").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
        let e = same_err(fs::read(&secret).await, std::fs::read(&secret));
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        same_err(fs::File::open(&secret).await, std::fs::File::open(&secret));

        let locked = dir.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
        same_err(
            fs::write(locked.join("f"), b"x").await,
            std::fs::write(locked.join("f"), b"x"),
        );
        same_err(
            fs::create_dir(locked.join("d")).await,
            std::fs::create_dir(locked.join("d")),
        );
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        same_err(fs::read_dir(&locked).await, std::fs::read_dir(&locked));
        same_err(
            fs::try_exists(locked.join("x")).await,
            locked.join("x").try_exists(),
        );
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    });
}

#[test]
fn open_options_match_std() {
    both("open", |dir| async move {
        let f = dir.join("f");
        let check = |ours: io::Result<fs::File>, std: io::Result<std::fs::File>| match (ours, std) {
            (Ok(_), Ok(_)) => {}
            (ours, std) => {
                same_err(ours, std);
            }
        };
        // No access mode, create without write, truncate without write...
        let cases: Vec<(SetOurs, SetStd)> = vec![
            (|_o| {}, |_o| {}),
            (
                |o| {
                    o.read(true);
                },
                |o| {
                    o.read(true);
                },
            ),
            (
                |o| {
                    o.read(true).create(true);
                },
                |o| {
                    o.read(true).create(true);
                },
            ),
            (
                |o| {
                    o.read(true).truncate(true);
                },
                |o| {
                    o.read(true).truncate(true);
                },
            ),
            (
                |o| {
                    o.write(true).create_new(true);
                },
                |o| {
                    o.write(true).create_new(true);
                },
            ),
            (
                |o| {
                    o.write(true).create(true);
                },
                |o| {
                    o.write(true).create(true);
                },
            ),
            (
                |o| {
                    o.append(true);
                },
                |o| {
                    o.append(true);
                },
            ),
        ];
        for (ours, std) in cases {
            let _ = std::fs::remove_file(&f);
            let mut o = fs::OpenOptions::new();
            ours(&mut o);
            let mut s = std::fs::OpenOptions::new();
            std(&mut s);
            let a = o.open(&f).await;
            let _ = std::fs::remove_file(&f);
            let b = s.open(&f);
            let _ = std::fs::remove_file(&f);
            // The same again with the file present.
            std::fs::write(&f, b"present").unwrap();
            let (c, d) = (o.open(&f).await, s.open(&f));
            check(a, b);
            check(c, d);
        }
        let e = fs::File::create_new(&f).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        let e = fs::File::open(dir.join("missing")).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);

        use std::os::unix::fs::PermissionsExt;
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .mode(0o604)
            .open(dir.join("m"))
            .await
            .unwrap();
        let mode = std::fs::metadata(dir.join("m"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode & !0o604, 0, "mode {mode:o} has bits beyond 0o604");
        std::os::unix::fs::symlink(&f, dir.join("link")).unwrap();
        let mut nofollow = fs::OpenOptions::new();
        nofollow.read(true).custom_flags(libc::O_NOFOLLOW);
        let mut std_nofollow = std::fs::OpenOptions::new();
        std::os::unix::fs::OpenOptionsExt::custom_flags(std_nofollow.read(true), libc::O_NOFOLLOW);
        same_err(
            nofollow.open(dir.join("link")).await,
            std_nofollow.open(dir.join("link")),
        );
        let from_std: fs::OpenOptions = std_nofollow.clone().into();
        assert!(from_std.open(&f).await.is_ok());
    });
}

/// Sets options on ours and on std's the same way.
type SetOurs = fn(&mut fs::OpenOptions);
type SetStd = fn(&mut std::fs::OpenOptions);

fn listing_std(dir: &Path) -> Vec<(String, bool, u64)> {
    use std::os::unix::fs::DirEntryExt;
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                e.file_type().unwrap().is_dir(),
                e.ino(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn read_dir_lists_what_std_lists() {
    both("readdir", |dir| async move {
        // More than a few batches (32 per blocking call), files and dirs.
        for i in 0..150 {
            if i % 7 == 0 {
                std::fs::create_dir(dir.join(format!("d{i}"))).unwrap();
            } else {
                std::fs::write(dir.join(format!("f{i}")), i.to_string()).unwrap();
            }
        }
        let mut ours = Vec::new();
        let mut entries = fs::read_dir(&dir).await.unwrap();
        while let Some(e) = entries.next_entry().await.unwrap() {
            assert_eq!(e.path(), dir.join(e.file_name()));
            let meta = e.metadata().await.unwrap();
            assert_eq!(meta.is_dir(), e.file_type().await.unwrap().is_dir());
            ours.push((
                e.file_name().into_string().unwrap(),
                e.file_type().await.unwrap().is_dir(),
                e.ino(),
            ));
        }
        assert!(
            entries.next_entry().await.unwrap().is_none(),
            "the end stays the end"
        );
        ours.sort();
        assert_eq!(ours, listing_std(&dir));
        assert_eq!(ours.len(), 150);

        // Empty directory, and errors.
        std::fs::create_dir(dir.join("empty")).unwrap();
        assert!(fs::read_dir(dir.join("empty"))
            .await
            .unwrap()
            .next_entry()
            .await
            .unwrap()
            .is_none());
        same_err(
            fs::read_dir(dir.join("missing")).await,
            std::fs::read_dir(dir.join("missing")),
        );
        same_err(
            fs::read_dir(dir.join("f1")).await,
            std::fs::read_dir(dir.join("f1")),
        );
    });
}

#[test]
fn outside_a_runtime_panics_with_a_clear_message() {
    let dir = std::env::temp_dir();
    let err =
        std::panic::catch_unwind(|| futures::executor::block_on(fs::metadata(dir))).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap();
    assert!(
        msg.contains("must be called from the context of a runtime"),
        "{msg}"
    );
}
