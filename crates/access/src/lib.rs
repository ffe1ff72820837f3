//! Who may do what through the server (issue 9, item 6).
//!
//! An access file (TOML, README "Access file") lists bearer tokens by the
//! SHA-256 of their text, never the text itself, each with a name (what
//! the audit trail records) and a role:
//! - `division`: reads one division's enterprises; with `write = true`
//!   also appends facts about them;
//! - `jurisdiction`: reads every division (XPCC level); with
//!   `write = true` also runs the ledger-wide writes (`issue`, `rules adopt`);
//! - `enterprise`: reads its own grade and dossier, nothing else;
//! - `auditor`: reads everything and verifies.
//!
//! Pure: the shell reads the file and hands the bytes in.

use model::Uscc;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Why an access file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    #[error("access file {file}: {message}")]
    Syntax { file: String, message: String },
    #[error("access file {file}: token {index} ({name:?}): {message}")]
    Token { file: String, index: usize, name: String, message: String },
    #[error("access file {file}: it lists no token, so nobody could use the server")]
    Empty { file: String },
}

/// A role and the scope it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// Division staff: one division (e.g. "08"), reading, and writing when `write`.
    Division { division: String, write: bool },
    /// XPCC-level staff: every division; `write` allows the ledger-wide writes.
    Jurisdiction { write: bool },
    /// An enterprise: its own grade and dossier only.
    Enterprise { uscc: Uscc },
    /// Reads everything and verifies; never writes.
    Auditor,
}

impl Role {
    /// The role's name as the access file spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Division { .. } => "division",
            Role::Jurisdiction { .. } => "jurisdiction",
            Role::Enterprise { .. } => "enterprise",
            Role::Auditor => "auditor",
        }
    }
}

/// An authenticated caller: the token's name and role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
}

