//! AWS errors on the wire. This is the one place where domain errors become AWS error
//! codes and HTTP statuses (`From<credreport_iam::Error>`).

use credreport_iam::Error as IamError;

/// An error as IAM's Query API reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    /// The wire code (`NoSuchEntity`, not the exception shape name).
    pub code: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The message; `None` where IAM sends no Message element (ReportNotPresent).
    pub message: Option<String>,
}

impl AwsError {
    /// An error with a message.
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> AwsError {
        AwsError {
            code,
            status,
            message: Some(message.into()),
        }
    }

    /// `Sender` for the caller's faults, `Receiver` for ours.
    pub fn fault(&self) -> &'static str {
        if self.status >= 500 {
            "Receiver"
        } else {
            "Sender"
        }
    }

    /// 400 ValidationError.
    pub fn validation(message: impl Into<String>) -> AwsError {
        AwsError::new("ValidationError", 400, message)
    }

    /// 403 AccessDenied.
    pub fn access_denied(message: impl Into<String>) -> AwsError {
        AwsError::new("AccessDenied", 403, message)
    }

    /// 500 ServiceFailure with a generic message: internals never reach the caller.
    pub fn service_failure() -> AwsError {
        AwsError::new(
            "ServiceFailure",
            500,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    /// Whether this is [`AwsError::service_failure`], our own fault.
    pub fn is_service_failure(&self) -> bool {
        self.status == 500 && self.code == "ServiceFailure"
    }

    /// 403 InvalidClientTokenId: an unknown, deleted or Inactive access key.
    pub fn invalid_client_token() -> AwsError {
        AwsError::new(
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        )
    }
}

impl From<IamError> for AwsError {
    fn from(e: IamError) -> AwsError {
        let (code, status) = match &e {
            IamError::NoSuchEntity(_) => ("NoSuchEntity", 404),
            IamError::EntityAlreadyExists(_) => ("EntityAlreadyExists", 409),
            IamError::LimitExceeded(_) => ("LimitExceeded", 409),
            IamError::DeleteConflict(_) => ("DeleteConflict", 409),
            IamError::Validation(_) | IamError::ValidationText(_) => ("ValidationError", 400),
            IamError::InvalidClientTokenId(_) => ("InvalidClientTokenId", 403),
            IamError::ExpiredToken(_) => ("ExpiredToken", 400),
            IamError::InvalidInput(_) => ("InvalidInput", 400),
            IamError::PasswordPolicyViolation(_) => ("PasswordPolicyViolation", 400),
            IamError::MalformedPolicyDocument(_) => ("MalformedPolicyDocument", 400),
            IamError::MalformedCertificate(_) => ("MalformedCertificate", 400),
            IamError::InvalidCertificate(_) => ("InvalidCertificate", 400),
            IamError::DuplicateCertificate(_) => ("DuplicateCertificate", 409),
            IamError::UnrecognizedPublicKeyEncoding(_) => ("UnrecognizedPublicKeyEncoding", 400),
            IamError::InvalidPublicKey(_) => ("InvalidPublicKey", 400),
            IamError::DuplicateSshPublicKey(_) => ("DuplicateSSHPublicKey", 400),
            IamError::InvalidAuthenticationCode(_) => ("InvalidAuthenticationCode", 403),
            IamError::InvalidUserType(_) => ("InvalidUserType", 400),
            IamError::AccessDenied(_) => ("AccessDenied", 403),
            IamError::EntityTemporarilyUnmodifiable(_) => ("EntityTemporarilyUnmodifiable", 409),
            IamError::Throttling(_) => ("Throttling", 400),
            // Real IAM sends ReportNotPresent without a Message element.
            IamError::ReportNotPresent => {
                return AwsError {
                    code: "ReportNotPresent",
                    status: 410,
                    message: None,
                }
            }
            IamError::ReportInProgress => ("ReportInProgress", 404),
            IamError::ReportExpired => ("ReportExpired", 410),
            IamError::Internal(detail) => {
                tracing::error!(error = %detail, "internal failure");
                return AwsError::service_failure();
            }
        };
        AwsError::new(code, status, e.to_string())
    }
}
