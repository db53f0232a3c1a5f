//! The AWS Region written into OCSF and ASFF findings.

use std::fmt;

/// An AWS Region name such as `us-east-1` or `us-gov-west-1`: two letters, then words of
/// lowercase letters, then a number, joined by hyphens, at most 16 characters (ASFF's
/// limit for a region).
///
/// IAM is global, so a credential report belongs to no Region; findings need one all the
/// same: ASFF's `ProductArn` names the Region Security Hub imports them in, and OCSF's
/// `cloud.region` says where they were made.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// The default: `us-east-1`, where IAM's global endpoint is.
    pub const DEFAULT: &'static str = "us-east-1";

    /// The region named `name`, if it has the shape of one.
    pub fn parse(name: &str) -> Option<Region> {
        let parts: Vec<&str> = name.split('-').collect();
        let (first, rest) = parts.split_first()?;
        let (last, middle) = rest.split_last()?;
        let letters = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
        let fits = name.len() <= 16
            && first.len() == 2
            && letters(first)
            && !middle.is_empty()
            && middle.iter().all(letters)
            && !last.is_empty()
            && last.bytes().all(|b| b.is_ascii_digit());
        fits.then(|| Region(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Region {
    fn default() -> Region {
        Region(Region::DEFAULT.to_owned())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Region;

    fn check(name: &str, valid: bool) {
        assert_eq!(Region::parse(name).is_some(), valid, "{name:?}");
    }

    #[test]
    fn region_names() {
        for (name, valid) in [
            ("us-east-1", true),
            ("eu-central-2", true),
            ("ap-southeast-5", true),
            ("us-gov-west-1", true),
            ("cn-north-1", true),
            ("us-isob-east-1", true),
            ("", false),
            ("us", false),
            ("us-east", false),
            ("us-1", false),
            ("US-EAST-1", false),
            ("us-east-1a", false),
            ("use-east-1", false),
            ("us--east-1", false),
            ("us-east-1 ", false),
            ("us-east-1/../x", false),
            ("us-averyveryverylong-1", false),
        ] {
            check(name, valid);
        }
        assert_eq!(Region::default().as_str(), "us-east-1");
    }
}
