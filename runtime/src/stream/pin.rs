//! Pin projection for the stream adapters, in one place.
//!
//! An adapter such as `Map<St, F>` holds the stream it wraps, which may be
//! `!Unpin` (an `async` block turned into a stream, a `Timeout`), next to
//! plain state (the closure, a counter). Polling it needs a `Pin<&mut St>`
//! to the inner stream and `&mut` to the rest: that split is a *projection*.
//! `pin_fields!` writes it once per adapter, together with the two rules
//! that make it sound:
//!
//! * the adapter is `Unpin` exactly when its pinned fields are (the plain
//!   fields never matter, since they are never pinned);
//! * the adapter has no `Drop` impl (one would receive `&mut Self` and could
//!   move a pinned field out); a `Drop` impl makes the hidden
//!   `MustNotImplDrop` impls overlap, a compile error.
//!
//! Pinned fields are otherwise only ever reached through `project` or by
//! value (`into_inner`, which needs the adapter itself by value, so it was
//! either never pinned or is `Unpin`).

/// `pin_fields!(impl[generics] Type { pinned: a: A, b: B; plain: c: C })`
/// adds `fn project(self: Pin<&mut Self>) -> (Pin<&mut A>, Pin<&mut B>, &mut C)`
/// (fields in the order listed) and the matching `Unpin` impl.
macro_rules! pin_fields {
    (
        impl[$($gen:tt)*] $ty:ty $(where [$($bound:tt)*])? {
            pinned: $($p:ident: $pt:ty),+ ;
            plain: $($u:ident: $ut:ty),* $(,)?
        }
    ) => {
        impl<$($gen)*> $ty $(where $($bound)*)? {
            /// Splits a pinned adapter into its pinned and plain fields.
            #[allow(clippy::type_complexity, dead_code)]
            #[inline]
            fn project(self: ::std::pin::Pin<&mut Self>)
                -> ($(::std::pin::Pin<&mut $pt>,)+ $(&mut $ut,)*)
            {
                // SAFETY: the listed pinned fields are structurally pinned:
                // this is the only place they are reached from a pinned
                // `Self`, and it hands them out pinned; `Self` is `Unpin`
                // only when all of them are (impl below); `Self` has no
                // `Drop` impl (checked below), so nothing moves them before
                // they are dropped in place. The plain fields are never
                // pinned, so `&mut` to them is fine. Nothing is moved here.
                unsafe {
                    let this = ::std::pin::Pin::get_unchecked_mut(self);
                    (
                        $(::std::pin::Pin::new_unchecked(&mut this.$p),)+
                        $(&mut this.$u,)*
                    )
                }
            }
        }

        impl<$($gen)*> ::std::marker::Unpin for $ty
        where
            $($pt: ::std::marker::Unpin,)+
            $($($bound)*)?
        {
        }

        const _: () = {
            #[allow(dead_code)]
            trait MustNotImplDrop {}
            #[allow(drop_bounds)]
            impl<T: ::std::ops::Drop> MustNotImplDrop for T {}
            impl<$($gen)*> MustNotImplDrop for $ty $(where $($bound)*)? {}
        };
    };
}

/// `get_ref`, `get_mut`, `get_pin_mut` and `into_inner` (the wrapped stream,
/// in field `stream`) and a `Debug` impl that shows that stream, for an
/// adapter built by `$make` from `runtime::stream::iter(vec![1, 2, 3])`.
macro_rules! stream_accessors {
    ($name:ident [$($gen:tt)*] <$($arg:tt),*>, $make:literal) => {
        impl<$($gen)*> $name<$($arg),*> {
            #[doc = concat!(
                "The stream this [`", stringify!($name), "`] reads from.\n\n",
                "```\nuse runtime::stream::{self, Stream, StreamExt};\n\n",
                "let adapted = stream::iter(vec![1, 2, 3])", $make, ";\n",
                "assert_eq!(adapted.get_ref().size_hint(), (3, Some(3)));\n```"
            )]
            pub fn get_ref(&self) -> &St {
                &self.stream
            }

            #[doc = concat!(
                "The stream this [`", stringify!($name), "`] reads from, mutably. ",
                "Taking items from it directly skips the adapter.\n\n",
                "```\n# #[runtime::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "use runtime::stream::{self, Stream, StreamExt};\n\n",
                "let mut adapted = stream::iter(vec![1, 2, 3])", $make, ";\n",
                "assert_eq!(adapted.get_mut().next().await, Some(1));\n",
                "assert_eq!(adapted.get_ref().size_hint(), (2, Some(2)));\n# }\n```"
            )]
            pub fn get_mut(&mut self) -> &mut St {
                &mut self.stream
            }

            #[doc = concat!(
                "The stream this pinned [`", stringify!($name), "`] reads from, pinned.\n\n",
                "```\nuse runtime::stream::{self, Stream, StreamExt};\nuse std::pin::pin;\n\n",
                "let adapted = pin!(stream::iter(vec![1, 2, 3])", $make, ");\n",
                "assert_eq!(adapted.get_pin_mut().size_hint(), (3, Some(3)));\n```"
            )]
            pub fn get_pin_mut(self: ::std::pin::Pin<&mut Self>) -> ::std::pin::Pin<&mut St> {
                self.project().0
            }

            #[doc = concat!(
                "Gives back the stream this [`", stringify!($name), "`] reads from.\n\n",
                "```\nuse runtime::stream::{self, Stream, StreamExt};\n\n",
                "let adapted = stream::iter(vec![1, 2, 3])", $make, ";\n",
                "assert_eq!(adapted.into_inner().size_hint(), (3, Some(3)));\n```"
            )]
            pub fn into_inner(self) -> St {
                self.stream
            }
        }

        impl<$($gen)*> ::std::fmt::Debug for $name<$($arg),*>
        where
            St: ::std::fmt::Debug,
        {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name)).field("stream", &self.stream).finish_non_exhaustive()
            }
        }
    };
}
