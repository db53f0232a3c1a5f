//! The request context: what a request carries that conditions and policy variables read.
//!
//! A [`RequestContext`] maps key names (compared ignoring case) to one value or to several
//! (a multivalued key such as `aws:TagKeys`). A value keeps its text and what it reads as
//! (number, date, boolean, IP address), so each condition operator finds its type ready.
//! The caller fills the context; the crate reads no clock, no network, nothing.
//!
//! A context is *complete* ([`RequestContext::new`]: a key that was not set is absent, as
//! in a real request) or *open* ([`RequestContext::open`]: a key that was not set may be
//! absent or hold anything, for privilege analysis; [`RequestContext::set_absent`] says a
//! key is known to be absent).

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;

use crate::keys;
use crate::time::Time;

/// One value of a context key.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextValue {
    text: Box<str>,
    number: Option<f64>,
    date: Option<Time>,
    boolean: Option<bool>,
    ip: Option<IpAddr>,
}

impl ContextValue {
    /// A string value; it also reads as a number, a date, a boolean or an IP address when
    /// its text is one.
    pub fn string(text: &str) -> ContextValue {
        // Each reading is tried only when the first character allows it: a user agent or
        // an ARN costs no failed parses.
        let first = text.bytes().next().unwrap_or(b' ');
        let numeric = first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.');
        let address = (first.is_ascii_hexdigit() || first == b':') && text.contains(['.', ':']);
        ContextValue {
            text: text.into(),
            number: if numeric { parse_number(text) } else { None },
            date: if first.is_ascii_digit() || first == b'-' {
                Time::parse(text)
            } else {
                None
            },
            boolean: if matches!(text.len(), 4 | 5) {
                parse_bool(text)
            } else {
                None
            },
            ip: if address { text.parse().ok() } else { None },
        }
    }

    /// A number.
    pub fn number(value: f64) -> ContextValue {
        ContextValue {
            text: value.to_string().into(),
            number: Some(value),
            date: None,
            boolean: None,
            ip: None,
        }
    }

    /// A whole number (also read as epoch seconds by the `Date` operators).
    pub fn integer(value: i64) -> ContextValue {
        ContextValue {
            text: value.to_string().into(),
            // Precision is lost only beyond 2^53, far beyond any count or time in seconds.
            number: Some(value as f64),
            date: Some(Time::from_unix_seconds(value)),
            boolean: None,
            ip: None,
        }
    }

    /// A date and time (its text is `YYYY-MM-DDThh:mm:ssZ`).
    pub fn date(time: Time) -> ContextValue {
        ContextValue {
            text: time.to_string().into(),
            number: None,
            date: Some(time),
            boolean: None,
            ip: None,
        }
    }

    /// A boolean (its text is `true` or `false`).
    pub fn boolean(value: bool) -> ContextValue {
        ContextValue {
            text: if value { "true" } else { "false" }.into(),
            number: None,
            date: None,
            boolean: Some(value),
            ip: None,
        }
    }

    /// An IP address.
    pub fn ip(address: IpAddr) -> ContextValue {
        ContextValue {
            text: address.to_string().into(),
            number: None,
            date: None,
            boolean: None,
            ip: Some(address),
        }
    }

    /// Binary data (its text is the standard base64 encoding, which `BinaryEquals` decodes).
    pub fn binary(bytes: &[u8]) -> ContextValue {
        ContextValue::string(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// The value as text (what the `String` and `Arn` operators and policy variables see).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn as_number(&self) -> Option<f64> {
        self.number
    }

    pub(crate) fn as_date(&self) -> Option<Time> {
        self.date
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        self.boolean
    }

    pub(crate) fn as_ip(&self) -> Option<IpAddr> {
        self.ip
    }
}

/// A decimal number as IAM reads one: digits, an optional sign, point and exponent; never
/// `NaN` or an infinity.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let plausible = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    plausible
        .then(|| text.parse::<f64>().ok())
        .flatten()
        .filter(|n| n.is_finite())
}

