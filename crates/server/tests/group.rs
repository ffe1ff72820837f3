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
