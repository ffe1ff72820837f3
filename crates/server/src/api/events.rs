//! `GET /events?from_seq=N`: every record from N in seq order, then live
//! as rounds commit (Server-Sent Events; issue 9, item 5). Each event's
//! `id` is its seq, so a reader that reconnects with `Last-Event-ID` (or
//! `from_seq` = last + 1) misses nothing and sees nothing twice. Only
//! records up to the published head, which moves after the flush, are sent.

use super::Params;
use crate::problem::Problem;
use crate::state::AppState;
use access::{Action, Principal};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use model::Seq;
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Records read from the ledger per step.
const STEP: u64 = 256;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// The first seq to send [default: 1; or `Last-Event-ID` + 1].
    pub from_seq: Option<u64>,
}

#[utoipa::path(
    get, path = "/events", params(EventsQuery),
    responses((status = 200, description = "text/event-stream: `event: record`, `id: <seq>`, `data:` the record as an export line (see README \"Export\")"),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn events(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Params(q): Params<EventsQuery>,
) -> Result<Response, Problem> {
    who.may(Action::ReadAll)?;
    let last_id = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()).ok_or_else(|| Problem::rejected("Last-Event-ID must be a seq"))?,
        ),
    };
    let from = match (last_id, q.from_seq) {
        (Some(id), _) => id + 1,
        (None, Some(0)) => return Err(Problem::rejected("from_seq: seqs start at 1")),
        (None, Some(n)) => n,
        (None, None) => 1,
    };
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(64);
    tokio::spawn(pump(st.clone(), Seq(from), tx));
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    let mut r = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    r.extensions_mut().insert(crate::problem::Outcome(format!("event stream from seq {from}")));
    Ok(r)
}

/// Sends records from `next` on until the client goes or the server closes.
async fn pump(st: Arc<AppState>, mut next: Seq, tx: mpsc::Sender<Result<Event, Infallible>>) {
    let mut heads = st.heads.clone();
    let mut closed = st.closed.clone();
    loop {
        let head = heads.borrow_and_update().seq;
        while next <= head {
            let to = Seq(head.0.min(next.0 + STEP - 1));
            let ledger = st.ledger.clone();
            let read = tokio::task::spawn_blocking(move || -> Result<Vec<Event>, String> {
                ledger
                    .stored_records(next, to)
                    .map(|r| {
                        let (rec, stored) = r.map_err(|e| e.to_string())?;
                        let line = archive::record_line(&rec, &stored);
                        let data = serde_json::to_string(&line).map_err(|e| e.to_string())?;
                        Ok(Event::default().event("record").id(rec.seq.0.to_string()).data(data))
                    })
                    .collect()
            })
            .await;
            let events = match read {
                Ok(Ok(events)) => events,
                Ok(Err(why)) => {
                    let _ = tx.send(Ok(Event::default().event("error").data(why))).await;
                    return;
                }
                Err(_) => return,
            };
            for e in events {
                if tx.send(Ok(e)).await.is_err() {
                    return;
                }
            }
            next = Seq(to.0 + 1);
        }
        tokio::select! {
            changed = heads.changed() => if changed.is_err() { return },
            _ = closed.wait_for(|c| *c) => return,
            _ = tx.closed() => return,
        }
    }
}
