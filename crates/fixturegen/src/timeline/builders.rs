//! Fact builders: one function per fact kind (or family), choosing document
//! numbers, sources, notes and recorded times.

use super::*;

impl Gen {
    pub(super) fn sampled_product(
        &self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
    ) -> (&'static str, &'static [&'static str]) {
        if let Some(kp) = e.key_product {
            let k = &KEY_PRODUCTS[kp];
            return (*rng.pick(k.samples), k.items);
        }
        let held = e.held_on(on);
        let li = if held.is_empty() {
            0
        } else {
            rng.pick(&held).0
        };
        let l = &e.licences[li];
        let p = &CATEGORIES[l.cat].products[l.prod];
        (*rng.pick(p.samples), p.items)
    }

    /// A sampling inspection; `n_failed` > 0 makes it fail on that many items.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sampling(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        level: &'static str,
        n_failed: usize,
        recheck: bool,
        after: Option<usize>,
    ) -> usize {
        let (product, items) = self.sampled_product(e, rng, on);
        let made = plus(on, -rng.range(3, 90));
        let batch = match rng.below(3) {
            0 => made.format("%Y%m%d").to_string(),
            1 => format!("{}-{:02}", made.format("%y%m%d"), rng.range(1, 12)),
            _ => format!(
                "{}{}",
                made.format("%Y%m%d"),
                ["A", "B", "C", "D"][rng.below(4) as usize]
            ),
        };
        let mut failed: Vec<&str> = Vec::new();
        while failed.len() < n_failed.min(items.len()) {
            // earlier items are the frequent ones
            let i = rng
                .below(items.len() as u64)
                .min(rng.below(items.len() as u64)) as usize;
            if !failed.contains(&items[i]) {
                failed.push(items[i]);
            }
        }
        let (prefix, source, lag) = match level {
            "national" => ("国市监抽", "samr_notice", (10, 20)),
            "provincial" => ("新市监抽", "provincial_notice", (5, 20)),
            "xpcc" => ("兵市监抽", "xpcc_notice", (3, 20)),
            _ => ("八师市监抽", "daily_supervision", (1, 15)),
        };
        let rec = self.rec(rng, on, lag.0, lag.1, after);
        let mut f = Fact::new(
            "sampling_inspection",
            RefSpec::Notice {
                prefix,
                year: on.year(),
                month: on.month(),
            },
            &e.uscc,
            on,
            rec,
        )
        .f("level", J::s(level))
        .f("product", J::s(product));
        if rng.chance(0.92) {
            f = f.f("batch", J::s(batch));
        }
        f = f
            .f("result", J::s(if n_failed > 0 { "fail" } else { "pass" }))
            .f(
                "failed_items",
                J::A(failed.iter().map(|s| J::s(*s)).collect()),
            );
        if recheck {
            f = f.f("recheck", J::B(true)).note("整改后复检");
        } else if rng.chance(0.03) {
            f = f.f("recheck", J::B(false));
        }
        self.push(f.src(source))
    }

    /// Re-check sampling after a completed rectification.
    pub(super) fn recheck(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        original: usize,
        completion: usize,
        ye: NaiveDate,
        fail: bool,
    ) -> Option<usize> {
        let on = plus(self.facts[completion].occurred, rng.range(5, 25));
        if on > ye {
            return None;
        }
        let level = match self.facts[original].get("level") {
            Some(J::S(s)) if s == "national" || s == "provincial" => "xpcc",
            _ => "division",
        };
        Some(self.sampling(
            e,
            rng,
            on,
            level,
            if fail { 1 } else { 0 },
            true,
            Some(completion),
        ))
    }

