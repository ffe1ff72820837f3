//! The stories behind B, C and D years: each function draws the facts of one
//! cause (see the module doc of `timeline`) and reports whether it fitted in
//! the enterprise's year.

use super::*;

/// Levels of a failed sampling in a B or C story.
const LEVELS_BC: &[(&str, u32)] = &[
    ("national", 15),
    ("provincial", 20),
    ("xpcc", 40),
    ("division", 25),
];
/// Levels of a failed sampling in a D story.
const LEVELS_D: &[(&str, u32)] = &[
    ("national", 20),
    ("provincial", 20),
    ("xpcc", 40),
    ("division", 20),
];

/// A late rectification with probability `p_late`, else one never completed.
fn late_or_never(rng: &mut Rng, p_late: f64) -> Timely {
    if rng.chance(p_late) {
        Timely::Late
    } else {
        Timely::Never
    }
}

impl Gen {
    /// Start of a cause's story and the latest start allowed: an adverse event
    /// whose rectification (`need` days) must finish within the year.
    fn story_start(rng: &mut Rng, span: Span, need: i64) -> Option<(NaiveDate, NaiveDate)> {
        let Span { year, ys, ye } = span;
        let hi = d(year, 9, 30).min(plus(ye, -need));
        if hi >= ys {
            Some((rand_date(rng, ys, hi), hi))
        } else {
            None
        }
    }

    /// A failed sampling at `level` with `extra` failed items beyond the
    /// usual draw, counted in `made`.
    fn failed_sampling(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        level: &'static str,
        extra: usize,
        made: &mut Made,
    ) -> usize {
        let nf = n_items(rng) + extra;
        let s = self.sampling(e, rng, on, level, nf, false, None);
        made.samplings += 1;
        s
    }

    /// A date `lo..=hi` days after fact `i` was recorded.
    fn after_recorded(&self, rng: &mut Rng, i: usize, lo: i64, hi: i64) -> NaiveDate {
        plus(self.facts[i].recorded.date(), rng.range(lo, hi))
    }

