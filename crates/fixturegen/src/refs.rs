//! Document numbers (`ref`s), handed out in file order so that the documents
//! of one series are numbered chronologically across the whole file, and the
//! filling of a template's ref slots (`fact.rs`).

use crate::fact::{write_str, RefSpec, SLOT_REF, SLOT_TARGET};
use std::collections::BTreeMap;

/// A [`RefSpec`] as read back from a run file: the same four forms, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefText<'a> {
    Doc { prefix: &'a str, year: i32, width: usize },
    Notice { prefix: &'a str, year: i32, month: u32 },
    Court { court: &'a str, year: i32 },
    Fixed(&'a str),
}

impl RefSpec {
    /// The spec as four tab-free columns (form letter and three values).
    pub fn columns(&self) -> [String; 4] {
        match self {
            RefSpec::Doc { prefix, year, width } => {
                ["D".into(), prefix.to_string(), year.to_string(), width.to_string()]
            }
            RefSpec::Notice { prefix, year, month } => {
                ["N".into(), prefix.to_string(), year.to_string(), month.to_string()]
            }
            RefSpec::Court { court, year } => {
                ["C".into(), court.to_string(), year.to_string(), String::new()]
            }
            RefSpec::Fixed(s) => ["F".into(), s.clone(), String::new(), String::new()],
        }
    }
}

impl<'a> RefText<'a> {
    /// Reads back [`RefSpec::columns`]; `None` if they are not such columns.
    pub fn from_columns(c: [&'a str; 4]) -> Option<RefText<'a>> {
        Some(match c[0] {
            "D" => RefText::Doc { prefix: c[1], year: c[2].parse().ok()?, width: c[3].parse().ok()? },
            "N" => RefText::Notice { prefix: c[1], year: c[2].parse().ok()?, month: c[3].parse().ok()? },
            "C" => RefText::Court { court: c[1], year: c[2].parse().ok()? },
            "F" => RefText::Fixed(c[1]),
            _ => return None,
        })
    }
}

/// Hands out document numbers in file order. Its state is one counter per
/// series and year (and per notice), whatever the file's size.
#[derive(Default)]
pub struct Numberer {
    counters: BTreeMap<String, u32>,
    notices: BTreeMap<(String, i32, u32), (u32, u32)>,
}

impl Numberer {
    /// The next ref of `spec`: `{prefix}〔{year}〕{n:0width}号`, a notice item
    /// `{prefix}〔{year}〕{no:04}号-{k:02}`, a court case `（{year}）{court}{n}号`,
    /// or the fixed text.
    pub fn assign(&mut self, spec: RefText<'_>) -> String {
        match spec {
            RefText::Doc { prefix, year, width } => {
                let n = self.next(prefix, year);
                format!("{prefix}〔{year}〕{n:0width$}号")
            }
            RefText::Court { court, year } => {
                let n = self.next(court, year);
                format!("（{year}）{court}{}号", 100 + n)
            }
            RefText::Notice { prefix, year, month } => {
                let key = (prefix.to_string(), year, month);
                let (no, k) = match self.notices.get(&key).copied() {
                    Some((no, k)) => (no, k + 1),
                    None => {
                        let no = self.next(prefix, year);
                        // notices are interleaved with other documents of the office
                        (no * 7 + 3, 1)
                    }
                };
                self.notices.insert(key, (no, k));
                format!("{prefix}〔{year}〕{no:04}号-{k:02}")
            }
            RefText::Fixed(s) => s.to_string(),
        }
    }

    fn next(&mut self, series: &str, year: i32) -> u32 {
        let c = self.counters.entry(format!("{series}|{year}")).or_insert(0);
        *c += 1;
        *c
    }
}

/// Appends `template` to `out` with its slots filled: the own ref, and the
/// target's ref (`None` only for a template without a target slot).
pub fn fill(template: &str, own: &str, target: Option<&str>, out: &mut String) {
    for (i, part) in template.split([SLOT_REF as char, SLOT_TARGET as char]).enumerate() {
        if i > 0 {
            // The slot byte just before `part`.
            let at = part.as_ptr() as usize - template.as_ptr() as usize - 1;
            let r = if template.as_bytes()[at] == SLOT_REF { own } else { target.expect("target ref") };
            write_str(out, r);
        }
        out.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_filled_and_escaped() {
        let mut out = String::new();
        fill("{\"ref\":\u{1},\"target\":\u{2},\"x\":1}", "A〔2024〕1号", Some("B\"2"), &mut out);
        assert_eq!(out, "{\"ref\":\"A〔2024〕1号\",\"target\":\"B\\\"2\",\"x\":1}");
    }

    #[test]
    fn columns_round_trip_and_number_per_series_and_year() {
        let mut n = Numberer::default();
        let spec = RefSpec::doc("师市监处罚", 2024, 3);
        let cols = spec.columns();
        let text = RefText::from_columns([&cols[0], &cols[1], &cols[2], &cols[3]]).unwrap();
        assert_eq!(n.assign(text), "师市监处罚〔2024〕001号");
        assert_eq!(n.assign(text), "师市监处罚〔2024〕002号");
        let notice = RefText::Notice { prefix: "兵市监抽", year: 2024, month: 3 };
        assert_eq!(n.assign(notice), "兵市监抽〔2024〕0010号-01");
        assert_eq!(n.assign(notice), "兵市监抽〔2024〕0010号-02");
        assert_eq!(n.assign(RefText::Court { court: "兵08行终", year: 2025 }), "（2025）兵08行终101号");
    }
}
