//! The server's connection limits on 127.0.0.1 (issue 8 §6): connections that send nothing, or
//! only part of a request's headers, or stay idle after an answer, are closed after the header
//! timeout while normal requests are answered; past the connection cap a new connection is
//! closed at once, and once the slow ones are gone requests are answered again.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use district_server::admin;
use district_server::config::Config;
use district_server::server::{self, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Running {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<()>,
}

async fn start(max_connections: usize, header_timeout_secs: u64) -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::for_data_dir(dir.path().join("data"));
    config.max_connections = max_connections;
    config.header_timeout_secs = header_timeout_secs;
    admin::init(&config).expect("init");
    let state = AppState::open(config).expect("opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        server::serve(state, listener, async {
            let _ = stopped.await;
        })
        .await
        .expect("serves");
    });
    Running {
        addr,
        _dir: dir,
        stop: Some(stop),
        handle,
    }
}

impl Running {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.handle)
            .await
            .expect("stops when asked")
            .expect("ran");
    }
}

/// A normal request on a new connection answers `ok`.
async fn healthy(addr: SocketAddr) -> bool {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    match client.get(format!("http://{addr}/healthz")).send().await {
        Ok(r) => r.status().is_success() && r.text().await.is_ok_and(|t| t == "ok"),
        Err(_) => false,
    }
}

/// Whether the server closes `stream` within `within` (end of stream or reset), reading and
/// dropping whatever it sends first.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed_while_normal_requests_are_answered() {
    let server = start(1024, 2).await;
    let mut slow = Vec::new();
    for i in 0..200 {
        let mut s = TcpStream::connect(server.addr).await.expect("connects");
        if i % 2 == 1 {
            // Half a request: the headers never end.
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: kiosk\r\nX-Slow: ")
                .await
                .expect("writes");
        }
        slow.push(s);
    }
    // A keep-alive connection that got its answer and then says nothing more.
    let mut idle = TcpStream::connect(server.addr).await.expect("connects");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: kiosk\r\n\r\n")
        .await
        .expect("writes");
    let mut answer = [0u8; 512];
    let n = idle.read(&mut answer).await.expect("answered");
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer[..n])
    );

    assert!(
        healthy(server.addr).await,
        "a normal request is answered while 200 slow connections are open"
    );
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(
            closed_within(s, Duration::from_secs(10)).await,
            "slow connection {i} was closed"
        );
    }
    assert!(
        closed_within(&mut idle, Duration::from_secs(10)).await,
        "the idle keep-alive connection was closed"
    );
    assert!(healthy(server.addr).await, "still answering afterwards");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_a_new_connection_is_closed_at_once_until_slots_free_up() {
    let server = start(8, 3).await;
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(TcpStream::connect(server.addr).await.expect("connects"));
    }
    // Let the server accept all eight before the ninth arrives.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ninth = TcpStream::connect(server.addr).await.expect("connects");
    assert!(
        closed_within(&mut ninth, Duration::from_millis(1500)).await,
        "the ninth connection is closed at once, long before the header timeout"
    );
    // The eight are closed by the header timeout; then there is room again.
    for s in held.iter_mut() {
        assert!(closed_within(s, Duration::from_secs(10)).await);
    }
    assert!(
        healthy(server.addr).await,
        "answering again once slots are free"
    );
    server.stop().await;
}
