//! The stories behind B, C and D years: each function draws the facts of one
//! cause (see the module doc of `timeline`) and reports whether it fitted in
//! the enterprise's year.

use super::*;

impl Gen {
    /// Latest date for an adverse event whose rectification must finish
    /// within the year.
    pub(super) fn early_window(
        ys: NaiveDate,
        ye: NaiveDate,
        year: i32,
        need: i64,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let hi = d(year, 9, 30).min(plus(ye, -need));
        if hi >= ys {
            Some((ys, hi))
        } else {
            None
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn b_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: BCause,
        year: i32,
        ys: NaiveDate,
        ye: NaiveDate,
        budget: &mut i64,
        ns: &mut i64,
        ni: &mut i64,
    ) -> bool {
        let limit = d(year, 12, 20).min(ye);
        let Some((lo, hi)) = Self::early_window(ys, ye, year, 100) else {
            return false;
        };
        let on = rand_date(rng, lo, hi);
        match c {
            BCause::SampFail if *budget >= 10 => {
                let level = *rng.weighted(&[
                    ("national", 15),
                    ("provincial", 20),
                    ("xpcc", 40),
                    ("division", 25),
                ]);
                let nf = n_items(rng);
                let s = self.sampling(e, rng, on, level, nf, false, None);
                *ns += 1;
                *budget -= 10;
                if rng.chance(0.45) {
                    let (_, done) = self.rectify(e, rng, s, Timely::OnTime, limit);
                    if let Some(c) = done {
                        if rng.chance(0.75) {
                            self.recheck(e, rng, s, c, ye, false);
                            *ns += 1;
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
                *ni += 1;
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
                let held = e.held_on(on);
                let Some((_, t)) = held.first() else {
                    return false;
                };
                let no = t.licence_no.clone();
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
                let until = if rng.chance(0.6) {
                    Some(rand_date(rng, d(year + 1, 1, 15), d(year + 3, 12, 31)))
                } else {
                    None
                };
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn c_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: CCause,
        year: i32,
        ys: NaiveDate,
        ye: NaiveDate,
        ns: &mut i64,
        ni: &mut i64,
    ) -> bool {
        let limit = d(year, 12, 20).min(ye);
        let Some((lo, hi)) = Self::early_window(ys, ye, year, 100) else {
            return false;
        };
        let on = rand_date(rng, lo, hi);
        let level = *rng.weighted(&[
            ("national", 15),
            ("provincial", 20),
            ("xpcc", 40),
            ("division", 25),
        ]);
        match c {
            CCause::PenaltyMild => {
                let mut on_p = on;
                if rng.chance(0.5) {
                    let nf = n_items(rng);
                    let s = self.sampling(e, rng, on, level, nf, false, None);
                    *ns += 1;
                    on_p = plus(self.facts[s].recorded.date(), rng.range(15, 45));
                }
                // A mild ordinary-procedure penalty is publicized for 3 months
                // only (and is no basis after that), so it is dated in the last
                // quarter; simple-procedure ones count all year.
                let late_lo = d(year, 10, 2).max(on_p);
                let late_hi = d(year, 12, 20).min(ye);
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
                let timely = if rng.chance(0.6) {
                    Timely::Late
                } else {
                    Timely::Never
                };
                if rng.chance(0.65) {
                    let nf = n_items(rng);
                    let s = self.sampling(e, rng, on, level, nf, false, None);
                    *ns += 1;
                    self.rectify(e, rng, s, timely, limit);
                } else {
                    let mut findings = self.draw_findings(rng, false);
                    if !findings.iter().any(|(c, _)| c.starts_with("nonconforming")) {
                        findings[0].0 = "nonconforming_conditions";
                    }
                    findings.dedup_by_key(|f| f.0);
                    let i = self.inspection(e, rng, on, "routine", "issues_found", &findings);
                    *ni += 1;
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
                let removal = if rng.chance(p_removed) {
                    Some(rng.range(20, 240))
                } else {
                    None
                };
                self.list(e, rng, on, list, removal, year);
                true
            }
            CCause::RefusedOnce if self.refused_once < 2 => {
                self.refused_once += 1;
                self.inspection(e, rng, on, "special", "refused", &[]);
                *ni += 1;
                true
            }
            CCause::LowScore => {
                for k in 0..2 {
                    let on_k = if k == 0 {
                        on
                    } else {
                        rand_date(rng, on, plus(on, 60))
                    };
                    let nf = n_items(rng);
                    let s = self.sampling(e, rng, on_k, level, nf, false, None);
                    *ns += 1;
                    if rng.chance(0.3) {
                        self.rectify(e, rng, s, Timely::OnTime, limit);
                    }
                }
                let findings = vec![("other", false)];
                let on_i = rand_date(rng, on, hi.max(on));
                self.inspection(e, rng, on_i, "routine", "issues_found", &findings);
                *ni += 1;
                true
            }
            CCause::Suspend => {
                let nf = n_items(rng);
                let s = self.sampling(e, rng, on, level, nf, false, None);
                *ns += 1;
                let on_p = plus(self.facts[s].recorded.date(), rng.range(10, 40));
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn d_cause(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        c: DCause,
        year: i32,
        ys: NaiveDate,
        ye: NaiveDate,
        ns: &mut i64,
        ni: &mut i64,
    ) -> bool {
        let limit = d(year, 12, 20).min(ye);
        let Some((lo, hi)) = Self::early_window(ys, ye, year, 150) else {
            return false;
        };
        let on = rand_date(rng, lo, hi);
        let level = *rng.weighted(&[
            ("national", 20),
            ("provincial", 20),
            ("xpcc", 40),
            ("division", 20),
        ]);
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
                    let t = if rng.chance(0.5) {
                        Timely::Late
                    } else {
                        Timely::Never
                    };
                    self.rectify(e, rng, p, t, limit);
                }
                let on_l = plus(self.facts[p].recorded.date(), rng.range(10, 40));
                let removal = if rng.chance(0.7) {
                    Some(rng.range(365, 700))
                } else {
                    None
                };
                self.list(e, rng, on_l, "serious_violation", removal, year);
                true
            }
            DCause::RevokedPenalty if e.licensed => {
                let nf = n_items(rng) + 1;
                let s = self.sampling(e, rng, on, level, nf, false, None);
                *ns += 1;
                let on_p = plus(self.facts[s].recorded.date(), rng.range(30, 80));
                let held: Vec<String> = e
                    .held_on(on_p)
                    .iter()
                    .map(|(_, t)| t.licence_no.clone())
                    .collect();
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
                for no in held {
                    let rec = self.rec(rng, on_t, 1, 10, Some(p));
                    self.push(
                        Fact::new(
                            "licence_terminated",
                            RefSpec::Doc {
                                prefix: "兵市监许吊",
                                year: on_t.year(),
                                width: 3,
                            },
                            &e.uscc,
                            on_t,
                            rec,
                        )
                        .f("licence_no", J::s(&no))
                        .f("mode", J::s("revoked_penalty"))
                        .src("xpcc_notice")
                        .note("依据行政处罚决定吊销生产许可证"),
                    );
                }
                if rng.chance(0.5) {
                    self.rectify(e, rng, s, Timely::Never, limit);
                }
                e.active_end = on_t;
                e.termination = None;
                true
            }
            DCause::Fraud if e.licensed => {
                let held: Vec<String> = e
                    .held_on(on)
                    .iter()
                    .map(|(_, t)| t.licence_no.clone())
                    .collect();
                let Some(first) = held.first().cloned() else {
                    return false;
                };
                let v = self.verification(e, rng, on, &first, true);
                self.facts[v].note = Some("核查发现企业申请材料中检验报告系伪造".into());
                let on_t = plus(self.facts[v].recorded.date(), rng.range(20, 60));
                for no in held {
                    let rec = self.rec(rng, on_t, 1, 10, Some(v));
                    self.push(
                        Fact::new(
                            "licence_terminated",
                            RefSpec::Doc {
                                prefix: "兵市监许撤销",
                                year: on_t.year(),
                                width: 3,
                            },
                            &e.uscc,
                            on_t,
                            rec,
                        )
                        .f("licence_no", J::s(&no))
                        .f("mode", J::s("withdrawn_fraud"))
                        .src("xpcc_notice")
                        .note("以欺骗手段取得生产许可证，依法撤销"),
                    );
                }
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
                let nf = n_items(rng);
                let s = self.sampling(e, rng, on, level, nf, false, None);
                *ns += 1;
                let (_, done) = self.rectify(e, rng, s, Timely::OnTime, limit);
                let Some(c) = done else { return false };
                let r = self.recheck(e, rng, s, c, ye, true);
                *ns += 1;
                if let Some(r) = r {
                    if rng.chance(0.5) {
                        let t = if rng.chance(0.5) {
                            Timely::Late
                        } else {
                            Timely::Never
                        };
                        self.rectify(e, rng, r, t, limit);
                    }
                    if rng.chance(0.5) {
                        let on_p = plus(self.facts[r].recorded.date(), rng.range(10, 30));
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
                let on2 = plus(self.facts[a].recorded.date(), rng.range(10, 40));
                let b = self.inspection(e, rng, on2.min(ye), "special", "refused", &[]);
                self.facts[b].note = Some("第二次拒绝接受监督检查，已移交执法部门".into());
                *ni += 2;
                let on_p = plus(self.facts[b].recorded.date(), rng.range(5, 20));
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
                let on_p = plus(self.facts[f].recorded.date(), rng.range(20, 60));
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
                let nf = n_items(rng) + 1;
                let s = self.sampling(e, rng, on, level, nf, false, None);
                *ns += 1;
                let on_p = plus(self.facts[s].recorded.date(), rng.range(20, 60));
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
