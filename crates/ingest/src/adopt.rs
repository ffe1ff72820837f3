//! `rules adopt` (issue 8, item 1): a rule-set file, validated, recorded in
//! the ledger as a `rule_set_adopted` record holding its exact bytes; and
//! the rule sets a question (V, K) may use: the shipped ones plus the
//! adoptions known at K, read back from the ledger.

use model::fact::{Body, RuleSetAdopted, Source};
use model::{ChinaDate, Fact, Record, Seq, Timestamp, Uscc};
use rules::{Adoption, AdoptionError, RuleBook, RuleSet, RulesError};
use store::{Ledger, StoreError};

/// Largest rule-set file an adoption takes (a record stays far below the
/// envelope's 1 MiB limit; the shipped files are ~5 KiB).
pub const MAX_RULE_FILE: usize = 256 * 1024;

/// A rule-set adoption to record.
pub struct AdoptRequest {
    /// The file's name, for messages.
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// In force on V when `effective_from` ≤ V < `effective_to`.
    pub effective_from: ChinaDate,
    pub effective_to: Option<ChinaDate>,
    /// The id of the overlapping adoption this one replaces.
    pub replaces: Option<String>,
    /// The adopting authority's unified social credit code.
    pub authority: Uscc,
    /// The adoption act's document number; default `RULES-<id>-<effective_from>`.
    pub reference: Option<String>,
}

/// Why an adoption was not recorded (nothing was written).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptError {
    #[error("{0}: a rule-set file is UTF-8 TOML of at most 256 KiB")]
    NotText(String),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("{file}: {source}")]
    Refused { file: String, source: AdoptionError },
    #[error("ref {0:?} is already in the ledger; give the adoption its own document number with --ref")]
    RefTaken(String),
    #[error("the clock ({now}) is behind the ledger head's recorded time")]
    Clock { now: Timestamp },
    #[error("{0}")]
    Invalid(model::FieldError),
    /// A stored adoption whose rule file no longer loads: damage, or a
    /// format this release cannot read.
    #[error("the rule set adopted at seq {seq} does not load: {source}")]
    Stored { seq: Seq, source: RulesError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shipped rule sets plus every adoption known at `k`.
pub fn book_at(ledger: &Ledger, k: Seq) -> Result<RuleBook, AdoptError> {
    let shipped = rules::shipped()?;
    let adopted = ledger.adoptions(k)?.iter().map(adoption_of).collect::<Result<Vec<_>, _>>()?;
    Ok(shipped.with_adoptions(adopted))
}

/// A stored `rule_set_adopted` record as an [`Adoption`]: its bytes parsed
/// (they validated when adopted; a failure now is reported, never skipped).
pub fn adoption_of(rec: &Record) -> Result<Adoption, AdoptError> {
    let Body::RuleSetAdopted(b) = &rec.fact.body else {
        return Err(StoreError::Inconsistent(format!("seq {} is a {}, not a rule-set adoption", rec.seq, rec.fact.kind())).into());
    };
    let mut set = RuleSet::parse(&format!("adopted at seq {}", rec.seq), b.file.as_bytes()).map_err(|source| AdoptError::Stored { seq: rec.seq, source })?;
    set.effective_from = b.effective_from;
    set.effective_to = b.effective_to;
    Ok(Adoption { seq: rec.seq.0, reference: rec.fact.reference.clone(), replaces: b.replaces.clone(), set })
}

/// Validates `req` against the ledger as it stands and appends the
/// adoption, durably; returns its record.
pub fn adopt(ledger: &Ledger, req: AdoptRequest, now: Timestamp) -> Result<Record, AdoptError> {
    let file = req.file_name;
    let text = match String::from_utf8(req.bytes) {
        Ok(t) if t.len() <= MAX_RULE_FILE => t,
        _ => return Err(AdoptError::NotText(file)),
    };
    let set = RuleSet::parse(&file, text.as_bytes())?;
    let mut a = ledger.appender(true)?;
    let head = a.committed();
    if head.recorded_at.is_some_and(|t| t > now) {
        return Err(AdoptError::Clock { now });
    }
    book_at(ledger, head.seq)?
        .check_adoption(&set, req.effective_from, req.effective_to, req.replaces.as_deref())
        .map_err(|source| AdoptError::Refused { file: file.clone(), source })?;
    let reference = req.reference.unwrap_or_else(|| format!("RULES-{}-{}", set.id, req.effective_from));
    if a.seq_of_ref(&reference)?.is_some() {
        return Err(AdoptError::RefTaken(reference));
    }
    let body = Body::RuleSetAdopted(RuleSetAdopted {
        id: set.id.clone(),
        sha256: set.sha256.clone(),
        effective_from: req.effective_from,
        effective_to: req.effective_to,
        replaces: req.replaces,
        file: text,
    });
    body.validate().map_err(AdoptError::Invalid)?;
    let fact = Fact {
        reference,
        enterprise: req.authority,
        occurred_on: req.effective_from,
        source: Source::Manual,
        note: Some(format!("rule set {} adopted ({})", set.id, set.title)),
        body,
    };
    let rec = a.push(now, fact)?;
    a.commit()?;
    Ok(rec)
}
