//! The storage of [`OnceCell`](crate::OnceCell) and
//! [`SetOnce`](crate::SetOnce): a `std::sync::OnceLock` (lock-free reads, the
//! publication ordering handled by std) plus an optional value fixed at
//! construction.
//!
//! The second field exists only for the `const_new_with` constructors: a
//! `OnceLock` cannot be created already holding a value in a `const fn`, so a
//! value given at compile time is kept beside it. A slot holds at most one
//! value: `preset` is only ever filled by the constructor, and then `set`
//! always fails, so `lock` stays empty. This costs the size of one more `T`
//! and needs no `unsafe`.

use std::sync::OnceLock;

pub(crate) struct OnceSlot<T> {
    preset: Option<T>,
    lock: OnceLock<T>,
}

impl<T> OnceSlot<T> {
    pub(crate) const fn new() -> OnceSlot<T> {
        OnceSlot {
            preset: None,
            lock: OnceLock::new(),
        }
    }

    #[cfg(not(loom))] // only the `const_new_with`s use it, not built under loom
    pub(crate) const fn with_value(value: T) -> OnceSlot<T> {
        OnceSlot {
            preset: Some(value),
            lock: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        match &self.preset {
            Some(v) => Some(v),
            None => self.lock.get(),
        }
    }

    pub(crate) fn get_mut(&mut self) -> Option<&mut T> {
        match &mut self.preset {
            Some(v) => Some(v),
            None => self.lock.get_mut(),
        }
    }

    /// Stores `value` unless the slot holds one; hands it back otherwise.
    pub(crate) fn set(&self, value: T) -> Result<(), T> {
        if self.preset.is_some() {
            return Err(value);
        }
        self.lock.set(value)
    }

    pub(crate) fn into_inner(self) -> Option<T> {
        match self.preset {
            Some(v) => Some(v),
            None => self.lock.into_inner(),
        }
    }

    pub(crate) fn take(&mut self) -> Option<T> {
        match self.preset.take() {
            Some(v) => Some(v),
            None => self.lock.take(),
        }
    }
}

impl<T> From<T> for OnceSlot<T> {
    fn from(value: T) -> OnceSlot<T> {
        OnceSlot {
            preset: None,
            lock: OnceLock::from(value),
        }
    }
}
