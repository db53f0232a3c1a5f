//! The store the tests of stored data share: `populate` writes every table and every
//! column of a store through the `Tx` operations (each optional column both with and
//! without a value), the same records on every backend.

#![allow(clippy::unwrap_used, dead_code)] // Each test file uses what it needs.

use credreport_iam::model::{
    AccessKey, Account, ConsoleSession, Entity, Group, InlinePolicy, InstanceProfile, KeptRows,
    KeyUse, ManagedPolicy, MfaDevice, Owner, Password, PasswordHash, PolicyVersion, Role, Sealed,
    SessionStage, SigningCertificate, SshPublicKey, StoredReport, Tag, TagTarget, User,
};
use credreport_iam::password::PasswordPolicy;
use credreport_iam::store::{write, Store, Tx};
use credreport_iam::AccountId;
use credreport_report::Timestamp;

pub fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + secs).unwrap()
}

pub fn acct(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

pub const A1: &str = "123456789012";
pub const A2: &str = "210987654321";

fn hash(name: &str) -> PasswordHash {
    PasswordHash(format!("$argon2id$v=19$m=19456,t=2,p=1${name}"))
}

/// Every table and every column, each optional column both with and without a value.
pub fn populate(store: &dyn Store) {
    let (a1, a2) = (acct(A1), acct(A2));
    write(store, None, |tx| {
        tx.insert_account(&Account {
            id: a1.clone(),
            created: t(0),
            organization_member: false,
            root_password: Some(Password {
                hash: hash("root"),
                created: t(1),
                changed: t(2),
                reset_required: true,
                previous: vec![hash("root-old-1"), hash("root-old-2")],
            }),
            root_password_last_used: None,
            password_policy: Some(PasswordPolicy {
                minimum_password_length: 14,
                require_symbols: true,
                require_numbers: true,
                require_uppercase_characters: false,
                require_lowercase_characters: true,
                allow_users_to_change_password: true,
                max_password_age: Some(90),
                password_reuse_prevention: Some(24),
                hard_expiry: Some(false),
            }),
        })?;
        tx.insert_account(&Account {
            id: a2.clone(),
            created: t(5),
            organization_member: true,
            root_password: None,
            root_password_last_used: None,
            password_policy: None,
        })
    })
    .unwrap();
    write(store, Some(&a1), |tx| {
        populate_identities(tx, &a1)?;
        populate_credentials(tx, &a1)?;
        populate_policies(tx, &a1)?;
        tx.put_report(
            &a1,
            &StoredReport {
                generated: Some(t(500)),
                building_since: None,
                rows: KeptRows::NotYet,
            },
        )?;
        tx.put_report_content(
            &a1,
            b"user,arn\n<root_account>,arn:aws:iam::123456789012:root",
        )?;
        tx.put_console_session(&ConsoleSession {
            token_hash: [7; 32],
            account: a1.clone(),
            owner: Owner::User("AIDAALICE0000000000001".into()),
            stage: SessionStage::SignedIn,
            created: t(600),
            expires: t(600 + 43_200),
            mfa_at: None,
        })?;
        tx.put_console_session(&ConsoleSession {
            token_hash: [9; 32],
            account: a1.clone(),
            owner: Owner::Root,
            stage: SessionStage::MfaRequired,
            created: t(610),
            expires: t(910),
            mfa_at: None,
        })
    })
    .unwrap();
    write(store, Some(&a2), |tx| {
        tx.put_report(
            &a2,
            &StoredReport {
                generated: None,
                building_since: Some(t(700)),
                rows: KeptRows::NotYet,
            },
        )?;
        tx.put_console_session(&ConsoleSession {
            token_hash: [8; 32],
            account: a2.clone(),
            owner: Owner::Root,
            stage: SessionStage::PasswordChangeRequired,
            created: t(620),
            expires: t(920),
            mfa_at: None,
        })
    })
    .unwrap();
    let key_use = KeyUse {
        at: t(800),
        region: "eu-west-1".into(),
        service: "sts".into(),
    };
    let recorded = write(store, Some(&a1), |tx| {
        Ok([
            tx.record_key_use("AKIAROOT000000000001", &key_use, 900)?,
            tx.record_password_use(&a1, &Owner::Root, t(810), 300)?,
            tx.record_password_use(
                &a1,
                &Owner::User("AIDAALICE0000000000001".into()),
                t(820),
                300,
            )?,
        ])
    })
    .unwrap();
    assert_eq!(recorded, [true; 3]);
    store
        .record_sign_in_failure("6b86b273ff34fce19d6b804eff5a3f57", t(830), t(0))
        .unwrap();
    store
        .record_sign_in_failure("d4735e3a265e16eee03f59718b9b5d03", t(840), t(0))
        .unwrap();
}

fn populate_identities(tx: &mut dyn Tx, a1: &AccountId) -> credreport_iam::Result<()> {
    for (id, name, path, created) in [
        ("AIDAALICE0000000000001", "alice", "/", 10),
        ("AIDABOB00000000000002", "Bob", "/team/", 11),
        ("AIDACAROL000000000003", "carol", "/team/ops/", 12),
    ] {
        tx.insert_user(&User {
            account: a1.clone(),
            id: id.into(),
            name: name.into(),
            path: path.into(),
            created: t(created),
            password_last_used: None,
        })?;
    }
    for (id, name, path) in [
        ("AGPAADMINS00000000001", "Admins", "/"),
        ("AGPADEVS0000000000002", "devs", "/eng/"),
    ] {
        tx.insert_group(&Group {
            account: a1.clone(),
            id: id.into(),
            name: name.into(),
            path: path.into(),
            created: t(20),
        })?;
    }
    tx.add_group_member(a1, "AGPAADMINS00000000001", "AIDAALICE0000000000001")?;
    tx.add_group_member(a1, "AGPADEVS0000000000002", "AIDAALICE0000000000001")?;
    tx.add_group_member(a1, "AGPADEVS0000000000002", "AIDABOB00000000000002")?;
    tx.put_role(&Role {
        account: a1.clone(),
        id: "AROADEPLOY00000000001".into(),
        name: "deploy".into(),
        path: "/ci/".into(),
        created: t(30),
        assume_role_policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#.into(),
        description: Some("Deploys from CI".into()),
        max_session_duration: 7_200,
        last_used: Some((t(840), "us-east-1".into())),
    })?;
    tx.put_role(&Role {
        account: a1.clone(),
        id: "AROAREADER0000000002".into(),
        name: "Reader".into(),
        path: "/".into(),
        created: t(31),
        assume_role_policy: "{}".into(),
        description: None,
        max_session_duration: 3_600,
        last_used: None,
    })?;
    tx.insert_instance_profile(&InstanceProfile {
        account: a1.clone(),
        id: "AIPAWEB0000000000001".into(),
        name: "web".into(),
        path: "/".into(),
        created: t(32),
    })?;
    tx.add_profile_role(a1, "AIPAWEB0000000000001", "AROADEPLOY00000000001")?;
    tx.put_tags(
        a1,
        &TagTarget::User("AIDAALICE0000000000001".into()),
        &[
            Tag {
                key: "team".into(),
                value: "platform".into(),
            },
            Tag {
                key: "Cost-Center".into(),
                value: String::new(),
            },
        ],
    )?;
    tx.put_tags(
        a1,
        &TagTarget::Role("AROADEPLOY00000000001".into()),
        &[Tag {
            key: "owner".into(),
            value: "ci".into(),
        }],
    )?;
    tx.set_account_alias(a1, Some("example-corp"))
}

fn populate_credentials(tx: &mut dyn Tx, a1: &AccountId) -> credreport_iam::Result<()> {
    tx.put_login_profile(
        a1,
        "AIDAALICE0000000000001",
        &Password {
            hash: hash("alice"),
            created: t(40),
            changed: t(41),
            reset_required: false,
            previous: vec![hash("alice-old")],
        },
    )?;
    tx.put_login_profile(
        a1,
        "AIDABOB00000000000002",
        &Password {
            hash: hash("bob"),
            created: t(42),
            changed: t(42),
            reset_required: true,
            previous: Vec::new(),
        },
    )?;
    for (id, owner, active, created, last_used) in [
        ("AKIAROOT000000000001", Owner::Root, true, 50, None),
        (
            "AKIAALICE00000000001",
            Owner::User("AIDAALICE0000000000001".into()),
            false,
            51,
            None,
        ),
        (
            "AKIABOB000000000001",
            Owner::User("AIDABOB00000000000002".into()),
            true,
            52,
            Some(KeyUse {
                at: t(60),
                region: "us-west-2".into(),
                service: "s3".into(),
            }),
        ),
    ] {
        tx.put_access_key(&AccessKey {
            id: id.into(),
            account: a1.clone(),
            owner,
            secret: Sealed(id.bytes().rev().collect()),
            active,
            created: t(created),
            last_used,
        })?;
    }
    for (name, assignment, last_counter) in [
        (
            "alice-phone",
            Some((Owner::User("AIDAALICE0000000000001".into()), t(71))),
            Some(56_666_667),
        ),
        ("root-token", Some((Owner::Root, t(72))), None),
        ("spare", None, None),
    ] {
        tx.put_mfa_device(&MfaDevice {
            serial: format!("arn:aws:iam::{A1}:mfa/{name}"),
            account: a1.clone(),
            name: name.into(),
            path: "/".into(),
            seed: Sealed(name.bytes().collect()),
            created: t(70),
            assignment,
            last_counter,
        })?;
    }
    for (id, owner, active, uploaded) in [
        (
            "CERTALICE000000000000000000001",
            "AIDAALICE0000000000001",
            true,
            80,
        ),
        (
            "CERTBOB00000000000000000000002",
            "AIDABOB00000000000002",
            false,
            81,
        ),
    ] {
        tx.put_signing_certificate(&SigningCertificate {
            id: id.into(),
            account: a1.clone(),
            owner: Owner::User(owner.into()),
            body: format!("-----BEGIN CERTIFICATE-----\n{id}\n-----END CERTIFICATE-----\n"),
            der_sha256: [uploaded.try_into().unwrap(); 32],
            active,
            uploaded: t(uploaded),
        })?;
    }
    for (id, user_id, active, uploaded) in [
        ("APKAALICE00000000001", "AIDAALICE0000000000001", true, 82),
        ("APKABOB0000000000002", "AIDABOB00000000000002", false, 83),
    ] {
        tx.put_ssh_public_key(&SshPublicKey {
            id: id.into(),
            account: a1.clone(),
            user_id: user_id.into(),
            body: format!("ssh-rsa AAAA{id} {user_id}"),
            fingerprint: format!("{uploaded:02x}:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00"),
            active,
            uploaded: t(uploaded),
        })?;
    }
    Ok(())
}

fn populate_policies(tx: &mut dyn Tx, a1: &AccountId) -> credreport_iam::Result<()> {
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    for (entity, name) in [
        (Entity::user("AIDAALICE0000000000001"), "AliceInline"),
        (Entity::group("AGPADEVS0000000000002"), "devs-s3"),
        (Entity::role("AROADEPLOY00000000001"), "Deploy"),
    ] {
        tx.put_inline_policy(
            a1,
            &InlinePolicy {
                entity,
                name: name.into(),
                document: allow_all.into(),
            },
        )?;
    }
    for (id, name, description, default_version, next_version) in [
        (
            "ANPABILLING000000001",
            "Billing",
            Some("Billing read"),
            2,
            3,
        ),
        ("ANPAEMPTY0000000002", "empty", None, 1, 2),
    ] {
        tx.put_managed_policy(&ManagedPolicy {
            account: a1.clone(),
            id: id.into(),
            name: name.into(),
            path: "/".into(),
            description: description.map(Into::into),
            created: t(90),
            updated: t(91),
            default_version,
            next_version,
        })?;
        for version in 1..next_version {
            tx.put_policy_version(&PolicyVersion {
                policy_id: id.into(),
                version,
                document: allow_all.into(),
                created: t(90 + i64::from(version)),
            })?;
        }
    }
    let billing = format!("arn:aws:iam::{A1}:policy/Billing");
    tx.attach_policy(a1, &Entity::user("AIDAALICE0000000000001"), &billing)?;
    tx.attach_policy(a1, &Entity::role("AROADEPLOY00000000001"), &billing)?;
    tx.attach_policy(
        a1,
        &Entity::group("AGPAADMINS00000000001"),
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )?;
    tx.put_tags(
        a1,
        &TagTarget::Policy("ANPABILLING000000001".into()),
        &[Tag {
            key: "k".into(),
            value: "v".into(),
        }],
    )
}
