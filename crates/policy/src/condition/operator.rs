//! Condition operator names, as AWS's "IAM JSON policy elements: Condition operators" page
//! lists them: a base operator, optionally `IfExists` after it and `ForAllValues:` or
//! `ForAnyValue:` before it. Names are case-sensitive.

/// What one policy value and one request value are tested for (the operator without its
/// negation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    /// `ArnEquals` and `ArnLike` behave identically.
    Arn,
    Null,
}

/// How the values of a multivalued key are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetOperator {
    /// No qualifier: some request value matches (for a single value, that value).
    None,
    /// `ForAnyValue:`: some request value satisfies the operator.
    ForAnyValue,
    /// `ForAllValues:`: every request value satisfies the operator (true for none).
    ForAllValues,
}

/// A parsed operator name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Operator {
    pub(crate) test: Test,
    /// `StringNotEquals`, `NotIpAddress`, …: true when no policy value matches.
    pub(crate) negated: bool,
    pub(crate) if_exists: bool,
    pub(crate) set: SetOperator,
}

/// Every base operator: its name, its test, whether it is negated.
const BASES: [(&str, Test, bool); 27] = [
    ("StringEquals", Test::StringEquals, false),
    ("StringNotEquals", Test::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Test::StringLike, false),
    ("StringNotLike", Test::StringLike, true),
    ("NumericEquals", Test::NumericEquals, false),
    ("NumericNotEquals", Test::NumericEquals, true),
    ("NumericLessThan", Test::NumericLessThan, false),
    ("NumericLessThanEquals", Test::NumericLessThanEquals, false),
    ("NumericGreaterThan", Test::NumericGreaterThan, false),
    (
        "NumericGreaterThanEquals",
        Test::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", Test::DateEquals, false),
    ("DateNotEquals", Test::DateEquals, true),
    ("DateLessThan", Test::DateLessThan, false),
    ("DateLessThanEquals", Test::DateLessThanEquals, false),
    ("DateGreaterThan", Test::DateGreaterThan, false),
    ("DateGreaterThanEquals", Test::DateGreaterThanEquals, false),
    ("Bool", Test::Bool, false),
    ("BinaryEquals", Test::BinaryEquals, false),
    ("IpAddress", Test::IpAddress, false),
    ("NotIpAddress", Test::IpAddress, true),
    ("ArnEquals", Test::Arn, false),
    ("ArnLike", Test::Arn, false),
    ("ArnNotEquals", Test::Arn, true),
    ("ArnNotLike", Test::Arn, true),
    ("Null", Test::Null, false),
];

impl Operator {
    /// Parses `[ForAllValues:|ForAnyValue:]Base[IfExists]`; `None` for anything else.
    pub(crate) fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (SetOperator::ForAllValues, rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (SetOperator::ForAnyValue, rest)
        } else {
            (SetOperator::None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let (_, test, negated) = BASES.iter().find(|(n, _, _)| *n == base)?;
        // "You can add IfExists to the end of any condition operator name except the
        // Null condition"; a set operator has nothing to range over in a presence test.
        if *test == Test::Null && (if_exists || set != SetOperator::None) {
            return None;
        }
        Some(Operator {
            test: *test,
            negated: *negated,
            if_exists,
            set,
        })
    }

    /// Whether policy variables are substituted in its values (the `String` and `Arn`
    /// operators, per "IAM policy elements: Variables and tags").
    pub(crate) fn takes_variables(self) -> bool {
        matches!(
            self.test,
            Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike | Test::Arn
        )
    }
}

/// Every base operator's name.
#[cfg(test)]
pub(crate) fn base_names() -> impl Iterator<Item = &'static str> {
    BASES.iter().map(|(n, _, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_iam_spells_them() {
        let ok = [
            (
                "StringEquals",
                Test::StringEquals,
                false,
                false,
                SetOperator::None,
            ),
            (
                "StringNotLikeIfExists",
                Test::StringLike,
                true,
                true,
                SetOperator::None,
            ),
            (
                "ForAnyValue:StringEqualsIfExists",
                Test::StringEquals,
                false,
                true,
                SetOperator::ForAnyValue,
            ),
            (
                "ForAllValues:ArnNotLike",
                Test::Arn,
                true,
                false,
                SetOperator::ForAllValues,
            ),
            (
                "NotIpAddressIfExists",
                Test::IpAddress,
                true,
                true,
                SetOperator::None,
            ),
            ("Null", Test::Null, false, false, SetOperator::None),
        ];
        for (name, test, negated, if_exists, set) in ok {
            assert_eq!(
                Operator::parse(name),
                Some(Operator {
                    test,
                    negated,
                    if_exists,
                    set
                }),
                "{name}"
            );
        }
        let refused = [
            "",
            "x",
            "stringequals",
            "StringEqual",
            "ForAnyValue::StringEqualsIfExists",
            "ForAnyValues:StringEquals",
            "ForAllValues:ForAnyValue:StringEquals",
            "StringEqualsIfExistsIfExists",
            "NullIfExists",
            "ForAnyValue:Null",
            "IfExists",
            "BinaryNotEquals",
        ];
        for name in refused {
            assert_eq!(Operator::parse(name), None, "{name}");
        }
        assert_eq!(base_names().count(), 27);
        for name in base_names() {
            assert!(Operator::parse(name).is_some(), "{name}");
            let suffixed = format!("ForAllValues:{name}IfExists");
            assert_eq!(
                Operator::parse(&suffixed).is_some(),
                name != "Null",
                "{suffixed}"
            );
        }
    }
}
