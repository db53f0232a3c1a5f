//! An undo, change by change: the calls an applied action made, reversed last first where
//! they can be (a key set Active again, a policy detached), each after a re-check; what
//! nothing can bring back (a password, a user) and what is left on purpose (a created
//! policy) is said so.

use serde_json::json;

use serde_json::Value;

use super::{Ended, Step};
use crate::remediate::api::IamApi;
use crate::remediate::change::{Change, Reverse};
use crate::remediate::decide;

/// One credential's state (the shape of a key's own undo), or several as a list.
fn one_or_list(v: &[Option<Value>]) -> Option<Value> {
    match v {
        [] => None,
        [one] => one.clone(),
        many => Some(json!(many)),
    }
}

/// Undoes one applied action of `user`, whose calls were `changes`.
pub(super) async fn action(
    iam: &impl IamApi,
    user: &str,
    changes: &[Change],
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    let mut said = Vec::new();
    let mut lost = Vec::new();
    let mut before = Vec::new();
    let mut after = Vec::new();
    for change in changes.iter().rev() {
        match change.reverse(user) {
            Reverse::Keep(why) => said.push(why),
            Reverse::Lost(what) => lost.push(what),
            Reverse::Call(Change::ActivateAccessKey { access_key_id }) => {
                let keys = iam.list_access_keys(user).await?;
                let key = keys.iter().find(|k| k.id == access_key_id);
                before.push(key.map(|k| k.to_json(None)));
                step.before = one_or_list(&before);
                match decide::reactivate(user, &access_key_id, key) {
                    Err(why) => said.push(why),
                    Ok(()) => {
                        iam.set_access_key_status(user, &access_key_id, true)
                            .await?;
                        step.made(Change::ActivateAccessKey {
                            access_key_id: access_key_id.clone(),
                        })?;
                        let now = iam.list_access_keys(user).await?;
                        after.push(
                            now.iter()
                                .find(|k| k.id == access_key_id)
                                .map(|k| k.to_json(None)),
                        );
                        said.push(format!("{access_key_id} set Active again"));
                    }
                }
            }
            Reverse::Call(Change::DetachUserPolicy { policy_arn }) => {
                let attached = iam.list_attached_user_policies(user).await?;
                before.push(Some(json!({ "attached_policies": attached })));
                step.before = one_or_list(&before);
                match decide::detach(user, &policy_arn, &attached) {
                    Err(why) => said.push(why),
                    Ok(()) => {
                        iam.detach_user_policy(user, &policy_arn).await?;
                        step.made(Change::DetachUserPolicy {
                            policy_arn: policy_arn.clone(),
                        })?;
                        let now = iam.list_attached_user_policies(user).await?;
                        after.push(Some(json!({ "attached_policies": now })));
                        said.push(format!("{policy_arn} detached from {user}"));
                    }
                }
            }
            Reverse::Call(other) => said.push(format!(
                "{} has no undo",
                Change::to_json(std::slice::from_ref(&other))
            )),
        }
    }
    let mut detail = said;
    detail.extend(lost);
    let detail = detail.join("; ");
    if step.changes.is_empty() {
        return Ok(Ended::skipped(detail));
    }
    Ok(Ended::done(detail, one_or_list(&after)))
}
