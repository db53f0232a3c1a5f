//! The AWS service catalog: every service's IAM namespace (the prefix of its actions), its
//! name, and its actions with their access level, as AWS's Service Authorization Reference
//! lists them (`data/aws-services.json`, whose `SOURCE.md` says where it comes from).
//!
//! Embedded in the binary and read once, on first use ([`Catalog::get`]). Actions are
//! numbered ([`ActionId`]) service by service, each service's actions in ASCII-lowercase
//! order, so a set of actions is a bitmap ([`ActionSet`]) and a service's actions are one
//! range of ids.
//!
//! ```
//! use credreport_policy::catalog::{AccessLevel, Catalog};
//!
//! let catalog = Catalog::get();
//! assert_eq!(catalog.service_name("s3"), Some("Amazon S3"));
//! assert_eq!(catalog.level("s3:GetObject"), Some(AccessLevel::Read));
//! assert_eq!(catalog.level("IAM:passrole"), Some(AccessLevel::PermissionsManagement));
//! let reads = catalog.matching("s3:Get*");
//! assert!(reads.len() > 10);
//! assert!(reads.iter().all(|id| catalog.action(id).namespace() == "s3"));
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::glob::Glob;
use crate::statement::Statement;

const DATA: &str = include_str!("../data/aws-services.json");

/// How an action is classified in the Service Authorization Reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    /// `List`: lists resources.
    List,
    /// `Read`: reads resources and their attributes.
    Read,
    /// `Write`: creates, deletes or changes resources.
    Write,
    /// `Permissions management`: grants or changes permissions (IAM, resource-based
    /// policies, ACLs).
    PermissionsManagement,
    /// `Tagging`: changes tags only.
    Tagging,
}

impl AccessLevel {
    /// Every level, in the reference's order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The reference's name (`List`, `Read`, `Write`, `Permissions management`, `Tagging`).
    pub const fn name(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// The level with this name, as the reference writes it.
    pub fn from_name(name: &str) -> Option<AccessLevel> {
        AccessLevel::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An action's number in the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionId(u32);

impl ActionId {
    /// Its position, from 0 to [`Catalog::len`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A service: its namespace, its name and its actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    namespace: Box<str>,
    name: Box<str>,
    actions: Range<u32>,
}

impl Service {
    /// The IAM namespace (`s3`), the prefix of its actions; always lowercase.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The service's name (`Amazon S3`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its actions.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionId> + '_ {
        self.actions.clone().map(ActionId)
    }
}

#[derive(Clone, Debug)]
struct Entry {
    /// As the reference writes it (`GetObject`).
    name: Cow<'static, str>,
    /// In ASCII lowercase, the order within a service.
    lower: Box<str>,
    level: AccessLevel,
    service: u16,
}

/// One action of the catalog.
#[derive(Clone, Copy, Debug)]
pub struct ActionRef<'c> {
    catalog: &'c Catalog,
    id: ActionId,
}

impl<'c> ActionRef<'c> {
    fn entry(&self) -> &'c Entry {
        &self.catalog.entries[self.id.index()]
    }

    /// Its number.
    pub fn id(&self) -> ActionId {
        self.id
    }

    /// The action's name without its namespace, as the reference writes it
    /// (`GetObject`).
    pub fn name(&self) -> &'c str {
        &self.entry().name
    }

    /// The service's namespace (`s3`).
    pub fn namespace(&self) -> &'c str {
        self.service().namespace()
    }

    /// The service's position in [`Catalog::services`].
    pub fn service_index(&self) -> usize {
        usize::from(self.entry().service)
    }

    /// The service.
    pub fn service(&self) -> &'c Service {
        &self.catalog.services[usize::from(self.entry().service)]
    }

    /// Its access level.
    pub fn level(&self) -> AccessLevel {
        self.entry().level
    }
}

impl fmt::Display for ActionRef<'_> {
    /// `s3:GetObject`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.namespace(), self.name())
    }
}

/// A set of catalog actions, as a bitmap over their ids.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActionSet {
    words: Box<[u64]>,
}

impl fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActionSet({} actions)", self.len())
    }
}

impl ActionSet {
    /// No action, for a catalog of `len` actions.
    fn empty(len: usize) -> ActionSet {
        ActionSet {
            words: vec![0; len.div_ceil(64)].into(),
        }
    }

    /// Adds an action.
    pub fn insert(&mut self, id: ActionId) {
        self.words[id.index() / 64] |= 1 << (id.index() % 64);
    }

