//! The `Action` and `NotAction` elements: `*` or `vendor:Name` patterns, matched ignoring
//! case with `*` and `?` wildcards.

use crate::error::{messages, MalformedPolicy};
use crate::glob::Glob;

/// `Action` (`negated == false`) or `NotAction`, compiled in lowercase.
#[derive(Clone, Debug)]
pub(crate) struct Actions {
    negated: bool,
    patterns: Box<[Glob]>,
}

impl Actions {
    pub(crate) fn new(negated: bool, patterns: &[String]) -> Actions {
        Actions {
            negated,
            patterns: patterns
                .iter()
                .map(|p| Glob::new(&p.to_ascii_lowercase()))
                .collect(),
        }
    }

    /// Whether it is `NotAction`.
    pub(crate) fn negated(&self) -> bool {
        self.negated
    }

    /// The patterns, in ASCII lowercase.
    pub(crate) fn patterns(&self) -> &[Glob] {
        &self.patterns
    }

    /// Whether the statement covers the action (given in ASCII lowercase).
    pub(crate) fn matches(&self, lowercase_action: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(lowercase_action)) != self.negated
    }
}

/// `*`, or `vendor:Name` where the vendor is ASCII letters, digits and `-`, and the name
/// is ASCII letters, digits, `-`, `_` and the wildcards `*` and `?`.
pub(crate) fn check_action(action: &str) -> Result<(), MalformedPolicy> {
    if action == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = action.split_once(':') else {
        return Err(MalformedPolicy::new(messages::NO_VENDOR));
    };
    if vendor.is_empty() {
        return Err(MalformedPolicy::new(messages::NO_VENDOR));
    }
    let vendor_ok = vendor
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'*' | b'?'));
    if vendor_ok && name_ok {
        Ok(())
    } else {
        Err(MalformedPolicy::new(messages::SYNTAX))
    }
}
