//! STS GetCallerIdentity, served on the same endpoint.

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
// No permission is needed: any verified caller may ask who it is.
pub(crate) fn get_caller_identity(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let p = ctx.principal;
    let user_id = p
        .user()
        .map_or_else(|| p.account().to_string(), |u| u.id.clone());
    let mut x = Xml::new();
    x.leaf("Arn", &p.arn())
        .leaf("UserId", &user_id)
        .leaf("Account", p.account().as_str());
    Ok(Some(x))
}
