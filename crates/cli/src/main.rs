//! `credreport`: the AWS IAM credential report, end to end.

use std::process::ExitCode;

mod args;
mod commands;
mod fetch;
mod input;
mod open;

fn main() -> ExitCode {
    commands::run(args::parse())
}
