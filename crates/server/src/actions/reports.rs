//! GenerateCredentialReport, GetCredentialReport.

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateCredentialReport.html
pub(crate) fn generate(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let generation = ctx.ops.generate_credential_report()?;
    if let Some(build) = generation.build {
        (ctx.spawn_build)(build);
    }
    let mut x = Xml::new();
    if let Some(d) = generation.description {
        x.leaf("Description", d);
    }
    x.leaf("State", generation.state.as_str());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (content, generated) = ctx.ops.get_credential_report(ctx.reports)?;
    let mut x = Xml::new();
    x.shared("Content", &content)
        .leaf("ReportFormat", "text/csv")
        .time("GeneratedTime", generated);
    Ok(Some(x))
}
