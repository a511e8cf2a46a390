//! Reading and writing numbers: the `read_u16`/`write_i64_le`-style methods of
//! [`AsyncReadExt`](super::AsyncReadExt) and
//! [`AsyncWriteExt`](super::AsyncWriteExt), and the futures they return.
//!
//! There are 30 numbers each way (`u8`/`i8`, then `u16` to `u128`, `i16` to
//! `i128`, `f32` and `f64`, each big-endian and, with `_le`, little-endian),
//! so nothing here is written per type. One table, [`int_table!`], lists
//! them; it hands the list to a macro given to it, and four macros turn it
//! into the read futures, the write futures, and the trait methods (the
//! latter two are invoked inside the trait definitions). A read future holds
//! the bytes of the number until all have arrived, then converts them with
//! `from_be_bytes`/`from_le_bytes`; a write future converts with
//! `to_be_bytes`/`to_le_bytes` at creation and keeps how many bytes went out.

use super::read_ext::poll_fill;
use super::write_ext::poll_write_all;
use futures_io::{AsyncRead, AsyncWrite};
use std::future::Future;
use std::io;
use std::mem::size_of;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Calls `$m!` with the table of numbers: for each, the read method and its
/// future, the write method and its future, the type, the conversions, a
/// description for the docs, and `one` for a single byte (cancel-safe) or
/// `many`.
macro_rules! int_table {
    ($m:ident) => {
        $m! {
            read_u8 ReadU8 write_u8 WriteU8 u8 from_be_bytes to_be_bytes "a `u8`" one;
            read_i8 ReadI8 write_i8 WriteI8 i8 from_be_bytes to_be_bytes "an `i8`" one;
            read_u16 ReadU16 write_u16 WriteU16 u16 from_be_bytes to_be_bytes "a big-endian `u16`" many;
            read_i16 ReadI16 write_i16 WriteI16 i16 from_be_bytes to_be_bytes "a big-endian `i16`" many;
            read_u32 ReadU32 write_u32 WriteU32 u32 from_be_bytes to_be_bytes "a big-endian `u32`" many;
            read_i32 ReadI32 write_i32 WriteI32 i32 from_be_bytes to_be_bytes "a big-endian `i32`" many;
            read_u64 ReadU64 write_u64 WriteU64 u64 from_be_bytes to_be_bytes "a big-endian `u64`" many;
            read_i64 ReadI64 write_i64 WriteI64 i64 from_be_bytes to_be_bytes "a big-endian `i64`" many;
            read_u128 ReadU128 write_u128 WriteU128 u128 from_be_bytes to_be_bytes "a big-endian `u128`" many;
            read_i128 ReadI128 write_i128 WriteI128 i128 from_be_bytes to_be_bytes "a big-endian `i128`" many;
            read_f32 ReadF32 write_f32 WriteF32 f32 from_be_bytes to_be_bytes "a big-endian `f32` (IEEE 754)" many;
            read_f64 ReadF64 write_f64 WriteF64 f64 from_be_bytes to_be_bytes "a big-endian `f64` (IEEE 754)" many;
            read_u16_le ReadU16Le write_u16_le WriteU16Le u16 from_le_bytes to_le_bytes "a little-endian `u16`" many;
            read_i16_le ReadI16Le write_i16_le WriteI16Le i16 from_le_bytes to_le_bytes "a little-endian `i16`" many;
            read_u32_le ReadU32Le write_u32_le WriteU32Le u32 from_le_bytes to_le_bytes "a little-endian `u32`" many;
            read_i32_le ReadI32Le write_i32_le WriteI32Le i32 from_le_bytes to_le_bytes "a little-endian `i32`" many;
            read_u64_le ReadU64Le write_u64_le WriteU64Le u64 from_le_bytes to_le_bytes "a little-endian `u64`" many;
            read_i64_le ReadI64Le write_i64_le WriteI64Le i64 from_le_bytes to_le_bytes "a little-endian `i64`" many;
            read_u128_le ReadU128Le write_u128_le WriteU128Le u128 from_le_bytes to_le_bytes "a little-endian `u128`" many;
            read_i128_le ReadI128Le write_i128_le WriteI128Le i128 from_le_bytes to_le_bytes "a little-endian `i128`" many;
            read_f32_le ReadF32Le write_f32_le WriteF32Le f32 from_le_bytes to_le_bytes "a little-endian `f32` (IEEE 754)" many;
            read_f64_le ReadF64Le write_f64_le WriteF64Le f64 from_le_bytes to_le_bytes "a little-endian `f64` (IEEE 754)" many;
        }
    };
}
pub(super) use int_table;

/// The `# Cancel safety` section of a read method, by number size.
macro_rules! read_safety {
    (one) => {
        "Cancel-safe: one byte cannot be read in part, so a dropped future has \
         read nothing (as [`read`](AsyncReadExt::read))."
    };
    (many) => {
        "Not cancel-safe: the bytes of a partly read number are held in the \
         future and lost if it is dropped."
    };
}
pub(super) use read_safety;

/// The `# Cancel safety` section of a write method, by number size.
macro_rules! write_safety {
    (one) => {
        "Cancel-safe: one byte cannot be written in part, so a dropped future \
         wrote nothing."
    };
    (many) => {
        "Not cancel-safe: if the future is dropped, part of the number may have \
         been written."
    };
}
pub(super) use write_safety;

