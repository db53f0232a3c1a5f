//! `credreport account create`.

use std::process::ExitCode;

use anyhow::Context;
use credreport_iam::AccountId;

use crate::args::AccountCommand;
use crate::open::open;

pub fn run(cmd: AccountCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AccountCommand::Create(args) => {
            let opened = open(&args.store)?;
            let id = match &args.account_id {
                Some(s) => Some(
                    AccountId::parse(s)
                        .with_context(|| format!("--account-id {s}: an account id is 12 digits"))?,
                ),
                None => None,
            };
            let created = opened
                .iam
                .create_account(id, args.organization_member)
                .context("creating the account")?;
            println!("{}", credentials_json(&created));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `{"AccountId": "...", "AccessKeyId": "...", "SecretAccessKey": "..."}`; the key fields are
/// `null` for an organization member created without root credentials.
pub fn credentials_json(created: &credreport_iam::NewAccount) -> String {
    let json = |s: Option<&str>| {
        s.map_or(serde_json::Value::Null, serde_json::Value::from)
            .to_string()
    };
    let key = created.root_key.as_ref();
    // Written by hand to keep the documented key order.
    format!(
        "{{\"AccountId\": {}, \"AccessKeyId\": {}, \"SecretAccessKey\": {}}}",
        json(Some(created.account.id.as_str())),
        json(key.map(|k| k.key.id.as_str())),
        json(key.and_then(|k| k.secret.expose_str())),
    )
}
