//! Tags of users, roles and customer managed policies.

use credreport_iam::model::Tag;
use credreport_iam::Tagged;

use super::{Action, OpResult, Ops, Resource};
use crate::authz::RequestKeys;

/// What is done with tags; with what is tagged, it names the action.
#[derive(Clone, Copy, Debug)]
enum Verb {
    Tag,
    Untag,
    List,
}

/// The one table of `Tag{User,Role,Policy}`, `Untag…` and `List…Tags`.
fn action(what: Tagged<'_>, verb: Verb) -> Action {
    use Action as A;
    match (what, verb) {
        (Tagged::User(_), Verb::Tag) => A::TagUser,
        (Tagged::User(_), Verb::Untag) => A::UntagUser,
        (Tagged::User(_), Verb::List) => A::ListUserTags,
        (Tagged::Role(_), Verb::Tag) => A::TagRole,
        (Tagged::Role(_), Verb::Untag) => A::UntagRole,
        (Tagged::Role(_), Verb::List) => A::ListRoleTags,
        (Tagged::Policy(_), Verb::Tag) => A::TagPolicy,
        (Tagged::Policy(_), Verb::Untag) => A::UntagPolicy,
        (Tagged::Policy(_), Verb::List) => A::ListPolicyTags,
    }
}

impl Ops<'_> {
    fn authorize_tags(&self, what: Tagged<'_>, verb: Verb, keys: &RequestKeys<'_>) -> OpResult<()> {
        let resource = match what {
            Tagged::User(name) => self.user_resource(name),
            Tagged::Role(name) => self.role_resource(name),
            Tagged::Policy(arn) => Resource::given(arn),
        };
        self.authorize_with(action(what, verb), &resource, keys)
    }

    /// TagUser, TagRole, TagPolicy: authorized with the tags (`aws:RequestTag/…`,
    /// `aws:TagKeys`).
    pub fn tag(&self, what: Tagged<'_>, tags: &[Tag]) -> OpResult<()> {
        let keys = RequestKeys {
            tags,
            ..RequestKeys::default()
        };
        self.authorize_tags(what, Verb::Tag, &keys)?;
        Ok(self.iam.tag(self.account(), what, tags)?)
    }

    /// UntagUser, UntagRole, UntagPolicy: authorized with the keys (`aws:TagKeys`).
    pub fn untag(&self, what: Tagged<'_>, keys: &[String]) -> OpResult<()> {
        let request = RequestKeys {
            tag_keys: keys,
            ..RequestKeys::default()
        };
        self.authorize_tags(what, Verb::Untag, &request)?;
        Ok(self.iam.untag(self.account(), what, keys)?)
    }

    /// ListUserTags, ListRoleTags, ListPolicyTags.
    pub fn list_tags(&self, what: Tagged<'_>) -> OpResult<Vec<Tag>> {
        self.authorize_tags(what, Verb::List, &RequestKeys::default())?;
        Ok(self.iam.list_tags(self.account(), what)?)
    }
}
