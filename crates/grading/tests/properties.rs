//! Properties of the grading projection over random enterprise histories.

use grading::{grade, Status};
use model::record::GENESIS_HASH;
use model::{ChinaDate, Record, Seq, Timestamp};
use proptest::prelude::*;

const E: &str = "91660800000007919G";

fn shipped() -> rules::RuleBook {
    rules::shipped().unwrap()
}

/// One adverse fact at day offset `d` (from 2024-01-01) of kind `k`.
fn adverse_line(i: usize, k: u8, d: i64) -> String {
    let on = ChinaDate::from_ymd(2024, 1, 1).unwrap().add_days(d);
    let head = format!(r#""ref":"F-{i}","enterprise":"{E}","occurred_on":"{on}""#);
    match k % 8 {
        0 => format!(r#"{{"kind":"sampling_inspection",{head},"level":"xpcc","product":"水泥","result":"fail","failed_items":["三氧化硫"]}}"#),
        1 => format!(r#"{{"kind":"administrative_penalty",{head},"procedure":"ordinary","measures":[{{"type":"fine","amount_yuan":{}}}]}}"#, 20000 + 30000 * (d % 5)),
        2 => format!(r#"{{"kind":"supervision_inspection",{head},"inspection":"routine","outcome":"issues_found","findings":[{{"code":"other","serious":{}}}]}}"#, d % 2 == 0),
        3 => format!(r#"{{"kind":"public_opinion",{head},"form":"media_exposure"}}"#),
        4 => format!(r#"{{"kind":"complaint_verified",{head},"channel":"complaint"}}"#),
        5 => format!(r#"{{"kind":"list_entered",{head},"list":"abnormal_operations"}}"#),
        6 => format!(r#"{{"kind":"quality_risk_finding",{head},"severity":"general"}}"#),
        _ => format!(r#"{{"kind":"supervision_inspection",{head},"inspection":"random","outcome":"refused","findings":[]}}"#),
    }
}

fn records(lines: &[String]) -> Vec<Record> {
    let mut prev = GENESIS_HASH;
    let mut kinds = std::collections::HashMap::new();
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let fact = model::parse_line_with(l, &|t| kinds.get(t).copied()).unwrap().fact;
            kinds.insert(fact.reference.clone(), fact.kind());
            let r = Record::seal(Seq(i as u64 + 1), Timestamp(0), fact, prev).unwrap();
            prev = r.hash;
            r
        })
        .collect()
}

fn base() -> Vec<String> {
    vec![
        format!(r#"{{"kind":"enterprise_registered","ref":"REG","enterprise":"{E}","occurred_on":"2020-01-01","name":"甲","division":"08","scale":"small"}}"#),
        format!(r#"{{"kind":"licence_granted","ref":"LIC","enterprise":"{E}","occurred_on":"2020-01-01","licence_no":"XK13-014-00001","product":"水泥","category":"水泥","valid_from":"2020-01-01","valid_to":"2030-01-01"}}"#),
        format!(r#"{{"kind":"self_inspection_report","ref":"SIR","enterprise":"{E}","occurred_on":"2025-03-01","year":2024,"filed_on":"2025-03-01"}}"#),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn invariants_hold(facts in prop::collection::vec((any::<u8>(), 0i64..730), 0..25), v_off in 0i64..800, revoke in any::<prop::sample::Index>()) {
        let book = shipped();
        let v = ChinaDate::from_ymd(2024, 6, 1).unwrap().add_days(v_off);
        let rules = book.in_force(v).unwrap();
        let mut lines = base();
        lines.extend(facts.iter().enumerate().map(|(i, (k, d))| adverse_line(i, *k, *d)));
        let recs = records(&lines);
        let head = Seq(recs.len() as u64);
        let r = grade(E, &recs, v, head, rules);

        // Deterministic, one event per known record, score within bounds.
        prop_assert_eq!(&r, &grade(E, &recs, v, head, rules));
        prop_assert_eq!(r.events.len(), recs.len());
        let score = r.score.unwrap();
        prop_assert!(score >= rules.floor_score && score <= rules.base_score);
        if score < rules.grades.d_below_score {
            prop_assert_eq!(r.grade, Some(model::fact::Grade::D));
        }
        // Every counted fact is an item or evidence; every item's fact is counted.
        for ev in &r.events {
            let cited = r.dimensions.iter().any(|d| d.items.iter().any(|i| i.reference.as_deref() == Some(&ev.reference)))
                || r.conditions.iter().any(|c| c.evidence.contains(&ev.reference))
                || r.triggers.iter().any(|t| t.evidence.contains(&ev.reference));
            prop_assert_eq!(ev.status == Status::Counted, cited, "{}", ev.reference);
        }
        // A knowledge cut before the last fact sees one event less.
        if recs.len() > 1 {
            let earlier = grade(E, &recs, v, Seq(head.0 - 1), rules);
            prop_assert_eq!(earlier.events.len(), recs.len() - 1);
        }
        // Revoking any one adverse fact never lowers the score.
        if !facts.is_empty() {
            let t = revoke.index(facts.len());
            let mut more = lines.clone();
            more.push(format!(r#"{{"kind":"act_revoked","ref":"REV","enterprise":"{E}","occurred_on":"2026-06-01","target":"F-{t}"}}"#));
            let after = grade(E, &records(&more), v, Seq(head.0 + 1), rules);
            prop_assert!(after.score.unwrap() >= score);
            let ev = after.events.iter().find(|e| e.reference == format!("F-{t}")).unwrap();
            prop_assert_eq!((ev.status, ev.reason, ev.by.as_deref()), (Status::Excluded, Some("revoked"), Some("REV")));
        }
    }
}
