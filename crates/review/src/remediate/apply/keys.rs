//! The credential actions: `deactivate-access-key` (ListAccessKeys and
//! GetAccessKeyLastUsed, then UpdateAccessKey) and `delete-login-profile` (GetLoginProfile
//! and GetUser, then DeleteLoginProfile).

use super::{ApplyOptions, Ended, Step};
use crate::remediate::api::IamApi;
use crate::remediate::change::Change;
use crate::remediate::decide;
use crate::remediate::plan::PlannedAction;

pub(super) async fn deactivate(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let key_id = a.access_key_id.as_deref().unwrap_or_default();
    let keys = iam.list_access_keys(&a.user).await?;
    let key = keys.iter().find(|k| k.id == key_id);
    let last_used = match key {
        Some(_) => iam.access_key_last_used(key_id).await?,
        None => None,
    };
    step.before = key.map(|k| k.to_json(last_used));
    if let Some(skip) = Ended::unless(decide::deactivate(a, key, last_used)) {
        return Ok(skip);
    }
    if opts.dry_run {
        return Ok(Ended::would(format!("would set {key_id} Inactive")));
    }
    iam.set_access_key_status(&a.user, key_id, false).await?;
    step.made(Change::DeactivateAccessKey {
        access_key_id: key_id.to_owned(),
    })?;
    let after = iam
        .list_access_keys(&a.user)
        .await?
        .into_iter()
        .find(|k| k.id == key_id);
    Ok(Ended::done(
        format!(
            "{key_id} set Inactive (unused {} days)",
            a.unused_days.unwrap_or_default()
        ),
        after.map(|k| k.to_json(last_used)),
    ))
}

pub(super) async fn delete_password(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let state = iam.password(&a.user).await?;
    step.before = Some(state.to_json());
    if let Some(skip) = Ended::unless(decide::delete_password(a, &state)) {
        return Ok(skip);
    }
    if opts.dry_run {
        return Ok(Ended::would(format!(
            "would delete {}'s console password",
            a.user
        )));
    }
    iam.delete_login_profile(&a.user).await?;
    step.made(Change::DeleteLoginProfile)?;
    let after = iam.password(&a.user).await?;
    Ok(Ended::done(
        format!(
            "{}'s console password deleted (unused {} days); it cannot be restored",
            a.user,
            a.unused_days.unwrap_or_default()
        ),
        Some(after.to_json()),
    ))
}
