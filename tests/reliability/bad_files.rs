//! Files that are not a sound, reachable vault: cut short, one byte flipped, plain SQLite,
//! noise, empty, a directory, read-only, on a full disk. Each gets one line on stderr that names
//! the file, a non-zero exit and no panic, and the file keeps every byte it had.

use crate::support::{Env, PASS};
use crate::{Seeded, assert_sound, count, hash, open};
use std::path::Path;
use std::process::{Command, Output};

/// Fails unless the run failed with one line on stderr naming `file`, and without a panic.
#[track_caller]
fn assert_one_line_error(out: &Output, file: &Path, case: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert!(!out.status.success(), "{case}: should fail");
    assert!(!err.contains("panicked"), "{case}: {err}");
    assert_eq!(err.lines().count(), 1, "{case}: one line of error, got: {err}");
    assert!(
        err.contains(file.to_str().unwrap()),
        "{case}: the error names the file: {err}"
    );
    err
}

/// A vault with a few records, closed; returns its bytes.
fn sound_vault(env: &Env) -> Vec<u8> {
    env.add("contacts", &["first_name=Ada", "last_name=Lovelace"]);
    env.add("contacts", &["first_name=Пётр", "notes=Встреча в пятницу"]);
    env.add("notes", &["title=یادداشت", "text=متن"]);
    std::fs::read(&env.vault).unwrap()
}

#[test]
fn damaged_and_foreign_files_give_one_line_and_keep_every_byte() {
    let good_env = Env::init("personal");
    let good = sound_vault(&good_env);
    let page = 4096;
    assert_eq!(good.len() % page, 0);
    let plain = good_env.dir.path().join("plain.sqlite");
    {
        let conn = rusqlite::Connection::open(&plain).unwrap();
        conn.execute_batch("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('Ada');")
            .unwrap();
    }
    let mut rng = Seeded::new(0xBAD_F11E);
    let noise = |n: usize, rng: &mut Seeded| -> Vec<u8> { (0..n).map(|_| rng.next_u64() as u8).collect() };
    let mut cases: Vec<(String, Vec<u8>, &str)> = vec![
        ("cut mid-page".into(), good[..good.len() / 2 + 100].to_vec(), "damaged"),
        (
            "cut at a page".into(),
            good[..good.len() / 2 / page * page].to_vec(),
            "damaged",
        ),
        ("cut to one page".into(), good[..page].to_vec(), "damaged"),
        (
            "plain SQLite".into(),
            std::fs::read(&plain).unwrap(),
            "plain (unencrypted) SQLite",
        ),
        (
            "noise in whole pages".into(),
            noise(8 * page, &mut rng),
            "not a Cardbase vault",
        ),
        ("noise".into(), noise(10_000, &mut rng), "not a Cardbase vault"),
        ("empty".into(), Vec::new(), "empty"),
    ];
    // One flipped byte: in the salt, elsewhere on the first page, and on seeded later pages.
    let mut spots = vec![3, 1000, page + 17, good.len() - 1];
    spots.extend((0..4).map(|_| page + rng.below((good.len() - page) as u64) as usize));
    for at in spots {
        let mut bytes = good.clone();
        bytes[at] ^= 1 << rng.below(8);
        cases.push((format!("byte {at} flipped"), bytes, "damaged"));
    }

    for (case, bytes, expect) in &cases {
        let env = Env::new();
        std::fs::write(&env.vault, bytes).unwrap();
        let before = hash(&env.vault);
        let flipped = case.contains("flipped");
        for args in [
            &["check"][..],
            &["list", "contacts"],
            &["add", "contacts", "--set", "first_name=Eve"],
        ] {
            let what = format!("{case}, cardbase {}", args.join(" "));
            let out = env.run(args);
            if flipped && args[0] != "check" {
                // A page the command does not read cannot be noticed by it (`check` reads every
                // page); a command that does read it fails like the others.
                if out.status.success() {
                    continue;
                }
                assert_one_line_error(&out, &env.vault, &what);
            } else {
                let err = assert_one_line_error(&out, &env.vault, &what);
                assert!(err.contains(expect), "{what}: {err}");
            }
            if !(flipped && args[0] == "add") {
                assert_eq!(hash(&env.vault), before, "{what}: the file changed");
            }
        }
    }

    let dir = Env::new();
    std::fs::create_dir(&dir.vault).unwrap();
    let out = dir.run(&["list", "contacts"]);
    let err = assert_one_line_error(&out, &dir.vault, "a directory");
    assert!(err.contains("is a directory"), "{err}");
    assert_eq!(
        std::fs::read_dir(&dir.vault).unwrap().count(),
        0,
        "nothing was made in it"
    );
}

