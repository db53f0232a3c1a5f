//! One set of policies (a principal's identity-based documents and boundary), asked of the
//! policy evaluator: may it do every action everywhere, change something, read something,
//! and which actions may it perform on some resource.
//!
//! Asking the evaluator about each of the catalog's 20,000 actions would be slow, and it
//! is not needed: the evaluator's answer for an action depends on the action only through
//! which statements' `Action` (or `NotAction`) cover it. The catalog's actions are split
//! into classes of the same coverage (partition refinement over the statements'
//! [`ActionSet`]s), and one action of each class is asked. Actions whose question differs
//! (own credentials, context keys that decide a change: [`crate::effect`]) are classes of
//! their own. A set of AWS managed policies has a few dozen classes.

use std::sync::OnceLock;

use credreport_policy::catalog::{ActionId, ActionSet, Catalog};
use credreport_policy::{
    allowed, keys, ContextValue, PolicySet, Principal, Request, RequestContext, SourceType, Sourced,
};

use crate::account::{Doc, Kind, SetKey};
use crate::effect::{
    change_context, effect, own_credential, special_actions, Effect, OwnCredential,
};

/// What one set of policies allows.
#[derive(Clone, Debug)]
pub(crate) struct SetAnalysis {
    /// Every action of the catalog on a resource no statement names (so on every
    /// resource), for some context.
    pub everything: bool,
    /// An action that changes something that it may perform somewhere.
    pub change: Option<ActionId>,
    /// An action that reads that it may perform somewhere.
    pub read: Option<ActionId>,
    /// The actions it may perform on some resource, for some context.
    pub somewhere: ActionSet,
}

/// The name a stand-in principal has: parentheses are not allowed in IAM names, so no
/// policy names it, and `${aws:username}` resolves to something no other user is.
pub(crate) const STAND_IN: &str = "(self)";

/// Namespaces whose actions make the clearest examples, in order of preference.
const EXAMPLE_SERVICES: [&str; 8] = [
    "iam", "s3", "ec2", "lambda", "sts", "dynamodb", "kms", "ssm",
];

/// The principal keys every member of a set shares (account and kind), the others
/// unknown: answers hold for whoever holds the set.
pub(crate) fn shared_context(kind: Kind, account: &str) -> RequestContext {
    let mut ctx = RequestContext::open();
    ctx.set(keys::PRINCIPAL_ACCOUNT, ContextValue::string(account));
    ctx.set(
        keys::PRINCIPAL_TYPE,
        ContextValue::string(match kind {
            Kind::User => "User",
            Kind::Role => "AssumedRole",
        }),
    );
    ctx
}

/// The ARN of a stand-in principal of `kind` in `account`.
pub(crate) fn stand_in_arn(kind: Kind, partition: &str, account: &str) -> String {
    match kind {
        Kind::User => format!("arn:{partition}:iam::{account}:user/{STAND_IN}"),
        Kind::Role => format!("arn:{partition}:iam::{account}:role/{STAND_IN}"),
    }
}

/// A resource no statement names: empty service, region, account and resource parts,
/// which only wildcards (`*`) match. Allowed on it, an action is allowed on every resource
/// its statements cover with wildcards alone.
pub(crate) fn unnamed_resource(partition: &str) -> String {
    format!("arn:{partition}::::")
}

/// The policies of a key, as the evaluator takes them.
pub(crate) fn sourced<'a>(
    key: &SetKey,
    docs: &'a [Doc],
) -> (Vec<Sourced<'a>>, Option<Sourced<'a>>) {
    let source = |n: u32| Sourced {
        id: "",
        source_type: SourceType::None,
        policy: &docs[n as usize].policy,
    };
    (
        key.identity.iter().map(|&n| source(n)).collect(),
        key.boundary.map(source),
    )
}

