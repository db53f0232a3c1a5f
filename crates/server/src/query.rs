//! The Query protocol's input side: form parameters from the body and the URL, flattened
//! lists (`Name.member.N`), and typed getters that answer IAM's validation errors.

use std::collections::HashMap;

use crate::error::AwsError;

/// The request's parameters (body and query string; the body wins on a clash).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text (`+` is a space) from the URL's query
    /// and the body.
    pub fn parse(query: &str, body: &[u8]) -> Params {
        let mut map = HashMap::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(body)) {
            map.insert(k.into_owned(), v.into_owned());
        }
        Params(map)
    }

    /// The raw value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A required string; `member` is the lowerCamel name IAM uses in messages.
    pub fn required(&self, name: &str, member: &str) -> Result<&str, AwsError> {
        self.get(name).ok_or_else(|| missing(member))
    }

    /// An optional string (empty counts as absent only where noted by the caller).
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.get(name)
    }

    /// An optional boolean: `true`/`false` (any case).
    pub fn bool(&self, name: &str, member: &str) -> Result<Option<bool>, AwsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(AwsError::validation(format!(
                "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must be a boolean"
            ))),
        }
    }

    /// An optional integer.
    pub fn int(&self, name: &str, member: &str) -> Result<Option<i64>, AwsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                AwsError::validation(format!(
                    "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must be a number"
                ))
            }),
        }
    }

    /// A flattened list, `Name.member.1`, `Name.member.2`, …, in order (stopping at the
    /// first gap, as AWS's Query protocol numbers members from 1 without gaps).
    pub fn members(&self, name: &str) -> Vec<&str> {
        (1..)
            .map_while(|i| self.get(&format!("{name}.member.{i}")))
            .collect()
    }

    /// `Tags.member.N.Key` and `.Value` (a missing value is empty).
    pub fn tags(&self) -> Vec<credreport_iam::model::Tag> {
        let mut tags = Vec::new();
        for i in 1.. {
            let Some(key) = self.get(&format!("Tags.member.{i}.Key")) else {
                break;
            };
            let value = self.get(&format!("Tags.member.{i}.Value")).unwrap_or("");
            tags.push(credreport_iam::model::Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
        tags
    }

    /// `MaxItems`: 1-1000, default 100.
    pub fn max_items(&self) -> Result<usize, AwsError> {
        let n = self.int("MaxItems", "maxItems")?.unwrap_or(100);
        if !(1..=1000).contains(&n) {
            let bound = if n < 1 {
                "greater than or equal to 1"
            } else {
                "less than or equal to 1000"
            };
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value {bound}"
            )));
        }
        Ok(usize::try_from(n).unwrap_or(100))
    }

    /// `Status`: `Active` or `Inactive`.
    pub fn status(&self) -> Result<bool, AwsError> {
        match self.required("Status", "status")? {
            "Active" => Ok(true),
            "Inactive" => Ok(false),
            _ => Err(AwsError::validation(
                "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
            )),
        }
    }
}

fn missing(member: &str) -> AwsError {
    AwsError::validation(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_and_rust_escaping_both_decode() {
        // botocore quote_plus vs the Rust SDK's %20 (wire reference, section 1.2).
        let p = Params::parse(
            "",
            b"Action=CreateUser&Version=2010-05-08&UserName=bob+a&Path=%2Fa%2Fb%2F",
        );
        assert_eq!(p.get("UserName"), Some("bob a"));
        assert_eq!(p.get("Path"), Some("/a/b/"));
        let p = Params::parse("Action=ListUsers", b"UserName=bob%20a");
        assert_eq!(p.get("UserName"), Some("bob a"));
        assert_eq!(p.get("Action"), Some("ListUsers"));
    }

    #[test]
    fn typed_getters_answer_validation_errors() {
        let p = Params::parse("", b"MaxItems=0&Status=Expired&Flag=maybe");
        assert_eq!(p.max_items().unwrap_err().code, "ValidationError");
        assert!(p
            .status()
            .unwrap_err()
            .message
            .unwrap()
            .contains("enum value set"));
        assert!(p.bool("Flag", "flag").is_err());
        assert_eq!(Params::parse("", b"").max_items().unwrap(), 100);
        assert!(p
            .required("UserName", "userName")
            .unwrap_err()
            .message
            .unwrap()
            .ends_with("Member must not be null"));
    }
}
