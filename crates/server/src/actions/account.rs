//! GetAccountSummary; CreateAccountAlias, DeleteAccountAlias, ListAccountAliases.

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
pub(crate) fn summary(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let entries = ctx.ops.account_summary()?;
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

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html
pub(crate) fn create_alias(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let alias = ctx.params.required("AccountAlias", "accountAlias")?;
    ctx.ops.create_account_alias(alias)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountAlias.html
pub(crate) fn delete_alias(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let alias = ctx.params.required("AccountAlias", "accountAlias")?;
    ctx.ops.delete_account_alias(alias)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccountAliases.html
pub(crate) fn list_aliases(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let aliases = ctx.ops.list_account_aliases()?;
    let mut x = Xml::new();
    x.node("AccountAliases", |x| {
        for a in &aliases {
            x.leaf("member", a);
        }
    });
    super::page_end(&mut x, None);
    Ok(Some(x))
}
