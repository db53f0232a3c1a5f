//! The AWS JSON 1.1 protocol, as AWS Organizations speaks it: `POST /` with
//! `X-Amz-Target: AWSOrganizationsV20161128.<Operation>` and a JSON object for a body; the
//! answer is a JSON object, an error a JSON object naming its shape in `__type`, with its
//! `Message` (and InvalidInputException's `Reason`), sent with its status.
//!
//! The errors every request can meet before its operation (authentication, throttling,
//! our own faults) are made in the Query protocol's words by the shared path; [`JsonError`]
//! renames them as JSON services name them, in one table.

use serde_json::{Map, Value};

use crate::error::AwsError;

/// The content type of requests and answers.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// An `X-Amz-Target`: the service's prefix and the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// `AWSOrganizationsV20161128`.
    pub prefix: &'a str,
    /// `ListAccounts`.
    pub operation: &'a str,
}

impl<'a> Target<'a> {
    /// Splits `prefix.Operation` at its last dot.
    pub fn parse(header: &'a str) -> Option<Target<'a>> {
        let (prefix, operation) = header.rsplit_once('.')?;
        (!prefix.is_empty() && !operation.is_empty()).then_some(Target { prefix, operation })
    }
}

/// Why Organizations refuses an input (InvalidInputException's `Reason`), with the
/// service model's words for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// A required member is missing.
    InputRequired,
    /// A value does not match its pattern.
    Pattern,
    /// A `NextToken` this service did not give.
    NextToken,
    /// A number above its maximum.
    MaxValue,
    /// A number below its minimum.
    MinValue,
}

impl Invalid {
    const ALL: [Invalid; 5] = [
        Invalid::InputRequired,
        Invalid::Pattern,
        Invalid::NextToken,
        Invalid::MaxValue,
        Invalid::MinValue,
    ];

    /// The `Reason` (`InvalidInputExceptionReason`).
    pub const fn reason(self) -> &'static str {
        match self {
            Invalid::InputRequired => "INPUT_REQUIRED",
            Invalid::Pattern => "INVALID_PATTERN",
            Invalid::NextToken => "INVALID_NEXT_TOKEN",
            Invalid::MaxValue => "MAX_VALUE_EXCEEDED",
            Invalid::MinValue => "MIN_VALUE_EXCEEDED",
        }
    }

    /// The message the service model gives for the reason.
    pub const fn message(self) -> &'static str {
        match self {
            Invalid::InputRequired => "You must include a value for all required parameters.",
            Invalid::Pattern => "You provided a value that doesn't match the required pattern.",
            Invalid::NextToken => {
                "Get the value for the NextToken parameter from the response to a previous call of the operation."
            }
            Invalid::MaxValue => {
                "You provided a numeric parameter that has a larger value than allowed."
            }
            Invalid::MinValue => {
                "You provided a numeric parameter that has a smaller value than allowed."
            }
        }
    }
}

/// An error as a JSON protocol service sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The error shape's name (`__type`).
    pub code: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The message.
    pub message: String,
    /// InvalidInputException's `Reason`.
    pub reason: Option<&'static str>,
}

impl JsonError {
    /// An error with a message.
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> JsonError {
        JsonError {
            code,
            status,
            message: message.into(),
            reason: None,
        }
    }

    /// 400 InvalidInputException with its reason.
    pub fn invalid(why: Invalid) -> JsonError {
        JsonError {
            reason: Some(why.reason()),
            ..JsonError::new("InvalidInputException", 400, why.message())
        }
    }

    /// 400 SerializationException: a body that is not a JSON object of the operation's
    /// members, or a member of the wrong type.
    pub fn serialization(message: impl Into<String>) -> JsonError {
        JsonError::new("SerializationException", 400, message)
    }

    /// The same error in the shared path's type, for an argument validated after
    /// authorization ([`crate::ops::Later`]); [`JsonError::from`] gives it back whole
    /// (InvalidInputException's reason is known by its message).
    pub fn into_aws(self) -> AwsError {
        AwsError::new(self.code, self.status, self.message)
    }

    /// The body: `{"__type": …, "Message": …}` (and `Reason`).
    pub fn body(&self) -> String {
        let mut object = Map::new();
        object.insert("__type".into(), Value::from(self.code));
        object.insert("Message".into(), Value::from(self.message.as_str()));
        if let Some(reason) = self.reason {
            object.insert("Reason".into(), Value::from(reason));
        }
        Value::Object(object).to_string()
    }
}

