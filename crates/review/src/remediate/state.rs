//! The credentials' current state, as a plan is made from it: read through [`IamApi`]
//! just before planning (the report may be hours old), for the credentials the findings
//! name, and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, MfaDevice, PasswordState};

/// Whose credentials a plan needs to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Users whose access keys (and their last use) are read.
    pub keys_of: BTreeSet<String>,
    /// Users whose console password is read.
    pub passwords_of: BTreeSet<String>,
    /// Users whose MFA devices are read.
    pub mfa_of: BTreeSet<String>,
    /// Users whose attached managed policies are read.
    pub policies_of: BTreeSet<String>,
}

/// What IAM says now about the credentials a plan may act on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurrentState {
    /// Each user's access keys (ListAccessKeys).
    pub keys: BTreeMap<String, Vec<KeyState>>,
    /// The last use of each Active key listed (GetAccessKeyLastUsed; none: never used).
    pub last_used: BTreeMap<String, Option<Timestamp>>,
    /// Each user's console password (GetLoginProfile, GetUser).
    pub passwords: BTreeMap<String, PasswordState>,
    /// Each user's MFA devices (ListMFADevices).
    pub mfa: BTreeMap<String, Vec<MfaDevice>>,
    /// Each user's attached managed policies' ARNs (ListAttachedUserPolicies).
    pub attached: BTreeMap<String, Vec<String>>,
    /// Users GetUser no longer finds (deleted since the report): nothing else is read of
    /// them.
    pub gone: BTreeSet<String>,
}

impl CurrentState {
    /// A user's keys as listed (none if the user was not read).
    pub fn keys_of(&self, user: &str) -> &[KeyState] {
        self.keys.get(user).map_or(&[], Vec::as_slice)
    }

    /// The latest use of any of a user's active keys, as read.
    pub fn keys_last_used(&self, user: &str) -> Option<Timestamp> {
        self.keys_of(user)
            .iter()
            .filter_map(|k| self.last_used.get(&k.id).copied().flatten())
            .max()
    }
}

/// Reads what `wanted` names, of the users that still exist (GetUser first: a user
/// deleted since the report is `gone`, not an error). The first failing call is the error.
pub async fn read(iam: &impl IamApi, wanted: &Wanted) -> anyhow::Result<CurrentState> {
    let mut state = CurrentState::default();
    let users: BTreeSet<&String> = wanted
        .keys_of
        .iter()
        .chain(&wanted.passwords_of)
        .chain(&wanted.mfa_of)
        .chain(&wanted.policies_of)
        .collect();
    for user in users {
        if iam.user(user).await?.is_none() {
            state.gone.insert(user.clone());
        }
    }
    let there = |set: &BTreeSet<String>| -> Vec<String> {
        set.iter()
            .filter(|u| !state.gone.contains(*u))
            .cloned()
            .collect()
    };
    let (keys_of, passwords_of, mfa_of, policies_of) = (
        there(&wanted.keys_of),
        there(&wanted.passwords_of),
        there(&wanted.mfa_of),
        there(&wanted.policies_of),
    );
    for user in &keys_of {
        let keys = iam.list_access_keys(user).await?;
        for key in keys.iter().filter(|k| k.active) {
            let used = iam.access_key_last_used(&key.id).await?;
            state.last_used.insert(key.id.clone(), used);
        }
        state.keys.insert(user.clone(), keys);
    }
    for user in &passwords_of {
        state
            .passwords
            .insert(user.clone(), iam.password(user).await?);
    }
    for user in &mfa_of {
        state
            .mfa
            .insert(user.clone(), iam.list_mfa_devices(user).await?);
    }
    for user in &policies_of {
        state
            .attached
            .insert(user.clone(), iam.list_attached_user_policies(user).await?);
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediate::memory::Memory;

    #[tokio::test]
    async fn only_what_is_wanted_is_read_and_last_use_only_of_active_keys() {
        let t = Timestamp::parse(b"2026-01-01T00:00:00Z").expect("time").0;
        let iam = Memory::default()
            .key("bob", "AKIABOB1000000000000", true, t, Some(t))
            .key("bob", "AKIABOB2000000000000", false, t, None)
            .key("ann", "AKIAANN0000000000000", true, t, None)
            .password("carol", Some(t));
        let wanted = Wanted {
            keys_of: ["bob".to_owned()].into(),
            passwords_of: ["carol".to_owned(), "nobody".to_owned()].into(),
            mfa_of: ["carol".to_owned()].into(),
            policies_of: ["carol".to_owned()].into(),
        };
        let state = read(&iam, &wanted).await.expect("read");
        assert_eq!(
            iam.calls(),
            [
                "GetUser bob",
                "GetUser carol",
                "GetUser nobody",
                "ListAccessKeys bob",
                "GetAccessKeyLastUsed AKIABOB1000000000000",
                "GetLoginProfile carol",
                "ListMFADevices carol",
                "ListAttachedUserPolicies carol",
            ]
        );
        assert_eq!(state.gone.iter().collect::<Vec<_>>(), ["nobody"]);
        assert_eq!(state.mfa.get("carol").map(Vec::len), Some(0));
        assert_eq!(state.attached.get("carol").map(Vec::len), Some(0));
        assert_eq!(state.keys_of("bob").len(), 2);
        assert!(state.keys_of("ann").is_empty());
        assert_eq!(state.last_used.get("AKIABOB1000000000000"), Some(&Some(t)));
        assert_eq!(state.passwords.get("carol").map(|p| p.exists), Some(true));
        assert_eq!(state.passwords.get("nobody"), None, "gone: not read");
        let denied = Memory::default().deny("bob");
        assert!(
            read(&denied, &wanted).await.is_err(),
            "a failing read fails the plan"
        );
    }
}
