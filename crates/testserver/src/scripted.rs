//! A server that answers each connection as a test scripts it: for the answers a real
//! server cannot be asked to give (none, a cut one, an echo of the request, bytes that
//! are not HTTP).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::lock::locked;

/// How a scripted server answers one request: it gets the request as text (head and
/// body) and the connection to write to.
pub type Script = fn(&str, &mut TcpStream);

/// A server on 127.0.0.1 that reads one request per connection and lets a [`Script`]
/// answer it; it records every request.
///
/// ```
/// use influxdb3_testserver::{ScriptedServer, reply};
///
/// let server = ScriptedServer::start(|_, stream| reply(stream, "503 Service Unavailable", None, "busy"))?;
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// assert!(server.requests().is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ScriptedServer {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl ScriptedServer {
    /// Starts listening on a free port.
    ///
    /// # Errors
    ///
    /// When no socket can be bound.
    pub fn start(script: Script) -> std::io::Result<ScriptedServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::Builder::new()
            .name("influxdb3-scripted-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    let Ok(mut stream) = stream else { return };
                    let request = read_request(&stream);
                    locked(&log).push(request.clone());
                    script(&request, &mut stream);
                }
            })?;
        Ok(ScriptedServer { url, seen })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far, as text.
    pub fn requests(&self) -> Vec<String> {
        locked(&self.seen).clone()
    }
}

/// The request's head and its `Content-Length` body, as text.
fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut text = String::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return text;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        text.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; len.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    text.push_str(&String::from_utf8_lossy(&body));
    text
}

/// Writes a whole answer and asks to close the connection.
pub fn reply(stream: &mut TcpStream, status: &str, content_type: Option<&str>, body: &str) {
    let ct = content_type
        .map(|c| format!("content-type: {c}\r\n"))
        .unwrap_or_default();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{ct}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}
