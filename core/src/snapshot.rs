//! The snapshot format: the whole engine as bytes, and back.
//!
//! Owns: the byte layout and its checks. Layout (little endian):
//!
//! | bytes | what |
//! | --- | --- |
//! | 8 | magic `SALESPLS` |
//! | 4 | format version (this build writes and reads [`FORMAT_VERSION`]) |
//! | 8 | payload length |
//! | 4 | CRC-32 of the payload |
//! | n | payload: the engine state, postcard-encoded |
//!
//! Restoring checks each field in that order and then the payload's internal consistency (every
//! id it refers to exists), so foreign, truncated, corrupt or hand-crafted bytes give an
//! [`Error::Snapshot`], never a panic. Decoding allocates no more than the input's size.

use crate::error::{Error, Result};
use serde::{de::DeserializeOwned, Serialize};

const MAGIC: &[u8; 8] = b"SALESPLS";
/// The snapshot format version this build writes and reads. Version 2 added the issued tasks
/// of [`crate::outcomes`]; version 1 bytes are refused with a message saying so.
pub const FORMAT_VERSION: u32 = 2;
const HEADER: usize = 8 + 4 + 8 + 4;

/// Encodes `value` in the snapshot layout.
pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let payload = postcard::to_allocvec(value).expect("engine state always serializes");
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Decodes bytes written by [`encode`], checking magic, version, length and checksum.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let fail = |msg: String| Err(Error::Snapshot(msg));
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        let start = &bytes[..bytes.len().min(8)];
        return fail(format!(
            "these {} bytes are not a salespulse snapshot (it starts with {start:02x?}; a snapshot \
             starts with \"SALESPLS\")",
            bytes.len()
        ));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version > FORMAT_VERSION {
        return fail(format!(
            "the snapshot has format version {version}, newer than this build reads \
             ({FORMAT_VERSION}); upgrade salespulse to restore it"
        ));
    }
    if version == 0 {
        return fail("format version 0 does not exist; the bytes are corrupt".into());
    }
    if version < FORMAT_VERSION {
        // The payload is postcard (not self-describing): an older layout cannot be read as the
        // new one, and guessing would give a wrong engine rather than an error.
        return fail(format!(
            "the snapshot has format version {version}, written by an older salespulse; this \
             build reads version {FORMAT_VERSION} only (it added the issued tasks): restore it \
             with the older build, or ingest the data again"
        ));
    }
    let declared = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER..];
    if declared != payload.len() as u64 {
        return fail(format!(
            "the snapshot is truncated or padded: its header declares {declared} payload bytes, \
             {} follow",
            payload.len()
        ));
    }
    let crc = u32::from_le_bytes(bytes[20..24].try_into().expect("4 bytes"));
    if crc32fast::hash(payload) != crc {
        return fail("checksum mismatch: the snapshot bytes are corrupt".into());
    }
    postcard::from_bytes(payload)
        .map_err(|e| Error::Snapshot(format!("the payload cannot be decoded: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_each_kind_of_damage() {
        let value = (vec![1u32, 2, 3], "x".to_string());
        let bytes = encode(&value);
        assert_eq!(decode::<(Vec<u32>, String)>(&bytes).unwrap(), value);

        let msg = |b: &[u8]| decode::<(Vec<u32>, String)>(b).unwrap_err().to_string();
        assert!(
            msg(b"PK\x03\x04 not ours at all, a zip file").contains("not a salespulse snapshot")
        );
        assert!(msg(&bytes[..bytes.len() - 1]).contains("truncated"));
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert!(msg(&newer).contains("upgrade"));
        let mut older = bytes.clone();
        older[8..12].copy_from_slice(&1u32.to_le_bytes());
        assert!(msg(&older).contains("older salespulse"));
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 0x40;
        assert!(msg(&flipped).contains("checksum"));
    }
}
