//! Tags of users, roles and customer managed policies: Tag/Untag/List for each. At most 50 per resource; keys are unique
//! ignoring case (tagging a key again replaces its value); keys 1-128 and values 0-256
//! characters of letters, numbers, white space and `_.:/=+-@`; the `aws:` prefix is AWS's.

use crate::error::{Constraint, Error, Result};
use crate::ids::AccountId;
use crate::model::{Tag, TagTarget};
use crate::service::{require_user, Iam};
use crate::store::Tx;

/// Tags one resource carries at most.
pub const TAGS_QUOTA: usize = 50;

/// What a tag call names: a user by name, or a customer managed policy by ARN.
#[derive(Clone, Copy, Debug)]
pub enum Tagged<'a> {
    /// A user, by name.
    User(&'a str),
    /// A customer managed policy, by ARN.
    Policy(&'a str),
    /// A role, by name.
    Role(&'a str),
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

const TAG_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";

/// Checks tags as IAM does: lengths, characters, the reserved prefix, and keys unique
/// ignoring case within the request.
pub fn validate_tags(tags: &[Tag]) -> Result<()> {
    if tags.len() > TAGS_QUOTA {
        return Err(Error::validation("tags", Constraint::MaxLength(TAGS_QUOTA)));
    }
    for (i, t) in tags.iter().enumerate() {
        let len = t.key.chars().count();
        if len == 0 {
            return Err(Error::validation(
                "tags.member.key",
                Constraint::MinLength(1),
            ));
        }
        if len > 128 {
            return Err(Error::validation(
                "tags.member.key",
                Constraint::MaxLength(128),
            ));
        }
        if !t.key.chars().all(tag_char) {
            return Err(Error::validation(
                "tags.member.key",
                Constraint::Pattern(TAG_PATTERN),
            ));
        }
        if t.value.chars().count() > 256 {
            return Err(Error::validation(
                "tags.member.value",
                Constraint::MaxLength(256),
            ));
        }
        if !t.value.chars().all(tag_char) {
            return Err(Error::validation(
                "tags.member.value",
                Constraint::Pattern(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"),
            ));
        }
        if t.key.to_lowercase().starts_with("aws:") {
            return Err(Error::InvalidInput(
                "Tag keys starting with 'aws:' are reserved for AWS use.".into(),
            ));
        }
        if tags[..i]
            .iter()
            .any(|o| o.key.to_lowercase() == t.key.to_lowercase())
        {
            return Err(Error::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.".into(),
            ));
        }
    }
    Ok(())
}

fn target(tx: &mut dyn Tx, account: &AccountId, what: Tagged<'_>) -> Result<TagTarget> {
    Ok(match what {
        Tagged::User(name) => TagTarget::User(require_user(tx, account, name)?.id),
        Tagged::Policy(arn) => {
            TagTarget::Policy(crate::managed::local_policy_id(tx, account, arn)?)
        }
        Tagged::Role(name) => TagTarget::Role(crate::roles::require_role(tx, account, name)?.id),
    })
}

/// `existing` with `new` merged in: a key already there (ignoring case) takes the new value.
pub(crate) fn merged(mut existing: Vec<Tag>, new: &[Tag]) -> Vec<Tag> {
    for t in new {
        match existing
            .iter_mut()
            .find(|e| e.key.to_lowercase() == t.key.to_lowercase())
        {
            Some(e) => *e = t.clone(),
            None => existing.push(t.clone()),
        }
    }
    existing
}

impl Iam {
    /// TagUser, TagPolicy.
    pub fn tag(&self, account: &AccountId, what: Tagged<'_>, tags: &[Tag]) -> Result<()> {
        validate_tags(tags)?;
        self.write(account, |tx| {
            let t = target(tx, account, what)?;
            let all = merged(tx.tags(account, &t)?, tags);
            if all.len() > TAGS_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "The number of tags has reached the maximum limit of {TAGS_QUOTA}."
                )));
            }
            tx.put_tags(account, &t, &all)
        })
    }

    /// UntagUser, UntagPolicy: keys not there are ignored.
    pub fn untag(&self, account: &AccountId, what: Tagged<'_>, keys: &[String]) -> Result<()> {
        self.write(account, |tx| {
            let t = target(tx, account, what)?;
            let mut all = tx.tags(account, &t)?;
            all.retain(|tag| {
                !keys
                    .iter()
                    .any(|k| k.to_lowercase() == tag.key.to_lowercase())
            });
            tx.put_tags(account, &t, &all)
        })
    }

    /// ListUserTags, ListPolicyTags: in the order they were added.
    pub fn list_tags(&self, account: &AccountId, what: Tagged<'_>) -> Result<Vec<Tag>> {
        self.read(|tx| {
            let t = target(tx, account, what)?;
            tx.tags(account, &t)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag {
            key: k.into(),
            value: v.into(),
        }
    }

    #[test]
    fn tags_follow_iams_rules() {
        let ok = [
            tag("team", "security"),
            tag("cost center", "a/b=c+d@e:f_g.h-i"),
            tag("é", ""),
        ];
        assert!(validate_tags(&ok).is_ok());
        let bad: [(&[Tag], &str); 5] = [
            (&[tag("", "v")], "tags.member.key"),
            (&[tag("k!", "v")], "tags.member.key"),
            (&[tag("k", "v;")], "tags.member.value"),
            (&[tag("aws:x", "v")], "reserved"),
            (&[tag("Team", "a"), tag("team", "b")], "case insensitive"),
        ];
        for (tags, why) in bad {
            let e = validate_tags(tags).unwrap_err().to_string();
            assert!(e.contains(why), "{tags:?}: {e}");
        }
    }

    #[test]
    fn tagging_a_key_again_replaces_its_value_ignoring_case() {
        let all = merged(
            vec![tag("Team", "a"), tag("env", "prod")],
            &[tag("team", "b"), tag("new", "")],
        );
        assert_eq!(
            all,
            vec![tag("team", "b"), tag("env", "prod"), tag("new", "")]
        );
    }
}