    pub(super) fn draw_findings(&self, rng: &mut Rng, serious: bool) -> Vec<(&'static str, bool)> {
        let n = *rng.weighted(&[(1usize, 60), (2, 32), (3, 8)]);
        let mut out: Vec<(&'static str, bool)> = Vec::new();
        for _ in 0..n * 3 {
            if out.len() == n {
                break;
            }
            let c = *rng.weighted(&[
                ("nonconforming_materials", 22),
                ("nonconforming_conditions", 25),
                ("other", 33),
                ("concealment", 10),
                ("false_commitment", 10),
            ]);
            if !out.iter().any(|(x, _)| *x == c) {
                out.push((c, false));
            }
        }
        if serious {
            let k = rng.below(out.len() as u64) as usize;
            out[k].1 = true;
        }
        out
    }

    pub(super) fn inspection(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        kind: &'static str,
        outcome: &'static str,
        findings: &[(&'static str, bool)],
    ) -> usize {
        let source = match kind {
            "routine" => "daily_supervision",
            "special" => "special_inspection",
            _ => "internet_plus",
        };
        let fs: Vec<J> = findings
            .iter()
            .map(|(code, serious)| {
                let mut kv = vec![
                    ("code", J::s(*code)),
                    ("text", J::s(*rng.pick(catalogue::finding_texts(code)))),
                ];
                if *serious {
                    kv.push(("serious", J::B(true)));
                } else if rng.chance(0.1) {
                    kv.push(("serious", J::B(false)));
                }
                J::O(kv)
            })
            .collect();
        let rec = self.rec(rng, on, 0, 12, None);
        let mut f = Fact::new(
            "supervision_inspection",
            RefSpec::doc("八师市监检", on.year(), 3),
            &e.uscc,
            on,
            rec,
        )
        .f("inspection", J::s(kind))
        .f("outcome", J::s(outcome))
        .f("findings", J::A(fs))
        .src(source);
        if outcome == "refused" && f.note.is_none() {
            f = f.note("企业拒绝检查人员进入生产现场");
        } else if kind == "random" && rng.chance(0.3) {
            f = f.note("“双随机、一公开”抽查");
        }
        self.push(f)
    }

    /// An order on `target` and, unless `Never`, its completion. Deadlines
    /// never pass `limit` (so on-time work closes within the year).
    pub(super) fn rectify(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        target: usize,
        timely: Timely,
        limit: NaiveDate,
    ) -> (Option<usize>, Option<usize>) {
        let t = &self.facts[target];
        let on = plus(t.occurred, rng.range(2, 10)).max(t.recorded.date());
        if plus(on, 20) > limit {
            return (None, None);
        }
        let deadline = plus(on, rng.range(30, 90)).min(limit);
        let timely = if timely == Timely::OnTime && self.lax {
            *rng.weighted(&[
                (Timely::OnTime, 75),
                (Timely::Late, 15),
                (Timely::Never, 10),
            ])
        } else {
            timely
        };
        let rec = self.rec(rng, on, 0, 5, Some(target));
        let o = self.push(
            Fact::new(
                "rectification_ordered",
                RefSpec::doc("师市监责改", on.year(), 3),
                &e.uscc,
                on,
                rec,
            )
            .target(target)
            .f("deadline", J::date(deadline))
            .src("daily_supervision"),
        );
        let done_on = match timely {
            Timely::OnTime => Some(rand_date(rng, plus(on, 7).min(deadline), deadline)),
            Timely::Late => Some(plus(deadline, rng.range(1, 60))).filter(|x| *x <= last_day()),
            Timely::Never => None,
        };
        let c = done_on.map(|x| {
            let rec = self.rec(rng, x, 0, 8, Some(o));
            let mut f = Fact::new(
                "rectification_completed",
                RefSpec::doc("师市监整改验收", x.year(), 3),
                &e.uscc,
                x,
                rec,
            )
            .target(o)
            .src("daily_supervision");
            if timely == Timely::Late {
                f = f.note("逾期完成整改");
            } else if rng.chance(0.2) {
                f = f.note("企业提交整改报告，经现场复查整改到位");
            }
            self.push(f)
        });
        (Some(o), c)
    }

    pub(super) fn verification(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        licence_no: &str,
        fail: bool,
    ) -> usize {
        let rec = self.rec(rng, on, 1, 15, None);
        let mut f = Fact::new(
            "licence_verification",
            RefSpec::doc("兵市监证核", on.year(), 3),
            &e.uscc,
            on,
            rec,
        )
        .f("licence_no", J::s(licence_no))
        .f("result", J::s(if fail { "fail" } else { "pass" }))
        .src("special_inspection");
        if fail {
            f = f.note("证后核查发现实际生产条件与申请材料不一致");
        }
        self.push(f)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn penalty_fact(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        procedure: &str,
        measures: &[(&'static str, Option<i64>)],
        causes: &[&str],
        reference: RefSpec,
    ) -> usize {
        let ms: Vec<J> = measures
            .iter()
            .map(|(t, amount)| {
                let mut kv = vec![("type", J::s(*t))];
                if let Some(a) = amount {
                    kv.push(("amount_yuan", J::I(*a)));
                }
                J::O(kv)
            })
            .collect();
        let rec = self.rec(rng, on, 1, 20, None);
        let f = Fact::new("administrative_penalty", reference, &e.uscc, on, rec)
            .f("procedure", J::s(procedure))
            .f("measures", J::A(ms))
            .f("cause", J::s(*rng.pick(causes)))
            .src(if procedure == "simple" {
                "daily_supervision"
            } else {
                "publicity_system"
            });
        self.push(f)
    }

    /// A division-level penalty decision (`师市监处罚〔Y〕N号`; simple procedure `师市监简罚`).
    pub(super) fn penalty(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        procedure: &str,
        measures: &[(&'static str, Option<i64>)],
        causes: &[&str],
    ) -> usize {
        let prefix = if procedure == "simple" {
            "师市监简罚"
        } else {
            "师市监处罚"
        };
        self.penalty_fact(
            e,
            rng,
            on,
            procedure,
            measures,
            causes,
            RefSpec::doc(prefix, on.year(), 0),
        )
    }

    /// An XPCC-level penalty decision (licence revocation).
    pub(super) fn penalty_xpcc(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        measures: &[(&'static str, Option<i64>)],
    ) -> usize {
        self.penalty_fact(
            e,
            rng,
            on,
            "ordinary",
            measures,
            catalogue::SERIOUS_CAUSES,
            RefSpec::doc("兵市监处罚", on.year(), 0),
        )
    }

    /// One `licence_terminated` fact per number in `nos`, dated `on` and
    /// recorded 1..=`max_lag` days later, after fact `after` (if any) and
    /// after the grant of the number in `grants` (if any; phase 3 only, in
    /// phase 2 the grants are recorded before their first use instead);
    /// `how` is (document series, mode, note).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn terminate_licences(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        nos: Vec<String>,
        how: (&'static str, &'static str, &'static str),
        max_lag: i64,
        after: Option<usize>,
        grants: &BTreeMap<String, usize>,
    ) {
        let (prefix, mode, note) = how;
        for no in nos {
            let after = match (after, grants.get(&no)) {
                (Some(a), Some(&g)) if self.facts[g].recorded > self.facts[a].recorded => Some(g),
                (None, Some(&g)) => Some(g),
                (a, _) => a,
            };
            let rec = self.rec(rng, on, 1, max_lag, after);
            self.push(
                Fact::new(
                    "licence_terminated",
                    RefSpec::doc(prefix, on.year(), 3),
                    &e.uscc,
                    on,
                    rec,
                )
                .f("licence_no", J::s(&no))
                .f("mode", J::s(mode))
                .src("xpcc_notice")
                .note(note),
            );
        }
    }

    pub fn complaint(&mut self, e: &Ent, rng: &mut Rng, on: NaiveDate) -> usize {
        let rec = self.rec(rng, on, 2, 20, None);
        let channel = if rng.chance(0.75) {
            "complaint"
        } else {
            "report"
        };
        self.push(
            Fact::new(
                "complaint_verified",
                RefSpec::doc("师市监投诉核", on.year(), 4),
                &e.uscc,
                on,
                rec,
            )
            .f("channel", J::s(channel))
            .f("subject", J::s(*rng.pick(catalogue::COMPLAINT_SUBJECTS)))
            .src("complaint_platform"),
        )
    }

    pub(super) fn opinion(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        form: &'static str,
        strong: bool,
    ) -> usize {
        let (reference, source) = if form == "regulator_notice" {
            if rng.chance(0.6) {
                (RefSpec::doc("兵市监质通", on.year(), 0), "xpcc_notice")
            } else {
                (
                    RefSpec::doc("新市监质通", on.year(), 0),
                    "provincial_notice",
                )
            }
        } else {
            (RefSpec::doc("师市监舆情专报", on.year(), 3), "media")
        };
        let rec = self.rec(rng, on, 1, 15, None);
        let mut f = Fact::new("public_opinion", reference, &e.uscc, on, rec).f("form", J::s(form));
        if strong {
            f = f
                .f("strong_consumer_reaction", J::B(true))
                .note("消费者反映强烈，网络转发量大");
        } else if form == "media_exposure" {
            if rng.chance(0.3) {
                f = f.f("strong_consumer_reaction", J::B(false));
            }
            f = f.note(*rng.pick(&[
                "地方电视台《民生关注》栏目曝光产品质量问题",
                "网络媒体报道产品质量问题，经核实属实",
            ]));
        }
        self.push(f.src(source))
    }

    pub(super) fn finding(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        severity: &'static str,
    ) -> usize {
        let rec = self.rec(rng, on, 1, 15, None);
        self.push(
            Fact::new(
                "quality_risk_finding",
                RefSpec::doc("兵市监风险", on.year(), 2),
                &e.uscc,
                on,
                rec,
            )
            .f("severity", J::s(severity))
            .f("description", J::s(*rng.pick(catalogue::RISK_FINDINGS)))
            .src(if rng.chance(0.5) {
                "xpcc_notice"
            } else {
                "daily_supervision"
            }),
        )
    }

    pub(super) fn bad_credit(
        &mut self,
        e: &Ent,
        rng: &mut Rng,
        on: NaiveDate,
        until: Option<NaiveDate>,
    ) -> usize {
        let rec = self.rec(rng, on, 1, 15, None);
        let mut f = Fact::new(
            "bad_credit_info",
            RefSpec::doc("兵信用", on.year(), 4),
            &e.uscc,
            on,
            rec,
        )
        .f("description", J::s(*rng.pick(catalogue::BAD_CREDIT)));
        if let Some(u) = until {
            f = f.f("impact_until", J::date(u));
        }
        self.push(f.src("publicity_system"))
    }

    /// A list entry, removed `removal` days later if given; sets floors on
    /// the following years' profiles.
    pub(super) fn list(
        &mut self,
        e: &mut Ent,
        rng: &mut Rng,
        on: NaiveDate,
        list: &'static str,
        removal: Option<i64>,
        year: i32,
    ) -> usize {
        // Entry and removal series, number width (None: a court case), source, note.
        let (entered, removed, width, source, note) = match list {
            "abnormal_operations" => (
                "八师市监异列",
                "八师市监异移",
                Some(4),
                "publicity_system",
                "通过登记的住所或者经营场所无法联系，列入经营异常名录",
            ),
            "serious_violation" => (
                "兵市监严违列",
                "兵市监严违移",
                Some(0),
                "publicity_system",
                "因生产销售不合格产品受到较重行政处罚，列入严重违法失信名单",
            ),
            "judgment_defaulter" => (
                "兵0801执",
                "兵0801执恢",
                None,
                "court",
                "有履行能力而拒不履行生效法律文书确定的义务",
            ),
            _ => (
                "八师应急黑",
                "八师应急黑移",
                Some(0),
                "manual",
                "列入安全生产领域失信联合惩戒“黑名单”",
            ),
        };
        let reference = |series: &'static str, day: NaiveDate| match width {
            Some(w) => RefSpec::doc(series, day.year(), w),
            None => RefSpec::Court {
                court: series,
                year: day.year(),
            },
        };
        let rec = self.rec(rng, on, 1, 12, None);
        let l = self.push(
            Fact::new("list_entered", reference(entered, on), &e.uscc, on, rec)
                .f("list", J::s(list))
                .src(source)
                .note(note),
        );
        let removed_on = removal.map(|r| plus(on, r)).filter(|x| *x <= last_day());
        if let Some(x) = removed_on {
            let rec = self.rec(rng, x, 0, 10, Some(l));
            self.push(
                Fact::new("list_removed", reference(removed, x), &e.uscc, x, rec)
                    .target(l)
                    .src(source),
            );
        }
        // Floors: a listing blocks A and B while its period overlaps the
        // year; a serious-violation listing still open on 31 Dec means D.
        for y in year + 1..=2026 {
            let start = d(y, 1, 1);
            match removed_on {
                Some(x) if x <= start => break,
                Some(x) if x <= d(y, 12, 31) => e.floor(y, Profile::C),
                _ => e.floor(
                    y,
                    if list == "serious_violation" {
                        Profile::D
                    } else {
                        Profile::C
                    },
                ),
            }
        }
        l
    }
}
