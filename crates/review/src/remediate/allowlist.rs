//! The allowlist: credentials a plan never acts on, one pattern a line (`#` starts a
//! comment). A pattern matches a user name, an ARN, a resource (`<arn>#access_key_1`) or
//! an access key id; `*` matches any run of characters and `?` one.

use std::path::Path;

use anyhow::Context;
use credreport_audit::Glob;

#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    patterns: Vec<(Glob, String)>,
}

impl Allowlist {
    /// Patterns from text; `name` names the file in `where_` notes (`file:line`).
    pub fn parse(name: &str, text: &str) -> Allowlist {
        let patterns = text
            .lines()
            .enumerate()
            .filter_map(|(i, line)| {
                let pattern = line.split('#').next().unwrap_or("").trim();
                (!pattern.is_empty())
                    .then(|| (Glob::new(pattern), format!("{name}:{}: {pattern}", i + 1)))
            })
            .collect();
        Allowlist { patterns }
    }

    /// Reads an allowlist file.
    pub fn read(path: &Path) -> anyhow::Result<Allowlist> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        Ok(Allowlist::parse(&path.display().to_string(), &text))
    }

    /// The first pattern (as `file:line: pattern`) matching any of `names`.
    pub fn matching(&self, names: &[&str]) -> Option<&str> {
        self.patterns
            .iter()
            .find(|(g, _)| names.iter().any(|n| g.matches(n)))
            .map(|(_, w)| w.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Allowlist;

    #[test]
    fn patterns_match_users_arns_resources_and_key_ids() {
        let list = Allowlist::parse(
            "allow.txt",
            "# service accounts\nsvc-*\n\narn:aws:iam::*:user/break-glass  # kept\nAKIAKEEP*\n",
        );
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["svc-backup"], Some("allow.txt:2: svc-*")),
            (
                &["x", "arn:aws:iam::123456789012:user/break-glass"],
                Some("allow.txt:4: arn:aws:iam::*:user/break-glass"),
            ),
            (
                &["bob", "AKIAKEEP0000000001"],
                Some("allow.txt:5: AKIAKEEP*"),
            ),
            (&["bob", "arn:aws:iam::123456789012:user/bob"], None),
        ];
        for (names, want) in cases {
            assert_eq!(list.matching(names), *want, "{names:?}");
        }
    }
}
