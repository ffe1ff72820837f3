//! Identities: unified social credit codes (GB 32100-2015) and plausible
//! Chinese enterprise names of an XPCC division (for division 08, 第八师,
//! 石河子市).

use crate::rng::Rng;
use std::collections::BTreeSet;

/// The USCC alphabet; a character's value is its index.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Check character for the first 17 characters of a USCC.
pub fn uscc_check(body: &str) -> char {
    assert_eq!(body.len(), 17);
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| {
            ALPHABET
                .iter()
                .position(|&a| a == c)
                .expect("USCC character") as u32
                * w
        })
        .sum();
    ALPHABET[((31 - sum % 31) % 31) as usize] as char
}

/// Region codes of a division's USCCs (one drawn per enterprise): Shihezi
/// city and the 8th Division for `08`, `66{division}00` for any other.
pub fn regions(division: &str) -> Vec<String> {
    if division == "08" {
        vec!["659001".into(), "659001".into(), "660800".into()]
    } else {
        vec![format!("66{division}00")]
    }
}

/// Where a run's USCCs come from.
pub enum Codes {
    /// Drawn at random, unique among those drawn (a run of one batch: the
    /// committed fixture's codes).
    Drawn(BTreeSet<String>),
    /// Made from the enterprise's number in the run, unique by construction
    /// whatever the run's size (a run of several batches holds no set).
    Numbered { next: u64 },
}

impl Codes {
    /// A fresh, valid USCC: `91` (enterprise, company) + one of `regions` +
    /// a 9-character organisation code + the check character.
    pub fn make(&mut self, rng: &mut Rng, regions: &[String]) -> String {
        match self {
            Codes::Drawn(used) => make_uscc(rng, used, regions),
            Codes::Numbered { next } => {
                let n = *next;
                *next += 1;
                numbered_uscc(rng, n, regions)
            }
        }
    }
}

/// The USCC of enterprise number `n` (< 10^9) of a run: its organisation
/// code is an affine permutation of `0..10^9` (multiplier coprime to 10), so
/// distinct numbers give distinct codes, which still look drawn at random.
pub fn numbered_uscc(rng: &mut Rng, n: u64, regions: &[String]) -> String {
    assert!(n < 1_000_000_000, "at most 10^9 enterprises");
    let region = rng.pick(regions);
    let org = (n * 387_420_489 + 271_828_182) % 1_000_000_000;
    let body = format!("91{region}{org:09}");
    format!("{body}{}", uscc_check(&body))
}

/// A fresh, valid USCC drawn at random, unique in `used`.
pub fn make_uscc(rng: &mut Rng, used: &mut BTreeSet<String>, regions: &[String]) -> String {
    loop {
        let region = rng.pick(regions);
        let mut body = format!("91{region}");
        // Organisation codes are mostly digits, a letter now and then.
        for i in 0..9 {
            let c = if i >= 6 && rng.chance(0.25) {
                ALPHABET[10 + rng.below(21) as usize]
            } else {
                ALPHABET[rng.below(10) as usize]
            };
            body.push(c as char);
        }
        let code = format!("{body}{}", uscc_check(&body));
        if used.insert(code.clone()) {
            return code;
        }
    }
}

/// Name prefixes (place names) of a division's enterprises, weighted:
/// Shihezi's for `08`, 新疆 and 新疆兵团第N师 for any other.
pub fn prefixes(division: &str) -> Vec<(String, u32)> {
    if division == "08" {
        return PREFIXES.iter().map(|(p, w)| (p.to_string(), *w)).collect();
    }
    let n: u32 = division.parse().expect("two-digit division");
    vec![("新疆".into(), 60), (format!("新疆兵团第{}师", chinese_number(n)), 40)]
}

/// 1..=99 in Chinese numerals (十一, 二十, 九十九).
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match (n / 10, n % 10) {
        (0, u) => D[u as usize].to_string(),
        (1, 0) => "十".into(),
        (1, u) => format!("十{}", D[u as usize]),
        (t, 0) => format!("{}十", D[t as usize]),
        (t, u) => format!("{}十{}", D[t as usize], D[u as usize]),
    }
}

