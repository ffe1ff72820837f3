//! The rows of the two spreadsheet fixtures and the facts they stand for:
//! twelve made-up enterprises of division 08 (valid codes, names from the
//! generator's own name parts), fifteen sampled batches and twelve penalty
//! decisions of 2025. Dates are typed in every accepted way (text
//! `YYYY-MM-DD`, `YYYY/M/D`, `YYYY年M月D日`, and date cells); 万元 amounts as
//! numbers and as text, each with its yuan written out by hand.

use super::{Cell, Table};
use crate::fact::J;
use crate::names::{company_name, make_uscc, prefixes, regions};
use crate::rng::Rng;
use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeSet;

/// Seed of the fixture's enterprises.
const SEED: u64 = 2025;

/// A product line: a word for the enterprise's name, the product, its
/// specifications and the test items a failed sample names.
struct Line {
    word: &'static str,
    product: &'static str,
    specs: &'static [&'static str],
    items: &'static [&'static str],
}

const LINES: &[Line] = &[
    Line { word: "水泥", product: "通用硅酸盐水泥", specs: &["P·O 42.5", "P·C 32.5R"], items: &["3天抗压强度", "三氧化硫"] },
    Line { word: "电缆", product: "电线电缆", specs: &["BV 2.5mm²", "YJV 3×95"], items: &["导体电阻", "绝缘厚度"] },
    Line { word: "化肥", product: "复混肥料", specs: &["15-15-15", "20-10-10"], items: &["总养分", "水分"] },
    Line { word: "木业", product: "胶合板", specs: &["1220×2440×18mm"], items: &["甲醛释放量", "胶合强度"] },
    Line { word: "钢铁", product: "钢筋混凝土用热轧带肋钢筋", specs: &["HRB400E Φ16", "HRB400E Φ25"], items: &["下屈服强度", "重量偏差"] },
];

/// A made-up enterprise of the fixtures.
#[derive(Clone, Debug)]
pub struct Enterprise {
    pub uscc: String,
    pub name: String,
    line: usize,
}

impl Enterprise {
    /// Its `enterprise_registered` fact (`enterprises.jsonl`).
    pub fn registration(&self) -> J {
        let year = 2012 + (self.uscc.as_bytes()[12] % 8) as i32;
        let scale = ["medium", "small", "micro"][self.line % 3];
        J::O(vec![
            ("kind", J::s("enterprise_registered")),
            ("ref", J::s(format!("REG-{}", self.uscc))),
            ("enterprise", J::s(&self.uscc)),
            ("occurred_on", J::s(format!("{year}-04-{:02}", 1 + self.line * 5))),
            ("name", J::s(&self.name)),
            ("division", J::s("08")),
            ("scale", J::s(scale)),
        ])
    }
}

/// The twelve enterprises, each of one product line.
pub fn enterprises() -> Vec<Enterprise> {
    let mut rng = Rng::new(SEED);
    let (mut codes, mut names) = (BTreeSet::new(), BTreeSet::new());
    let (regions, prefixes) = (regions("08"), prefixes("08"));
    (0..12)
        .map(|i| {
            let line = i % LINES.len();
            let uscc = make_uscc(&mut rng, &mut codes, &regions);
            let name = company_name(&mut rng, &[LINES[line].word], &mut names, &prefixes);
            Enterprise { uscc, name, line }
        })
        .collect()
}

