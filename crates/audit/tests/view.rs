//! The view the human outputs share (`render::view`): which section, list, severity and
//! check group every finding lands in, and the words every human output uses. Each case
//! is an audit of fixtures, drawn as an outline:
//!
//! `Section (failing): severity[check×findings/with a fix …] | List[check×findings …]`

mod common;

use std::fmt::Write as _;

use common::Scenario;
use credreport_audit::render::view::{as_of_label, View};
use credreport_audit::{AsOfSource, Collect, FindingText, Summary};

struct Case {
    scenario: Scenario,
    outline: &'static [&'static str],
}

const CASES: &[Case] = &[
    // Without a baseline: one section; the not-evaluated and suppressed lists beside the
    // failures, by check.
    Case {
        scenario: Scenario {
            name: "mixed-2018 with its configuration",
            inputs: &["mixed-2018.csv"],
            as_of: "2018-08-15T00:00:00Z",
            config: Some("mixed-2018.toml"),
            baseline: None,
            details: &[],
            last_accessed: None,
        },
        outline: &[
            "Findings (9): critical[root-mfa×1/1] high[console-no-mfa×2/2] \
             medium[password-unused×1/1 access-key-rotation×1/1 two-active-keys×1/1] \
             low[user-inactive×1/1] info[password-2018-gap×2/2] \
             | Not evaluated[root-recent-use×1 user-inactive×1] \
             | Suppressed[access-key-rotation×1]",
        ],
    },
    // A later report of the same account: what appeared, disappeared and persisted; no
    // fix is offered for what disappeared.
    Case {
        scenario: Scenario {
            name: "the 2016 capture and a later report",
            inputs: &["real-output-quirks-later.csv"],
            as_of: "2016-12-20T00:00:00Z",
            config: None,
            baseline: Some(("real-output-quirks.csv", "2016-11-25T14:30:42Z")),
            details: &[],
            last_accessed: None,
        },
        outline: &[
            "Appeared (2): high[console-no-mfa×1/1] low[password-not-changed×1/1]",
            "Disappeared (8): critical[root-mfa×1/0] high[console-no-mfa×1/0] \
             medium[password-unused×1/0 access-key-unused×1/0 access-key-rotation×1/0 \
             key-created-at-setup×1/0] low[user-inactive×1/0 password-not-changed×1/0]",
            "Persisted (15): critical[root-access-key×2/2] \
             high[root-recent-use×1/1 root-signing-cert×1/1 console-no-mfa×1/1] \
             medium[password-unused×1/1 access-key-unused×1/1 access-key-rotation×4/4 \
             two-active-keys×1/1] low[user-inactive×2/2 password-not-changed×1/1]",
        ],
    },
    // Another account entirely: everything of the baseline disappeared, its not-evaluated
    // findings too, which are then listed with the failures by severity, never in a
    // not-evaluated list.
    Case {
        scenario: Scenario {
            name: "a legacy baseline of another account",
            inputs: &["mixed-2018.csv"],
            as_of: "2018-08-15T00:00:00Z",
            config: None,
            baseline: Some(("seed003-legacy.csv", "2015-06-17T19:11:50Z")),
            details: &[],
            last_accessed: None,
        },
        outline: &[
            "Appeared (12): critical[root-mfa×1/1] high[console-no-mfa×2/2] \
             medium[password-unused×1/1 access-key-rotation×2/2 two-active-keys×1/1] \
             low[user-inactive×1/1 password-not-changed×2/2] info[password-2018-gap×2/2] \
             | Not evaluated[root-recent-use×1 user-inactive×1]",
            "Disappeared (8): high[root-recent-use×1/0 console-no-mfa×1/0] \
             medium[password-unused×1/0 access-key-unused×2/0 access-key-rotation×1/0 \
             two-active-keys×1/0] low[password-not-changed×1/0]",
            "Persisted (0):",
        ],
    },
];

fn run(case: &Case) -> (Collect, Summary) {
    let mut collect = Collect::default();
    let summary = case.scenario.audit(&mut collect);
    (collect, summary)
}

fn outline(view: &View<'_>) -> Vec<String> {
    let mut text = FindingText::default();
    view.sections
        .iter()
        .map(|section| {
            let mut line = format!("{} ({}):", section.title, section.failing_count());
            for group in &section.failing {
                let checks: Vec<String> = group
                    .checks
                    .iter()
                    .map(|c| {
                        let fixes = c
                            .items()
                            .filter(|item| {
                                item.text_into(&mut text);
                                !text.remediation.is_empty()
                            })
                            .count();
                        format!("{}×{}/{fixes}", c.check, c.len())
                    })
                    .collect();
                let _ = write!(line, " {}[{}]", group.severity, checks.join(" "));
            }
            for (list, groups) in section.other_lists() {
                if groups.is_empty() {
                    continue;
                }
                let checks: Vec<String> = groups
                    .iter()
                    .map(|g| format!("{}×{}", g.check, g.len()))
                    .collect();
                let _ = write!(line, " | {}[{}]", list.title(), checks.join(" "));
            }
            line
        })
        .collect()
}

fn check(case: &Case) {
    let (mut collect, summary) = run(case);
    let run = collect.run.take();
    let view = View::new(run.as_ref(), &summary, &mut collect.findings);
    let got = outline(&view);
    let expected: Vec<String> = case
        .outline
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(got, expected, "{}", case.scenario.name);
    // Every finding is in exactly one group.
    let grouped: usize = view
        .sections
        .iter()
        .map(|s| {
            s.failing_count()
                + s.other_lists()
                    .iter()
                    .flat_map(|(_, groups)| groups.iter())
                    .map(|g| g.len())
                    .sum::<usize>()
        })
        .sum();
    assert_eq!(
        grouped,
        view_findings(case),
        "{}: findings grouped",
        case.scenario.name
    );
}

fn view_findings(case: &Case) -> usize {
    run(case).0.findings.len()
}

#[test]
fn every_finding_lands_in_one_section_list_severity_and_check() {
    for case in CASES {
        check(case);
    }
}

#[test]
fn one_wording_for_the_as_of_time() {
    for (source, label) in [
        (AsOfSource::Given, "given"),
        (AsOfSource::Generated, "the report's generation time"),
        (AsOfSource::Now, "the time of the audit"),
    ] {
        assert_eq!(as_of_label(source), label, "{source:?}");
    }
}

#[test]
fn a_suppressed_finding_says_why_and_until_which_day() {
    let (mut collect, summary) = run(&CASES[0]);
    let view = View::new(None, &summary, &mut collect.findings);
    let why: Vec<String> = view.sections[0]
        .suppressed
        .iter()
        .flat_map(|g| g.items())
        .map(|item| item.why())
        .collect();
    assert_eq!(
        why,
        [
            "key held by the deploy pipeline; rotation scheduled with the vault migration \
          (owner platform@example.com, until 2019-01-01)"
        ]
    );
}
