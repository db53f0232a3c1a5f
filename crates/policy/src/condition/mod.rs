//! The `Condition` element: parsed and checked when the policy is written, evaluated
//! against a request context.
//!
//! Evaluation follows AWS's "Condition operators" and "Conditions with multiple context
//! keys or values" pages:
//!
//! - operators in a block, and keys under an operator, are ANDed; the values of one key
//!   are ORed, and for a negated operator (`StringNotEquals`, `NotIpAddress`, …) NORed:
//!   a negated operator is the negation of its positive form;
//! - a key that is absent makes the condition false, except: negated operators (true),
//!   `…IfExists` (true), `ForAllValues:` (true, also for an empty list), `Null` (which
//!   tests just that); `ForAnyValue:` on an absent key is false even negated;
//! - several request values (a multivalued key): without a set operator the positive form
//!   holds when some request value matches some policy value; `ForAnyValue:` holds when
//!   the operator holds for some request value, `ForAllValues:` when for every one;
//! - keys are compared ignoring case; values case-sensitively, except the `IgnoreCase`
//!   operators.

pub(crate) mod operator;

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::context::{parse_bool, parse_number, ContextValue, Lookup, RequestContext};
use crate::error::{messages, MalformedPolicy};
use crate::glob::{match_arn_tokens, match_tokens, push_pattern, Glob, Tok};
use crate::ip::Cidr;
use crate::template::{Resolved, Template};
use crate::time::Time;
use crate::tri::Tri;
use operator::{Operator, SetOperator, Test};

/// One policy value of a `String` or `Arn` operator.
#[derive(Clone, Debug)]
enum Text {
    /// `Equals` operators: this text exactly (lowercase for `IgnoreCase`).
    Exact(Box<str>),
    /// `StringLike`.
    Like(Glob),
    /// `Arn` operators: the pattern, matched part by part.
    Arn(Box<[Tok]>),
    /// A value with policy variables.
    Vars(Template),
}

/// The policy values of one key, read as the operator's type.
#[derive(Clone, Debug)]
enum Values {
    Texts(Box<[Text]>),
    Numbers(Box<[f64]>),
    Dates(Box<[Time]>),
    /// `Bool` and `Null`; `None` for a value that is neither `true` nor `false` (it
    /// never matches).
    Bools(Box<[Option<bool>]>),
    Ips(Box<[Cidr]>),
    Binaries(Box<[Box<[u8]>]>),
}

/// One operator applied to one key.
#[derive(Clone, Debug)]
pub(crate) struct Condition {
    op: Operator,
    /// The key, lowercase.
    key: Box<str>,
    /// The key as written.
    name: Box<str>,
    values: Values,
}

fn syntax() -> MalformedPolicy {
    MalformedPolicy::new(messages::SYNTAX)
}

fn unreadable() -> MalformedPolicy {
    MalformedPolicy::new(messages::LEGACY_PARSING)
}

/// Parses a `Condition` element: `{"Operator": {"key": value-or-values, …}, …}`. A value
/// is a string, number or boolean, or an array of them. An unknown operator is a syntax
/// error unless its block is empty (IAM accepts `{"x": {}}`); a value the operator cannot
/// read (a date that is not a date, a number, an IP range, base64) is refused with IAM's
/// "legacy parsing" message. Policy variables are read only when `variables` (Version
/// 2012-10-17).
pub(crate) fn parse_block(
    value: Value,
    variables: bool,
) -> Result<Vec<Condition>, MalformedPolicy> {
    let Value::Object(operators) = value else {
        return Err(syntax());
    };
    let mut conditions = Vec::new();
    for (name, keys) in operators {
        let Value::Object(keys) = keys else {
            return Err(syntax());
        };
        for v in keys.values() {
            let scalar = |v: &Value| v.is_string() || v.is_number() || v.is_boolean();
            let ok = match v {
                Value::Array(items) => items.iter().all(scalar),
                other => scalar(other),
            };
            if !ok {
                return Err(syntax());
            }
        }
        let Some(op) = Operator::parse(&name) else {
            if keys.is_empty() {
                continue;
            }
            return Err(syntax());
        };
        conditions.extend(parse_keys(op, keys, variables)?);
    }
    Ok(conditions)
}

