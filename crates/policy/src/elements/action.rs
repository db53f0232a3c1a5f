//! The `Action` and `NotAction` elements: `*` or `vendor:Name` patterns, matched ignoring
//! case with `*` and `?` wildcards.

use crate::error::{messages, MalformedPolicy};
use crate::glob::Glob;

use std::collections::HashMap;

/// `Action` (`negated == false`) or `NotAction`, compiled in lowercase.
#[derive(Clone, Debug)]
pub(crate) struct Actions {
    negated: bool,
    patterns: Box<[Glob]>,
    /// For long lists (AWS's ReadOnlyAccess has 1,483 patterns in one statement): the
    /// patterns by the service they name, so a request tries only its service's.
    index: Option<Box<ServiceIndex>>,
}

/// Pattern positions by the namespace they name literally; the rest (a wildcard in the
/// namespace, or `*`) are tried for every action.
#[derive(Clone, Debug, Default)]
struct ServiceIndex {
    by_service: HashMap<Box<str>, Vec<u32>>,
    anywhere: Vec<u32>,
}

/// Lists longer than this are indexed by service.
const INDEX_FROM: usize = 16;

impl Actions {
    pub(crate) fn new(negated: bool, patterns: &[String]) -> Actions {
        let patterns: Box<[Glob]> = patterns
            .iter()
            .map(|p| Glob::new(&p.to_ascii_lowercase()))
            .collect();
        let index = (patterns.len() > INDEX_FROM).then(|| {
            let mut index = ServiceIndex::default();
            for (i, glob) in patterns.iter().enumerate() {
                // At most a few thousand patterns: far below 2^32.
                #[allow(clippy::cast_possible_truncation)]
                let i = i as u32;
                match glob.text().split_once(':') {
                    Some((service, _)) if !service.contains(['*', '?']) => {
                        index.by_service.entry(service.into()).or_default().push(i)
                    }
                    _ => index.anywhere.push(i),
                }
            }
            Box::new(index)
        });
        Actions {
            negated,
            patterns,
            index,
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
        let any = match &self.index {
            None => self.patterns.iter().any(|p| p.matches(lowercase_action)),
            Some(index) => {
                let service = lowercase_action
                    .split_once(':')
                    .map_or(lowercase_action, |(s, _)| s);
                let own = index.by_service.get(service).map_or(&[][..], Vec::as_slice);
                own.iter()
                    .chain(&index.anywhere)
                    .any(|&i| self.patterns[i as usize].matches(lowercase_action))
            }
        };
        any != self.negated
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The service index finds exactly what trying every pattern finds.
        #[test]
        fn the_index_agrees_with_every_pattern(
            patterns in proptest::collection::vec("(s3|ec2|s3x|\\*|e\\?2|s\\*)(:(get|put|\\*|g\\?t)\\*?)?", 17..40),
            action in "(s3|ec2|s3x|iam):(get|put|list)(object|x)?",
            negated in any::<bool>(),
        ) {
            let actions = Actions::new(negated, &patterns);
            prop_assert!(actions.index.is_some());
            let naive = patterns
                .iter()
                .any(|p| Glob::new(&p.to_ascii_lowercase()).matches(&action));
            prop_assert_eq!(actions.matches(&action), naive != negated);
        }
    }
}
