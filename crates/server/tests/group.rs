//! Group commit (issue 9, item 2): the imports queued while the writer is
//! busy are appended in one round (one batch, one flush); requests that
//! touch the same enterprise are split over rounds, in arrival order.

mod support;

use access::{Principal, Role};
use server::writer::{ImportJob, ImportReply, Writer};
use server::Clock;
use std::sync::Arc;
use support::*;
use tokio::sync::oneshot;

fn clerk() -> Principal {
    Principal { name: "clerk-08".into(), role: Role::Division { division: "08".into(), write: true } }
}

fn job(body: String) -> (ImportJob, oneshot::Receiver<ImportReply>) {
    let (tx, rx) = oneshot::channel();
    let job = ImportJob { inputs: vec![("-".into(), body.into_bytes())], expected_head: None, expected_version: None, idempotency: None, principal: clerk(), reply: tx };
    (job, rx)
}

/// Queues `bodies` while the writer is held by an exclusive job, then lets
/// it go; each request's (first seq, last seq, head after its round).
fn queued_rounds(max_round: usize, bodies: Vec<String>) -> Vec<(u64, u64, u64)> {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(store::Ledger::open_or_create(&dir.path().join("ledger"), store::StoreKind::Sled).unwrap());
    let (heads, _rx) = tokio::sync::watch::channel(ledger.head().unwrap());
    let (writer, thread) = Writer::start(ledger, Clock::Fixed(now()), heads, max_round);
    let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
    writer.exclusive(Box::new(move |_, _| gate_rx.recv().unwrap())).unwrap();
    let replies: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let (j, rx) = job(b);
            writer.import(j).unwrap();
            rx
        })
        .collect();
    gate_tx.send(()).unwrap();
    let out = replies
        .into_iter()
        .map(|rx| match rx.blocking_recv().unwrap() {
            ImportReply::Appended(a) => (a.first_seq.unwrap().0, a.last_seq.unwrap().0, a.head.0),
            other => panic!("{other:?}"),
        })
        .collect();
    drop(writer);
    thread.join().unwrap();
    out
}

#[test]
fn issue9_imports_queued_meanwhile_share_one_round_and_one_flush() {
    let rounds = queued_rounds(512, (1..=10).map(|n| registered(n, "08")).collect());
    let expected: Vec<_> = (0..10).map(|i| (2 * i + 1, 2 * i + 2, 20)).collect();
    assert_eq!(rounds, expected, "ten requests, seqs in arrival order, all acknowledged by the one flush that made head 20");
}

#[test]
fn issue9_the_baseline_flushes_once_per_request() {
    let rounds = queued_rounds(1, (1..=4).map(|n| registered(n, "08")).collect());
    assert_eq!(rounds, [(1, 2, 2), (3, 4, 4), (5, 6, 6), (7, 8, 8)]);
}

#[test]
fn issue9_requests_on_one_enterprise_go_to_later_rounds_in_arrival_order() {
    let bodies = vec![registered(1, "08"), fine(1, 1, 100), registered(2, "08"), fine(1, 2, 100)];
    let rounds = queued_rounds(512, bodies);
    // Round 1: enterprise 1's registration and enterprise 2; the fines of 1 wait a round each.
    assert_eq!(rounds, [(1, 2, 4), (5, 5, 5), (3, 4, 4), (6, 6, 6)]);
}

/// The writer's answer to each of `bodies`, queued together.
fn queued_replies(bodies: Vec<String>) -> Vec<ImportReply> {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(store::Ledger::open_or_create(&dir.path().join("ledger"), store::StoreKind::Sled).unwrap());
    let (heads, _rx) = tokio::sync::watch::channel(ledger.head().unwrap());
    let (writer, thread) = Writer::start(ledger, Clock::Fixed(now()), heads, 512);
    let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
    writer.exclusive(Box::new(move |_, _| gate_rx.recv().unwrap())).unwrap();
    let rx: Vec<_> = bodies.into_iter().map(|b| {
        let (j, rx) = job(b);
        writer.import(j).unwrap();
        rx
    }).collect();
    gate_tx.send(()).unwrap();
    let out = rx.into_iter().map(|r| r.blocking_recv().unwrap()).collect();
    drop(writer);
    thread.join().unwrap();
    out
}

#[test]
fn issue9_a_request_that_needs_an_earlier_one_of_its_round_waits_for_it_instead_of_being_rejected() {
    let revoke = format!(
        "{{\"kind\":\"act_revoked\",\"ref\":\"REV-1\",\"enterprise\":\"{}\",\"occurred_on\":\"2025-06-02\",\"target\":\"PEN-1-1\",\"reason\":\"程序违法\",\"source\":\"xpcc_notice\",\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n",
        uscc(1)
    );
    let replies = queued_replies(vec![registered(1, "08") + &fine(1, 1, 100), revoke]);
    match (&replies[0], &replies[1]) {
        (ImportReply::Appended(a), ImportReply::Appended(b)) => {
            assert_eq!((a.last_seq.unwrap().0, b.first_seq.unwrap().0), (3, 4));
            assert_eq!((a.head.0, b.head.0), (3, 4), "the revocation went in the next round, once its target was in the ledger");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn issue9_a_later_request_recorded_earlier_is_never_appended_after_it() {
    let late = registered(1, "08").replace("2025-06-03T09:00:00+08:00", "2025-09-01T09:00:00+08:00");
    let replies = queued_replies(vec![late, registered(2, "08")]);
    assert!(matches!(&replies[0], ImportReply::Appended(a) if a.head.0 == 2), "{:?}", replies[0]);
    // Validated in its own round against a head recorded later than its facts: refused, as an import is.
    match &replies[1] {
        ImportReply::Rejected(lines) => assert!(lines[0].message.contains("recorded"), "{lines:?}"),
        other => panic!("recorded times would decrease: {other:?}"),
    }
}
