//! The Prometheus text exposition format, version 0.0.4: each family's `# HELP` and
//! `# TYPE` lines, then its samples, `name{label="value",...} value`, one per line,
//! ending in a line feed. Label values escape `\`, `"` and line feeds; help text `\` and
//! line feeds; a value is a decimal integer, a float, or `+Inf`/`-Inf`/`NaN`.

use std::fmt::Write;

use super::histogram::Snapshot;

/// The media type of the format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A family's type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A page of metrics being written.
#[derive(Debug, Default)]
pub(crate) struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts the family `name`: its help and type lines.
    pub(crate) fn family(&mut self, name: &str, kind: Kind, help: &str) {
        self.out.push_str("# HELP ");
        self.out.push_str(name);
        self.out.push(' ');
        for c in help.chars() {
            match c {
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                c => self.out.push(c),
            }
        }
        let _ = writeln!(self.out, "\n# TYPE {name} {}", kind.name());
    }

    /// One sample of a counter or gauge.
    pub(crate) fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: u64) {
        self.series(name, labels, None);
        let _ = writeln!(self.out, " {value}");
    }

    /// A histogram's series: its cumulative buckets (`le`), sum and count.
    pub(crate) fn histogram(&mut self, name: &str, labels: &[(&str, &str)], h: &Snapshot) {
        let bucket = format!("{name}_bucket");
        for (bound, count) in &h.buckets {
            let le = float(*bound);
            self.series(&bucket, labels, Some(("le", &le)));
            let _ = writeln!(self.out, " {count}");
        }
        self.series(&format!("{name}_sum"), labels, None);
        let _ = writeln!(self.out, " {}", float(h.sum));
        self.series(&format!("{name}_count"), labels, None);
        let _ = writeln!(self.out, " {}", h.count);
    }

    /// The page.
    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn series(&mut self, name: &str, labels: &[(&str, &str)], last: Option<(&str, &str)>) {
        self.out.push_str(name);
        let mut all = labels.iter().copied().chain(last).peekable();
        if all.peek().is_none() {
            return;
        }
        self.out.push('{');
        for (i, (label, value)) in all.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.push_str(label);
            self.out.push_str("=\"");
            for c in value.chars() {
                match c {
                    '\\' => self.out.push_str("\\\\"),
                    '"' => self.out.push_str("\\\""),
                    '\n' => self.out.push_str("\\n"),
                    c => self.out.push(c),
                }
            }
            self.out.push('"');
        }
        self.out.push('}');
    }
}

/// A float as the format writes it: `+Inf`, `-Inf`, `NaN`, or the shortest decimal that
/// reads back as the same value (`0.005`, `1`, `2.5`).
fn float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact lines of each kind of family, escapes included.
    #[test]
    fn families_as_the_format_writes_them() {
        let mut e = Exposition::default();
        e.family(
            "x_total",
            Kind::Counter,
            "Things, by kind.\nA \\ second line.",
        );
        e.sample("x_total", &[("kind", "a\"b\\c\nd"), ("other", "")], 7);
        e.family("up", Kind::Gauge, "Up.");
        e.sample("up", &[], 1);
        e.family("d_seconds", Kind::Histogram, "Durations.");
        let h = Snapshot {
            buckets: vec![(0.005, 1), (1.0, 3), (f64::INFINITY, 4)],
            count: 4,
            sum: 12.25,
        };
        e.histogram("d_seconds", &[("action", "ListUsers")], &h);
        e.histogram("d_seconds", &[], &h);
        let want = r#"# HELP x_total Things, by kind.\nA \\ second line.
# TYPE x_total counter
x_total{kind="a\"b\\c\nd",other=""} 7
# HELP up Up.
# TYPE up gauge
up 1
# HELP d_seconds Durations.
# TYPE d_seconds histogram
d_seconds_bucket{action="ListUsers",le="0.005"} 1
d_seconds_bucket{action="ListUsers",le="1"} 3
d_seconds_bucket{action="ListUsers",le="+Inf"} 4
d_seconds_sum{action="ListUsers"} 12.25
d_seconds_count{action="ListUsers"} 4
d_seconds_bucket{le="0.005"} 1
d_seconds_bucket{le="1"} 3
d_seconds_bucket{le="+Inf"} 4
d_seconds_sum 12.25
d_seconds_count 4
"#;
        assert_eq!(e.finish(), want);
    }

    #[test]
    fn floats() {
        let cases = [
            (0.0005, "0.0005"),
            (1.0, "1"),
            (120.0, "120"),
            (0.0, "0"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(float(v), want, "{v}");
        }
    }
}
