//! Phases 1 and 3 (see the module doc of `timeline`): each enterprise's
//! identity, registration, licence plan and attribute changes, and at the
//! end its licence facts, cut at any termination.

use super::*;

const SCALES: &[(&str, u32)] = &[("large", 8), ("medium", 22), ("small", 45), ("micro", 25)];

fn scale_points(s: &str) -> u32 {
    match s {
        "micro" => 2,
        "small" => 1,
        _ => 0,
    }
}

/// Sorts `changes` by day and keeps one per day: a change registration's ref
/// names the enterprise and the day (`GSXT-BG-{uscc}-{yyyymmdd}`), so a
/// change drawn on a day already taken moves to the next free day, and is
/// dropped if that passes `hi`.
pub(super) fn one_change_a_day(changes: &mut Vec<(NaiveDate, &'static str)>, hi: NaiveDate) {
    changes.sort();
    let mut last: Option<NaiveDate> = None;
    changes.retain_mut(|(on, _)| {
        if let Some(l) = last.filter(|l| *on <= *l) {
            *on = plus(l, 1);
        }
        last = Some(*on);
        *on <= hi
    });
}

impl Gen {
    /// The next licence number of a product unit, `XKcc-ppp-nnnnn`; serials
    /// run on across a run's batches, and past 99999 (a run of some 10^7
    /// facts) they go on in blocks under a region prefix, `（兵1）XK…`.
    fn licence_no(&mut self, rng: &mut Rng, cat: usize, prod: usize) -> String {
        let c = &CATEGORIES[cat];
        let p = &c.products[prod];
        let serial = self
            .serials
            .entry((c.code, p.code))
            .or_insert_with(|| rng.range(0, 30) as u32);
        *serial += 1;
        let (block, n) = (*serial / 100_000, *serial % 100_000);
        let prefix = if block == 0 { String::new() } else { format!("（兵{block}）") };
        format!("{prefix}XK{:02}-{:03}-{n:05}", c.code, p.code)
    }

    // ------------------------------------------------------------------
    // Phase 1: identities, registrations, licence plans, changes.
    // ------------------------------------------------------------------

    /// Plans one enterprise and writes its registration and changes.
    pub fn plan(
        &mut self,
        master: &mut Rng,
        salt: u64,
        licensed: bool,
        codes: &mut names::Codes,
        used_names: &mut BTreeSet<String>,
    ) -> Ent {
        let mut rng = master.fork(salt);
        let uscc = codes.make(&mut rng, &self.regions);
        let scale = *rng.weighted(SCALES);
        let load_day = rand_date(&mut rng, d(2021, 1, 4), d(2021, 1, 29));
        let load_time = office_time(&mut rng, load_day);
        let mut licences = Vec::new();
        let mut key_product = None;
        let (reg_date, active_from, mut active_end, name, key_catalogue);
        if licensed {
            let cat_weights: Vec<(usize, u32)> = CATEGORIES
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.weight))
                .collect();
            let cat = *rng.weighted(&cat_weights);
            let existing = rng.chance(0.62);
            let g0 = if existing {
                rand_date(&mut rng, d(2016, 1, 15), d(2020, 12, 15))
            } else {
                let y = *rng.weighted(&[
                    (2021, 22),
                    (2022, 20),
                    (2023, 20),
                    (2024, 18),
                    (2025, 14),
                    (2026, 4),
                ]);
                let hi = if y == 2026 {
                    d(2026, 4, 30)
                } else {
                    d(y, 12, 15)
                };
                rand_date(&mut rng, d(y, 2, 1), hi)
            };
            reg_date = if existing || rng.chance(0.4) {
                rand_date(&mut rng, d(1996, 3, 1), plus(g0.min(d(2019, 6, 30)), -90))
            } else {
                plus(g0, -rng.range(60, 500))
            };
            name = names::company_name(&mut rng, CATEGORIES[cat].trade_words, used_names, &self.prefixes);
            licences.push(self.plan_licence(&mut rng, cat, g0));
            if rng.chance(0.12) {
                let companions: &[&str] = match CATEGORIES[cat].name {
                    "危险化学品" => &["危险化学品包装物及容器", "化肥"],
                    "化肥" => &["危险化学品"],
                    "电线电缆" => &["防爆电气"],
                    "水泥" => &["预应力混凝土铁路桥简支梁", "建筑用钢筋"],
                    "直接接触食品的材料等相关产品" => &["危险化学品包装物及容器"],
                    "人造板" => &["直接接触食品的材料等相关产品"],
                    _ => &["电线电缆", "人造板"],
                };
                let other = rng.pick(companions);
                let cat2 = CATEGORIES.iter().position(|c| c.name == *other).unwrap();
                let g1 = plus(g0, rng.range(0, 1200));
                if cat2 != cat && g1 <= d(2026, 6, 30) {
                    licences.push(self.plan_licence(&mut rng, cat2, g1));
                }
            }
            active_from = g0;
            active_end = licences
                .iter()
                .map(|l| l.terms.last().unwrap().valid_to)
                .max()
                .unwrap()
                .min(plus(last_day(), 1));
            key_catalogue = rng.chance(0.85);
        } else {
            let kp = rng.below(KEY_PRODUCTS.len() as u64) as usize;
            key_product = Some(kp);
            reg_date = rand_date(&mut rng, d(2001, 1, 1), d(2022, 6, 30));
            name = names::company_name(&mut rng, KEY_PRODUCTS[kp].trade_words, used_names, &self.prefixes);
            active_from = plus(reg_date, 30).max(first_day());
            active_end = plus(last_day(), 1);
            key_catalogue = true;
        }
        // Registration.
        let reg_rec = if reg_date < first_day() {
            load_time
        } else {
            self.rec(&mut rng, reg_date, 0, 10, None)
        };
        let mut f = Fact::new(
            "enterprise_registered",
            RefSpec::Fixed(format!("GSXT-DJ-{uscc}")),
            &uscc,
            reg_date,
            reg_rec,
        )
        .f("name", J::s(&name))
        .f("division", J::s(&self.division))
        .f("scale", J::s(scale));
        if key_catalogue {
            f = f.f("key_catalogue", J::B(true));
        } else if rng.chance(0.3) {
            f = f.f("key_catalogue", J::B(false));
        }
        f = f.src("publicity_system");
        if !licensed {
            f = f.note(format!(
                "兵团重点工业产品目录内产品（{}）生产企业，该产品不实行生产许可证管理",
                KEY_PRODUCTS[key_product.unwrap()].name
            ));
        }
        let reg_idx = self.push(f);

        // Planned end of production (cancellation 注销 / withdrawal 撤回).
        let mut termination = None;
        if licensed {
            let ends = rng.chance(0.105);
            let mode = if !ends {
                None
            } else if rng.chance(0.72) {
                Some("cancelled")
            } else {
                Some("withdrawn")
            };
            if let Some(mode) = mode {
                let lo = plus(active_from, 365).max(d(2021, 2, 1));
                let hi = plus(active_end, -30).min(d(2026, 9, 30));
                if lo < hi {
                    let t = rand_date(&mut rng, lo, hi);
                    termination = Some((t, mode));
                    active_end = t;
                }
            }
        }

        // Attribute changes.
        let mut scales = vec![scale];
        let change_lo = active_from.max(d(2021, 3, 1)).max(plus(reg_date, 30));
        let change_hi = plus(active_end, -30).min(d(2026, 10, 1));
        if change_lo < change_hi {
            let mut changes: Vec<(NaiveDate, &'static str)> = Vec::new();
            if rng.chance(0.10) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "scale"));
            }
            if rng.chance(0.05) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "name"));
            }
            if rng.chance(0.03) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "key_catalogue"));
            }
            one_change_a_day(&mut changes, change_hi);
            let mut cur_scale = scale;
            let mut cur_name = name.clone();
            for (on, what) in changes {
                let rec = self.rec(&mut rng, on, 0, 10, Some(reg_idx));
                let mut f = Fact::new(
                    "enterprise_changed",
                    RefSpec::Fixed(format!("GSXT-BG-{uscc}-{}", on.format("%Y%m%d"))),
                    &uscc,
                    on,
                    rec,
                );
                match what {
                    "scale" => {
                        let up = match cur_scale {
                            "micro" => "small",
                            "small" => *rng.pick(&["medium", "micro"]),
                            "medium" => *rng.pick(&["large", "small"]),
                            _ => "medium",
                        };
                        cur_scale = up;
                        scales.push(up);
                        f = f
                            .f("scale", J::s(up))
                            .note("企业规模按年度统计数据重新划型");
                    }
                    "name" => {
                        let words: &[&str] = match key_product {
                            Some(kp) => KEY_PRODUCTS[kp].trade_words,
                            None => CATEGORIES[licences[0].cat].trade_words,
                        };
                        let new_name = names::company_name(&mut rng, words, used_names, &self.prefixes);
                        f = f
                            .f("name", J::s(&new_name))
                            .note(format!("原名称：{cur_name}"));
                        cur_name = new_name;
                    }
                    _ => {
                        f = f.f("key_catalogue", J::B(!key_catalogue));
                    }
                }
                self.push(f.src("publicity_system"));
            }
        }
        let risk = licences
            .iter()
            .map(|l| CATEGORIES[l.cat].risk)
            .max()
            .unwrap_or(Risk::General);
        let worst_static = scales.iter().map(|s| scale_points(s)).max().unwrap() + risk.points();
        Ent {
            uscc,
            rng,
            licensed,
            worst_static,
            licences,
            key_product,
            active_from,
            active_end,
            termination,
            floors: BTreeMap::new(),
            profiles: BTreeMap::new(),
            load_time,
        }
    }

    /// A licence granted on `g0` for 5 years, renewed (same or new number)
    /// while it expires before the end of the fixture.
    fn plan_licence(&mut self, rng: &mut Rng, cat: usize, g0: NaiveDate) -> Licence {
        let prod = rng.below(CATEGORIES[cat].products.len() as u64) as usize;
        let mut terms = Vec::new();
        let no = self.licence_no(rng, cat, prod);
        let verify =
            |rng: &mut Rng, g: NaiveDate| rng.chance(0.7).then(|| plus(g, rng.range(40, 300)));
        let v0 = verify(rng, g0);
        terms.push(Term {
            licence_no: no,
            grant_on: g0,
            valid_from: g0,
            valid_to: plus_years(g0, 5),
            first: true,
            verify_on: v0,
            verified: false,
        });
        loop {
            let last = terms.last().unwrap().clone();
            if last.valid_to > last_day() || !rng.chance(0.93) {
                break;
            }
            let grant_on = plus(last.valid_to, -rng.range(15, 75));
            let same = rng.chance(0.65);
            let no = if same {
                last.licence_no.clone()
            } else {
                self.licence_no(rng, cat, prod)
            };
            let v = if same { None } else { verify(rng, grant_on) };
            terms.push(Term {
                licence_no: no,
                grant_on,
                valid_from: last.valid_to,
                valid_to: plus_years(last.valid_to, 5),
                first: !same,
                verify_on: v,
                verified: false,
            });
        }
        Licence { cat, prod, terms }
    }

    // ------------------------------------------------------------------
    // Phase 3: licence facts.
    // ------------------------------------------------------------------

    /// When the first fact using each (enterprise, licence number) — a
    /// `licence_verification` or `licence_terminated` of phase 2 — is recorded.
    fn first_uses(&self) -> BTreeMap<(String, String), NaiveDateTime> {
        let mut out: BTreeMap<(String, String), NaiveDateTime> = BTreeMap::new();
        for f in &self.facts {
            if f.kind != "licence_verification" && f.kind != "licence_terminated" {
                continue;
            }
            if let Some(J::S(no)) = f.get("licence_no") {
                let t = out.entry((f.enterprise.clone(), no.clone())).or_insert(f.recorded);
                *t = (*t).min(f.recorded);
            }
        }
        out
    }

    /// Phase 3 for every enterprise, in order.
    pub fn emit_all_licences(&mut self, ents: &mut [Ent]) {
        let uses = self.first_uses();
        for e in ents.iter_mut() {
            self.emit_licences(e, &uses);
        }
    }

    /// Grants (those [`Term::issued`] before the end of activity) and the
    /// planned termination; `uses` from [`Gen::first_uses`].
    fn emit_licences(&mut self, e: &mut Ent, uses: &BTreeMap<(String, String), NaiveDateTime>) {
        let mut rng = e.rng.clone();
        let mut k = 0;
        let mut granted = std::collections::BTreeSet::new();
        // Latest-recorded grant of each number: a termination follows it.
        let mut grants: BTreeMap<String, usize> = BTreeMap::new();
        for l in e.licences.clone() {
            let cat = &CATEGORIES[l.cat];
            let prod = &cat.products[l.prod];
            for t in &l.terms {
                if !t.issued(e.active_end) {
                    continue;
                }
                k += 1;
                let mut rec = if t.grant_on < first_day() {
                    e.load_time + chrono::Duration::minutes(10 * k)
                } else {
                    self.rec(&mut rng, t.grant_on, 0, 15, None)
                };
                // Import refuses a verification or termination of a licence
                // it does not know: record the first grant of a number before
                // the first use of it (made in phase 2, recorded at least a
                // day after a valid date on or after this grant's).
                if granted.insert(t.licence_no.clone()) {
                    if let Some(&v) = uses.get(&(e.uscc.clone(), t.licence_no.clone())) {
                        if v <= rec {
                            rec = v - chrono::Duration::minutes(30);
                        }
                    }
                }
                let mut f = Fact::new(
                    "licence_granted",
                    RefSpec::Fixed(format!(
                        "XK-GRANT-{}-{}",
                        t.licence_no,
                        t.grant_on.format("%Y%m%d")
                    )),
                    &e.uscc,
                    t.grant_on,
                    rec,
                )
                .f("licence_no", J::s(&t.licence_no))
                .f("product", J::s(prod.name))
                .f("category", J::s(cat.name))
                .f("valid_from", J::date(t.valid_from))
                .f("valid_to", J::date(t.valid_to))
                .src("xpcc_notice");
                if !t.first {
                    f = f.note("有效期届满延续，证书编号不变");
                } else if t.grant_on < t.valid_from {
                    f = f.note("有效期届满换发新证");
                }
                let i = self.push(f);
                let later = grants
                    .get(&t.licence_no)
                    .is_none_or(|&g| self.facts[g].recorded <= rec);
                if later {
                    grants.insert(t.licence_no.clone(), i);
                }
            }
        }
        // Planned termination of every licence then held (or renewed).
        if let Some((on, mode)) = e.termination {
            let (prefix, note) = if mode == "cancelled" {
                ("兵市监许注", "企业申请注销，停止生产")
            } else {
                (
                    "兵市监许撤回",
                    "生产条件发生变化，不再符合许可条件，依法撤回",
                )
            };
            let ended = e.licence_nos_ended(on, on);
            let how = (prefix, mode, note);
            self.terminate_licences(e, &mut rng, on, ended, how, 15, None, &grants);
        }
    }
}
