//! The mapping file (docs/SHEETS.md): the fact kind of a sheet's rows, its
//! header row, one entry per column (header → fact field, with a
//! conversion), the constant fields, and the templates that build `ref`
//! and `note`. It is data (TOML), checked whole before any workbook is
//! read: every problem names the mapping file and the key.

use super::json::Json;
use super::SheetError;
use model::fact::Kind;
use serde::Deserialize;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// The file as written (unknown keys refused by serde, with their line).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    kind: String,
    header_row: Option<i64>,
    #[serde(rename = "ref")]
    reference: String,
    note: Option<String>,
    #[serde(default)]
    constants: toml::Table,
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    header: String,
    field: Option<String>,
    #[serde(default)]
    convert: Convert,
    #[serde(default)]
    optional: bool,
    values: Option<BTreeMap<String, String>>,
    item: Option<String>,
    ignore: Option<String>,
}

/// How a cell becomes a field value (docs/SHEETS.md "Conversions").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Convert {
    /// The cell's text, trimmed (a number as its shortest decimal, a date cell as `YYYY-MM-DD`).
    #[default]
    Text,
    /// A unified social credit code: a text cell (a number would have lost digits).
    Uscc,
    /// A civil date: text `YYYY-MM-DD`, `YYYY/M/D`, `YYYY年M月D日`, or a date-formatted cell (Excel serial date).
    Date,
    /// An amount in 万元 (10,000 yuan), exact, to an amount in yuan (at most six decimals: a fen).
    WanYuan,
    /// An amount in yuan, exact (at most two decimals).
    Yuan,
    /// One entry of the column's value table (`values`).
    Value,
    /// A list split on 、，,；; — each item through `values` when given, wrapped as `{item = …}` when `item` is given.
    List,
}

/// Where a column's value goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A field of the fact (`product`, `occurred_on`).
    Field(String),
    /// A field of the element of list field `list` whose `key` is `value`:
    /// `measures[type=fine].amount_yuan`.
    Element { list: String, key: String, value: String, leaf: String },
    /// No field: named in a template, or ignored (with the mapping's reason).
    Nothing,
}

impl Target {
    /// The fact field it fills at the top level (`measures` for an element), if any.
    pub fn top(&self) -> Option<&str> {
        match self {
            Target::Field(f) => Some(f),
            Target::Element { list, .. } => Some(list),
            Target::Nothing => None,
        }
    }
}

/// One declared column.
#[derive(Clone, Debug)]
pub struct Column {
    /// The header as the mapping writes it.
    pub header: String,
    /// The header as compared with the sheet's ([`header_key`]).
    pub key: String,
    pub target: Target,
    pub convert: Convert,
    /// An empty cell leaves the field out (a list: `[]`) instead of rejecting the row.
    pub optional: bool,
    /// Cell text → field value, for `value` and `list`.
    pub values: BTreeMap<String, String>,
    /// For `list`: each item becomes an object `{item: value}`.
    pub item: Option<String>,
}

/// A template piece: literal text, or the value of column `i` of [`Mapping::columns`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Column(usize),
}

/// A checked mapping file.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// The mapping file's name, as messages give it.
    pub name: String,
    pub kind: Kind,
    /// Excel row (1-based) of the headers; data rows follow it.
    pub header_row: u32,
    /// The `ref` template.
    pub reference: Vec<Piece>,
    /// The `note` template, if any.
    pub note: Option<Vec<Piece>>,
    /// Fields every fact gets, in file order.
    pub constants: Vec<(String, Json)>,
    pub columns: Vec<Column>,
}

