//! `--context KEY=TYPE:VALUE`: a context entry as SimulatePrincipalPolicy's ContextEntry
//! gives it (TYPE one of AWS's `ContextKeyType` names: string, stringList, numeric,
//! boolean, ip, date, …); a list type's values are the flag repeated.

use credreport_policy::{ContextKeyType, RequestContext};

/// One `--context` flag, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub kind: ContextKeyType,
    pub value: String,
}

/// Reads `KEY=TYPE:VALUE`.
pub fn parse(text: &str) -> Result<Entry, String> {
    let bad = |why: &str| format!("--context {text:?}: {why} (expected KEY=TYPE:VALUE)");
    let (key, rest) = text.split_once('=').ok_or_else(|| bad("no `=`"))?;
    let (kind, value) = rest
        .split_once(':')
        .ok_or_else(|| bad("no `:` after the type"))?;
    if key.is_empty() {
        return Err(bad("no key"));
    }
    let kind = ContextKeyType::parse(kind).ok_or_else(|| {
        bad(&format!(
            "{kind:?} is not a context key type (string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList)"
        ))
    })?;
    Ok(Entry {
        key: key.to_owned(),
        kind,
        value: value.to_owned(),
    })
}

/// Sets the entries on `context`, each key's values together (in the order given).
pub fn apply(context: &mut RequestContext, entries: &[Entry]) -> Result<(), String> {
    let mut done: Vec<String> = Vec::new();
    for e in entries {
        let lower = e.key.to_lowercase();
        if done.contains(&lower) {
            continue;
        }
        done.push(lower.clone());
        let same: Vec<&Entry> = entries
            .iter()
            .filter(|o| o.key.to_lowercase() == lower)
            .collect();
        if same.iter().any(|o| o.kind != e.kind) {
            return Err(format!("--context {}: given with two types", e.key));
        }
        if same.len() > 1 && !e.kind.is_list() {
            return Err(format!(
                "--context {}: several values for a {} key (use {}List)",
                e.key,
                e.kind.as_str(),
                e.kind.as_str()
            ));
        }
        let values: Vec<&str> = same.iter().map(|o| o.value.as_str()).collect();
        context
            .set_entry(&e.key, e.kind, &values)
            .map_err(|err| format!("--context: {err}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag and what it reads as: `(key, type, value)`, or words of the refusal.
    type Expected = Result<(&'static str, &'static str, &'static str), &'static str>;

    #[test]
    fn flags_read_or_are_refused_naming_what_is_wrong() {
        let cases: &[(&str, Expected)] = &[
            (
                "aws:MultiFactorAuthPresent=boolean:true",
                Ok(("aws:MultiFactorAuthPresent", "boolean", "true")),
            ),
            (
                "aws:SourceIp=ip:203.0.113.9",
                Ok(("aws:SourceIp", "ip", "203.0.113.9")),
            ),
            // The value may hold `:` and `=`.
            (
                "aws:CurrentTime=date:2026-01-01T00:00:00Z",
                Ok(("aws:CurrentTime", "date", "2026-01-01T00:00:00Z")),
            ),
            ("k=string:a=b", Ok(("k", "string", "a=b"))),
            ("aws:SourceIp", Err("no `=`")),
            ("aws:SourceIp=203.0.113.9", Err("no `:` after the type")),
            ("=string:x", Err("no key")),
            ("k=text:x", Err("is not a context key type")),
        ];
        for (text, expected) in cases {
            let got = parse(text);
            match (expected, &got) {
                (Ok((k, t, v)), Ok(e)) => {
                    assert_eq!(
                        (e.key.as_str(), e.kind.as_str(), e.value.as_str()),
                        (*k, *t, *v)
                    );
                }
                (Err(why), Err(msg)) => assert!(msg.contains(why), "{text}: {msg}"),
                _ => panic!("{text}: {got:?}"),
            }
        }
    }

    #[test]
    fn list_keys_take_repeated_flags_single_keys_refuse_them() {
        let e = |t: &str| parse(t).unwrap_or_else(|m| panic!("{m}"));
        let mut c = RequestContext::new();
        apply(
            &mut c,
            &[e("aws:TagKeys=stringList:a"), e("aws:TagKeys=stringList:b")],
        )
        .unwrap_or_else(|m| panic!("{m}"));
        let got: Vec<&str> = c
            .get("aws:tagkeys")
            .unwrap_or_default()
            .iter()
            .map(|v| v.text())
            .collect();
        assert_eq!(got, ["a", "b"]);
        let mut c = RequestContext::new();
        let err = apply(&mut c, &[e("k=string:a"), e("k=string:b")]).unwrap_err();
        assert!(err.contains("several values"), "{err}");
        let err = apply(&mut c, &[e("k=boolean:maybe")]).unwrap_err();
        assert!(err.contains("maybe"), "{err}");
    }
}
