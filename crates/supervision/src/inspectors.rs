//! The inspector list of a plan (UTF-8 TOML, README "The supervision plan"):
//!
//! ```toml
//! [[inspector]]
//! id = "I01"                         # unique, the order of the draw
//! name = "王明"
//! conflicts = ["91650800MA7XK00001"] # enterprises this inspector may not inspect (回避)
//! ```

use crate::PlanError;
use model::Uscc;
use serde::Deserialize;
use std::collections::BTreeSet;

/// One inspector who may be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspector {
    pub id: String,
    pub name: String,
    /// USCCs of the enterprises this inspector must not inspect.
    pub conflicts: BTreeSet<String>,
}

/// The validated list, sorted by id (the order the draw indexes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspectors {
    pub list: Vec<Inspector>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    inspector: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: String,
    #[serde(default)]
    conflicts: Vec<String>,
}

impl Inspectors {
    /// Parses and validates an inspector file; `origin` names it in errors.
    /// Errors: not TOML or unknown keys; an empty or duplicate id; an empty
    /// name; a conflict that is not a valid USCC; fewer than two inspectors.
    pub fn parse(origin: &str, text: &str) -> Result<Inspectors, PlanError> {
        let bad = |message: String| PlanError::Inspectors { origin: origin.to_string(), message };
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|sp| text[..sp.start.min(text.len())].matches('\n').count() + 1);
            let msg = e.message().replace('\n', " ");
            bad(match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            })
        })?;
        let mut list = Vec::with_capacity(file.inspector.len());
        let mut ids = BTreeSet::new();
        for (i, e) in file.inspector.into_iter().enumerate() {
            let at = format!("inspector {} ({:?})", i + 1, e.id);
            if e.id.trim().is_empty() || e.id.trim() != e.id {
                return Err(bad(format!("{at}: id must be non-empty, without surrounding spaces")));
            }
            if !ids.insert(e.id.clone()) {
                return Err(bad(format!("{at}: id {:?} is given twice", e.id)));
            }
            if e.name.trim().is_empty() {
                return Err(bad(format!("{at}: name must be non-empty")));
            }
            if e.id.chars().chain(e.name.chars()).any(char::is_control) {
                return Err(bad(format!("{at}: id and name must not hold control characters")));
            }
            let mut conflicts = BTreeSet::new();
            for c in e.conflicts {
                Uscc::parse(&c).map_err(|err| bad(format!("{at}: conflict {c:?} is not a unified social credit code: {err}")))?;
                conflicts.insert(c);
            }
            list.push(Inspector { id: e.id, name: e.name, conflicts });
        }
        if list.len() < 2 {
            return Err(bad(format!("{} inspector(s): every inspection needs two", list.len())));
        }
        list.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Inspectors { list })
    }

    /// Indexes (into `list`) of the inspectors who may inspect `enterprise`.
    pub fn eligible(&self, enterprise: &str) -> Vec<usize> {
        (0..self.list.len()).filter(|&i| !self.list[i].conflicts.contains(enterprise)).collect()
    }

    /// The name of inspector `id`, if listed.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.list.iter().find(|i| i.id == id).map(|i| i.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue11_inspector_file_is_validated() {
        let ok = "[[inspector]]\nid = \"b\"\nname = \"乙\"\n[[inspector]]\nid = \"a\"\nname = \"甲\"\nconflicts = [\"91110000600037341L\"]\n";
        let s = Inspectors::parse("f.toml", ok).unwrap();
        assert_eq!(s.list.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["a", "b"], "sorted by id");
        assert_eq!(s.eligible("91110000600037341L"), vec![1]);
        assert_eq!(s.eligible("91650800MA7XK0001X"), vec![0, 1]);
        assert_eq!((s.name("a"), s.name("b"), s.name("c")), (Some("甲"), Some("乙"), None));
        let err = |t: &str| Inspectors::parse("f.toml", t).unwrap_err().to_string();
        assert!(err("[[inspector]]\nid = \"a\"\nname = \"甲\"\n").contains("1 inspector(s)"));
        assert!(err(&format!("{ok}[[inspector]]\nid = \"a\"\nname = \"丙\"\n")).contains("given twice"));
        assert!(err(&ok.replace("91110000600037341L", "91110000600037341X")).contains("not a unified social credit code"));
        assert!(err(&ok.replace("name = \"乙\"", "name = \" \"")).contains("name must be non-empty"));
        assert!(err(&ok.replace("id = \"b\"", "id = \"\"")).contains("id must be non-empty"));
        assert!(err(&format!("{ok}extra = 1\n")).starts_with("f.toml: "));
        assert!(err(&ok.replace("name = \"乙\"", "name = \"乙\\n丙\"")).contains("control characters"));
        assert!(err(&ok.replace("id = \"b\"", "id = \"b\\tc\"")).contains("control characters"));
        let e = err(&ok.replace("name = \"甲\"", "name = 甲"));
        assert!(e.starts_with("f.toml: line 6: ") && !e.contains('\n'), "{e}");
    }
}
