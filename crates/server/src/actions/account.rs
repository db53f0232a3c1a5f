//! GetAccountSummary.

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
pub(crate) fn summary(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.authorize("iam:GetAccountSummary", ctx.any())?;
    let entries = ctx.iam.account_summary(ctx.account())?;
    let mut x = Xml::new();
    x.node("SummaryMap", |x| {
        for (key, value) in &entries {
            x.node("entry", |x| {
                x.leaf("key", key).leaf("value", &value.to_string());
            });
        }
    });
    Ok(Some(x))
}
