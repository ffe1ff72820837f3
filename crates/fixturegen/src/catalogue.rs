//! Product catalogue: licence categories of the industrial-product licence
//! catalogue with plausible category/product codes, their product-risk class
//! (DOMAIN.md reference classes), concrete sampled products and the real test
//! items on which batches of each product fail in national/provincial
//! sampling notices. Also the key-catalogue products made without a licence.

/// Product-risk class of a catalogue category (DOMAIN.md, "Product risk classes").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    General,
    Elevated,
    High,
}

impl Risk {
    /// Reference deduction of the class.
    pub fn points(self) -> u32 {
        match self {
            Risk::General => 0,
            Risk::Elevated => 3,
            Risk::High => 5,
        }
    }
}

/// A licensed product unit (`XK<category>-<product>-<serial>`).
pub struct Product {
    /// 3-digit product code in the licence number.
    pub code: u16,
    /// Product unit name as written on the licence.
    pub name: &'static str,
    /// Concrete products as named in a sampling notice.
    pub samples: &'static [&'static str],
    /// Test items a batch fails on, most frequent first.
    pub items: &'static [&'static str],
}

/// A catalogue category.
pub struct Category {
    /// Category name exactly as in the catalogue (the `category` field).
    pub name: &'static str,
    /// 2-digit industry code in the licence number.
    pub code: u8,
    pub risk: Risk,
    /// Relative frequency among the division's licence holders.
    pub weight: u32,
    /// Words used in enterprise names of this trade.
    pub trade_words: &'static [&'static str],
    pub products: &'static [Product],
}

