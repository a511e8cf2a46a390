//! A write to a `fs::File` or a standard stream whose runtime has shut down:
//! the blocking pool refuses the background write, so the write must fail
//! (as Tokio's does) instead of returning `Ready(n)` for bytes that will
//! never be written. Both runtime flavours.
#![cfg(feature = "full")]

use runtime::fs::File;
use runtime::io::AsyncWriteExt;
use runtime::runtime::{Builder, Runtime};

fn rt(multi: bool) -> Runtime {
    let mut builder = if multi {
        Builder::new_multi_thread()
    } else {
        Builder::new_current_thread()
    };
    builder.worker_threads(1).enable_all().build().unwrap()
}

#[test]
fn a_file_write_after_shutdown_fails_and_writes_nothing() {
    for multi in [false, true] {
        let path =
            std::env::temp_dir().join(format!("rt-fs-refused-{}-{multi}", std::process::id()));
        let rt = rt(multi);
        let handle = rt.handle().clone();
        let mut file = rt.block_on(File::create(&path)).unwrap();
        rt.block_on(async {
            file.write_all(b"kept").await.unwrap();
            file.flush().await.unwrap();
        });
        drop(rt);

        let res = handle.block_on(file.write(b"refused"));
        assert!(
            res.is_err(),
            "multi {multi}: a write the pool refused returned {res:?}"
        );
        // The file stays usable as a value: flushing reports nothing more.
        handle.block_on(file.flush()).unwrap();
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), b"kept");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_stderr_write_after_shutdown_fails() {
    for multi in [false, true] {
        let rt = rt(multi);
        let handle = rt.handle().clone();
        let mut stderr = rt.block_on(async { runtime::io::stderr() });
        drop(rt);
        let res = handle.block_on(stderr.write(b"fs_refused: this line must not appear\n"));
        assert!(
            res.is_err(),
            "multi {multi}: a write the pool refused returned {res:?}"
        );
    }
}
