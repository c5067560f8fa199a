//! Charts as SVG documents rendered in Rust (no chart library, nothing from a CDN): the marketer
//! console puts them inline. Coordinates are `f64` (pixels, not money).

use std::fmt::Write;

/// Escapes text for SVG, XML and HTML (text and attribute values).
pub fn escape(text: &str) -> String {
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

const W: f64 = 480.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 28.0;

/// A "nice" upper bound for the axis: 1, 2 or 5 × 10ⁿ at or above `max`.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10_f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(10.0 * magnitude)
}

fn label_value(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1} M", v / 1_000_000.0)
    } else if v >= 10_000.0 {
        format!("{:.0} k", v / 1000.0)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A bar chart of `points` (label, value) with a title, an axis and an accessible description.
pub fn bar_chart(title: &str, points: &[(String, f64)]) -> String {
    let max = nice_max(points.iter().map(|p| p.1).fold(0.0, f64::max));
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - TOP - BOTTOM;
    let mut svg = String::new();
    let t = escape(title);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" class="chart"><title>{t}</title>"#
    );
    let _ = write!(svg, r#"<text x="{LEFT}" y="16" class="chart-title">{t}</text>"#);
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" class="chart-grid"/><text x="{lx}" y="{ty:.1}" class="chart-axis" text-anchor="end">{l}</text>"#,
            x2 = W - 8.0,
            lx = LEFT - 6.0,
            ty = y + 4.0,
            l = label_value(v)
        );
    }
    let n = points.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.7).max(1.0);
    for (i, (label, value)) in points.iter().enumerate() {
        let h = if max > 0.0 { plot_h * value.max(0.0) / max } else { 0.0 };
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let y = TOP + plot_h - h;
        let l = escape(label);
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" class="chart-bar"><title>{l}: {v}</title></rect>"#,
            v = label_value(*value)
        );
        if points.len() <= 12 {
            let _ = write!(
                svg,
                r#"<text x="{cx:.1}" y="{ly}" class="chart-axis" text-anchor="middle">{l}</text>"#,
                cx = x + bar / 2.0,
                ly = H - 10.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_a_round_number() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(130.0), 200.0);
        assert_eq!(nice_max(4_200.0), 5_000.0);
    }

    #[test]
    fn a_bar_chart_is_an_svg_with_one_bar_per_point_and_escaped_labels() {
        let svg = bar_chart("Выручка <по неделям>", &[("1 нед".into(), 100.0), ("2 нед".into(), 50.0)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("&lt;по неделям&gt;"));
        assert!(!svg.contains("<по"));
        // The taller bar is the larger value.
        assert!(svg.contains(r#"height="164.0""#), "{svg}");
    }
}