/// Asks the evaluator about one set (see the module documentation).
/// `scratch` is a buffer the caller keeps from one set to the next (the class of each
/// action: clearing 20,000 entries per set would cost more than a small set's questions).
pub(crate) fn analyze(key: &SetKey, docs: &[Doc], scratch: &mut Vec<u32>) -> SetAnalysis {
    let catalog = Catalog::get();
    let (identity, boundary) = sourced(key, docs);
    let policies = PolicySet {
        identity: &identity,
        boundary,
        ..PolicySet::default()
    };
    let stand_in = stand_in_arn(key.kind, &key.partition, &key.account);
    let principal = match key.kind {
        Kind::User => Principal::User {
            account: &key.account,
            arn: &stand_in,
        },
        Kind::Role => Principal::AssumedRole {
            account: &key.account,
            role_arn: &stand_in,
            session_arn: None,
        },
    };
    let mut anywhere = shared_context(key.kind, &key.account);
    anywhere.any_resource();
    let unnamed = unnamed_resource(&key.partition);
    let ask = |action: &str, resource: &str, ctx: &RequestContext| {
        let request = Request {
            principal,
            action,
            resource,
            resource_account: None,
            context: ctx,
        };
        allowed(&request, &policies).possible()
    };

    // The statements, identity-based first, then the boundary's.
    let statements: Vec<(&ActionSet, bool)> = key
        .identity
        .iter()
        .map(|&n| (n, false))
        .chain(key.boundary.map(|n| (n, true)))
        .flat_map(|(n, in_boundary)| {
            let doc = &docs[n as usize];
            doc.coverage
                .iter()
                .zip(doc.policy.statements())
                .map(move |(c, s)| {
                    let allows = s.effect() == credreport_policy::Effect::Allow;
                    (c, allows && !in_boundary)
                })
        })
        .collect();
    let classes = Classes::of(catalog, statements.iter().map(|(c, _)| *c), scratch);

    // Every action everywhere: only worth asking when the identity-based Allows cover
    // every action, and the boundary's (if any) too.
    let mut allow_cover = catalog.empty_set();
    for (coverage, identity_allow) in &statements {
        if *identity_allow {
            allow_cover.union_with(coverage);
        }
    }
    let mut candidate = allow_cover.len() == catalog.len();
    if let Some(b) = key.boundary {
        let doc = &docs[b as usize];
        let mut cover = catalog.empty_set();
        for (c, s) in doc.coverage.iter().zip(doc.policy.statements()) {
            if s.effect() == credreport_policy::Effect::Allow {
                cover.union_with(c);
            }
        }
        candidate &= cover.len() == catalog.len();
    }

    let shared = shared_context(key.kind, &key.account);
    let mut name = String::new();
    let mut somewhere_by_class = vec![false; classes.count];
    let mut everything = candidate;
    for (class, rep) in classes.representatives() {
        full_name(catalog, rep, &mut name);
        somewhere_by_class[class] = ask(&name, "*", &anywhere);
        if everything && !ask(&name, &unnamed, &shared) {
            everything = false;
        }
    }
    // An action no statement covers is allowed nowhere: only the covered ones are asked.
    let mut somewhere = catalog.empty_set();
    for id in classes.covered.iter() {
        if somewhere_by_class[classes.of_action[id.index()] as usize] {
            somewhere.insert(id);
        }
    }

    // Whether an action changes something somewhere: its own question for the special
    // ones.
    let mut placeholder = RequestContext::open();
    match key.kind {
        Kind::User => placeholder.principal_user(&key.account, &stand_in, STAND_IN, STAND_IN),
        Kind::Role => {
            placeholder.principal_role_session(&key.account, &stand_in, STAND_IN, STAND_IN)
        }
    };
    let other_user = format!("arn:{}:iam::{}:user/", key.partition, key.account);
    let changes = |id: ActionId| -> bool {
        if !somewhere.contains(id) {
            return false;
        }
        let action = catalog.action(id);
        if effect(action) != Effect::Change {
            return false;
        }
        let full = action.to_string();
        if let Some(own) = own_credential(action) {
            return own == OwnCredential::OfUser && ask(&full, &other_user, &placeholder);
        }
        if let Some((k, v)) = change_context(action) {
            let mut ctx = anywhere.clone();
            ctx.set(k, ContextValue::string(v));
            return ask(&full, "*", &ctx);
        }
        true
    };
    let reads = |id: ActionId| somewhere.contains(id) && effect(catalog.action(id)) == Effect::Read;
    let analysis = SetAnalysis {
        everything,
        change: example(catalog, &somewhere, changes),
        read: example(catalog, &somewhere, reads),
        somewhere,
    };
    classes.release(scratch);
    analysis
}

