//! The enterprise index entries of a pending append, held in memory until
//! the commit: 4 bytes per pending record plus one map entry per
//! enterprise, so a 10^7-fact import holds about 60 MB, and no enterprise's
//! stored list is read or rewritten more than once per import.

use crate::StoreError;
use model::{Seq, Uscc};
use std::collections::HashMap;

/// Pending seqs by enterprise, as one chain per enterprise through the
/// pending records (offsets from the committed head, 1-based; 0 ends a chain).
#[derive(Default)]
pub(super) struct PendingEnterprises {
    last: HashMap<Uscc, u32>,
    prev: Vec<u32>,
}

impl PendingEnterprises {
    /// Records that the pending record at offset `prev.len() + 1` belongs to `uscc`.
    pub(super) fn push(&mut self, uscc: Uscc) -> Result<(), StoreError> {
        let offset = u32::try_from(self.prev.len() + 1).map_err(|_| StoreError::Inconsistent("one append holds at most 2^32 - 1 records".into()))?;
        let before = self.last.insert(uscc, offset).unwrap_or(0);
        self.prev.push(before);
        Ok(())
    }

    /// Records that the next pending record belongs to no enterprise (a
    /// ledger-wide record, listed under `keys::LEDGER_WIDE` instead).
    pub(super) fn skip(&mut self) -> Result<(), StoreError> {
        u32::try_from(self.prev.len() + 1).map_err(|_| StoreError::Inconsistent("one append holds at most 2^32 - 1 records".into()))?;
        self.prev.push(0);
        Ok(())
    }

    /// The pending seqs of `uscc`, ascending (`committed` is the head the append started from).
    pub(super) fn seqs(&self, uscc: &Uscc, committed: Seq) -> Vec<Seq> {
        let mut out = Vec::new();
        let mut at = self.last.get(uscc).copied().unwrap_or(0);
        while at != 0 {
            out.push(Seq(committed.0 + u64::from(at)));
            at = self.prev[at as usize - 1];
        }
        out.reverse();
        out
    }

    /// Every enterprise with pending records, in USCC order (the order
    /// sled writes fastest), with its pending seqs ascending.
    pub(super) fn sorted(&self, committed: Seq) -> impl Iterator<Item = (Uscc, Vec<Seq>)> + '_ {
        let mut usccs: Vec<Uscc> = self.last.keys().copied().collect();
        usccs.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        usccs.into_iter().map(move |u| {
            let seqs = self.seqs(&u, committed);
            (u, seqs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_give_each_enterprise_its_seqs_in_order() {
        let a = Uscc::parse("91660800000007919G").unwrap();
        let b = Uscc::parse("91660800MA77C0020D").unwrap();
        let mut p = PendingEnterprises::default();
        for u in [a, b, a, a, b] {
            p.push(u).unwrap();
        }
        assert_eq!(p.seqs(&a, Seq(10)), vec![Seq(11), Seq(13), Seq(14)]);
        assert_eq!(p.seqs(&b, Seq(10)), vec![Seq(12), Seq(15)]);
        let all: Vec<(Uscc, Vec<Seq>)> = p.sorted(Seq(0)).collect();
        assert_eq!(all.len(), 2);
        assert!(all[0].0.as_bytes() < all[1].0.as_bytes());
    }
}
