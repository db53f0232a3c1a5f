//! HTML: one self-contained page (no external CSS, script, font or image) with summary
//! cards, charts drawn as inline SVG (findings by severity and by check, credential age
//! and last-use distributions), the findings grouped by severity with a filter box, and
//! the checks with their CIS and Security Hub ids.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::check::{CheckId, Severity};
use crate::engine::Summary;
use crate::finding::{Finding, FindingText};
use crate::render::view::{capitalize, View, CIS_HEADER, COUNT_HEADERS, ERRORS_NOTE, TITLE};
use crate::render::{Collect, RunInfo, Sink};
use crate::stats::{AGE_BUCKETS, USE_BUCKETS};

pub(crate) struct Html<'w> {
    out: Box<dyn Write + 'w>,
    kept: Collect,
}

impl<'w> Html<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Html<'w> {
        Html {
            out,
            kept: Collect::default(),
        }
    }
}

/// Text made safe for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#b3132b",
        Severity::High => "#e0562b",
        Severity::Medium => "#e5a50a",
        Severity::Low => "#3b7dd8",
        Severity::Info => "#7b8794",
    }
}

const SERIES: [&str; 3] = ["#3b7dd8", "#2a9d8f", "#9b5de5"];

/// Horizontal bars, one per item: `(label, value, color)`.
fn hbars(title: &str, items: &[(String, u64, &str)]) -> String {
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    let row = 26;
    let label_w = 230;
    let bar_w = 330;
    let height = 34 + row * items.len().max(1);
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" viewBox=\"0 0 640 {height}\" \
         aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    if items.is_empty() {
        let _ = write!(svg, "<text x=\"10\" y=\"24\" class=\"muted\">none</text>");
    }
    for (i, (label, value, fill)) in items.iter().enumerate() {
        let y = 10 + i * row;
        let w = (*value as f64 / max as f64 * bar_w as f64).round() as u64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"18\" rx=\"3\" fill=\"{fill}\"><title>{}: {value}</title></rect>\
             <text x=\"{}\" y=\"{}\">{value}</text>",
            label_w - 8,
            y + 14,
            esc(label),
            label_w,
            esc(label),
            label_w + w as usize + 6,
            y + 14,
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Vertical bars grouped by category, one bar per series: `(name, color, values)`.
fn grouped_bars(title: &str, categories: &[&str], series: &[(&str, &str, &[u64])]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, top, plot_h) = (40usize, 30usize, 160usize);
    let group_w = 560 / categories.len().max(1);
    let bar_w = (group_w - 12) / series.len().max(1);
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" viewBox=\"0 0 640 250\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    for (i, (name, fill, _)) in series.iter().enumerate() {
        let x = left + i * 150;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{fill}\"/><text x=\"{}\" y=\"14\">{}</text>",
            x + 16,
            esc(name)
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"620\" y2=\"{}\" class=\"axis\"/>",
        top + plot_h,
        top + plot_h
    );
    for (c, category) in categories.iter().enumerate() {
        let gx = left + c * group_w + 6;
        for (s, (name, fill, values)) in series.iter().enumerate() {
            let value = values.get(c).copied().unwrap_or(0);
            let h = (value as f64 / max as f64 * plot_h as f64).round() as usize;
            let x = gx + s * bar_w;
            let y = top + plot_h - h;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"{fill}\"><title>{} {}: {value}</title></rect>",
                bar_w.saturating_sub(2),
                esc(name),
                esc(category)
            );
            if value > 0 {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"small\">{value}</text>",
                    x + bar_w / 2,
                    y.saturating_sub(3)
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"small\">{}</text>",
            gx + group_w / 2 - 6,
            top + plot_h + 16,
            esc(category)
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

const STYLE: &str = r#"
:root { --fg:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 32px 0 12px; font-size: 20px; }
h3 { margin: 20px 0 8px; font-size: 16px; }
.muted, figcaption { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 20px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card b { display: block; font-size: 28px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { width: 100%; height: auto; font-size: 12px; fill: var(--fg); }
svg .small { font-size: 11px; } svg .axis { stroke: var(--line); }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: 7px 9px; border-bottom: 1px solid var(--line); }
th { background: #eef1f5; font-size: 13px; }
td.num, th.num { text-align: right; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
.sev { display: inline-block; min-width: 70px; text-align: center; color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
.fix { color: var(--muted); margin-top: 4px; } .note { color: #8a5a00; font-size: 13px; }
input[type=search] { width: 100%; max-width: 420px; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 10px; }
"#;

const SCRIPT: &str = r#"
document.getElementById('filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('tr.finding').forEach(function (tr) {
    tr.style.display = tr.textContent.toLowerCase().indexOf(q) < 0 ? 'none' : '';
  });
});
"#;

/// The run's charts as inline SVG figures: findings by severity and by check, the age of
/// active credentials, and the last use of enabled passwords and active keys. (The HTML
/// report and the console's Credential report page show the same.)
pub fn charts(summary: &Summary) -> String {
    let t = &summary.tally;
    let st = &summary.stats;
    let mut h = String::with_capacity(16 * 1024);
    let by_severity: Vec<(String, u64, &str)> = Severity::DESCENDING
        .iter()
        .map(|&s| (s.name().to_owned(), t.failed.get(s), color(s)))
        .collect();
    h.push_str(&hbars("Findings by severity", &by_severity));
    let mut by_check: Vec<(CheckId, u64)> = t.by_check.clone();
    by_check.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let by_check: Vec<(String, u64, &str)> = by_check
        .into_iter()
        .map(|(id, n)| {
            let severity = summary
                .checks
                .iter()
                .find(|(c, _, _)| *c == id)
                .map_or(id.info().severity, |(_, s, _)| s.severity);
            (id.as_str().to_owned(), n, color(severity))
        })
        .collect();
    h.push_str(&hbars("Findings by check", &by_check));
    let ages: Vec<&str> = AGE_BUCKETS.iter().map(|(l, _)| *l).collect();
    h.push_str(&grouped_bars(
        "Credential age (since set, created or rotated; active credentials)",
        &ages,
        &[
            ("console passwords", SERIES[0], &st.password_age),
            ("access keys", SERIES[1], &st.key_age),
            ("signing certificates", SERIES[2], &st.cert_age),
        ],
    ));
    h.push_str(&grouped_bars(
        "Last used (enabled passwords, active access keys)",
        &USE_BUCKETS,
        &[
            ("console passwords", SERIES[0], &st.password_last_used),
            ("access keys", SERIES[1], &st.key_last_used),
        ],
    ));
    h
}

fn badge(severity: Severity) -> String {
    format!(
        "<span class=\"sev\" style=\"background:{}\">{}</span>",
        color(severity),
        severity.name()
    )
}

impl Sink for Html<'_> {
    fn orders_itself(&self) -> bool {
        true
    }

    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.kept.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.kept.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let mut findings = std::mem::take(&mut self.kept.findings);
        let size = 64 * 1024 + findings.len() * 800;
        let view = View::new(self.kept.run.as_ref(), summary, &mut findings);
        let mut h = String::with_capacity(size);
        page(&mut h, &view);
        self.out.write_all(h.as_bytes())?;
        self.out.flush()
    }
}

fn page(h: &mut String, view: &View<'_>) {
    let c = &view.counts;
    let st = &view.summary.stats;
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = write!(h, "<title>{TITLE}</title>\n<style>");
    h.push_str(STYLE);
    let _ = writeln!(h, "</style>\n</head>\n<body>\n<main>\n<h1>{TITLE}</h1>");
    if let Some(a) = &view.as_of {
        let _ = writeln!(
            h,
            "<p class=\"muted\">As of <b>{}</b> ({}) · {} {}</p>",
            a.time,
            esc(a.source),
            a.tool,
            a.version
        );
    }
    h.push_str("<ul>");
    for line in view.inputs.iter().chain(&view.baseline) {
        let _ = write!(h, "<li>{}</li>", esc(line));
    }
    h.push_str("</ul>\n<div class=\"cards\">");
    for s in Severity::DESCENDING {
        let _ = write!(
            h,
            "<div class=\"card\" style=\"border-top:4px solid {}\"><b>{}</b>{}</div>",
            color(s),
            c.failed.get(s),
            s.name()
        );
    }
    let mfa = (st.console_users_with_mfa * 100)
        .checked_div(st.console_users)
        .map_or("—".to_owned(), |p| format!("{p}%"));
    let _ = write!(
        h,
        "<div class=\"card\"><b>{}</b>suppressed</div><div class=\"card\"><b>{}</b>not evaluated</div>\
         <div class=\"card\"><b>{}</b>users ({} human, {} machine)</div>\
         <div class=\"card\"><b>{mfa}</b>console users with MFA</div>\
         <div class=\"card\"><b>{}</b>active access keys</div>",
        c.suppressed,
        c.not_evaluated,
        st.human_users + st.machine_users,
        st.human_users,
        st.machine_users,
        st.active_keys
    );
    if let Some([new, resolved, persisting]) = c.changes {
        let _ = write!(
            h,
            "<div class=\"card\"><b>{new}</b>new</div><div class=\"card\"><b>{resolved}</b>resolved</div>\
             <div class=\"card\"><b>{persisting}</b>persisting</div>"
        );
    }
    h.push_str("</div>\n<div class=\"charts\">\n");
    h.push_str(&charts(view.summary));
    h.push_str("</div>\n");
    h.push_str("<h2>Findings</h2>\n<input type=\"search\" id=\"filter\" placeholder=\"Filter by user, check, key, text…\" aria-label=\"Filter findings\">\n");
    // With a baseline, a section's lists are headings under it; without, beside it.
    let list_level = if view.compared() { "h3" } else { "h2" };
    let mut text = FindingText::default();
    for section in &view.sections {
        if view.compared() {
            let _ = writeln!(
                h,
                "<h3>{} ({})</h3>",
                section.title,
                section.failing_count()
            );
        }
        if section.failing.is_empty() {
            h.push_str("<p class=\"muted\">None.</p>\n");
        } else {
            h.push_str("<table><thead><tr><th>severity</th><th>check</th><th>resource</th><th>finding</th></tr></thead><tbody>\n");
            for item in section.failing_items() {
                let f = item.finding;
                item.text_into(&mut text);
                let mut detail = esc(&text.message);
                for note in &text.notes {
                    let _ = write!(detail, "<div class=\"note\">note: {}</div>", esc(note));
                }
                if !text.remediation.is_empty() {
                    let _ = write!(
                        detail,
                        "<div class=\"fix\"><b>fix:</b> {}</div>",
                        esc(&text.remediation)
                    );
                }
                let mut place = esc(&item.location());
                if let Some(privilege) = item.privilege() {
                    let _ = write!(place, "<br>privilege {}", esc(&privilege));
                }
                let _ = writeln!(
                    h,
                    "<tr class=\"finding\"><td>{}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td><td><code>{}</code><br><span class=\"muted\">{place}</span></td><td>{detail}</td></tr>",
                    badge(f.severity),
                    f.check,
                    esc(f.check.info().title),
                    esc(&item.resource()),
                );
            }
            h.push_str("</tbody></table>\n");
        }
        for (list, groups) in section.other_lists() {
            if groups.is_empty() {
                continue;
            }
            let total: usize = groups.iter().map(|g| g.len()).sum();
            let _ = writeln!(
                h,
                "<{list_level}>{} ({total})</{list_level}>\n<table><thead><tr><th>check</th><th>resource</th><th>why</th></tr></thead><tbody>",
                list.title()
            );
            for group in groups {
                for item in group.items() {
                    let _ = writeln!(
                        h,
                        "<tr class=\"finding\"><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                        group.check,
                        esc(&item.resource()),
                        esc(&item.why())
                    );
                }
            }
            h.push_str("</tbody></table>\n");
        }
    }
    if !view.errors.is_empty() {
        let _ = write!(
            h,
            "<h2>Errors</h2>\n<p>{}.</p>\n<ul>",
            esc(&capitalize(ERRORS_NOTE))
        );
        for input in &view.errors {
            for line in input.lines() {
                let _ = write!(h, "<li><code>{}</code></li>", esc(&line));
            }
            if input.unlisted() > 0 {
                let _ = write!(
                    h,
                    "<li>… and {} more in {}</li>",
                    input.unlisted(),
                    esc(input.name)
                );
            }
        }
        h.push_str("</ul>\n");
    }
    if !view.notes.is_empty() {
        h.push_str("<h2>Notes</h2>\n<ul>");
        for note in view.notes {
            let _ = write!(h, "<li>{}</li>", esc(note));
        }
        h.push_str("</ul>\n");
    }
    let _ = write!(h, "<h2>Checks</h2>\n<table><thead><tr><th>check</th><th>severity</th><th>{CIS_HEADER}</th><th>Security Hub</th>");
    for heading in COUNT_HEADERS {
        let _ = write!(h, "<th class=\"num\">{heading}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for row in &view.checks {
        let _ = write!(
            h,
            "<tr><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{}</td>",
            row.id,
            esc(row.title),
            row.severity.map_or("off".to_owned(), badge),
            row.cis,
            row.fsbp
        );
        for n in row.numbers() {
            let _ = write!(h, "<td class=\"num\">{n}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n</main>\n<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
}
