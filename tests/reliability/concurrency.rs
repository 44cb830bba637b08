//! Two processes on one vault: the second is turned away with one clear line, whatever it
//! came to do, and the first carries on as if nothing happened. No timing: the first process
//! has the vault open once it has answered a line of its stream.

use crate::support::{Env, PASS};
use crate::{assert_sound, count, hash, open};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

/// A `cardbase batch` process holding the vault, fed line by line.
pub struct Holder {
    pub child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Holder {
    pub fn start(env: &Env, passphrase: &str, extra: &[&str]) -> Holder {
        let mut args = extra.to_vec();
        args.push("batch");
        let mut child = env
            .command(&args, passphrase)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cardbase starts");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Holder { child, stdin, stdout }
    }

    /// Sends one line and waits for the process to report it committed; returns the id.
    pub fn send(&mut self, line: &str) -> i64 {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        let digits: String = answer.chars().filter(char::is_ascii_digit).collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("odd answer {answer:?} to {line:?}"))
    }

    /// Closes the stream and waits for the process to end well.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn a_second_process_is_turned_away_and_the_first_carries_on() {
    let env = Env::init("personal");
    let backup = env.dir.path().join("copy.cardbase");
    env.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let mut first = Holder::start(&env, PASS, &[]);
    let ada = first.send("add\tcontacts\tfirst_name=Ada");

    let before = hash(&env.vault);
    let tries: &[&[&str]] = &[
        &["list", "contacts"],
        &["add", "contacts", "--set", "first_name=Eve"],
        &["edit", &ada.to_string(), "--set", "last_name=Eve"],
        &["check"],
        &["backup"],
        &["schema", "add-field", "contacts", "hobby", "--type", "text"],
        &["restore", backup.to_str().unwrap()],
    ];
    for args in tries {
        let out = env
            .command(args, PASS)
            .env("CARDBASE_BACKUP_PASSPHRASE", PASS)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
        assert!(!out.status.success(), "{args:?} ran beside the first process");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("in use by another Cardbase process"), "{args:?}: {err}");
        assert!(err.contains(env.vault.to_str().unwrap()), "{args:?}: {err}");
    }
    assert_eq!(hash(&env.vault), before, "the turned-away processes wrote nothing");
    // A wrong passphrase is turned away the same way: the lock comes before the key.
    let out = env.run_with(&["list", "contacts"], "wrong horse");
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use"));

    let bob = first.send("add\tcontacts\tfirst_name=Bob");
    assert_eq!(first.send(&format!("edit\t{ada}\tlast_name=Lovelace")), ada);
    first.finish();

    let vault = open(&env.vault);
    assert_sound(&vault, "after both");
    assert_eq!(count(&vault, "contacts"), 2);
    let ada = vault.record(cardbase_engine::RecordId(ada)).unwrap();
    assert_eq!(vault.title(&ada), "Ada Lovelace");
    assert!(vault.record(cardbase_engine::RecordId(bob)).is_ok());
}
