//! Where a report build writes the report it stores, as it joins it, inside the transaction
//! that stores it ([`crate::ReportBuild::run_into`]): the CSV bytes themselves (a `Vec<u8>`),
//! or a caller's encoding of them (the server's base64, made as the rows come, so the
//! megabyte of CSV is never held whole beside it).

use credreport_report::Timestamp;

/// A build's report, written as it is joined.
pub trait ReportSink {
    /// A new attempt (the store ran the transaction again): what was written is void.
    fn restart(&mut self);
    /// The report's next bytes.
    fn write(&mut self, bytes: &[u8]);
    /// The report is whole; it was generated at `generated`. Its transaction has not
    /// committed yet, and may still fail.
    fn finish(&mut self, generated: Timestamp);
}

/// The room a report's bytes start with: about a 5,000-user report. Growing the buffer to
/// that size by doubling copies it again and again, each time into memory the kernel must
/// fault in; room not written to is never touched.
pub(crate) const REPORT_ROOM: usize = 1 << 20;

/// The CSV bytes as they are.
impl ReportSink for Vec<u8> {
    fn restart(&mut self) {
        self.clear();
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.capacity() == 0 {
            self.reserve(REPORT_ROOM);
        }
        self.extend_from_slice(bytes);
    }

    fn finish(&mut self, _generated: Timestamp) {}
}
