//! The test server: its builder, the accept loop, and what a test can ask of it.

use std::io::{BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use influxdb3_permission::Permission;
use influxdb3_token::{Timestamp, Token};
use influxdb3_tokenfile::{AdminTokenFile, TokenFile};

use crate::error::StartError;
use crate::http::{self, RecordedRequest};
use crate::lock::locked;
use crate::mode::Mode;
use crate::routes;
use crate::state::{CreateError, State};
use crate::tls::Tls;

/// Configures a [`TestServer`].
#[derive(Debug, Clone, Default)]
pub struct Builder {
    mode: Mode,
    tls: bool,
    port: u16,
    databases: Vec<String>,
    permission_tokens_file: Option<PathBuf>,
    admin_token_file: Option<PathBuf>,
}

impl Builder {
    /// Which server to be (default [`Mode::Enterprise`]).
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Builder {
        self.mode = mode;
        self
    }

    /// Serve HTTPS with a certificate signed by a CA made at start.
    #[must_use]
    pub fn tls(mut self, tls: bool) -> Builder {
        self.tls = tls;
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    #[must_use]
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }

    /// A database that exists from the start.
    #[must_use]
    pub fn database(mut self, name: &str) -> Builder {
        self.databases.push(name.to_owned());
        self
    }

    /// A permission tokens file to load at start (`--permission-tokens-file`).
    #[must_use]
    pub fn permission_tokens_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.permission_tokens_file = Some(path.into());
        self
    }

    /// An admin token file to load at start (`--admin-token-file`).
    #[must_use]
    pub fn admin_token_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.admin_token_file = Some(path.into());
        self
    }

    /// Loads the files, binds the socket and starts serving on a background thread.
    ///
    /// # Errors
    ///
    /// [`StartError`] when the socket cannot be bound, the certificates cannot be made,
    /// or a file does not load or names a database that does not exist.
    pub fn start(self) -> Result<TestServer, StartError> {
        let mut state = State::default();
        state.databases.extend(self.databases.iter().cloned());
        if let Some(path) = &self.admin_token_file {
            let mut text = String::new();
            let admin = AdminTokenFile::load(path, &mut text)?;
            insert(
                &mut state,
                admin.token(),
                admin.name(),
                true,
                &[Permission::Admin],
                admin.expiry(),
            )?;
        }
        if let Some(path) = &self.permission_tokens_file {
            let mut text = String::new();
            let file = TokenFile::load(path, &mut text)?;
            // The server creates the databases first, then loads the tokens.
            state.databases.extend(
                file.create_databases()
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string),
            );
            for entry in file.tokens() {
                insert(
                    &mut state,
                    entry.token(),
                    entry.name(),
                    false,
                    &entry.permissions().collect::<Vec<_>>(),
                    entry.expiry(),
                )?;
            }
        }
        let listener = TcpListener::bind(("127.0.0.1", self.port))?;
        let addr = listener.local_addr()?;
        let tls = if self.tls {
            Some(Tls::make(addr)?)
        } else {
            None
        };
        let shared = Arc::new(Shared {
            mode: self.mode,
            state: Mutex::new(state),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            changes_left: AtomicUsize::new(usize::MAX),
        });
        let config = tls.as_ref().map(|t| Arc::clone(&t.config));
        let acceptor = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("influxdb3-testserver".into())
                .spawn(move || accept_loop(&listener, &shared, config.as_ref()))?
        };
        Ok(TestServer {
            addr,
            tls,
            shared,
            acceptor: Some(acceptor),
        })
    }
}

fn insert(
    state: &mut State,
    token: &Token,
    name: &str,
    admin: bool,
    permissions: &[Permission],
    expiry: Option<Timestamp>,
) -> Result<(), StartError> {
    state
        .insert(token, name, admin, permissions, expiry)
        .map(drop)
        .map_err(|e| match e {
            CreateError::NameTaken(name) => StartError::DuplicateName(name),
            CreateError::UnknownDatabase(database) => StartError::UnknownDatabase {
                token: name.to_owned(),
                database,
            },
        })
}

struct Shared {
    mode: Mode,
    state: Mutex<State>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    stop: AtomicBool,
    /// How many more token creations and deletions succeed before each fails with a
    /// 500 (`usize::MAX`: all of them).
    changes_left: AtomicUsize,
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    tls: Option<&Arc<rustls::ServerConfig>>,
) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(shared);
        let tls = tls.cloned();
        let _ = std::thread::Builder::new()
            .name("influxdb3-testserver-conn".into())
            .spawn(move || match tls {
                Some(config) => {
                    if let Ok(conn) = rustls::ServerConnection::new(config) {
                        serve(&shared, rustls::StreamOwned::new(conn, stream));
                    }
                }
                None => serve(&shared, stream),
            });
    }
}

