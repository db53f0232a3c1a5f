//! Verification: scope, time, signed headers, then the signature itself.

use std::fmt;

use credreport_iam::secret::Secret;
use credreport_report::Timestamp;
use subtle::ConstantTimeEq;

use super::auth::{Auth, AuthForm};
use super::canonical::{
    canonical_request_with, signature, signing_key, string_to_sign, PresignedToken,
};
use super::date::basic;
use super::error::{excerpt, SigV4Error};
use super::request::SignedRequest;

/// What `verify` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// How far the request date may be from now, either way (IAM: 900 s).
    pub skew_secs: i64,
    /// The scope services accepted; the first is named in the error message.
    pub services: &'static [&'static str],
    /// Strict mode: the one scope region accepted. `None` accepts the region in the
    /// scope, as clients with a custom endpoint sign with their configured region.
    pub pinned_region: Option<String>,
}

impl VerifyOptions {
    /// IAM's rules: 15 minutes of skew, services `iam` and `sts`, any region.
    pub fn standard() -> VerifyOptions {
        VerifyOptions {
            skew_secs: 900,
            services: &["iam", "sts"],
            pinned_region: None,
        }
    }
}

impl Default for VerifyOptions {
    fn default() -> VerifyOptions {
        VerifyOptions::standard()
    }
}

/// A request whose signature was checked. Only [`verify`] makes one.
#[derive(Clone)]
pub struct Verified {
    access_key_id: String,
    region: String,
    service: String,
    request_time: Timestamp,
    form: AuthForm,
    session_token: Option<String>,
}

impl Verified {
    /// The access key that signed the request.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The scope region (recorded as the key's last-used region).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The scope service (`iam` or `sts`).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The request date the signature covers.
    pub fn request_time(&self) -> Timestamp {
        self.request_time
    }

    /// Header or presigned.
    pub fn form(&self) -> AuthForm {
        self.form
    }

    /// The session token sent with the request, for the caller to check against the key.
    /// It may not have been signed (see [`PresignedToken`]); it is bound to the key by the
    /// caller's check, not by the signature.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("request_time", &self.request_time)
            .field("form", &self.form)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Verifies `auth` (from [`super::parse_auth`] of `req`) with the secret of
/// `auth.access_key_id`, at `now`. The checks, in order:
///
/// 1. the scope date is the request date's day;
/// 2. the scope service is one of `opts.services`;
/// 3. the scope region is the pinned one, or (unpinned) looks like a region;
/// 4. the request date is within `opts.skew_secs` of `now` (presigned: not more than the
///    skew in the future, and not past `X-Amz-Expires`);
/// 5. the signed headers include `host` and, in the header form, `x-amz-date` or `date`;
/// 6. the signature matches, compared in constant time.
///
/// Looking up the key (unknown or inactive: `InvalidClientTokenId`) and checking the
/// session token are the caller's.
pub fn verify(
    req: &SignedRequest<'_>,
    auth: &Auth,
    secret: &Secret,
    now: Timestamp,
    opts: &VerifyOptions,
) -> Result<Verified, SigV4Error> {
    check_scope(auth, opts)?;
    check_time(auth, now, opts.skew_secs)?;
    check_signed_headers(auth)?;

    let key = signing_key(
        secret.expose(),
        &auth.scope.date,
        &auth.scope.region,
        &auth.scope.service,
    );
    let mut ok = signature_matches(req, auth, &key, PresignedToken::Signed)?;
    if !ok && auth.form == AuthForm::Presigned && auth.session_token.is_some() {
        ok = signature_matches(req, auth, &key, PresignedToken::AddedAfterSigning)?;
    }
    if !ok {
        return Err(SigV4Error::mismatch());
    }
    Ok(Verified {
        access_key_id: auth.access_key_id.clone(),
        region: auth.scope.region.clone(),
        service: auth.scope.service.clone(),
        request_time: auth.request_time,
        form: auth.form,
        session_token: auth.session_token.clone(),
    })
}

fn signature_matches(
    req: &SignedRequest<'_>,
    auth: &Auth,
    key: &[u8; 32],
    token: PresignedToken,
) -> Result<bool, SigV4Error> {
    let canonical = canonical_request_with(req, auth, token)?;
    let expected = signature(key, &string_to_sign(auth, &canonical));
    Ok(bool::from(
        expected.as_slice().ct_eq(auth.signature().as_slice()),
    ))
}

fn check_scope(auth: &Auth, opts: &VerifyOptions) -> Result<(), SigV4Error> {
    let scope = &auth.scope;
    // `amz_date` is always basic format here (parsed, or converted from `Date`).
    let day = auth.amz_date.get(..8).unwrap_or(&auth.amz_date);
    if scope.date != day {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{day}', from '{}'.",
            excerpt(&scope.date),
            auth.amz_date
        )));
    }
    if !opts.services.contains(&scope.service.as_str()) {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped to correct service: '{}'. ",
            opts.services.first().copied().unwrap_or_default()
        )));
    }
    let region_ok = match &opts.pinned_region {
        Some(pinned) => scope.region == *pinned,
        // The region ends up in the store and the credential report: only region-like
        // names (`us-east-1`, `us-gov-west-1`) are taken.
        None => {
            (1..=32).contains(&scope.region.len())
                && scope
                    .region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
    };
    if !region_ok {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            excerpt(&scope.region)
        )));
    }
    Ok(())
}

fn check_time(auth: &Auth, now: Timestamp, skew_secs: i64) -> Result<(), SigV4Error> {
    let age = now.secs_since(auth.request_time);
    let shifted = |secs: i64| {
        basic(now.checked_add_secs(secs).unwrap_or(if secs < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        }))
    };
    if -age > skew_secs {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Signature not yet current: {} is still later than {} ({} + {})",
            auth.amz_date,
            shifted(skew_secs),
            basic(now),
            span(skew_secs)
        )));
    }
    let limit = auth.expires.unwrap_or(skew_secs);
    if age > limit {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Signature expired: {} is now earlier than {} ({} - {})",
            auth.amz_date,
            shifted(-limit),
            basic(now),
            span(limit)
        )));
    }
    Ok(())
}

/// `15 min.`, or `301 sec.` when not whole minutes.
fn span(secs: i64) -> String {
    if secs % 60 == 0 {
        format!("{} min.", secs / 60)
    } else {
        format!("{secs} sec.")
    }
}

fn check_signed_headers(auth: &Auth) -> Result<(), SigV4Error> {
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    if !signed("host") {
        return Err(SigV4Error::IncompleteSignature(
            "The signed headers must include 'host'.".to_owned(),
        ));
    }
    if auth.form == AuthForm::Header && !signed("x-amz-date") && !signed("date") {
        return Err(SigV4Error::IncompleteSignature(
            "The signed headers must include 'x-amz-date' or 'date'.".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(span(900), "15 min.");
        assert_eq!(span(300), "5 min.");
        assert_eq!(span(301), "301 sec.");
        assert_eq!(span(1), "1 sec.");
    }

    #[test]
    fn standard_options() {
        let o = VerifyOptions::standard();
        assert_eq!(o.skew_secs, 900);
        assert_eq!(o.services, ["iam", "sts"]);
        assert_eq!(o.pinned_region, None);
        assert_eq!(VerifyOptions::default(), o);
    }
}
