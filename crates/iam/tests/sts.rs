//! STS in the domain (issue 23), table by table: GetSessionToken's durations (users 900 to
//! 129,600 s, 12 hours by default; the root user at most an hour) and its MFA code,
//! accepted once; AssumeRole's trust principal forms, `ExternalId`, MFA required by the
//! trust policy, session tags (and `sts:TagSession`), `DurationSeconds` within the role's
//! `MaxSessionDuration`, role chaining capped at an hour, and session policies that narrow
//! what the session may do, never widen it.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::model::{Owner, Tag};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::sts::{AssumeRequest, MfaProof, SessionCredentials, SessionFacts, StsCaller};
use credreport_iam::{
    totp, AccountId, Error, Iam, IamConfig, ManualClock, Named, NewRole, SqliteStore, Store,
};
use credreport_policy::{
    decide, parse_policy, Decision, Policy, PolicySet, Principal, Request, RequestContext,
    SourceType, Sourced,
};
use credreport_report::Timestamp;

const ALLOW_ASSUME: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
const ALLOW_ASSUME_AND_TAG: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}"#;

struct World {
    iam: Iam,
    _dir: tempfile::TempDir,
    account: AccountId,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let clock = ManualClock::new(Timestamp::from_unix(1_790_000_000).unwrap());
    let iam = Iam::new(
        store,
        Arc::new(clock),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = iam.create_account(None, false).unwrap().account.id;
    World {
        iam,
        _dir: dir,
        account,
    }
}

/// Who asks: the root user, an IAM user with identity policies, or a role session.
enum Who {
    Root,
    User {
        name: &'static str,
        policies: Vec<Policy>,
    },
    Session {
        role: &'static str,
        facts: SessionFacts,
        policies: Vec<Policy>,
    },
}

/// Runs `f` as `who` (its StsCaller built as the server builds it).
fn as_caller<R>(w: &World, who: &Who, f: impl FnOnce(&StsCaller<'_>) -> R) -> R {
    let account = w.account.as_str();
    let context = RequestContext::new();
    match who {
        Who::Root => {
            let arn = w.account.root_arn();
            f(&StsCaller {
                account: &w.account,
                principal: Principal::Root { account },
                owner: Some(&Owner::Root),
                display_arn: &arn,
                session: None,
                identity: &[],
                boundary: None,
                session_policies: &[],
                context: &context,
            })
        }
        Who::User { name, policies } => {
            let user = w.iam.user(&w.account, name).unwrap();
            let arn = user.arn();
            let owner = Owner::User(user.id.clone());
            let identity = sourced(policies);
            f(&StsCaller {
                account: &w.account,
                principal: Principal::User { account, arn: &arn },
                owner: Some(&owner),
                display_arn: &arn,
                session: None,
                identity: &identity,
                boundary: None,
                session_policies: &[],
                context: &context,
            })
        }
        Who::Session {
            role,
            facts,
            policies,
        } => {
            let role_arn = w.iam.role(&w.account, role).unwrap().arn();
            let session_arn = format!("arn:aws:sts::{account}:assumed-role/{role}/session");
            let identity = sourced(policies);
            f(&StsCaller {
                account: &w.account,
                principal: Principal::AssumedRole {
                    account,
                    role_arn: &role_arn,
                    session_arn: Some(&session_arn),
                },
                owner: None,
                display_arn: &session_arn,
                session: Some(facts),
                identity: &identity,
                boundary: None,
                session_policies: &[],
                context: &context,
            })
        }
    }
}

fn sourced(policies: &[Policy]) -> Vec<Sourced<'_>> {
    policies
        .iter()
        .map(|policy| Sourced {
            id: "p",
            source_type: SourceType::User,
            policy,
        })
        .collect()
}

fn policy(text: &str) -> Policy {
    parse_policy(text).unwrap()
}

fn user(w: &World, name: &'static str, policies: &[&str]) -> Who {
    w.iam.create_user(&w.account, name, None).unwrap();
    Who::User {
        name,
        policies: policies.iter().map(|p| policy(p)).collect(),
    }
}

fn role(w: &World, name: &str, trust: &str, max: Option<u32>) {
    let trust = trust.replace("ACCOUNT", w.account.as_str());
    w.iam
        .create_role(
            &w.account,
            &NewRole {
                name,
                path: None,
                assume_role_policy: &trust,
                description: None,
                max_session_duration: max,
                permissions_boundary: None,
            },
        )
        .unwrap();
}

fn role_arn(w: &World, name: &str) -> String {
    format!("arn:aws:iam::{}:role/{name}", w.account)
}

fn assume(arn: &str) -> AssumeRequest<'_> {
    AssumeRequest {
        role_arn: arn,
        session_name: "session",
        duration_secs: None,
        external_id: None,
        mfa: None,
        policy: None,
        policy_arns: &[],
        tags: &[],
        region: "us-east-1",
    }
}

