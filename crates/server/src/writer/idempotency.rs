//! `Idempotency-Key` (issue 9, item 2): a retried request gets the first
//! answer; the same key with another request is refused (422).
//!
//! Held by the writer thread, so a key is checked and recorded without a
//! race, for the server's lifetime (the last [`KEPT`] keys). Across a
//! restart the ledger itself de-duplicates: an identical fact imported
//! again counts as a duplicate, never as a second record.

use super::ImportReply;
use std::collections::{HashMap, VecDeque};
use uuid::Uuid;

/// How many keys are remembered.
pub const KEPT: usize = 100_000;

#[derive(Default)]
pub struct Seen {
    answers: HashMap<Uuid, ([u8; 32], ImportReply)>,
    order: VecDeque<Uuid>,
}

impl Seen {
    /// The first answer for `key` when the request is the same, `KeyReused` when not.
    pub fn check(&self, key: Uuid, request: &[u8; 32]) -> Option<ImportReply> {
        self.answers.get(&key).map(|(h, reply)| match reply {
            _ if h != request => ImportReply::KeyReused(key),
            ImportReply::Appended(a) => ImportReply::Appended(super::Appended { replayed: true, ..a.clone() }),
            other => other.clone(),
        })
    }

    /// Remembers a final answer (a storage failure is not final: a retry may succeed).
    pub fn record(&mut self, key: Uuid, request: [u8; 32], reply: &ImportReply) {
        if matches!(reply, ImportReply::Failed(_)) || self.answers.contains_key(&key) {
            return;
        }
        if self.order.len() == KEPT {
            if let Some(old) = self.order.pop_front() {
                self.answers.remove(&old);
            }
        }
        self.order.push_back(key);
        self.answers.insert(key, (request, reply.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::Appended;
    use model::Seq;

    fn ok(head: u64) -> ImportReply {
        ImportReply::Appended(Appended { appended: 1, duplicates: 0, first_seq: Some(Seq(head)), last_seq: Some(Seq(head)), head: Seq(head), replayed: false })
    }

    #[test]
    fn issue9_first_final_answer_is_kept_and_a_failure_is_not_remembered() {
        let (k1, k2) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut seen = Seen::default();
        seen.record(k1, [1; 32], &ImportReply::Failed("disk".into()));
        assert!(seen.check(k1, &[1; 32]).is_none(), "a failed request runs again on retry");
        seen.record(k1, [1; 32], &ok(5));
        seen.record(k1, [1; 32], &ok(9));
        assert!(matches!(seen.check(k1, &[1; 32]), Some(ImportReply::Appended(a)) if a.head == Seq(5) && a.replayed), "the first answer stays, marked replayed");
        assert!(matches!(seen.check(k1, &[2; 32]), Some(ImportReply::KeyReused(k)) if k == k1));
        seen.record(k2, [2; 32], &ok(6));
        assert!(seen.check(k1, &[1; 32]).is_some() && seen.check(k2, &[2; 32]).is_some(), "nothing evicted below the limit");
    }
}
