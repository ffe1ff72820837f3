//! One data row → one fact as a JSON Lines line: each column's cell
//! converted, placed in its field (or in an element of a list field), the
//! constants added, `ref` and `note` built from their templates.

use super::cells::{self, Unit};
use super::json::Json;
use super::mapping::{Column, Convert, Mapping, Piece, Target};
use calamine::Data;

/// Characters a `list` cell is split on.
pub const LIST_SEPARATORS: [char; 5] = ['、', '，', ',', '；', ';'];

/// Why a row gives no fact: the mapping's columns at fault (indexes) and why.
pub type RowFault = (Vec<usize>, String);

/// The fact of one row (its cells in the mapping's column order).
pub fn fact(mapping: &Mapping, cells: &[&Data]) -> Result<String, RowFault> {
    let mut values: Vec<Option<Json>> = Vec::with_capacity(cells.len());
    for (i, (c, d)) in mapping.columns.iter().zip(cells).enumerate() {
        let v = convert(c, d).map_err(|m| (vec![i], m))?;
        let v = match v {
            None if c.convert == Convert::List && c.optional => Some(Json::List(Vec::new())),
            None if !c.optional && c.target != Target::Nothing => return Err((vec![i], "is empty; the mapping requires a value".into())),
            v => v,
        };
        values.push(v);
    }
    let mut obj: Vec<(String, Json)> = vec![("kind".into(), Json::Str(mapping.kind.name().into())), ("ref".into(), Json::Str(fill(&mapping.reference, &values)))];
    for (c, v) in mapping.columns.iter().zip(&values) {
        if let (Target::Field(f), Some(v)) = (&c.target, v) {
            obj.push((f.clone(), v.clone()));
        }
    }
    obj.extend(mapping.constants.iter().cloned());
    for (i, (c, v)) in mapping.columns.iter().zip(&values).enumerate() {
        if let (Target::Element { list, key, value, leaf }, Some(v)) = (&c.target, v) {
            place(&mut obj, list, key, value, leaf, v.clone()).map_err(|m| {
                let holder = mapping.columns.iter().position(|o| o.target == Target::Field(list.clone()));
                (std::iter::once(i).chain(holder).collect(), m)
            })?;
        }
    }
    if let Some(note) = &mapping.note {
        let named = note.iter().any(|p| matches!(p, Piece::Column(i) if values[*i].is_some()));
        if named {
            obj.push(("note".into(), Json::Str(fill(note, &values))));
        }
    }
    let mut line = String::new();
    Json::Obj(obj).write(&mut line);
    Ok(line)
}

/// A template with each column's value (empty when the cell is).
fn fill(template: &[Piece], values: &[Option<Json>]) -> String {
    template
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Column(i) => values[*i].as_ref().map(Json::text).unwrap_or_default(),
        })
        .collect()
}

/// Sets `leaf` on the one element of list field `list` whose `key` is `value`.
fn place(obj: &mut [(String, Json)], list: &str, key: &str, value: &str, leaf: &str, v: Json) -> Result<(), String> {
    let items = match obj.iter_mut().find(|(k, _)| k == list) {
        Some((_, Json::List(items))) => items,
        _ => return Err(format!("gives `{leaf}` of the {value} in `{list}`, but the row has no `{list}`")),
    };
    let wanted = Json::Str(value.into());
    let mut matching = items.iter_mut().filter_map(|x| match x {
        Json::Obj(kv) if kv.iter().any(|(k, x)| k == key && *x == wanted) => Some(kv),
        _ => None,
    });
    let Some(target) = matching.next() else {
        return Err(format!("gives `{leaf}` of the {value} in `{list}`, but the row's `{list}` has no {value}"));
    };
    target.push((leaf.to_string(), v));
    if matching.next().is_some() {
        return Err(format!("gives one `{leaf}`, but the row's `{list}` has {value} more than once"));
    }
    Ok(())
}

/// The cell as its column's value; `None` when empty.
fn convert(c: &Column, d: &Data) -> Result<Option<Json>, String> {
    Ok(match c.convert {
        Convert::Text => cells::text(d)?.map(Json::Str),
        Convert::Uscc => cells::uscc(d)?.map(Json::Str),
        Convert::Date => cells::date(d)?.map(Json::Str),
        Convert::WanYuan => cells::amount(d, Unit::WanYuan)?.map(Json::Num),
        Convert::Yuan => cells::amount(d, Unit::Yuan)?.map(Json::Num),
        Convert::Value => cells::text(d)?.map(|t| lookup(c, &t)).transpose()?.map(Json::Str),
        Convert::List => match cells::text(d)? {
            None => None,
            Some(t) => {
                let items = t.split(LIST_SEPARATORS).map(str::trim).filter(|s| !s.is_empty());
                let items = items.map(|s| if c.values.is_empty() { Ok(s.to_string()) } else { lookup(c, s) }).collect::<Result<Vec<_>, _>>()?;
                let wrap = |s: String| match &c.item {
                    Some(k) => Json::Obj(vec![(k.clone(), Json::Str(s))]),
                    None => Json::Str(s),
                };
                Some(Json::List(items.into_iter().map(wrap).collect()))
            }
        },
    })
}

/// The value-table entry for `text`.
fn lookup(c: &Column, text: &str) -> Result<String, String> {
    c.values.get(text).cloned().ok_or_else(|| {
        let known: Vec<&str> = c.values.keys().map(String::as_str).collect();
        format!("{text:?} is not in the mapping's value table for this column (known: {})", known.join(", "))
    })
}