/// The licence catalogue used by the fixture.
pub const CATEGORIES: &[Category] = &[
    Category {
        name: "水泥",
        code: 8,
        risk: Risk::Elevated,
        weight: 12,
        trade_words: &["水泥", "建材", "水泥制品"],
        products: &[Product {
            code: 1,
            name: "通用硅酸盐水泥",
            samples: &[
                "P·O 42.5 普通硅酸盐水泥",
                "P·O 52.5 普通硅酸盐水泥",
                "P·C 42.5R 复合硅酸盐水泥",
                "P·S·A 32.5 矿渣硅酸盐水泥",
            ],
            items: &[
                "三氧化硫",
                "氯离子",
                "烧失量",
                "比表面积",
                "初凝时间",
                "28d抗压强度",
                "3d抗折强度",
                "氧化镁",
                "安定性",
            ],
        }],
    },
    Category {
        name: "电线电缆",
        code: 6,
        risk: Risk::Elevated,
        weight: 13,
        trade_words: &["电线电缆", "线缆", "电缆"],
        products: &[Product {
            code: 1,
            name: "电线电缆",
            samples: &[
                "BV 450/750V 2.5mm² 聚氯乙烯绝缘电线",
                "BVR 450/750V 4mm² 聚氯乙烯绝缘软电线",
                "YJV 0.6/1kV 3×70+1×35 交联聚乙烯绝缘电力电缆",
                "JKLYJ 10kV 1×120 架空绝缘电缆",
                "RVV 300/500V 3×1.5mm² 聚氯乙烯护套软电缆",
            ],
            items: &[
                "导体电阻",
                "绝缘厚度",
                "绝缘老化后断裂伸长率",
                "护套厚度",
                "绝缘最薄处厚度",
                "成品电缆电压试验",
                "绝缘热延伸",
                "单根垂直燃烧试验",
            ],
        }],
    },
    Category {
        name: "建筑用钢筋",
        code: 5,
        risk: Risk::Elevated,
        weight: 5,
        trade_words: &["钢铁", "钢业", "金属制品"],
        products: &[
            Product {
                code: 1,
                name: "钢筋混凝土用热轧钢筋",
                samples: &[
                    "HRB400E Φ12 热轧带肋钢筋",
                    "HRB400E Φ25 热轧带肋钢筋",
                    "HPB300 Φ8 热轧光圆钢筋",
                    "HRB500E Φ20 热轧带肋钢筋",
                ],
                items: &[
                    "屈服强度",
                    "抗拉强度",
                    "断后伸长率",
                    "重量偏差",
                    "最大力总延伸率",
                    "强屈比",
                    "弯曲性能",
                ],
            },
            Product {
                code: 2,
                name: "冷轧带肋钢筋",
                samples: &["CRB550 Φ6 冷轧带肋钢筋", "CRB600H Φ8 冷轧带肋钢筋"],
                items: &["抗拉强度", "断后伸长率", "重量偏差", "弯曲性能"],
            },
        ],
    },
    Category {
        name: "化肥",
        code: 13,
        risk: Risk::Elevated,
        weight: 15,
        trade_words: &["肥业", "化肥", "农资", "生物肥业"],
        products: &[
            Product {
                code: 1,
                name: "复肥",
                samples: &[
                    "复合肥料 15-15-15",
                    "掺混肥料 18-18-9",
                    "复混肥料（含氯）20-10-10",
                    "水溶肥料（大量元素）",
                ],
                items: &[
                    "总养分",
                    "水溶性磷占有效磷百分率",
                    "水分",
                    "氯离子",
                    "粒度",
                    "有效磷",
                ],
            },
            Product {
                code: 3,
                name: "磷肥",
                samples: &["过磷酸钙", "钙镁磷肥", "磷酸一铵"],
                items: &["有效磷", "水溶性磷占有效磷百分率", "游离酸", "水分"],
            },
        ],
    },
    Category {
        name: "危险化学品",
        code: 13,
        risk: Risk::High,
        weight: 15,
        trade_words: &["化工", "氯碱化工", "精细化工", "化学"],
        products: &[
            Product {
                code: 14,
                name: "危险化学品无机产品",
                samples: &[
                    "液体氢氧化钠（32%）",
                    "片状氢氧化钠",
                    "工业用合成盐酸",
                    "电石（碳化钙）",
                    "次氯酸钠溶液",
                ],
                items: &["含量", "纯度", "水分", "铁含量", "氯化钠含量", "发气量"],
            },
            Product {
                code: 10,
                name: "危险化学品有机产品",
                samples: &["工业用甲醇", "1,4-丁二醇", "工业用二氯乙烷", "溶剂油"],
                items: &["纯度", "含量", "水分", "闪点", "色度", "密度"],
            },
        ],
    },
    Category {
        name: "危险化学品包装物及容器",
        code: 12,
        risk: Risk::High,
        weight: 5,
        trade_words: &["塑料制品", "包装容器", "容器"],
        products: &[Product {
            code: 1,
            name: "危险化学品包装物及容器",
            samples: &[
                "200L 闭口塑料桶（危险品包装）",
                "25L 危险品包装塑料桶",
                "危险品包装用复合塑料编织袋",
                "1000L IBC 中型散装容器",
            ],
            items: &[
                "跌落试验",
                "气密试验",
                "液压试验",
                "堆码试验",
                "桶身壁厚",
                "渗透试验",
            ],
        }],
    },
    Category {
        name: "直接接触食品的材料等相关产品",
        code: 16,
        risk: Risk::Elevated,
        weight: 13,
        trade_words: &["包装", "塑业", "纸业", "彩印包装", "包装材料"],
        products: &[
            Product {
                code: 204,
                name: "食品用塑料包装容器工具等制品",
                samples: &[
                    "食品用聚乙烯吹塑薄膜",
                    "食品用塑料编织袋",
                    "食品包装用复合膜袋",
                    "一次性聚丙烯餐盒",
                    "食品用 PET 瓶坯",
                ],
                items: &[
                    "高锰酸钾消耗量",
                    "总迁移量",
                    "蒸发残渣",
                    "脱色试验",
                    "重金属（以Pb计）",
                    "溶剂残留量",
                ],
            },
            Product {
                code: 205,
                name: "食品用纸包装、容器等制品",
                samples: &["食品用纸杯", "食品包装用淋膜纸", "一次性纸餐盒"],
                items: &["荧光性物质", "高锰酸钾消耗量", "蒸发残渣", "脱色试验", "铅"],
            },
        ],
    },
    Category {
        name: "人造板",
        code: 17,
        risk: Risk::General,
        weight: 6,
        trade_words: &["木业", "板业", "人造板"],
        products: &[Product {
            code: 1,
            name: "人造板",
            samples: &[
                "普通胶合板 1220×2440×15mm",
                "中密度纤维板 18mm",
                "刨花板 16mm",
                "细木工板 18mm",
            ],
            items: &[
                "甲醛释放量",
                "含水率",
                "静曲强度",
                "胶合强度",
                "内结合强度",
                "弹性模量",
            ],
        }],
    },
    Category {
        name: "防爆电气",
        code: 6,
        risk: Risk::General,
        weight: 3,
        trade_words: &["防爆电气", "电机", "电气设备"],
        products: &[Product {
            code: 14,
            name: "防爆电气",
            samples: &["YBX3 隔爆型三相异步电动机", "BAD 防爆灯", "BXK 防爆控制箱"],
            items: &["隔爆接合面", "外壳防护等级", "绝缘电阻", "防爆标志", "温升"],
        }],
    },
    Category {
        name: "特种劳动防护用品",
        code: 22,
        risk: Risk::General,
        weight: 3,
        trade_words: &["劳保用品", "安全防护用品"],
        products: &[Product {
            code: 1,
            name: "安全帽",
            samples: &["ABS 安全帽", "玻璃钢安全帽", "普通型安全帽"],
            items: &["冲击吸收性能", "耐穿刺性能", "阻燃性能", "侧向刚性", "标识"],
        }],
    },
    Category {
        name: "电热毯",
        code: 14,
        risk: Risk::General,
        weight: 2,
        trade_words: &["电器", "家纺电器"],
        products: &[Product {
            code: 1,
            name: "电热毯",
            samples: &["单人电热毯 150×80cm", "双人双控电热毯 180×150cm"],
            items: &["泄漏电流", "电气强度", "发热", "标志和说明", "结构"],
        }],
    },
    Category {
        name: "预应力混凝土铁路桥简支梁",
        code: 23,
        risk: Risk::General,
        weight: 2,
        trade_words: &["桥梁构件", "轨道交通构件", "混凝土制品"],
        products: &[Product {
            code: 1,
            name: "预应力混凝土铁路桥简支梁",
            samples: &[
                "32m 后张法预应力混凝土简支T梁",
                "24m 后张法预应力混凝土简支箱梁",
            ],
            items: &["静载弯曲试验", "混凝土强度", "钢绞线力学性能", "外形尺寸"],
        }],
    },
];

