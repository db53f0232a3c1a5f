//! When each principal last used each service it is allowed: IAM's service last accessed
//! data (GenerateServiceLastAccessedDetails, then GetServiceLastAccessedDetails), the
//! input of the `permissions-unused` check.
//!
//! [`LastAccessed`] maps a principal's ARN to its [`PrincipalAccess`]: the services IAM
//! says its policies allow, each with the last time it authenticated to it (or none). A
//! client of the API fills it with [`LastAccessed::insert`];
//! [`LastAccessed::from_json`] reads a file: a JSON object whose keys are principal ARNs
//! and whose values are what `aws iam get-service-last-accessed-details --job-id …`
//! prints for that principal's job:
//!
//! ```json
//! {
//!   "arn:aws:iam::123456789012:user/alice": {
//!     "JobStatus": "COMPLETED",
//!     "JobCompletionDate": "2026-12-01T10:00:00+00:00",
//!     "ServicesLastAccessed": [
//!       {"ServiceName": "Amazon S3", "ServiceNamespace": "s3",
//!        "LastAuthenticated": "2026-11-30T09:00:00+00:00",
//!        "LastAuthenticatedRegion": "us-east-1", "TotalAuthenticatedEntities": 1},
//!       {"ServiceName": "AWS Identity and Access Management", "ServiceNamespace": "iam",
//!        "TotalAuthenticatedEntities": 0}
//!     ]
//!   }
//! }
//! ```
//!
//! A job that did not complete (`JobStatus` other than `COMPLETED`) says nothing: its
//! principal is left out, so no finding rests on it.
//!
//! At 5,000 users the data lists over a million allowed services, nearly all never used,
//! and principals with the same policies are allowed the same ones. So a principal's
//! services are a list shared ([`Arc`]) with the principals that have the same list
//! ([`LastAccessed::share`]), each [`Service`] naming itself with the catalog's own
//! strings when the catalog has it, and its uses are kept apart, one per used service.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use credreport_policy::catalog::Catalog;
use credreport_policy::Time;
use serde::Deserialize;

use crate::details::{time, InputError};

/// A service as last-accessed data names it: its namespace and name, the catalog's own
/// strings when the catalog has the service under that namespace and name (nothing
/// copied), else the ones read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Service {
    namespace: Cow<'static, str>,
    name: Cow<'static, str>,
}

impl Service {
    /// The service with this `ServiceNamespace` (`s3`) and `ServiceName` (`Amazon S3`).
    pub fn new(namespace: &str, name: &str) -> Service {
        match catalog_service(namespace) {
            Some(s) => Service {
                namespace: Cow::Borrowed(s.namespace()),
                name: if s.name() == name {
                    Cow::Borrowed(s.name())
                } else {
                    Cow::Owned(name.to_owned())
                },
            },
            None => Service {
                namespace: Cow::Owned(namespace.to_owned()),
                name: Cow::Owned(name.to_owned()),
            },
        }
    }

    /// A catalog namespace, named as the catalog names it (the namespace itself when the
    /// catalog does not have it).
    pub fn of_namespace(namespace: &'static str) -> Service {
        Service {
            namespace: Cow::Borrowed(namespace),
            name: Cow::Borrowed(
                catalog_service(namespace)
                    .map_or(namespace, credreport_policy::catalog::Service::name),
            ),
        }
    }

    /// `ServiceNamespace` (`s3`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// `ServiceName` (`Amazon S3`).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The catalog's service with exactly this namespace.
fn catalog_service(namespace: &str) -> Option<&'static credreport_policy::catalog::Service> {
    let services = Catalog::get().services();
    services
        .binary_search_by(|s| s.namespace().cmp(namespace))
        .ok()
        .map(|i| &services[i])
}

/// A principal's last use of a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastUse {
    /// `LastAuthenticated`: the last time the principal authenticated to it.
    pub at: Time,
    /// `LastAuthenticatedRegion`.
    pub region: Option<String>,
}

/// One service a principal is allowed, and its last use: an entry of a job's answer as
/// read, before [`PrincipalAccess::from_list`] shares its service list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAccess {
    /// The service.
    pub service: Service,
    /// Its last use; `None` when not within IAM's tracking period (400 days).
    pub last: Option<LastUse>,
}

/// The last-accessed data of one principal: the services its policies allow, as IAM lists
/// them (a list shared with the principals that have the same one), and its last use of
/// each it used (sorted by the service's place in the list, one at most per service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalAccess {
    /// When IAM computed it (`JobCompletionDate`), if known.
    pub computed: Option<Time>,
    services: Arc<[Service]>,
    uses: Vec<(u32, LastUse)>,
}

impl Default for PrincipalAccess {
    fn default() -> PrincipalAccess {
        PrincipalAccess::new(None, Arc::from(Vec::new()))
    }
}

