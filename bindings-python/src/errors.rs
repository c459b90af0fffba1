//! Core errors and panics as `salespulse.Error` and its subclasses (defined in
//! `python/salespulse/_errors.py`, chosen by `salespulse::Error::code`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception class `name` of `salespulse._errors`.
fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = ERRORS.get_or_try_init(py, || {
        PyResult::Ok(py.import("salespulse._errors")?.unbind())
    })?;
    module.bind(py).getattr(name)
}

/// A `salespulse.<name>` exception with `message`.
pub fn raise(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    match class(py, name).and_then(|c| c.call1((message.clone(),))) {
        Ok(instance) => PyErr::from_value(instance),
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// The exception of a core error: its class is the error's code, its message the error's.
pub fn core(py: Python<'_>, error: salespulse::Error) -> PyErr {
    if let salespulse::Error::Io { path, source } = &error {
        let errno = source.raw_os_error();
        let made =
            class(py, "IoError").and_then(|c| c.call1((errno, error.to_string(), path.as_str())));
        if let Ok(instance) = made {
            return PyErr::from_value(instance);
        }
    }
    raise(py, error.code(), error.to_string())
}

/// Extension trait: `.py_err(py)?` on core results.
pub trait CoreResult<T> {
    /// The value, or the error as its Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> CoreResult<T> for salespulse::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| core(py, e))
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs a core call without the GIL. Its error becomes the matching exception; a panic (a bug)
/// becomes `salespulse.Error` instead of taking the interpreter down.
pub fn run<T, F>(py: Python<'_>, call: F) -> PyResult<T>
where
    F: FnOnce() -> salespulse::Result<T> + Send,
    T: Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(call))) {
        Ok(result) => result.py_err(py),
        Err(payload) => Err(raise(
            py,
            "Error",
            format!(
                "internal error in salespulse (please report it): {}",
                panic_message(payload.as_ref())
            ),
        )),
    }
}