/// Products on the XPCC key-product catalogue that need no production licence
/// (made by the unlicensed key-catalogue producers of the trial scope).
pub struct KeyProduct {
    pub name: &'static str,
    pub trade_words: &'static [&'static str],
    pub samples: &'static [&'static str],
    pub items: &'static [&'static str],
}

pub const KEY_PRODUCTS: &[KeyProduct] = &[
    KeyProduct {
        name: "滴灌带",
        trade_words: &["节水灌溉", "节水器材", "塑业"],
        samples: &["内镶贴片式滴灌带 Φ16×0.18mm", "单翼迷宫式滴灌带 Φ16"],
        items: &["流量均匀性", "壁厚", "拉伸性能", "耐静水压"],
    },
    KeyProduct {
        name: "农用薄膜",
        trade_words: &["农膜", "塑料制品"],
        samples: &["聚乙烯吹塑农用地面覆盖薄膜 0.010mm", "棚膜 0.08mm"],
        items: &["厚度", "拉伸负荷", "断裂标称应变", "直角撕裂负荷"],
    },
    KeyProduct {
        name: "预拌混凝土",
        trade_words: &["商砼", "混凝土"],
        samples: &["C30 预拌混凝土", "C40 预拌混凝土"],
        items: &["抗压强度", "坍落度", "氯离子含量"],
    },
    KeyProduct {
        name: "蒸压加气混凝土砌块",
        trade_words: &["新型建材", "墙体材料"],
        samples: &["B06 A3.5 蒸压加气混凝土砌块"],
        items: &["干密度", "抗压强度", "干燥收缩值"],
    },
];

/// Finding texts per finding code (supervision inspections).
pub fn finding_texts(code: &str) -> &'static [&'static str] {
    match code {
        "nonconforming_materials" => &[
            "主要原材料进货查验记录缺失，使用未经检验的原材料",
            "使用的原材料与许可申报的原材料不一致",
            "原材料供方未经评价，部分原材料无合格证明",
        ],
        "nonconforming_conditions" => &[
            "关键生产设备与取证时不一致，未报告变更",
            "出厂检验设备未按规定检定/校准",
            "生产场所卫生条件不符合许可细则要求",
            "检验人员不具备相应能力，未持证上岗",
        ],
        "concealment" => &["隐瞒不合格产品的处置情况", "隐瞒实际产量及销售记录"],
        "false_commitment" => &[
            "承诺整改的事项未落实，与承诺不符",
            "告知承诺取证后实际生产条件与承诺不符",
        ],
        _ => &[
            "出厂检验记录不完整",
            "产品标识不规范，未标注生产许可证编号",
            "质量管理制度未有效运行",
            "不合格品处置记录不全",
        ],
    }
}

/// Penalty causes (案由) by the seriousness of the case.
pub const MILD_CAUSES: &[&str] = &[
    "生产的产品经监督抽查不合格（违反《中华人民共和国产品质量法》第十三条）",
    "未按规定在产品、包装或说明书上标注生产许可证标志和编号",
    "未按规定向市场监管部门提交年度自查报告",
    "企业名称变更后未在规定期限内办理生产许可证变更手续",
    "检验设备未经检定即投入使用，出厂检验不规范",
];
pub const SERIOUS_CAUSES: &[&str] = &[
    "生产不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
    "在产品中掺杂、掺假，以不合格产品冒充合格产品",
    "生产国家明令淘汰的产品并销售",
    "拒绝接受依法进行的监督检查并隐匿、转移被查封物品",
    "伪造产品检验报告，以次充好",
];

/// Complaint subjects.
pub const COMPLAINT_SUBJECTS: &[&str] = &[
    "产品质量与标注不符",
    "购买的产品存在质量问题，经检验不合格",
    "产品包装标识不规范",
    "举报企业超范围生产",
    "举报企业使用不合格原材料",
    "产品使用中出现安全隐患",
];

/// Quality-risk finding descriptions.
pub const RISK_FINDINGS: &[&str] = &[
    "风险监测发现产品关键指标波动，存在批次性质量风险",
    "质量安全风险监测中发现部分批次指标临界",
    "企业质量管控体系存在缺陷，存在系统性风险隐患",
    "流通领域监测发现同类产品质量问题，涉及本企业产品",
];

/// Bad credit information descriptions.
pub const BAD_CREDIT: &[&str] = &[
    "未按期履行市场监管部门作出的行政处罚决定",
    "被税务部门认定为纳税信用D级",
    "未按规定履行产品召回义务",
    "被有关部门公示的失信信息：拖欠农民工工资",
    "被公共信用信息平台公示的不良信用记录",
];
