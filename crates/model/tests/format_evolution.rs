//! The procedure of docs/FORMAT.md "Adding a field", shown on a small stored
//! type: version 1 has two fields, version 2 adds a third. Values written as
//! version 1 keep decoding, by their own type, and convert to what they meant.

use model::envelope::{self, EnvelopeError};
use serde::{Deserialize, Serialize};

const MAGIC: [u8; 4] = *b"TEST";

/// Version 1, frozen: never edited once released.
#[derive(Serialize, Deserialize)]
struct NoticeV1 {
    reference: String,
    amount_fen: i64,
}

/// Version 2, today's type: adds `procedure`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Notice {
    reference: String,
    amount_fen: i64,
    /// Absent before version 2, when every notice was under the ordinary
    /// procedure: the conversion says so explicitly.
    procedure: String,
}

const VERSION: u16 = 2;

/// The version selects the decoder; an old value converts to today's type.
fn decode(bytes: &[u8]) -> Result<Notice, EnvelopeError> {
    let (version, body) = envelope::open(MAGIC, VERSION, bytes)?;
    match version {
        1 => {
            let old: NoticeV1 = envelope::decode_payload(body)?;
            Ok(Notice { reference: old.reference, amount_fen: old.amount_fen, procedure: "ordinary".into() })
        }
        _ => envelope::decode_payload(body),
    }
}

#[test]
fn a_value_of_the_old_version_decodes_by_its_own_type_and_converts() {
    let old = envelope::encode(MAGIC, 1, &NoticeV1 { reference: "N-1".into(), amount_fen: 12_345 }).unwrap();
    assert_eq!(decode(&old).unwrap(), Notice { reference: "N-1".into(), amount_fen: 12_345, procedure: "ordinary".into() });
    let new = envelope::encode(MAGIC, VERSION, &Notice { reference: "N-2".into(), amount_fen: 1, procedure: "simple".into() }).unwrap();
    assert_eq!(decode(&new).unwrap().procedure, "simple");
}

#[test]
fn decoding_old_bytes_as_the_new_type_would_fail_which_is_why_versions_exist() {
    let old = envelope::encode(MAGIC, 1, &NoticeV1 { reference: "N-1".into(), amount_fen: 12_345 }).unwrap();
    let (_, body) = envelope::open(MAGIC, VERSION, &old).unwrap();
    assert!(envelope::decode_payload::<Notice>(body).is_err());
    // A version this build does not know is refused, not guessed at.
    let future = envelope::encode(MAGIC, 3, &NoticeV1 { reference: "N-3".into(), amount_fen: 0 }).unwrap();
    assert!(matches!(decode(&future), Err(EnvelopeError::Version { found: 3, max: 2 })));
}
