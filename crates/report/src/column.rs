//! The report's columns, their value kinds, and the two editions that exist.

use std::fmt;

/// The kind of value a column holds apart from the sentinels (`N/A`, `no_information`,
/// `not_supported`), which any column may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text: user name, ARN, region, service namespace.
    Text,
    /// `true`/`false` (the docs print `TRUE`/`FALSE`; real reports are lowercase).
    Bool,
    /// An instant, `YYYY-MM-DDTHH:MM:SS+00:00`.
    Timestamp,
}

macro_rules! columns {
    ($($variant:ident = $name:literal, $kind:ident, $legacy:literal;)*) => {
        /// A column of the credential report, in the order AWS writes them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)]
        pub enum Column { $($variant),* }

        impl Column {
            /// All 22 columns of the current edition, in AWS's order.
            pub const ALL: [Column; 22] = [$(Column::$variant),*];

            /// The header name, exactly as AWS writes it.
            pub const fn name(self) -> &'static str {
                match self { $(Column::$variant => $name),* }
            }

            /// The kind of value the column holds.
            pub const fn kind(self) -> Kind {
                match self { $(Column::$variant => Kind::$kind),* }
            }

            /// Whether the column exists in the legacy 16-column edition.
            pub const fn in_legacy(self) -> bool {
                match self { $(Column::$variant => $legacy),* }
            }
        }
    };
}

columns! {
    User = "user", Text, true;
    Arn = "arn", Text, true;
    UserCreationTime = "user_creation_time", Timestamp, true;
    PasswordEnabled = "password_enabled", Bool, true;
    PasswordLastUsed = "password_last_used", Timestamp, true;
    PasswordLastChanged = "password_last_changed", Timestamp, true;
    PasswordNextRotation = "password_next_rotation", Timestamp, true;
    MfaActive = "mfa_active", Bool, true;
    AccessKey1Active = "access_key_1_active", Bool, true;
    AccessKey1LastRotated = "access_key_1_last_rotated", Timestamp, true;
    AccessKey1LastUsedDate = "access_key_1_last_used_date", Timestamp, false;
    AccessKey1LastUsedRegion = "access_key_1_last_used_region", Text, false;
    AccessKey1LastUsedService = "access_key_1_last_used_service", Text, false;
    AccessKey2Active = "access_key_2_active", Bool, true;
    AccessKey2LastRotated = "access_key_2_last_rotated", Timestamp, true;
    AccessKey2LastUsedDate = "access_key_2_last_used_date", Timestamp, false;
    AccessKey2LastUsedRegion = "access_key_2_last_used_region", Text, false;
    AccessKey2LastUsedService = "access_key_2_last_used_service", Text, false;
    Cert1Active = "cert_1_active", Bool, true;
    Cert1LastRotated = "cert_1_last_rotated", Timestamp, true;
    Cert2Active = "cert_2_active", Bool, true;
    Cert2LastRotated = "cert_2_last_rotated", Timestamp, true;
}

/// The fields of an access-key slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyField {
    /// `access_key_N_active`
    Active,
    /// `access_key_N_last_rotated`
    LastRotated,
    /// `access_key_N_last_used_date` (current edition only)
    LastUsedDate,
    /// `access_key_N_last_used_region` (current edition only)
    LastUsedRegion,
    /// `access_key_N_last_used_service` (current edition only)
    LastUsedService,
}

/// The fields of a signing-certificate slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertField {
    /// `cert_N_active`
    Active,
    /// `cert_N_last_rotated`
    LastRotated,
}

/// Which of the two slots (1 or 2) a key or certificate column describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// Slot 1 (`access_key_1_*`, `cert_1_*`).
    One,
    /// Slot 2 (`access_key_2_*`, `cert_2_*`).
    Two,
}

impl Slot {
    /// Both slots, in order.
    pub const BOTH: [Slot; 2] = [Slot::One, Slot::Two];

    /// 1 or 2.
    pub const fn number(self) -> u8 {
        match self {
            Slot::One => 1,
            Slot::Two => 2,
        }
    }
}

impl Column {
    /// The column for one field of an access-key slot.
    pub const fn access_key(slot: Slot, field: KeyField) -> Column {
        use Column::*;
        match (slot, field) {
            (Slot::One, KeyField::Active) => AccessKey1Active,
            (Slot::One, KeyField::LastRotated) => AccessKey1LastRotated,
            (Slot::One, KeyField::LastUsedDate) => AccessKey1LastUsedDate,
            (Slot::One, KeyField::LastUsedRegion) => AccessKey1LastUsedRegion,
            (Slot::One, KeyField::LastUsedService) => AccessKey1LastUsedService,
            (Slot::Two, KeyField::Active) => AccessKey2Active,
            (Slot::Two, KeyField::LastRotated) => AccessKey2LastRotated,
            (Slot::Two, KeyField::LastUsedDate) => AccessKey2LastUsedDate,
            (Slot::Two, KeyField::LastUsedRegion) => AccessKey2LastUsedRegion,
            (Slot::Two, KeyField::LastUsedService) => AccessKey2LastUsedService,
        }
    }

    /// The column for one field of a signing-certificate slot.
    pub const fn cert(slot: Slot, field: CertField) -> Column {
        use Column::*;
        match (slot, field) {
            (Slot::One, CertField::Active) => Cert1Active,
            (Slot::One, CertField::LastRotated) => Cert1LastRotated,
            (Slot::Two, CertField::Active) => Cert2Active,
            (Slot::Two, CertField::LastRotated) => Cert2LastRotated,
        }
    }

    /// Position in the current edition (0-based).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The column with this exact header name.
    pub fn from_name(name: &[u8]) -> Option<Column> {
        Column::ALL
            .into_iter()
            .find(|c| c.name().as_bytes() == name)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which layout of the report a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edition {
    /// The 22-column report AWS has produced since 2015.
    Current,
    /// The 16-column report from before April 2015: no `*_last_used_*` columns.
    Legacy,
}

const LEGACY: [Column; 16] = {
    let mut out = [Column::User; 16];
    let mut i = 0;
    let mut n = 0;
    while i < Column::ALL.len() {
        if Column::ALL[i].in_legacy() {
            out[n] = Column::ALL[i];
            n += 1;
        }
        i += 1;
    }
    out
};

impl Edition {
    /// The edition's columns in AWS's order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Edition::Current => &Column::ALL,
            Edition::Legacy => &LEGACY,
        }
    }

    /// Whether the edition has this column.
    pub fn has(self, column: Column) -> bool {
        match self {
            Edition::Current => true,
            Edition::Legacy => column.in_legacy(),
        }
    }

    /// A short name: `current` or `legacy`.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Current => "current",
            Edition::Legacy => "legacy",
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The header line of the wire reference, section 5.1, identical in every real capture.
    const CURRENT_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    // Seed 003's PowerShell sample of the older report.
    const LEGACY_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    fn header(edition: Edition) -> String {
        edition
            .columns()
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn headers_match_real_reports() {
        assert_eq!(header(Edition::Current), CURRENT_HEADER);
        assert_eq!(header(Edition::Legacy), LEGACY_HEADER);
    }

    #[test]
    fn slot_columns_agree_with_names() {
        for slot in Slot::BOTH {
            let n = slot.number();
            assert_eq!(
                Column::access_key(slot, KeyField::LastUsedService).name(),
                format!("access_key_{n}_last_used_service")
            );
            assert_eq!(
                Column::cert(slot, CertField::LastRotated).name(),
                format!("cert_{n}_last_rotated")
            );
        }
        for (i, c) in Column::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Column::from_name(c.name().as_bytes()), Some(*c));
        }
    }
}
