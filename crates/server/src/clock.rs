//! The server's clock, injected (DESIGN.md, mini-redis habit): the system
//! clock in service, a fixed time in tests (`--now` / `$CREDIT_LEDGER_NOW`).

use model::Timestamp;

/// Where "now" comes from.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// The system clock, read once per request (and once per writer batch).
    System,
    /// Always this time.
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(self) -> Timestamp {
        match self {
            Clock::System => Timestamp::from_utc(chrono::Utc::now()),
            Clock::Fixed(t) => t,
        }
    }

    /// Now as RFC 3339 at China time (+08:00), as the audit trail records it.
    pub fn china_rfc3339(self) -> String {
        let utc = match self {
            Clock::System => chrono::Utc::now(),
            Clock::Fixed(t) => t.to_utc(),
        };
        let china = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
        utc.with_timezone(&china).to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    }
}
