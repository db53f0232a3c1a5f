//! The credentials' current state, as a plan is made from it: read through [`IamApi`]
//! just before planning (the report may be hours old), for the credentials the findings
//! name, and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, PasswordState};

/// Whose credentials a plan needs to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Users whose access keys (and their last use) are read.
    pub keys_of: BTreeSet<String>,
    /// Users whose console password is read.
    pub passwords_of: BTreeSet<String>,
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
}

impl CurrentState {
    /// A user's keys as listed (none if the user was not read).
    pub fn keys_of(&self, user: &str) -> &[KeyState] {
        self.keys.get(user).map_or(&[], Vec::as_slice)
    }
}

/// Reads what `wanted` names. The first failing call is the error.
pub async fn read(iam: &impl IamApi, wanted: &Wanted) -> anyhow::Result<CurrentState> {
    let mut state = CurrentState::default();
    for user in &wanted.keys_of {
        let keys = iam.list_access_keys(user).await?;
        for key in keys.iter().filter(|k| k.active) {
            let used = iam.access_key_last_used(&key.id).await?;
            state.last_used.insert(key.id.clone(), used);
        }
        state.keys.insert(user.clone(), keys);
    }
    for user in &wanted.passwords_of {
        state
            .passwords
            .insert(user.clone(), iam.password(user).await?);
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
        };
        let state = read(&iam, &wanted).await.expect("read");
        assert_eq!(
            iam.calls(),
            [
                "ListAccessKeys bob",
                "GetAccessKeyLastUsed AKIABOB1000000000000",
                "GetLoginProfile carol",
                "GetLoginProfile nobody",
            ]
        );
        assert_eq!(state.keys_of("bob").len(), 2);
        assert!(state.keys_of("ann").is_empty());
        assert_eq!(state.last_used.get("AKIABOB1000000000000"), Some(&Some(t)));
        assert_eq!(state.passwords.get("carol").map(|p| p.exists), Some(true));
        assert_eq!(state.passwords.get("nobody").map(|p| p.exists), Some(false));
        let denied = Memory::default().deny("bob");
        assert!(
            read(&denied, &wanted).await.is_err(),
            "a failing read fails the plan"
        );
    }
}
