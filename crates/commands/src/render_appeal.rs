//! Readable tables for issue, review, diff, what-if and dossier.

use crate::render::columns;
use appeal::{Dossier, IssueOutcome, Review, WhatIf};
use grading::diff::{FactChange, FactStanding};
use grading::ReportDiff;
use std::fmt::Write;

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
}

fn standing(s: &Option<FactStanding>) -> String {
    match s {
        None => "(not known)".into(),
        Some(s) => {
            let mut t = s.status.as_str().to_string();
            if let Some(r) = s.reason {
                t += &format!(" {r}");
            }
            if let Some(b) = &s.by {
                t += &format!(" by {b}");
            }
            t
        }
    }
}

fn fact_rows(facts: &[FactChange]) -> String {
    let mut rows = vec![vec!["seq".into(), "ref".into(), "kind".into(), "from".into(), "to".into(), "article".into()]];
    rows.extend(facts.iter().map(|f| {
        vec![f.seq.to_string(), f.reference.clone(), f.kind.to_string(), standing(&f.from), standing(&f.to), f.article.unwrap_or("").to_string()]
    }));
    columns(&rows)
}

/// A diff between two reports.
pub fn diff(d: &ReportDiff) -> String {
    let mut o = String::new();
    let side = |s: &grading::diff::Side| {
        format!("V {} · K {} · {} → grade {} score {} ({})", s.on, s.known_at_seq, s.rules_id, opt(s.grade), opt(s.score), s.decisive)
    };
    let _ = writeln!(o, "{}", d.enterprise);
    let _ = writeln!(o, "  from: {}", side(&d.from));
    let _ = writeln!(o, "  to:   {}", side(&d.to));
    if d.is_empty() {
        let _ = writeln!(o, "no differences");
        return o;
    }
    let _ = writeln!(o, "grade {}; score {}", if d.grade_changed { "CHANGED" } else { "unchanged" }, if d.score_changed { "changed" } else { "unchanged" });
    if !d.dimensions.is_empty() {
        let _ = writeln!(o, "\ndimensions (deduction)");
        let rows: Vec<Vec<String>> = d.dimensions.iter().map(|x| vec![x.id.clone(), opt(x.from), "→".into(), opt(x.to)]).collect();
        o += &columns(&rows);
    }
    if !d.conditions.is_empty() || !d.triggers.is_empty() {
        let _ = writeln!(o, "\nconditions (met) and triggers (fired)");
        let rows: Vec<Vec<String>> = d
            .conditions
            .iter()
            .chain(&d.triggers)
            .map(|x| vec![x.id.clone(), opt(x.from), "→".into(), opt(x.to), x.evidence.join(", ")])
            .collect();
        o += &columns(&rows);
    }
    if d.adjustment.0 != d.adjustment.1 {
        let _ = writeln!(o, "\noverdue raise: {} → {}", opt(d.adjustment.0.clone()), opt(d.adjustment.1.clone()));
    }
    if !d.facts.is_empty() {
        let _ = writeln!(o, "\nfacts whose status differs");
        o += &fact_rows(&d.facts);
    }
    o
}

/// The annual run's outcome.
pub fn issue(out: &IssueOutcome) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "issued {} grades for {} (V = {}, K = {}, head hash {}…, rules {} sha256 {}…)", out.recorded, out.year, out.on, out.known_at, &out.head_hash[..12], out.rules_id, &out.rules_sha256[..12]);
    if let (Some(a), Some(b)) = (out.first_seq, out.last_seq) {
        let _ = writeln!(o, "decision records: seqs {}..={} (refs GRADE-{}-<USCC>-<n>){}", a, b, out.year, if out.superseding > 0 { format!(", {} superseding earlier decisions", out.superseding) } else { String::new() });
    }
    if !out.unreplaced.is_empty() {
        let _ = writeln!(o, "{} earlier decision(s) stand without replacement (enterprise no longer in scope on {}): {}", out.unreplaced.len(), out.on, out.unreplaced.join(", "));
    }
    if out.unregistered > 0 {
        let _ = writeln!(o, "{} enterprise(s) with facts but no enterprise_registered known at seq {} skipped (out of scope)", out.unregistered, out.known_at);
    }
    let total = (out.recorded as usize).max(1);
    let parts: Vec<String> = out.distribution.iter().map(|(g, n)| format!("{g} {n} ({}.{}%)", n * 1000 / total / 10, n * 1000 / total % 10)).collect();
    let _ = writeln!(o, "distribution: {}", parts.join(", "));
    o
}

