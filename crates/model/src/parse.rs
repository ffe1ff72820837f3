//! One JSON Lines line → a normalized fact (CONTRACT.md §1). Checks that need
//! the ledger (refs, targets, recorded_at order) live in `ingest`.

use crate::fact::{Body, Fact, FieldError, Kind, Source};
use crate::{strict, ChinaDate, Timestamp, Uscc};
use serde_json::{Map, Value};

/// A parsed line: the fact and, when given, when it was learned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactDraft {
    pub fact: Fact,
    /// `recorded_at` when the line backfills it; otherwise the import's "now".
    pub recorded_at: Option<Timestamp>,
}

/// Why a line is not a fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("not a JSON object: {0}")]
    Json(String),
    #[error(transparent)]
    Field(#[from] FieldError),
}

const COMMON: &[&str] = &["kind", "ref", "enterprise", "occurred_on", "recorded_at", "source", "note"];

fn take_str(m: &mut Map<String, Value>, field: &str, required: bool) -> Result<Option<String>, FieldError> {
    match m.remove(field) {
        None if required => Err(FieldError::new(field, "is required")),
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(FieldError::new(field, "must be a string")),
        None => Err(FieldError::new(field, "is required")),
    }
}

/// Parses one line whose kind has no typed correction (a change, correction
/// or partial revocation needs [`parse_line_with`]).
pub fn parse_line(line: &str) -> Result<FactDraft, LineError> {
    parse_line_with(line, &|_| None)
}

/// Parses one line. Kind-specific fields are checked by the kind's type
/// (unknown fields rejected); dates become China civil dates. The line's text
/// is scanned too (CONTRACT.md §2 "Strictness"): a key given twice and an
/// amount that is not an exact two-decimal number are refused, and amounts
/// are taken from their literal text. `target_kind`
/// gives the kind of the fact a ref names (pending or in the ledger): a
/// change, correction or partial revocation is typed by its target's kind.
pub fn parse_line_with(line: &str, target_kind: &dyn Fn(&str) -> Option<Kind>) -> Result<FactDraft, LineError> {
    let v: Value = serde_json::from_str(line).map_err(|e| LineError::Json(e.to_string()))?;
    let Value::Object(mut m) = v else {
        return Err(LineError::Json("a fact is one JSON object per line".into()));
    };
    let scan = strict::scan(line)?;
    let kind_name = take_str(&mut m, "kind", true)?.unwrap_or_default();
    let kind = Kind::from_name(&kind_name)
        .ok_or_else(|| FieldError::new("kind", format!("unknown kind {kind_name:?}")))?;
    if kind == Kind::GradeIssued {
        return Err(FieldError::new("kind", "grade_issued is written only by the ledger's own annual run (`issue`)").into());
    }
    if kind == Kind::RuleSetAdopted {
        return Err(FieldError::new("kind", "rule_set_adopted is written only by `rules adopt`, which validates the rule file").into());
    }
    if kind == Kind::PlanIssued {
        return Err(FieldError::new("kind", "plan_issued is written only by `plan`, which draws the plan it records").into());
    }
    let reference = take_str(&mut m, "ref", true)?.unwrap_or_default();
    strict::check_clean_text("ref", &reference)?;
    if reference.len() > 256 {
        return Err(FieldError::new("ref", "must be a document number of at most 256 bytes").into());
    }
    let enterprise = take_str(&mut m, "enterprise", true)?.unwrap_or_default();
    let enterprise = Uscc::parse(&enterprise).map_err(|e| FieldError::new("enterprise", e.to_string()))?;
    let occurred = take_str(&mut m, "occurred_on", true)?.unwrap_or_default();
    let occurred_on =
        ChinaDate::parse_date_or_time(&occurred).map_err(|e| FieldError::new("occurred_on", e.to_string()))?;
    let recorded_at = take_str(&mut m, "recorded_at", false)?
        .map(|s| Timestamp::parse(&s).map_err(|e| FieldError::new("recorded_at", e.to_string())))
        .transpose()?;
    let source = match take_str(&mut m, "source", false)? {
        None => Source::Manual,
        Some(s) => serde_json::from_value(Value::String(s.clone()))
            .map_err(|_| FieldError::new("source", format!("unknown source {s:?}")))?,
    };
    let note = take_str(&mut m, "note", false)?;
    debug_assert!(COMMON.iter().all(|c| !m.contains_key(*c)));
    // Amounts are read from their literal text, never through an f64.
    scan.put_exact_amounts(&mut m);
    let body = Body::from_fields(kind, m, target_kind)?;
    let fact = Fact { reference, enterprise, occurred_on, source, note, body };
    fact.validate()?;
    Ok(FactDraft { fact, recorded_at })
}