/// `true` or `false`, ignoring case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The value types of SimulatePrincipalPolicy's `ContextEntry.ContextKeyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextKeyType {
    /// `string`
    String,
    /// `stringList`
    StringList,
    /// `numeric`
    Numeric,
    /// `numericList`
    NumericList,
    /// `boolean`
    Boolean,
    /// `booleanList`
    BooleanList,
    /// `ip`
    Ip,
    /// `ipList`
    IpList,
    /// `binary`
    Binary,
    /// `binaryList`
    BinaryList,
    /// `date`
    Date,
    /// `dateList`
    DateList,
}

impl ContextKeyType {
    const NAMES: [(&'static str, ContextKeyType); 12] = [
        ("string", ContextKeyType::String),
        ("stringList", ContextKeyType::StringList),
        ("numeric", ContextKeyType::Numeric),
        ("numericList", ContextKeyType::NumericList),
        ("boolean", ContextKeyType::Boolean),
        ("booleanList", ContextKeyType::BooleanList),
        ("ip", ContextKeyType::Ip),
        ("ipList", ContextKeyType::IpList),
        ("binary", ContextKeyType::Binary),
        ("binaryList", ContextKeyType::BinaryList),
        ("date", ContextKeyType::Date),
        ("dateList", ContextKeyType::DateList),
    ];

    /// From AWS's name (`stringList`, …).
    pub fn parse(name: &str) -> Option<ContextKeyType> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// AWS's name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("string", |(n, _)| n)
    }

    /// Whether the key holds a list.
    pub fn is_list(self) -> bool {
        self.as_str().ends_with("List")
    }

    /// Reads one value of this type.
    fn read(self, text: &str) -> Option<ContextValue> {
        use ContextKeyType as T;
        let mut value = ContextValue::string(text);
        let ok = match self {
            T::String | T::StringList => true,
            T::Numeric | T::NumericList => value.number.is_some(),
            T::Boolean | T::BooleanList => value.boolean.is_some(),
            T::Ip | T::IpList => value.ip.is_some(),
            T::Binary | T::BinaryList => base64::engine::general_purpose::STANDARD
                .decode(text)
                .is_ok(),
            T::Date | T::DateList => value.date.is_some(),
        };
        if matches!(self, T::Numeric | T::NumericList) {
            // "20" is a number here, not also a date of year 20.
            value.date = None;
        }
        ok.then_some(value)
    }
}

/// A context entry whose value does not read as its declared type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("The value {value} of context key {key} is not a valid {kind}.")]
pub struct InvalidContextValue {
    /// The key.
    pub key: String,
    /// The value as given.
    pub value: String,
    /// The declared type's AWS name.
    pub kind: &'static str,
}

#[derive(Clone, Debug)]
struct Entry {
    /// The key in lowercase (the order of the entries; keys ignore case).
    key: Box<str>,
    values: Values,
}

/// `key` in lowercase, reusing its buffer when it is ASCII.
fn lowercase(mut key: String) -> Box<str> {
    if key.is_ascii() {
        key.make_ascii_lowercase();
        key.into()
    } else {
        key.to_lowercase().into()
    }
}

/// The values of a key: most keys have one, so one needs no allocation of its own.
#[derive(Clone, Debug)]
enum Values {
    /// Known to be absent.
    Absent,
    /// A single-valued key.
    One(ContextValue),
    /// A multivalued key (it cannot be a policy variable); empty is absent.
    List(Vec<ContextValue>),
}

impl Values {
    fn as_slice(&self) -> &[ContextValue] {
        match self {
            Values::Absent => &[],
            Values::One(v) => std::slice::from_ref(v),
            Values::List(vs) => vs,
        }
    }
}

/// What a context says of a key.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lookup<'a> {
    /// The key's values (at least one).
    Present(&'a [ContextValue]),
    /// The key is absent (or an empty list, which AWS treats the same).
    Absent,
    /// Not given, in an open context: absent or anything.
    Unknown,
}