fn serve<S: Read + Write>(shared: &Shared, stream: S) {
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            // Not HTTP (a TLS hello on the plain port, say): 400 and close, as hyper does.
            Err(_) => {
                let _ = http::Response::text(400, "bad request").write(reader.get_mut(), true);
                return;
            }
        };
        let response = if routes::changes_tokens(&request)
            && shared
                .changes_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_err()
        {
            http::Response::text(500, "injected failure: the test server was told to fail")
        } else {
            let mut state = locked(&shared.state);
            routes::route(shared.mode, &mut state, &request)
        };
        let close = request.wants_close();
        locked(&shared.requests).push(request);
        if response.write(reader.get_mut(), close).is_err() || close {
            return;
        }
    }
}

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    tls: Option<Tls>,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// A server to configure.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The base URL: `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate file to trust (`--tls-ca`), when serving TLS.
    pub fn ca_path(&self) -> Option<&Path> {
        self.tls.as_ref().map(|t| t.ca_path.as_path())
    }

    /// The CA certificate in PEM, when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        locked(&self.shared.requests).clone()
    }

    /// How many connections the server has accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Creates a database.
    pub fn create_database(&self, name: &str) {
        locked(&self.shared.state).databases.insert(name.to_owned());
    }

    /// Stores a new admin token named `name` and gives it to the caller.
    ///
    /// # Errors
    ///
    /// When the name is taken, or the random source fails.
    pub fn add_admin_token(&self, name: &str) -> Result<Token, StartError> {
        self.add(name, true, &[Permission::Admin], None)
    }

    /// Stores a new permission token and gives it to the caller.
    ///
    /// # Errors
    ///
    /// When the name is taken, a database does not exist, or the random source fails.
    pub fn add_token(
        &self,
        name: &str,
        permissions: &[Permission],
        expiry: Option<Timestamp>,
    ) -> Result<Token, StartError> {
        self.add(name, false, permissions, expiry)
    }

    fn add(
        &self,
        name: &str,
        admin: bool,
        permissions: &[Permission],
        expiry: Option<Timestamp>,
    ) -> Result<Token, StartError> {
        let token = Token::generate().map_err(StartError::Random)?;
        insert(
            &mut locked(&self.shared.state),
            &token,
            name,
            admin,
            permissions,
            expiry,
        )?;
        Ok(token)
    }

    /// Sends `METHOD TARGET` with `Authorization: Bearer TOKEN` and an empty body over
    /// plain HTTP, and gives the whole answer as text (status line, headers, body).
    /// For checking what a token may do; a TLS server needs a real client.
    ///
    /// # Errors
    ///
    /// When the socket fails, or the server serves TLS.
    pub fn call(&self, method: &str, target: &str, token: &str) -> std::io::Result<String> {
        if self.tls.is_some() {
            return Err(std::io::Error::other(
                "`call` speaks plain HTTP; this server serves TLS",
            ));
        }
        let mut stream = TcpStream::connect(self.addr)?;
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {token}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            self.addr
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    }

    /// The status code of [`call`](Self::call).
    ///
    /// # Errors
    ///
    /// As [`call`](Self::call), and when the answer has no status line.
    pub fn status(&self, method: &str, target: &str, token: &str) -> std::io::Result<u16> {
        let answer = self.call(method, target, token)?;
        answer
            .get(9..12)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {answer:?}")))
    }

    /// Gives the token named `name` a description, as `system.tokens` lists it (any
    /// text: for listings that hold what they should not). `false` if there is no such
    /// token.
    pub fn describe_token(&self, name: &str, description: &str) -> bool {
        locked(&self.shared.state).describe(name, description)
    }

    /// Lets `count` more token creations and deletions through, then answers each
    /// with a 500, as a server that fails half-way through a batch.
    pub fn fail_token_changes_after(&self, count: usize) {
        self.shared.changes_left.store(count, Ordering::SeqCst);
    }

    /// The names of the stored tokens, by id.
    pub fn token_names(&self) -> Vec<String> {
        locked(&self.shared.state)
            .rows()
            .into_iter()
            .map(|(record, _)| record.name.clone())
            .collect()
    }

    /// Whether a token of this name is stored.
    pub fn has_token(&self, name: &str) -> bool {
        locked(&self.shared.state).has_name(name)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
        if let Some(dir) = self.tls.as_ref().and_then(|t| t.ca_path.parent()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