const PREFIXES: &[(&str, u32)] = &[
    ("石河子", 30),
    ("石河子市", 20),
    ("新疆", 25),
    ("新疆石河子", 8),
    ("石河子开发区", 8),
    ("新疆兵团第八师", 4),
];

const TRADE_NAMES: &[&str] = &[
    "天业",
    "天富",
    "绿洲",
    "军垦",
    "北泉",
    "西部",
    "石城",
    "昆仑",
    "天山",
    "玛河",
    "泉水地",
    "开元",
    "汇通",
    "鑫源",
    "华泰",
    "金岭",
    "恒通",
    "宏达",
    "中泰",
    "国润",
    "佳禾",
    "丰源",
    "瑞达",
    "博远",
    "嘉盛",
    "鼎新",
    "新安",
    "屯垦",
    "戈壁",
    "兵垦",
    "八一",
    "红山",
    "南山",
    "北湖",
    "莫索湾",
    "下野地",
    "炮台",
    "紫泥泉",
    "石总场",
    "花园",
    "沙湾",
    "准噶尔",
    "天池",
    "雪莲",
    "胡杨",
    "白杨",
    "驼铃",
    "银河",
    "金盾",
    "瑞丰",
    "昌盛",
    "众和",
    "大成",
    "同力",
    "立信",
    "中盛",
    "聚能",
    "蓝天",
    "晨光",
    "永利",
    "顺达",
    "汇丰源",
    "西域",
    "丝路",
    "天河",
    "长城",
    "新湖",
    "农垦",
    "凯盛",
    "星源",
];

const LEGAL_FORMS: &[(&str, u32)] = &[("有限公司", 50), ("有限责任公司", 40), ("股份有限公司", 10)];

/// A plausible enterprise name for an industry word such as `水泥`, e.g.
/// `石河子天山水泥有限责任公司` or `新疆天业化工有限公司`, unique in `used`
/// (one batch's names), with a place-name prefix from `prefixes`.
pub fn company_name(
    rng: &mut Rng,
    industry_words: &[&str],
    used: &mut BTreeSet<String>,
    prefixes: &[(String, u32)],
) -> String {
    loop {
        let prefix = rng.weighted(prefixes);
        let trade = rng.pick(TRADE_NAMES);
        let tech = if rng.chance(0.12) { "科技" } else { "" };
        let industry = rng.pick(industry_words);
        let form = rng.weighted(LEGAL_FORMS);
        let name = format!("{prefix}{trade}{tech}{industry}{form}");
        if used.insert(name.clone()) {
            return name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_code() {
        assert_eq!(uscc_check("91110000600037341"), 'L');
    }

    #[test]
    fn generated_codes_check() {
        let mut rng = Rng::new(1);
        let mut used = BTreeSet::new();
        for _ in 0..100 {
            let c = make_uscc(&mut rng, &mut used, &regions("08"));
            assert_eq!(c.len(), 18);
            assert_eq!(uscc_check(&c[..17]), c.chars().last().unwrap());
        }
    }

    #[test]
    fn numbered_codes_are_distinct_and_check() {
        let mut rng = Rng::new(1);
        let mut seen = BTreeSet::new();
        for n in (0..20_000u64).chain(999_990_000..1_000_000_000) {
            let c = numbered_uscc(&mut rng, n, &regions("11"));
            assert!(c.starts_with("91661100"));
            assert_eq!(uscc_check(&c[..17]), c.chars().last().unwrap());
            assert!(seen.insert(c[8..17].to_string()), "{n}");
        }
    }

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 8, 10, 11, 14, 20, 99].iter().map(|&n| chinese_number(n)).collect();
        assert_eq!(got, ["一", "八", "十", "十一", "十四", "二十", "九十九"]);
    }
}
