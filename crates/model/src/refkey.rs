//! The probable-duplicate key of a ref (CONTRACT.md §2).

/// A ref as compared for probable duplicates (CONTRACT.md §2): NFKC (so
/// full-width digits, letters and brackets become ASCII), the bracket forms
/// 〔〕 [] （） 【】 and their look-alikes 〖〗 〘〙 ⦅⦆ 〈〉 《》 unified to `()`,
/// every whitespace character removed.
pub fn ref_key(reference: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    reference
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '[' | '【' | '〖' | '〘' | '⦅' | '〈' | '《' => '(',
            '〕' | ']' | '】' | '〗' | '〙' | '⦆' | '〉' | '》' => ')',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ref_key;

    #[test]
    fn ref_keys_unify_width_brackets_and_spaces() {
        let k = ref_key("师市监罚〔2025〕12号");
        for same in ["师市监罚[2025]12号", "师市监罚（2025）12号", "师市监罚【2025】12号", "师市监罚(2025)12号", "师市监罚〔２０２５〕１２号", "师市监罚 〔2025〕 12号", "师市监罚［2025］12号"] {
            assert_eq!(ref_key(same), k, "{same}");
        }
        assert_ne!(ref_key("师市监罚〔2025〕13号"), k);
        assert_ne!(ref_key("师市监简罚〔2025〕12号"), k);
    }
}
