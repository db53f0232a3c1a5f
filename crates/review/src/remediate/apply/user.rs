//! The user actions: `require-mfa` (a policy attached), `quarantine-user` (AWSDenyAll
//! attached, keys deactivated, the password deleted if allowed) and `delete-user`
//! (everything IAM wants gone first, in its order, then the user). Each reads the user
//! again, re-checks, then makes its calls, recording each as it is made.

use serde_json::{json, Value};

use super::{zulu, ApplyOptions, Ended, Step};
use crate::remediate::api::{IamApi, KeyState, PasswordState};
use crate::remediate::change::Change;
use crate::remediate::decide;
use crate::remediate::plan::PlannedAction;
use crate::remediate::policy::{REQUIRE_MFA_DESCRIPTION, REQUIRE_MFA_DOCUMENT, REQUIRE_MFA_POLICY};

/// A user's keys with the last use of each active one.
async fn keys_with_use(
    iam: &impl IamApi,
    user: &str,
) -> anyhow::Result<Vec<(KeyState, Option<credreport_report::Timestamp>)>> {
    let mut out = Vec::new();
    for k in iam.list_access_keys(user).await? {
        let used = if k.active {
            iam.access_key_last_used(&k.id).await?
        } else {
            None
        };
        out.push((k, used));
    }
    Ok(out)
}

/// What the trail keeps of a user's state: keys, password, attached policies.
fn state(
    keys: &[(KeyState, Option<credreport_report::Timestamp>)],
    password: &PasswordState,
    attached: &[String],
) -> Value {
    json!({
        "access_keys": keys.iter().map(|(k, used)| k.to_json(*used)).collect::<Vec<_>>(),
        "login_profile": password.exists,
        "password_last_used": zulu(password.last_used),
        "attached_policies": attached,
    })
}

pub(super) async fn require_mfa(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let arn = a.policy_arn.clone().unwrap_or_default();
    let password = iam.password(&a.user).await?;
    let mfa = iam.list_mfa_devices(&a.user).await?;
    let attached = iam.list_attached_user_policies(&a.user).await?;
    step.before = Some(json!({
        "login_profile": password.exists,
        "mfa_devices": mfa.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
        "attached_policies": attached,
    }));
    if let Some(skip) = Ended::unless(decide::require_mfa(a, &password, &mfa, &attached)) {
        return Ok(skip);
    }
    let exists = iam.policy_exists(&arn).await?;
    if opts.dry_run {
        return Ok(Ended::would(format!(
            "would {}attach {arn} to {}",
            if exists { "" } else { "create and " },
            a.user
        )));
    }
    let mut attach = arn.clone();
    let mut created = String::new();
    if !exists {
        attach = iam
            .create_policy(
                REQUIRE_MFA_POLICY,
                REQUIRE_MFA_DOCUMENT,
                REQUIRE_MFA_DESCRIPTION,
            )
            .await?;
        step.made(Change::CreatePolicy {
            policy_arn: attach.clone(),
        })?;
        created = format!(
            "{attach} created (AWS's documented \"manage own credentials, MFA required\" \
             policy), then "
        );
    }
    iam.attach_user_policy(&a.user, &attach).await?;
    step.made(Change::AttachUserPolicy {
        policy_arn: attach.clone(),
    })?;
    let after = iam.list_attached_user_policies(&a.user).await?;
    Ok(Ended::done(
        format!(
            "{created}attached to {}: until they sign in with MFA, everything but setting \
             up MFA and managing their own credentials is denied",
            a.user
        ),
        Some(json!({ "attached_policies": after })),
    ))
}

pub(super) async fn quarantine(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let arn = a.policy_arn.clone().unwrap_or_default();
    let keys = keys_with_use(iam, &a.user).await?;
    let password = iam.password(&a.user).await?;
    let attached = iam.list_attached_user_policies(&a.user).await?;
    step.before = Some(state(&keys, &password, &attached));
    let remove_password = opts.allow_password_removal;
    if let Some(skip) = Ended::unless(decide::quarantine(
        a,
        &keys,
        &password,
        &attached,
        remove_password,
    )) {
        return Ok(skip);
    }
    let attach = !attached.contains(&arn);
    let active: Vec<&str> = keys
        .iter()
        .filter(|(k, _)| k.active)
        .map(|(k, _)| k.id.as_str())
        .collect();
    let delete_password = remove_password && password.exists;
    let mut did = Vec::new();
    if attach {
        did.push(format!("{arn} attached"));
    }
    if !active.is_empty() {
        did.push(format!("{} set Inactive", active.join(", ")));
    }
    if delete_password {
        did.push("the console password deleted (it cannot be restored)".to_owned());
    } else if password.exists {
        did.push("the console password kept (--allow-password-removal deletes it)".to_owned());
    }
    if opts.dry_run {
        return Ok(Ended::would(format!(
            "would quarantine {}: {}",
            a.user,
            did.join("; ")
        )));
    }
    if attach {
        iam.attach_user_policy(&a.user, &arn).await?;
        step.made(Change::AttachUserPolicy {
            policy_arn: arn.clone(),
        })?;
    }
    for id in &active {
        iam.set_access_key_status(&a.user, id, false).await?;
        step.made(Change::DeactivateAccessKey {
            access_key_id: (*id).to_owned(),
        })?;
    }
    if delete_password {
        iam.delete_login_profile(&a.user).await?;
        step.made(Change::DeleteLoginProfile)?;
    }
    let keys = keys_with_use(iam, &a.user).await?;
    let password = iam.password(&a.user).await?;
    let attached = iam.list_attached_user_policies(&a.user).await?;
    Ok(Ended::done(
        format!(
            "{} quarantined (unused {} days): {}",
            a.user,
            a.unused_days.unwrap_or_default(),
            did.join("; ")
        ),
        Some(state(&keys, &password, &attached)),
    ))
}

