//! The commands. Each returns the exit code to use; errors that reach `run` are printed
//! once here, with their context chain, and exit 2.

use std::io;
use std::process::ExitCode;

use crate::args::{Cli, Command};

pub mod account;
pub(crate) mod audit;
mod backup;
mod demo;
mod docs;
pub(crate) mod fetch;
mod history;
pub(crate) mod listener;
mod policy;
pub(crate) mod remediate;
mod report;
mod review;
mod serve;
mod store;

/// Exit status for errors: an invalid report, an unreadable file.
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Report(cmd) => report::run(cmd),
        Command::Audit(args) => audit::run(&args),
        Command::Fetch(args) => fetch::run(&args),
        Command::Serve(args) => serve::run(args),
        Command::Account(cmd) => account::run(cmd),
        Command::Demo(args) => demo::run(args),
        Command::Backup(args) => backup::backup(&args),
        Command::Restore(args) => backup::restore(&args),
        Command::History(args) => history::run(&args),
        Command::Remediate(args) => remediate::run(&args),
        Command::Review(args) => review::run(&args),
        Command::Store(cmd) => store::run(cmd),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Completions(args) => docs::completions(&args),
        Command::Man(args) => docs::man(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("credreport: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A closed pipe on stdout (`credreport … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
