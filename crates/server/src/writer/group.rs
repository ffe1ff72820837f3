//! One round of the writer: validate each queued import, keep those that
//! touch nothing another kept one touches, append them all with one flush,
//! answer each.

use super::idempotency::Seen;
use super::{Appended, ImportJob, ImportReply};
use access::Action;
use ingest::{ImportError, Input};
use model::fact::Body;
use model::{Fact, Seq, Timestamp, Uscc};
use std::collections::{BTreeMap, HashSet};
use store::{Head, Ledger};
use tokio::sync::watch;

/// A request accepted into the round, with its validated facts.
struct Kept {
    job: ImportJob,
    facts: Vec<(Timestamp, Fact)>,
    duplicates: usize,
}

/// Runs one round over `jobs` (in arrival order); returns the jobs that
/// must wait for the next round, in order.
pub fn round(ledger: &Ledger, now: Timestamp, jobs: Vec<ImportJob>, seen: &mut Seen, heads: &watch::Sender<Head>) -> Vec<ImportJob> {
    let head = match ledger.head() {
        Ok(h) => h,
        Err(e) => {
            for job in jobs {
                answer(seen, job, ImportReply::Failed(e.to_string()));
            }
            return Vec::new();
        }
    };
    let mut kept: Vec<Kept> = Vec::new();
    let mut deferred = Vec::new();
    let mut touched: HashSet<String> = HashSet::new();
    let mut latest: Option<Timestamp> = None;
    for job in jobs {
        if let Some((key, hash)) = job.idempotency {
            if let Some(reply) = seen.check(key, &hash) {
                let _ = job.reply.send(reply);
                continue;
            }
        }
        // A request that names the head must be first in its round: any
        // request before it moves the head.
        if job.expected_head.is_some() && !kept.is_empty() {
            deferred.push(job);
            continue;
        }
        if let Some(expected) = job.expected_head.filter(|e| *e != head.seq.0) {
            let why = format!("expected_head {expected} is stale: the ledger head is seq {}; nothing was written", head.seq);
            answer(seen, job, ImportReply::Conflict(why));
            continue;
        }
        let inputs: Vec<Input> = job.inputs.iter().map(|(name, body)| Input::bytes(name.clone(), body.clone())).collect();
        let plan = match ingest::validate(ledger, &inputs, now) {
            Ok(plan) => plan,
            // Against the ledger plus the round so far it might pass (a
            // correction of a fact kept just before): decide next round.
            Err(ImportError::Rejected(_)) if !kept.is_empty() => {
                deferred.push(job);
                continue;
            }
            Err(ImportError::Rejected(lines)) => {
                answer(seen, job, ImportReply::Rejected(lines));
                continue;
            }
            Err(e) => {
                answer(seen, job, ImportReply::Failed(e.to_string()));
                continue;
            }
        };
        let keys = keys_of(&plan.facts);
        let earliest = plan.facts.iter().map(|(t, _)| *t).min();
        if keys.iter().any(|k| touched.contains(k)) || earliest.zip(latest).is_some_and(|(e, l)| e < l) {
            deferred.push(job);
            continue;
        }
        match admit(ledger, head.seq, &job, &plan.facts) {
            Ok(None) => {}
            Ok(Some(reply)) => {
                answer(seen, job, reply);
                continue;
            }
            Err(e) => {
                answer(seen, job, ImportReply::Failed(e.to_string()));
                continue;
            }
        }
        touched.extend(keys);
        latest = latest.max(plan.facts.iter().map(|(t, _)| *t).max());
        kept.push(Kept { job, facts: plan.facts, duplicates: plan.duplicates });
    }
    commit(ledger, head.seq, kept, seen, heads);
    deferred
}

