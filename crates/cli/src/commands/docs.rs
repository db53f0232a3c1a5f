//! `credreport completions SHELL` and `credreport man [--dir DIR]`: shell completions and
//! manual pages, generated from the same clap definitions the command line is parsed with,
//! so they cannot drift from it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell as Generator;

use crate::args::{Cli, CompletionsArgs, ManArgs, Shell};

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let generator = match args.shell {
        Shell::Bash => Generator::Bash,
        Shell::Zsh => Generator::Zsh,
        Shell::Fish => Generator::Fish,
        Shell::Powershell => Generator::PowerShell,
    };
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(generator, &mut cmd, "credreport", &mut out);
    std::io::stdout()
        .lock()
        .write_all(&out)
        .context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    match &args.dir {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .context("rendering the manual page")?;
            std::io::stdout()
                .lock()
                .write_all(&out)
                .context("writing the manual page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
            let written = write_pages(cmd, dir)?;
            eprintln!("wrote {written} manual pages to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the page of `cmd` (named after its path of commands, `credreport-account-create.1`)
/// and of every subcommand below it; answers how many.
fn write_pages(cmd: clap::Command, dir: &Path) -> anyhow::Result<usize> {
    let mut cmd = cmd;
    cmd.build();
    let mut written = 0;
    let mut stack = vec![cmd];
    while let Some(cmd) = stack.pop() {
        if cmd.is_hide_set() {
            continue;
        }
        let man = clap_mangen::Man::new(cmd.clone());
        let path = dir.join(man.get_filename());
        let mut out = Vec::new();
        man.render(&mut out)
            .with_context(|| format!("rendering {}", path.display()))?;
        std::fs::write(&path, out).with_context(|| format!("{}: cannot write", path.display()))?;
        written += 1;
        stack.extend(
            cmd.get_subcommands()
                .filter(|s| s.get_name() != "help")
                .cloned(),
        );
    }
    Ok(written)
}