/// The keys and values of one request. See the module documentation.
#[derive(Clone, Default)]
pub struct RequestContext {
    /// Sorted by lowercase key (a few dozen keys: a binary search beats hashing).
    entries: Vec<Entry>,
    open: bool,
    any_resource: bool,
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for e in &self.entries {
            let texts: Vec<&str> = e.values.as_slice().iter().map(ContextValue::text).collect();
            map.entry(&e.key, &texts);
        }
        map.finish()?;
        if self.open {
            f.write_str(" (open)")?;
        }
        if self.any_resource {
            f.write_str(" (any resource)")?;
        }
        Ok(())
    }
}

impl RequestContext {
    /// A complete context with no keys yet: a key that is never set is absent.
    pub fn new() -> RequestContext {
        RequestContext {
            entries: Vec::with_capacity(24),
            open: false,
            any_resource: false,
        }
    }

    /// An open context: a key that is never set is unknown (may be absent or hold any
    /// value). For privilege analysis, where the requests to come are not known.
    pub fn open() -> RequestContext {
        RequestContext {
            entries: Vec::with_capacity(24),
            open: true,
            any_resource: false,
        }
    }

    /// Makes the request's resource unknown: the request stands for the same request on
    /// every resource, and an answer says whether it holds for every one (`Yes`), some
    /// (`Maybe`) or none (`No`). A `Resource` of `*` then covers it, a `NotResource` of
    /// `*` never does, and any other pattern covers some resources (a pattern whose
    /// policy variable has no value covers none). The request's `resource` is not read.
    /// For privilege analysis ("can it change anything, anywhere"); answers may be
    /// `Maybe` even in a complete context.
    pub fn any_resource(&mut self) -> &mut Self {
        self.any_resource = true;
        self
    }

    /// Whether the request's resource is unknown ([`RequestContext::any_resource`]).
    pub fn is_any_resource(&self) -> bool {
        self.any_resource
    }

    /// Whether keys that were not set are unknown rather than absent.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Sets a single-valued key (replacing what it held).
    pub fn set(&mut self, key: &str, value: ContextValue) -> &mut Self {
        self.put(key, Values::One(value))
    }

    /// Sets a multivalued key to these values (an empty list is an absent key).
    pub fn set_list(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = ContextValue>,
    ) -> &mut Self {
        self.put(key, Values::List(values.into_iter().collect()))
    }

    /// Adds a value to a multivalued key.
    pub fn push(&mut self, key: &str, value: ContextValue) -> &mut Self {
        let key = lowercase(key.to_owned());
        match self.find(&key) {
            Ok(i) => {
                let values = &mut self.entries[i].values;
                let mut list = match std::mem::replace(values, Values::Absent) {
                    Values::Absent => Vec::new(),
                    Values::One(v) => vec![v],
                    Values::List(vs) => vs,
                };
                list.push(value);
                *values = Values::List(list);
            }
            Err(i) => self.entries.insert(
                i,
                Entry {
                    key,
                    values: Values::List(vec![value]),
                },
            ),
        }
        self
    }

    /// Says a key is absent (in an open context, where it would otherwise be unknown).
    pub fn set_absent(&mut self, key: &str) -> &mut Self {
        self.put(key, Values::Absent)
    }

    /// Sets a key from SimulatePrincipalPolicy's `ContextEntry`: its declared type and its
    /// values as text. A single-valued type takes the first value.
    pub fn set_entry(
        &mut self,
        key: &str,
        kind: ContextKeyType,
        values: &[&str],
    ) -> Result<&mut Self, InvalidContextValue> {
        let mut read = Vec::with_capacity(values.len());
        for text in values {
            let value = kind.read(text).ok_or_else(|| InvalidContextValue {
                key: key.to_owned(),
                value: (*text).to_owned(),
                kind: kind.as_str(),
            })?;
            read.push(value);
        }
        let values = if kind.is_list() {
            Values::List(read)
        } else {
            read.into_iter().next().map_or(Values::Absent, Values::One)
        };
        Ok(self.put(key, values))
    }

