//! A small HTTP/1.1-aware TCP proxy between a kiosk and the server that injects faults, chosen
//! per request with a seeded RNG: connection resets, stalls, lost or truncated answers, flipped
//! bytes, `500`s, requests delivered twice. It also logs what passed, so tests can count
//! requests (a no-change sync is one `304`) and see `Range` headers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded, answered.
    Pass,
    /// The connection is closed before the request reaches the server.
    Reset,
    /// The server handles the request; its answer is dropped and the connection closed.
    LoseAnswer,
    /// Nothing happens for longer than the kiosk waits; then the connection closes.
    Stall,
    /// The answer is cut short somewhere in its body.
    Truncate,
    /// One byte of the answer's body is flipped.
    Flip,
    /// The proxy answers `500` itself.
    Error500,
    /// The server receives the request twice; the kiosk gets the second answer.
    Duplicate,
}

pub const FAULTS: [Fault; 7] = [
    Fault::Reset,
    Fault::LoseAnswer,
    Fault::Stall,
    Fault::Truncate,
    Fault::Flip,
    Fault::Error500,
    Fault::Duplicate,
];

/// How the proxy behaves now.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Everything passes.
    Pass,
    /// Each request gets a fault with probability `rate`, the fault drawn uniformly.
    Faults { rate: f64 },
    /// Every request is answered with this raw response by the proxy itself.
    Fixed(Vec<u8>),
    /// Requests whose path ends with `path` are answered with `raw` by the proxy itself (a
    /// lying server for one resource); the others pass.
    Answer { path: String, raw: Vec<u8> },
    /// Every request gets this fault.
    Always(Fault),
    /// The next `pass` requests pass, then every request gets `then`.
    PassThen { pass: usize, then: Fault },
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub range: Option<String>,
    pub if_none_match: bool,
    pub fault: Fault,
    /// Status of the answer the kiosk was sent (maybe damaged), if any.
    pub status: Option<u16>,
}