#[test]
fn a_read_only_vault_is_refused_with_one_line_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::init("personal");
    sound_vault(&env);
    std::fs::set_permissions(&env.vault, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = hash(&env.vault);
    let writable = std::fs::OpenOptions::new().write(true).open(&env.vault).is_ok();
    let out = if !writable {
        env.run(&["list", "contacts"])
    } else {
        // Root ignores file modes: run as nobody when this machine lets us.
        std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = Command::new("setpriv");
        cmd.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_cardbase"),
        ])
        .args(["list", "contacts"])
        .env("CARDBASE_VAULT", &env.vault)
        .env("CARDBASE_PASSPHRASE", PASS)
        .env("XDG_DATA_HOME", env.dir.path().join("xdg"))
        .env("XDG_CACHE_HOME", env.dir.path().join("cache"));
        match cmd.output() {
            Ok(out) if !String::from_utf8_lossy(&out.stderr).contains("setpriv:") => out,
            _ => {
                eprintln!("skipping the read-only case: running as root and cannot run as nobody (setpriv)");
                return;
            }
        }
    };
    let err = assert_one_line_error(&out, &env.vault, "read-only");
    assert!(err.contains("for writing"), "{err}");
    assert_eq!(hash(&env.vault), before);
}

/// Runs inside a private mount namespace: a small tmpfs holding a copy of the vault, filled up,
/// then changes tried on it. Each step leaves its output, exit code and the vault's bytes in
/// the output folder.
const FULL_DISK: &str = r#"
set -u
mnt=$1; out=$2; bin=$3
mount -t tmpfs -o size=2m cardbase-full "$mnt" || exit 90
cp "$4" "$mnt/v.cardbase"
export CARDBASE_VAULT="$mnt/v.cardbase"
run() {
    step=$1; shift
    "$bin" "$@" >"$out/$step.out" 2>"$out/$step.err"; echo $? >"$out/$step.code"
    cp "$mnt/v.cardbase" "$out/$step.cardbase"
}
dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
run full add contacts --set first_name=Eve
rm "$mnt/fill"
avail=$(df --output=avail -k "$mnt" | tail -1)
dd if=/dev/zero of="$mnt/fill" bs=1k count=$((avail - 48)) 2>/dev/null
note=$(head -c 100000 /dev/zero | tr '\0' x)
run nearly add contacts --set first_name=Eve --set "notes=$note"
rm "$mnt/fill"
run freed add contacts --set first_name=Eve
run check check
"#;

#[test]
fn a_full_disk_fails_a_change_with_one_line_and_loses_nothing() {
    let env = Env::init("personal");
    sound_vault(&env);
    let before = hash(&env.vault);
    let mnt = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let ran = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", FULL_DISK, "sh"])
        .args([
            mnt.path(),
            out_dir.path(),
            Path::new(env!("CARGO_BIN_EXE_cardbase")),
            &env.vault,
        ])
        .env("CARDBASE_PASSPHRASE", PASS)
        .env("XDG_DATA_HOME", env.dir.path().join("xdg"))
        .env("XDG_CACHE_HOME", env.dir.path().join("cache"))
        .output();
    match &ran {
        Ok(o) if o.status.success() => {}
        _ => {
            eprintln!("skipping the full-disk case: cannot mount a small tmpfs here (unshare: {ran:?})");
            return;
        }
    }
    let step = |name: &str| {
        let read = |ext: &str| std::fs::read_to_string(out_dir.path().join(format!("{name}.{ext}"))).unwrap();
        let code: i32 = read("code").trim().parse().unwrap();
        (
            code,
            read("err"),
            hash(&out_dir.path().join(format!("{name}.cardbase"))),
        )
    };
    let inside = mnt.path().join("v.cardbase");
    for name in ["full", "nearly"] {
        let (code, err, after) = step(name);
        let err = err.trim_end();
        assert_ne!(code, 0, "{name}: the change should fail");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line of error, got: {err}");
        assert!(
            err.contains(inside.to_str().unwrap()),
            "{name}: the error names the file: {err}"
        );
        assert!(err.contains("full"), "{name}: the error says the disk is full: {err}");
        assert_eq!(after, before, "{name}: the vault's bytes changed");
        eprintln!("disk {name}: {err}");
    }
    let (code, err, _) = step("freed");
    assert_eq!(code, 0, "with space again, the change is saved: {err}");
    let (code, err, _) = step("check");
    assert_eq!(code, 0, "the vault passes its check: {err}");
    let vault = open(&out_dir.path().join("check.cardbase"));
    assert_sound(&vault, "after the disk was full");
    assert_eq!(count(&vault, "contacts"), 3, "the two earlier contacts and Eve, once");
}
