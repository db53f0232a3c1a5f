//! Issue 25: shell completions and manual pages come from the command line's own
//! definitions, and the systemd units in `contrib/systemd/` verify.

mod common;

use std::path::Path;
use std::process::Command;

use common::{credreport, stderr, stdout};

fn available(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_shell_gets_a_completion_script_and_bash_completes_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = credreport(&["completions", shell], &[], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in [
            "credreport",
            "audit",
            "serve",
            "remediate",
            "--endpoint-url",
        ] {
            assert!(script.contains(word), "{shell}: {word} in the script");
        }
        std::fs::write(dir.path().join(shell), &script).expect("write");
    }
    // bash loads it and completes a command and an option with it.
    let complete = |words: &str, cword: usize| {
        let script = format!(
            "source ./bash && COMP_WORDS=({words}) && COMP_CWORD={cword} && \
             _credreport credreport \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\" && \
             echo \"${{COMPREPLY[@]}}\""
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path())
            .output()
            .expect("bash");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim().to_owned()
    };
    assert_eq!(complete("credreport au", 1), "audit");
    assert_eq!(complete("credreport audit --fo", 2), "--format");
    assert_eq!(complete("credreport completions p", 2), "powershell");
    // The other shells check their script's syntax where they are installed.
    for (shell, check) in [("zsh", "zsh -n zsh"), ("fish", "fish --no-execute fish")] {
        if available(shell) {
            let out = Command::new("sh")
                .arg("-c")
                .arg(check)
                .current_dir(dir.path())
                .output()
                .expect(shell);
            assert!(out.status.success(), "{shell}: {}", stderr(&out));
        }
    }
}

#[test]
fn man_prints_the_main_page_and_writes_one_page_per_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = credreport(&["man"], &[], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH credreport 1"), "{page}");
    // Its SUBCOMMANDS section points to the other pages.
    for sub in [
        "credreport\\-audit(1)",
        "credreport\\-serve(1)",
        "credreport\\-man(1)",
    ] {
        assert!(page.contains(sub), "{sub} in {page}");
    }

    let out = credreport(&["man", "--dir", "man/man1"], &[], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pages = dir.path().join("man/man1");
    // One page per command: every subcommand `credreport --help` lists, and nested ones.
    let help = stdout(&credreport(&["--help"], &[], dir.path()));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's own line; a wrapped description is indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 10, "{help}");
    for c in commands {
        let page = pages.join(format!("credreport-{c}.1"));
        assert!(page.is_file(), "{}", page.display());
    }
    for nested in [
        "credreport.1",
        "credreport-account-create.1",
        "credreport-history-trend.1",
        "credreport-store-copy.1",
    ] {
        assert!(pages.join(nested).is_file(), "{nested}");
    }
    // groff reads every page without a warning.
    if available("groff") {
        for entry in std::fs::read_dir(&pages).expect("pages") {
            let path = entry.expect("entry").path();
            let out = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(&path)
                .output()
                .expect("groff");
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{}: {}",
                path.display(),
                stderr(&out)
            );
        }
    }
}

#[test]
fn the_systemd_units_verify() {
    if !available("systemd-analyze") {
        eprintln!("systemd-analyze is not installed: the units are not verified");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // Their man pages, for Documentation=.
    let out = credreport(&["man", "--dir", "man/man1"], &[], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The units as shipped, with ExecStart pointing at this build.
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib/systemd");
    let mut names = Vec::new();
    for name in [
        "credreport.service",
        "credreport-review.service",
        "credreport-review.timer",
    ] {
        let text = std::fs::read_to_string(units.join(name)).expect("unit");
        assert!(text.contains("/usr/local/bin/credreport") || name.ends_with(".timer"));
        let text = text.replace(
            "/usr/local/bin/credreport",
            env!("CARGO_BIN_EXE_credreport"),
        );
        std::fs::write(dir.path().join(name), text).expect("write");
        names.push(format!("./{name}"));
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&names)
        .current_dir(dir.path())
        .env("MANPATH", dir.path().join("man"))
        .output()
        .expect("systemd-analyze");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
