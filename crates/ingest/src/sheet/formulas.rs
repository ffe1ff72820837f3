//! The cells of a sheet that hold a formula, read from the sheet's own XML
//! part: every `<c>` with an `<f>` element. calamine's formula range misses
//! the cells a shared formula was filled into (`<f t="shared" si="0"/>`, no
//! formula text of their own), so the XML itself is the authority here.

use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// The workbook part and its relationships, as calamine reads them.
const WORKBOOK: &str = "xl/workbook.xml";
const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";

/// The 0-based (row, column) of every cell of sheet `sheet` of the XLSX
/// workbook `bytes` that holds a formula, in the order of the sheet's XML;
/// why the sheet's XML could not be read otherwise.
pub fn formula_cells(bytes: &[u8], sheet: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let id = attribute_of(&part(&mut zip, WORKBOOK)?, b"sheet", b"name", sheet, b"id").ok_or_else(|| format!("{WORKBOOK} names no sheet {sheet:?}"))?;
    let target = attribute_of(&part(&mut zip, WORKBOOK_RELS)?, b"Relationship", b"Id", &id, b"Target").ok_or_else(|| format!("{WORKBOOK_RELS} has no {id}"))?;
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if target.starts_with("xl/") => target,
        None => format!("xl/{target}"),
    };
    let xml = part(&mut zip, &path)?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let d = reader.decoder();
    // Where the reader is: in `<sheetData>`, in a `<c>` at (row, col); the row a `<row>` without `r` is.
    let (mut in_data, mut in_cell, mut row, mut col, mut next_row) = (false, false, 0u32, 0u32, 0u32);
    let mut found = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| format!("{path}: {e}"))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"sheetData" => in_data = !empty,
                b"row" if in_data => {
                    row = match attribute(&e, b"r", d) {
                        Some(r) => r.parse::<u32>().ok().and_then(|r| r.checked_sub(1)).ok_or_else(|| format!("{path}: row number {r:?}"))?,
                        None => next_row,
                    };
                    next_row = row.saturating_add(1);
                    col = u32::MAX;
                }
                b"c" if in_data => {
                    col = match attribute(&e, b"r", d) {
                        Some(r) => {
                            let (c, r) = cell_position(&r).ok_or_else(|| format!("{path}: cell name {r:?}"))?;
                            row = r;
                            c
                        }
                        None => col.wrapping_add(1),
                    };
                    in_cell = !empty;
                }
                b"f" if in_cell => found.push((row, col)),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"c" => in_cell = false,
                b"sheetData" => in_data = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    found.dedup();
    Ok(found)
}

/// The bytes of the zip entry `path`, its name compared as calamine does
/// (case-insensitive, `\` as `/`).
fn part(zip: &mut ZipArchive<Cursor<&[u8]>>, path: &str) -> Result<Vec<u8>, String> {
    let name = zip.file_names().find(|n| n.replace('\\', "/").eq_ignore_ascii_case(path)).map(str::to_string).ok_or_else(|| format!("no part {path}"))?;
    let mut out = Vec::new();
    zip.by_name(&name).map_err(|e| format!("{path}: {e}"))?.read_to_end(&mut out).map_err(|e| format!("{path}: {e}"))?;
    Ok(out)
}

/// The value of attribute `want` (local name) of the first element `tag`
/// of `xml` whose attribute `key` is `value`.
fn attribute_of(xml: &[u8], tag: &[u8], key: &[u8], value: &str, want: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let d = reader.decoder();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag && attribute(&e, key, d).as_deref() == Some(value) => return attribute(&e, want, d),
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// The unescaped value of the attribute of `e` whose local name is `key`
/// (`id` finds `r:id`).
fn attribute(e: &BytesStart<'_>, key: &[u8], d: Decoder) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == key).and_then(|a| a.decode_and_unescape_value(d).ok().map(|v| v.into_owned()))
}

/// The 0-based (column, row) of an Excel cell name (`E3` → (4, 2)).
fn cell_position(name: &str) -> Option<(u32, u32)> {
    let digits = name.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = name.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A') + 1) - 1;
    let row = number.parse::<u32>().ok()?.checked_sub(1)?;
    Some((col, row))
}

#[cfg(test)]
mod tests {
    use super::cell_position;

    #[test]
    fn issue11_cell_names_read_as_positions() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("E3"), Some((4, 2)));
        assert_eq!(cell_position("AA10"), Some((26, 9)));
        assert_eq!(cell_position("XFD1048576"), Some((16383, 1_048_575)));
        for bad in ["", "A", "3", "A0", "a1", "ABCD1", "A1B"] {
            assert_eq!(cell_position(bad), None, "{bad}");
        }
    }
}