impl From<AwsError> for JsonError {
    /// The Query protocol's codes of what any request can meet, as JSON services name
    /// them (every client fault 400, as Organizations documents its errors).
    fn from(e: AwsError) -> JsonError {
        let message = e.message.unwrap_or_default();
        let (code, status) = match e.code {
            "InvalidClientTokenId" => ("UnrecognizedClientException", 400),
            "SignatureDoesNotMatch" => ("InvalidSignatureException", 400),
            "IncompleteSignature" => ("IncompleteSignatureException", 400),
            "MissingAuthenticationToken" => ("MissingAuthenticationTokenException", 400),
            "ExpiredToken" => ("ExpiredTokenException", 400),
            "Throttling" => ("TooManyRequestsException", 400),
            "AccessDenied" => ("AccessDeniedException", 400),
            "ServiceFailure" => ("ServiceException", 500),
            code => (code, e.status),
        };
        let reason = (code == "InvalidInputException")
            .then(|| Invalid::ALL.into_iter().find(|i| i.message() == message))
            .flatten()
            .map(Invalid::reason);
        JsonError {
            reason,
            ..JsonError::new(code, status, message)
        }
    }
}

/// A request's members: a JSON object (an empty body counts as `{}`, as clients send no
/// body for an operation without input).
#[derive(Debug)]
pub struct Input(Map<String, Value>);

impl Input {
    /// Reads the body.
    pub fn parse(body: &[u8]) -> Result<Input, JsonError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(members)) => Ok(Input(members)),
            Ok(_) => Err(JsonError::serialization(
                "The request body must be a JSON object.",
            )),
            Err(e) => Err(JsonError::serialization(format!(
                "The request body is not JSON: {} at line {} column {}.",
                match e.classify() {
                    serde_json::error::Category::Eof => "it ends early",
                    _ => "a syntax error",
                },
                e.line(),
                e.column()
            ))),
        }
    }

    /// A string member, if present (`null` counts as absent).
    pub fn string(&self, name: &str) -> Result<Option<&str>, JsonError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(JsonError::serialization(format!(
                "{name} must be a string."
            ))),
        }
    }

    /// An integer member, if present (`null` counts as absent).
    pub fn integer(&self, name: &str) -> Result<Option<i64>, JsonError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| JsonError::serialization(format!("{name} must be an integer."))),
            Some(_) => Err(JsonError::serialization(format!(
                "{name} must be an integer."
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_at_the_last_dot() {
        assert_eq!(
            Target::parse("AWSOrganizationsV20161128.ListAccounts"),
            Some(Target {
                prefix: "AWSOrganizationsV20161128",
                operation: "ListAccounts"
            })
        );
        assert_eq!(Target::parse("ListAccounts"), None);
        assert_eq!(Target::parse("AWSOrganizationsV20161128."), None);
        assert_eq!(Target::parse(".ListAccounts"), None);
    }

    /// Each body: whether it is read, and the error's message when it is not.
    #[test]
    fn bodies_are_json_objects_and_members_have_their_types() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"", None),
            (b"  \n", None),
            (b"{}", None),
            (br#"{"MaxResults": 5, "NextToken": null}"#, None),
            (b"[]", Some("The request body must be a JSON object.")),
            (
                b"{\"MaxResults\": ",
                Some("The request body is not JSON: it ends early at line 1 column 15."),
            ),
            (
                b"{MaxResults}",
                Some("The request body is not JSON: a syntax error at line 1 column 2."),
            ),
        ];
        for (body, want) in cases {
            let got = Input::parse(body).err().map(|e| e.message);
            assert_eq!(got.as_deref(), *want, "{:?}", String::from_utf8_lossy(body));
        }
        let input = Input::parse(br#"{"MaxResults": "5", "NextToken": 7, "N": 1.5}"#).unwrap();
        assert_eq!(
            input.integer("MaxResults").unwrap_err().code,
            "SerializationException"
        );
        assert!(input.string("NextToken").is_err());
        assert!(input.integer("N").is_err());
        assert_eq!(input.string("Absent").unwrap(), None);
    }

    #[test]
    fn query_errors_are_renamed_as_json_services_name_them() {
        let cases = [
            (
                AwsError::invalid_client_token(),
                "UnrecognizedClientException",
                400,
            ),
            (
                AwsError::access_denied("User: x is not authorized"),
                "AccessDeniedException",
                400,
            ),
            (AwsError::service_failure(), "ServiceException", 500),
            (
                AwsError::new("Throttling", 400, "Rate exceeded"),
                "TooManyRequestsException",
                400,
            ),
            (
                AwsError::new("AWSOrganizationsNotInUseException", 400, "x"),
                "AWSOrganizationsNotInUseException",
                400,
            ),
        ];
        for (error, code, status) in cases {
            let message = error.message.clone().unwrap_or_default();
            let json = JsonError::from(error);
            assert_eq!((json.code, json.status), (code, status));
            assert_eq!(json.message, message);
        }
        for why in Invalid::ALL {
            let error = JsonError::invalid(why);
            assert_eq!(JsonError::from(error.clone().into_aws()), error, "{why:?}");
        }
        let body: Value =
            serde_json::from_str(&JsonError::invalid(Invalid::NextToken).body()).unwrap();
        assert_eq!(body["__type"], "InvalidInputException");
        assert_eq!(body["Reason"], "INVALID_NEXT_TOKEN");
    }
}