/// A header as compared: NFKC (so `（万元）` is `(万元)`), without whitespace.
pub fn header_key(h: &str) -> String {
    h.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Excel's last row.
const MAX_ROW: i64 = 1_048_576;

/// Fields the mapping fills itself, never a column or a constant.
const OWN_FIELDS: &[(&str, &str)] = &[
    ("kind", "is the mapping's `kind` key"),
    ("ref", "is built by the mapping's `ref` template"),
    ("note", "is built by the mapping's `note` template"),
    ("recorded_at", "is the command's \"now\" for facts read from a sheet"),
];

impl Mapping {
    /// Reads and checks the mapping file `name` (its bytes): the first
    /// problem, naming the file and the key (or the line).
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Mapping, SheetError> {
        let fail = |place: String, message: String| SheetError::Mapping { file: name.to_string(), place, message };
        let text = std::str::from_utf8(bytes).map_err(|_| fail("its text".into(), "is not UTF-8".into()))?;
        let raw: RawMapping = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            fail(line.map_or("its text".into(), |l| format!("line {l}")), e.message().trim().to_string())
        })?;
        let mapping = check(raw).map_err(|(key, message)| fail(format!("key `{key}`"), message))?;
        Ok(Mapping { name: name.to_string(), ..mapping })
    }

    /// The index of the declared column with header `key` ([`header_key`]).
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

type Fault = (String, String);

fn check(raw: RawMapping) -> Result<Mapping, Fault> {
    let fault = |key: &str, m: String| (key.to_string(), m);
    let kind = Kind::from_name(&raw.kind).ok_or_else(|| fault("kind", format!("{:?} is not a fact kind (CONTRACT.md §1)", raw.kind)))?;
    if matches!(kind, Kind::GradeIssued | Kind::RuleSetAdopted | Kind::PlanIssued) {
        return Err(fault("kind", format!("{kind} is written only by the ledger itself, never imported")));
    }
    let header_row = match raw.header_row.unwrap_or(1) {
        r @ 1..=MAX_ROW => r as u32,
        r => return Err(fault("header_row", format!("{r} is not an Excel row (1 to {MAX_ROW})"))),
    };
    if raw.columns.is_empty() {
        return Err(fault("columns", "declares no column".into()));
    }
    let mut columns: Vec<Column> = Vec::with_capacity(raw.columns.len());
    let mut ignored = Vec::new();
    for (i, c) in raw.columns.into_iter().enumerate() {
        let at = |k: &str| format!("columns[{i}].{k}");
        let key = header_key(&c.header);
        if key.is_empty() {
            return Err(fault(&at("header"), "is empty".into()));
        }
        if let Some(j) = columns.iter().position(|o| o.key == key) {
            return Err(fault(&at("header"), format!("column {} is declared twice (columns[{j}] and columns[{i}])", c.header)));
        }
        let target = match (&c.field, &c.ignore) {
            (Some(_), Some(_)) => return Err(fault(&at("ignore"), "a column with a `field` is not ignored; give one of the two".into())),
            (None, Some(why)) if why.trim().is_empty() => return Err(fault(&at("ignore"), "must say why the column carries no fact field".into())),
            (Some(f), None) => target(f).map_err(|m| fault(&at("field"), m))?,
            (None, _) => Target::Nothing,
        };
        if c.ignore.is_some() {
            ignored.push(i);
        }
        let values = c.values.unwrap_or_default();
        if c.convert == Convert::Value && values.is_empty() {
            return Err(fault(&at("values"), "a `value` conversion needs a non-empty value table".into()));
        }
        if !matches!(c.convert, Convert::Value | Convert::List) && !values.is_empty() {
            return Err(fault(&at("values"), "only a `value` or `list` conversion has a value table".into()));
        }
        if c.item.is_some() && c.convert != Convert::List {
            return Err(fault(&at("item"), "only a `list` conversion wraps its items".into()));
        }
        if let Some(item) = &c.item {
            field_name(item).map_err(|m| fault(&at("item"), m))?;
        }
        if let Some(top) = target.top() {
            if let Some(j) = columns.iter().position(|o| o.target == target) {
                return Err(fault(&at("field"), format!("{top} is already given by column {} (columns[{j}])", columns[j].header)));
            }
        }
        columns.push(Column { header: c.header, key, target, convert: c.convert, optional: c.optional, values, item: c.item });
    }
    for (i, c) in columns.iter().enumerate() {
        if let Target::Element { list, key, .. } = &c.target {
            let holder = columns.iter().find(|o| o.target == Target::Field(list.clone()) && o.item.as_deref() == Some(key.as_str()));
            if holder.is_none() {
                return Err(fault(&format!("columns[{i}].field"), format!("no `list` column gives {list} with items `{{{key} = …}}`")));
            }
        }
    }
    let constants = constants(raw.constants, &columns)?;
    let reference = template(&raw.reference, &columns).map_err(|m| fault("ref", m))?;
    if !reference.iter().any(|p| matches!(p, Piece::Column(_))) {
        return Err(fault("ref", "names no column: every row would get the same ref".into()));
    }
    let note = raw.note.as_deref().map(|n| template(n, &columns)).transpose().map_err(|m| fault("note", m))?;
    let named = |i: usize| reference.iter().chain(note.iter().flatten()).any(|p| *p == Piece::Column(i));
    for (i, c) in columns.iter().enumerate() {
        if ignored.contains(&i) && named(i) {
            return Err(fault(&format!("columns[{i}].ignore"), format!("column {} is named in a template, so it is not ignored", c.header)));
        }
        if c.target == Target::Nothing && !ignored.contains(&i) && !named(i) {
            return Err(fault(
                &format!("columns[{i}]"),
                format!("column {} is used nowhere: give it a `field`, name it in the `ref` or `note` template, or say why with `ignore = \"…\"`", c.header),
            ));
        }
    }
    for needed in ["enterprise", "occurred_on"] {
        if !columns.iter().any(|c| c.target.top() == Some(needed)) && !constants.iter().any(|(k, _)| k == needed) {
            return Err(fault("columns", format!("no column gives `{needed}`, which every fact has")));
        }
    }
    Ok(Mapping { name: String::new(), kind, header_row, reference, note, constants, columns })
}

