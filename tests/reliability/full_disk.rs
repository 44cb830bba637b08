//! Commands that write, on a disk with little or no room left: each fails with one line that
//! says the disk is full, and the vault still opens with the passphrase it had and holds every
//! record it held. A small tmpfs in a private mount namespace stands in for the full disk
//! (`unshare`, no root needed); where that is impossible the tests say so and skip.

use crate::support::{Env, PASS};
use crate::{assert_sound, count};
use cardbase_engine::{Passphrase, Preset, Vault};
use std::path::Path;
use std::process::Command;

/// Runs `script` in a private mount namespace with `$1` the mount point for a tmpfs, `$2` the
/// output folder, `$3` the `cardbase` binary and `$4` the vault to copy in. Returns false (after
/// saying why) when no tmpfs can be mounted here.
fn in_small_tmpfs(env: &Env, script: &str, mnt: &Path, out: &Path) -> bool {
    let ran = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .args([mnt, out, Path::new(env!("CARGO_BIN_EXE_cardbase")), &env.vault])
        .env("CARDBASE_PASSPHRASE", PASS)
        .env("XDG_DATA_HOME", env.dir.path().join("xdg"))
        .env("XDG_CACHE_HOME", env.dir.path().join("cache"))
        .output();
    match &ran {
        Ok(o) if o.status.success() => true,
        _ => {
            eprintln!("skipping the full-disk case: cannot mount a small tmpfs here (unshare: {ran:?})");
            false
        }
    }
}

/// `passwd` with no room, 16 KiB, 64 KiB and half the vault's size free; then with the room
/// given back. Each step leaves its stderr, exit code and a copy of the vault in `$2`.
const PASSWD: &str = r#"
set -u
mnt=$1; out=$2; bin=$3
mount -t tmpfs -o size=4m cardbase-full "$mnt" || exit 90
cp "$4" "$mnt/v.cardbase"
export CARDBASE_VAULT="$mnt/v.cardbase"
half=$(( $(du -k "$mnt/v.cardbase" | cut -f1) / 2 ))
for keep in 0 16 64 $half; do
    rm -f "$mnt/fill"
    if [ "$keep" = 0 ]; then
        dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
    else
        avail=$(df --output=avail -k "$mnt" | tail -1)
        dd if=/dev/zero of="$mnt/fill" bs=1k count=$((avail - keep)) 2>/dev/null
    fi
    CARDBASE_NEW_PASSPHRASE="a brand new secret" "$bin" passwd >"$out/keep$keep.out" 2>"$out/keep$keep.err"
    echo $? >"$out/keep$keep.code"
    cp "$mnt/v.cardbase" "$out/keep$keep.cardbase"
    ls "$mnt" >"$out/keep$keep.ls"
done
rm -f "$mnt/fill"
CARDBASE_NEW_PASSPHRASE="a brand new secret" "$bin" passwd >"$out/freed.out" 2>"$out/freed.err"
echo $? >"$out/freed.code"
cp "$mnt/v.cardbase" "$out/freed.cardbase"
"#;

#[test]
fn passwd_on_a_full_disk_says_so_and_the_old_passphrase_still_opens_everything() {
    let env = Env::new();
    {
        // Enough records that the vault spans many pages, as a real one does.
        let mut vault = Vault::create(&env.vault, &Passphrase::new(PASS), Preset::Personal).unwrap();
        let text = "lorem ipsum ".repeat(40);
        for i in 0..300 {
            let title = format!("Note {i}");
            vault
                .create_record_from_text("notes", &[("title", title.as_str()), ("text", text.as_str())])
                .unwrap();
        }
    }
    let mnt = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    if !in_small_tmpfs(&env, PASSWD, mnt.path(), out.path()) {
        return;
    }
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();
    let steps: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(".code").map(String::from))
        .filter(|s| s.starts_with("keep"))
        .collect();
    assert_eq!(steps.len(), 4, "{steps:?}");
    for step in &steps {
        let code: i32 = read(&format!("{step}.code")).trim().parse().unwrap();
        let err = read(&format!("{step}.err"));
        let err = err.trim_end();
        assert_ne!(code, 0, "{step}: passwd should fail on a full disk");
        assert!(!err.contains("panicked"), "{step}: {err}");
        assert_eq!(err.lines().count(), 1, "{step}: one line of error, got: {err}");
        assert!(
            err.contains("the disk is full"),
            "{step}: the error says the disk is full: {err}"
        );
        let copy = out.path().join(format!("{step}.cardbase"));
        let vault = Vault::open(&copy, &Passphrase::new(PASS))
            .unwrap_or_else(|e| panic!("{step}: the old passphrase no longer opens the vault: {e}"));
        assert_sound(&vault, step);
        assert_eq!(count(&vault, "notes"), 300, "{step}: every record is still there");
        let left = read(&format!("{step}.ls"));
        assert!(
            !left.contains("rekeying"),
            "{step}: no half-written copy is left behind: {left}"
        );
        eprintln!("passwd with {step} KiB free: {err}");
    }
    let code: i32 = read("freed.code").trim().parse().unwrap();
    assert_eq!(code, 0, "with room again, passwd works: {}", read("freed.err"));
    let vault = Vault::open(
        &out.path().join("freed.cardbase"),
        &Passphrase::new("a brand new secret"),
    )
    .unwrap();
    assert_sound(&vault, "after passwd");
    assert_eq!(count(&vault, "notes"), 300);
}
