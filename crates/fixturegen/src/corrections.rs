//! Art. 10 corrections, recorded months after their targets: revocations
//! (one of them later withdrawn by a court), changes, partial revocations,
//! record corrections (misjudgment, error, clerical) and credit repairs.
//! Every correction aims at a distinct fact of the same enterprise that is
//! recorded earlier, and every named part exists in its target.

use crate::fact::{Fact, RefSpec, J};
use crate::rng::Rng;
use crate::timeline::{first_day, last_day, plus, Gen};
use chrono::Datelike;
use std::collections::BTreeSet;

fn s(j: Option<&J>) -> &str {
    match j {
        Some(J::S(x)) => x,
        _ => "",
    }
}
fn list_len(j: Option<&J>) -> usize {
    match j {
        Some(J::A(xs)) => xs.len(),
        _ => 0,
    }
}
/// A copy of list field `key` of `f` (which the picking predicate ensured).
fn list_of(f: &Fact, key: &str) -> Vec<J> {
    match f.get(key) {
        Some(J::A(xs)) => xs.clone(),
        _ => unreachable!(),
    }
}
/// The string member `key` of every object in `xs` (`""` where missing).
fn members(xs: &[J], key: &str) -> Vec<String> {
    xs.iter()
        .filter_map(|x| {
            if let J::O(kv) = x {
                Some(s(kv.iter().find(|(k, _)| *k == key).map(|(_, v)| v)).to_string())
            } else {
                None
            }
        })
        .collect()
}

struct Picker<'a> {
    g: &'a mut Gen,
    rng: &'a mut Rng,
    used: BTreeSet<usize>,
}