fn parse_keys(
    op: Operator,
    keys: Map<String, Value>,
    variables: bool,
) -> Result<Vec<Condition>, MalformedPolicy> {
    let mut out = Vec::with_capacity(keys.len());
    for (name, value) in keys {
        let texts: Vec<String> = match value {
            Value::Array(items) => items.into_iter().map(scalar_text).collect(),
            one => vec![scalar_text(one)],
        };
        out.push(Condition {
            op,
            key: name.to_lowercase().into(),
            name: name.into(),
            values: read_values(op, &texts, variables && op.takes_variables())?,
        });
    }
    Ok(out)
}

/// A scalar's text: strings as they are, numbers and booleans as JSON writes them.
fn scalar_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn read_values(op: Operator, texts: &[String], variables: bool) -> Result<Values, MalformedPolicy> {
    Ok(match op.test {
        Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike | Test::Arn => {
            Values::Texts(
                texts
                    .iter()
                    .map(|t| read_text(op.test, t, variables))
                    .collect(),
            )
        }
        Test::NumericEquals
        | Test::NumericLessThan
        | Test::NumericLessThanEquals
        | Test::NumericGreaterThan
        | Test::NumericGreaterThanEquals => Values::Numbers(all(texts, parse_number)?),
        Test::DateEquals
        | Test::DateLessThan
        | Test::DateLessThanEquals
        | Test::DateGreaterThan
        | Test::DateGreaterThanEquals => Values::Dates(all(texts, Time::parse)?),
        Test::Bool | Test::Null => Values::Bools(texts.iter().map(|t| parse_bool(t)).collect()),
        Test::IpAddress => Values::Ips(all(texts, Cidr::parse)?),
        Test::BinaryEquals => Values::Binaries(all(texts, |t| {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .ok()
                .map(Vec::into_boxed_slice)
        })?),
    })
}

/// Every text read with `read`, or the "legacy parsing" error.
fn all<T>(texts: &[String], read: impl Fn(&str) -> Option<T>) -> Result<Box<[T]>, MalformedPolicy> {
    texts
        .iter()
        .map(|t| read(t))
        .collect::<Option<Box<[T]>>>()
        .ok_or_else(unreadable)
}

fn read_text(test: Test, text: &str, variables: bool) -> Text {
    let wildcards = matches!(test, Test::StringLike | Test::Arn);
    if variables {
        if let Some(t) = Template::parse(text, wildcards) {
            return Text::Vars(t);
        }
    }
    match test {
        Test::StringLike => Text::Like(Glob::new(text)),
        Test::Arn => {
            let mut toks = Vec::with_capacity(text.len());
            push_pattern(&mut toks, text);
            Text::Arn(toks.into())
        }
        Test::StringEqualsIgnoreCase => Text::Exact(lowercase(text).into()),
        _ => Text::Exact(text.into()),
    }
}

