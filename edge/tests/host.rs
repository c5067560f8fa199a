//! The `vitrina` binary as a user runs it: help, bad arguments, and a first start that creates,
//! migrates and seeds the database and serves the API.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_vitrina");

/// Kills the host when the test ends, pass or fail.
struct Running(Child);
impl Drop for Running {
    fn drop(&mut self) {
        if let Err(e) = self.0.kill() {
            eprintln!("stopping vitrina: {e}");
        }
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn help_lists_the_options() {
    let out = Command::new(BIN).arg("--help").output().expect("run vitrina --help");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for option in ["--listen", "--data", "--site", "127.0.0.1:3000", ".vitrina", "VITRINA_STAFF_PASSWORD"] {
        assert!(text.contains(option), "help mentions {option}");
    }
}

#[test]
fn an_unknown_argument_is_refused_with_exit_code_2() {
    let out = Command::new(BIN).arg("--frobnicate").output().expect("run vitrina");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frobnicate"));
}

#[test]
fn first_start_creates_and_seeds_the_database_and_serves_the_api() {
    let data = tempfile::tempdir().expect("data dir");
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .args(["--site", "/nonexistent-site"])
        .env_remove("VITRINA_STAFF_PASSWORD")
        .env_remove("VITRINA_SESSION_KEY")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vitrina");
    let mut host = Running(child);
    let stderr = host.0.stderr.take().expect("stderr");
    // The host prints "serving http://ADDR" once the database is ready and the port is bound.
    let addr = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("serving http://").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned))
        .expect("the host reports its address");
    let health = http_get(&addr, "/api/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"products\":312"), "{health}");
    assert!(data.path().join("vitrina.db").is_file());
    let password = std::fs::read_to_string(data.path().join("staff-password")).expect("a generated staff password");
    assert!(password.len() >= 16);
    assert!(data.path().join("session-key").is_file());
    // Without a built app the API still works and app routes say how to build it.
    let shell = http_get(&addr, "/p/PHN-0001");
    assert!(shell.starts_with("HTTP/1.1 503") && shell.contains("cargo xtask build"), "{shell}");
    drop(host);
}
