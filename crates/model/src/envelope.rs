//! The versioned envelope around every stored value (docs/FORMAT.md).
//!
//! ```text
//! +--------+--------+----------------------------------+
//! | magic  | format | bincode 2.0.1 payload (standard) |
//! | 4 B    | u16 BE | ≤ MAX_PAYLOAD bytes, no trailer  |
//! +--------+--------+----------------------------------+
//! ```

use serde::{de::DeserializeOwned, Serialize};

/// Largest payload a decode accepts (a fact is a few hundred bytes).
pub const MAX_PAYLOAD: usize = 1 << 20;

type Config = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<MAX_PAYLOAD>,
>;

fn config() -> Config {
    bincode::config::standard().with_limit::<MAX_PAYLOAD>()
}

/// Why a stored value could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("stored value is {0} bytes, shorter than its envelope header")]
    Short(usize),
    #[error("stored value has magic {found:02x?}, expected {expected:02x?}")]
    Magic { found: [u8; 4], expected: [u8; 4] },
    #[error("stored value has format version {found}, this build reads up to {max}")]
    Version { found: u16, max: u16 },
    #[error("stored value payload does not decode: {0}")]
    Decode(String),
    #[error("stored value has {0} trailing bytes after its payload")]
    Trailing(usize),
    #[error("value does not encode: {0}")]
    Encode(String),
}

/// Wraps `value` in an envelope with `magic` and `version`.
pub fn encode<T: Serialize>(magic: [u8; 4], version: u16, value: &T) -> Result<Vec<u8>, EnvelopeError> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&magic);
    out.extend_from_slice(&version.to_be_bytes());
    let payload = bincode::serde::encode_to_vec(value, config()).map_err(|e| EnvelopeError::Encode(e.to_string()))?;
    if payload.len() > MAX_PAYLOAD {
        return Err(EnvelopeError::Encode(format!("payload of {} bytes exceeds {MAX_PAYLOAD}", payload.len())));
    }
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Bincode bytes of `value` with the stored configuration (no envelope);
/// used for hashing.
pub fn payload<T: Serialize>(value: &T) -> Result<Vec<u8>, EnvelopeError> {
    bincode::serde::encode_to_vec(value, config()).map_err(|e| EnvelopeError::Encode(e.to_string()))
}

/// Opens an envelope: checks magic and version (1 ≤ version ≤
/// `max_version`) and the payload size. Returns the version and the payload,
/// for a decoder chosen by version.
pub fn open(magic: [u8; 4], max_version: u16, bytes: &[u8]) -> Result<(u16, &[u8]), EnvelopeError> {
    if bytes.len() < 6 {
        return Err(EnvelopeError::Short(bytes.len()));
    }
    let mut found = [0u8; 4];
    found.copy_from_slice(&bytes[..4]);
    if found != magic {
        return Err(EnvelopeError::Magic { found, expected: magic });
    }
    let version = u16::from_be_bytes([bytes[4], bytes[5]]);
    if version == 0 || version > max_version {
        return Err(EnvelopeError::Version { found: version, max: max_version });
    }
    let body = &bytes[6..];
    if body.len() > MAX_PAYLOAD {
        return Err(EnvelopeError::Decode(format!("payload of {} bytes exceeds {MAX_PAYLOAD}", body.len())));
    }
    Ok((version, body))
}

/// Decodes a payload as `T` with the size limit, rejecting trailing bytes.
pub fn decode_payload<T: DeserializeOwned>(body: &[u8]) -> Result<T, EnvelopeError> {
    let (value, used) = bincode::serde::decode_from_slice(body, config()).map_err(|e| EnvelopeError::Decode(decode_message(e)))?;
    if used != body.len() {
        return Err(EnvelopeError::Trailing(body.len() - used));
    }
    Ok(value)
}

/// Opens an envelope whose every version decodes as `T` (the head value).
/// Returns the version found.
pub fn decode<T: DeserializeOwned>(magic: [u8; 4], max_version: u16, bytes: &[u8]) -> Result<(u16, T), EnvelopeError> {
    let (version, body) = open(magic, max_version, bytes)?;
    Ok((version, decode_payload(body)?))
}

/// A decode error as one sentence: a stored type's own message (e.g. a date
/// out of range) as it was written, bincode's otherwise.
fn decode_message(e: bincode::error::DecodeError) -> String {
    match e {
        bincode::error::DecodeError::OtherString(s) => s,
        other => other.to_string(),
    }
}