struct Shared {
    mode: Mode,
    rng: fastrand::Rng,
    log: Vec<Logged>,
}

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    upstream: String,
    stall: Duration,
    shared: Arc<Mutex<Shared>>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (`host:port`) on `rt`. A stall lasts `stall`.
    pub fn start(
        rt: &tokio::runtime::Runtime,
        upstream: &str,
        seed: u64,
        stall: Duration,
    ) -> Proxy {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("binds");
        let addr = listener.local_addr().expect("addr");
        let proxy = Proxy {
            url: format!("http://{addr}"),
            upstream: upstream.trim_start_matches("http://").to_string(),
            stall,
            shared: Arc::new(Mutex::new(Shared {
                mode: Mode::Pass,
                rng: fastrand::Rng::with_seed(seed),
                log: Vec::new(),
            })),
        };
        let p = proxy.clone();
        rt.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let p = p.clone();
                tokio::spawn(async move {
                    let _ = p.serve(client).await;
                });
            }
        });
        proxy
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().expect("lock").mode = mode;
    }

    /// Takes the log of requests seen since the last call.
    pub fn take_log(&self) -> Vec<Logged> {
        std::mem::take(&mut self.shared.lock().expect("lock").log)
    }

    fn decide(&self, path: &str) -> (Fault, Option<Vec<u8>>, u64) {
        let mut s = self.shared.lock().expect("lock");
        let roll = s.rng.f64();
        let pick = s.rng.usize(..FAULTS.len());
        let salt = s.rng.u64(..);
        match &mut s.mode {
            Mode::Pass => (Fault::Pass, None, salt),
            Mode::Fixed(raw) => (Fault::Pass, Some(raw.clone()), salt),
            Mode::Answer { path: p, raw } if path.ends_with(p.as_str()) => {
                (Fault::Pass, Some(raw.clone()), salt)
            }
            Mode::Answer { .. } => (Fault::Pass, None, salt),
            Mode::Faults { rate } if roll < *rate => (FAULTS[pick], None, salt),
            Mode::Faults { .. } => (Fault::Pass, None, salt),
            Mode::Always(fault) => (*fault, None, salt),
            Mode::PassThen { pass, then } => {
                if *pass > 0 {
                    *pass -= 1;
                    (Fault::Pass, None, salt)
                } else {
                    (*then, None, salt)
                }
            }
        }
    }

    fn log(&self, request: &Message, fault: Fault, status: Option<u16>) {
        let line = String::from_utf8_lossy(&request.head).to_string();
        let mut words = line.split_whitespace();
        let method = words.next().unwrap_or_default().to_string();
        let path = words.next().unwrap_or_default().to_string();
        self.shared.lock().expect("lock").log.push(Logged {
            method,
            path,
            range: request.header("range"),
            if_none_match: request.header("if-none-match").is_some(),
            fault,
            status,
        });
    }

    async fn serve(&self, client: TcpStream) -> std::io::Result<()> {
        let (cr, mut cw) = client.into_split();
        let mut cr = BufReader::new(cr);
        let mut upstream: Option<(
            BufReader<tokio::net::tcp::OwnedReadHalf>,
            tokio::net::tcp::OwnedWriteHalf,
        )> = None;
        loop {
            let Some(request) = read_message(&mut cr, None).await? else {
                return Ok(());
            };
            let head = String::from_utf8_lossy(&request.head).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or_default();
            let (fault, fixed, salt) = self.decide(path);
            if let Some(raw) = fixed {
                cw.write_all(&raw).await?;
                self.log(&request, Fault::Pass, status_of(&raw));
                continue;
            }
            match fault {
                Fault::Reset => {
                    self.log(&request, fault, None);
                    return Ok(());
                }
                Fault::Stall => {
                    self.log(&request, fault, None);
                    tokio::time::sleep(self.stall).await;
                    return Ok(());
                }
                Fault::Error500 => {
                    let body = br#"{"error":"internal","message":"injected by the test proxy"}"#;
                    let raw = [
                        format!(
                            "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes(),
                        body.to_vec(),
                    ]
                    .concat();
                    cw.write_all(&raw).await?;
                    self.log(&request, fault, Some(500));
                    return Ok(());
                }
                _ => {}
            }
            if fault == Fault::Duplicate {
                let _ = self.exchange(&mut upstream, &request).await?;
            }
            let response = self.exchange(&mut upstream, &request).await?;
            let status = status_of(&response.head);
            match fault {
                Fault::LoseAnswer => {
                    self.log(&request, fault, None);
                    return Ok(());
                }
                Fault::Truncate => {
                    let whole = response.raw();
                    let cut = response.head.len() + (salt as usize % response.body.len().max(1));
                    cw.write_all(&whole[..cut.min(whole.len().saturating_sub(1))])
                        .await?;
                    self.log(&request, fault, status);
                    return Ok(());
                }
                Fault::Flip => {
                    let mut whole = response.raw();
                    if !response.body.is_empty() {
                        let at = response.head.len() + (salt as usize % response.body.len());
                        whole[at] ^= 1 << (salt % 8);
                    }
                    cw.write_all(&whole).await?;
                    self.log(&request, fault, status);
                }
                _ => {
                    cw.write_all(&response.raw()).await?;
                    self.log(&request, fault, status);
                }
            }
        }
    }

    /// Sends a request upstream and reads the answer, connecting (again) when needed.
    async fn exchange(
        &self,
        upstream: &mut Option<(
            BufReader<tokio::net::tcp::OwnedReadHalf>,
            tokio::net::tcp::OwnedWriteHalf,
        )>,
        request: &Message,
    ) -> std::io::Result<Message> {
        for attempt in 0..2 {
            if upstream.is_none() {
                let (r, w) = TcpStream::connect(&self.upstream).await?.into_split();
                *upstream = Some((BufReader::new(r), w));
            }
            let (r, w) = upstream.as_mut().expect("connected");
            let sent = w.write_all(&request.raw()).await;
            let answer = match sent {
                Ok(()) => read_message(r, Some(&request.head)).await,
                Err(e) => Err(e),
            };
            match answer {
                Ok(Some(m)) => return Ok(m),
                // The server closed an idle keep-alive connection: connect again once.
                _ if attempt == 0 => *upstream = None,
                Ok(None) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "server closed",
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!("two attempts")
    }
}

/// One HTTP message: head (start line + headers + blank line) and body as framed on the wire.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn raw(&self) -> Vec<u8> {
        [self.head.as_slice(), self.body.as_slice()].concat()
    }

    fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.head);
        text.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

fn status_of(head: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(head);
    text.split_whitespace().nth(1)?.parse().ok()
}

/// Reads one message. `request` is the head of the request a response answers (a response to
/// `HEAD`, a `304` and a `204` have no body). `None` at a clean end of stream.
async fn read_message<R: AsyncBufReadExt + Unpin>(
    r: &mut R,
    request: Option<&[u8]>,
) -> std::io::Result<Option<Message>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = r.read_until(b'\n', &mut line).await?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "head cut short",
                ))
            };
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if head.len() > 256 * 1024 {
            return Err(std::io::Error::other("head too long"));
        }
    }
    let message = Message {
        head,
        body: Vec::new(),
    };
    let no_body = match request {
        Some(req) => {
            let status = status_of(&message.head).unwrap_or(0);
            req.starts_with(b"HEAD ") || status == 304 || status == 204 || status < 200
        }
        None => false,
    };
    let mut message = message;
    if no_body {
        return Ok(Some(message));
    }
    let chunked = message
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let mut size_line = Vec::new();
            r.read_until(b'\n', &mut size_line).await?;
            message.body.extend_from_slice(&size_line);
            let text = String::from_utf8_lossy(&size_line);
            let size = usize::from_str_radix(text.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    let mut line = Vec::new();
                    r.read_until(b'\n', &mut line).await?;
                    message.body.extend_from_slice(&line);
                    if line == b"\r\n" || line.is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).await?;
            message.body.extend_from_slice(&chunk);
        }
    } else if let Some(len) = message.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| std::io::Error::other("bad content-length"))?;
        message.body = vec![0; len];
        r.read_exact(&mut message.body).await?;
    } else if request.is_some() {
        // A response without a length ends with the connection.
        r.read_to_end(&mut message.body).await?;
    }
    Ok(Some(message))
}
