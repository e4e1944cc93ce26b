//! A writer killed at any point during `save` leaves the old context or the new one on disk,
//! never a damaged or empty file.

use crate::common;

use bunq_api::ApiContext;
use bunq_sandbox::SandboxConfig;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Set in the child: the folder holding `a.json`, `b.json` and the `target.json` it overwrites.
const WRITER: &str = "BUNQ_API_TEST_SAVE_WRITER";

/// The child: saves context A, then B, then A … over `target.json` until it is killed.
fn writer(dir: &Path) -> ! {
    let a = ApiContext::restore(dir.join("a.json")).expect("a");
    let b = ApiContext::restore(dir.join("b.json")).expect("b");
    println!("writing");
    loop {
        a.save(dir.join("target.json")).expect("save a");
        b.save(dir.join("target.json")).expect("save b");
    }
}

/// Two different saved contexts (A, B), made on the sandbox.
fn two_contexts(dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sandbox = common::sandbox(SandboxConfig::default()).await;
        let context = common::context(&sandbox, bunq_api::ContextOptions::new()).await;
        context.save(dir.join("a.json")).unwrap();
        context.renew_session().await.unwrap();
        context.save(dir.join("b.json")).unwrap();
    });
}

/// A small deterministic-enough source of kill delays.
fn delays(count: usize) -> Vec<Duration> {
    let mut x = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(x % 20_000)
        })
        .collect()
}

#[test]
fn killed_writers_leave_the_old_or_the_new_context() {
    if let Some(dir) = std::env::var_os(WRITER) {
        writer(&PathBuf::from(dir));
    }
    let dir = common::temp_dir("durability");
    two_contexts(&dir);
    let a = std::fs::read(dir.join("a.json")).unwrap();
    let b = std::fs::read(dir.join("b.json")).unwrap();
    assert_ne!(a, b);
    let target = dir.join("target.json");
    std::fs::write(&target, &a).unwrap();

    let (mut as_a, mut as_b) = (0, 0);
    for delay in delays(40) {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "save_durability::killed_writers_leave_the_old_or_the_new_context",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill only once it is saving: somewhere inside its loop of atomic writes.
        let mut ready = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        while !ready.contains("writing") {
            ready.clear();
            assert_ne!(stdout.read_line(&mut ready).unwrap(), 0, "the writer stopped before writing");
        }
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        let on_disk = std::fs::read(&target).unwrap();
        if on_disk == a {
            as_a += 1;
        } else if on_disk == b {
            as_b += 1;
        } else {
            panic!("after a kill at {delay:?} the file is neither context: {:?}", String::from_utf8_lossy(&on_disk));
        }
        ApiContext::restore(&target).expect("restorable");
    }
    println!("40 kills: {as_a} left context A, {as_b} left context B, 0 damaged");
    assert!(as_a > 0 && as_b > 0, "the kills landed at different points of the loop");
    std::fs::remove_dir_all(dir).ok();
}