/// A review: the decision, its reproduction, what changed since, objections.
pub fn review(r: &Review) -> String {
    let mut o = String::new();
    let d = &r.decision;
    let g = &d.decision;
    let _ = writeln!(o, "decision {} (seq {}) · {} · year {} · grade {} score {}", d.reference, d.seq, d.enterprise, g.year, g.grade, g.score);
    let _ = writeln!(o, "  issued {} for V = {} under {} (sha256 {}…), knowledge cut K = {}, head hash {}…", d.issued_on, g.on, g.rules_id, &g.rules_sha256[..12.min(g.rules_sha256.len())], g.known_at_seq, &g.head_hash[..12.min(g.head_hash.len())]);
    let _ = writeln!(o, "  engine {}, report format {}", g.engine_version, g.report_format);
    if let Some(s) = &g.supersedes {
        let _ = writeln!(o, "  supersedes {s}");
    }
    if let Some(s) = &d.superseded_by {
        let _ = writeln!(o, "  superseded by {s}");
    }
    if r.reproduction.matches {
        let _ = writeln!(
            o,
            "\nreproduction: OK — grade, score and report hash {}… (report format {}) re-derive exactly",
            &g.report_sha256[..12.min(g.report_sha256.len())],
            g.report_format
        );
    } else {
        let causes: Vec<&str> = r.reproduction.causes.iter().map(|c| c.label()).collect();
        let _ = writeln!(o, "\nreproduction: MISMATCH — {}", causes.join("; "));
        for p in &r.reproduction.problems {
            let _ = writeln!(o, "  ! {p}");
        }
    }
    let c = &r.current;
    let _ = writeln!(o, "\nwith everything known now (K = {}): grade {} score {} ({})", c.known_at_seq, opt(c.grade), opt(c.score), c.decisive_reasons());
    let verdict = if c.grade != Some(g.grade) { "the grade CHANGES from the issued one" } else { "the grade is unchanged from the issued one" };
    match &r.changes {
        Some(ch) if !ch.is_empty() => {
            let _ = writeln!(o, "{verdict}");
            if !ch.facts.is_empty() {
                let _ = writeln!(o, "\nfacts whose status changed since the decision");
                o += &fact_rows(&ch.facts);
            }
            if !ch.conditions.is_empty() || !ch.triggers.is_empty() {
                let ids: Vec<String> = ch.conditions.iter().chain(&ch.triggers).map(|v| format!("{} {}→{}", v.id, opt(v.from), opt(v.to))).collect();
                let _ = writeln!(o, "verdicts: {}", ids.join(", "));
            }
        }
        Some(_) => {
            let _ = writeln!(o, "{verdict}; nothing in its basis has changed since the decision");
        }
        None => {
            let _ = writeln!(o, "{verdict}");
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "\nnote: {n}");
    }
    if d.objections.is_empty() {
        let _ = writeln!(o, "\nno objections");
    } else {
        let _ = writeln!(o, "\nobjections");
        for ob in &d.objections {
            let state = match &ob.decided {
                Some(x) => format!("{} on {} ({})", x.outcome, x.on, x.reference),
                None => "open".into(),
            };
            let _ = writeln!(o, "  {} filed {}: {} — {}", ob.reference, ob.filed_on, ob.grounds, state);
        }
    }
    o
}

/// What-if: the current grade, the supposed one, the differences.
pub fn what_if(w: &WhatIf) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "supposing {} validated fact(s) appended now ({} about this enterprise); nothing was written", w.facts_validated, w.facts_used);
    o += &diff(&w.changes);
    o
}

/// The enterprise's whole file.
pub fn dossier(d: &Dossier) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}  division {} · scale {} · key catalogue {} · as of {} · known at seq {}", d.enterprise, d.name, d.division, opt(d.scale.clone()), d.key_catalogue, d.as_of, d.known_at_seq);
    let _ = writeln!(o, "\nlicences");
    let rows: Vec<Vec<String>> = d
        .licences
        .iter()
        .map(|l| {
            let term = l.terminated.as_ref().map(|(r, m, on)| format!("terminated {on} {m} ({r})")).unwrap_or_default();
            vec![l.licence_no.clone(), l.product.clone(), l.category.clone(), l.risk_class.clone(), format!("{}..{}", l.valid_from, l.valid_to), if l.held_on_date { "held".into() } else { "not held".into() }, term]
        })
        .collect();
    o += &columns(&rows);
    let _ = writeln!(o, "\nfacts (valid-date order; corrections and follow-ups threaded under their target)");
    fn threads(f: &appeal::FactEntry, depth: usize, rows: &mut Vec<Vec<String>>) {
        for t in &f.threads {
            rows.push(vec![
                String::new(),
                format!("{}└ #{}", "  ".repeat(depth), t.seq),
                t.kind.to_string(),
                t.reference.clone(),
                format!("{} · valid {} · recorded {}", t.summary, t.occurred_on, t.recorded_at),
            ]);
            threads(t, depth + 1, rows);
        }
    }
    let mut rows = Vec::new();
    for f in &d.facts {
        rows.push(vec![f.occurred_on.to_string(), format!("#{}", f.seq), f.kind.to_string(), f.reference.clone(), f.summary.clone()]);
        threads(f, 0, &mut rows);
    }
    o += &columns(&rows);
    let _ = writeln!(o, "\nissued grades");
    if d.decisions.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for x in &d.decisions {
        let g = &x.decision;
        let sup = x.superseded_by.as_ref().map(|s| format!(" · superseded by {s}")).unwrap_or_default();
        let _ = writeln!(o, "  {} {} grade {} score {} (issued {}, K = {}){sup}", g.year, x.reference, g.grade, g.score, x.issued_on, g.known_at_seq);
        for ob in &x.objections {
            let state = ob.decided.as_ref().map(|x| format!("{} on {} ({})", x.outcome, x.on, x.reference)).unwrap_or_else(|| "open".into());
            let _ = writeln!(o, "    objection {} filed {}: {} — {}", ob.reference, ob.filed_on, ob.grounds, state);
        }
    }
    let _ = writeln!(o, "\ngrade history (month ends, everything known now)");
    let line: Vec<String> = d.history.iter().map(|h| format!("{}:{}", &h.on.to_string()[..7], h.grade.map(|g| g.to_string()).unwrap_or("-".into()))).collect();
    for chunk in line.chunks(12) {
        let _ = writeln!(o, "  {}", chunk.join(" "));
    }
    let _ = writeln!(o, "\nchanges");
    if d.changes.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for c in &d.changes {
        let _ = writeln!(o, "  {} {} → {} ({}): {}{}", c.on, opt(c.from), opt(c.to), c.decisive, c.verdicts.join(" "), if c.facts.is_empty() { String::new() } else { format!(" · {}", c.facts.join(", ")) });
    }
    o
}