/// An action of `within` that `holds`, from the example services first (in their
/// order), else the first.
fn example(
    catalog: &Catalog,
    within: &ActionSet,
    holds: impl Fn(ActionId) -> bool,
) -> Option<ActionId> {
    static RANKS: OnceLock<Vec<u8>> = OnceLock::new();
    let ranks = RANKS.get_or_init(|| {
        let catalog = Catalog::get();
        let mut ranks = vec![u8::MAX; catalog.services().len()];
        for (rank, ns) in (0u8..).zip(EXAMPLE_SERVICES) {
            if let Some(i) = catalog.services().iter().position(|s| s.namespace() == ns) {
                ranks[i] = rank;
            }
        }
        ranks
    });
    let mut best: Option<(u8, ActionId)> = None;
    for id in within.iter() {
        let rank = ranks[catalog.action(id).service_index()];
        if best.is_some_and(|(b, _)| rank >= b) {
            continue;
        }
        if holds(id) {
            best = Some((rank, id));
            if rank == 0 {
                break;
            }
        }
    }
    best.map(|(_, id)| id)
}

fn full_name(catalog: &Catalog, id: ActionId, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let _ = write!(out, "{}", catalog.action(id));
}

/// The catalog's actions split by which statements cover them; only the actions some
/// statement covers (an action none covers is allowed nowhere, and is not asked about).
struct Classes {
    /// The class of each action, by id (0 for those no statement covers).
    of_action: Vec<u32>,
    count: usize,
    /// The actions some statement covers.
    covered: ActionSet,
}

impl Classes {
    fn of<'a>(
        catalog: &Catalog,
        coverages: impl Iterator<Item = &'a ActionSet>,
        scratch: &mut Vec<u32>,
    ) -> Classes {
        // All zeros: new, or cleared by `release`.
        let mut of_action = std::mem::take(scratch);
        of_action.resize(catalog.len(), 0);
        let mut count = 1usize;
        let fresh = |count: &mut usize| {
            // At most one class per action: fewer than 2^32.
            #[allow(clippy::cast_possible_truncation)]
            let c = *count as u32;
            *count += 1;
            c
        };
        for &id in special_ids() {
            of_action[id.index()] = fresh(&mut count);
        }
        let mut covered = catalog.empty_set();
        let mut split_to: Vec<u32> = Vec::new();
        for coverage in coverages {
            covered.union_with(coverage);
            split_to.clear();
            split_to.resize(count, u32::MAX);
            for id in coverage.iter() {
                let old = of_action[id.index()] as usize;
                if split_to[old] == u32::MAX {
                    split_to[old] = fresh(&mut count);
                }
                of_action[id.index()] = split_to[old];
            }
        }
        Classes {
            of_action,
            count,
            covered,
        }
    }

    /// Gives the buffer back, all zeros again (only the entries set are cleared).
    fn release(mut self, scratch: &mut Vec<u32>) {
        for id in self.covered.iter() {
            self.of_action[id.index()] = 0;
        }
        for &id in special_ids() {
            self.of_action[id.index()] = 0;
        }
        *scratch = self.of_action;
    }

    /// One covered action of each class, with its class.
    fn representatives(&self) -> Vec<(usize, ActionId)> {
        let mut seen = vec![false; self.count];
        let mut reps = Vec::new();
        for id in self.covered.iter() {
            let class = self.of_action[id.index()] as usize;
            if !seen[class] {
                seen[class] = true;
                reps.push((class, id));
            }
        }
        reps
    }
}

/// The ids of the actions that need a question of their own, looked up once.
fn special_ids() -> &'static [ActionId] {
    static IDS: OnceLock<Vec<ActionId>> = OnceLock::new();
    IDS.get_or_init(|| {
        let catalog = Catalog::get();
        special_actions()
            .filter_map(|(service, name)| catalog.find(&format!("{service}:{name}")))
            .collect()
    })
}
