//! While shutting down, every request is refused with 503 and audited
//! (issue 9, item 4). Driven through the router itself, so the moment is exact.

mod support;

use axum::body::Body;
use axum::http::Request;
use server::{AppState, Clock};
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tower::ServiceExt;

#[tokio::test]
async fn issue9_requests_during_shutdown_get_503_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(store::Ledger::open_or_create(&dir.path().join("ledger"), store::StoreKind::Sled).unwrap());
    let (heads_tx, heads_rx) = tokio::sync::watch::channel(ledger.head().unwrap());
    let (writer, _thread) = server::writer::Writer::start(ledger.clone(), Clock::Fixed(now()), heads_tx, 8);
    let (audit_tx, audit_rx) = std::sync::mpsc::channel();
    let (_closed_tx, closed_rx) = tokio::sync::watch::channel(false);
    let access = access::AccessList::parse("access.toml", access_toml().as_bytes()).unwrap();
    let st = Arc::new(AppState::new(ledger, access, Clock::Fixed(now()), heads_rx, writer, audit_tx, closed_rx, 1 << 20, dir.path().join("a.jsonl")));
    let app = server::router(st.clone(), Duration::from_secs(5));
    let get = |path: &str| Request::get(path).header("Authorization", format!("Bearer {XPCC}")).body(Body::empty()).unwrap();
    assert_eq!(app.clone().oneshot(get("/head")).await.unwrap().status(), 200);
    st.start_closing();
    let refused = app.clone().oneshot(get("/head")).await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let import = Request::post("/import").header("Authorization", format!("Bearer {CLERK_08}")).body(Body::from(registered(1, "08"))).unwrap();
    assert_eq!(app.oneshot(import).await.unwrap().status(), 503);
    let lines: Vec<audit::Request> = audit_rx.try_iter().collect();
    assert_eq!(lines.iter().map(|l| (l.who.as_str(), l.status)).collect::<Vec<_>>(), [("xpcc", 200), ("xpcc", 503), ("clerk-08", 503)]);
    assert!(lines[1].outcome.contains("shutting down"), "{}", lines[1].outcome);
    assert_eq!(st.ledger.head().unwrap().seq.0, 0, "nothing written while closing");
}