impl PrincipalAccess {
    /// A principal allowed `services`, none of them used (yet: [`PrincipalAccess::used`]).
    pub fn new(computed: Option<Time>, services: Arc<[Service]>) -> PrincipalAccess {
        PrincipalAccess {
            computed,
            services,
            uses: Vec::new(),
        }
    }

    /// A job's answer as listed, its services shared through `data`
    /// ([`LastAccessed::share`]).
    pub fn from_list(
        computed: Option<Time>,
        list: Vec<ServiceAccess>,
        data: &mut LastAccessed,
    ) -> PrincipalAccess {
        let mut uses = Vec::new();
        let mut services = Vec::with_capacity(list.len());
        for (i, s) in list.into_iter().enumerate() {
            if let (Some(last), Ok(i)) = (s.last, u32::try_from(i)) {
                uses.push((i, last));
            }
            services.push(s.service);
        }
        PrincipalAccess {
            computed,
            services: data.share(services),
            uses,
        }
    }

    /// Records the last use of the service at `index` of its list (replacing the one it
    /// had); an index past the list is ignored.
    pub fn used(&mut self, index: usize, last: LastUse) {
        let Ok(key) = u32::try_from(index) else {
            return;
        };
        if index >= self.services.len() {
            return;
        }
        match self.uses.binary_search_by_key(&key, |(i, _)| *i) {
            Ok(at) => self.uses[at].1 = last,
            Err(at) => self.uses.insert(at, (key, last)),
        }
    }

    /// The services it is allowed, in IAM's order, each with its last use.
    pub fn services(&self) -> Services<'_> {
        Services {
            services: self.services.iter().enumerate(),
            uses: &self.uses,
        }
    }

    /// How many services it is allowed.
    pub fn len(&self) -> usize {
        self.services.len()
    }

    /// Whether it is allowed none.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}

/// A principal's services, each with its last use ([`PrincipalAccess::services`]).
#[derive(Clone, Debug)]
pub struct Services<'a> {
    services: std::iter::Enumerate<std::slice::Iter<'a, Service>>,
    /// The uses not reached yet.
    uses: &'a [(u32, LastUse)],
}

impl<'a> Iterator for Services<'a> {
    type Item = (&'a Service, Option<&'a LastUse>);

    fn next(&mut self) -> Option<Self::Item> {
        let (i, service) = self.services.next()?;
        let last = match self.uses.split_first() {
            Some(((at, last), rest)) if *at as usize == i => {
                self.uses = rest;
                Some(last)
            }
            _ => None,
        };
        Some((service, last))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.services.size_hint()
    }
}

impl ExactSizeIterator for Services<'_> {}

/// Last-accessed data by principal ARN.
#[derive(Clone, Debug, Default)]
pub struct LastAccessed {
    by_arn: BTreeMap<String, PrincipalAccess>,
    /// The service lists shared so far.
    lists: HashSet<Arc<[Service]>>,
}

impl PartialEq for LastAccessed {
    fn eq(&self, other: &LastAccessed) -> bool {
        self.by_arn == other.by_arn
    }
}

impl Eq for LastAccessed {}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawJob {
    #[serde(default)]
    job_status: Option<String>,
    #[serde(default, deserialize_with = "time")]
    job_completion_date: Option<Time>,
    #[serde(default)]
    services_last_accessed: Vec<RawService>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawService {
    service_namespace: String,
    #[serde(default)]
    service_name: String,
    #[serde(default, deserialize_with = "time")]
    last_authenticated: Option<Time>,
    #[serde(default)]
    last_authenticated_region: Option<String>,
}

impl LastAccessed {
    /// Reads a file (see the module documentation). Errors give the line and column.
    pub fn from_json(text: &str) -> Result<LastAccessed, InputError> {
        let raw: BTreeMap<String, RawJob> = serde_json::from_str(text).map_err(|e| {
            InputError::json(
                "not a JSON object of principal ARNs to get-service-last-accessed-details output",
                &e,
            )
        })?;
        let mut out = LastAccessed::default();
        for (arn, job) in raw {
            if job
                .job_status
                .as_deref()
                .is_some_and(|s| !s.eq_ignore_ascii_case("COMPLETED"))
            {
                continue;
            }
            let list = job
                .services_last_accessed
                .into_iter()
                .map(|s| ServiceAccess {
                    service: Service::new(&s.service_namespace, &s.service_name),
                    last: s.last_authenticated.map(|at| LastUse {
                        at,
                        region: s.last_authenticated_region,
                    }),
                })
                .collect();
            let access = PrincipalAccess::from_list(job.job_completion_date, list, &mut out);
            out.insert(arn, access);
        }
        Ok(out)
    }

    /// The list equal to `services` that principals already share, or `services` (from
    /// now on shared).
    pub fn share(&mut self, services: Vec<Service>) -> Arc<[Service]> {
        if let Some(list) = self.lists.get(services.as_slice()) {
            return Arc::clone(list);
        }
        let list: Arc<[Service]> = Arc::from(services);
        self.lists.insert(Arc::clone(&list));
        list
    }