    pub(super) fn b_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: BCause,
        span: Span,
        budget: &mut i64,
        made: &mut Made,
    ) -> bool {
        let Span { year, ye, .. } = span;
        let limit = rectify_limit(year, ye);
        let Some((on, _)) = Self::story_start(rng, span, 100) else {
            return false;
        };
        match c {
            BCause::SampFail if *budget >= 10 => {
                let level = *rng.weighted(LEVELS_BC);
                let s = self.failed_sampling(e, rng, on, level, 0, made);
                *budget -= 10;
                if rng.chance(0.45) {
                    let (_, done) = self.rectify(e, rng, s, Timely::OnTime, limit);
                    if let Some(c) = done {
                        if rng.chance(0.75) {
                            self.recheck(e, rng, s, c, ye, false);
                            made.samplings += 1;
                        }
                    }
                }
                true
            }
            BCause::Insp if *budget >= 3 => {
                let serious = *budget >= 8 && rng.chance(0.2);
                let findings = self.draw_findings(rng, serious);
                let kind = *rng.weighted(&[("routine", 5), ("random", 3), ("special", 2)]);
                let i = self.inspection(e, rng, on, kind, "issues_found", &findings);
                made.inspections += 1;
                *budget -= if serious { 8 } else { 3 };
                let nonconf = findings.iter().any(|(c, _)| c.starts_with("nonconforming"));
                if nonconf || rng.chance(0.2) {
                    self.rectify(e, rng, i, Timely::OnTime, limit);
                }
                true
            }
            BCause::Notice if *budget >= 3 => {
                let p = self.opinion(e, rng, on, "regulator_notice", false);
                *budget -= 3;
                if rng.chance(0.2) {
                    self.rectify(e, rng, p, Timely::OnTime, limit);
                }
                true
            }
            BCause::Media if *budget >= 5 => {
                let strong = *budget >= 8 && rng.chance(0.25);
                let p = self.opinion(e, rng, on, "media_exposure", strong);
                *budget -= if strong { 8 } else { 5 };
                if rng.chance(0.15) {
                    self.rectify(e, rng, p, Timely::OnTime, limit);
                }
                true
            }
            BCause::VerifFail if *budget >= 10 && e.licensed => {
                let Some(no) = e.licence_nos_on(on).into_iter().next() else {
                    return false;
                };
                let v = self.verification(e, rng, on, &no, true);
                *budget -= 10;
                let (_, done) = self.rectify(e, rng, v, Timely::OnTime, limit);
                if let Some(c) = done {
                    if rng.chance(0.5) {
                        let on2 = plus(self.facts[c].occurred, rng.range(5, 30));
                        if on2 <= ye {
                            self.verification(e, rng, on2, &no, false);
                        }
                    }
                }
                true
            }
            BCause::BadCredit => {
                let until = rng
                    .chance(0.6)
                    .then(|| rand_date(rng, d(year + 1, 1, 15), d(year + 3, 12, 31)));
                self.bad_credit(e, rng, on, until);
                true
            }
            BCause::Finding if *budget >= 5 => {
                let serious = *budget >= 10 && rng.chance(0.3);
                let f = self.finding(e, rng, on, if serious { "serious" } else { "general" });
                *budget -= if serious { 10 } else { 5 };
                if rng.chance(0.3) {
                    self.rectify(e, rng, f, Timely::OnTime, limit);
                }
                true
            }
            _ => false,
        }
    }

    pub(super) fn c_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: CCause,
        span: Span,
        made: &mut Made,
    ) -> bool {
        let Span { year, ye, .. } = span;
        let limit = rectify_limit(year, ye);
        let Some((on, hi)) = Self::story_start(rng, span, 100) else {
            return false;
        };
        let level = *rng.weighted(LEVELS_BC);
        match c {
            CCause::PenaltyMild => {
                let mut on_p = on;
                if rng.chance(0.5) {
                    let s = self.failed_sampling(e, rng, on, level, 0, made);
                    on_p = self.after_recorded(rng, s, 15, 45);
                }
                // A mild ordinary-procedure penalty is publicized for 3 months
                // only (and is no basis after that), so it is dated in the last
                // quarter; simple-procedure ones count all year.
                let late_lo = d(year, 10, 2).max(on_p);
                let late_hi = limit;
                let r = rng.below(10);
                let (proc_, measures) = if r < 4 || late_lo > late_hi {
                    if rng.chance(0.6) {
                        ("simple", vec![("warning", None)])
                    } else {
                        ("simple", vec![("fine", Some(rng.range(2, 30) * 100))])
                    }
                } else {
                    on_p = rand_date(rng, late_lo, late_hi);
                    if r < 5 {
                        ("ordinary", vec![("public_criticism", None)])
                    } else if r < 6 {
                        (
                            "ordinary",
                            vec![("warning", None), ("fine", Some(rng.range(2, 9) * 1000))],
                        )
                    } else {
                        ("ordinary", vec![("fine", Some(rng.range(5, 80) * 1000))])
                    }
                };
                let p = self.penalty(e, rng, on_p, proc_, &measures, catalogue::MILD_CAUSES);
                if rng.chance(0.3) {
                    self.rectify(e, rng, p, Timely::OnTime, limit);
                }
                true
            }
            CCause::Overdue => {
                let timely = late_or_never(rng, 0.6);
                if rng.chance(0.65) {
                    let s = self.failed_sampling(e, rng, on, level, 0, made);
                    self.rectify(e, rng, s, timely, limit);
                } else {
                    let mut findings = self.draw_findings(rng, false);
                    if !findings.iter().any(|(c, _)| c.starts_with("nonconforming")) {
                        findings[0].0 = "nonconforming_conditions";
                    }
                    findings.dedup_by_key(|f| f.0);
                    let i = self.inspection(e, rng, on, "routine", "issues_found", &findings);
                    made.inspections += 1;
                    // Completed late but before year end, so A2/B2 still hold
                    // on 31 December and only the overdue raise applies.
                    self.rectify(e, rng, i, Timely::Late, d(year, 10, 31).min(limit));
                }
                true
            }
            CCause::Abnormal | CCause::Defaulter | CCause::Blacklist => {
                let list = match c {
                    CCause::Abnormal => "abnormal_operations",
                    CCause::Defaulter => "judgment_defaulter",
                    _ => "other_blacklist",
                };
                let p_removed = if c == CCause::Abnormal { 0.8 } else { 0.6 };
                let removal = rng.chance(p_removed).then(|| rng.range(20, 240));
                self.list(e, rng, on, list, removal, year);
                true
            }
            CCause::RefusedOnce if self.refused_once < 2 => {
                self.refused_once += 1;
                self.inspection(e, rng, on, "special", "refused", &[]);
                made.inspections += 1;
                true
            }
            CCause::LowScore => {
                for k in 0..2 {
                    let on_k = if k == 0 {
                        on
                    } else {
                        rand_date(rng, on, plus(on, 60))
                    };
                    let s = self.failed_sampling(e, rng, on_k, level, 0, made);
                    if rng.chance(0.3) {
                        self.rectify(e, rng, s, Timely::OnTime, limit);
                    }
                }
                let findings = vec![("other", false)];
                let on_i = rand_date(rng, on, hi.max(on));
                self.inspection(e, rng, on_i, "routine", "issues_found", &findings);
                made.inspections += 1;
                true
            }
            CCause::Suspend => {
                let s = self.failed_sampling(e, rng, on, level, 0, made);
                let on_p = self.after_recorded(rng, s, 10, 40);
                let measures = vec![
                    ("suspend_production", None),
                    ("fine", Some(rng.range(3, 15) * 10000)),
                ];
                self.penalty(
                    e,
                    rng,
                    on_p,
                    "ordinary",
                    &measures,
                    catalogue::SERIOUS_CAUSES,
                );
                true
            }
            CCause::BigFine => {
                let mut measures = vec![("fine", Some(rng.range(10, 30) * 10000))];
                if rng.chance(0.6) {
                    measures.push(("confiscation", None));
                }
                if rng.chance(0.35) {
                    measures.insert(0, ("public_criticism", None));
                }
                self.penalty(e, rng, on, "ordinary", &measures, catalogue::SERIOUS_CAUSES);
                true
            }
            _ => false,
        }
    }

    pub(super) fn d_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: DCause,
        span: Span,
        made: &mut Made,
    ) -> bool {
        let Span { year, ye, .. } = span;
        let limit = rectify_limit(year, ye);
        let Some((on, _)) = Self::story_start(rng, span, 150) else {
            return false;
        };
        let level = *rng.weighted(LEVELS_D);
        match c {
            DCause::SerViol => {
                let mut fine = vec![
                    ("fine", Some(rng.range(10, 50) * 10000)),
                    ("confiscation", None),
                ];
                if rng.chance(0.35) {
                    fine.insert(0, ("public_criticism", None));
                }
                let p = self.penalty(e, rng, on, "ordinary", &fine, catalogue::SERIOUS_CAUSES);
                if rng.chance(0.6) {
                    let t = late_or_never(rng, 0.5);
                    self.rectify(e, rng, p, t, limit);
                }
                let on_l = self.after_recorded(rng, p, 10, 40);
                let removal = rng.chance(0.7).then(|| rng.range(365, 700));
                self.list(e, rng, on_l, "serious_violation", removal, year);
                true
            }
            DCause::RevokedPenalty if e.licensed => {
                let s = self.failed_sampling(e, rng, on, level, 1, made);
                let on_p = self.after_recorded(rng, s, 30, 80);
                let held = e.licence_nos_on(on_p);
                if held.is_empty() {
                    return false;
                }
                let measures = vec![
                    ("fine", Some(rng.range(10, 40) * 10000)),
                    ("confiscation", None),
                    ("licence_revoked", None),
                ];
                let p = self.penalty_xpcc(e, rng, on_p, &measures);
                self.facts[p].note =
                    Some("责令停止生产，没收违法所得，并处罚款，吊销生产许可证".into());
                let on_t = plus(on_p, rng.range(0, 3));
                let how = (
                    "兵市监许吊",
                    "revoked_penalty",
                    "依据行政处罚决定吊销生产许可证",
                );
                let ended = e.licence_nos_ended(on_p, on_t);
                let none = BTreeMap::new();
                self.terminate_licences(e, rng, on_t, ended, how, 10, Some(p), &none);
                if rng.chance(0.5) {
                    self.rectify(e, rng, s, Timely::Never, limit);
                }
                e.active_end = on_t;
                e.termination = None;
                true
            }
            DCause::Fraud if e.licensed => {
                let held = e.licence_nos_on(on);
                let Some(first) = held.first().cloned() else {
                    return false;
                };
                let v = self.verification(e, rng, on, &first, true);
                self.facts[v].note = Some("核查发现企业申请材料中检验报告系伪造".into());
                let on_t = self.after_recorded(rng, v, 20, 60);
                let how = (
                    "兵市监许撤销",
                    "withdrawn_fraud",
                    "以欺骗手段取得生产许可证，依法撤销",
                );
                let ended = e.licence_nos_ended(on, on_t);
                let none = BTreeMap::new();
                self.terminate_licences(e, rng, on_t, ended, how, 10, Some(v), &none);
                let measures = vec![("fine", Some(rng.range(1, 3) * 10000))];
                self.penalty(
                    e,
                    rng,
                    on_t,
                    "ordinary",
                    &measures,
                    &["以欺骗、贿赂等不正当手段取得生产许可证"],
                );
                e.active_end = on_t;
                e.termination = None;
                true
            }
            DCause::FailedRecheck => {
                let s = self.failed_sampling(e, rng, on, level, 0, made);
                let (_, done) = self.rectify(e, rng, s, Timely::OnTime, limit);
                let Some(c) = done else { return false };
                let r = self.recheck(e, rng, s, c, ye, true);
                made.samplings += 1;
                if let Some(r) = r {
                    if rng.chance(0.5) {
                        let t = late_or_never(rng, 0.5);
                        self.rectify(e, rng, r, t, limit);
                    }
                    if rng.chance(0.5) {
                        let on_p = self.after_recorded(rng, r, 10, 30);
                        if on_p <= ye {
                            let measures = vec![("fine", Some(rng.range(5, 40) * 5000))];
                            self.penalty(
                                e,
                                rng,
                                on_p,
                                "ordinary",
                                &measures,
                                catalogue::MILD_CAUSES,
                            );
                        }
                    }
                    true
                } else {
                    false
                }
            }
            DCause::RefusedTwice => {
                let a = self.inspection(e, rng, on, "special", "refused", &[]);
                let on2 = self.after_recorded(rng, a, 10, 40);
                let b = self.inspection(e, rng, on2.min(ye), "special", "refused", &[]);
                self.facts[b].note = Some("第二次拒绝接受监督检查，已移交执法部门".into());
                made.inspections += 2;
                let on_p = self.after_recorded(rng, b, 5, 20);
                if on_p <= ye {
                    let amount = rng.range(2, 9) * 10000;
                    self.penalty(
                        e,
                        rng,
                        on_p,
                        "ordinary",
                        &[("fine", Some(amount))],
                        &["拒绝、阻碍依法进行的监督检查"],
                    );
                }
                true
            }
            DCause::MajorAccident => {
                let f = self.finding(e, rng, on, "major_accident");
                self.facts[f].fields.retain(|(k, _)| *k != "description");
                self.facts[f].fields.push((
                    "description",
                    crate::fact::Field::V(J::s(
                        "产品质量缺陷引发重大质量安全事故，造成人员受伤和重大财产损失",
                    )),
                ));
                self.rectify(e, rng, f, Timely::Late, limit);
                let on_m = plus(on, rng.range(0, 2));
                self.opinion(e, rng, on_m, "media_exposure", true);
                let on_p = self.after_recorded(rng, f, 20, 60);
                let measures = vec![
                    ("suspend_production", None),
                    ("fine", Some(rng.range(20, 60) * 10000)),
                    ("confiscation", None),
                ];
                self.penalty(
                    e,
                    rng,
                    on_p,
                    "ordinary",
                    &measures,
                    catalogue::SERIOUS_CAUSES,
                );
                true
            }
            DCause::Criminal => {
                let s = self.failed_sampling(e, rng, on, level, 1, made);
                let on_p = self.after_recorded(rng, s, 20, 60);
                let measures = vec![
                    ("confiscation", None),
                    ("fine", Some(rng.range(15, 50) * 10000)),
                    ("criminal_referral", None),
                ];
                self.rectify(e, rng, s, Timely::Never, limit);
                let p = self.penalty(
                    e,
                    rng,
                    on_p,
                    "ordinary",
                    &measures,
                    &["在产品中掺杂、掺假，以不合格产品冒充合格产品，货值金额较大"],
                );
                self.facts[p].note = Some("涉嫌生产、销售伪劣产品罪，移送公安机关".into());
                true
            }
            _ => false,
        }
    }
}
