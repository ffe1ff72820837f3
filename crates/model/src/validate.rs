//! The checks on a fact that serde cannot express (CONTRACT.md §1–2),
//! applied by the commands that accept input (import, what-if), never by
//! the grading fold.

use crate::fact::*;

impl Body {
    /// Checks the rules serde cannot express (CONTRACT.md §1).
    pub fn validate(&self) -> Result<(), FieldError> {
        let nonblank = |field: &str, s: &str| {
            if s.trim().is_empty() {
                Err(FieldError::new(field, "must not be empty"))
            } else if s.chars().any(char::is_control) {
                Err(FieldError::new(field, "must not contain control characters (line breaks, tabs)"))
            } else {
                Ok(())
            }
        };
        match self {
            Body::EnterpriseRegistered(b) => {
                check_name(&b.name)?;
                check_division(&b.division)
            }
            Body::EnterpriseChanged(b) => {
                if let Some(n) = &b.name {
                    check_name(n)?;
                }
                if let Some(d) = &b.division {
                    check_division(d)?;
                }
                if b.name.is_none() && b.division.is_none() && b.scale.is_none() && b.key_catalogue.is_none() {
                    return Err(FieldError::new("name", "an enterprise_changed must change at least one of name, division, scale, key_catalogue"));
                }
                Ok(())
            }
            Body::LicenceGranted(b) => {
                check_licence_no(&b.licence_no)?;
                nonblank("product", &b.product)?;
                nonblank("category", &b.category)?;
                if b.valid_to <= b.valid_from {
                    return Err(FieldError::new("valid_to", "must be after valid_from"));
                }
                Ok(())
            }
            Body::LicenceTerminated(b) => check_licence_no(&b.licence_no),
            Body::LicenceVerification(b) => check_licence_no(&b.licence_no),
            Body::SelfInspectionReport(b) => {
                if !(1949..=2200).contains(&b.year) {
                    return Err(FieldError::new("year", "is not a plausible report year"));
                }
                // A report covers its whole year, so it is filed after the year ends.
                if b.filed_on.year() <= b.year {
                    return Err(FieldError::new("year", format!("a report for {} cannot be filed on {}, before that year ends", b.year, b.filed_on)));
                }
                Ok(())
            }
            Body::SamplingInspection(b) => {
                nonblank("product", &b.product)?;
                match (b.result, b.failed_items.is_empty()) {
                    (PassFail::Pass, false) => Err(FieldError::new("failed_items", "must be empty when the result is pass")),
                    (PassFail::Fail, true) => Err(FieldError::new("failed_items", "must name the failed items when the result is fail")),
                    _ => {
                        for (i, it) in b.failed_items.iter().enumerate() {
                            nonblank(&format!("failed_items[{i}]"), it)?;
                        }
                        Ok(())
                    }
                }
            }
            Body::SupervisionInspection(b) => {
                if b.outcome == InspectionOutcome::NoIssue && !b.findings.is_empty() {
                    return Err(FieldError::new("findings", "must be empty when the outcome is no_issue"));
                }
                Ok(())
            }
            Body::AdministrativePenalty(b) => {
                if b.measures.is_empty() {
                    return Err(FieldError::new("measures", "must list at least one measure"));
                }
                for (i, m) in b.measures.iter().enumerate() {
                    match (m.kind, m.amount_yuan) {
                        (MeasureType::Fine, None) => {
                            return Err(FieldError::new(format!("measures[{i}].amount_yuan"), "is required for a fine"))
                        }
                        (MeasureType::Fine, Some(y)) if y.fen <= 0 => {
                            return Err(FieldError::new(format!("measures[{i}].amount_yuan"), "must be positive"))
                        }
                        (MeasureType::Fine | MeasureType::Confiscation, _) | (_, None) => {}
                        (k, Some(_)) => {
                            return Err(FieldError::new(format!("measures[{i}].amount_yuan"), format!("a {k} has no amount")))
                        }
                    }
                }
                Ok(())
            }
            Body::BadCreditInfo(b) => nonblank("description", &b.description),
            Body::ActPartiallyRevoked(b) => {
                if b.parts.names().is_empty() {
                    return Err(FieldError::new("parts", "must name at least one part"));
                }
                Ok(())
            }
            Body::GradeIssued(_) => Ok(()),
            Body::RuleSetAdopted(b) => {
                nonblank("id", &b.id)?;
                match b.effective_to {
                    Some(to) if to <= b.effective_from => Err(FieldError::new("effective_to", "must be after effective_from")),
                    _ => Ok(()),
                }
            }
            Body::ObjectionFiled(b) => nonblank("grounds", &b.grounds),
            Body::PlanIssued(b) => {
                if !(crate::date::FIRST_YEAR..=crate::date::LAST_YEAR).contains(&b.year) {
                    return Err(FieldError::new("year", "is not a plausible plan year"));
                }
                check_division(&b.division)?;
                check_sha256("head_hash", &b.head_hash)?;
                nonblank("salt", &b.salt)?;
                nonblank("rules_id", &b.rules_id)?;
                check_sha256("rules_sha256", &b.rules_sha256)?;
                if b.inspectors.as_deref().is_some_and(|f| f.trim().is_empty()) {
                    return Err(FieldError::new("inspectors", "must not be empty when given"));
                }
                if b.draw_version != 1 {
                    return Err(FieldError::new("draw_version", format!("{} is no draw construction this engine knows (1)", b.draw_version)));
                }
                nonblank("engine_version", &b.engine_version)?;
                check_sha256("plan_sha256", &b.plan_sha256)
            }
            _ => Ok(()),
        }
        .and_then(|_| match self.target() {
            Some(t) if t.trim().is_empty() => Err(FieldError::new("target", "must not be empty")),
            _ => Ok(()),
        })
    }
}

