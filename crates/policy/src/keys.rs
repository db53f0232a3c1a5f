//! The names of the context keys the service fills (AWS's "global condition context keys"
//! and IAM's and STS's own), one place for their spelling. Key names are compared ignoring
//! case; these are AWS's spellings.

/// The time of the request (date).
pub const CURRENT_TIME: &str = "aws:CurrentTime";
/// The time of the request in epoch seconds (date or number).
pub const EPOCH_TIME: &str = "aws:EpochTime";
/// The address the request came from (IP).
pub const SOURCE_IP: &str = "aws:SourceIp";
/// Whether the request came over TLS (boolean).
pub const SECURE_TRANSPORT: &str = "aws:SecureTransport";
/// The requester's client application (string).
pub const USER_AGENT: &str = "aws:UserAgent";
/// The region the request was made to (string).
pub const REQUESTED_REGION: &str = "aws:RequestedRegion";
/// Whether the request's credentials were authenticated with MFA (boolean; absent for
/// long-term access keys).
pub const MULTI_FACTOR_AUTH_PRESENT: &str = "aws:MultiFactorAuthPresent";
/// Seconds since the MFA authentication (number; absent without MFA).
pub const MULTI_FACTOR_AUTH_AGE: &str = "aws:MultiFactorAuthAge";
/// Whether an AWS service made the request with the principal's credentials (boolean).
pub const VIA_AWS_SERVICE: &str = "aws:ViaAWSService";
/// The IAM user's friendly name (string; absent for the root user and role sessions).
pub const USERNAME: &str = "aws:username";
/// The principal's unique id: `AIDA…` for a user, the account id for the root user,
/// `AROA…:session` for a role session (string).
pub const USERID: &str = "aws:userid";
/// The principal's ARN; for a role session, the role's ARN (ARN).
pub const PRINCIPAL_ARN: &str = "aws:PrincipalArn";
/// The principal's account (string).
pub const PRINCIPAL_ACCOUNT: &str = "aws:PrincipalAccount";
/// `User`, `Account` (the root user) or `AssumedRole` (string).
pub const PRINCIPAL_TYPE: &str = "aws:PrincipalType";
/// `aws:PrincipalTag/<key>`: the principal's tags (string).
pub const PRINCIPAL_TAG_PREFIX: &str = "aws:PrincipalTag/";
/// When the request's temporary credentials were issued (date; absent for long-term keys).
pub const TOKEN_ISSUE_TIME: &str = "aws:TokenIssueTime";
/// `aws:ResourceTag/<key>`: the tags of the resource acted on (string).
pub const RESOURCE_TAG_PREFIX: &str = "aws:ResourceTag/";
/// `iam:ResourceTag/<key>`: the tags of the IAM resource acted on (string).
pub const IAM_RESOURCE_TAG_PREFIX: &str = "iam:ResourceTag/";
/// `aws:RequestTag/<key>`: the tags the request sets (string).
pub const REQUEST_TAG_PREFIX: &str = "aws:RequestTag/";
/// The keys of the tags the request sets (multivalued string).
pub const TAG_KEYS: &str = "aws:TagKeys";
/// The permissions boundary a request sets or names (ARN).
pub const PERMISSIONS_BOUNDARY: &str = "iam:PermissionsBoundary";
/// The managed policy a request attaches or detaches (ARN).
pub const POLICY_ARN: &str = "iam:PolicyARN";
/// The external id an AssumeRole request passes (string).
pub const EXTERNAL_ID: &str = "sts:ExternalId";
/// The session name an AssumeRole request asks for (string).
pub const ROLE_SESSION_NAME: &str = "sts:RoleSessionName";