/// A field name: lower-case ASCII letters and `_`, not one the mapping fills itself.
fn field_name(f: &str) -> Result<&str, String> {
    if f.is_empty() || !f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(format!("{f:?} is not a field name (lower-case letters and _)"));
    }
    Ok(f)
}

/// `name` or `list[key=value].leaf`.
fn target(f: &str) -> Result<Target, String> {
    let Some((list, rest)) = f.split_once('[') else {
        let name = field_name(f)?;
        if let Some((_, why)) = OWN_FIELDS.iter().find(|(k, _)| *k == name) {
            return Err(format!("{name} {why}; no column gives it"));
        }
        return Ok(Target::Field(name.to_string()));
    };
    let shape = || format!("{f:?} is neither a field name nor `list[key=value].field` (e.g. measures[type=fine].amount_yuan)");
    let (select, leaf) = rest.split_once("].").ok_or_else(shape)?;
    let (key, value) = select.split_once('=').ok_or_else(shape)?;
    if value.is_empty() {
        return Err(shape());
    }
    Ok(Target::Element { list: field_name(list)?.into(), key: field_name(key)?.into(), value: value.into(), leaf: field_name(leaf)?.into() })
}

/// The `[constants]` table as JSON values, in file order.
fn constants(table: toml::Table, columns: &[Column]) -> Result<Vec<(String, Json)>, Fault> {
    let mut out = Vec::new();
    for (k, v) in table {
        let at = format!("constants.{k}");
        match target(&k).map_err(|m| (at.clone(), m))? {
            Target::Field(_) => {}
            _ => return Err((at, "a constant is a plain field".into())),
        }
        if let Some(c) = columns.iter().find(|c| c.target.top() == Some(k.as_str())) {
            return Err((at, format!("{k} is already given by column {}", c.header)));
        }
        let json = Json::from_toml(v).map_err(|m| (at.clone(), m))?;
        out.push((k, json));
    }
    Ok(out)
}

/// A template: text with `{header}` placeholders, each a declared column.
fn template(t: &str, columns: &[Column]) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("{t:?} has a `}}` without its `{{`"));
        }
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| format!("{t:?} has a `{{` without its `}}`"))?;
        let name = &after[..close];
        if name.contains('{') {
            return Err(format!("{t:?} has a `{{` inside a placeholder"));
        }
        let key = header_key(name);
        let i = columns.iter().position(|c| c.key == key).ok_or_else(|| format!("{{{name}}} names a column the mapping does not declare"))?;
        pieces.push(Piece::Column(i));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    Ok(pieces)
}
