//! `credreport store copy`: accounts from one backend to another, verified.

use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_iam::store::copy::copy_account;
use credreport_iam::store::read;
use credreport_iam::{AccountId, Error};

use crate::args::{StoreCommand, StoreCopyArgs};
use crate::open::open_url;

pub fn run(cmd: StoreCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        StoreCommand::Copy(args) => copy(&args),
    }
}

fn copy(args: &StoreCopyArgs) -> anyhow::Result<ExitCode> {
    let (from, _) = open_url(&args.from).context("--from")?;
    let (to, _) = open_url(&args.to).context("--to")?;
    let accounts = if args.accounts.is_empty() {
        read(from.as_ref(), |tx| tx.account_ids()).context("--from: listing its accounts")?
    } else {
        args.accounts
            .iter()
            .map(|id| {
                AccountId::parse(id)
                    .with_context(|| format!("--account {id}: not a 12-digit account id"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    if accounts.is_empty() {
        bail!("--from {}: the store has no accounts", args.from);
    }
    for (done, account) in accounts.iter().enumerate() {
        let copied = match copy_account(from.as_ref(), to.as_ref(), account) {
            Ok(copied) => copied,
            Err(Error::EntityAlreadyExists(_)) => bail!(
                "account {account} already exists in --to {}: nothing of it was written \
                 ({done} account(s) copied before it)",
                args.to
            ),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("account {account} ({done} account(s) copied before it)")
                })
            }
        };
        println!(
            "copied account {account}: {} user(s), {} access key(s), {} group(s)/role(s)/policies, {}; verified: every record reads back equal, and the stored and rebuilt reports are identical",
            copied.users,
            copied.keys,
            copied.groups_roles_policies,
            if copied.report { "its credential report" } else { "no credential report yet" },
        );
    }
    eprintln!(
        "copied {} account(s); use the destination with the same master key (secrets are copied sealed)",
        accounts.len()
    );
    Ok(ExitCode::SUCCESS)
}
