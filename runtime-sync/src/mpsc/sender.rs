//! The sending halves' shared API, written once for both mpsc flavours.
//!
//! As with the receivers (`receiver.rs`), `Sender`/`UnboundedSender` and
//! `WeakSender`/`WeakUnboundedSender` are distinct types, as in Tokio, whose
//! bookkeeping (closing, counting, downgrading, upgrading) is all in the
//! shared `chan::Tx`/`chan::WeakTx`. The methods that only forward to those
//! come from the two macros here; what differs (sending, capacity) stays in
//! each flavour's file.

/// Implements `is_closed`, `closed`, `downgrade`, `same_channel`,
/// `strong_count`, `weak_count` and `Clone` for `$Sender<T>`, whose field
/// `chan` is a `chan::Tx<T, _>`, with `$Weak<T>` its weak counterpart.
///
/// - `weak_doc`: a doc link to `$Weak`;
/// - `new`: the expression making a channel of `u8` in doc examples;
/// - `send`: the sender method that queues without waiting (`try_send` or
///   `send`), used in doc examples as `tx.<send>(v)`.
macro_rules! sender_api {
    (
        $Sender:ident,
        weak = $Weak:ident,
        weak_doc = $weak_doc:literal,
        new = $new:literal,
        send = $send:literal $(,)?
    ) => {
        impl<T> $Sender<T> {
            /// True if the receiver was dropped or closed: sends fail from
            /// then on.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// assert!(!tx.is_closed());
            /// rx.close();
            /// assert!(tx.is_closed());
            #[doc = concat!("assert!(tx.", $send, "(1).is_err());")]
            /// ```
            pub fn is_closed(&self) -> bool {
                self.chan.is_closed()
            }

            /// Waits until the receiver is dropped or closed.
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: it only observes the closed state,
            /// which is permanent, and a dropped future removes its waker from
            /// the list, so nothing is lost and, once closed, every call
            /// returns at once.
            ///
            /// # Examples
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            /// #[runtime::main(flavor = "current_thread")]
            /// async fn main() {
            #[doc = concat!("    let (tx, rx) = ", $new, ";")]
            ///     let producer = runtime::spawn(async move {
            ///         tx.closed().await; // stop producing once nobody listens
            #[doc = concat!("        tx.", $send, "(1).is_err()")]
            ///     });
            ///     drop(rx);
            ///     assert!(producer.await.unwrap());
            /// }
            /// ```
            pub async fn closed(&self) {
                self.chan.closed().await
            }

            #[doc = concat!("A ", $weak_doc, " for this channel, which does not keep it open.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// let weak = tx.downgrade();
            /// assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
            #[doc = concat!("weak.upgrade().unwrap().", $send, "(1).unwrap();")]
            /// assert_eq!(rx.try_recv(), Ok(1));
            /// ```
            pub fn downgrade(&self) -> $Weak<T> {
                $Weak {
                    chan: self.chan.downgrade(),
                }
            }

            /// True if both senders belong to the same channel.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (a, _rx) = ", $new, ";")]
            #[doc = concat!("let (other, _rx2) = ", $new, ";")]
            /// assert!(a.same_channel(&a.clone()));
            /// assert!(!a.same_channel(&other));
            /// ```
            pub fn same_channel(&self, other: &Self) -> bool {
                self.chan.same_channel(&other.chan)
            }

            #[doc = concat!("The number of `", stringify!($Sender), "`s of this channel.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, _rx) = ", $new, ";")]
            /// let tx2 = tx.clone();
            /// assert_eq!(tx.strong_count(), 2);
            /// drop(tx2);
            /// assert_eq!(tx.strong_count(), 1);
            /// ```
            pub fn strong_count(&self) -> usize {
                self.chan.strong_count()
            }

            #[doc = concat!("The number of ", $weak_doc, "s of this channel.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, _rx) = ", $new, ";")]
            /// let _weak = tx.downgrade();
            /// assert_eq!(tx.weak_count(), 1);
            /// ```
            pub fn weak_count(&self) -> usize {
                self.chan.weak_count()
            }
        }

        impl<T> Clone for $Sender<T> {
            fn clone(&self) -> Self {
                $Sender {
                    chan: self.chan.clone(),
                }
            }
        }
    };
}

/// Implements `upgrade`, `strong_count`, `weak_count`, `Clone` and `Debug`
/// for `$Weak<T>`, whose field `chan` is a `chan::WeakTx<T, _>`, with
/// `$Sender<T>` its strong counterpart (`sender_doc` a doc link to it).
/// `new` and `send` are as for `sender_api!`.
macro_rules! weak_sender_api {
    (
        $Weak:ident,
        sender = $Sender:ident,
        sender_doc = $sender_doc:literal,
        new = $new:literal,
        send = $send:literal $(,)?
    ) => {
        impl<T> $Weak<T> {
            #[doc = concat!("A ", $sender_doc, ", if any strong sender still exists (the")]
            /// senders' side has not closed the channel).
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// let weak = tx.downgrade();
            #[doc = concat!("weak.upgrade().unwrap().", $send, "(1).unwrap();")]
            /// drop(tx); // the last strong sender: the channel closes
            /// assert!(weak.upgrade().is_none());
            /// assert_eq!(rx.try_recv(), Ok(1));
            /// ```
            pub fn upgrade(&self) -> Option<$Sender<T>> {
                self.chan.upgrade().map(|chan| $Sender { chan })
            }

            #[doc = concat!("The number of strong ", $sender_doc, "s.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, _rx) = ", $new, ";")]
            /// let weak = tx.downgrade();
            /// assert_eq!(weak.strong_count(), 1);
            /// drop(tx);
            /// assert_eq!(weak.strong_count(), 0);
            /// ```
            pub fn strong_count(&self) -> usize {
                self.chan.strong_count()
            }

            #[doc = concat!("The number of `", stringify!($Weak), "`s.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, _rx) = ", $new, ";")]
            /// let weak = tx.downgrade();
            /// let _weak2 = weak.clone();
            /// assert_eq!(weak.weak_count(), 2);
            /// ```
            pub fn weak_count(&self) -> usize {
                self.chan.weak_count()
            }
        }

        impl<T> Clone for $Weak<T> {
            fn clone(&self) -> Self {
                $Weak {
                    chan: self.chan.clone(),
                }
            }
        }

        impl<T> std::fmt::Debug for $Weak<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($Weak)).finish_non_exhaustive()
            }
        }
    };
}

pub(crate) use {sender_api, weak_sender_api};
