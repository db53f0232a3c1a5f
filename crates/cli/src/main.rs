//! `credreport`: the AWS IAM credential report, end to end.

use std::process::ExitCode;

mod args;
mod commands;
mod demo;
mod input;
mod open;
mod output;
mod progress;

/// mimalloc instead of glibc's allocator: the server allocates and frees per request (and
/// megabytes per GetCredentialReport), and glibc spent a sixth of a ListUsers run in
/// malloc, free and heap consolidation (BENCHMARKS.md, "IAM endpoint").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    commands::run(args::parse())
}
