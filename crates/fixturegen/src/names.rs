//! Identities: unified social credit codes (GB 32100-2015) and plausible
//! Chinese enterprise names of the 8th Division (第八师, 石河子市).

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

/// A fresh, valid USCC: `91` (enterprise, company) + a Shihezi region code +
/// a 9-character organisation code + the check character.
pub fn make_uscc(rng: &mut Rng, used: &mut BTreeSet<String>) -> String {
    loop {
        let region = *rng.pick(&["659001", "659001", "660800"]);
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

/// A unique plausible enterprise name for an industry word such as `水泥`,
/// e.g. `石河子天山水泥有限责任公司` or `新疆天业化工有限公司`.
pub fn company_name(rng: &mut Rng, industry_words: &[&str], used: &mut BTreeSet<String>) -> String {
    loop {
        let prefix = rng.weighted(PREFIXES);
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
            let c = make_uscc(&mut rng, &mut used);
            assert_eq!(c.len(), 18);
            assert_eq!(uscc_check(&c[..17]), c.chars().last().unwrap());
        }
    }
}