    /// Where the key (in lowercase) is, or would be.
    fn find(&self, lowercase_key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| (*e.key).cmp(lowercase_key))
    }

    fn put(&mut self, key: &str, values: Values) -> &mut Self {
        self.put_owned(key.to_owned(), values)
    }

    fn put_owned(&mut self, key: String, values: Values) -> &mut Self {
        let entry = Entry {
            key: lowercase(key),
            values,
        };
        match self.find(&entry.key) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
        self
    }

    /// The values of a key (`None`: not set, or set absent).
    pub fn get(&self, key: &str) -> Option<&[ContextValue]> {
        match self.lookup(&key.to_lowercase()) {
            Lookup::Present(values) => Some(values),
            Lookup::Absent | Lookup::Unknown => None,
        }
    }

    /// The keys set (absent ones too), in lowercase, sorted.
    pub fn keys(&self) -> Vec<&str> {
        self.entries.iter().map(|e| &*e.key).collect()
    }

    /// What the context says of a key given in lowercase.
    pub(crate) fn lookup(&self, lowercase_key: &str) -> Lookup<'_> {
        match self.find(lowercase_key) {
            Ok(i) => match self.entries[i].values.as_slice() {
                [] => Lookup::Absent,
                values => Lookup::Present(values),
            },
            Err(_) if self.open => Lookup::Unknown,
            Err(_) => Lookup::Absent,
        }
    }

    /// The value of a policy variable `${key}` (key in lowercase): the key's one value.
    /// A multivalued key has no value as a variable.
    pub(crate) fn variable(&self, lowercase_key: &str) -> Lookup<'_> {
        match self.find(lowercase_key) {
            Ok(i) => match &self.entries[i].values {
                Values::One(v) => Lookup::Present(std::slice::from_ref(v)),
                Values::Absent | Values::List(_) => Lookup::Absent,
            },
            Err(_) => self.lookup(lowercase_key),
        }
    }

    // The keys the service fills, by name (see `keys`).

    /// `aws:CurrentTime` and `aws:EpochTime`.
    pub fn current_time(&mut self, now: Time) -> &mut Self {
        let seconds = i64::try_from(now.unix_seconds()).unwrap_or(i64::MAX);
        self.set(keys::CURRENT_TIME, ContextValue::date(now));
        self.set(keys::EPOCH_TIME, ContextValue::integer(seconds))
    }

    /// `aws:SourceIp`.
    pub fn source_ip(&mut self, address: IpAddr) -> &mut Self {
        self.set(keys::SOURCE_IP, ContextValue::ip(address))
    }

    /// `aws:SecureTransport`.
    pub fn secure_transport(&mut self, tls: bool) -> &mut Self {
        self.set(keys::SECURE_TRANSPORT, ContextValue::boolean(tls))
    }

    /// `aws:UserAgent`.
    pub fn user_agent(&mut self, agent: &str) -> &mut Self {
        self.set(keys::USER_AGENT, ContextValue::string(agent))
    }

    /// `aws:RequestedRegion`.
    pub fn requested_region(&mut self, region: &str) -> &mut Self {
        self.set(keys::REQUESTED_REGION, ContextValue::string(region))
    }

    /// `aws:ViaAWSService`.
    pub fn via_aws_service(&mut self, via: bool) -> &mut Self {
        self.set(keys::VIA_AWS_SERVICE, ContextValue::boolean(via))
    }

    /// `aws:MultiFactorAuthPresent`, and `aws:MultiFactorAuthAge` when authenticated with
    /// MFA that many seconds ago. Leave both unset for long-term access keys (AWS omits
    /// them there).
    pub fn multi_factor_auth(&mut self, age_seconds: Option<i64>) -> &mut Self {
        self.set(
            keys::MULTI_FACTOR_AUTH_PRESENT,
            ContextValue::boolean(age_seconds.is_some()),
        );
        match age_seconds {
            Some(age) => self.set(keys::MULTI_FACTOR_AUTH_AGE, ContextValue::integer(age)),
            None => self.set_absent(keys::MULTI_FACTOR_AUTH_AGE),
        }
    }

    /// The principal keys of an IAM user: `aws:username`, `aws:userid` (`AIDA…`),
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType` (`User`).
    pub fn principal_user(&mut self, account: &str, arn: &str, name: &str, id: &str) -> &mut Self {
        self.set(keys::USERNAME, ContextValue::string(name));
        self.set(keys::USERID, ContextValue::string(id));
        self.principal(account, arn, "User")
    }

    /// The principal keys of the account's root user (`aws:userid` is the account id,
    /// `aws:PrincipalType` is `Account`; no `aws:username`).
    pub fn principal_root(&mut self, account: &str) -> &mut Self {
        self.set_absent(keys::USERNAME);
        self.set(keys::USERID, ContextValue::string(account));
        let arn = format!("arn:aws:iam::{account}:root");
        self.principal(account, &arn, "Account")
    }

    /// The principal keys of a role session: `aws:userid` is `<role id>:<session name>`,
    /// `aws:PrincipalArn` the role's ARN, `aws:PrincipalType` `AssumedRole`; no
    /// `aws:username`.
    pub fn principal_role_session(
        &mut self,
        account: &str,
        role_arn: &str,
        role_id: &str,
        session_name: &str,
    ) -> &mut Self {
        self.set_absent(keys::USERNAME);
        self.set(
            keys::USERID,
            ContextValue::string(&format!("{role_id}:{session_name}")),
        );
        self.principal(account, role_arn, "AssumedRole")
    }

    fn principal(&mut self, account: &str, arn: &str, kind: &str) -> &mut Self {
        self.set(keys::PRINCIPAL_ARN, ContextValue::string(arn));
        self.set(keys::PRINCIPAL_ACCOUNT, ContextValue::string(account));
        self.set(keys::PRINCIPAL_TYPE, ContextValue::string(kind))
    }

    /// `aws:PrincipalTag/<key>`.
    pub fn principal_tag(&mut self, key: &str, value: &str) -> &mut Self {
        let name = format!("{}{key}", keys::PRINCIPAL_TAG_PREFIX);
        self.put_owned(name, Values::One(ContextValue::string(value)))
    }

    /// `aws:TokenIssueTime` (temporary credentials only).
    pub fn token_issue_time(&mut self, issued: Time) -> &mut Self {
        self.set(keys::TOKEN_ISSUE_TIME, ContextValue::date(issued))
    }

    /// A tag of the IAM resource acted on: `aws:ResourceTag/<key>` and
    /// `iam:ResourceTag/<key>`.
    pub fn resource_tag(&mut self, key: &str, value: &str) -> &mut Self {
        let aws = format!("{}{key}", keys::RESOURCE_TAG_PREFIX);
        let iam = format!("{}{key}", keys::IAM_RESOURCE_TAG_PREFIX);
        self.put_owned(aws, Values::One(ContextValue::string(value)));
        self.put_owned(iam, Values::One(ContextValue::string(value)))
    }

    /// A tag the request sets: `aws:RequestTag/<key>`, and its key in `aws:TagKeys`.
    pub fn request_tag(&mut self, key: &str, value: &str) -> &mut Self {
        let name = format!("{}{key}", keys::REQUEST_TAG_PREFIX);
        self.put_owned(name, Values::One(ContextValue::string(value)));
        self.push(keys::TAG_KEYS, ContextValue::string(key))
    }

    /// `iam:PermissionsBoundary`.
    pub fn permissions_boundary(&mut self, policy_arn: &str) -> &mut Self {
        self.set(keys::PERMISSIONS_BOUNDARY, ContextValue::string(policy_arn))
    }

    /// `iam:PolicyARN`.
    pub fn policy_arn(&mut self, policy_arn: &str) -> &mut Self {
        self.set(keys::POLICY_ARN, ContextValue::string(policy_arn))
    }

    /// `sts:ExternalId`.
    pub fn external_id(&mut self, id: &str) -> &mut Self {
        self.set(keys::EXTERNAL_ID, ContextValue::string(id))
    }

    /// `sts:RoleSessionName`.
    pub fn role_session_name(&mut self, name: &str) -> &mut Self {
        self.set(keys::ROLE_SESSION_NAME, ContextValue::string(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_values_keep_their_types() {
        let mut ctx = RequestContext::new();
        ctx.set("AWS:SourceIP", ContextValue::string("203.0.113.9"))
            .current_time(Time::from_unix_seconds(1_585_699_200))
            .request_tag("team", "blue")
            .request_tag("cost", "1");
        let ip = ctx.get("aws:sourceip").and_then(|v| v[0].as_ip());
        assert_eq!(ip, "203.0.113.9".parse().ok());
        let now = ctx.get(keys::CURRENT_TIME).map(|v| v[0].text().to_owned());
        assert_eq!(now.as_deref(), Some("2020-04-01T00:00:00Z"));
        let epoch = ctx.get(keys::EPOCH_TIME).map(|v| v[0].clone());
        assert_eq!(
            epoch.as_ref().and_then(ContextValue::as_number),
            Some(1_585_699_200.0)
        );
        assert_eq!(
            epoch.as_ref().and_then(ContextValue::as_date),
            Some(Time::from_unix_seconds(1_585_699_200))
        );
        let tag_keys: Vec<&str> = ctx
            .get(keys::TAG_KEYS)
            .map(|v| v.iter().map(ContextValue::text).collect())
            .unwrap_or_default();
        assert_eq!(tag_keys, ["team", "cost"]);
        assert!(matches!(ctx.variable("aws:tagkeys"), Lookup::Absent));
        assert!(matches!(
            ctx.variable("aws:requesttag/team"),
            Lookup::Present(_)
        ));
        assert!(matches!(ctx.lookup("aws:username"), Lookup::Absent));
        assert_eq!(ctx.keys().len(), 6);
    }

    #[test]
    fn open_contexts_know_only_what_was_said() {
        let mut ctx = RequestContext::open();
        ctx.set_absent(keys::TOKEN_ISSUE_TIME)
            .set_list(keys::TAG_KEYS, []);
        assert!(matches!(ctx.lookup("aws:tokenissuetime"), Lookup::Absent));
        assert!(matches!(ctx.lookup("aws:tagkeys"), Lookup::Absent));
        assert!(matches!(ctx.lookup("aws:username"), Lookup::Unknown));
        assert!(ctx.is_open() && !RequestContext::new().is_open());
    }

    #[test]
    fn simulator_entries_are_read_as_their_type() {
        let mut ctx = RequestContext::new();
        let cases: &[(ContextKeyType, &[&str], bool)] = &[
            (ContextKeyType::String, &["x"], true),
            (ContextKeyType::Numeric, &["10"], true),
            (ContextKeyType::Numeric, &["ten"], false),
            (ContextKeyType::Numeric, &["NaN"], false),
            (ContextKeyType::Boolean, &["True"], true),
            (ContextKeyType::Boolean, &["yes"], false),
            (ContextKeyType::Ip, &["2001:db8::1"], true),
            (ContextKeyType::Ip, &["2001:db8::/32"], false),
            (ContextKeyType::Date, &["2020-01-01T00:00:00Z"], true),
            (ContextKeyType::Date, &["yesterday"], false),
            (ContextKeyType::Binary, &["QmluYXJ5"], true),
            (ContextKeyType::Binary, &["%%"], false),
            (ContextKeyType::StringList, &["a", "b"], true),
            (ContextKeyType::DateList, &["2020", "x"], false),
        ];
        for (kind, values, ok) in cases {
            assert_eq!(
                ctx.set_entry("k", *kind, values).is_ok(),
                *ok,
                "{kind:?} {values:?}"
            );
            assert_eq!(ContextKeyType::parse(kind.as_str()), Some(*kind));
        }
        let err = ctx
            .set_entry("aws:MultiFactorAuthAge", ContextKeyType::Numeric, &["x"])
            .err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("The value x of context key aws:MultiFactorAuthAge is not a valid numeric.")
        );
    }
}
