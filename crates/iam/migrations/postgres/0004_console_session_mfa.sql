-- When a console session's holder gave an MFA code (aws:MultiFactorAuthPresent and
-- aws:MultiFactorAuthAge of its requests); NULL: signed in without one.
ALTER TABLE console_sessions ADD COLUMN mfa_at BIGINT;
