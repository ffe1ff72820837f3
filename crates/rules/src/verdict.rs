//! Condition and trigger ids, typed: the conditions of Art. 11 (A1–A9) and
//! Art. 12 (B1–B5) and the triggers of the reference D rule (D1–D6),
//! DOMAIN.md "Grades". A rule set lists which apply (`[grades]`) and, per id,
//! which list kinds feed it (`[lists]`) and how far back it looks
//! (`[windows]`), docs/RULES.md.

use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! ids {
    ($(#[$m:meta])* $name:ident { $($v:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($v),* }

        impl $name {
            /// Every id, in order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The id as written in rule-set files and reports (`A4`).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => stringify!($v)),* }
            }

            /// The id named by `s`, if any.
            pub fn from_id(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            /// As its id, a string.
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

ids!(
    /// A condition of grade A (A1–A9) or B (B1–B5).
    Condition { A1, A2, A3, A4, A5, A6, A7, A8, A9, B1, B2, B3, B4, B5 }
);

ids!(
    /// A trigger of grade D (D1–D6).
    Trigger { D1, D2, D3, D4, D5, D6 }
);

impl Condition {
    /// Whether the condition is of grade A's list (else B's).
    pub fn of_a(self) -> bool {
        self.as_str().starts_with('A')
    }
}

/// A condition or a trigger: what `[lists]` and `[windows]` are keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Condition(Condition),
    Trigger(Trigger),
}

impl Verdict {
    /// Every condition, then every trigger.
    pub fn all() -> impl Iterator<Item = Verdict> {
        Condition::ALL.iter().map(|c| Verdict::Condition(*c)).chain(Trigger::ALL.iter().map(|t| Verdict::Trigger(*t)))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Condition(c) => c.as_str(),
            Verdict::Trigger(t) => t.as_str(),
        }
    }

    pub fn from_id(s: &str) -> Option<Verdict> {
        Condition::from_id(s).map(Verdict::Condition).or_else(|| Trigger::from_id(s).map(Verdict::Trigger))
    }

    /// Whether the verdict weighs facts of a past-year window (and so may
    /// have its own in `[windows]`): every one but the score thresholds A1
    /// and B1, the self-inspection report A9 (due dates) and D1 (on a list
    /// on V).
    pub fn has_window(self) -> bool {
        !matches!(
            self,
            Verdict::Condition(Condition::A1 | Condition::B1 | Condition::A9) | Verdict::Trigger(Trigger::D1)
        )
    }

    /// Whether list entries may be its evidence (and so it may have list
    /// kinds in `[lists]`): every one but A1, B1 and A9, which facts do not
    /// decide one by one.
    pub fn takes_lists(self) -> bool {
        !matches!(self, Verdict::Condition(Condition::A1 | Condition::B1 | Condition::A9))
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
