//! GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails,
//! GetServiceLastAccessedDetailsWithEntities (members in the service model's order), and
//! ListOrganizationsFeatures.

use credreport_iam::last_accessed::{AccessJob, Granularity, ServiceUse, UseFacts};
use credreport_report::Timestamp;

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::ops::Action;
use crate::xml::Xml;

fn granularity(ctx: &Ctx<'_>) -> Result<Granularity, AwsError> {
    match ctx.params.optional("Granularity") {
        None => Ok(Granularity::Service),
        Some(g) => Granularity::from_name(g).ok_or_else(|| {
            AwsError::validation(format!(
                "1 validation error detected: Value '{g}' at 'granularity' failed to satisfy constraint: Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]"
            ))
        }),
    }
}

/// `JobId`: 36 characters, as the API model has it.
fn job_id<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    let id = ctx.params.required("JobId", "jobId")?;
    let n = id.chars().count();
    if n != 36 {
        let bound = if n < 36 {
            "greater than or equal to 36"
        } else {
            "less than or equal to 36"
        };
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'jobId' failed to satisfy constraint: Member must have length {bound}"
        )));
    }
    Ok(id)
}

/// Where a page starts (`Marker`: the index of its first item, as this service wrote it).
fn start(ctx: &Ctx<'_>) -> Result<usize, AwsError> {
    match ctx.params.optional("Marker") {
        None => Ok(0),
        Some(m) => m
            .parse::<usize>()
            .map_err(|_| AwsError::new("InvalidInput", 400, "Invalid Marker.")),
    }
}

/// The page `[start, start + max)` of `len` items, and the next page's marker.
fn page(start: usize, max: usize, len: usize) -> (std::ops::Range<usize>, Option<String>) {
    let from = start.min(len);
    let to = from.saturating_add(max).min(len);
    (from..to, (to < len).then(|| to.to_string()))
}

fn time(at: i64) -> Timestamp {
    Timestamp::from_unix(at).unwrap_or(Timestamp::MIN)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
pub(crate) fn generate(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let arn = ctx.params.required("Arn", "arn")?;
    let granularity = granularity(ctx)?;
    let job = ctx.ops.generate_last_accessed(arn, granularity)?;
    let mut x = Xml::new();
    x.leaf("JobId", &job);
    Ok(Some(x))
}

fn job_head(x: &mut Xml, job: &AccessJob, with_type: bool) {
    x.leaf("JobStatus", "COMPLETED");
    if with_type {
        x.leaf("JobType", job.granularity.as_str());
    }
    x.time("JobCreationDate", job.created);
}

fn service_xml(x: &mut Xml, s: &ServiceUse) {
    x.leaf("ServiceName", &s.name);
    if let Some(last) = &s.last {
        x.time("LastAuthenticated", last.time());
    }
    x.leaf("ServiceNamespace", &s.namespace);
    if let Some(UseFacts { entity, region, .. }) = &s.last {
        x.leaf("LastAuthenticatedEntity", entity)
            .leaf("LastAuthenticatedRegion", region);
    }
    x.leaf("TotalAuthenticatedEntities", &s.total.to_string());
    if let Some(actions) = &s.actions {
        x.list("TrackedActionsLastAccessed", actions, |x, a| {
            x.leaf("ActionName", &a.name);
            if let Some(last) = &a.last {
                x.leaf("LastAccessedEntity", &last.entity)
                    .time("LastAccessedTime", last.time())
                    .leaf("LastAccessedRegion", &last.region);
            }
        });
    }
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = job_id(ctx)?;
    let job = ctx
        .ops
        .last_accessed_job(Action::GetServiceLastAccessedDetails, id)?;
    let (max, start) = (ctx.params.max_items()?, start(ctx)?);
    let (range, next) = page(start, max, job.services.len());
    let mut x = Xml::new();
    job_head(&mut x, &job, true);
    x.list("ServicesLastAccessed", &job.services[range], service_xml);
    x.time("JobCompletionDate", job.created);
    page_end(&mut x, next.as_deref());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetailsWithEntities.html
pub(crate) fn get_with_entities(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = job_id(ctx)?;
    let namespace = ctx
        .params
        .required("ServiceNamespace", "serviceNamespace")?;
    let job = ctx
        .ops
        .last_accessed_job(Action::GetServiceLastAccessedDetailsWithEntities, id)?;
    let (max, start) = (ctx.params.max_items()?, start(ctx)?);
    // Every user and role that could have used the permissions, the ones that used the
    // service first (most recent first), then the others in the job's order.
    let uses = job
        .services
        .iter()
        .find(|s| s.namespace == namespace)
        .map(|s| s.uses.as_slice())
        .unwrap_or_default();
    let mut listed: Vec<(usize, Option<i64>)> = (0..job.entities.len())
        .map(|i| (i, uses.iter().find(|u| u.entity == i).map(|u| u.at)))
        .collect();
    if !job.services.iter().any(|s| s.namespace == namespace) {
        // A service the permissions do not allow: nobody could have used it.
        listed.clear();
    }
    listed.sort_by_key(|(i, at)| (std::cmp::Reverse(*at), *i));
    let (range, next) = page(start, max, listed.len());
    let mut x = Xml::new();
    job_head(&mut x, &job, false);
    x.time("JobCompletionDate", job.created);
    x.list("EntityDetailsList", &listed[range], |x, (i, at)| {
        let e = &job.entities[*i];
        x.node("EntityInfo", |x| {
            x.leaf("Arn", &e.arn)
                .leaf("Name", &e.name)
                .leaf("Type", &e.kind)
                .leaf("Id", &e.id)
                .leaf("Path", &e.path);
        });
        if let Some(at) = at {
            x.time("LastAuthenticated", time(*at));
        }
    });
    page_end(&mut x, next.as_deref());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html
pub(crate) fn list_organizations_features(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.list_organizations_features()?;
    Ok(Some(Xml::new()))
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_cover_every_item_once() {
        for (start, max, len, want, next) in [
            (0, 100, 3, 0..3, None),
            (0, 2, 3, 0..2, Some("2")),
            (2, 2, 3, 2..3, None),
            (5, 2, 3, 3..3, None),
            (0, 1, 0, 0..0, None),
        ] {
            let (range, marker) = page(start, max, len);
            assert_eq!(
                (range, marker.as_deref()),
                (want, next),
                "{start} {max} {len}"
            );
        }
    }
}
