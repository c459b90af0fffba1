//! Arrow record batches in and out (filled in with the bindings).
