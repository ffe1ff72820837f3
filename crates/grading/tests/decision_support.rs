//! What decision records rely on in the grading crate: the hash of the facts
//! graded (`basis_sha256`) and the semantics of the engine that issued a
//! decision (`Semantics::of_engine`).

mod common;

use common::*;
use grading::{basis_sha256, grade_under, Semantics, ENGINE_VERSION};
use model::Seq;
use sha2::{Digest, Sha256};

#[test]
fn the_basis_hashes_seq_and_chain_hash_of_each_record_up_to_k() {
    let recs = records(&base());
    let mut h = Sha256::new();
    for r in &recs[..2] {
        h.update(r.seq.0.to_be_bytes());
        h.update(r.hash);
    }
    assert_eq!(basis_sha256(&recs, Seq(2)), hex::encode(h.finalize()));
    assert_ne!(basis_sha256(&recs, Seq(2)), basis_sha256(&recs, Seq(3)), "a record more is another basis");
    assert_eq!(basis_sha256(&recs, Seq(4)), basis_sha256(&recs, Seq(99)), "nothing beyond the records");
    assert_eq!(basis_sha256(&recs, Seq(0)), hex::encode(Sha256::digest(b"")));
}

#[test]
fn decisions_of_release_0_1_are_regraded_with_its_semantics() {
    assert_eq!(Semantics::of_engine(model::v1::ENGINE_FORMAT_1), Semantics::RELEASE_0_1);
    assert_eq!(Semantics::of_engine("credit-ledger 0.1.7"), Semantics::RELEASE_0_1);
    assert_eq!(Semantics::of_engine(ENGINE_VERSION), Semantics::CURRENT);
    assert_eq!(Semantics::of_engine("credit-ledger 0.2.0"), Semantics::CURRENT);
    assert_eq!(Semantics::of_engine("another engine"), Semantics::CURRENT);
    // Through bindings: the values are what is tested (a mutant may change them).
    let (current, release_0_1) = (Semantics::CURRENT, Semantics::RELEASE_0_1);
    assert!(current.registration_required && !release_0_1.registration_required);
}

#[test]
fn an_unregistered_enterprise_was_graded_by_release_0_1_and_is_out_of_scope_now() {
    let lines: Vec<String> = base().into_iter().skip(1).collect();
    let recs = records(&lines);
    let b = book();
    let rules = b.by_id("xpcc-revised").unwrap();
    let (then, why_then) = grade_under(Semantics::RELEASE_0_1, E, &recs, day("2025-12-31"), Seq(3), rules);
    assert!(then.in_scope && then.grade.is_some() && why_then.is_none());
    let (now, why_now) = grade_under(Semantics::CURRENT, E, &recs, day("2025-12-31"), Seq(3), rules);
    assert!(!now.in_scope && now.grade.is_none());
    assert_eq!(why_now, Some(grading::OutOfScope::NotRegistered));
}
