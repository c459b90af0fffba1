//! Errors as JS sees them.
//!
//! Every failure reaches JS as an `Error` whose `code` is the core's [`salespulse::Error::code`]
//! (`SchemaError`, `ConfigError`, `SnapshotError`, `MergeError`, `InvalidArgumentError`, ...)
//! and whose message is the core's message. A Rust panic becomes a `PanicError`; it never takes
//! the process down. A model asked for predictions before it was fitted throws a
//! `NotFittedError` (a state of the JS object, not a failure of the core).

use napi::bindgen_prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::result::Result;

/// The error type of every exported call: the status is the JS `code`.
pub type CodedError = napi::Error<String>;
/// The result type of every exported sync call.
pub type JsResult<T> = std::result::Result<T, CodedError>;

/// A failure before it becomes a JS value (it can cross threads).
#[derive(Debug)]
pub enum Fail {
    /// An error of the core, reported with its own code.
    Core(salespulse::Error),
    /// A napi call failed (for example a value of the wrong JS type).
    Napi(napi::Error),
    /// A model used before it was fitted (or without what a fit gives).
    NotFitted(String),
    /// A panic inside Rust.
    Panic(String),
}

impl Fail {
    /// An `InvalidArgumentError` with `message`.
    pub fn arg(message: impl Into<String>) -> Fail {
        Fail::Core(salespulse::Error::InvalidArgument(message.into()))
    }

    /// A `ConfigError` with `message`.
    pub fn config(message: impl Into<String>) -> Fail {
        Fail::Core(salespulse::Error::Config(message.into()))
    }

    /// The JS `code` of this failure.
    pub fn code(&self) -> String {
        match self {
            Fail::Core(e) => e.code().to_string(),
            Fail::Napi(e) => match e.status {
                Status::InvalidArg
                | Status::ObjectExpected
                | Status::StringExpected
                | Status::NumberExpected
                | Status::BooleanExpected
                | Status::ArrayExpected
                | Status::BigintExpected
                | Status::DateExpected
                | Status::ArrayBufferExpected => "InvalidArgumentError".to_string(),
                other => other.as_ref().to_string(),
            },
            Fail::NotFitted(_) => "NotFittedError".to_string(),
            Fail::Panic(_) => "PanicError".to_string(),
        }
    }

    /// The message of this failure.
    pub fn message(&self) -> String {
        match self {
            Fail::Core(e) => e.to_string(),
            Fail::Napi(e) => e.reason.clone(),
            Fail::NotFitted(m) => m.clone(),
            Fail::Panic(m) => format!(
                "internal error in salespulse (please report it): {m}; the engine may hold a \
                 partial update of the call that failed"
            ),
        }
    }

    /// The error a sync call returns; napi throws it as a JS `Error` with `code`.
    pub fn into_js(self) -> CodedError {
        napi::Error::new(self.code(), self.message())
    }

    /// The error an async task rejects with. A task can only reject with a `napi::Error`, so the
    /// JS `Error` (with its `code`) is built here, on the JS thread, and handed back as is.
    pub fn into_rejection(self, env: &Env) -> napi::Error {
        let js = napi::JsError::from(self.into_js()).into_unknown(*env);
        napi::Error::from(js)
    }
}

impl From<salespulse::Error> for Fail {
    fn from(e: salespulse::Error) -> Fail {
        Fail::Core(e)
    }
}

impl From<napi::Error> for Fail {
    fn from(e: napi::Error) -> Fail {
        Fail::Napi(e)
    }
}

impl From<Fail> for CodedError {
    fn from(f: Fail) -> CodedError {
        f.into_js()
    }
}

/// Runs `f`, turning a panic into [`Fail::Panic`].
pub fn guard<T>(f: impl FnOnce() -> Result<T, Fail>) -> Result<T, Fail> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Fail::Panic(panic_message(payload.as_ref()))),
    }
}

/// Runs a sync call's body: a panic or a failure becomes the JS error.
pub fn sync<T>(f: impl FnOnce() -> Result<T, Fail>) -> JsResult<T> {
    guard(f).map_err(Fail::into_js)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_panic_error() {
        let err = sync::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(err.status, "PanicError");
        assert!(err.reason.contains("boom"), "{}", err.reason);
    }

    #[test]
    fn core_errors_keep_their_code_and_message() {
        let err =
            sync::<()>(|| Err(salespulse::Error::Schema("no column".into()).into())).unwrap_err();
        assert_eq!(err.status, "SchemaError");
        assert_eq!(err.reason, "no column");
        let err = sync::<()>(|| Err(Fail::arg("bad"))).unwrap_err();
        assert_eq!(err.status, "InvalidArgumentError");
        assert_eq!(err.reason, "invalid argument: bad");
    }
}
