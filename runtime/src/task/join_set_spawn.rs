//! The spawning half of `JoinSet`: the `spawn*` methods and the `FromIterator`
//! and `Extend` impls, which all spawn a task and `insert` its handle.

use super::{AbortHandle, JoinSet, LocalSet};
use std::future::Future;

impl<T: 'static> JoinSet<T> {
    /// Spawns a `!Send` task onto the [`LocalSet`] being driven on this
    /// thread (as [`spawn_local`](super::spawn_local)) and adds it to the set.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let total = local.block_on(&rt, async {
    ///     let mut set = runtime::task::JoinSet::new();
    ///     for i in 1..=3 {
    ///         let rc = Rc::new(i); // not Send
    ///         set.spawn_local(async move { *rc });
    ///     }
    ///     set.join_all().await.into_iter().sum::<i32>()
    /// });
    /// assert_eq!(total, 6);
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a `LocalSet`.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(super::spawn_local(future))
    }

    /// Spawns a `!Send` task onto `local_set` and adds it to the set. The set
    /// need not be driven now: the task starts when it next is.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let mut set = runtime::task::JoinSet::new();
    /// let rc = Rc::new("local");
    /// set.spawn_local_on(async move { rc.len() }, &local);
    /// let len = local.block_on(&rt, async { set.join_next().await.unwrap().unwrap() });
    /// assert_eq!(len, 5);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, future: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(future))
    }
}

impl<T: Send + 'static> JoinSet<T> {
    /// Spawns a task onto the current runtime and adds it to the set. The
    /// returned [`AbortHandle`] cancels that one task.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// let forever = set.spawn(std::future::pending::<&str>());
    /// set.spawn(async { "done" });
    /// forever.abort();
    /// let mut results = Vec::new();
    /// while let Some(res) = set.join_next().await {
    ///     results.push(res.map_err(|e| e.is_cancelled()));
    /// }
    /// results.sort();
    /// assert_eq!(results, [Ok("done"), Err(true)]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.insert(crate::spawn(future))
    }

    /// Spawns a task onto the runtime of `handle` and adds it to the set.
    ///
    /// ```
    /// let other = runtime::Runtime::new().unwrap();
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = runtime::task::JoinSet::new();
    ///     set.spawn_on(async { std::thread::current().id() }, other.handle());
    ///     let ran_on = set.join_next().await.unwrap().unwrap();
    ///     assert_ne!(ran_on, std::thread::current().id()); // on `other`'s workers
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, future: F, handle: &crate::Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.insert(handle.spawn(future))
    }

    /// Runs a blocking closure on the blocking pool and adds it to the set.
    /// Aborting it has no effect once the closure has started.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// for i in 1..=3u64 {
    ///     set.spawn_blocking(move || (1..=i * 1000).sum::<u64>());
    /// }
    /// let mut sums = Vec::new();
    /// while let Some(res) = set.join_next().await {
    ///     sums.push(res.unwrap());
    /// }
    /// sums.sort();
    /// assert_eq!(sums, [500_500, 2_001_000, 4_501_500]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
    {
        self.insert(crate::spawn_blocking(f))
    }

    /// Runs a blocking closure on the blocking pool of the runtime of
    /// `handle` and adds it to the set.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let other = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let mut set = runtime::task::JoinSet::new();
    ///     set.spawn_blocking_on(|| 6 * 7, other.handle());
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 42);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &crate::Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
    {
        self.insert(handle.spawn_blocking(f))
    }
}

/// Spawns each future onto the current runtime, collecting them in a new
/// set.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::task::JoinSet;
///
/// let set: JoinSet<u32> = (1..=3).map(|i| async move { i * 2 }).collect();
/// let mut outputs = set.join_all().await;
/// outputs.sort();
/// assert_eq!(outputs, [2, 4, 6]);
/// # }
/// ```
///
/// # Panics
///
/// Outside a runtime.
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future onto the current runtime and adds it to the set.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut set = runtime::task::JoinSet::new();
/// set.spawn(async { 1 });
/// set.extend((2..=3).map(|i| async move { i }));
/// assert_eq!(set.len(), 3);
/// # }
/// ```
///
/// # Panics
///
/// Outside a runtime.
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for future in iter {
            self.spawn(future);
        }
    }
}