/// Lowercase, character by character (the same mapping on both sides of a comparison).
fn lowercase(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

impl Condition {
    /// The key as written.
    pub(crate) fn key_name(&self) -> &str {
        &self.name
    }

    /// The variables in its values, as written.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        let texts: &[Text] = match &self.values {
            Values::Texts(texts) => texts,
            _ => &[],
        };
        texts
            .iter()
            .flat_map(|t| match t {
                Text::Vars(template) => Some(template.variables()),
                _ => None,
            })
            .flatten()
    }

    /// Whether the condition holds for `ctx`. `scratch` is reused for patterns with
    /// variables; `missing` hears each key (or variable) the context lacks, as written.
    pub(crate) fn eval(
        &self,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Tri {
        let lookup = ctx.lookup(&self.key);
        if !matches!(lookup, Lookup::Present(_)) {
            missing(&self.name);
        }
        if self.op.test == Test::Null {
            return self.eval_null(lookup);
        }
        match lookup {
            Lookup::Unknown => Tri::Maybe,
            Lookup::Absent => Tri::from(match self.op.set {
                SetOperator::ForAllValues => true,
                SetOperator::ForAnyValue => self.op.if_exists,
                SetOperator::None => self.op.if_exists || self.op.negated,
            }),
            Lookup::Present(request) => self.eval_present(request, ctx, scratch, missing),
        }
    }

    /// `Null`: `true` holds when the key is absent, `false` when it is present.
    fn eval_null(&self, lookup: Lookup<'_>) -> Tri {
        let Values::Bools(wanted) = &self.values else {
            return Tri::No;
        };
        let holds = |absent: bool| wanted.contains(&Some(absent));
        match lookup {
            Lookup::Present(_) => Tri::from(holds(false)),
            Lookup::Absent => Tri::from(holds(true)),
            Lookup::Unknown if holds(true) && holds(false) => Tri::Yes,
            Lookup::Unknown => Tri::Maybe,
        }
    }

    fn eval_present(
        &self,
        request: &[ContextValue],
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Tri {
        let negated = self.op.negated;
        match self.op.set {
            SetOperator::None => {
                let mut any = Tri::No;
                for r in request {
                    any = any.or(self.matches_any(r, ctx, scratch, missing));
                    if any == Tri::Yes {
                        break;
                    }
                }
                if negated {
                    !any
                } else {
                    any
                }
            }
            SetOperator::ForAnyValue | SetOperator::ForAllValues => {
                let all = self.op.set == SetOperator::ForAllValues;
                let mut acc = Tri::from(all);
                for r in request {
                    let m = self.matches_any(r, ctx, scratch, missing);
                    let holds = if negated { !m } else { m };
                    acc = if all { acc.and(holds) } else { acc.or(holds) };
                }
                acc
            }
        }
    }

    /// Whether the request value `r` matches some policy value (the positive form).
    fn matches_any(
        &self,
        r: &ContextValue,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Tri {
        let test = self.op.test;
        match &self.values {
            Values::Texts(texts) => {
                let mut any = Tri::No;
                for t in texts.iter() {
                    any = any.or(match_text(test, t, r.text(), ctx, scratch, missing));
                    if any == Tri::Yes {
                        break;
                    }
                }
                any
            }
            Values::Numbers(ns) => Tri::from(r.as_number().is_some_and(|r| {
                ns.iter().any(|p| match test {
                    Test::NumericEquals => r == *p,
                    Test::NumericLessThan => r < *p,
                    Test::NumericLessThanEquals => r <= *p,
                    Test::NumericGreaterThan => r > *p,
                    _ => r >= *p,
                })
            })),
            Values::Dates(ds) => Tri::from(r.as_date().is_some_and(|r| {
                ds.iter().any(|p| match test {
                    Test::DateEquals => r == *p,
                    Test::DateLessThan => r < *p,
                    Test::DateLessThanEquals => r <= *p,
                    Test::DateGreaterThan => r > *p,
                    _ => r >= *p,
                })
            })),
            Values::Bools(bs) => Tri::from(r.as_bool().is_some_and(|r| bs.contains(&Some(r)))),
            Values::Ips(ranges) => Tri::from(
                r.as_ip()
                    .is_some_and(|ip| ranges.iter().any(|c| c.contains(ip))),
            ),
            Values::Binaries(bins) => {
                let bytes = base64::engine::general_purpose::STANDARD.decode(r.text());
                Tri::from(bytes.is_ok_and(|b| bins.iter().any(|p| **p == *b)))
            }
        }
    }
}

fn match_text(
    test: Test,
    t: &Text,
    text: &str,
    ctx: &RequestContext,
    scratch: &mut Vec<Tok>,
    missing: &mut dyn FnMut(&str),
) -> Tri {
    match t {
        Text::Exact(exact) if test == Test::StringEqualsIgnoreCase => {
            Tri::from(text.chars().flat_map(char::to_lowercase).eq(exact.chars()))
        }
        Text::Exact(exact) => Tri::from(**exact == *text),
        Text::Like(glob) => Tri::from(glob.matches(text)),
        Text::Arn(toks) => Tri::from(match_arn_tokens(toks, text)),
        Text::Vars(template) => {
            let resolved = template.resolve(ctx, scratch, missing);
            if resolved == Resolved::NoValue {
                return Tri::No;
            }
            let matched = match test {
                Test::Arn => match_arn_tokens(scratch, text),
                Test::StringEqualsIgnoreCase => {
                    for tok in scratch.iter_mut() {
                        if let Tok::Lit(c) = tok {
                            let mut lower = c.to_lowercase();
                            if let (Some(l), None) = (lower.next(), lower.next()) {
                                *c = l;
                            }
                        }
                    }
                    match_tokens(scratch, &lowercase(text))
                }
                _ => match_tokens(scratch, text),
            };
            resolved.with(matched)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_iam_refuses() {
        let cases: &[(&str, &str)] = &[
            (r#""x""#, messages::SYNTAX),
            (r#"[]"#, messages::SYNTAX),
            (r#"{"Bool":"x"}"#, messages::SYNTAX),
            (r#"{"DateGreaterThan":[]}"#, messages::SYNTAX),
            (r#"{"DateGreaterThan":{"a":{}}}"#, messages::SYNTAX),
            (r#"{"StringEquals":{"a":null}}"#, messages::SYNTAX),
            (r#"{"StringEquals":{"a":[["x"]]}}"#, messages::SYNTAX),
            (r#"{"x":{"a":"1"}}"#, messages::SYNTAX),
            (
                r#"{"ForAnyValue::StringEqualsIfExists":{"a":"asf"}}"#,
                messages::SYNTAX,
            ),
            (r#"{"NullIfExists":{"a":"true"}}"#, messages::SYNTAX),
            (
                r#"{"DateGreaterThan":{"a":"sdfdsf"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"DateLessThanEquals":{"a":"234-13"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"DateLessThan":{"a":"9223372036854775808"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"DateLessThan":{"a":"${aws:CurrentTime}"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"NumericLessThan":{"a":"ten"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"NumericLessThan":{"a":["1","NaN"]}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}"#,
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"BinaryEquals":{"a":"not base64!"}}"#,
                messages::LEGACY_PARSING,
            ),
        ];
        for (json, message) in cases {
            let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
            let err = parse_block(value, true).err().map(|e| e.0);
            assert_eq!(err.as_deref(), Some(*message), "{json}");
        }
    }

    #[test]
    fn blocks_iam_accepts() {
        let cases: &[(&str, usize)] = &[
            (r#"{}"#, 0),
            (r#"{"x":{},"y":{}}"#, 0),
            (r#"{"DateGreaterThan":{}}"#, 0),
            (r#"{"DateGreaterThan":{"a":[]}}"#, 1),
            (r#"{"DateGreaterThan":{"a":"01T"}}"#, 1),
            (r#"{"StringEqualsIfExists":{"a":"asf"}}"#, 1),
            (r#"{"ForAnyValue:StringEqualsIfExists":{"a":"asf"}}"#, 1),
            (
                r#"{"StringEquals":{"aws:username":["alice","bob"],"n":1,"b":true}}"#,
                3,
            ),
            (r#"{"Bool":{"aws:SecureTransport":"maybe"}}"#, 1),
            (
                r#"{"NumericLessThanEquals":{"s3:max-keys":"10"},"Null":{"k":"true"}}"#,
                2,
            ),
            (r#"{"DateGreaterThan":{"aws:CurrentTime":1585699200}}"#, 1),
        ];
        for (json, n) in cases {
            let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
            let parsed = parse_block(value, true).map(|c| c.len());
            assert_eq!(parsed, Ok(*n), "{json}");
        }
    }
}
