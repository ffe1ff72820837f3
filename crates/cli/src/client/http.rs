//! One request to the server and its answer printed as the local command
//! prints it: console frames (crates/server/src/api/console.rs) to stdout,
//! stderr and the exit; a problem (RFC 9457) as the error sentence, after
//! the rejected lines it lists; any other answer as stdout.

use super::output::{Output, Sink};
use commands::{CliError, CliResult};
use std::io::{Read, Write};

/// The media type of console frames (the server's `api::console::CONSOLE`).
const CONSOLE: &str = "application/vnd.credit-ledger.console";

/// A request a command becomes.
pub struct Call {
    pub method: &'static str,
    /// The path, its segments already percent-encoded ([`segment`]).
    pub path: String,
    /// Query parameters, encoded when sent.
    pub query: Vec<(&'static str, String)>,
    pub payload: Payload,
    pub sink: Sink,
}

impl Call {
    pub fn get(path: String, query: Vec<(&'static str, String)>) -> Call {
        Call { method: "GET", path, query, payload: Payload::Empty, sink: Sink::Stdout }
    }

    pub fn post(path: String, query: Vec<(&'static str, String)>, payload: Payload) -> Call {
        Call { method: "POST", path, query, payload, sink: Sink::Stdout }
    }

    pub fn into(mut self, sink: Sink) -> Call {
        self.sink = sink;
        self
    }
}

/// A request's body.
pub enum Payload {
    Empty,
    /// One file (or stdin), as it is.
    Raw { content_type: &'static str, bytes: Vec<u8> },
    /// Several named inputs: `multipart/form-data`, one part per input,
    /// named by its filename (the server's `api::import::inputs`).
    Form(Vec<(String, Vec<u8>)>),
}

/// The server at a base URL, with the caller's token.
pub struct Server {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl Server {
    /// `url`: `http://host:port` or `https://…` (a trailing `/` is dropped);
    /// the token from `$CREDIT_LEDGER_TOKEN`.
    pub fn new(url: &str) -> CliResult<Server> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(CliError::Rejected(format!("--server {url:?}: give the server's URL, http://HOST:PORT (as `credit-ledger serve` prints it)")));
        }
        let token = std::env::var("CREDIT_LEDGER_TOKEN").ok().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Ok(Server { base: url.trim_end_matches('/').to_string(), token, agent })
    }

    /// Sends `call` and prints its answer; the error is the command's
    /// (or why the server could not answer), with its exit code.
    pub fn execute(&self, call: Call) -> CliResult {
        let query: Vec<String> = call.query.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        let uri = if query.is_empty() { format!("{}{}", self.base, call.path) } else { format!("{}{}?{}", self.base, call.path, query.join("&")) };
        let mut req = ureq::http::Request::builder().method(call.method).uri(&uri).header("Accept", format!("{CONSOLE}, application/problem+json;q=0.9, */*;q=0.1"));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let body = match call.payload {
            Payload::Empty => Vec::new(),
            Payload::Raw { content_type, bytes } => {
                req = req.header("Content-Type", content_type);
                bytes
            }
            Payload::Form(inputs) => {
                let (boundary, bytes) = form(&inputs)?;
                req = req.header("Content-Type", format!("multipart/form-data; boundary={boundary}"));
                bytes
            }
        };
        let req = req.body(body).map_err(|e| CliError::Failed(format!("cannot make the request for {uri}: {e}")))?;
        let resp = self.agent.run(req).map_err(|e| CliError::Failed(format!("cannot reach the server at {}: {e}", self.base)))?;
        let status = resp.status();
        let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let mut body = resp.into_body().into_reader();
        let mut out = Output::new(call.sink);
        let result = if content_type.starts_with(CONSOLE) {
            self.frames(&mut body, &mut out)
        } else if content_type.starts_with("application/problem+json") {
            Err(self.problem(status.as_u16(), &mut body))
        } else if status.is_success() {
            match std::io::copy(&mut body, &mut out) {
                Ok(_) => Ok(()),
                Err(e) => Err(out.take_error().unwrap_or_else(|| self.broken(e))),
            }
        } else {
            let mut text = String::new();
            let _ = body.take(4096).read_to_string(&mut text);
            let first = text.lines().next().map(|l| format!(": {}", l.trim())).unwrap_or_default();
            Err(by_status(status.as_u16(), format!("the server at {} answered {status}{first}", self.base)))
        };
        out.finish(result)
    }

    /// Console frames until the exit frame; stdout bytes go to `out` as they come.
    fn frames(&self, body: &mut impl Read, out: &mut Output) -> CliResult {
        loop {
            let mut head = [0u8; 5];
            body.read_exact(&mut head).map_err(|e| self.broken(e))?;
            let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as u64;
            let mut payload = Vec::new();
            body.take(len).read_to_end(&mut payload).map_err(|e| self.broken(e))?;
            if payload.len() as u64 != len {
                return Err(self.broken(std::io::ErrorKind::UnexpectedEof.into()));
            }
            match head[0] {
                b'o' => out.write(&payload)?,
                b'e' => out.note(&payload),
                b'x' => return exit(&payload),
                tag => return Err(CliError::Failed(format!("the server at {} answered with an unknown frame ({:?}); is it a credit-ledger server of this version?", self.base, tag as char))),
            }
        }
    }

    /// A problem: its rejected lines on stderr, its detail as the error.
    fn problem(&self, status: u16, body: &mut impl Read) -> CliError {
        #[derive(serde::Deserialize)]
        struct Problem {
            detail: String,
            #[serde(default)]
            rejections: Vec<Rejected>,
        }
        #[derive(serde::Deserialize)]
        struct Rejected {
            text: String,
        }
        let mut bytes = Vec::new();
        if let Err(e) = body.read_to_end(&mut bytes) {
            return self.broken(e);
        }
        let Ok(p) = serde_json::from_slice::<Problem>(&bytes) else {
            return by_status(status, format!("the server at {} answered {status} with a problem that cannot be read", self.base));
        };
        let mut stderr = std::io::stderr();
        for r in &p.rejections {
            let _ = writeln!(stderr, "{}", r.text);
        }
        let detail = match status {
            401 if self.token.is_none() => format!("{}; $CREDIT_LEDGER_TOKEN is not set", p.detail),
            _ => p.detail,
        };
        by_status(status, detail)
    }

    /// The answer stopped before its end.
    fn broken(&self, e: std::io::Error) -> CliError {
        CliError::Failed(format!("the answer of the server at {} broke off ({e}); what was printed is incomplete", self.base))
    }
}

/// The exit frame: `{"code": 0|1|2, "message": …}`.
fn exit(payload: &[u8]) -> CliResult {
    #[derive(serde::Deserialize)]
    struct Exit {
        code: u8,
        #[serde(default)]
        message: String,
    }
    let e: Exit = serde_json::from_slice(payload).map_err(|e| CliError::Failed(format!("the server's exit frame cannot be read: {e}")))?;
    match e.code {
        0 => Ok(()),
        2 => Err(CliError::Rejected(e.message)),
        _ => Err(CliError::Failed(e.message)),
    }
}

/// The exit code of a refusal: 4xx (rejected, 401, 403, 404, 409, 413) → 2; else 1.
fn by_status(status: u16, detail: String) -> CliError {
    if (400..500).contains(&status) {
        CliError::Rejected(detail)
    } else {
        CliError::Failed(detail)
    }
}

/// Percent-encodes everything but the unreserved characters (RFC 3986):
/// a query value or one path segment.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `multipart/form-data` body of `inputs`: (boundary, bytes).
fn form(inputs: &[(String, Vec<u8>)]) -> CliResult<(String, Vec<u8>)> {
    let mut n = std::process::id() as u64;
    let boundary = loop {
        let b = format!("credit-ledger-{n:016x}");
        if !inputs.iter().any(|(name, bytes)| name.contains(&b) || bytes.windows(b.len()).any(|w| w == b.as_bytes())) {
            break b;
        }
        n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    };
    let mut body = Vec::with_capacity(inputs.iter().map(|(_, b)| b.len() + 200).sum());
    for (name, bytes) in inputs {
        if name.chars().any(char::is_control) || name.ends_with('\\') {
            return Err(CliError::Rejected(format!("{name:?}: this file name cannot be sent to a server (a control character or a final backslash); rename the file")));
        }
        let quoted = name.replace('"', "\\\"");
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"input\"; filename=\"{quoted}\"\r\nContent-Type: application/x-ndjson\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((boundary, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_keeps_only_unreserved_characters() {
        assert_eq!(encode("2025-12-31T00:00:00+08:00"), "2025-12-31T00%3A00%3A00%2B08%3A00");
        assert_eq!(encode("a b/c&d=é"), "a%20b%2Fc%26d%3D%C3%A9");
    }

    #[test]
    fn exit_frames_keep_the_code() {
        assert!(exit(br#"{"code":0,"message":"","status":200,"known_at":3}"#).is_ok());
        assert_eq!(exit(br#"{"code":2,"message":"no","status":404,"known_at":null}"#).unwrap_err().exit_code(), 2);
        assert_eq!(exit(br#"{"code":1,"message":"disk","status":500,"known_at":null}"#).unwrap_err().exit_code(), 1);
    }

    #[test]
    fn a_form_never_contains_its_boundary_inside_an_input() {
        let (b, body) = form(&[("a \"x\".jsonl".into(), b"{}\n".to_vec()), ("b.jsonl".into(), Vec::new())]).unwrap();
        let text = String::from_utf8(body).unwrap();
        assert_eq!(text.matches(&format!("--{b}")).count(), 3);
        assert!(text.contains("filename=\"a \\\"x\\\".jsonl\""));
        assert!(form(&[("a\nb".into(), Vec::new())]).is_err());
    }
}
