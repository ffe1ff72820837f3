//! The enterprise on V: identity and licences.

use crate::resolve::{Effective, Resolved};
use crate::window::Window;
use model::fact::{Body, Scale};
use model::ChinaDate;
use rules::{RiskClass, RuleSet};

/// Name, division, scale and catalogue flag in force on V, folded from the
/// registration and changes in (valid date, seq) order.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub name: String,
    pub division: String,
    pub scale: Option<Scale>,
    /// Ref of the fact that set the scale in force.
    pub scale_ref: Option<String>,
    pub key_catalogue: bool,
}

pub fn identity(r: &Resolved, v: ChinaDate) -> Identity {
    let mut facts: Vec<&Effective> = r
        .facts
        .iter()
        .filter(|e| e.void.is_none())
        .filter(|e| matches!(e.body, Body::EnterpriseRegistered(_) | Body::EnterpriseChanged(_)))
        .collect();
    facts.sort_by_key(|e| (e.occurred_on, e.seq()));
    let fold = |upto: Option<ChinaDate>| {
        let mut id = Identity::default();
        for e in facts.iter().filter(|e| upto.is_none_or(|v| e.occurred_on <= v)) {
            match &e.body {
                Body::EnterpriseRegistered(b) => {
                    id.name = b.name.clone();
                    id.division = b.division.clone();
                    id.scale = Some(b.scale);
                    id.scale_ref = Some(e.reference().to_string());
                    id.key_catalogue = b.key_catalogue;
                }
                Body::EnterpriseChanged(c) => {
                    if let Some(n) = &c.name {
                        id.name = n.clone();
                    }
                    if let Some(d) = &c.division {
                        id.division = d.clone();
                    }
                    if let Some(s) = c.scale {
                        id.scale = Some(s);
                        id.scale_ref = Some(e.reference().to_string());
                    }
                    if let Some(k) = c.key_catalogue {
                        id.key_catalogue = k;
                    }
                }
                _ => {}
            }
        }
        id
    };
    let on_v = fold(Some(v));
    if on_v.name.is_empty() {
        // Registered after V: show the name and division as last known (all
        // changes folded), but nothing else (no scale, no catalogue flag) is
        // in force on V.
        let later = fold(None);
        return Identity { name: later.name, division: later.division, ..on_v };
    }
    on_v
}

/// Licence grants and terminations, as corrected and not void.
pub struct Licences<'r, 'a> {
    grants: Vec<&'r Effective<'a>>,
    terminations: Vec<&'r Effective<'a>>,
}

impl<'r, 'a> Licences<'r, 'a> {
    pub fn new(r: &'r Resolved<'a>) -> Self {
        let live = |e: &&Effective| e.void.is_none();
        Licences {
            grants: r.facts.iter().filter(live).filter(|e| matches!(e.body, Body::LicenceGranted(_))).collect(),
            terminations: r.facts.iter().filter(live).filter(|e| matches!(e.body, Body::LicenceTerminated(_))).collect(),
        }
    }

    /// Whether this grant covers some day d with `from` ≤ d ≤ `to`:
    /// max(grant date, valid_from) ≤ d < valid_to, and no termination of the
    /// same licence number dated on or before d.
    pub fn held(&self, grant: &Effective, from: ChinaDate, to: ChinaDate) -> bool {
        let Body::LicenceGranted(g) = &grant.body else { return false };
        let start = grant.occurred_on.max(g.valid_from).max(from);
        let cut = self
            .terminations
            .iter()
            .filter_map(|t| match &t.body {
                Body::LicenceTerminated(x) if x.licence_no == g.licence_no => Some(t.occurred_on),
                _ => None,
            })
            .min();
        let end_excl = [Some(g.valid_to), cut, Some(to.add_days(1))].into_iter().flatten().min().expect("non-empty");
        start < end_excl
    }

    /// Whether any licence covers some day of [from, to].
    pub fn any_held(&self, from: ChinaDate, to: ChinaDate) -> bool {
        self.grants.iter().any(|g| self.held(g, from, to))
    }

    /// The grants covering some day of the window.
    pub fn held_in(&self, w: &Window) -> Vec<&'r Effective<'a>> {
        self.grants.iter().copied().filter(|g| self.held(g, w.start.add_days(1), w.v)).collect()
    }
}

/// The product-risk class of a licence grant under the rule set.
pub fn licence_class(body: &Body, rules: &RuleSet) -> RiskClass {
    match body {
        Body::LicenceGranted(g) => rules.product_risk.class_of(&g.category),
        _ => RiskClass::General,
    }
}
