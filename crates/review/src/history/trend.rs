//! Findings by severity over time for one account: a table, JSON, or one self-contained
//! HTML page with the same numbers as stacked bars (inline SVG, no script).

use std::fmt::Write as _;

use credreport_audit::render::escape_html as esc;
use credreport_audit::Severity;
use serde_json::json;

use super::store::ReportMeta;

/// The severities' colors, as the audit's HTML report draws them.
fn color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#b3132b",
        Severity::High => "#e0562b",
        Severity::Medium => "#e5a50a",
        Severity::Low => "#3b7dd8",
        Severity::Info => "#7b8794",
    }
}

/// The table: one line per report, oldest first.
pub fn table(account: &str, reports: &[ReportMeta]) -> String {
    let mut s = format!("findings by severity over time, account {account}\n");
    let _ = writeln!(
        s,
        "{:<21} {:>6} {:>8} {:>5} {:>6} {:>4} {:>4} {:>6} {:>10}",
        "generated", "report", "critical", "high", "medium", "low", "info", "open", "suppressed"
    );
    for r in reports {
        let c = &r.counts;
        let _ = writeln!(
            s,
            "{:<21} {:>6} {:>8} {:>5} {:>6} {:>4} {:>4} {:>6} {:>10}",
            r.generated.to_zulu(),
            r.id,
            c.open[0],
            c.open[1],
            c.open[2],
            c.open[3],
            c.open[4],
            c.total(),
            c.suppressed
        );
    }
    s
}

/// JSON: `{"account": .., "points": [{"report", "generated", "critical", .., "open",
/// "suppressed", "not_evaluated"}]}`.
pub fn json(account: &str, reports: &[ReportMeta]) -> serde_json::Value {
    let points: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let c = &r.counts;
            json!({
                "report": r.id,
                "generated": r.generated.to_zulu(),
                "critical": c.open[0],
                "high": c.open[1],
                "medium": c.open[2],
                "low": c.open[3],
                "info": c.open[4],
                "open": c.total(),
                "suppressed": c.suppressed,
                "not_evaluated": c.not_evaluated,
            })
        })
        .collect();
    json!({ "account": account, "points": points })
}

/// Open findings per report as stacked bars (most severe at the bottom), one bar per
/// report, dates under the first, last and every few bars.
pub fn chart(reports: &[ReportMeta]) -> String {
    let (w, h, left, bottom, top) = (900usize, 320usize, 48usize, 46usize, 16usize);
    let plot_w = w - left - 12;
    let plot_h = h - bottom - top;
    let max = reports
        .iter()
        .map(|r| r.counts.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let n = reports.len().max(1);
    let slot = plot_w as f64 / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = String::with_capacity(4096 + reports.len() * 400);
    let _ = write!(
        svg,
        "<figure><figcaption>Open findings by severity</figcaption>\
         <svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Open findings by severity over time\">"
    );
    for tick in 0..=4u64 {
        let value = max * tick / 4;
        let y = top as f64 + plot_h as f64 * (1.0 - value as f64 / max as f64);
        let _ = write!(
            svg,
            "<line class=\"axis\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" class=\"small\">{value}</text>",
            w - 12,
            left - 6,
            y + 4.0
        );
    }
    let label_every = n.div_ceil(8).max(1);
    for (i, r) in reports.iter().enumerate() {
        let x = left as f64 + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = (top + plot_h) as f64;
        for s in Severity::DESCENDING {
            let v = r.counts.get(s);
            if v == 0 {
                continue;
            }
            let hgt = plot_h as f64 * v as f64 / max as f64;
            base -= hgt;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{base:.1}\" width=\"{bar:.1}\" height=\"{hgt:.1}\" fill=\"{}\">\
                 <title>{} {}: {v} {}</title></rect>",
                color(s),
                esc(&r.generated.to_zulu()),
                esc(&format!("report {}", r.id)),
                s.name()
            );
        }
        if i % label_every == 0 || i + 1 == reports.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"small\">{}</text>",
                x + bar / 2.0,
                top + plot_h + 16,
                esc(&r.generated.to_zulu()[..10])
            );
        }
    }
    let mut lx = left;
    for s in Severity::DESCENDING {
        let _ = write!(
            svg,
            "<rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"small\">{}</text>",
            h - 16,
            color(s),
            lx + 14,
            h - 7,
            s.name()
        );
        lx += 90;
    }
    svg.push_str("</svg></figure>");
    svg
}

/// The HTML page: the chart, then the table.
pub fn html(account: &str, reports: &[ReportMeta]) -> String {
    let mut h = String::with_capacity(16 * 1024);
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let _ = write!(
        h,
        "<title>credreport trend {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Findings over time</h1>\n<p class=\"muted\">Account <b>{}</b> · {} report(s)</p>\n",
        esc(account),
        esc(account),
        reports.len()
    );
    h.push_str(&chart(reports));
    h.push_str(
        "\n<table>\n<thead><tr><th>generated</th><th class=\"num\">report</th>\
         <th class=\"num\">critical</th><th class=\"num\">high</th><th class=\"num\">medium</th>\
         <th class=\"num\">low</th><th class=\"num\">info</th><th class=\"num\">open</th>\
         <th class=\"num\">suppressed</th></tr></thead>\n<tbody>\n",
    );
    for r in reports {
        let c = &r.counts;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.generated.to_zulu()),
            r.id,
            c.open[0],
            c.open[1],
            c.open[2],
            c.open[3],
            c.open[4],
            c.total(),
            c.suppressed
        );
    }
    h.push_str("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
    h
}

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; color: #1f2933; background: #f5f7fa; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
.muted, figcaption { color: #616e7c; }
figure { background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; margin: 0 0 16px; padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { width: 100%; height: auto; font-size: 12px; fill: #1f2933; }
svg .small { font-size: 11px; } svg .axis { stroke: #e4e7eb; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #e4e7eb; }
th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid #e4e7eb; }
td.num, th.num { text-align: right; }
";
