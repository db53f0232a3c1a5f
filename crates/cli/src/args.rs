//! The command line, as clap sees it. Only parsing here; commands live in `commands`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The AWS IAM credential report, end to end: read, check and convert reports.
///
/// Exit status: 0 success; 2 error (an invalid report, a file that cannot be read, a bad
/// command line).
#[derive(Debug, Parser)]
#[command(
    name = "credreport",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with credential report files (CSV, as `aws iam get-credential-report` returns).
    #[command(subcommand)]
    Report(ReportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check that a file is a well-formed credential report.
    ///
    /// Prints one line (edition, rows, whether the root row is there) and exits 0 for a
    /// valid report; notes oddities AWS would not write (CRLF, TRUE/FALSE, a byte order
    /// mark) on stderr. For an invalid report prints `file:line:column: message` for each
    /// problem on stderr and exits 2.
    Validate(FileArg),
    /// Rewrite a report in the exact bytes AWS produces.
    ///
    /// Lowercase booleans, `+00:00` timestamps, LF line ends, no newline after the last
    /// row, quotes only where a field needs them. A legacy 16-column report stays legacy.
    /// Output streams: on an invalid row it stops there with exit 2, after the rows
    /// before it, so check the exit status before using the output.
    Format(FileArg),
    /// Print one JSON object per row (JSON Lines), with typed values.
    ///
    /// Keys are the report's column names in its order. Booleans are JSON booleans,
    /// timestamps RFC 3339 strings in UTC (`2015-04-20T17:41:10Z`), and the sentinels stay
    /// the strings `"N/A"`, `"no_information"` and `"not_supported"`, so which one it was
    /// is never lost.
    ToJson(FileArg),
}

#[derive(Debug, clap::Args)]
pub struct FileArg {
    /// The report file; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
}

pub fn parse() -> Cli {
    Cli::parse()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
