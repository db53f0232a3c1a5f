//! Closed sets of values that files and outputs write as fixed names (`remediate`,
//! `deactivate-access-key`, `skipped`): one enum each, its names written once, read back
//! strictly. The history stores them as text, plans and JSON outputs as strings.

/// Declares an enum whose variants are written as the given names: `name()`,
/// `from_name()`, `ALL`, `Display`, and serde as the name (an unknown name is refused,
/// listing the known ones).
macro_rules! named {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $($(#[$vmeta:meta])* $variant:ident = $name:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $ty {
            $($(#[$vmeta])* $variant,)+
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)+];
            /// Every name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name,)+];

            /// The name files and outputs write.
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            /// The value with this name.
            pub fn from_name(name: &str) -> Option<$ty> {
                $ty::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.name())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                $ty::from_name(&text)
                    .ok_or_else(|| ::serde::de::Error::unknown_variant(&text, $ty::NAMES))
            }
        }
    };
}

pub(crate) use named;

#[cfg(test)]
mod tests {
    named! {
        /// A test set.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark-blue",
        }
    }

    #[test]
    fn names_round_trip_and_strangers_are_refused_with_the_known_names() {
        for c in Colour::ALL {
            assert_eq!(Colour::from_name(c.name()), Some(*c));
            let json = serde_json::to_string(c).expect("serialize");
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(
                serde_json::from_str::<Colour>(&json).expect("deserialize"),
                *c
            );
        }
        assert_eq!(Colour::from_name("Red"), None, "names are exact");
        assert_eq!(format!("[{:<5}]", Colour::Red), "[red  ]", "widths pad");
        let err = serde_json::from_str::<Colour>("\"green\"").expect_err("unknown");
        assert!(
            err.to_string()
                .starts_with("unknown variant `green`, expected `red` or `dark-blue`"),
            "{err}"
        );
    }
}
