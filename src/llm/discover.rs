//! A model the user already has: when nothing is configured, a quick look
//! at the usual loopback ports of local OpenAI-compatible servers (Ollama,
//! llama.cpp's server, LM Studio, vLLM), so the offline notice can name
//! what is running and the exact flags to use it. It only ever looks; the
//! offline interviewer stays the choice until the user asks for a model.
//!
//! Loopback only, every port at once, each with a deadline, so the whole
//! look costs well under 100 ms even when a port answers slowly. It speaks
//! just enough HTTP/1.0 for `GET /v1/models` on 127.0.0.1; the real client
//! (async-openai on a runtime) would cost more than the look itself.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The usual ports, with the `--provider` preset that points at each.
pub const USUAL: &[(&str, u16)] = &[
    ("ollama", 11434),
    ("llamacpp", 8080),
    ("lmstudio", 1234),
    ("vllm", 8000),
];

/// The longest the whole look may take.
pub const DEADLINE: Duration = Duration::from_millis(80);

/// A server found listening, and the models it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalServer {
    pub provider: &'static str,
    pub base_url: String,
    pub models: Vec<String>,
}

impl LocalServer {
    /// The flags that use it, with its first model.
    pub fn flags(&self) -> String {
        match self.models.first() {
            Some(m) => format!("--provider {} --model {m}", self.provider),
            None => format!("--provider {}", self.provider),
        }
    }

    /// One line for a notice: what runs where, and how to use it.
    pub fn describe(&self) -> String {
        let models = match self.models.len() {
            0 => "no models listed".to_string(),
            n if n <= 3 => self.models.join(", "),
            n => format!("{} and {} more", self.models[..3].join(", "), n - 3),
        };
        format!(
            "{} at {} ({models}): add `{}` to use it",
            self.provider,
            self.base_url,
            self.flags()
        )
    }
}

/// Look at the usual ports.
pub fn local_servers() -> Vec<LocalServer> {
    probe(USUAL, DEADLINE)
}

/// Look at these (provider, port) pairs on loopback, all at once, within
/// `deadline`; servers that do not answer `/v1/models` in time are left out.
pub fn probe(candidates: &[(&'static str, u16)], deadline: Duration) -> Vec<LocalServer> {
    let until = Instant::now() + deadline;
    std::thread::scope(|scope| {
        let looks: Vec<_> = candidates
            .iter()
            .map(|&(provider, port)| scope.spawn(move || look(provider, port, until)))
            .collect();
        looks
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect()
    })
}

fn look(provider: &'static str, port: u16, until: Instant) -> Option<LocalServer> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let left = || {
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    };
    let mut stream = TcpStream::connect_timeout(&addr, left()?).ok()?;
    stream.set_write_timeout(left()).ok()?;
    stream
        .write_all(format!("GET /v1/models HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes())
        .ok()?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    // A model list is small; a reply longer than this is not one.
    while reply.len() < 256 * 1024 {
        stream.set_read_timeout(Some(left()?)).ok()?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(_) => return None,
        }
    }
    let models = models_of(&reply)?;
    Some(LocalServer {
        provider,
        base_url: format!("http://127.0.0.1:{port}/v1"),
        models,
    })
}

/// The model ids of a `200 OK` reply to `GET /v1/models`.
fn models_of(reply: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(reply).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?;
    if status != "200" {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let ids = v["data"]
        .as_array()?
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_string))
        .collect();
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot server on a free loopback port answering with `reply`.
    fn serve(reply: &'static str) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let _ = s.write_all(reply.as_bytes());
            }
        });
        port
    }

    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[test]
    fn a_listening_server_is_named_with_its_models_and_flags() {
        let port = serve(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"object\":\"list\",\"data\":[{\"id\":\"qwen2.5:7b\"},{\"id\":\"llama3\"}]}",
        );
        let found = probe(&[("ollama", port), ("vllm", free_port())], DEADLINE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].models, ["qwen2.5:7b", "llama3"]);
        assert_eq!(found[0].flags(), "--provider ollama --model qwen2.5:7b");
        assert!(found[0]
            .describe()
            .contains(&format!("127.0.0.1:{port}/v1")));
    }

    #[test]
    fn something_else_on_the_port_is_not_a_model_server() {
        let not_found = serve("HTTP/1.1 404 Not Found\r\n\r\nnope");
        let not_json = serve("HTTP/1.1 200 OK\r\n\r\n<html>hi</html>");
        assert!(probe(&[("llamacpp", not_found), ("lmstudio", not_json)], DEADLINE).is_empty());
    }

    #[test]
    fn a_port_that_never_answers_is_given_up_on() {
        // accepts, then says nothing
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hold = std::thread::spawn(move || {
            let conn = listener.accept();
            std::thread::sleep(Duration::from_millis(300));
            drop(conn);
        });
        assert!(probe(&[("vllm", port)], Duration::from_millis(50)).is_empty());
        hold.join().unwrap();
    }
}