/// A date cell typed in way `form` (0..4): text `YYYY-MM-DD`, a date
/// cell, text `YYYY/M/D`, text `YYYY年M月D日`.
fn date_cell(d: NaiveDate, form: usize) -> Cell {
    match form % 4 {
        0 => Cell::Text(d.format("%Y-%m-%d").to_string()),
        1 => Cell::Date(d),
        2 => Cell::Text(format!("{}/{}/{}", d.year(), d.month(), d.day())),
        _ => Cell::Text(format!("{}年{}月{}日", d.year(), d.month(), d.day())),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a fixture date")
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// 抽查结果公告: fifteen batches over four notices; four failed (one list
/// separated by `；`), one without a batch, one product with a stray space.
pub fn sampling_notice(people: &[Enterprise]) -> Table {
    const NOTICES: [(i32, u32, u32); 4] = [(2025, 3, 18), (2025, 6, 5), (2025, 9, 2), (2025, 11, 20)];
    let (mut rows, mut facts) = (Vec::new(), Vec::new());
    for i in 0..15usize {
        let e = &people[i % people.len()];
        let line = &LINES[e.line];
        let (y, m, d) = NOTICES[i / 4];
        let notice = day(y, m, d);
        let made = notice.checked_sub_days(Days::new(20 + 3 * i as u64)).expect("a fixture date");
        let batch = if i == 7 { String::new() } else { format!("{}/B{}{i:02}", made.format("%Y-%m-%d"), made.format("%y%m%d")) };
        let spec = line.specs[i % line.specs.len()];
        let failed: Vec<&str> = if [2, 5, 9, 13].contains(&i) { line.items[..1 + i % 2].to_vec() } else { Vec::new() };
        let sep = if i == 9 { "；" } else { "、" };
        let product = if i == 3 { format!("{} ", line.product) } else { line.product.to_string() };
        rows.push(vec![
            text(&e.name),
            text(&e.uscc),
            text(product),
            text(spec),
            if batch.is_empty() { Cell::Empty } else { text(&batch) },
            text(if failed.is_empty() { "合格" } else { "不合格" }),
            if failed.is_empty() { Cell::Empty } else { text(failed.join(sep)) },
            date_cell(notice, i),
        ]);
        let iso = notice.format("%Y-%m-%d").to_string();
        let mut kv = vec![
            ("kind", J::s("sampling_inspection")),
            ("ref", J::s(format!("SC-{iso}-{}-{batch}", e.uscc))),
            ("enterprise", J::s(&e.uscc)),
            ("occurred_on", J::s(iso)),
            ("level", J::s("xpcc")),
            ("product", J::s(line.product)),
        ];
        if !batch.is_empty() {
            kv.push(("batch", J::s(&batch)));
        }
        kv.push(("result", J::s(if failed.is_empty() { "pass" } else { "fail" })));
        kv.push(("failed_items", J::A(failed.iter().map(|s| J::s(*s)).collect())));
        kv.push(("source", J::s("xpcc_notice")));
        kv.push(("note", J::s(format!("抽查结果公告：{}，规格型号 {spec}", e.name))));
        facts.push(J::O(kv));
    }
    Table {
        stem: "sampling-notice",
        sheet: "抽查结果公告",
        headers: &["企业名称", "统一社会信用代码", "产品名称", "规格型号", "生产日期/批号", "抽查结果", "不合格项目", "公告日期"],
        rows,
        facts,
    }
}

/// The penalty decisions: 处罚类别 as published, the 罚款金额(万元) cell, and
/// the measures it stands for with each fine's amount in fen, written out.
const PENALTIES: &[Decision] = &[
    ("警告", None, &[("warning", 0)]),
    ("罚款", Some(Amount::Number(1.2345)), &[("fine", 1_234_500)]),
    ("警告、罚款", Some(Amount::Text("0.5")), &[("warning", 0), ("fine", 500_000)]),
    ("罚款、没收违法所得", Some(Amount::Number(3.0)), &[("fine", 3_000_000), ("confiscation", 0)]),
    ("责令停产停业，罚款", Some(Amount::Text("12.8")), &[("suspend_production", 0), ("fine", 12_800_000)]),
    ("罚款", Some(Amount::Text("0.012345")), &[("fine", 12_345)]),
    ("通报批评", None, &[("public_criticism", 0)]),
    ("罚款", Some(Amount::Number(2.0)), &[("fine", 2_000_000)]),
    ("警告；罚款", Some(Amount::Text("0.3")), &[("warning", 0), ("fine", 300_000)]),
    ("罚款、没收违法所得", Some(Amount::Number(5.5)), &[("fine", 5_500_000), ("confiscation", 0)]),
    ("吊销许可证、罚款", Some(Amount::Number(20.0)), &[("licence_revoked", 0), ("fine", 20_000_000)]),
    ("罚款", Some(Amount::Text(" 0.8 ")), &[("fine", 800_000)]),
];

/// 处罚类别, the 罚款金额(万元) cell, and (measure type, fine in fen) of each measure.
type Decision = (&'static str, Option<Amount>, &'static [(&'static str, i64)]);

/// A 罚款金额(万元) cell.
#[derive(Clone, Copy)]
enum Amount {
    Number(f64),
    Text(&'static str),
}

/// Fen as the exact yuan literal (`12345`, `123.45`).
fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// 行政处罚信息: twelve decisions of 2025, one per enterprise, among them
/// several with two measures, fines of 1.2345 万元 (12,345 yuan) and
/// 0.012345 万元 (123.45 yuan).
pub fn penalty_list(people: &[Enterprise]) -> Table {
    let (mut rows, mut facts) = (Vec::new(), Vec::new());
    for (j, (category, amount, measures)) in PENALTIES.iter().enumerate() {
        let e = &people[(j * 5) % people.len()];
        let number = format!("师市监处罚〔2025〕{}号", 11 + 9 * j);
        let decided = day(2025, 1, 20).checked_add_days(Days::new(27 * j as u64)).expect("a fixture date");
        rows.push(vec![
            text(&number),
            text(&e.name),
            text(&e.uscc),
            text(*category),
            match amount {
                None => Cell::Empty,
                Some(Amount::Number(n)) => Cell::Number(*n),
                Some(Amount::Text(t)) => text(*t),
            },
            date_cell(decided, j + 1),
        ]);
        let measures = measures
            .iter()
            .map(|(t, fen)| {
                let mut kv = vec![("type", J::s(*t))];
                if *t == "fine" {
                    kv.push(("amount_yuan", J::Dec(yuan(*fen))));
                }
                J::O(kv)
            })
            .collect();
        facts.push(J::O(vec![
            ("kind", J::s("administrative_penalty")),
            ("ref", J::s(&number)),
            ("enterprise", J::s(&e.uscc)),
            ("occurred_on", J::date(decided)),
            ("procedure", J::s("ordinary")),
            ("measures", J::A(measures)),
            ("source", J::s("publicity_system")),
            ("note", J::s(format!("当事人：{}", e.name))),
        ]));
    }
    Table {
        stem: "penalty-list", sheet: "行政处罚信息", headers: &["决定书文号", "当事人", "统一社会信用代码", "处罚类别", "罚款金额(万元)", "处罚决定日期"], rows, facts
    }
}