/// Renders a fact back to its JSON object (normalized: China dates, defaults applied).
pub fn to_json(fact: &Fact) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("kind".into(), fact.kind().name().into());
    m.insert("ref".into(), fact.reference.clone().into());
    m.insert("enterprise".into(), fact.enterprise.as_str().into());
    m.insert("occurred_on".into(), fact.occurred_on.to_string().into());
    m.insert("source".into(), fact.source.as_str().into());
    if let Some(n) = &fact.note {
        m.insert("note".into(), n.clone().into());
    }
    m.extend(fact.body.to_fields());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: &str = "91110000600037341L";

    fn line(extra: &str) -> String {
        format!(r#"{{"ref":"R1","enterprise":"{E}","occurred_on":"2025-03-02",{extra}}}"#)
    }

    #[test]
    fn issue11_a_plan_issued_line_is_refused_even_when_well_formed() {
        let h = "0".repeat(64);
        let fields = format!(
            r#""kind":"plan_issued","year":2026,"division":"08","known_at_seq":1,"head_hash":"{h}","salt":"s","rules_id":"x","rules_sha256":"{h}","inspectors":null,"draw_version":1,"engine_version":"e","plan_sha256":"{h}""#
        );
        let e = parse_line(&line(&fields)).unwrap_err().to_string();
        assert!(e.starts_with("field `kind`") && e.contains("only by `plan`"), "{e}");
    }

    #[test]
    fn parses_a_penalty_with_defaults() {
        let d = parse_line(&line(r#""kind":"administrative_penalty","procedure":"ordinary","measures":[{"type":"fine","amount_yuan":50000}]"#)).unwrap();
        assert_eq!(d.fact.kind(), Kind::AdministrativePenalty);
        assert_eq!(d.fact.source, Source::Manual);
        assert_eq!(d.recorded_at, None);
    }

    #[test]
    fn unknown_field_is_named() {
        let e = parse_line(&line(r#""kind":"list_entered","list":"judgment_defaulter","colour":"red""#)).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn missing_field_is_named() {
        let e = parse_line(&line(r#""kind":"licence_verification","result":"pass""#)).unwrap_err();
        assert!(e.to_string().starts_with("field `licence_no`"), "{e}");
    }

    #[test]
    fn bad_enum_value_names_its_field() {
        let e = parse_line(&line(r#""kind":"quality_risk_finding","severity":"huge""#)).unwrap_err();
        assert!(e.to_string().starts_with("field `severity`"), "{e}");
    }

    #[test]
    fn fine_needs_amount() {
        let e = parse_line(&line(r#""kind":"administrative_penalty","procedure":"simple","measures":[{"type":"fine"}]"#)).unwrap_err();
        assert!(e.to_string().contains("measures[0].amount_yuan"), "{e}");
    }

    #[test]
    fn unknown_kind_and_bad_uscc() {
        assert!(parse_line(&line(r#""kind":"gossip""#)).unwrap_err().to_string().contains("kind"));
        let bad = r#"{"kind":"complaint_verified","ref":"X","enterprise":"91110000600037341K","occurred_on":"2025-01-01","channel":"report"}"#;
        assert!(parse_line(bad).unwrap_err().to_string().contains("enterprise"));
    }

    #[test]
    fn timestamp_valid_date_becomes_china_date() {
        let l = format!(r#"{{"kind":"complaint_verified","ref":"X","enterprise":"{E}","occurred_on":"2024-12-31T16:30:00Z","channel":"report"}}"#);
        assert_eq!(parse_line(&l).unwrap().fact.occurred_on.to_string(), "2025-01-01");
    }

    #[test]
    fn json_round_trip_is_identity() {
        let d = parse_line(&line(r#""kind":"sampling_inspection","level":"xpcc","product":"水泥","result":"fail","failed_items":["三氧化硫"]"#)).unwrap();
        let back = serde_json::to_string(&to_json(&d.fact)).unwrap();
        assert_eq!(parse_line(&back).unwrap().fact, d.fact);
    }

    fn field_of(l: &str) -> String {
        match parse_line(l).unwrap_err() {
            LineError::Field(e) => e.field,
            e => panic!("not a field error: {e}"),
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_wherever_it_is() {
        let two_measures = line(r#""kind":"administrative_penalty","procedure":"ordinary","measures":[{"type":"licence_revoked"}],"measures":[{"type":"warning"}]"#);
        assert_eq!(field_of(&two_measures), "measures");
        let two_refs = format!(r#"{{"ref":"R2",{}"#, &line(r#""kind":"complaint_verified","channel":"report""#)[1..]);
        assert_eq!(field_of(&two_refs), "ref");
        let in_measure = line(r#""kind":"administrative_penalty","procedure":"ordinary","measures":[{"type":"fine","amount_yuan":5,"amount_yuan":500000}]"#);
        assert_eq!(field_of(&in_measure), "measures[0].amount_yuan");
    }

    #[test]
    fn amounts_come_from_the_literal_text() {
        let fine = |a: &str| parse_line(&line(&format!(r#""kind":"administrative_penalty","procedure":"ordinary","measures":[{{"type":"fine","amount_yuan":{a}}}]"#)));
        for (text, fen) in [("100000", 10_000_000), ("100000.00", 10_000_000), ("12.3", 1230), ("12.34", 1234)] {
            let Body::AdministrativePenalty(p) = fine(text).unwrap().fact.body else { panic!() };
            assert_eq!(p.measures[0].amount_yuan, Some(crate::Yuan { fen }), "{text}");
        }
        for text in ["99999.99999999999", "99999.999", "1e5"] {
            let LineError::Field(e) = fine(text).unwrap_err() else { panic!() };
            assert_eq!(e.field, "measures[0].amount_yuan", "{text}");
        }
        // Also inside a change of an earlier penalty.
        let change = line(r#""kind":"act_changed","target":"P1","changes":{"measures":[{"type":"fine","amount_yuan":99999.99999999999}]}"#);
        assert_eq!(field_of(&change), "changes.measures[0].amount_yuan");
    }

    #[test]
    fn deadline_and_filed_on_not_before_the_valid_date() {
        let order = |deadline: &str| line(&format!(r#""kind":"rectification_ordered","target":"S1","deadline":"{deadline}""#));
        assert_eq!(field_of(&order("2025-03-01")), "deadline");
        assert!(parse_line(&order("2025-03-02")).is_ok());
        let report = |filed: &str| line(&format!(r#""kind":"self_inspection_report","year":2024,"filed_on":"{filed}""#));
        assert_eq!(field_of(&report("2025-03-01")), "filed_on");
        assert!(parse_line(&report("2025-03-02")).is_ok());
    }

    #[test]
    fn refs_and_names_must_be_clean() {
        let with_ref = |r: &str| format!(r#"{{"kind":"complaint_verified","ref":"{r}","enterprise":"{E}","occurred_on":"2025-03-02","channel":"report"}}"#);
        for r in ["R1 ", "R1\u{200B}", "R\u{202E}1", "\u{FEFF}R1"] {
            assert_eq!(field_of(&with_ref(r)), "ref", "{r:?}");
        }
        let reg = |n: &str| line(&format!(r#""kind":"enterprise_registered","name":"{n}","division":"08","scale":"small""#));
        assert_eq!(field_of(&reg("甲公司\u{202E}")), "name");
        assert_eq!(field_of(&reg(" 甲公司")), "name");
        assert!(parse_line(&reg("甲公司")).is_ok());
        let changed = line("\"kind\":\"enterprise_changed\",\"name\":\"乙\u{2066}公司\"");
        assert_eq!(field_of(&changed), "name");
    }
}