    /// Whether it holds the action.
    pub fn contains(&self, id: ActionId) -> bool {
        self.words
            .get(id.index() / 64)
            .is_some_and(|w| w & (1 << (id.index() % 64)) != 0)
    }

    /// Adds every action of `other`.
    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a |= b;
        }
    }

    /// Keeps only the actions also in `other`.
    pub fn intersect_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= b;
        }
    }

    /// Whether the two have an action in common.
    pub fn intersects(&self, other: &ActionSet) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .any(|(a, b)| a & b != 0)
    }

    /// How many actions it holds.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether it holds no action.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Its actions, in id order.
    pub fn iter(&self) -> impl Iterator<Item = ActionId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros();
                w &= w - 1;
                // A catalog has far fewer than 2^32 actions.
                #[allow(clippy::cast_possible_truncation)]
                Some(ActionId((i * 64) as u32 + bit))
            })
        })
    }

    fn insert_range(&mut self, range: Range<u32>) {
        for id in range {
            self.insert(ActionId(id));
        }
    }

    /// The actions of the catalog (of `len` actions) not in this set.
    fn complement(&self, len: usize) -> ActionSet {
        let mut out = ActionSet {
            words: self.words.iter().map(|w| !w).collect(),
        };
        // The bits past the last action stay clear.
        let tail = len % 64;
        if tail != 0 {
            if let Some(last) = out.words.last_mut() {
                *last &= (1u64 << tail) - 1;
            }
        }
        out
    }
}

/// The catalog: services by namespace, actions by name, level and pattern.
#[derive(Debug)]
pub struct Catalog {
    /// Sorted by namespace.
    services: Vec<Service>,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct RawCatalog<'a> {
    #[serde(borrow)]
    services: BTreeMap<Cow<'a, str>, RawService<'a>>,
}

#[derive(Deserialize)]
struct RawService<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    actions: BTreeMap<Cow<'a, str>, Vec<Cow<'a, str>>>,
}

