//! What an import sends, as pure functions: each current finding is new (Security Hub
//! has never had it, or has it archived), changed (its document says something else now)
//! or unchanged (not sent); each finding Security Hub has active that the report no
//! longer holds is to be archived. Documents get their timestamps here: `CreatedAt` when
//! the finding was first sent (so Security Hub keeps one finding through its changes),
//! `UpdatedAt` now, and always later than the last one sent (Security Hub ignores an
//! update that is not newer).

use std::collections::{BTreeMap, BTreeSet};

use credreport_report::Timestamp;
use serde_json::json;

use super::findings::Doc;
use crate::history::securityhub::Known;

/// What one import sends, and what it leaves.
#[derive(Debug, Default, PartialEq)]
pub struct Selection {
    /// Findings Security Hub does not have active.
    pub new: Vec<Doc>,
    /// Findings whose document changed.
    pub changed: Vec<Doc>,
    /// How many are as Security Hub has them.
    pub unchanged: u64,
    /// Findings Security Hub has active that are gone, with the report each was last
    /// sent from (where its resolved document is rendered from).
    pub gone: BTreeMap<String, i64>,
}

/// Sorts the current findings against what Security Hub has.
pub fn select(current: Vec<Doc>, known: &BTreeMap<String, Known>) -> Selection {
    let mut s = Selection::default();
    let ids: BTreeSet<&str> = current.iter().map(|d| d.id.as_str()).collect();
    for (id, k) in known {
        if !k.archived && !ids.contains(id.as_str()) {
            s.gone.insert(id.clone(), k.report_id);
        }
    }
    for doc in current {
        match known.get(&doc.id) {
            Some(k) if !k.archived && k.digest == doc.digest => s.unchanged += 1,
            Some(k) if !k.archived => s.changed.push(doc),
            _ => s.new.push(doc),
        }
    }
    s
}

/// Sets a document's `CreatedAt` (the first send's, or now) and `UpdatedAt` (now, or a
/// second after the last one sent if that is not earlier); returns what the history
/// keeps of it once accepted.
pub fn stamp(
    doc: &mut Doc,
    known: Option<&Known>,
    now: Timestamp,
    report_id: i64,
    archived: bool,
) -> Known {
    let created = known.map_or(now, |k| k.created);
    let after_last = known
        .and_then(|k| k.updated.checked_add_secs(1))
        .unwrap_or(now);
    let updated = now.max(after_last).max(created);
    doc.value["CreatedAt"] = json!(created.to_zulu());
    doc.value["UpdatedAt"] = json!(updated.to_zulu());
    Known {
        digest: doc.digest.clone(),
        archived,
        created,
        updated,
        report_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    fn doc(id: &str, digest: &str) -> Doc {
        Doc {
            id: id.to_owned(),
            digest: digest.to_owned(),
            value: json!({ "Id": id }),
        }
    }

    fn known(digest: &str, archived: bool, report_id: i64) -> Known {
        Known {
            digest: digest.to_owned(),
            archived,
            created: at("2026-01-01T00:00:00Z"),
            updated: at("2026-02-01T00:00:00Z"),
            report_id,
        }
    }

    #[test]
    fn each_finding_is_new_changed_unchanged_or_gone() {
        // (case, current (id, digest), known (id, digest, archived, report), new,
        //  changed, unchanged, gone)
        type Case<'a> = (
            &'a str,
            &'a [(&'a str, &'a str)],
            &'a [(&'a str, &'a str, bool, i64)],
            &'a [&'a str],
            &'a [&'a str],
            u64,
            &'a [(&'a str, i64)],
        );
        let cases: &[Case<'_>] = &[
            (
                "first import",
                &[("a", "1"), ("b", "1")],
                &[],
                &["a", "b"],
                &[],
                0,
                &[],
            ),
            (
                "as it was",
                &[("a", "1")],
                &[("a", "1", false, 1)],
                &[],
                &[],
                1,
                &[],
            ),
            (
                "it changed",
                &[("a", "2")],
                &[("a", "1", false, 1)],
                &[],
                &["a"],
                0,
                &[],
            ),
            (
                "it disappeared",
                &[],
                &[("a", "1", false, 3)],
                &[],
                &[],
                0,
                &[("a", 3)],
            ),
            (
                "archived already",
                &[],
                &[("a", "1", true, 3)],
                &[],
                &[],
                0,
                &[],
            ),
            (
                "back after it was archived",
                &[("a", "1")],
                &[("a", "1", true, 3)],
                &["a"],
                &[],
                0,
                &[],
            ),
            (
                "all at once",
                &[("a", "1"), ("b", "2"), ("c", "1")],
                &[
                    ("a", "1", false, 1),
                    ("b", "1", false, 1),
                    ("d", "1", false, 2),
                ],
                &["c"],
                &["b"],
                1,
                &[("d", 2)],
            ),
        ];
        for (case, current, before, new, changed, unchanged, gone) in cases {
            let known: BTreeMap<String, Known> = before
                .iter()
                .map(|(id, d, archived, r)| ((*id).to_owned(), known(d, *archived, *r)))
                .collect();
            let s = select(current.iter().map(|(i, d)| doc(i, d)).collect(), &known);
            let ids = |docs: &[Doc]| docs.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&s.new), *new, "{case}: new");
            assert_eq!(ids(&s.changed), *changed, "{case}: changed");
            assert_eq!(s.unchanged, *unchanged, "{case}: unchanged");
            let want: BTreeMap<String, i64> =
                gone.iter().map(|(i, r)| ((*i).to_owned(), *r)).collect();
            assert_eq!(s.gone, want, "{case}: gone");
        }
    }

    #[test]
    fn a_finding_keeps_its_creation_and_each_update_is_newer_than_the_last() {
        let now = at("2026-03-01T09:00:00Z");
        // (case, known, created, updated)
        let cases: [(&str, Option<Known>, &str, &str); 3] = [
            (
                "first sent",
                None,
                "2026-03-01T09:00:00Z",
                "2026-03-01T09:00:00Z",
            ),
            (
                "sent before",
                Some(known("1", false, 1)),
                "2026-01-01T00:00:00Z",
                "2026-03-01T09:00:00Z",
            ),
            (
                "sent a moment ago (a clock that did not move)",
                Some(Known {
                    updated: now,
                    ..known("1", false, 1)
                }),
                "2026-01-01T00:00:00Z",
                "2026-03-01T09:00:01Z",
            ),
        ];
        for (case, k, created, updated) in cases {
            let mut d = doc("a", "2");
            let kept = stamp(&mut d, k.as_ref(), now, 9, false);
            assert_eq!(d.value["CreatedAt"], Value::from(created), "{case}");
            assert_eq!(d.value["UpdatedAt"], Value::from(updated), "{case}");
            assert_eq!((kept.report_id, kept.digest.as_str()), (9, "2"), "{case}");
        }
    }
}