impl Fact {
    /// The body's rules ([`Body::validate`]) and those across the common and
    /// the kind-specific fields (CONTRACT.md §2 "Strictness"): a rectification
    /// `deadline` and a report's `filed_on` are not before the valid date.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.body.validate()?;
        match &self.body {
            Body::RectificationOrdered(b) if b.deadline < self.occurred_on => Err(FieldError::new(
                "deadline",
                format!("{} is before the order's own valid date {}", b.deadline, self.occurred_on),
            )),
            Body::SelfInspectionReport(b) if b.filed_on < self.occurred_on => Err(FieldError::new(
                "filed_on",
                format!("{} is before the report's own valid date {}", b.filed_on, self.occurred_on),
            )),
            _ => Ok(()),
        }
    }
}

/// A SHA-256 digest written as 64 lowercase hex digits.
fn check_sha256(field: &str, s: &str) -> Result<(), FieldError> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(FieldError::new(field, format!("{s:?} is not a SHA-256 digest (64 lowercase hex digits)")));
    }
    Ok(())
}

/// A division's jurisdiction code: two digits, e.g. "08" (第八师).
pub fn check_division(d: &str) -> Result<(), FieldError> {
    if d.len() != 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("division", format!("{d:?} is not a two-digit jurisdiction code such as \"08\"")));
    }
    Ok(())
}

