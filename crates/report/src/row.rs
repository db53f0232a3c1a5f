//! One line of the report: the root account or one IAM user.

use std::cmp::Ordering;

use crate::cell::Cell;
use crate::column::{Column, Edition};

/// The `user` value AWS writes for the root row.
pub const ROOT_USER: &str = "<root_account>";

/// One data row, typed.
///
/// Invariant: `get` answers `Some` exactly for the columns of the row's edition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    edition: Edition,
    cells: [Cell; 22],
}

impl Row {
    /// A row of `edition` with every cell `N/A`, to be filled with [`Row::set`].
    pub fn new(edition: Edition) -> Row {
        Row {
            edition,
            cells: std::array::from_fn(|_| Cell::NotApplicable),
        }
    }

    /// The row's edition.
    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// The value of `column`, or `None` if the row's edition has no such column.
    pub fn get(&self, column: Column) -> Option<&Cell> {
        self.edition
            .has(column)
            .then(|| &self.cells[column.index()])
    }

    /// Sets the value of `column`. Setting a column the edition lacks has no effect on what
    /// [`Row::get`] and the writer see.
    pub fn set(&mut self, column: Column, cell: impl Into<Cell>) {
        self.cells[column.index()] = cell.into();
    }

    /// Builder form of [`Row::set`].
    #[must_use]
    pub fn with(mut self, column: Column, cell: impl Into<Cell>) -> Row {
        self.set(column, cell);
        self
    }

    /// Makes `column` an empty text cell and returns its text to be written into: a row
    /// filled again and again (one per user) keeps its text allocations.
    pub fn text_mut(&mut self, column: Column) -> &mut String {
        let cell = &mut self.cells[column.index()];
        if !matches!(cell, Cell::Text(_)) {
            *cell = Cell::Text(String::new());
        }
        match cell {
            Cell::Text(text) => {
                text.clear();
                text
            }
            _ => unreachable!("the cell was made text above"),
        }
    }

    pub(crate) fn cell_mut(&mut self, column: Column) -> &mut Cell {
        &mut self.cells[column.index()]
    }

    /// The `user` value (empty if it is not text).
    pub fn user(&self) -> &str {
        self.cells[Column::User.index()].as_text().unwrap_or("")
    }

    /// The `arn` value (empty if it is not text).
    pub fn arn(&self) -> &str {
        self.cells[Column::Arn.index()].as_text().unwrap_or("")
    }

    /// Whether this is the account's root row: its ARN is `arn:<partition>:iam::<account>:root`.
    ///
    /// The ARN decides, not the name: the current edition writes `<root_account>`, and copies
    /// of the legacy sample that went through HTML show `root_account`.
    pub fn is_root(&self) -> bool {
        is_root_arn(self.arn())
    }

    /// The 12-digit account id from the ARN, if the ARN has one.
    pub fn account_id(&self) -> Option<&str> {
        let mut parts = self.arn().splitn(6, ':');
        let (arn, _partition, service, _region, account) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        (arn == "arn"
            && service == "iam"
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit()))
        .then_some(account)
    }

    /// The row's values in the order of its edition's columns.
    pub fn cells(&self) -> impl Iterator<Item = (Column, &Cell)> {
        self.edition
            .columns()
            .iter()
            .map(|&c| (c, &self.cells[c.index()]))
    }
}

/// Whether `arn` is an account root ARN, `arn:<partition>:iam::<12 digits>:root`.
pub fn is_root_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:") else {
        return false;
    };
    let Some((_partition, rest)) = rest.split_once(':') else {
        return false;
    };
    let Some(account) = rest
        .strip_prefix("iam::")
        .and_then(|r| r.strip_suffix(":root"))
    else {
        return false;
    };
    account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
}

/// The order AWS gives user rows: by user name, ignoring ASCII case (real reports list
/// `charmworld, Hazmat, kaleb`). Names that differ only in case cannot coexist in IAM; they
/// are ordered by their bytes so the order is total.
pub fn user_order(a: &str, b: &str) -> Ordering {
    let (la, lb) = (a.as_bytes(), b.as_bytes());
    let folded = la
        .iter()
        .map(u8::to_ascii_lowercase)
        .cmp(lb.iter().map(u8::to_ascii_lowercase));
    folded.then_with(|| la.cmp(lb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_arns() {
        assert!(is_root_arn("arn:aws:iam::123456789012:root"));
        assert!(is_root_arn("arn:aws-us-gov:iam::123456789012:root"));
        assert!(!is_root_arn("arn:aws:iam::123456789012:user/root"));
        assert!(!is_root_arn("arn:aws:iam::12345678901:root"));
        assert!(!is_root_arn("arn:aws:sts::123456789012:root"));
    }

    #[test]
    fn user_order_is_case_insensitive_like_real_reports() {
        // Real capture in the wire reference, section 5.3.
        let mut names = vec!["rome", "kaleb", "Hazmat", "charmworld", "kapilt"];
        names.sort_by(|a, b| user_order(a, b));
        assert_eq!(names, ["charmworld", "Hazmat", "kaleb", "kapilt", "rome"]);
    }

    #[test]
    fn legacy_rows_hide_last_used_columns() {
        let row = Row::new(Edition::Legacy);
        assert!(row.get(Column::AccessKey1LastUsedDate).is_none());
        assert_eq!(
            row.get(Column::AccessKey1Active),
            Some(&Cell::NotApplicable)
        );
        assert_eq!(row.cells().count(), 16);
    }

    #[test]
    fn account_id_from_arn() {
        let row = Row::new(Edition::Current).with(
            Column::Arn,
            Cell::text("arn:aws:iam::012345678901:user/a/b"),
        );
        assert_eq!(row.account_id(), Some("012345678901"));
    }
}
