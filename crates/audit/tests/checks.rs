//! One table of cases for every check and every edge: the root row, `no_information`,
//! `N/A`, inactive keys, the legacy edition, exactly-at-threshold, the May 2018 gap.
//! Each case is named after its source: a seed document, a section of
//! `audit-peers.md`, a peer's bug.
//!
//! A case is a few report rows written as `name column=value …` (every other column
//! takes a harmless default), an as-of time, an optional configuration, and what one
//! check must conclude: one line per failure or not-evaluated credential, then how many
//! credentials passed. All go through one `check` helper.

use credreport_audit::{
    audit_with, AccountData, AsOfSource, AuthorizationDetails, Collect, Config, Input,
    LastAccessed, Status,
};
use credreport_report::{Column, Edition, Timestamp};

const ACCOUNT: &str = "123456789012";

/// Default values: a user created 2020-01-01 with no credentials, and a root row as AWS
/// writes it (password fields `not_supported`, MFA on, no keys).
fn defaults(root: bool) -> Vec<(Column, String)> {
    Column::ALL
        .iter()
        .map(|&c| {
            let v = match (root, c) {
                (true, Column::User) => "<root_account>",
                (true, Column::UserCreationTime) => "2015-01-01T00:00:00+00:00",
                (
                    true,
                    Column::PasswordEnabled
                    | Column::PasswordLastChanged
                    | Column::PasswordNextRotation,
                ) => "not_supported",
                (true, Column::PasswordLastUsed) => "no_information",
                (true, Column::MfaActive) => "true",
                (false, Column::UserCreationTime) => "2020-01-01T00:00:00+00:00",
                (
                    _,
                    Column::PasswordEnabled
                    | Column::MfaActive
                    | Column::AccessKey1Active
                    | Column::AccessKey2Active
                    | Column::Cert1Active
                    | Column::Cert2Active,
                ) => "false",
                _ => "N/A",
            };
            (c, v.to_owned())
        })
        .collect()
}

/// `2020-11-17` → `2020-11-17T00:00:00+00:00`; anything else as written.
fn value(v: &str) -> String {
    if v.len() == 10 && v.as_bytes()[4] == b'-' {
        format!("{v}T00:00:00+00:00")
    } else {
        v.to_owned()
    }
}

/// A report from row specs: `root …` or `<user> column=value …`.
fn report(rows: &[&str], edition: Edition) -> String {
    let columns = edition.columns();
    let mut out = columns
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(",");
    for spec in rows {
        let mut words = spec.split_whitespace();
        let name = words.next().expect("a user name");
        let root = name == "root";
        let mut cells = defaults(root);
        let arn = if root {
            format!("arn:aws:iam::{ACCOUNT}:root")
        } else {
            format!("arn:aws:iam::{ACCOUNT}:user/{name}")
        };
        cells[Column::Arn.index()].1 = arn;
        if !root {
            cells[Column::User.index()].1 = name.to_owned();
        }
        for word in words {
            let (k, v) = word.split_once('=').expect("column=value");
            let column = Column::from_name(k.as_bytes()).unwrap_or_else(|| panic!("column {k}"));
            cells[column.index()].1 = value(v);
        }
        out.push('\n');
        out.push_str(
            &columns
                .iter()
                .map(|c| cells[c.index()].1.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    out
}

struct Case {
    /// Named after its source.
    name: &'static str,
    check: &'static str,
    edition: Edition,
    rows: &'static [&'static str],
    as_of: &'static str,
    config: &'static str,
    /// `<status> <resource>` per failure / not-evaluated outcome (resource with the
    /// account's ARN prefix cut), then `passed N`.
    want: &'static str,
    /// Text every failure or not-evaluated message must contain ("" for none).
    says: &'static str,
    /// The principal checks' inputs: authorization details (roles written as
    /// `name created=… last_used=… path=…`), last-accessed data (principals written as
    /// `role/name s3=2020-12-01 iam=never …`).
    roles: &'static [&'static str],
    accessed: &'static [&'static str],
}

const AS_OF: &str = "2021-01-01T00:00:00Z";

fn case(name: &'static str, check: &'static str, rows: &'static [&'static str]) -> Case {
    Case {
        name,
        check,
        edition: Edition::Current,
        rows,
        as_of: AS_OF,
        config: "",
        want: "",
        says: "",
        roles: &[],
        accessed: &[],
    }
}

