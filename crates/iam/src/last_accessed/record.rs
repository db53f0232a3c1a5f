//! Recording last-accessed data and RoleLastUsed on the request path, in IAM's windows: the
//! first use of an action by a principal in a 15-minute span (at minute precision) is
//! written, every later one in the span is answered from memory. A principal's use of an
//! action is written in one transaction for the principal and for every group and managed
//! policy that granted it, at the service's level and, for the namespaces IAM tracks per
//! action, at the action's.

use credreport_report::Timestamp;

use super::{AccessUse, Subject, TRACKED_NAMESPACES};
use crate::error::Result;
use crate::ids::AccountId;
use crate::keys::UseOutcome;
use crate::model::Entity;
use crate::service::Iam;
use crate::usage::KEY_WINDOW_SECS;

/// The groups and managed policies through which a request was allowed (the caller works
/// them out only when a use is to be written).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// Groups (by id) whose policies allowed it.
    pub groups: Vec<String>,
    /// Managed policies (by ARN) that allowed it.
    pub policies: Vec<String>,
}

/// One authorized request, as last-accessed data records it.
#[derive(Clone, Copy, Debug)]
pub struct Used<'a> {
    /// The user or role whose request it was.
    pub entity: &'a Entity,
    /// The service namespace (`iam`).
    pub namespace: &'a str,
    /// The action's name (`ListUsers`).
    pub action: &'a str,
    /// When.
    pub at: Timestamp,
    /// The region it was made in.
    pub region: &'a str,
}

/// The key of a principal's action in the windows.
fn window_key(entity: &Entity, namespace: &str, action: &str) -> String {
    let mut key = String::with_capacity(entity.id.len() + namespace.len() + action.len() + 2);
    key.push_str(&entity.id);
    key.push('/');
    key.push_str(namespace);
    key.push(':');
    key.push_str(action);
    key
}

impl Iam {
    /// Records `used` (a request of a user or a role), allowed through `grants` (asked for
    /// only when the use is written). Only the first such use in a 15-minute span is
    /// written, at minute precision. `Recorded` is answered once the store has it durably.
    pub fn record_access(
        &self,
        account: &AccountId,
        used: &Used<'_>,
        grants: impl FnOnce() -> Result<Grants>,
    ) -> Result<UseOutcome> {
        let Used {
            entity,
            namespace,
            action,
            at,
            region,
        } = *used;
        if !super::is_principal(entity.kind) {
            return Ok(UseOutcome::InWindow);
        }
        let minute = at.truncate_to_minute();
        let key = window_key(entity, namespace, action);
        if self.access_windows().covers(&key, minute) {
            return Ok(UseOutcome::InWindow);
        }
        let grants = grants()?;
        let service = AccessUse {
            entity: entity.clone(),
            namespace: namespace.to_owned(),
            action: String::new(),
            at: minute,
            region: region.to_owned(),
        };
        let tracked = TRACKED_NAMESPACES.contains(&namespace);
        let one = AccessUse {
            action: action.to_owned(),
            ..service.clone()
        };
        let subjects: Vec<Subject> = std::iter::once(Subject::Entity(entity.clone()))
            .chain(
                grants
                    .groups
                    .iter()
                    .map(|g| Subject::Entity(Entity::group(g))),
            )
            .chain(grants.policies.iter().cloned().map(Subject::Policy))
            .collect();
        // The principal's own row for the action says whether this use opened a window.
        let own = if tracked { &one } else { &service };
        let wrote = self.write(account, |tx| {
            let mut wrote = false;
            for (i, subject) in subjects.iter().enumerate() {
                let mut w = tx.record_access(account, subject, &service, KEY_WINDOW_SECS)?;
                if tracked {
                    w = tx.record_access(account, subject, &one, KEY_WINDOW_SECS)?;
                }
                if i == 0 {
                    wrote = w;
                }
            }
            Ok(wrote)
        })?;
        if wrote {
            self.access_windows().remember(&key, minute);
            return Ok(UseOutcome::Recorded);
        }
        // The store holds a use inside the window (another process's, or one from before a
        // restart): learn it so the next uses stay in memory.
        let own_subject = Subject::Entity(entity.clone());
        let held = self.read(|tx| tx.accesses(account, &own_subject))?;
        if let Some(u) = held
            .iter()
            .find(|u| u.namespace == own.namespace && u.action == own.action)
        {
            self.access_windows().remember(&key, u.at);
        }
        Ok(UseOutcome::InWindow)
    }

    /// Records that a session of the role `role_id` made a request at `at` in `region`
    /// (RoleLastUsed), in the same windows.
    pub fn record_role_use(
        &self,
        account: &AccountId,
        role_id: &str,
        at: Timestamp,
        region: &str,
    ) -> Result<UseOutcome> {
        let minute = at.truncate_to_minute();
        if self.role_windows().covers(role_id, minute) {
            return Ok(UseOutcome::InWindow);
        }
        let wrote = self.write(account, |tx| {
            tx.record_role_use(account, role_id, minute, region, KEY_WINDOW_SECS)
        })?;
        if wrote {
            self.role_windows().remember(role_id, minute);
            return Ok(UseOutcome::Recorded);
        }
        let role = self.read(|tx| tx.role_by_id(account, role_id))?;
        if let Some((last, _)) = role.and_then(|r| r.last_used) {
            self.role_windows().remember(role_id, last);
        }
        Ok(UseOutcome::InWindow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keys_keep_principals_and_actions_apart() {
        let u = Entity::user("AIDA1");
        let keys = [
            window_key(&u, "iam", "ListUsers"),
            window_key(&u, "iam", "GetUser"),
            window_key(&u, "sts", "ListUsers"),
            window_key(&Entity::role("AIDA1"), "s3", ""),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
