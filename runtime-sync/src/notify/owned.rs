//! [`OwnedNotified`]: the future of [`Notify::notified_owned`], which holds an
//! `Arc` of the `Notify` instead of borrowing it. It shares every line of its
//! logic with [`Notified`](super::Notified) (the `Wait` state machine).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use runtime_core::coop;

use super::{Notify, Wait};

/// Future returned by [`Notify::notified_owned`]: a [`Notified`] that owns an
/// `Arc` of its `Notify`, so it is `'static` and can be stored or moved into
/// a spawned task. Same semantics, including cancel safety: a `notify_one`
/// picked for a dropped `OwnedNotified` is passed on. It is `Unpin`.
///
/// [`Notified`]: crate::Notified
///
/// ```
/// use runtime::sync::{futures::OwnedNotified, Notify};
/// use std::sync::Arc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let notify = Arc::new(Notify::new());
///     let notified: OwnedNotified = Arc::clone(&notify).notified_owned();
///     let waiter = runtime::spawn(notified); // needs a 'static future
///     notify.notify_one();
///     waiter.await.unwrap();
/// }
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct OwnedNotified {
    notify: Arc<Notify>,
    wait: Wait,
}

impl Notify {
    /// [`notified`](Notify::notified), returning a future that holds an `Arc`
    /// of the `Notify` instead of borrowing it. Like `notified`, it receives
    /// every [`notify_waiters`](Notify::notify_waiters) made after this
    /// method returns, and joins the queue for `notify_one` when first polled
    /// or [enabled](OwnedNotified::enable).
    ///
    /// # Cancel safety
    ///
    /// As for [`notified`](Notify::notified): a `notify_one` is never lost to
    /// a dropped `OwnedNotified`; its place in the queue is.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let notify = Arc::new(Notify::new());
    ///     let waiters: Vec<_> = (0..3)
    ///         .map(|_| runtime::spawn(Arc::clone(&notify).notified_owned()))
    ///         .collect();
    ///     notify.notify_waiters(); // reaches all three, polled or not
    ///     for w in waiters {
    ///         w.await.unwrap();
    ///     }
    /// }
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let wait = self.new_wait();
        OwnedNotified { notify: self, wait }
    }
}

impl OwnedNotified {
    /// Registers this future as a waiter without polling it; returns `true`
    /// if it is already notified (see [`Notified::enable`](crate::Notified::enable)).
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::pin::pin;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let notify = Arc::new(Notify::new());
    ///     let mut notified = pin!(Arc::clone(&notify).notified_owned());
    ///     assert!(!notified.as_mut().enable()); // in the queue now
    ///     notify.notify_one(); // picks it
    ///     notified.await;
    /// }
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.wait.poll(&this.notify, None).is_ready()
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // The budget, as `Notified::poll`: refunded if pending.
        let coop = ready!(coop::poll_proceed(cx));
        let this = self.get_mut();
        let res = this.wait.poll(&this.notify, Some(cx.waker()));
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        self.wait.cancel(&self.notify);
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("state", &self.wait.state)
            .finish_non_exhaustive()
    }
}
