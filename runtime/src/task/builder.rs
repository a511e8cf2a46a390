//! `task::Builder`: spawns a task with a name, as Tokio's (unstable there).
//!
//! A name costs one allocation, made only for named tasks; it lives in the
//! task header next to the spawn site, and shows in task dumps
//! ([`Handle::dump`](crate::runtime::Handle::dump)) and long-poll reports.
//! Each method records its caller as the spawn site and hands both to the
//! next task allocated on this thread (`runtime_core::task_meta`), then
//! spawns through the ordinary functions.

use crate::task::{JoinHandle, LocalSet};
use crate::Handle;
use runtime_core::task_meta::with_spawn_meta;
use std::future::Future;
use std::io;
use std::panic::Location;

/// Configures a task before spawning it: today, its name.
///
/// Every method returns `io::Result` as in Tokio; with this runtime the
/// spawn itself does not fail (outside a runtime the free-function forms
/// panic, as `spawn` does).
///
/// # Examples
///
/// ```
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let task = runtime::task::Builder::new()
///         .name("fetcher")
///         .spawn(async { 40 + 2 })?;
///     assert_eq!(task.await.unwrap(), 42);
///     Ok(())
/// }
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with no name set.
    ///
    /// ```
    /// let builder = runtime::task::Builder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> Self {
        Builder::default()
    }

    /// Names the task (shown in task dumps and long-poll reports).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// runtime::task::Builder::new().name("n").spawn_on(async {}, rt.handle()).unwrap();
    /// assert_eq!(rt.handle().dump().tasks()[0].name(), Some("n"));
    /// ```
    pub fn name(&self, name: &'a str) -> Self {
        Builder { name: Some(name) }
    }

    /// Spawns `future` on the current runtime; see [`crate::spawn`].
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let t = runtime::task::Builder::new().name("a").spawn(async { 1 }).unwrap();
    ///     assert_eq!(t.await.unwrap(), 1);
    /// }
    /// ```
    #[track_caller]
    pub fn spawn<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            crate::spawn(future)
        }))
    }

    /// Spawns `future` on the runtime of `handle`; see [`Handle::spawn`].
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let t = runtime::task::Builder::new().name("b").spawn_on(async { 2 }, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(t).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_on<Fut>(self, future: Fut, handle: &Handle) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            handle.spawn(future)
        }))
    }

    /// Spawns a `!Send` future on the current `LocalSet` (or
    /// `LocalRuntime`); see [`crate::task::spawn_local`].
    ///
    /// # Panics
    ///
    /// Outside a `LocalSet` or `LocalRuntime`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let out = local.block_on(&rt, async {
    ///     let rc = std::rc::Rc::new(3);
    ///     runtime::task::Builder::new()
    ///         .name("local")
    ///         .spawn_local(async move { *rc })
    ///         .unwrap()
    ///         .await
    ///         .unwrap()
    /// });
    /// assert_eq!(out, 3);
    /// ```
    #[track_caller]
    pub fn spawn_local<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            crate::task::spawn_local(future)
        }))
    }

    /// Spawns a `!Send` future on `local_set`; see
    /// [`LocalSet::spawn_local`].
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let t = runtime::task::Builder::new().name("c").spawn_local_on(async { 4 }, &local).unwrap();
    /// rt.block_on(local);
    /// assert_eq!(rt.block_on(t).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<Fut>(
        self,
        future: Fut,
        local_set: &LocalSet,
    ) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            local_set.spawn_local(future)
        }))
    }

    /// Runs `function` on the current runtime's blocking pool; see
    /// [`crate::spawn_blocking`].
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let t = runtime::task::Builder::new().name("io").spawn_blocking(|| 5).unwrap();
    ///     assert_eq!(t.await.unwrap(), 5);
    /// }
    /// ```
    #[track_caller]
    pub fn spawn_blocking<Function, Output>(
        self,
        function: Function,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            crate::spawn_blocking(function)
        }))
    }

    /// Runs `function` on the blocking pool of `handle`'s runtime; see
    /// [`Handle::spawn_blocking`].
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let t = runtime::task::Builder::new()
    ///     .name("io")
    ///     .spawn_blocking_on(|| 6, rt.handle())
    ///     .unwrap();
    /// assert_eq!(rt.block_on(t).unwrap(), 6);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<Function, Output>(
        self,
        function: Function,
        handle: &Handle,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        Ok(with_spawn_meta(Location::caller(), self.name, || {
            handle.spawn_blocking(function)
        }))
    }
}
