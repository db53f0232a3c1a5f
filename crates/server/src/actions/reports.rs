//! GenerateCredentialReport, GetCredentialReport.

use std::time::Duration;

use credreport_iam::ReportState;

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

/// How long a GenerateCredentialReport that finds a build of this process in progress
/// waits for it to end before it answers INPROGRESS.
const BUILD_HOLD: Duration = Duration::from_millis(20);

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateCredentialReport.html
pub(crate) fn generate(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let mut generation = ctx.ops.generate_credential_report()?;
    if generation.state == ReportState::InProgress
        && ctx.reports.wait_for_build(ctx.ops.account(), BUILD_HOLD)
    {
        // The build ended meanwhile: its report (or its failure) decides the answer.
        generation = ctx.ops.generate_credential_report()?;
    }
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
