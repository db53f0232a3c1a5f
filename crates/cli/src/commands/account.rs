//! `credreport account create` and `account set-root-password`.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_iam::model::JoinedMethod;
use credreport_iam::secret::Secret;
use credreport_iam::{AccountId, NewMember};

use crate::args::AccountCommand;
use crate::open::open;

pub fn run(cmd: AccountCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AccountCommand::Create(args) => {
            // Read before anything is created: a bad file leaves no account behind.
            let password = args
                .root_password_file
                .as_deref()
                .map(read_password)
                .transpose()?;
            if let (Some(p), Some(file)) = (&password, &args.root_password_file) {
                // A new account has no password policy: IAM's default one applies.
                let text = p.expose_str().unwrap_or_default();
                if let Err(v) = credreport_iam::password::check_default_policy(text) {
                    bail!(
                        "{}:1: the root password is refused: {}",
                        file.display(),
                        v.0
                    );
                }
            }
            let management = args
                .management_account
                .as_deref()
                .map(|m| {
                    AccountId::parse(m).with_context(|| {
                        format!("--management-account {m}: an account id is 12 digits")
                    })
                })
                .transpose()?;
            let opened = open(&args.store)?;
            let id = match args.account_id.as_deref() {
                Some(id) => account_id(id)?,
                None => AccountId::generate().context("choosing an account id")?,
            };
            let member = NewMember {
                name: args.account_name.as_deref(),
                email: args.email.as_deref(),
                joined_method: if args.organization_member {
                    JoinedMethod::Created
                } else {
                    JoinedMethod::Invited
                },
            };
            // Checked before the account is made: a refused join leaves nothing behind.
            if let Some(management) = &management {
                opened
                    .iam
                    .check_join(&id, management, &member)
                    .with_context(|| format!("joining the organization of {management}"))?;
            }
            let created = opened
                .iam
                .create_account(Some(id), args.organization_member)
                .context("creating the account")?;
            if let Some(management) = &management {
                if args.organization_member {
                    opened
                        .iam
                        .create_organization_access_role(&created.account.id, management)
                        .context("creating OrganizationAccountAccessRole")?;
                }
                let joined = opened
                    .iam
                    .join_organization(&created.account.id, management, &member)
                    .with_context(|| format!("joining the organization of {management}"))?;
                eprintln!(
                    "account {} joined organization {} (management account {management}) as {:?} <{}>, {}",
                    joined.account,
                    joined.organization,
                    joined.name,
                    joined.email,
                    joined.joined_method.as_key()
                );
            }
            if let Some(p) = &password {
                set_root_password(
                    &opened.iam,
                    &created.account.id,
                    p,
                    args.root_password_file.as_deref(),
                )?;
            }
            println!("{}", credentials_json(&created));
            Ok(ExitCode::SUCCESS)
        }
        AccountCommand::SetRootPassword(args) => {
            let password = read_password(&args.password_file)?;
            let id = account_id(&args.account_id)?;
            let opened = open(&args.store)?;
            let account = opened
                .iam
                .account(&id)
                .with_context(|| format!("--account-id {id}"))?;
            if account.organization_member {
                bail!("account {id} is an organization member account created without root credentials: its root user has no password");
            }
            set_root_password(&opened.iam, &id, &password, Some(&args.password_file))?;
            eprintln!("set the root password of account {id}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn account_id(s: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(s).with_context(|| format!("--account-id {s}: an account id is 12 digits"))
}

/// The first line of `path` (`-`: standard input), without its line end.
fn read_password(path: &Path) -> anyhow::Result<Secret> {
    let name = path.display();
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("<stdin>: cannot read the password")?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("{name}: cannot read the password file"))?;
    }
    let text = String::from_utf8(bytes)
        .ok()
        .with_context(|| format!("{name}:1: the password is not UTF-8 text"))?;
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        bail!("{name}:1: the password file's first line is empty");
    }
    Ok(Secret::from_string(line.to_owned()))
}

fn set_root_password(
    iam: &credreport_iam::Iam,
    id: &AccountId,
    password: &Secret,
    file: Option<&Path>,
) -> anyhow::Result<()> {
    iam.set_root_password(id, Some(password)).map_err(|e| {
        let file = file.map_or_else(|| "<password>".to_owned(), |p| p.display().to_string());
        anyhow::anyhow!("{file}:1: the root password is refused: {e}")
    })
}

/// `{"AccountId": "...", "AccessKeyId": "...", "SecretAccessKey": "..."}`; the key fields are
/// `null` for an organization member created without root credentials.
pub fn credentials_json(created: &credreport_iam::NewAccount) -> String {
    let key = created.root_key.as_ref();
    credentials_json_of(
        created.account.id.as_str(),
        key.map(|k| (k.key.id.as_str(), k.secret.expose_str().unwrap_or_default())),
    )
}

/// The same object from its parts: the account id and the root key's id and secret.
pub fn credentials_json_of(account: &str, key: Option<(&str, &str)>) -> String {
    let json = |s: Option<&str>| {
        s.map_or(serde_json::Value::Null, serde_json::Value::from)
            .to_string()
    };
    // Written by hand to keep the documented key order.
    format!(
        "{{\"AccountId\": {}, \"AccessKeyId\": {}, \"SecretAccessKey\": {}}}",
        json(Some(account)),
        json(key.map(|k| k.0)),
        json(key.map(|k| k.1)),
    )
}