/// The expected-version and access checks; `Some` answer refuses.
fn admit(ledger: &Ledger, head: Seq, job: &ImportJob, facts: &[(Timestamp, Fact)]) -> Result<Option<ImportReply>, store::StoreError> {
    // Each enterprise's records are read once, for its version and its division.
    let mut read = BTreeMap::new();
    if let Some((uscc, expected)) = &job.expected_version {
        let stored = ledger.enterprise_records(uscc, head)?;
        let version = stored.last().map_or(0, |r| r.seq.0);
        if version != *expected {
            let why = format!("expected_version {expected} of enterprise {uscc} is stale: its last record is seq {version}; nothing was written");
            return Ok(Some(ImportReply::Conflict(why)));
        }
        read.insert(*uscc, stored);
    }
    let mut enterprises: BTreeMap<&Uscc, Vec<&Fact>> = BTreeMap::new();
    for (_, f) in facts {
        enterprises.entry(&f.enterprise).or_default().push(f);
    }
    for (uscc, own) in enterprises {
        let stored = match read.remove(uscc) {
            Some(s) => s,
            None => ledger.enterprise_records(uscc, head)?,
        };
        let division = last_division(stored.iter().map(|r| &r.fact)).or_else(|| last_division(own.iter().copied()));
        let allowed = match &division {
            Some(d) => job.principal.may(Action::Write { division: d }),
            // No division known: the request must register the enterprise.
            None => Err(access::Refusal { name: job.principal.name.clone(), role: job.principal.role.name(), what: format!("append facts about enterprise {uscc}, which no registration in the ledger or in this request places in a division") }),
        };
        if let Err(refusal) = allowed {
            let whose = division.map_or("an enterprise of no known division".to_string(), |d| format!("enterprise {uscc} of division {d}"));
            return Ok(Some(ImportReply::Forbidden(format!("{refusal}: the request holds facts about {whose}; nothing was written"))));
        }
    }
    Ok(None)
}

/// The division of enterprise `uscc` at `k` (the latest registration or
/// change recorded), `None` when the ledger has none.
pub fn division_of(ledger: &Ledger, uscc: &Uscc, k: Seq) -> Result<Option<String>, store::StoreError> {
    Ok(last_division(ledger.enterprise_records(uscc, k)?.iter().map(|r| &r.fact)))
}

/// The division the latest registration or change among `facts` names.
fn last_division<'a>(facts: impl Iterator<Item = &'a Fact>) -> Option<String> {
    facts.fold(None, |d, f| match &f.body {
        Body::EnterpriseRegistered(b) => Some(b.division.clone()),
        Body::EnterpriseChanged(b) => b.division.clone().or(d),
        _ => d,
    })
}

/// What a request's facts touch: their enterprises, refs and target refs.
fn keys_of(facts: &[(Timestamp, Fact)]) -> HashSet<String> {
    let mut keys = HashSet::new();
    for (_, f) in facts {
        keys.insert(format!("e:{}", f.enterprise));
        keys.insert(format!("r:{}", ingest::ref_key(&f.reference)));
        if let Some(t) = f.body.target() {
            keys.insert(format!("r:{}", ingest::ref_key(t)));
        }
    }
    keys
}

/// Appends every kept request's facts in one batch, one flush; answers each.
fn commit(ledger: &Ledger, head: Seq, kept: Vec<Kept>, seen: &mut Seen, heads: &watch::Sender<Head>) {
    let total: usize = kept.iter().map(|k| k.facts.len()).sum();
    let mut facts = Vec::with_capacity(total);
    let mut answers = Vec::with_capacity(kept.len());
    for k in kept {
        answers.push((k.job, k.facts.len() as u64, k.duplicates));
        facts.extend(k.facts);
    }
    let appended = if total == 0 { Ok(head) } else { ledger.append(facts).map(|records| records.last().map_or(head, |r| r.seq)) };
    match appended {
        Ok(new_head) => {
            // Published before anyone hears of it: a read sent after an
            // acknowledged import answers at a K that includes it.
            super::publish(ledger, heads);
            let mut next = head.0;
            for (job, n, duplicates) in answers {
                let (first_seq, last_seq) = if n == 0 { (None, None) } else { (Some(Seq(next + 1)), Some(Seq(next + n))) };
                next += n;
                answer(seen, job, ImportReply::Appended(Appended { appended: n, duplicates, first_seq, last_seq, head: new_head, replayed: false }));
            }
        }
        Err(e) => {
            let why = format!("{e}; nothing of this request was written");
            for (job, ..) in answers {
                answer(seen, job, ImportReply::Failed(why.clone()));
            }
        }
    }
}

fn answer(seen: &mut Seen, job: ImportJob, reply: ImportReply) {
    if let Some((key, hash)) = job.idempotency {
        seen.record(key, hash, &reply);
    }
    // The caller may have gone (a closed connection): the facts stand.
    let _ = job.reply.send(reply);
}