    /// Sets the data of the principal with `arn` (replacing what it had).
    pub fn insert(&mut self, arn: impl Into<String>, access: PrincipalAccess) {
        self.by_arn.insert(arn.into(), access);
    }

    /// Adds another file's principals (a principal already here keeps its data).
    pub fn merge(&mut self, other: LastAccessed) {
        for (arn, access) in other.by_arn {
            self.by_arn.entry(arn).or_insert(access);
        }
        self.lists.extend(other.lists);
    }

    /// The data of a principal.
    pub fn get(&self, arn: &str) -> Option<&PrincipalAccess> {
        self.by_arn.get(arn)
    }

    /// Every principal's data, by ARN.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &PrincipalAccess)> {
        self.by_arn.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many principals it has data for.
    pub fn len(&self) -> usize {
        self.by_arn.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.by_arn.is_empty()
    }
}

impl IntoIterator for LastAccessed {
    type Item = (String, PrincipalAccess);
    type IntoIter = std::collections::btree_map::IntoIter<String, PrincipalAccess>;

    /// Every principal's data, by ARN, moved out.
    fn into_iter(self) -> Self::IntoIter {
        self.by_arn.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Time {
        Time::from_unix_seconds(s)
    }

    /// (namespace, name as read) -> (whether both are the catalog's own strings, the name).
    #[test]
    fn services_the_catalog_has_are_named_by_its_strings() {
        let cases = [
            ("s3", "Amazon S3", true, "Amazon S3"),
            ("s3", "S3 as a file says it", false, "S3 as a file says it"),
            ("not-a-service", "Elsewhere", false, "Elsewhere"),
        ];
        for (namespace, name, borrowed, want) in cases {
            let s = Service::new(namespace, name);
            assert_eq!((s.namespace(), s.name()), (namespace, want));
            let both = matches!(
                (&s.namespace, &s.name),
                (Cow::Borrowed(_), Cow::Borrowed(_))
            );
            assert_eq!(both, borrowed, "{namespace} {name}");
        }
        assert_eq!(Service::of_namespace("s3").name(), "Amazon S3");
    }

    #[test]
    fn principals_with_the_same_services_share_one_list() {
        let job = |last: &str| {
            format!(
                r#"{{"JobStatus": "COMPLETED", "ServicesLastAccessed": [
                  {{"ServiceNamespace": "iam", "ServiceName": "AWS Identity and Access Management"{last}}},
                  {{"ServiceNamespace": "s3", "ServiceName": "Amazon S3"}}]}}"#
            )
        };
        let used = r#", "LastAuthenticated": "2026-11-30T09:00:00Z", "LastAuthenticatedRegion": "us-east-1""#;
        let text = format!(
            r#"{{"arn:aws:iam::111122223333:user/a": {}, "arn:aws:iam::111122223333:user/b": {}}}"#,
            job(used),
            job("")
        );
        let data = LastAccessed::from_json(&text).unwrap();
        let a = data.get("arn:aws:iam::111122223333:user/a").unwrap();
        let b = data.get("arn:aws:iam::111122223333:user/b").unwrap();
        assert!(Arc::ptr_eq(&a.services, &b.services));
        let lasts = |p: &PrincipalAccess| -> Vec<(String, Option<Time>, Option<String>)> {
            p.services()
                .map(|(s, u)| {
                    (
                        s.namespace().to_owned(),
                        u.map(|u| u.at),
                        u.and_then(|u| u.region.clone()),
                    )
                })
                .collect()
        };
        let at = Time::parse("2026-11-30T09:00:00Z");
        assert_eq!(
            lasts(a),
            [
                ("iam".to_owned(), at, Some("us-east-1".to_owned())),
                ("s3".to_owned(), None, None)
            ]
        );
        assert_eq!(
            lasts(b),
            [
                ("iam".to_owned(), None, None),
                ("s3".to_owned(), None, None)
            ]
        );
    }

    #[test]
    fn uses_are_kept_in_list_order_one_per_service() {
        let list: Arc<[Service]> = ["ec2", "iam", "s3"].map(Service::of_namespace).into();
        let mut p = PrincipalAccess::new(None, list);
        let used = |s: i64| LastUse {
            at: t(s),
            region: None,
        };
        p.used(2, used(30));
        p.used(0, used(10));
        p.used(2, used(35));
        // Past the list: ignored.
        p.used(3, used(99));
        let got: Vec<(&str, Option<Time>)> = p
            .services()
            .map(|(s, u)| (s.namespace(), u.map(|u| u.at)))
            .collect();
        assert_eq!(
            got,
            [("ec2", Some(t(10))), ("iam", None), ("s3", Some(t(35)))]
        );
        assert_eq!(p.services().len(), 3);
    }
}
