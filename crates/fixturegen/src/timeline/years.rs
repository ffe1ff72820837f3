//! Phase 2 (see the module doc of `timeline`): profiles per year from the
//! quotas, and each enterprise-year's facts drawn to match its profile.

use super::*;

/// How a year's self-inspection report (for the previous year) is filed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Report {
    OnTime,
    Late,
    Missing,
}

impl Gen {
    // ------------------------------------------------------------------
    // Phase 2: the years.
    // ------------------------------------------------------------------

    /// Assigns profiles and draws every enterprise's facts, year by year.
    pub fn run_years(&mut self, ents: &mut [Ent], master: &mut Rng) {
        for year in 2021..=2026 {
            let year_end = d(year, 12, 31).min(last_day());
            let active =
                |e: &Ent| e.active_from.max(d(year, 1, 1)) <= year_end.min(plus(e.active_end, -1));
            // Quotas over licensed enterprises.
            let (pd, pc, pb) = if year == 2025 {
                (0.04, 0.06, 0.39)
            } else {
                (0.015, 0.06, 0.39)
            };
            let lic: Vec<usize> = (0..ents.len())
                .filter(|&i| ents[i].licensed && active(&ents[i]))
                .collect();
            let n = lic.len() as f64;
            let mut want = BTreeMap::from([
                (Profile::D, (n * pd).round() as i64),
                (Profile::C, (n * pc).round() as i64),
                (Profile::B, (n * pb).round() as i64),
            ]);
            let mut assigned: BTreeMap<usize, Profile> = BTreeMap::new();
            for &i in &lic {
                if let Some(&p) = ents[i].floors.get(&year) {
                    assigned.insert(i, p);
                    if let Some(w) = want.get_mut(&p) {
                        *w -= 1;
                    }
                }
            }
            let mut rest: Vec<usize> = lic
                .iter()
                .copied()
                .filter(|i| !assigned.contains_key(i))
                .collect();
            master.shuffle(&mut rest);
            // C and D stories need most of the year: give them to enterprises
            // active at least until autumn (stable partition keeps the shuffle).
            let long = |e: &Ent| {
                let ys = e.active_from.max(d(year, 1, 1));
                let ye = year_end.min(plus(e.active_end, -1));
                ys <= d(year, 3, 31) && ye >= d(year, 10, 31).min(last_day())
            };
            let (mut first, second): (Vec<usize>, Vec<usize>) =
                rest.into_iter().partition(|&i| long(&ents[i]));
            let n_cd = (want[&Profile::D].max(0) + want[&Profile::C].max(0)) as usize;
            let tail = first.split_off(n_cd.min(first.len()));
            let mut rest2: Vec<usize> = tail.into_iter().chain(second).collect();
            master.shuffle(&mut rest2);
            let mut it = first.into_iter().chain(rest2);
            for p in [Profile::D, Profile::C, Profile::B] {
                for _ in 0..want[&p].max(0) {
                    if let Some(i) = it.next() {
                        assigned.insert(i, p);
                    }
                }
            }
            for i in it {
                assigned.insert(i, Profile::A);
            }
            // Unlicensed key-catalogue producers: plain probabilities.
            for (i, e) in ents.iter_mut().enumerate() {
                if !e.licensed && active(e) {
                    let p =
                        *e.rng
                            .weighted(&[(Profile::A, 55), (Profile::B, 35), (Profile::C, 10)]);
                    assigned.insert(i, p);
                }
            }
            let mut d_rotation = vec![
                DCause::SerViol,
                DCause::RevokedPenalty,
                DCause::FailedRecheck,
                DCause::Fraud,
                DCause::RefusedTwice,
                DCause::MajorAccident,
                DCause::Criminal,
                DCause::FailedRecheck,
                DCause::SerViol,
            ]
            .into_iter();
            for (i, p) in assigned {
                let e = &mut ents[i];
                e.profiles.insert(year, p);
                let forced = if year == 2025
                    && p == Profile::D
                    && e.floors.get(&year) != Some(&Profile::D)
                {
                    d_rotation.next()
                } else {
                    None
                };
                self.year(e, year, p, forced);
            }
        }
    }