impl Catalog {
    /// The embedded catalog, read on first use.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        // The data is part of the crate and read by its tests: it cannot fail to parse.
        CATALOG.get_or_init(|| {
            Catalog::parse(DATA).unwrap_or(Catalog {
                services: Vec::new(),
                entries: Vec::new(),
            })
        })
    }

    fn parse(json: &'static str) -> Result<Catalog, String> {
        let raw: RawCatalog<'static> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut services = Vec::with_capacity(raw.services.len());
        let mut entries = Vec::new();
        for (index, (namespace, service)) in raw.services.into_iter().enumerate() {
            let index = u16::try_from(index).map_err(|_| "too many services".to_owned())?;
            let mut own = Vec::new();
            for (level, names) in service.actions {
                let level = AccessLevel::from_name(&level)
                    .ok_or_else(|| format!("{namespace}: unknown access level {level:?}"))?;
                for name in names {
                    own.push(Entry {
                        lower: name.to_ascii_lowercase().into(),
                        name,
                        level,
                        service: index,
                    });
                }
            }
            own.sort_by(|a, b| a.lower.cmp(&b.lower));
            own.dedup_by(|a, b| a.lower == b.lower);
            let to_u32 = |n: usize| u32::try_from(n).map_err(|_| "too many actions".to_owned());
            let start = to_u32(entries.len())?;
            entries.extend(own);
            services.push(Service {
                namespace: namespace.to_ascii_lowercase().into(),
                name: service.name.into_owned().into(),
                actions: start..to_u32(entries.len())?,
            });
        }
        Ok(Catalog { services, entries })
    }

    /// How many actions it has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no action (never, for the embedded catalog).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every service, by namespace.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service of a namespace (ASCII case ignored).
    pub fn service(&self, namespace: &str) -> Option<&Service> {
        let lower = namespace.to_ascii_lowercase();
        self.services
            .binary_search_by(|s| (*s.namespace).cmp(&lower))
            .ok()
            .map(|i| &self.services[i])
    }

    /// The name of the service of a namespace (`s3`: `Amazon S3`).
    pub fn service_name(&self, namespace: &str) -> Option<&str> {
        self.service(namespace).map(Service::name)
    }

    /// Every action's id, in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = ActionId> {
        // Fewer than 2^32 entries (checked when read).
        #[allow(clippy::cast_possible_truncation)]
        (0..self.entries.len() as u32).map(ActionId)
    }

    /// An action by its number (ids come from this catalog only).
    pub fn action(&self, id: ActionId) -> ActionRef<'_> {
        ActionRef { catalog: self, id }
    }

    /// The action named `service:Action` (ASCII case ignored).
    pub fn find(&self, action: &str) -> Option<ActionId> {
        let (namespace, name) = action.split_once(':')?;
        let service = self.service(namespace)?;
        let lower = name.to_ascii_lowercase();
        let range = service.actions.start as usize..service.actions.end as usize;
        let at = self.entries[range.clone()]
            .binary_search_by(|e| (*e.lower).cmp(&lower))
            .ok()?;
        u32::try_from(range.start + at).ok().map(ActionId)
    }

    /// The access level of `service:Action`.
    pub fn level(&self, action: &str) -> Option<AccessLevel> {
        self.find(action).map(|id| self.action(id).level())
    }

    /// No action.
    pub fn empty_set(&self) -> ActionSet {
        ActionSet::empty(self.len())
    }

    /// Every action.
    pub fn all(&self) -> ActionSet {
        self.empty_set().complement(self.len())
    }

    /// The actions of one access level.
    pub fn at_level(&self, level: AccessLevel) -> ActionSet {
        let mut set = self.empty_set();
        for (i, e) in self.entries.iter().enumerate() {
            if e.level == level {
                // Fewer than 2^32 entries (checked when read).
                #[allow(clippy::cast_possible_truncation)]
                set.insert(ActionId(i as u32));
            }
        }
        set
    }

    /// The actions an `Action` pattern matches (`*` and `?` wildcards, ASCII case
    /// ignored): `*`, or `service:Name` where either part may have wildcards.
    pub fn matching(&self, pattern: &str) -> ActionSet {
        let mut set = self.empty_set();
        self.add_matching(&Glob::new(&pattern.to_ascii_lowercase()), &mut set);
        set
    }

    /// The actions a statement's `Action` (or `NotAction`) covers. The statement keeps
    /// the answer (there is one catalog, [`Catalog::get`]), so a policy read again costs
    /// a copy of the set, not a match of every pattern against the catalog.
    pub fn covered_by(&self, statement: &Statement) -> ActionSet {
        statement
            .covered()
            .get_or_init(|| self.match_actions(statement))
            .clone()
    }

    fn match_actions(&self, statement: &Statement) -> ActionSet {
        let actions = statement.actions();
        let mut set = self.empty_set();
        for glob in actions.patterns() {
            self.add_matching(glob, &mut set);
        }
        if actions.negated() {
            set.complement(self.len())
        } else {
            set
        }
    }

    /// Adds the actions a lowercase pattern matches to `set`.
    fn add_matching(&self, pattern: &Glob, set: &mut ActionSet) {
        let text = pattern.text();
        let Some((namespace, name)) = text.split_once(':') else {
            // Only `*` (or a run of them) matches without a colon... and matches all.
            if pattern.matches("") {
                for s in &self.services {
                    set.insert_range(s.actions.clone());
                }
            }
            return;
        };
        if text.starts_with(['*', '?']) || namespace.contains(['*', '?']) {
            // A wildcard may span the colon: test every action's full name.
            let mut full = String::new();
            for s in &self.services {
                for id in s.actions.clone() {
                    full.clear();
                    full.push_str(&s.namespace);
                    full.push(':');
                    full.push_str(&self.entries[id as usize].lower);
                    if pattern.matches(&full) {
                        set.insert(ActionId(id));
                    }
                }
            }
            return;
        }
        // The pattern is lowercase already: no copy to look the service up.
        let Ok(at) = self
            .services
            .binary_search_by(|s| (*s.namespace).cmp(namespace))
        else {
            return;
        };
        let service = &self.services[at];
        let range = service.actions.start as usize..service.actions.end as usize;
        let names = &self.entries[range.clone()];
        // Names are sorted within a service: a literal prefix (`Get` of `Get*`, the whole
        // of `GetObject`) narrows the search to one run of them.
        let prefix_len = name.find(['*', '?']).unwrap_or(name.len());
        let prefix = &name[..prefix_len];
        let from = names.partition_point(|e| *e.lower < *prefix);
        let to = from + names[from..].partition_point(|e| e.lower.starts_with(prefix));
        // Fewer than 2^32 entries (checked when read).
        #[allow(clippy::cast_possible_truncation)]
        let id = |i: usize| ActionId((range.start + from + i) as u32);
        if name.len() == prefix_len + 1 && name.ends_with('*') {
            // `Get*`: the whole run.
            for i in 0..to - from {
                set.insert(id(i));
            }
            return;
        }
        let name_glob = Glob::new(name);
        for (i, e) in names[from..to].iter().enumerate() {
            if name_glob.matches(&e.lower) {
                set.insert(id(i));
            }
        }
    }
}
