//! The facts and the access file of the load run: enterprises of division
//! 08, registered and licensed before measuring, then one fine per append.

use model::Uscc;

/// The division every enterprise of the run belongs to.
pub const DIVISION: &str = "08";
/// The writers' token: division 08 staff with write.
pub const WRITER_TOKEN: &str = "load-clerk-08";
/// The readers' token: jurisdiction staff, reading every division.
pub const READER_TOKEN: &str = "load-xpcc";

/// The access file: [`WRITER_TOKEN`] and [`READER_TOKEN`], by their hashes.
pub fn access_toml() -> String {
    format!(
        "[[token]]\nname = \"load-clerk-08\"\nsha256 = \"{}\"\nrole = \"division\"\ndivision = \"{DIVISION}\"\nwrite = true\n\
         [[token]]\nname = \"load-xpcc\"\nsha256 = \"{}\"\nrole = \"jurisdiction\"\n",
        access::token_hash(WRITER_TOKEN),
        access::token_hash(READER_TOKEN)
    )
}

/// A valid USCC numbered `n` (its check character computed).
pub fn uscc(n: u32) -> String {
    let first17 = format!("916590{n:011}");
    let c = Uscc::check_char(first17.as_bytes()) as char;
    format!("{first17}{c}")
}

/// Enterprises 1..=`m` registered in [`DIVISION`] and licensed: 2·m lines of JSON Lines.
pub fn preload(m: u32) -> String {
    let t = "\"recorded_at\":\"2025-06-03T09:00:00+08:00\"";
    let mut body = String::with_capacity(m as usize * 600);
    for n in 1..=m {
        let e = uscc(n);
        body.push_str(&format!(
            "{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业{n}\",\"division\":\"{DIVISION}\",\"scale\":\"large\",{t}}}\n\
             {{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-{:05}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\",{t}}}\n",
            n % 100_000
        ));
    }
    body
}

/// The ref of writer `w`'s `k`-th append.
pub fn fine_ref(w: usize, k: u64) -> String {
    format!("PEN-LOAD-{w}-{k}")
}

/// One line: a ¥`yuan` administrative penalty of enterprise `n` with ref `reference`.
pub fn fine(n: u32, reference: &str, yuan: u64) -> String {
    let e = uscc(n);
    format!(
        "{{\"kind\":\"administrative_penalty\",\"ref\":\"{reference}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":{yuan}}}],\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_uscc_is_valid() {
        for n in [1, 2, 64, 1999, 2000] {
            assert!(Uscc::parse(&uscc(n)).is_ok(), "{}", uscc(n));
        }
    }

    #[test]
    fn the_preload_has_two_lines_per_enterprise() {
        assert_eq!(preload(3).lines().count(), 6);
    }
}
