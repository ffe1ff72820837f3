//! One-line descriptions of facts for the dossier and reviews.

use model::fact::Body;

/// A short, human description of a fact's content.
pub fn summary(body: &Body) -> String {
    match body {
        Body::EnterpriseRegistered(b) => format!("{} · division {} · {}{}", b.name, b.division, b.scale, if b.key_catalogue { " · key catalogue" } else { "" }),
        Body::EnterpriseChanged(b) => {
            let mut parts = Vec::new();
            if let Some(n) = &b.name {
                parts.push(format!("name {n}"));
            }
            if let Some(d) = &b.division {
                parts.push(format!("division {d}"));
            }
            if let Some(s) = b.scale {
                parts.push(format!("scale {s}"));
            }
            if let Some(k) = b.key_catalogue {
                parts.push(format!("key catalogue {k}"));
            }
            parts.join(" · ")
        }
        Body::LicenceGranted(b) => format!("{} {} ({}) {}..{}", b.licence_no, b.product, b.category, b.valid_from, b.valid_to),
        Body::LicenceTerminated(b) => format!("{} {}", b.licence_no, b.mode),
        Body::LicenceVerification(b) => format!("{} {}", b.licence_no, b.result),
        Body::SelfInspectionReport(b) => format!("report for {} filed {}", b.year, b.filed_on),
        Body::SamplingInspection(b) => {
            let items = if b.failed_items.is_empty() { String::new() } else { format!(": {}", b.failed_items.join("、")) };
            format!("{} {}{} {}{}", b.level, b.product, if b.recheck { " re-check" } else { "" }, b.result, items)
        }
        Body::SupervisionInspection(b) => {
            let f: Vec<String> = b.findings.iter().map(|f| format!("{}{}", f.code, if f.serious { " (serious)" } else { "" })).collect();
            format!("{} {}{}", b.inspection, b.outcome, if f.is_empty() { String::new() } else { format!(": {}", f.join(", ")) })
        }
        Body::RectificationOrdered(b) => format!("rectify {} by {}", b.target, b.deadline),
        Body::RectificationCompleted(b) => format!("completed {}", b.target),
        Body::AdministrativePenalty(b) => {
            let m: Vec<String> = b
                .measures
                .iter()
                .map(|m| match m.amount_yuan {
                    Some(a) => format!("{} ¥{a}", m.kind),
                    None => m.kind.to_string(),
                })
                .collect();
            format!("{} procedure: {}", b.procedure, m.join(", "))
        }
        Body::ComplaintVerified(b) => format!("{}{}", b.channel, b.subject.as_ref().map(|s| format!(": {s}")).unwrap_or_default()),
        Body::PublicOpinion(b) => format!("{}{}", b.form, if b.strong_consumer_reaction { " · strong consumer reaction" } else { "" }),
        Body::QualityRiskFinding(b) => format!("{}{}", b.severity, b.description.as_ref().map(|s| format!(": {s}")).unwrap_or_default()),
        Body::ListEntered(b) => format!("entered {}", b.list),
        Body::ListRemoved(b) => format!("removed from the list of {}", b.target),
        Body::BadCreditInfo(b) => format!("{}{}", b.description, b.impact_until.map(|d| format!(" · impact until {d}")).unwrap_or_default()),
        Body::ActRevoked(b) => format!("revokes {}{}", b.target, b.reason.as_ref().map(|s| format!(": {s}")).unwrap_or_default()),
        Body::RevocationWithdrawn(b) => format!("withdraws revocation {}", b.target),
        Body::ActChanged(b) => format!("changes {}: {}", b.target, b.changes.as_json()),
        Body::ActPartiallyRevoked(b) => format!("revokes part of {}: {}", b.target, b.parts.names().join(", ")),
        Body::RecordCorrected(b) => match &b.corrected {
            Some(p) => format!("corrects {} ({}): {}", b.target, b.error, p.as_json()),
            None => format!("voids {} ({})", b.target, b.error),
        },
        Body::CreditRepaired(b) => format!("credit repair of {}", b.target),
        Body::GradeIssued(b) => format!("grade {} ({}) for {} under {}, K = {}", b.grade, b.score, b.year, b.rules_id, b.known_at_seq),
        Body::ObjectionFiled(b) => format!("objection to {}: {}", b.target, b.grounds),
        Body::ObjectionDecided(b) => format!("objection {} {}", b.target, b.outcome),
        Body::RuleSetAdopted(b) => format!(
            "rule set {} adopted, in force {} .. {} (sha256 {}){}",
            b.id,
            b.effective_from,
            b.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "open".into()),
            b.sha256,
            b.replaces.as_ref().map(|r| format!(", replacing {r}")).unwrap_or_default()
        ),
        Body::PlanIssued(b) => format!("supervision plan {} division {}, K = {}, plan sha256 {}", b.year, b.division, b.known_at_seq, b.plan_sha256),
    }
}

#[cfg(test)]
mod tests {
    use model::fact::{Body, PlanIssued};

    #[test]
    fn issue11_a_plan_is_summed_up_by_year_division_cut_and_hash() {
        let body = Body::PlanIssued(PlanIssued {
            year: 2026,
            division: "08".into(),
            known_at_seq: 23,
            head_hash: "b".repeat(64),
            salt: "s".into(),
            rules_id: "xpcc-trial".into(),
            rules_sha256: "a".repeat(64),
            inspectors: None,
            draw_version: 1,
            engine_version: "credit-ledger 0.3.0".into(),
            plan_sha256: "e".repeat(64),
        });
        assert_eq!(super::summary(&body), format!("supervision plan 2026 division 08, K = 23, plan sha256 {}", "e".repeat(64)));
    }
}