    /// One enterprise-year.
    fn year(&mut self, e: &mut Ent, year: i32, profile: Profile, forced_d: Option<DCause>) {
        let mut rng = e.rng.clone();
        self.lax = year >= 2026;
        let ys = e.active_from.max(d(year, 1, 1));
        let mut ye = d(year, 12, 31).min(last_day()).min(plus(e.active_end, -1));
        if ys > ye {
            return;
        }
        let floor_only = e.floors.get(&year) == Some(&profile);
        if floor_only {
            self.trace
                .push(format!("{year} {} {profile:?} floor", e.uscc));
        }
        let report_due = e.licensed && year > 2020 && e.held_during(year - 1);
        let mut report = Report::OnTime;
        let mut made = Made::default();
        // An overdue-rectification C year must otherwise be a B year.
        let mut overdue_story = false;
        // Deduction budget so the score stays in the profile's band.
        let mut budget: i64 = match profile {
            Profile::A => 10 - e.worst_static as i64,
            Profile::B => 20 - e.worst_static as i64,
            _ => 40 - e.worst_static as i64,
        };
        match profile {
            Profile::A => {}
            Profile::B => {
                let causes: &[(BCause, u32)] = &[
                    (BCause::SampFail, 11),
                    (BCause::Insp, 30),
                    (BCause::ReportLate, 14),
                    (BCause::ReportMissing, 6),
                    (BCause::Notice, 7),
                    (BCause::Media, 6),
                    (BCause::VerifFail, 5),
                    (BCause::BadCredit, 5),
                ];
                let wanted = if rng.chance(0.25) { 2 } else { 1 };
                let mut done = 0;
                let mut used = Vec::new();
                for _ in 0..12 {
                    if done == wanted {
                        break;
                    }
                    let c = *rng.weighted(causes);
                    if used.contains(&c) {
                        continue;
                    }
                    let ok = match c {
                        BCause::ReportLate if report_due && ye >= d(year, 7, 2) && budget >= 5 => {
                            report = Report::Late;
                            budget -= 5;
                            true
                        }
                        BCause::ReportMissing if report_due && budget >= 5 => {
                            report = Report::Missing;
                            budget -= 5;
                            true
                        }
                        BCause::ReportLate | BCause::ReportMissing => false,
                        _ => self.b_cause(
                            e,
                            &mut rng,
                            c,
                            Span { year, ys, ye },
                            &mut budget,
                            &mut made,
                        ),
                    };
                    if ok {
                        self.trace.push(format!("{year} {} B {c:?}", e.uscc));
                        used.push(c);
                        done += 1;
                    }
                }
                // A general quality-risk finding alone would not keep an
                // enterprise out of A; it only comes on top of a B cause.
                if done > 0 && rng.chance(0.12) {
                    self.b_cause(
                        e,
                        &mut rng,
                        BCause::Finding,
                        Span { year, ys, ye },
                        &mut budget,
                        &mut made,
                    );
                }
            }
            Profile::C => {
                if !floor_only {
                    let causes: &[(CCause, u32)] = if e.licensed {
                        &[
                            (CCause::PenaltyMild, 18),
                            (CCause::Overdue, 50),
                            (CCause::Abnormal, 10),
                            (CCause::Defaulter, 6),
                            (CCause::Blacklist, 6),
                            (CCause::RefusedOnce, 3),
                            (CCause::LowScore, 8),
                            (CCause::Suspend, 6),
                            (CCause::BigFine, 7),
                        ]
                    } else {
                        &[
                            (CCause::PenaltyMild, 50),
                            (CCause::Overdue, 30),
                            (CCause::BigFine, 20),
                        ]
                    };
                    for _ in 0..8 {
                        let c = *rng.weighted(causes);
                        if self.c_cause(e, &mut rng, c, Span { year, ys, ye }, &mut made) {
                            self.trace.push(format!("{year} {} C {c:?}", e.uscc));
                            // What is left before the score leaves C's band
                            // (an overdue rectification must start from B).
                            budget = match c {
                                CCause::Overdue => {
                                    overdue_story = true;
                                    20 - e.worst_static as i64 - 10
                                }
                                CCause::Suspend => 40 - e.worst_static as i64 - 30,
                                CCause::LowScore => 40 - e.worst_static as i64 - 33,
                                CCause::RefusedOnce => 40 - e.worst_static as i64 - 20,
                                CCause::PenaltyMild => 40 - e.worst_static as i64 - 15,
                                _ => 40 - e.worst_static as i64 - 10,
                            };
                            break;
                        }
                    }
                } else {
                    budget = 0;
                }
                if report_due && budget >= 5 && rng.chance(0.15) {
                    report = if rng.chance(0.7) && ye >= d(year, 7, 2) {
                        Report::Late
                    } else {
                        Report::Missing
                    };
                    budget -= 5;
                }
            }
            Profile::D => {
                if !floor_only || forced_d.is_some() {
                    let mut order: Vec<DCause> = Vec::new();
                    if let Some(c) = forced_d {
                        order.push(c);
                    }
                    for _ in 0..6 {
                        let c = *rng.weighted(&[
                            (DCause::SerViol, 25),
                            (DCause::RevokedPenalty, 15),
                            (DCause::Fraud, 8),
                            (DCause::FailedRecheck, 25),
                            (DCause::RefusedTwice, 8),
                            (DCause::MajorAccident, 8),
                            (DCause::Criminal, 10),
                        ]);
                        let cap = match c {
                            DCause::SerViol | DCause::FailedRecheck => 99,
                            DCause::RevokedPenalty => 3,
                            DCause::Criminal => 2,
                            _ => 1,
                        };
                        if forced_d.is_none() && *self.d_used.get(&c).unwrap_or(&0) < cap {
                            order.push(c);
                        }
                    }
                    order.push(DCause::FailedRecheck);
                    order.push(DCause::SerViol);
                    for c in order {
                        if self.d_cause(e, &mut rng, c, Span { year, ys, ye }, &mut made) {
                            self.trace.push(format!("{year} {} D {c:?}", e.uscc));
                            *self.d_used.entry(c).or_insert(0) += 1;
                            break;
                        }
                    }
                    ye = ye.min(plus(e.active_end, -1));
                }
                if ys <= ye && rng.chance(0.3) {
                    let on = rand_date(&mut rng, ys, ye);
                    self.finding(e, &mut rng, on, "serious");
                }
                if report_due && rng.chance(0.2) {
                    report = Report::Missing;
                }
            }
        }
        if ys > ye {
            e.rng = rng;
            return;
        }
        // On-the-spot (simple-procedure) penalties: warnings and small fines,
        // only where the year is C or D anyway (or the producer is unlicensed).
        let p_simple = match profile {
            Profile::C if budget >= 5 && !overdue_story => 0.3,
            Profile::D => 0.3,
            Profile::B if !e.licensed => 0.2,
            _ => 0.0,
        };
        if p_simple > 0.0 && rng.chance(p_simple) {
            let on = rand_date(&mut rng, ys, ye);
            let measures = if rng.chance(0.55) {
                vec![("warning", None)]
            } else {
                vec![("fine", Some(rng.range(2, 30) * 100))]
            };
            let p = self.penalty(e, &mut rng, on, "simple", &measures, catalogue::MILD_CAUSES);
            self.facts[p].note = Some("当场作出行政处罚决定".into());
            budget -= 5;
        }

        // Self-inspection report for the previous year.
        if report_due {
            let filed = match report {
                Report::OnTime => {
                    let hi = d(year, 6, 28).min(ye);
                    if hi >= d(year, 1, 5) {
                        Some(rand_date(
                            &mut rng,
                            d(year, 1, 5).max(d(year, 3, 1).min(hi)),
                            hi,
                        ))
                    } else {
                        None
                    }
                }
                Report::Late if ye >= d(year, 7, 2) => {
                    Some(rand_date(&mut rng, d(year, 7, 2), d(year, 9, 30).min(ye)))
                }
                _ => None,
            };
            if let Some(on) = filed {
                let rec = self.rec(&mut rng, on, 0, 3, None);
                let mut f = Fact::new(
                    "self_inspection_report",
                    RefSpec::Fixed(format!("ZCBG-{}-{}", year - 1, e.uscc)),
                    &e.uscc,
                    on,
                    rec,
                )
                .f("year", J::I((year - 1) as i64))
                .f("filed_on", J::date(on))
                .src("internet_plus");
                if report == Report::Late {
                    f = f.note("逾期提交（应于6月30日前提交）");
                }
                self.push(f);
            }
        }

        // Baseline samplings (passed).
        let base_samplings: i64 = match profile {
            Profile::A => {
                if rng.chance(0.08) {
                    0
                } else if rng.chance(0.22) {
                    2
                } else {
                    1
                }
            }
            _ => 1 + rng.chance(0.35) as i64,
        };
        for _ in made.samplings..base_samplings {
            let on = rand_date(&mut rng, ys, ye);
            let level = *rng.weighted(&[
                ("national", 10),
                ("provincial", 15),
                ("xpcc", 40),
                ("division", 35),
            ]);
            self.sampling(e, &mut rng, on, level, 0, false, None);
        }
        // Baseline inspections (no issue).
        let base_insp: i64 = match profile {
            Profile::A => rng.chance(0.3) as i64,
            Profile::B => 1 + rng.chance(0.4) as i64,
            Profile::C => 2,
            Profile::D => 2 + rng.chance(0.5) as i64,
        };
        for _ in made.inspections..base_insp {
            let on = rand_date(&mut rng, ys, ye);
            let kind = if profile == Profile::A {
                *rng.pick(&["random", "special"])
            } else {
                *rng.weighted(&[("routine", 5), ("random", 3), ("special", 2)])
            };
            self.inspection(e, &mut rng, on, kind, "no_issue", &[]);
        }
        // Post-licence verification of new licences.
        // A verified term's grant is written even if the activity ends
        // before the term is in force (`Term::issued`).
        let mut due: Vec<(String, NaiveDate)> = Vec::new();
        for t in e.licences.iter_mut().flat_map(|l| &mut l.terms) {
            if let Some(v) = t.verify_on.filter(|v| *v >= ys && *v <= ye) {
                t.verified = true;
                due.push((t.licence_no.clone(), v));
            }
        }
        for (no, on) in due {
            let fail = (profile == Profile::D || (profile == Profile::C && budget >= 10))
                && rng.chance(0.2);
            if fail {
                budget -= 10;
            }
            let v = self.verification(e, &mut rng, on, &no, fail);
            let limit = rectify_limit(year, ye);
            if fail && plus(on, 40) < limit {
                self.rectify(e, &mut rng, v, Timely::OnTime, limit);
            }
        }
        // Complaints now and then.
        let p_complaint = match profile {
            Profile::A => 0.04,
            Profile::B => 0.08,
            _ => 0.15,
        };
        if rng.chance(p_complaint) && budget >= 2 {
            let on = rand_date(&mut rng, ys, ye);
            self.complaint(e, &mut rng, on);
        }
        e.rng = rng;
    }
}