/// `XK` + 2-digit category + `-` + 3-digit product + `-` + 5-digit serial,
/// optionally prefixed by an issuing region in brackets (`(新)XK13-014-00001`).
pub fn check_licence_no(s: &str) -> Result<(), FieldError> {
    let core = match s.find("XK") {
        Some(0) => s,
        Some(i) => {
            let prefix = &s[..i];
            let bracketed = [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')]
                .iter()
                .any(|(o, c)| prefix.starts_with(*o) && prefix.ends_with(*c) && prefix.chars().count() > 2);
            if !bracketed {
                return Err(FieldError::new("licence_no", format!("{s:?}: a region prefix must be in brackets")));
            }
            &s[i..]
        }
        None => return Err(FieldError::new("licence_no", format!("{s:?} is not a licence number XKnn-nnn-nnnnn"))),
    };
    let b = core.as_bytes();
    let ok = b.len() == 14
        && &b[..2] == b"XK"
        && b[4] == b'-'
        && b[8] == b'-'
        && [2, 3, 5, 6, 7, 9, 10, 11, 12, 13].iter().all(|&i| b[i].is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(FieldError::new("licence_no", format!("{s:?} is not a licence number XKnn-nnn-nnnnn")))
    }
}

/// The longest enterprise name accepted, in characters. A registered name
/// is far shorter; the bound keeps every name within what reports and
/// spreadsheets hold (an XLSX cell takes at most 32,767 characters).
pub const NAME_MAX_CHARS: usize = 200;

/// An enterprise name: clean text of at most [`NAME_MAX_CHARS`] characters.
fn check_name(name: &str) -> Result<(), FieldError> {
    crate::strict::check_clean_text("name", name)?;
    let n = name.chars().count();
    if n > NAME_MAX_CHARS {
        return Err(FieldError::new("name", format!("is {n} characters long; an enterprise name has at most {NAME_MAX_CHARS}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::fact::*;

    #[test]
    fn issue11_an_enterprise_name_has_at_most_200_characters() {
        let named = |n: usize| Body::EnterpriseChanged(EnterpriseChanged { name: Some("厂".repeat(n)), division: None, scale: None, key_catalogue: None });
        assert!(named(200).validate().is_ok());
        let e = named(201).validate().unwrap_err();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("201 characters long"), "{}", e.message);
    }

    fn plan() -> PlanIssued {
        PlanIssued {
            year: 2026,
            division: "08".into(),
            known_at_seq: 42,
            head_hash: "ab".repeat(32),
            salt: "announced 2026-01-02".into(),
            rules_id: "xpcc-trial".into(),
            rules_sha256: "0".repeat(64),
            inspectors: None,
            draw_version: 1,
            engine_version: "credit-ledger 0.3.0".into(),
            plan_sha256: "f".repeat(64),
        }
    }

    fn field_of(change: impl FnOnce(&mut PlanIssued)) -> Option<String> {
        let mut p = plan();
        change(&mut p);
        Body::PlanIssued(p).validate().err().map(|e| e.field)
    }

    #[test]
    fn issue11_a_plan_record_names_its_bad_field() {
        assert_eq!(field_of(|_| {}), None, "the good plan passes");
        assert_eq!(field_of(|p| p.inspectors = Some("[[inspector]]\nid = \"I-1\"\n".into())), None, "an inspector file may span lines");
        assert_eq!(field_of(|p| p.year = 1948).as_deref(), Some("year"));
        assert_eq!(field_of(|p| p.year = 2201).as_deref(), Some("year"));
        assert_eq!(field_of(|p| p.year = 2200), None);
        assert_eq!(field_of(|p| p.division = "8".into()).as_deref(), Some("division"));
        assert_eq!(field_of(|p| p.head_hash = "ab".repeat(31)).as_deref(), Some("head_hash"));
        assert_eq!(field_of(|p| p.head_hash = "AB".repeat(32)).as_deref(), Some("head_hash"), "lowercase hex only");
        assert_eq!(field_of(|p| p.salt = " ".into()).as_deref(), Some("salt"));
        assert_eq!(field_of(|p| p.salt = "a\nb".into()).as_deref(), Some("salt"));
        assert_eq!(field_of(|p| p.rules_id = String::new()).as_deref(), Some("rules_id"));
        assert_eq!(field_of(|p| p.rules_sha256 = "g".repeat(64)).as_deref(), Some("rules_sha256"));
        assert_eq!(field_of(|p| p.inspectors = Some("\n".into())).as_deref(), Some("inspectors"));
        assert_eq!(field_of(|p| p.draw_version = 2).as_deref(), Some("draw_version"));
        assert_eq!(field_of(|p| p.draw_version = 0).as_deref(), Some("draw_version"));
        assert_eq!(field_of(|p| p.engine_version = String::new()).as_deref(), Some("engine_version"));
        assert_eq!(field_of(|p| p.plan_sha256 = String::new()).as_deref(), Some("plan_sha256"));
    }

    #[test]
    fn issue11_plans_are_ledger_wide_and_no_correction_aims_at_them() {
        assert!(Kind::PlanIssued.is_ledger_wide());
        assert!(Kind::RuleSetAdopted.is_ledger_wide());
        let wide: Vec<Kind> = Kind::ALL.iter().copied().filter(|k| k.is_ledger_wide()).collect();
        assert_eq!(wide, vec![Kind::RuleSetAdopted, Kind::PlanIssued], "every other kind belongs to an enterprise");
        assert_eq!(Kind::ALL.last(), Some(&Kind::PlanIssued), "the last stored variant");
        assert_eq!(Kind::from_name("plan_issued"), Some(Kind::PlanIssued));
        for k in [Kind::ActRevoked, Kind::ActChanged, Kind::RecordCorrected, Kind::CreditRepaired] {
            assert_eq!(k.target_allowed(Kind::PlanIssued), Some(false), "{k} may not aim at a plan");
        }
    }
}
