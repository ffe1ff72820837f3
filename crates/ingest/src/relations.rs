//! The relations between facts that an import keeps (CONTRACT.md §1–2), for
//! a fact as a change or correction would leave it: what it aims at exists,
//! is of a kind it may aim at and is not dated after it; a licence it
//! verifies or ends was granted to the enterprise on or before it; and
//! every fact aiming at it stays dated on or after it. A correction that
//! would break one is refused at import, like a line that breaks one.

use grading::resolve::{resolve, Resolved};
use model::fact::{Body, FieldError};
use model::{ChinaDate, Fact, Record};

/// The licence a fact verifies or ends.
pub(crate) fn licence_used(body: &Body) -> Option<&str> {
    match body {
        Body::LicenceVerification(v) => Some(&v.licence_no),
        Body::LicenceTerminated(t) => Some(&t.licence_no),
        _ => None,
    }
}

/// Whether `resolved` (one enterprise, as corrected) holds a grant of
/// `licence_no` dated on or before `on`; `replaced` stands in for the fact
/// being corrected (its ref, content and date as corrected).
fn granted_by(resolved: &Resolved, replaced: Option<(&str, &Body, ChinaDate)>, licence_no: &str, on: ChinaDate) -> bool {
    let corrected = replaced.into_iter().map(|(_, b, d)| (b.clone(), d));
    resolved
        .facts
        .iter()
        .filter(|e| e.void.is_none() && replaced.is_none_or(|(r, _, _)| e.reference() != r))
        .map(|e| (e.body.clone(), e.occurred_on))
        .chain(corrected)
        .any(|(b, d)| matches!(&b, Body::LicenceGranted(g) if g.licence_no == licence_no) && d <= on)
}

/// A licence verified or ended on `on` must have been granted to the
/// enterprise on or before that date (`records`: its facts known so far).
pub(crate) fn check_licence_granted(records: &[Record], body: &Body, on: ChinaDate) -> Result<(), FieldError> {
    match licence_used(body) {
        Some(l) if !granted_by(&resolve(records), None, l, on) => {
            Err(FieldError::new("licence_no", format!("{l} was not granted to this enterprise on or before {on}")))
        }
        _ => Ok(()),
    }
}

/// Checks the fact `target` of `records` (one enterprise, in seq order, the
/// correction not yet among them) as `correction` would leave it: content
/// `body`, valid date `on`. Errors name the correction's `field` (`changes`
/// or `corrected`).
pub(crate) fn check_corrected(records: &[Record], correction: &Fact, target: &str, body: &Body, on: ChinaDate, field: &str) -> Result<(), FieldError> {
    let resolved = resolve(records);
    let f = |sub: &str, msg: String| FieldError::new(format!("{field}.{sub}"), msg);
    // What the corrected fact aims at.
    if let Some(t) = body.target() {
        let Some(aimed) = resolved.get(t) else {
            return Err(f("target", format!("{t:?} is not a fact of this enterprise that a {} can aim at", body.kind())));
        };
        if body.kind().target_allowed(aimed.kind()) == Some(false) {
            return Err(f("target", format!("a {} cannot aim at {t:?}, a {}", body.kind(), aimed.kind())));
        }
        if on < aimed.occurred_on {
            return Err(f("occurred_on", format!("{target:?} would be dated {on}, before {t:?} ({}), which it aims at", aimed.occurred_on)));
        }
    }
    // The licence it verifies or ends.
    if let Some(l) = licence_used(body) {
        if !granted_by(&resolved, Some((target, body, on)), l, on) {
            return Err(f("licence_no", format!("{l} was not granted to this enterprise on or before {on}")));
        }
    }
    // Every fact aiming at it, this correction included, stays dated on or after it.
    let aiming = records.iter().map(|r| &r.fact).chain(std::iter::once(correction)).filter(|x| x.body.target() == Some(target));
    for x in aiming {
        let date = resolved.get(&x.reference).map(|e| e.occurred_on).unwrap_or(x.occurred_on);
        if date < on {
            return Err(f("occurred_on", format!("{target:?} would be dated {on}, after {:?} ({date}), which aims at it", x.reference)));
        }
    }
    // A grant whose number or date changes: every verification and
    // termination of the numbers involved still needs a grant before it.
    if let (Body::LicenceGranted(new), Some(old)) = (body, resolved.get(target)) {
        let numbers: Vec<&str> = match &old.body {
            Body::LicenceGranted(o) => vec![o.licence_no.as_str(), new.licence_no.as_str()],
            _ => vec![new.licence_no.as_str()],
        };
        for e in resolved.facts.iter().filter(|e| e.void.is_none()) {
            if let Some(l) = licence_used(&e.body).filter(|l| numbers.contains(l)) {
                if !granted_by(&resolved, Some((target, body, on)), l, e.occurred_on) {
                    return Err(f("licence_no", format!("{:?} uses licence {l} on {}, which would no longer be granted by then", e.reference(), e.occurred_on)));
                }
            }
        }
    }
    Ok(())
}

/// Voiding a licence grant (a revocation, or a correction with no
/// replacement) must not leave a verification or termination of that
/// licence without a grant dated on or before it: correct or void those
/// first. Errors name `target`.
pub(crate) fn check_grant_voided(records: &[Record], target: &str) -> Result<(), FieldError> {
    let resolved = resolve(records);
    let Some(g) = resolved.get(target).filter(|g| g.void.is_none()) else { return Ok(()) };
    let Body::LicenceGranted(grant) = &g.body else { return Ok(()) };
    let other_grant_by = |on: ChinaDate| {
        resolved.facts.iter().any(|o| {
            o.void.is_none() && o.reference() != target && o.occurred_on <= on && matches!(&o.body, Body::LicenceGranted(x) if x.licence_no == grant.licence_no)
        })
    };
    let orphan = resolved
        .facts
        .iter()
        .filter(|e| e.void.is_none() && licence_used(&e.body) == Some(grant.licence_no.as_str()))
        .find(|e| !other_grant_by(e.occurred_on));
    match orphan {
        Some(e) => Err(FieldError::new(
            "target",
            format!(
                "{target:?} grants licence {}, which {:?} ({}) verifies or ends; correct or void that fact first",
                grant.licence_no,
                e.reference(),
                e.occurred_on
            ),
        )),
        None => Ok(()),
    }
}

/// A check of a corrected fact that fails only when the correction brings
/// the fault: a fact recorded by an earlier release under looser rules may
/// already fail today's checks, and a correction that leaves that fault as
/// it was is not refused for it.
pub(crate) fn introduced(before: Result<(), FieldError>, after: Result<(), FieldError>) -> Result<(), FieldError> {
    match after {
        Err(e) if before.as_ref().err() != Some(&e) => Err(e),
        _ => Ok(()),
    }
}
