//! The fold applies a correction as it was recorded: it never re-validates
//! and never skips one silently (issue 6, "a stored fact is a fact").

use grading::resolve::resolve;
use model::fact::*;
use model::patch::{AdministrativePenaltyPatch, BodyPatch, Parts, Patch, SupervisionInspectionPatch};
use model::{ChinaDate, Fact, Record, Seq, Timestamp, Uscc, Yuan};

fn fact(reference: &str, on: &str, body: Body) -> Fact {
    Fact {
        reference: reference.into(),
        enterprise: Uscc::parse("91110000600037341L").unwrap(),
        occurred_on: ChinaDate::parse_plain(on).unwrap(),
        source: Source::Manual,
        note: None,
        body,
    }
}

fn records(facts: Vec<Fact>) -> Vec<Record> {
    let at = Timestamp::parse("2025-12-01T00:00:00Z").unwrap();
    facts.into_iter().enumerate().map(|(i, f)| Record::pending(Seq(i as u64 + 1), at, f)).collect()
}

fn penalty() -> Body {
    Body::AdministrativePenalty(AdministrativePenalty {
        procedure: Procedure::Ordinary,
        measures: vec![Measure { kind: MeasureType::LicenceRevoked, amount_yuan: None }],
        cause: None,
    })
}

#[test]
fn a_change_that_todays_checks_would_refuse_is_still_applied() {
    // A release before the stricter checks accepted a warning carrying an
    // amount; the fold must apply it as accepted, not drop it.
    let changes = Patch {
        occurred_on: None,
        body: BodyPatch::AdministrativePenalty(AdministrativePenaltyPatch {
            measures: Some(vec![Measure { kind: MeasureType::Warning, amount_yuan: Some(Yuan::from_yuan(2000)) }]),
            ..Default::default()
        }),
    };
    let recs = records(vec![
        fact("PEN", "2025-03-01", penalty()),
        fact("CHG", "2025-04-01", Body::ActChanged(ActChanged { target: "PEN".into(), changes })),
    ]);
    let body = Body::AdministrativePenalty(AdministrativePenalty {
        procedure: Procedure::Ordinary,
        measures: vec![Measure { kind: MeasureType::Warning, amount_yuan: Some(Yuan::from_yuan(2000)) }],
        cause: None,
    });
    assert!(body.validate().is_err(), "today's import would refuse this content");
    let r = resolve(&recs);
    let e = r.get("PEN").unwrap();
    assert_eq!(e.body, body);
    assert_eq!(e.altered.as_ref().map(|m| m.by.as_str()), Some("CHG"));
}

#[test]
fn a_clerical_correction_moves_the_valid_date_and_keeps_other_fields() {
    let corrected = Patch {
        occurred_on: Some(ChinaDate::parse_plain("2024-11-30").unwrap()),
        body: BodyPatch::SupervisionInspection(SupervisionInspectionPatch { outcome: Some(InspectionOutcome::Refused), ..Default::default() }),
    };
    let inspection = Body::SupervisionInspection(SupervisionInspection {
        inspection: InspectionType::Routine,
        outcome: InspectionOutcome::IssuesFound,
        findings: vec![Finding { code: FindingCode::Other, text: None, serious: true }],
    });
    let recs = records(vec![
        fact("INS", "2025-03-01", inspection),
        fact("COR", "2025-04-01", Body::RecordCorrected(RecordCorrected { target: "INS".into(), error: ErrorKind::Clerical, corrected: Some(corrected) })),
    ]);
    let r = resolve(&recs);
    let e = r.get("INS").unwrap();
    assert_eq!(e.occurred_on.to_string(), "2024-11-30");
    assert_eq!(e.date_moved.as_ref().map(|m| m.by.as_str()), Some("COR"));
    let Body::SupervisionInspection(i) = &e.body else { panic!() };
    assert_eq!((i.outcome, i.findings.len()), (InspectionOutcome::Refused, 1));
}

#[test]
fn typed_parts_remove_measures_and_void_what_is_left_empty() {
    let recs = records(vec![
        fact("PEN", "2025-03-01", penalty()),
        fact("PART", "2025-04-01", Body::ActPartiallyRevoked(ActPartiallyRevoked { target: "PEN".into(), parts: Parts::Measures(vec![MeasureType::LicenceRevoked]) })),
    ]);
    let r = resolve(&recs);
    let e = r.get("PEN").unwrap();
    assert_eq!(e.void.as_ref().map(|m| (m.by.as_str(), m.reason.code())), Some(("PART", "partially_revoked")));
}

#[test]
fn a_refused_inspection_is_not_voided_by_losing_its_findings() {
    let refused = Body::SupervisionInspection(SupervisionInspection {
        inspection: InspectionType::Special,
        outcome: InspectionOutcome::Refused,
        findings: vec![Finding { code: FindingCode::Concealment, text: None, serious: false }],
    });
    let recs = records(vec![
        fact("INS", "2025-03-01", refused),
        fact("PART", "2025-04-01", Body::ActPartiallyRevoked(ActPartiallyRevoked { target: "INS".into(), parts: Parts::Findings(vec![FindingCode::Concealment]) })),
    ]);
    let r = resolve(&recs);
    let e = r.get("INS").unwrap();
    assert!(e.void.is_none());
    let Body::SupervisionInspection(i) = &e.body else { panic!() };
    assert!(i.findings.is_empty());
}
