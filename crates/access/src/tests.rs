//! The rights each role carries (issue 9, item 6), and access-file refusals.

use super::*;

const E1: &str = "91659001924574FK83";
const E2: &str = "91659001MA78T2KJ44";

fn file(extra: &str) -> String {
    format!(
        r#"
[[token]]
name = "clerk-08"
sha256 = "{}"
role = "division"
division = "08"
write = true

[[token]]
name = "reader-09"
sha256 = "{}"
role = "division"
division = "09"

[[token]]
name = "xpcc"
sha256 = "{}"
role = "jurisdiction"

[[token]]
name = "firm"
sha256 = "{}"
role = "enterprise"
uscc = "{E1}"

[[token]]
name = "audit"
sha256 = "{}"
role = "auditor"
{extra}"#,
        token_hash("t-clerk"),
        token_hash("t-reader"),
        token_hash("t-xpcc"),
        token_hash("t-firm"),
        token_hash("t-audit"),
    )
}

fn list() -> AccessList {
    AccessList::parse("access.toml", file("").as_bytes()).unwrap()
}

fn who(token: &str) -> Principal {
    list().authenticate(token).cloned().unwrap()
}

#[test]
fn issue9_tokens_authenticate_by_hash_only() {
    let l = list();
    assert_eq!(l.len(), 5);
    assert!(!l.is_empty());
    assert_eq!(l.authenticate("t-clerk").unwrap().name, "clerk-08");
    assert!(l.authenticate("t-clerk ").is_none());
    assert!(l.authenticate(&token_hash("t-clerk")).is_none(), "the stored hash is not itself a token");
    assert!(l.authenticate("").is_none());
}

#[test]
fn issue9_division_staff_read_and_write_their_division_only() {
    let (e1, e2) = (Uscc::parse(E1).unwrap(), Uscc::parse(E2).unwrap());
    let clerk = who("t-clerk");
    assert!(clerk.may(Action::ReadEnterprise { uscc: &e1, division: Some("08") }).is_ok());
    assert!(clerk.may(Action::ReadEnterprise { uscc: &e2, division: Some("09") }).is_err());
    assert!(clerk.may(Action::ReadEnterprise { uscc: &e2, division: None }).is_err());
    assert!(clerk.may(Action::ReadDivision { division: Some("08") }).is_ok());
    assert!(clerk.may(Action::ReadDivision { division: None }).is_err());
    assert!(clerk.may(Action::Write { division: "08" }).is_ok());
    let seen = clerk.may(Action::ReadEnterprise { uscc: &e2, division: Some("09") }).unwrap_err();
    assert_eq!(seen.to_string(), format!("token \"clerk-08\" (division) may not read enterprise {E2}"), "no division in a refusal");
    let refused = clerk.may(Action::Write { division: "09" }).unwrap_err();
    assert_eq!(refused.to_string(), "token \"clerk-08\" (division) may not append facts about enterprises of division 09");
    assert!(clerk.may(Action::WriteAll).is_err());
    assert!(clerk.may(Action::Verify).is_err());
    assert!(clerk.may(Action::ReadAll).is_err());
    let reader = who("t-reader");
    assert!(reader.may(Action::ReadDivision { division: Some("09") }).is_ok());
    assert!(reader.may(Action::Write { division: "09" }).is_err(), "a division token without write = true only reads");
}

#[test]
fn issue9_jurisdiction_reads_everything_but_neither_writes_nor_verifies_by_default() {
    let e2 = Uscc::parse(E2).unwrap();
    let x = who("t-xpcc");
    assert!(x.may(Action::ReadEnterprise { uscc: &e2, division: Some("09") }).is_ok());
    assert!(x.may(Action::ReadDivision { division: None }).is_ok());
    assert!(x.may(Action::ReadAll).is_ok());
    assert!(x.may(Action::Write { division: "08" }).is_err());
    assert!(x.may(Action::WriteAll).is_err());
    assert!(x.may(Action::Verify).is_err());
    let text = file("").replace("role = \"jurisdiction\"", "role = \"jurisdiction\"\nwrite = true");
    let l = AccessList::parse("a", text.as_bytes()).unwrap();
    assert!(l.authenticate("t-xpcc").unwrap().may(Action::WriteAll).is_ok());
    assert!(l.authenticate("t-xpcc").unwrap().may(Action::Write { division: "08" }).is_err(), "facts come from the division");
}

#[test]
fn issue9_enterprise_reads_itself_only_and_auditor_reads_and_verifies() {
    let (e1, e2) = (Uscc::parse(E1).unwrap(), Uscc::parse(E2).unwrap());
    let firm = who("t-firm");
    assert!(firm.may(Action::ReadEnterprise { uscc: &e1, division: Some("08") }).is_ok());
    assert!(firm.may(Action::ReadEnterprise { uscc: &e2, division: Some("08") }).is_err());
    assert!(firm.may(Action::ReadDivision { division: Some("08") }).is_err());
    assert!(firm.may(Action::ReadAll).is_err());
    assert!(firm.may(Action::Write { division: "08" }).is_err());
    assert!(firm.may(Action::ReadRules).is_ok());
    let a = who("t-audit");
    assert!(a.may(Action::Verify).is_ok());
    assert!(a.may(Action::ReadAll).is_ok());
    assert!(a.may(Action::ReadEnterprise { uscc: &e2, division: None }).is_ok());
    assert!(a.may(Action::Write { division: "08" }).is_err());
    assert!(a.may(Action::WriteAll).is_err());
}

#[test]
fn issue9_bad_access_files_are_refused_with_the_token_named() {
    let bad = |text: &str| AccessList::parse("access.toml", text.as_bytes()).unwrap_err().to_string();
    assert!(bad("").contains("lists no token"));
    assert!(bad("[[token]]\nname='x'\nsha256='abc'\nrole='auditor'\n").contains("64 hexadecimal digits"), "{}", bad("[[token]]\nname='x'\nsha256='abc'\nrole='auditor'\n"));
    let h = token_hash("x");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='division'\n"));
    assert!(e.contains("token 1 (\"x\")") && e.contains("needs `division`"), "{e}");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='auditor'\nwrite=true\n"));
    assert!(e.contains("takes no `write`"), "{e}");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='enterprise'\nuscc='123'\n"));
    assert!(e.contains("`uscc`"), "{e}");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='boss'\n"));
    assert!(e.contains("unknown role \"boss\""), "{e}");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='auditor'\n[[token]]\nname='y'\nsha256='{h}'\nrole='auditor'\n"));
    assert!(e.contains("token 2 (\"y\")") && e.contains("same sha256"), "{e}");
    let e = bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='auditor'\ntoken='plain'\n"));
    assert!(e.contains("unknown field") && e.contains("never the token itself"), "{e}");
    assert!(bad(&format!("[[token]]\nname='x'\nsha256='{h}'\nrole='division'\ndivision='8'\n")).contains("two-digit"));
}