fn trust(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":["sts:AssumeRole","sts:TagSession"]{condition}}}]}}"#
    )
}

/// How long the credentials last.
fn lasts(w: &World, c: &SessionCredentials) -> i64 {
    c.expiration.unix() - w.iam.now().unix()
}

/// What refused: the validated member or the error's kind.
fn refusal(e: &Error) -> String {
    match e {
        Error::AccessDenied(_) => "AccessDenied".into(),
        Error::Validation(v) => format!("Validation {}", v[0].field),
        Error::ValidationText(t) => format!("ValidationText {t}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn get_session_token_durations_are_awss() {
    // (root?, DurationSeconds, how long the credentials last, or what refuses them)
    let cases: &[(bool, Option<u32>, Result<i64, &str>)] = &[
        (false, None, Ok(43_200)),
        (false, Some(900), Ok(900)),
        (false, Some(129_600), Ok(129_600)),
        (false, Some(899), Err("Validation durationSeconds")),
        (false, Some(129_601), Err("Validation durationSeconds")),
        (true, None, Ok(3600)),
        (true, Some(900), Ok(900)),
        // The root user's sessions last an hour at most: a longer ask gets an hour.
        (true, Some(7200), Ok(3600)),
        (true, Some(899), Err("Validation durationSeconds")),
    ];
    let w = world();
    let alice = user(&w, "alice", &[]);
    for (root, asked, expected) in cases {
        let who = if *root { &Who::Root } else { &alice };
        let got = as_caller(&w, who, |c| w.iam.get_session_token(c, *asked, None));
        match (expected, got) {
            (Ok(secs), Ok(creds)) => assert_eq!(lasts(&w, &creds), *secs, "{root} {asked:?}"),
            (Err(why), Err(e)) => assert_eq!(refusal(&e), *why, "{root} {asked:?}"),
            (_, got) => panic!("{root} {asked:?}: {got:?}"),
        }
    }
}

/// An MFA device for `name`, enabled with the codes of the counters before and at now;
/// answers its serial and the code of the next counter.
fn device(w: &World, name: &str) -> (String, String, String) {
    let owner = Owner::User(w.iam.user(&w.account, name).unwrap().id);
    let d = w
        .iam
        .create_virtual_mfa_device(&w.account, None, &format!("{name}-phone"))
        .unwrap();
    let seed = totp::base32_decode(d.base32_seed.expose_str().unwrap()).unwrap();
    let c = totp::counter_at(w.iam.now().unix());
    let code = |n| totp::format_code(totp::code_at(&seed, n));
    w.iam
        .enable_mfa_device(&w.account, &owner, &d.device.serial, &code(c - 1), &code(c))
        .unwrap();
    (d.device.serial.clone(), code(c + 1), code(c - 1))
}

#[test]
fn an_mfa_code_makes_an_mfa_session_once() {
    let w = world();
    let alice = user(&w, "alice", &[]);
    let (serial, next, old) = device(&w, "alice");
    let ask = |code: &str| {
        as_caller(&w, &alice, |c| {
            w.iam.get_session_token(
                c,
                None,
                Some(MfaProof {
                    serial: &serial,
                    code,
                }),
            )
        })
    };
    let creds = ask(&next).unwrap();
    let session = w
        .iam
        .session(&creds.access_key_id, &creds.session_token)
        .unwrap();
    assert_eq!(session.facts.mfa_authenticated, Some(w.iam.now()));
    // The same code again, an older one, a wrong one: refused.
    for code in [next.as_str(), old.as_str(), "000000"] {
        let e = ask(code).unwrap_err();
        assert_eq!(refusal(&e), "AccessDenied", "{code}");
    }
    // Without a code: a session without MFA.
    let creds = as_caller(&w, &alice, |c| w.iam.get_session_token(c, None, None)).unwrap();
    let session = w
        .iam
        .session(&creds.access_key_id, &creds.session_token)
        .unwrap();
    assert_eq!(session.facts.mfa_authenticated, None);
}

#[test]
fn trust_policy_principal_forms() {
    // (the trust policy's Principal, whether alice's own policies allow sts:AssumeRole,
    // whether she may assume the role)
    let cases: &[(&str, bool, bool)] = &[
        (r#"{"AWS":"ACCOUNT"}"#, true, true),
        (r#"{"AWS":"ACCOUNT"}"#, false, false),
        (r#"{"AWS":"arn:aws:iam::ACCOUNT:root"}"#, true, true),
        (r#"{"AWS":"*"}"#, true, true),
        // Naming the user grants on its own, within the account.
        (r#"{"AWS":"arn:aws:iam::ACCOUNT:user/alice"}"#, false, true),
        (
            r#"{"AWS":["arn:aws:iam::ACCOUNT:user/bob","arn:aws:iam::ACCOUNT:user/alice"]}"#,
            false,
            true,
        ),
        (r#"{"AWS":"arn:aws:iam::ACCOUNT:user/bob"}"#, true, false),
        (r#"{"AWS":"111122223333"}"#, true, false),
        (r#"{"Service":"ec2.amazonaws.com"}"#, true, false),
    ];
    let w = world();
    w.iam.create_user(&w.account, "alice", None).unwrap();
    for (i, (principal, own, allowed)) in cases.iter().enumerate() {
        let name = format!("r{i}");
        role(&w, &name, &trust(principal, ""), None);
        let who = Who::User {
            name: "alice",
            policies: if *own {
                vec![policy(ALLOW_ASSUME)]
            } else {
                vec![]
            },
        };
        let got = as_caller(&w, &who, |c| {
            w.iam.assume_role(c, &assume(&role_arn(&w, &name)))
        });
        assert_eq!(got.is_ok(), *allowed, "{principal} own={own}: {got:?}");
    }
    // The root user may not assume roles.
    role(&w, "root-target", &trust(r#"{"AWS":"ACCOUNT"}"#, ""), None);
    let got = as_caller(&w, &Who::Root, |c| {
        w.iam.assume_role(c, &assume(&role_arn(&w, "root-target")))
    });
    assert_eq!(refusal(&got.unwrap_err()), "AccessDenied");
}

#[test]
fn external_id_and_mfa_required_by_the_trust_policy() {
    let w = world();
    let alice = user(&w, "alice", &[ALLOW_ASSUME]);
    role(
        &w,
        "third-party",
        &trust(
            r#"{"AWS":"ACCOUNT"}"#,
            r#","Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}"#,
        ),
        None,
    );
    for (external, ok) in [(Some("x-123"), true), (None, false), (Some("x-124"), false)] {
        let got = as_caller(&w, &alice, |c| {
            w.iam.assume_role(
                c,
                &AssumeRequest {
                    external_id: external,
                    ..assume(&role_arn(&w, "third-party"))
                },
            )
        });
        assert_eq!(got.is_ok(), ok, "{external:?}: {got:?}");
    }
    role(
        &w,
        "mfa-only",
        &trust(
            r#"{"AWS":"ACCOUNT"}"#,
            r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
        ),
        None,
    );
    let without = as_caller(&w, &alice, |c| {
        w.iam.assume_role(c, &assume(&role_arn(&w, "mfa-only")))
    });
    assert_eq!(refusal(&without.unwrap_err()), "AccessDenied");
    let (serial, next, _) = device(&w, "alice");
    let with = as_caller(&w, &alice, |c| {
        w.iam.assume_role(
            c,
            &AssumeRequest {
                mfa: Some(MfaProof {
                    serial: &serial,
                    code: &next,
                }),
                ..assume(&role_arn(&w, "mfa-only"))
            },
        )
    })
    .unwrap();
    let session = w
        .iam
        .session(&with.access_key_id, &with.session_token)
        .unwrap();
    assert!(session.facts.mfa_authenticated.is_some());
}

#[test]
fn session_tags_need_tag_session_and_ride_with_the_session() {
    let w = world();
    role(&w, "tagged", &trust(r#"{"AWS":"ACCOUNT"}"#, ""), None);
    let tags = [Tag {
        key: "project".into(),
        value: "blue".into(),
    }];
    let without = user(&w, "alice", &[ALLOW_ASSUME]);
    let got = as_caller(&w, &without, |c| {
        w.iam.assume_role(
            c,
            &AssumeRequest {
                tags: &tags,
                ..assume(&role_arn(&w, "tagged"))
            },
        )
    });
    let e = got.unwrap_err();
    assert!(e.to_string().contains("sts:TagSession"), "{e}");
    let with = user(&w, "bob", &[ALLOW_ASSUME_AND_TAG]);
    let creds = as_caller(&w, &with, |c| {
        w.iam.assume_role(
            c,
            &AssumeRequest {
                tags: &tags,
                ..assume(&role_arn(&w, "tagged"))
            },
        )
    })
    .unwrap();
    let session = w
        .iam
        .session(&creds.access_key_id, &creds.session_token)
        .unwrap();
    assert_eq!(session.facts.tags, tags);
}

#[test]
fn duration_within_max_session_duration_and_chaining_within_an_hour() {
    let w = world();
    let alice = user(&w, "alice", &[ALLOW_ASSUME]);
    role(&w, "long", &trust(r#"{"AWS":"ACCOUNT"}"#, ""), Some(7200));
    // (DurationSeconds, how long, or what refuses)
    let cases: &[(Option<u32>, Result<i64, &str>)] = &[
        (None, Ok(3600)),
        (Some(900), Ok(900)),
        (Some(7200), Ok(7200)),
        (
            Some(7201),
            Err("ValidationText The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
        ),
        (Some(899), Err("Validation durationSeconds")),
    ];
    for (asked, expected) in cases {
        let got = as_caller(&w, &alice, |c| {
            w.iam.assume_role(
                c,
                &AssumeRequest {
                    duration_secs: *asked,
                    ..assume(&role_arn(&w, "long"))
                },
            )
        });
        match (expected, got) {
            (Ok(secs), Ok(creds)) => assert_eq!(lasts(&w, &creds), *secs, "{asked:?}"),
            (Err(why), Err(e)) => assert_eq!(refusal(&e), *why, "{asked:?}"),
            (_, got) => panic!("{asked:?}: {got:?}"),
        }
    }
    // A session of `long` assuming `long` again: at most an hour.
    let chained = Who::Session {
        role: "long",
        facts: SessionFacts::issued_at(w.iam.now()),
        policies: vec![policy(ALLOW_ASSUME)],
    };
    let ask = |d| {
        as_caller(&w, &chained, |c| {
            w.iam.assume_role(
                c,
                &AssumeRequest {
                    duration_secs: Some(d),
                    ..assume(&role_arn(&w, "long"))
                },
            )
        })
    };
    let creds = ask(3600).unwrap();
    assert!(
        w.iam
            .session(&creds.access_key_id, &creds.session_token)
            .unwrap()
            .chained
    );
    assert_eq!(
        refusal(&ask(3601).unwrap_err()),
        "ValidationText The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
}

#[test]
fn session_policies_narrow_never_widen() {
    let w = world();
    let alice = user(&w, "alice", &[ALLOW_ASSUME]);
    role(&w, "worker", &trust(r#"{"AWS":"ACCOUNT"}"#, ""), None);
    let role_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:ListUsers"],"Resource":"*"}]}"#;
    w.iam
        .put_inline_policy(&w.account, Named::Role("worker"), "work", role_policy)
        .unwrap();
    let session_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:*"],"Resource":"*"}]}"#;
    let creds = as_caller(&w, &alice, |c| {
        w.iam.assume_role(
            c,
            &AssumeRequest {
                policy: Some(session_policy),
                ..assume(&role_arn(&w, "worker"))
            },
        )
    })
    .unwrap();
    assert!(creds.packed_policy_size.is_some());
    let session = w
        .iam
        .session(&creds.access_key_id, &creds.session_token)
        .unwrap();
    assert_eq!(session.facts.policies.len(), 1);
    // The session is decided with the role's policies and its session policy, as the
    // server decides it.
    let role = w.iam.role(&w.account, "worker").unwrap();
    let identity = [policy(role_policy)];
    let identity = sourced(&identity);
    let session_sourced: Vec<Sourced<'_>> =
        session.facts.policies.iter().map(|p| p.sourced()).collect();
    let set = PolicySet {
        identity: &identity,
        session: &session_sourced,
        ..PolicySet::default()
    };
    let arn = session.arn();
    let ctx = RequestContext::new();
    let ask = |action| {
        decide(
            &Request {
                principal: Principal::AssumedRole {
                    account: w.account.as_str(),
                    role_arn: &role.arn(),
                    session_arn: Some(&arn),
                },
                action,
                resource: "*",
                resource_account: None,
                context: &ctx,
            },
            &set,
        )
    };
    // (action, decision): both allow GetUser; the session policy leaves ListUsers out;
    // s3 is in the session policy only, which never grants on its own.
    for (action, expected) in [
        ("iam:GetUser", Decision::Allow),
        ("iam:ListUsers", Decision::ImplicitDeny),
        ("s3:GetObject", Decision::ImplicitDeny),
    ] {
        assert_eq!(ask(action), expected, "{action}");
    }
}