/// What a request asks to do, with the scope the server looked up.
#[derive(Clone, Copy, Debug)]
pub enum Action<'a> {
    /// Read one enterprise (grade, dossier, diff, what-if, review);
    /// `division`: its division at the knowledge cut, `None` when unknown.
    ReadEnterprise { uscc: &'a Uscc, division: Option<&'a str> },
    /// Read a list over one division (`Some`) or all of them (`None`).
    ReadDivision { division: Option<&'a str> },
    /// Read the whole ledger record by record (replay, events, export).
    ReadAll,
    /// Verify the ledger, read the audit trail.
    Verify,
    /// Read the rule sets (list, show, check, diff): any caller.
    ReadRules,
    /// Append facts about enterprises of `division`.
    Write { division: &'a str },
    /// Ledger-wide writes: the annual `issue`, `rules adopt`.
    WriteAll,
}

/// Why a caller may not do something: one sentence for the 403 answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token {name:?} ({role}) may not {what}")]
pub struct Refusal {
    pub name: String,
    pub role: &'static str,
    pub what: String,
}

impl Principal {
    /// Whether this caller may do `action`; the refusal names what it may not do.
    pub fn may(&self, action: Action<'_>) -> Result<(), Refusal> {
        let allowed = match (&self.role, action) {
            (_, Action::ReadRules) => true,
            (Role::Auditor, a) => !matches!(a, Action::Write { .. } | Action::WriteAll),
            (Role::Jurisdiction { write }, a) => match a {
                Action::Verify => false,
                // Facts are appended by the division that holds the enterprise.
                Action::Write { .. } => false,
                Action::WriteAll => *write,
                _ => true,
            },
            (Role::Division { division, write }, a) => match a {
                Action::ReadEnterprise { division: d, .. } | Action::ReadDivision { division: d } => d == Some(division.as_str()),
                Action::Write { division: d } => *write && d == division,
                _ => false,
            },
            (Role::Enterprise { uscc }, Action::ReadEnterprise { uscc: u, .. }) => u == uscc,
            (Role::Enterprise { .. }, _) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(Refusal { name: self.name.clone(), role: self.role.name(), what: describe(action) })
        }
    }
}

fn describe(action: Action<'_>) -> String {
    match action {
        // Never the enterprise's division: a refusal must not tell whether or where it exists.
        Action::ReadEnterprise { uscc, .. } => format!("read enterprise {uscc}"),
        Action::ReadDivision { division: Some(d) } => format!("read division {d}"),
        Action::ReadDivision { division: None } => "read every division (give division=… for one)".into(),
        Action::ReadAll => "read the whole ledger".into(),
        Action::Verify => "verify the ledger or read the audit trail".into(),
        Action::ReadRules => "read the rule sets".into(),
        Action::Write { division } => format!("append facts about enterprises of division {division}"),
        Action::WriteAll => "run a ledger-wide write (issue, rules adopt)".into(),
    }
}

/// The SHA-256 of a token's text, lowercase hex: what the access file stores.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The parsed access file: principals by token hash.
#[derive(Debug)]
pub struct AccessList {
    by_hash: HashMap<[u8; 32], Principal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    token: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    sha256: String,
    role: String,
    division: Option<String>,
    uscc: Option<String>,
    #[serde(default)]
    write: bool,
}

impl AccessList {
    /// Parses an access file's bytes; `file` names it in messages. Every
    /// token needs a unique name, a unique 64-hex-digit `sha256`, a known
    /// role and exactly the scope fields that role takes.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<AccessList, AccessError> {
        let syntax = |message: String| AccessError::Syntax { file: file.to_string(), message };
        let text = std::str::from_utf8(bytes).map_err(|e| syntax(format!("not UTF-8: {e}")))?;
        let parsed: File = toml::from_str(text).map_err(|e| {
            let m = e.to_string().trim_end().replace('\n', " ");
            let hint = if m.contains("unknown field `token`") { "; store the token's SHA-256 as `sha256`, never the token itself" } else { "" };
            syntax(format!("{m}{hint}"))
        })?;
        if parsed.token.is_empty() {
            return Err(AccessError::Empty { file: file.to_string() });
        }
        let mut by_hash = HashMap::new();
        let mut names = std::collections::HashSet::new();
        for (i, e) in parsed.token.into_iter().enumerate() {
            let bad = |message: &str| AccessError::Token { file: file.to_string(), index: i + 1, name: e.name.clone(), message: message.to_string() };
            if e.name.trim().is_empty() {
                return Err(bad("`name` is empty"));
            }
            if !names.insert(e.name.clone()) {
                return Err(bad("another token has the same name"));
            }
            let hash = parse_hash(&e.sha256).ok_or_else(|| bad("`sha256` must be 64 hexadecimal digits: the SHA-256 of the token (the token itself is never stored)"))?;
            let role = role(&e).map_err(|m| bad(&m))?;
            if by_hash.insert(hash, Principal { name: e.name.clone(), role }).is_some() {
                return Err(bad("another token has the same sha256"));
            }
        }
        Ok(AccessList { by_hash })
    }

    /// The caller a bearer token names, if any.
    pub fn authenticate(&self, token: &str) -> Option<&Principal> {
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.by_hash.get(&hash)
    }

    /// How many tokens the file lists.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

fn parse_hash(s: &str) -> Option<[u8; 32]> {
    let v = hex::decode(s.trim()).ok()?;
    v.try_into().ok()
}

fn role(e: &Entry) -> Result<Role, String> {
    let only = |allowed: &[&str]| -> Result<(), String> {
        let given = [("division", e.division.is_some()), ("uscc", e.uscc.is_some()), ("write", e.write)];
        match given.iter().find(|(f, set)| *set && !allowed.contains(f)) {
            Some((f, _)) => Err(format!("role {:?} takes no `{f}`", e.role)),
            None => Ok(()),
        }
    };
    match e.role.as_str() {
        "division" => {
            only(&["division", "write"])?;
            let d = e.division.clone().ok_or("role \"division\" needs `division` (e.g. \"08\")")?;
            model::fact::check_division(&d).map_err(|f| format!("`division`: {}", f.message))?;
            Ok(Role::Division { division: d, write: e.write })
        }
        "jurisdiction" => {
            only(&["write"])?;
            Ok(Role::Jurisdiction { write: e.write })
        }
        "enterprise" => {
            only(&["uscc"])?;
            let u = e.uscc.as_deref().ok_or("role \"enterprise\" needs `uscc`")?;
            let uscc = Uscc::parse(u).map_err(|err| format!("`uscc`: {err}"))?;
            Ok(Role::Enterprise { uscc })
        }
        "auditor" => {
            only(&[])?;
            Ok(Role::Auditor)
        }
        other => Err(format!("unknown role {other:?} (division, jurisdiction, enterprise or auditor)")),
    }
}

#[cfg(test)]
mod tests;
