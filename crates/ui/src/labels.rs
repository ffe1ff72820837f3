//! Chinese labels in the field's terms (XPCC measures; DOMAIN.md). Data
//! values (names, refs, fact summaries) are shown as recorded.

use model::fact::Kind;

pub const PRODUCT: &str = "工业产品生产许可证获证企业信用风险分类 · 信用账本";

/// A fact kind's Chinese name (CONTRACT.md §1).
pub fn kind(k: Kind) -> &'static str {
    match k {
        Kind::EnterpriseRegistered => "企业登记",
        Kind::EnterpriseChanged => "企业信息变更",
        Kind::LicenceGranted => "取得生产许可证",
        Kind::LicenceTerminated => "许可证终止",
        Kind::LicenceVerification => "证后核查",
        Kind::SelfInspectionReport => "年度自查报告",
        Kind::SamplingInspection => "监督抽查",
        Kind::SupervisionInspection => "监督检查",
        Kind::RectificationOrdered => "责令整改",
        Kind::RectificationCompleted => "整改完成",
        Kind::AdministrativePenalty => "行政处罚",
        Kind::ComplaintVerified => "经核实的投诉举报",
        Kind::PublicOpinion => "舆情通报",
        Kind::QualityRiskFinding => "质量安全风险发现",
        Kind::ListEntered => "列入名单",
        Kind::ListRemoved => "移出名单",
        Kind::BadCreditInfo => "不良信用信息",
        Kind::ActRevoked => "撤销（取消）",
        Kind::RevocationWithdrawn => "撤销决定被撤回",
        Kind::ActChanged => "变更",
        Kind::ActPartiallyRevoked => "部分撤销",
        Kind::RecordCorrected => "更正（误判、错误、笔误）",
        Kind::CreditRepaired => "信用修复",
        Kind::GradeIssued => "分类结果决定",
        Kind::ObjectionFiled => "提出异议",
        Kind::ObjectionDecided => "异议处理决定",
        Kind::RuleSetAdopted => "规则集采用",
        Kind::PlanIssued => "监管计划",
    }
}

/// The Art. 10 clause under which a correction takes its target out of the
/// basis for grading (DOMAIN.md "Corrections"); `None` for other kinds.
pub fn art10(k: Kind) -> Option<&'static str> {
    match k {
        Kind::ActRevoked => Some("第十条（二）被撤销、取消"),
        Kind::ActChanged => Some("第十条（三）被变更"),
        Kind::ActPartiallyRevoked => Some("第十条（四）被部分撤销"),
        Kind::RecordCorrected => Some("第十条（五）误判、错误或笔误"),
        Kind::CreditRepaired => Some("第十条（六）已完成信用修复"),
        _ => None,
    }
}

/// A report event's status (CONTRACT.md §4).
pub fn status(s: grading::Status) -> &'static str {
    match s {
        grading::Status::Counted => "计入",
        grading::Status::Excluded => "不计入",
        grading::Status::Context => "背景信息",
    }
}

/// An exclusion reason code (DOMAIN.md) with its article.
pub fn reason(code: &str) -> &'static str {
    match code {
        "publicity_expired" => "公示期满（第十条（一））",
        "revoked" => "被撤销（第十条（二））",
        "changed" => "被变更（第十条（三））",
        "partially_revoked" => "被部分撤销（第十条（四））",
        "corrected" => "误判、错误或笔误已更正（第十条（五））",
        "repaired" => "已信用修复（第十条（六））",
        "impact_expired" => "影响期满（第十条（六））",
        "after_evaluation_date" => "晚于评价日期（第十条（七））",
        "outside_window" => "不在评价期内（第十条（七））",
        _ => "不作为分类依据（第十条）",
    }
}

/// What an A/B condition or a D trigger asks (DOMAIN.md "Grades").
pub fn clause_text(id: &str) -> &'static str {
    match id {
        "A1" => "信用得分不低于 A 级线",
        "A2" | "B2" => "无原材料或生产条件不符且未按期整改",
        "A3" => "无经核实的媒体曝光、无强烈消费者反映",
        "A4" => "无抽查不合格、检查发现问题、舆情通报、拒绝检查",
        "A5" | "B4" => "无行政处罚，未列入经营异常名录、严重违法失信名单",
        "A6" | "B5" => "未被列为失信被执行人",
        "A7" => "无影响未结束的不良信用信息",
        "A8" => "无隐瞒情况、虚假承诺",
        "A9" => "按时提交年度自查报告",
        "B1" => "信用得分不低于 B 级线",
        "B3" => "无拒绝检查",
        "D1" => "评价日期在严重违法失信名单内",
        "D2" => "许可证被吊销或因欺诈被撤销",
        "D3" => "整改后复查仍不合格",
        "D4" => "两次及以上拒绝检查",
        "D5" => "发生重大质量安全事故",
        "D6" => "涉嫌犯罪移送司法机关",
        _ => "",
    }
}

/// A role of the access file.
pub fn role(r: &str) -> &'static str {
    match r {
        "division" => "处室",
        "jurisdiction" => "兵团市场监管局",
        "enterprise" => "企业",
        "auditor" => "审计",
        _ => "用户",
    }
}

/// Points (tenths) as a number with one decimal, e.g. `87.5`.
pub fn points(p: model::Points) -> String {
    p.to_string()
}

#[cfg(test)]
mod tests {
    use model::fact::Kind;

    #[test]
    fn issue11_every_kind_has_its_own_chinese_name() {
        assert_eq!(super::kind(Kind::PlanIssued), "监管计划");
        let names: std::collections::BTreeSet<&str> = Kind::ALL.iter().map(|k| super::kind(*k)).collect();
        assert_eq!(names.len(), Kind::ALL.len(), "no two kinds share a label");
    }
}
