//! Three-valued answers, for requests whose context is only partly known.

/// Whether something holds, over every request context consistent with what is known.
///
/// With a complete context (every key either given or absent) the answer is always `Yes`
/// or `No`. With an open context ([`crate::RequestContext::open`]) a key that was not
/// given may be absent or hold any value, and `Maybe` says the answer depends on it.
/// The logic is Kleene's: `Yes` and `No` are certain, `Maybe` is "for some contexts";
/// combining `Maybe`s over-approximates (two conditions that could never hold together
/// still give `Maybe`), so `Maybe` reads "may", never "will".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    /// For no context.
    No,
    /// For some contexts (or it cannot be told which).
    Maybe,
    /// For every context.
    Yes,
}

impl Tri {
    /// Both.
    #[must_use]
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }

    /// Either.
    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }

    /// Whether it holds for some context.
    pub fn possible(self) -> bool {
        self != Tri::No
    }

    /// Whether it holds for every context.
    pub fn certain(self) -> bool {
        self == Tri::Yes
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// The opposite (`Maybe` stays `Maybe`).
    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
            Tri::Yes => Tri::No,
        }
    }
}

impl From<bool> for Tri {
    fn from(value: bool) -> Tri {
        if value {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, Maybe, No, Yes};

    #[test]
    fn kleene_tables() {
        let all = [No, Maybe, Yes];
        for a in all {
            for b in all {
                // De Morgan holds in Kleene's logic.
                assert_eq!(!a.and(b), (!a).or(!b));
                assert_eq!(a.and(b), b.and(a));
            }
            assert_eq!(!!a, a);
            assert_eq!(a.and(Yes), a);
            assert_eq!(a.or(No), a);
        }
        assert_eq!(Maybe.and(No), No);
        assert_eq!(Maybe.or(Yes), Yes);
        assert!(Tri::from(true).certain() && !Tri::from(false).possible() && Maybe.possible());
    }
}