/// The read methods of `AsyncReadExt`, from [`int_table!`].
macro_rules! read_int_methods {
    ($($read:ident $Read:ident $write:ident $Write:ident $ty:ident $from:ident $to:ident
        $desc:literal $size:ident;)*) => {$(
        #[doc = concat!("Reads ", $desc, "; end of stream before all its bytes \
            fails with [`ErrorKind::UnexpectedEof`].")]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::AsyncReadExt;"]
        #[doc = ""]
        #[doc = concat!("let bytes = ", stringify!($ty), "::MIN.", stringify!($to), "();")]
        #[doc = "let mut reader: &[u8] = &bytes;"]
        #[doc = concat!("assert_eq!(reader.", stringify!($read), "().await?, ",
            stringify!($ty), "::MIN);")]
        #[doc = concat!("let err = reader.", stringify!($read), "().await.unwrap_err();")]
        #[doc = "assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = $crate::io::int::read_safety!($size)]
        fn $read(&mut self) -> $Read<'_, Self>
        where
            Self: Unpin,
        {
            $Read::new(self)
        }
    )*};
}
pub(super) use read_int_methods;

/// The write methods of `AsyncWriteExt`, from [`int_table!`].
macro_rules! write_int_methods {
    ($($read:ident $Read:ident $write:ident $Write:ident $ty:ident $from:ident $to:ident
        $desc:literal $size:ident;)*) => {$(
        #[doc = concat!("Writes `n` as ", $desc, ".")]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::AsyncWriteExt;"]
        #[doc = ""]
        #[doc = "let mut out: Vec<u8> = Vec::new();"]
        #[doc = concat!("out.", stringify!($write), "(", stringify!($ty), "::MAX).await?;")]
        #[doc = concat!("assert_eq!(out, ", stringify!($ty), "::MAX.", stringify!($to), "());")]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = $crate::io::int::write_safety!($size)]
        fn $write(&mut self, n: $ty) -> $Write<'_, Self>
        where
            Self: Unpin,
        {
            $Write::new(self, n)
        }
    )*};
}
pub(super) use write_int_methods;

/// The read and write futures, from [`int_table!`].
macro_rules! int_futures {
    ($($read:ident $Read:ident $write:ident $Write:ident $ty:ident $from:ident $to:ident
        $desc:literal $size:ident;)*) => {$(
        #[doc = concat!("Future for [`AsyncReadExt::", stringify!($read),
            "`](super::AsyncReadExt::", stringify!($read), "): awaiting it gives ", $desc,
            " read from the stream.")]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::{self, AsyncReadExt};"]
        #[doc = ""]
        #[doc = concat!("let bytes = ", stringify!($ty), "::MAX.", stringify!($to), "();")]
        #[doc = "let mut reader: &[u8] = &bytes;"]
        #[doc = concat!("let fut: io::", stringify!($Read), "<'_, _> = reader.",
            stringify!($read), "();")]
        #[doc = concat!("assert_eq!(fut.await?, ", stringify!($ty), "::MAX);")]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $Read<'a, R: ?Sized> {
            reader: &'a mut R,
            bytes: [u8; size_of::<$ty>()],
            filled: usize,
        }

        impl<'a, R: ?Sized> $Read<'a, R> {
            pub(super) fn new(reader: &'a mut R) -> Self {
                Self { reader, bytes: [0; size_of::<$ty>()], filled: 0 }
            }
        }

        impl<R: AsyncRead + Unpin + ?Sized> Future for $Read<'_, R> {
            type Output = io::Result<$ty>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let mut rest = &mut this.bytes[this.filled..];
                let result = poll_fill(&mut *this.reader, cx, &mut rest);
                this.filled = size_of::<$ty>() - rest.len();
                ready!(result)?;
                Poll::Ready(Ok(<$ty>::$from(this.bytes)))
            }
        }

        #[doc = concat!("Future for [`AsyncWriteExt::", stringify!($write),
            "`](super::AsyncWriteExt::", stringify!($write), "): awaiting it writes ", $desc,
            ".")]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::{self, AsyncWriteExt};"]
        #[doc = ""]
        #[doc = "let mut out: Vec<u8> = Vec::new();"]
        #[doc = concat!("let fut: io::", stringify!($Write), "<'_, _> = out.",
            stringify!($write), "(", stringify!($ty), "::MIN);")]
        #[doc = "fut.await?;"]
        #[doc = concat!("assert_eq!(out, ", stringify!($ty), "::MIN.", stringify!($to), "());")]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $Write<'a, W: ?Sized> {
            writer: &'a mut W,
            bytes: [u8; size_of::<$ty>()],
            written: usize,
        }

        impl<'a, W: ?Sized> $Write<'a, W> {
            pub(super) fn new(writer: &'a mut W, n: $ty) -> Self {
                Self { writer, bytes: n.$to(), written: 0 }
            }
        }

        impl<W: AsyncWrite + Unpin + ?Sized> Future for $Write<'_, W> {
            type Output = io::Result<()>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let mut rest = &this.bytes[this.written..];
                let result = poll_write_all(&mut *this.writer, cx, &mut rest);
                this.written = size_of::<$ty>() - rest.len();
                result
            }
        }
    )*};
}

int_table!(int_futures);