impl Picker<'_> {
    /// Up to `n` distinct untouched facts satisfying `pred`, with room for a
    /// correction at least `min_gap` days after they were recorded.
    fn pick(&mut self, n: usize, min_gap: i64, pred: impl Fn(&Fact) -> bool) -> Vec<usize> {
        let mut c: Vec<usize> = (0..self.g.facts.len())
            .filter(|i| !self.used.contains(i))
            .filter(|&i| {
                pred(&self.g.facts[i])
                    && plus(self.g.facts[i].recorded.date(), min_gap + 20) <= last_day()
            })
            .collect();
        self.rng.shuffle(&mut c);
        c.truncate(n);
        c.sort();
        for i in &c {
            self.used.insert(*i);
        }
        c
    }

    /// Builds and pushes a correction of `target`, dated `gap` days (drawn
    /// from `lo..=hi`) after the target was recorded.
    #[allow(clippy::too_many_arguments)]
    fn correct(
        &mut self,
        kind: &'static str,
        target: usize,
        reference: RefSpec,
        lo: i64,
        hi: i64,
        fields: Vec<(&'static str, J)>,
        source: &'static str,
        note: Option<&str>,
    ) -> usize {
        let t = &self.g.facts[target];
        let on = plus(t.recorded.date(), self.rng.range(lo, hi)).min(last_day());
        let reference = match reference {
            RefSpec::Doc { prefix, width, .. } => RefSpec::Doc {
                prefix,
                year: on.year(),
                width,
            },
            RefSpec::Court { court, .. } => RefSpec::Court {
                court,
                year: on.year(),
            },
            r => r,
        };
        let rec = self.g.rec(self.rng, on, 1, 10, Some(target));
        let mut f = Fact::new(kind, reference, &t.enterprise.clone(), on, rec).target(target);
        for (k, v) in fields {
            f = f.f(k, v);
        }
        f = f.src(source);
        if let Some(n) = note {
            f = f.note(n);
        }
        self.g.facts.push(f);
        self.g.facts.len() - 1
    }

    /// An `act_partially_revoked` of `part` of `target`, in document series `series`.
    fn partially_revoke(
        &mut self,
        target: usize,
        series: &'static str,
        part: J,
        source: &'static str,
        note: &str,
    ) {
        self.correct(
            "act_partially_revoked",
            target,
            doc(series),
            30,
            200,
            vec![("parts", J::A(vec![part]))],
            source,
            Some(note),
        );
    }

    /// A `credit_repaired` of `target`, `lo..=240` days after it was recorded.
    fn credit_repaired(&mut self, target: usize, lo: i64, note: &str) {
        self.correct(
            "credit_repaired",
            target,
            doc("兵信修"),
            lo,
            240,
            vec![],
            "publicity_system",
            Some(note),
        );
    }

    /// A `record_corrected` of `target` with `fields`.
    fn record_corrected(&mut self, target: usize, fields: Vec<(&'static str, J)>, note: &str) {
        self.correct(
            "record_corrected",
            target,
            doc("师市监更正"),
            30,
            200,
            fields,
            "manual",
            Some(note),
        );
    }
}

fn doc(prefix: &'static str) -> RefSpec {
    RefSpec::Doc {
        prefix,
        year: 0,
        width: 0,
    }
}

/// Adds the corrections; returns how many were added.
///
/// Facts of the enterprises in `spared` are never corrected (they carry the
/// C and D stories of the calibrated year, whose mix should not drift).
pub fn add(g: &mut Gen, rng: &mut Rng, spared: &BTreeSet<String>) -> usize {
    let before = g.facts.len();
    let used: BTreeSet<usize> = (0..g.facts.len())
        .filter(|&i| spared.contains(&g.facts[i].enterprise))
        .collect();
    let mut p = Picker { g, rng, used };
    let is = |k: &'static str| move |f: &Fact| f.kind == k;
    let failed_sampling =
        |f: &Fact| f.kind == "sampling_inspection" && s(f.get("result")) == "fail";
    let ordinary_penalty =
        |f: &Fact| f.kind == "administrative_penalty" && s(f.get("procedure")) == "ordinary";

    // act_revoked: penalties (the first later restored by a court), samplings.
    let revoked_penalties = p.pick(3, 200, ordinary_penalty);
    for (k, t) in revoked_penalties.into_iter().enumerate() {
        let r = p.correct(
            "act_revoked",
            t,
            doc("兵市监复决"),
            40,
            200,
            vec![(
                "reason",
                J::s("经行政复议，原处罚决定认定事实不清、证据不足，予以撤销"),
            )],
            "manual",
            None,
        );
        if k == 0 {
            p.used.insert(r);
            p.correct(
                "revocation_withdrawn",
                r,
                RefSpec::Court {
                    court: "兵08行终",
                    year: 0,
                },
                60,
                150,
                vec![],
                "court",
                Some("二审判决撤销行政复议决定，原行政处罚决定恢复效力"),
            );
        }
    }
    for t in p.pick(2, 60, failed_sampling) {
        p.correct(
            "act_revoked",
            t,
            doc("兵市监撤"),
            30,
            240,
            vec![("reason", J::s("抽样程序违反规定，检验结论不予采信"))],
            "xpcc_notice",
            None,
        );
    }

    // act_changed: a fine amount; a sampling result fail → pass.
    let with_fine = |f: &Fact| {
        f.kind == "administrative_penalty"
            && matches!(f.get("measures"), Some(J::A(ms)) if ms.iter().any(|m| matches!(m, J::O(kv) if kv.iter().any(|(k, _)| *k == "amount_yuan"))))
    };
    for t in p.pick(2, 60, with_fine) {
        let ms = list_of(&p.g.facts[t], "measures");
        let changed: Vec<J> = ms
            .into_iter()
            .map(|m| match m {
                J::O(kv) => J::O(
                    kv.into_iter()
                        .map(|(k, v)| match (k, v) {
                            ("amount_yuan", J::I(a)) => (k, J::I((a / 2 / 1000).max(1) * 1000)),
                            other => other,
                        })
                        .collect(),
                ),
                other => other,
            })
            .collect();
        p.correct(
            "act_changed",
            t,
            doc("师市监变更"),
            30,
            200,
            vec![("changes", J::O(vec![("measures", J::A(changed))]))],
            "manual",
            Some("经听证复核，罚款数额变更"),
        );
    }
    for t in p.pick(2, 60, failed_sampling) {
        p.correct(
            "act_changed",
            t,
            doc("兵市监检变"),
            30,
            180,
            vec![(
                "changes",
                J::O(vec![
                    ("result", J::s("pass")),
                    ("failed_items", J::A(vec![])),
                ]),
            )],
            "xpcc_notice",
            Some("企业异议复检合格，检验结论变更为合格"),
        );
    }

    // act_partially_revoked: a measure type, a failed item, a finding code.
    let multi_measure =
        |f: &Fact| f.kind == "administrative_penalty" && list_len(f.get("measures")) >= 2;
    for t in p.pick(2, 60, multi_measure) {
        let types = members(&list_of(&p.g.facts[t], "measures"), "type");
        let part = p.rng.pick(&types).clone();
        p.partially_revoke(
            t,
            "师市监部撤",
            J::s(part),
            "manual",
            "经行政复议，部分撤销处罚决定",
        );
    }
    let multi_item = |f: &Fact| failed_sampling(f) && list_len(f.get("failed_items")) >= 2;
    for t in p.pick(2, 60, multi_item) {
        let items = list_of(&p.g.facts[t], "failed_items");
        let part = p.rng.pick(&items).clone();
        p.partially_revoke(
            t,
            "兵市监检部撤",
            part,
            "xpcc_notice",
            "该项目检验方法适用错误，检验结论部分撤销",
        );
    }
    let multi_finding =
        |f: &Fact| f.kind == "supervision_inspection" && list_len(f.get("findings")) >= 2;
    for t in p.pick(2, 60, multi_finding) {
        let codes = members(&list_of(&p.g.facts[t], "findings"), "code");
        let part = p.rng.pick(&codes).clone();
        p.partially_revoke(
            t,
            "八师市监检部撤",
            J::s(part),
            "daily_supervision",
            "复核认定该项检查发现不成立",
        );
    }

    // record_corrected: misjudgment (void), error, clerical (date and field).
    let misjudged = |f: &Fact| {
        failed_sampling(f)
            || (f.kind == "supervision_inspection" && s(f.get("outcome")) == "issues_found")
            || f.kind == "public_opinion"
    };
    for t in p.pick(2, 60, misjudged) {
        p.record_corrected(
            t,
            vec![("error", J::s("misjudgment"))],
            "经核查属误判，原记录作废",
        );
    }
    let serious_finding =
        |f: &Fact| f.kind == "quality_risk_finding" && s(f.get("severity")) == "serious";
    for t in p.pick(1, 60, serious_finding) {
        p.record_corrected(
            t,
            vec![
                ("error", J::s("error")),
                ("corrected", J::O(vec![("severity", J::s("general"))])),
            ],
            "风险等级认定错误，更正为一般风险",
        );
    }
    let dated = |f: &Fact| {
        (f.kind == "administrative_penalty" || f.kind == "supervision_inspection")
            && plus(f.occurred, -10) >= first_day()
    };
    for t in p.pick(2, 60, dated) {
        let new_on = plus(p.g.facts[t].occurred, -p.rng.range(1, 10));
        p.record_corrected(
            t,
            vec![
                ("error", J::s("clerical")),
                ("corrected", J::O(vec![("occurred_on", J::date(new_on))])),
            ],
            "文书日期笔误更正",
        );
    }
    let with_batch = |f: &Fact| f.kind == "sampling_inspection" && f.get("batch").is_some();
    for t in p.pick(1, 60, with_batch) {
        let b = format!("{}-1", s(p.g.facts[t].get("batch")));
        p.record_corrected(
            t,
            vec![
                ("error", J::s("clerical")),
                ("corrected", J::O(vec![("batch", J::s(b))])),
            ],
            "批号录入笔误更正",
        );
    }

    // credit_repaired: penalties, list entries, bad credit information.
    for t in p.pick(3, 120, ordinary_penalty) {
        p.credit_repaired(t, 100, "企业履行处罚决定并作出信用承诺，完成信用修复");
    }
    let listed = |f: &Fact| {
        f.kind == "list_entered"
            && matches!(
                s(f.get("list")),
                "abnormal_operations" | "serious_violation"
            )
    };
    for t in p.pick(2, 90, listed) {
        p.credit_repaired(t, 60, "信用修复申请经审核通过");
    }
    for t in p.pick(2, 60, is("bad_credit_info")) {
        p.credit_repaired(t, 30, "信用修复申请经审核通过");
    }
    p.g.facts.len() - before
}
