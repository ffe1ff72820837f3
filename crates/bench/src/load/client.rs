//! One HTTP client per thread (ureq, keep-alive), and the read the run
//! measures under write load.

use std::time::Duration;

/// The evaluation date V of every grade read.
pub const ON: &str = "2025-12-31";

/// What the readers ask, for the report.
pub const READ_NAME: &str = "`GET /grade/{uscc}?on=2025-12-31&format=json`";

/// The read the readers send for enterprise `uscc`: its grade on [`ON`] at
/// the head, as `credit-ledger grade --format json` prints it.
pub fn read_path(uscc: &str) -> String {
    format!("/grade/{uscc}?on={ON}&format=json")
}

/// A client with its own connection pool (one per thread).
pub struct Client {
    url: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(url: &str) -> Client {
        // No global or per-call timeout: with one, ureq 3.5 resolves every
        // request's host on a new thread (thousands per second here).
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .timeout_recv_body(Some(Duration::from_secs(120)))
            .build()
            .into();
        Client { url: url.to_string(), agent }
    }

    /// GET `path`: (status, body), or why no answer came.
    pub fn get(&self, token: Option<&str>, path: &str) -> Result<(u16, String), String> {
        self.call("GET", token, path, "")
    }

    /// POST `body` to `path`: (status, body), or why no answer came.
    pub fn post(&self, token: Option<&str>, path: &str, body: &str) -> Result<(u16, String), String> {
        self.call("POST", token, path, body)
    }

    fn call(&self, method: &str, token: Option<&str>, path: &str, body: &str) -> Result<(u16, String), String> {
        let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let req = req.body(body.to_string()).map_err(|e| format!("{method} {path}: {e}"))?;
        let mut resp = self.agent.run(req).map_err(|e| format!("{method} {path}: {e}"))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().with_config().limit(64 << 20).read_to_string().map_err(|e| format!("{method} {path}: reading the answer: {e}"))?;
        Ok((status, text))
    }
}
