//! Real Redis and PostgreSQL servers for the store tests, on 127.0.0.1: the ones named by
//! `BUNQ_TEST_REDIS_URL` / `BUNQ_TEST_POSTGRES_URL`, or ones started here from the Debian
//! packages' binaries (`redis-server`; `initdb` and `postgres`, run as the `postgres` user when
//! the tests run as root, since PostgreSQL refuses to run as root). `None` when neither is there.
#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server for one test binary; stopped (and its files removed) when dropped.
pub struct Server {
    pub url: String,
    pub port: u16,
    child: Option<Child>,
    dir: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = &self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

impl Server {
    /// Stops the server (SIGTERM, then waits), keeping its files.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            if !wait_exit(&mut child, Duration::from_secs(10)) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

fn wait_exit(child: &mut Child, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Says why a store test did not run, and how to run it: once per test binary, on the real
/// stderr (not the harness's capture), so that a plain `cargo test` shows it. With
/// `BUNQ_REQUIRE_STORES` set (CI) a skip is a failure instead.
pub fn skipped(what: &str, how: &str) {
    use std::io::Write;
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let line = format!("SKIPPED: the {what} tests did not run: {how}");
    assert!(std::env::var_os("BUNQ_REQUIRE_STORES").is_none(), "{line} (BUNQ_REQUIRE_STORES is set)");
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.contains(&line) {
        let _ = writeln!(std::io::stderr(), "\n{line}");
        said.push(line);
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A program on PATH, or in the usual PostgreSQL place. (Not resolved through symlinks:
/// Debian's `redis-server` is a link to a binary that acts by the name it is called by.)
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut places: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = versions.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        places.extend(versions.into_iter().rev());
    }
    places.into_iter().map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bunq-api-{name}-{}", bunq_api::headers::new_request_id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Redis: `BUNQ_TEST_REDIS_URL`, or a `redis-server` started here on a free port.
pub fn redis() -> Option<Server> {
    if let Ok(url) = std::env::var("BUNQ_TEST_REDIS_URL") {
        return Some(Server { url, port: 0, child: None, dir: None });
    }
    let Some(binary) = program("redis-server") else {
        skipped(
            "Redis",
            "no redis-server on PATH; `apt-get install redis-server`, or set BUNQ_TEST_REDIS_URL=redis://…",
        );
        return None;
    };
    let dir = temp_dir("redis");
    let port = free_port();
    let mut server = Server { url: format!("redis://127.0.0.1:{port}/"), port, child: None, dir: Some(dir) };
    server.start_redis(&binary);
    Some(server)
}

impl Server {
    fn start_redis(&mut self, binary: &Path) {
        let dir = self.dir.clone().unwrap();
        let child = Command::new(binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        assert!(wait_for_port(self.port, Duration::from_secs(10)), "redis-server did not listen on {}", self.port);
    }

    /// Starts a Redis stopped with [`Server::stop`] again, on the same port.
    pub fn restart_redis(&mut self) {
        self.start_redis(&program("redis-server").expect("redis-server"));
    }
}

/// PostgreSQL: `BUNQ_TEST_POSTGRES_URL`, or a cluster made here by `initdb` in a temporary
/// directory and served by `postgres` on a free port (trust authentication, loopback only).
pub fn postgres() -> Option<Server> {
    if let Ok(url) = std::env::var("BUNQ_TEST_POSTGRES_URL") {
        return Some(Server { url, port: 0, child: None, dir: None });
    }
    let (Some(initdb), Some(postgres)) = (program("initdb"), program("postgres")) else {
        skipped(
            "PostgreSQL",
            "no initdb/postgres found; `apt-get install postgresql`, or set BUNQ_TEST_POSTGRES_URL=postgres://…",
        );
        return None;
    };
    let dir = temp_dir("postgres");
    let root = is_root();
    if root {
        // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user.
        let owned = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status();
        assert!(owned.is_ok_and(|s| s.success()), "chown of {} to postgres", dir.display());
    }
    let as_owner = |program: &Path| {
        let mut command = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", "postgres", "--regid", "postgres", "--init-groups", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.current_dir(&dir);
        command
    };
    let data = dir.join("data");
    let made = as_owner(&initdb)
        .args(["-A", "trust", "-U", "bunq", "--no-sync", "-E", "UTF8", "-D"])
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("initdb runs");
    assert!(made.success(), "initdb failed in {}", data.display());
    let port = free_port();
    let child = as_owner(&postgres)
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(&dir)
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("postgres starts");
    let server =
        Server { url: format!("postgres://bunq@127.0.0.1:{port}/postgres"), port, child: Some(child), dir: Some(dir) };
    assert!(wait_for_port(port, Duration::from_secs(20)), "postgres did not listen on {port}");
    // Listening comes a moment before accepting logins.
    std::thread::sleep(Duration::from_millis(500));
    Some(server)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