/// Everything a user holds that DeleteUser wants gone first.
struct Holdings {
    keys: Vec<KeyState>,
    certificates: Vec<String>,
    ssh_keys: Vec<String>,
    service_credentials: Vec<String>,
    mfa: Vec<crate::remediate::api::MfaDevice>,
    password: PasswordState,
    inline: Vec<String>,
    attached: Vec<String>,
    groups: Vec<String>,
}

impl Holdings {
    async fn read(iam: &impl IamApi, user: &str) -> anyhow::Result<Holdings> {
        Ok(Holdings {
            keys: iam.list_access_keys(user).await?,
            certificates: iam.list_signing_certificates(user).await?,
            ssh_keys: iam.list_ssh_public_keys(user).await?,
            service_credentials: iam.list_service_specific_credentials(user).await?,
            mfa: iam.list_mfa_devices(user).await?,
            password: iam.password(user).await?,
            inline: iam.list_user_policies(user).await?,
            attached: iam.list_attached_user_policies(user).await?,
            groups: iam.list_groups_for_user(user).await?,
        })
    }

    fn to_json(&self) -> Value {
        json!({
            "access_keys": self.keys.iter().map(|k| k.to_json(None)).collect::<Vec<_>>(),
            "signing_certificates": self.certificates,
            "ssh_public_keys": self.ssh_keys,
            "service_specific_credentials": self.service_credentials,
            "mfa_devices": self.mfa.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
            "login_profile": self.password.exists,
            "inline_policies": self.inline,
            "attached_policies": self.attached,
            "groups": self.groups,
        })
    }

    /// What is deleted, in words.
    fn summary(&self) -> String {
        let n = |len: usize, what: &str| format!("{len} {what}");
        [
            n(self.keys.len(), "access key(s)"),
            n(self.certificates.len(), "signing certificate(s)"),
            n(self.ssh_keys.len(), "SSH key(s)"),
            n(self.service_credentials.len(), "service credential(s)"),
            n(self.mfa.len(), "MFA device(s)"),
            if self.password.exists {
                "the console password".to_owned()
            } else {
                "no console password".to_owned()
            },
            n(self.inline.len(), "inline policy(ies)"),
            n(self.attached.len(), "attached policy(ies)"),
            n(self.groups.len(), "group membership(s)"),
        ]
        .join(", ")
    }
}

pub(super) async fn delete(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let info = iam.user(&a.user).await?;
    if info.is_none() {
        return Ok(Ended::skipped(format!(
            "there is no user {} any more",
            a.user
        )));
    }
    let keys = keys_with_use(iam, &a.user).await?;
    let held = Holdings::read(iam, &a.user).await?;
    step.before = Some(held.to_json());
    if let Some(skip) = Ended::unless(decide::delete_user(
        a,
        info.as_ref(),
        &keys,
        &held.password,
        &held.attached,
    )) {
        return Ok(skip);
    }
    let summary = held.summary();
    if opts.dry_run {
        return Ok(Ended::would(format!(
            "would delete {} and {summary}",
            a.user
        )));
    }
    let user = a.user.as_str();
    // IAM's order: what the user holds, then the user (DeleteUser refuses before).
    for k in &held.keys {
        iam.delete_access_key(user, &k.id).await?;
        step.made(Change::DeleteAccessKey {
            access_key_id: k.id.clone(),
        })?;
    }
    for id in &held.certificates {
        iam.delete_signing_certificate(user, id).await?;
        step.made(Change::DeleteSigningCertificate {
            certificate_id: id.clone(),
        })?;
    }
    for id in &held.ssh_keys {
        iam.delete_ssh_public_key(user, id).await?;
        step.made(Change::DeleteSshPublicKey {
            ssh_public_key_id: id.clone(),
        })?;
    }
    for id in &held.service_credentials {
        iam.delete_service_specific_credential(user, id).await?;
        step.made(Change::DeleteServiceSpecificCredential {
            credential_id: id.clone(),
        })?;
    }
    for d in &held.mfa {
        iam.deactivate_mfa_device(user, &d.serial).await?;
        step.made(Change::DeactivateMfaDevice {
            serial_number: d.serial.clone(),
        })?;
        if d.is_virtual() {
            iam.delete_virtual_mfa_device(&d.serial).await?;
            step.made(Change::DeleteVirtualMfaDevice {
                serial_number: d.serial.clone(),
            })?;
        }
    }
    if held.password.exists {
        iam.delete_login_profile(user).await?;
        step.made(Change::DeleteLoginProfile)?;
    }
    for name in &held.inline {
        iam.delete_user_policy(user, name).await?;
        step.made(Change::DeleteUserPolicy {
            policy_name: name.clone(),
        })?;
    }
    for arn in &held.attached {
        iam.detach_user_policy(user, arn).await?;
        step.made(Change::DetachUserPolicy {
            policy_arn: arn.clone(),
        })?;
    }
    for group in &held.groups {
        iam.remove_user_from_group(user, group).await?;
        step.made(Change::RemoveUserFromGroup {
            group_name: group.clone(),
        })?;
    }
    iam.delete_user(user).await?;
    step.made(Change::DeleteUser)?;
    Ok(Ended::done(
        format!(
            "{user} deleted (quarantined {}, unused {} days) with {summary}; it cannot be \
             restored",
            a.quarantined.map_or("-".to_owned(), |t| t.0.to_zulu()),
            a.unused_days.unwrap_or_default()
        ),
        Some(json!({ "user": null })),
    ))
}