impl Case {
    fn want(self, want: &'static str) -> Case {
        Case { want, ..self }
    }
    fn at(self, as_of: &'static str) -> Case {
        Case { as_of, ..self }
    }
    fn legacy(self) -> Case {
        Case {
            edition: Edition::Legacy,
            ..self
        }
    }
    fn config(self, config: &'static str) -> Case {
        Case { config, ..self }
    }
    fn says(self, says: &'static str) -> Case {
        Case { says, ..self }
    }
    fn roles(self, roles: &'static [&'static str]) -> Case {
        Case { roles, ..self }
    }
    fn accessed(self, accessed: &'static [&'static str]) -> Case {
        Case { accessed, ..self }
    }
}

/// Authorization details with these roles (`name key=value …`: `created`, `last_used`,
/// `path`), as get-account-authorization-details prints them.
fn details(roles: &[&str]) -> AuthorizationDetails {
    let list: Vec<serde_json::Value> = roles
        .iter()
        .map(|spec| {
            let mut words = spec.split_whitespace();
            let name = words.next().expect("a role name");
            let mut role = serde_json::json!({
                "RoleName": name,
                "Path": "/",
                "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            });
            for word in words {
                let (k, v) = word.split_once('=').expect("key=value");
                match k {
                    "created" => role["CreateDate"] = value(v).into(),
                    "last_used" => {
                        role["RoleLastUsed"] =
                            serde_json::json!({"LastUsedDate": value(v), "Region": "eu-west-1"})
                    }
                    "path" => role["Path"] = v.into(),
                    other => panic!("role key {other}"),
                }
            }
            role
        })
        .collect();
    AuthorizationDetails::from_json(&serde_json::json!({ "RoleDetailList": list }).to_string())
        .expect("details")
}

/// Last-accessed data (`role/name` or `user/name`, then `namespace=date` or
/// `namespace=never`).
fn accessed(specs: &[&str]) -> LastAccessed {
    let mut map = serde_json::Map::new();
    for spec in specs {
        let mut words = spec.split_whitespace();
        let who = words.next().expect("role/name or user/name");
        let services: Vec<serde_json::Value> = words
            .map(|w| {
                let (ns, when) = w.split_once('=').expect("namespace=date");
                let mut s = serde_json::json!({"ServiceNamespace": ns, "ServiceName": format!("Service {ns}")});
                if when != "never" {
                    s["LastAuthenticated"] = value(when).into();
                }
                s
            })
            .collect();
        map.insert(
            format!("arn:aws:iam::{ACCOUNT}:{who}"),
            serde_json::json!({"JobStatus": "COMPLETED", "ServicesLastAccessed": services}),
        );
    }
    LastAccessed::from_json(&serde_json::Value::Object(map).to_string()).expect("last accessed")
}

/// Runs one check over the case's report and describes what it concluded.
fn check(c: &Case) -> String {
    let csv = report(c.rows, c.edition);
    let mut config = Config::from_toml(c.config).expect("config");
    let id = credreport_audit::CheckId::from_name(c.check).expect("check id");
    for other in credreport_audit::CheckId::ALL {
        config.checks[other as usize].enabled = other == id;
    }
    let as_of = Timestamp::parse(c.as_of.as_bytes()).expect("as-of").0;
    let mut found = Collect::default();
    let data = (!c.roles.is_empty() || !c.accessed.is_empty()).then(|| {
        AccountData::new(
            (!c.roles.is_empty()).then(|| details(c.roles)),
            (!c.accessed.is_empty()).then(|| accessed(c.accessed)),
        )
    });
    let summary = audit_with(
        &config,
        as_of,
        AsOfSource::Given,
        vec![Input::new("case.csv", csv.as_bytes())],
        None,
        data.as_ref(),
        &mut found,
    )
    .expect("audit");
    assert!(!summary.has_errors(), "{}: {:?}", c.name, summary.inputs);
    let prefix = format!("arn:aws:iam::{ACCOUNT}:");
    let mut lines: Vec<String> = found
        .findings
        .iter()
        .map(|f| {
            let resource = f
                .resource()
                .to_string()
                .replace(&prefix, "")
                .replace("user/", "");
            let message = f.message();
            if message.contains(c.says) {
                format!("{} {resource}", f.status.name())
            } else {
                format!(
                    "{} {resource} (message {:?} lacks {:?})",
                    f.status.name(),
                    message,
                    c.says
                )
            }
        })
        .collect();
    let passed = summary.checks[id as usize].2.passed;
    lines.push(format!("passed {passed}"));
    lines.join("; ")
}

fn cases() -> Vec<Case> {
    vec![
        // ---- root-access-key (CIS 1.4) ----
        case("audit_peers_6_quirk_6_inactive_root_key_keeps_last_rotated", "root-access-key", &[
            "root access_key_1_active=true access_key_1_last_rotated=2011-08-19 access_key_2_last_rotated=2007-10-13",
        ])
        .want("fail root#access_key_1; fail root#access_key_2; passed 0"),
        case("seed_003_legacy_root_without_keys", "root-access-key", &["root"])
            .legacy()
            .want("passed 2"),
        case("root_key_active_sentinel_is_not_evaluated", "root-access-key", &[
            "root access_key_2_active=no_information",
        ])
        .want("not_evaluated root#access_key_2; passed 1"),
        // ---- root-mfa (CIS 1.5) ----
        case("audit_peers_1_3_prowler_root_mfa_blind_spot", "root-mfa", &["root mfa_active=false"])
            .want("fail root; passed 0")
            .says("can sign in with its password"),
        case("root_with_mfa", "root-mfa", &["root"]).want("passed 1"),
        case("seed_001_org_member_without_root_credentials", "root-mfa", &[
            "root mfa_active=false password_enabled=false password_last_changed=N/A",
        ])
        .want("passed 1"),
        case("root_without_password_but_active_key", "root-mfa", &[
            "root mfa_active=false password_enabled=false access_key_1_active=true access_key_1_last_rotated=2020-01-01",
        ])
        .want("fail root; passed 0"),
        case("audit_peers_2_1_steampipe_root_not_a_console_user", "console-no-mfa", &[
            "root mfa_active=false",
        ])
        .want("passed 0"),
        // ---- root-recent-use (CIS 1.7) ----
        case("audit_peers_1_3_prowler_first_field_wins", "root-recent-use", &[
            "root password_last_used=2020-06-15 access_key_2_active=true access_key_2_last_rotated=2019-01-01 access_key_2_last_used_date=2020-12-31",
        ])
        .want("fail root; passed 0")
        .says("access key 2"),
        case("audit_peers_2_2_steampipe_inverted_key_comparison", "root-recent-use", &[
            "root access_key_1_active=true access_key_1_last_rotated=2019-01-01 access_key_1_last_used_date=2020-09-23",
        ])
        .want("passed 1"),
        case("root_used_exactly_at_threshold_is_not_recent", "root-recent-use", &[
            "root password_last_used=2020-10-03",
        ])
        .want("passed 1"),
        case("root_used_one_second_inside_threshold", "root-recent-use", &[
            "root password_last_used=2020-10-03T00:00:01+00:00",
        ])
        .want("fail root; passed 0"),
        case("root_never_used", "root-recent-use", &["root"]).want("passed 1"),
        case("seed_003_legacy_root_key_use_unknown", "root-recent-use", &[
            "root password_last_used=2015-04-20T17:41:10+00:00 access_key_1_active=true access_key_1_last_rotated=2014-12-03",
        ])
        .legacy()
        .at("2015-06-01T00:00:00Z")
        .want("fail root; passed 0"),
        case("legacy_root_with_key_and_old_password_is_not_evaluated", "root-recent-use", &[
            "root password_last_used=2014-12-01 access_key_1_active=true access_key_1_last_rotated=2014-12-03",
        ])
        .legacy()
        .at("2015-06-01T00:00:00Z")
        .want("not_evaluated root; passed 0"),
        case("seed_000_may_2018_gap_may_hide_recent_root_use", "root-recent-use", &[
            "root password_last_used=2018-04-20",
        ])
        .at("2018-08-01T00:00:00Z")
        .want("not_evaluated root; passed 0")
        .says("May 2018 gap"),
        // ---- root-signing-cert ----
        case("audit_peers_6_quirk_10_root_active_signing_cert", "root-signing-cert", &[
            "root cert_1_active=true cert_1_last_rotated=2008-03-11",
        ])
        .want("fail root#cert_1; passed 1"),
        // ---- console-no-mfa (CIS 1.10) ----
        case("console_user_without_mfa", "console-no-mfa", &[
            "alice password_enabled=true password_last_changed=2020-01-01 password_last_used=2020-12-01",
            "bob password_enabled=true password_last_changed=2020-01-01 mfa_active=true",
            "svc",
        ])
        .want("fail alice; passed 1"),
        // ---- password-unused (CIS 1.12) ----
        case("cis_45_days_or_more_fails_at_exactly_45", "password-unused", &[
            "alice password_enabled=true password_last_changed=2020-01-01 password_last_used=2020-11-17",
        ])
        .want("fail alice#password; passed 0"),
        case("audit_peers_1_3_prowler_passes_exactly_45_one_second_less", "password-unused", &[
            "alice password_enabled=true password_last_changed=2020-01-01 password_last_used=2020-11-17T00:00:01+00:00",
        ])
        .want("passed 1"),
        case("audit_peers_7_never_used_password_aged_from_last_changed", "password-unused", &[
            "old password_enabled=true password_last_used=no_information password_last_changed=2020-11-16",
            "new password_enabled=true password_last_used=no_information password_last_changed=2020-11-18",
        ])
        .want("fail old#password; passed 1")
        .says("never been used"),
        case("prowler_645_grace_period_for_new_passwords", "password-unused", &[
            "new password_enabled=true password_last_used=no_information password_last_changed=2020-12-25T00:00:01+00:00",
        ])
        .config("[thresholds]\nunused_days = 1\n")
        .want("passed 1"),
        case("never_used_password_falls_back_to_user_creation_time", "password-unused", &[
            "alice password_enabled=true password_last_used=no_information password_last_changed=N/A user_creation_time=2020-01-01",
        ])
        .want("fail alice#password; passed 0"),
        case("prowler_3176_disabled_console_keeps_password_last_used", "password-unused", &[
            "alice password_enabled=false password_last_used=2019-01-01",
        ])
        .want("passed 0"),
        case("password_enabled_with_na_last_used_is_not_evaluated", "password-unused", &[
            "alice password_enabled=true password_last_changed=2020-01-01 password_last_used=N/A",
        ])
        .want("not_evaluated alice#password; passed 0"),
        case("seed_000_may_2018_gap_password_unused_open", "password-unused", &[
            "alice password_enabled=true password_last_changed=2017-01-01 password_last_used=2018-04-30",
        ])
        .at("2018-06-30T00:00:00Z")
        .want("not_evaluated alice#password; passed 0")
        .says("May 2018 gap"),
        case("seed_000_may_2018_gap_password_unused_certain", "password-unused", &[
            "alice password_enabled=true password_last_changed=2017-01-01 password_last_used=2018-04-30",
        ])
        .at("2019-01-01T00:00:00Z")
        .want("fail alice#password; passed 0"),
        case("seed_000_no_information_since_tracking_began", "password-unused", &[
            "alice password_enabled=true password_last_changed=2014-01-01 password_last_used=no_information",
        ])
        .want("fail alice#password; passed 0"),
        // ---- access-key-unused (CIS 1.12) ----
        case("audit_peers_2_2_steampipe_key_2_short_circuit", "access-key-unused", &[
            "alice access_key_1_active=false access_key_1_last_rotated=2019-01-01 access_key_2_active=true access_key_2_last_rotated=2019-06-01 access_key_2_last_used_date=2020-09-23",
        ])
        .want("fail alice#access_key_2; passed 0"),
        case("audit_peers_1_3_prowler_never_used_key_aged_from_rotation", "access-key-unused", &[
            "old access_key_1_active=true access_key_1_last_rotated=2020-11-12",
            "new access_key_1_active=true access_key_1_last_rotated=2020-12-22",
        ])
        .want("fail old#access_key_1; passed 1")
        .says("never been used"),
        case("key_used_exactly_45_days_ago", "access-key-unused", &[
            "alice access_key_1_active=true access_key_1_last_rotated=2019-01-01 access_key_1_last_used_date=2020-11-17",
        ])
        .want("fail alice#access_key_1; passed 0"),
        case("inactive_keys_are_not_evaluated_for_use", "access-key-unused", &[
            "alice access_key_1_active=false access_key_1_last_rotated=2015-01-01",
        ])
        .want("passed 0"),
        case("seed_003_legacy_active_key_use_unknown", "access-key-unused", &[
            "Administrator password_enabled=true access_key_1_active=true access_key_1_last_rotated=2014-12-03 access_key_2_active=true access_key_2_last_rotated=2015-03-25",
        ])
        .legacy()
        .want("not_evaluated Administrator#access_key_1; not_evaluated Administrator#access_key_2; passed 0")
        .says("legacy report"),
        case("seed_000_key_na_since_tracking_began", "access-key-unused", &[
            "alice access_key_1_active=true access_key_1_last_rotated=2014-06-01",
        ])
        .want("fail alice#access_key_1; passed 0"),
        // ---- access-key-rotation (CIS 1.14) ----
        case("key_rotation_exactly_90_days", "access-key-rotation", &[
            "a access_key_1_active=true access_key_1_last_rotated=2020-10-03",
            "b access_key_1_active=true access_key_1_last_rotated=2020-10-03T00:00:01+00:00",
        ])
        .want("fail a#access_key_1; passed 1"),
        case("inactive_old_key_is_not_evaluated_for_rotation", "access-key-rotation", &[
            "alice access_key_1_active=false access_key_1_last_rotated=2010-01-01",
        ])
        .want("passed 0"),
        case("security_hq_machine_users_get_their_own_threshold", "access-key-rotation", &[
            "human password_enabled=true password_last_changed=2020-01-01 access_key_1_active=true access_key_1_last_rotated=2020-09-23",
            "machine access_key_1_active=true access_key_1_last_rotated=2020-09-23",
        ])
        .config("[thresholds.machine]\nkey_rotation_days = 365\n")
        .want("fail human#access_key_1; passed 1"),
        case("configured_machine_user_by_name", "access-key-rotation", &[
            "ci-deploy password_enabled=true password_last_changed=2020-01-01 access_key_1_active=true access_key_1_last_rotated=2020-09-23",
        ])
        .config("[users]\nmachine = [\"ci-*\"]\n[thresholds.machine]\nkey_rotation_days = 365\n")
        .want("passed 1"),
        case("active_key_without_last_rotated_is_not_evaluated", "access-key-rotation", &[
            "alice access_key_1_active=true access_key_1_last_rotated=N/A",
        ])
        .want("not_evaluated alice#access_key_1; passed 0"),
        // ---- two-active-keys (CIS 1.13) ----
        case("audit_peers_6_hazmat_two_active_keys", "two-active-keys", &[
            "Hazmat access_key_1_active=true access_key_1_last_rotated=2015-01-20 access_key_2_active=true access_key_2_last_rotated=2016-10-11",
            "one access_key_1_active=true access_key_1_last_rotated=2020-01-01 access_key_2_active=false access_key_2_last_rotated=2019-01-01",
        ])
        .want("fail Hazmat; passed 1"),
        // ---- key-created-at-setup (CIS 1.11) ----
        case("audit_peers_6_quirk_8_rome_plus_one_second_both_keys", "key-created-at-setup", &[
            "rome password_enabled=true password_last_changed=2020-01-01 user_creation_time=2020-01-01T09:37:34+00:00 access_key_1_active=true access_key_1_last_rotated=2020-01-01T09:37:35+00:00 access_key_2_active=true access_key_2_last_rotated=2020-01-01T09:37:34+00:00",
        ])
        .want("fail rome#access_key_1; fail rome#access_key_2; passed 0"),
        case("key_created_eleven_seconds_later_is_not_at_setup", "key-created-at-setup", &[
            "alice password_enabled=true password_last_changed=2020-01-01 access_key_1_active=true access_key_1_last_rotated=2020-01-01T00:00:11+00:00",
        ])
        .want("passed 1"),
        case("audit_peers_2_2_steampipe_ignores_use_key_used", "key-created-at-setup", &[
            "alice password_enabled=true password_last_changed=2020-01-01 access_key_1_active=true access_key_1_last_rotated=2020-01-01 access_key_1_last_used_date=2020-12-01",
        ])
        .want("passed 1"),
        case("prowler_645_new_user_within_grace", "key-created-at-setup", &[
            "alice user_creation_time=2020-12-28 password_enabled=true password_last_changed=2020-12-28 access_key_1_active=true access_key_1_last_rotated=2020-12-28",
        ])
        .want("passed 1"),
        case("machine_user_keys_at_setup_are_fine", "key-created-at-setup", &[
            "svc access_key_1_active=true access_key_1_last_rotated=2020-01-01",
        ])
        .want("passed 0"),
        case("seed_003_legacy_key_at_setup_not_evaluated", "key-created-at-setup", &[
            "alice password_enabled=true password_last_changed=2014-10-16 user_creation_time=2014-10-16 access_key_1_active=true access_key_1_last_rotated=2014-10-16",
        ])
        .legacy()
        .want("not_evaluated alice#access_key_1; passed 0"),
        // ---- user-inactive ----
        case("never_active_user_aged_from_creation", "user-inactive", &[
            "old user_creation_time=2020-09-23",
            "new user_creation_time=2020-12-02",
        ])
        .want("fail old; passed 1")
        .says("no recorded activity"),
        case("last_activity_is_most_recent_of_all_three", "user-inactive", &[
            "alice password_enabled=true password_last_changed=2019-01-01 password_last_used=2019-02-01 access_key_2_active=true access_key_2_last_rotated=2019-01-01 access_key_2_last_used_date=2020-12-22",
            "bob password_enabled=true password_last_changed=2019-01-01 password_last_used=2020-09-23",
        ])
        .want("fail bob; passed 1"),
        case("legacy_user_with_keys_is_not_evaluated", "user-inactive", &[
            "Administrator password_enabled=true password_last_used=2015-01-01 password_last_changed=2014-10-16 access_key_1_active=true access_key_1_last_rotated=2014-12-03",
        ])
        .legacy()
        .at("2015-06-01T00:00:00Z")
        .want("not_evaluated Administrator; passed 0"),
        case("seed_000_may_2018_gap_never_delete_on_bad_data", "user-inactive", &[
            "alice password_enabled=true password_last_changed=2017-01-01 password_last_used=2018-05-02",
        ])
        .at("2018-08-15T00:00:00Z")
        .want("not_evaluated alice; passed 0")
        .says("May 2018 gap"),
        // ---- service-user-console-password ----
        case("audit_peers_6_quirk_11_password_never_used_keys_in_use", "service-user-console-password", &[
            "svc password_enabled=true password_last_changed=2020-01-01 password_last_used=no_information access_key_1_active=true access_key_1_last_rotated=2020-01-01 access_key_1_last_used_date=2020-12-30",
            "person password_enabled=true password_last_changed=2020-01-01 password_last_used=no_information access_key_1_active=true access_key_1_last_rotated=2020-01-01",
        ])
        .want("fail svc#password; passed 1"),
        case("service_user_password_within_grace", "service-user-console-password", &[
            "svc password_enabled=true password_last_changed=2020-12-30 password_last_used=no_information access_key_1_active=true access_key_1_last_rotated=2020-01-01 access_key_1_last_used_date=2020-12-30",
        ])
        .want("passed 1"),
        case("legacy_service_user_not_evaluated", "service-user-console-password", &[
            "svc password_enabled=true password_last_changed=2014-12-01 password_last_used=no_information access_key_1_active=true access_key_1_last_rotated=2014-12-01",
        ])
        .legacy()
        .want("not_evaluated svc#password; passed 0"),
        // ---- password-not-changed ----
        case("password_changed_exactly_90_days_ago", "password-not-changed", &[
            "a password_enabled=true password_last_changed=2020-10-03",
            "b password_enabled=true password_last_changed=2020-10-03T00:00:01+00:00",
        ])
        .want("fail a#password; passed 1"),
        case("password_enabled_without_last_changed_is_not_evaluated", "password-not-changed", &[
            "a password_enabled=true password_last_changed=N/A",
        ])
        .want("not_evaluated a#password; passed 0"),
        // ---- signing-cert-old ----
        case("seed_003_inactive_cert_keeps_last_rotated", "signing-cert-old", &[
            "Bill cert_1_active=false cert_1_last_rotated=2015-04-20T20:00:12+00:00",
        ])
        .want("passed 0"),
        case("active_cert_exactly_365_days_both_slots", "signing-cert-old", &[
            "alice cert_1_active=true cert_1_last_rotated=2020-01-02 cert_2_active=true cert_2_last_rotated=2020-01-02T00:00:01+00:00",
        ])
        .want("fail alice#cert_1; passed 1"),
        // ---- password-2018-gap (seed 000) ----
        case("seed_000_may_2018_gap_bounds", "password-2018-gap", &[
            "root password_last_used=2018-05-10",
            "before password_last_used=2018-04-20",
            "long-before password_last_used=2018-03-01",
            "after password_last_used=2018-05-23T21:08:00+00:00",
        ])
        .want("fail root#password; fail before#password; passed 2")
        .says("May 2018 gap"),
        case("seed_000_no_information_is_not_in_the_gap", "password-2018-gap", &[
            "alice password_enabled=true password_last_used=no_information",
        ])
        .want("passed 0"),
        // ---- role-unused (Access Analyzer's unused roles; 90 days) ----
        case("role_used_recently", "role-unused", &[])
            .roles(&["r created=2019-01-01 last_used=2020-12-20"])
            .want("passed 1"),
        case("role_last_used_exactly_90_days_ago", "role-unused", &[])
            .roles(&[
                "a created=2019-01-01 last_used=2020-10-03",
                "b created=2019-01-01 last_used=2020-10-03T00:00:01+00:00",
            ])
            .want("fail role/a; passed 1")
            .says("was last used 2020-10-03 in eu-west-1, 90 days ago"),
        case("role_never_used_is_aged_from_its_creation", "role-unused", &[])
            .roles(&["new created=2020-12-01", "old created=2019-01-01"])
            .want("fail role/old; passed 1")
            .says("no recorded use since it was created"),
        case("role_threshold_from_the_configuration", "role-unused", &[])
            .roles(&["r created=2019-01-01 last_used=2020-11-15"])
            .config("[thresholds]\nrole_unused_days = 30")
            .want("fail role/r; passed 0"),
        case("service_linked_roles_are_left_out", "role-unused", &[])
            .roles(&["AWSServiceRoleForSupport created=2015-01-01 path=/aws-service-role/support.amazonaws.com/"])
            .want("passed 0"),
        case("role_without_dates_is_not_evaluated", "role-unused", &[])
            .roles(&["r"])
            .want("not_evaluated role/r; passed 0"),
        // ---- permissions-unused (Access Analyzer's unused permissions; 90 days) ----
        case("permissions_unused_lists_the_services", "permissions-unused", &[])
            .roles(&["r created=2019-01-01 last_used=2020-12-30"])
            .accessed(&["role/r s3=2020-12-30 iam=never lambda=2020-06-01"])
            .want("fail role/r; passed 0")
            .says("is allowed 2 of 3 services it has not used in 90 days: Service iam (iam, not used), Service lambda (lambda, last used 2020-06-01)"),
        case("permissions_all_used", "permissions-unused", &[])
            .roles(&["r created=2019-01-01 last_used=2020-12-30"])
            .accessed(&["role/r s3=2020-12-30 iam=2020-12-01"])
            .want("passed 1"),
        case("permissions_never_used_by_a_new_principal_are_not_yet_unused", "permissions-unused", &[])
            .roles(&["r created=2020-12-01"])
            .accessed(&["role/r s3=never"])
            .want("passed 1"),
        case("permissions_unused_without_a_creation_date", "permissions-unused", &[])
            .accessed(&["user/alice s3=never ec2=2020-12-31"])
            .want("fail alice; passed 0")
            .says("(s3, not used)"),
    ]
}

#[test]
fn every_check_and_edge() {
    let mut failures = Vec::new();
    let cases = cases();
    for c in &cases {
        let got = check(c);
        if got != c.want {
            failures.push(format!("{}\n  want: {}\n  got:  {got}", c.name, c.want));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Every check has at least one case.
    for id in credreport_audit::CheckId::ALL {
        assert!(
            cases.iter().any(|c| c.check == id.as_str()),
            "no case for {id}"
        );
    }
}

/// Prowler's CIS 5.0 mapping has two requirements numbered "1.1"; the second is 1.10,
/// "Do not create access keys during initial setup" (audit-peers section 1.3).
#[test]
fn prowler_cis_5_duplicate_1_1_is_1_10_here() {
    let info = credreport_audit::CheckId::KeyCreatedAtSetup.info();
    let cis = info.cis.expect("mapped");
    assert_eq!((cis.v1_4, cis.v5, cis.v6), ("1.11", "1.10", "2.10"));
    let mut v5: Vec<&str> = credreport_audit::CheckId::ALL
        .iter()
        .filter_map(|id| id.info().cis.map(|c| c.v5))
        .collect();
    v5.sort_unstable();
    v5.dedup();
    // password-unused and access-key-unused share 1.11; every other number is unique.
    assert_eq!(
        v5,
        ["1.10", "1.11", "1.12", "1.13", "1.3", "1.4", "1.6", "1.9"]
    );
}

fn run_with(
    config: &str,
    rows: &[&str],
    as_of: &str,
) -> (
    Vec<credreport_audit::Finding<'static>>,
    credreport_audit::Summary,
) {
    let csv = report(rows, Edition::Current);
    let config = Config::from_toml(config).expect("config");
    let as_of = Timestamp::parse(as_of.as_bytes()).expect("as-of").0;
    let mut found = Collect::default();
    let summary = audit_with(
        &config,
        as_of,
        AsOfSource::Given,
        vec![Input::new("case.csv", csv.as_bytes())],
        None,
        None,
        &mut found,
    )
    .expect("audit");
    (found.findings, summary)
}

#[test]
fn suppressions_with_owner_and_expiry() {
    let config = r#"
[[suppress]]
check = "access-key-rotation"
resource = "arn:aws:iam::*:user/ci#access_key_1"
reason = "rotated by the vault"
owner = "platform@example.com"
expires = "2021-06-30"

[[suppress]]
check = "access-key-rotation"
user = "old-*"
reason = "migration"
owner = "sec@example.com"
expires = "2020-12-31"

[[suppress]]
check = "*"
user = "nobody-has-this-name"
reason = "stale"
owner = "sec@example.com"
expires = "2030-01-01"
"#;
    let (findings, summary) = run_with(
        config,
        &[
            "root",
            "ci access_key_1_active=true access_key_1_last_rotated=2019-01-01 access_key_1_last_used_date=2020-12-31",
            "old-app access_key_1_active=true access_key_1_last_rotated=2019-01-01 access_key_1_last_used_date=2020-12-31",
        ],
        AS_OF,
    );
    let rotation: Vec<_> = findings
        .iter()
        .filter(|f| f.check.as_str() == "access-key-rotation")
        .collect();
    assert_eq!(rotation.len(), 2);
    assert_eq!(rotation[0].status, Status::Suppressed);
    assert_eq!(
        rotation[0].suppression.as_ref().map(|s| s.owner.as_str()),
        Some("platform@example.com")
    );
    // Expired the day before the as-of time: reported, and it says so.
    assert_eq!(rotation[1].status, Status::Fail);
    assert!(
        rotation[1]
            .notes()
            .iter()
            .any(|n| n.contains("expired on 2020-12-31")),
        "{:?}",
        rotation[1].notes()
    );
    assert_eq!(summary.suppressions[0].1.suppressed, 1);
    assert_eq!(summary.suppressions[1].1.expired, 1);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("matched no finding")),
        "{:?}",
        summary.notes
    );
    assert_eq!(summary.tally.suppressed, 1);
}

#[test]
fn checks_off_and_severities_from_config() {
    let config =
        "[checks.root-mfa]\nenabled = false\n[checks.root-access-key]\nseverity = \"low\"\n";
    let (findings, summary) = run_with(
        config,
        &["root mfa_active=false access_key_1_active=true access_key_1_last_rotated=2020-01-01"],
        AS_OF,
    );
    assert!(findings.iter().all(|f| f.check.as_str() != "root-mfa"));
    let key = findings
        .iter()
        .find(|f| f.check.as_str() == "root-access-key")
        .expect("root key finding");
    assert_eq!(key.severity.name(), "low");
    let (_, setting, counts) = summary.checks[1];
    assert!(!setting.enabled);
    assert_eq!(counts.evaluated, 0);
}

/// ScoutSuite#1670: incomplete data shown as compliant. A report without a root row
/// leaves the root checks not evaluated, never passed.
#[test]
fn scoutsuite_1670_missing_root_row_is_not_evaluated() {
    let (findings, _) = run_with("", &["alice"], AS_OF);
    let root: Vec<_> = findings
        .iter()
        .filter(|f| f.check.info().scope == credreport_audit::Scope::Root)
        .collect();
    assert_eq!(root.len(), 4);
    for f in root {
        assert_eq!(f.status, Status::NotEvaluated);
        assert_eq!(
            f.resource().to_string(),
            format!("arn:aws:iam::{ACCOUNT}:root")
        );
    }
}

/// prowler#6105: one stable resource id per credential, the same in every check.
#[test]
fn prowler_6105_one_resource_id_per_key_across_checks() {
    let (findings, _) = run_with(
        "",
        &[
            "root",
            "alice access_key_1_active=true access_key_1_last_rotated=2019-01-01",
        ],
        AS_OF,
    );
    let ids: Vec<(&str, String)> = findings
        .iter()
        .filter(|f| f.user() == "alice")
        .map(|f| (f.check.as_str(), f.resource().to_string()))
        .collect();
    let key = "arn:aws:iam::123456789012:user/alice#access_key_1".to_owned();
    assert!(ids.contains(&("access-key-unused", key.clone())), "{ids:?}");
    assert!(ids.contains(&("access-key-rotation", key)), "{ids:?}");
}

#[test]
fn remediation_names_the_real_user_and_key_and_quotes_hostile_names() {
    let (findings, _) = run_with(
        "",
        &[
            "root",
            "x;touch%20pwned access_key_1_active=true access_key_1_last_rotated=2019-01-01",
        ],
        AS_OF,
    );
    let f = findings
        .iter()
        .find(|f| f.check.as_str() == "access-key-rotation")
        .expect("finding");
    let remediation = f.remediation();
    assert!(
        remediation.contains("--user-name 'x;touch%20pwned'"),
        "{remediation}"
    );
    assert!(remediation.contains("created 2019-01-01"), "{remediation}");
}

#[test]
fn times_later_than_as_of_are_noted() {
    let (_, summary) = run_with("", &["root", "alice user_creation_time=2022-01-01"], AS_OF);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("later than the as-of time")),
        "{:?}",
        summary.notes
    );
}
