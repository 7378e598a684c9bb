//! Small SVG charts drawn in maud, no JavaScript: an indicator over the waves with its interval as
//! a band. Readable in greyscale and print: the band is light grey, the line dark, a missing or
//! suppressed year breaks the line into a dashed stretch, flagged estimates have
//! hollow markers, and a target is a dashed line of its own. Every chart has `role="img"`, a
//! title and a description; the page puts its data in a table beside it.

use maud::{Markup, PreEscaped, html};

/// One wave of a chart.
#[derive(Debug, Clone)]
pub struct ChartPoint {
    /// The year (the x position; a missing year leaves a gap).
    pub period: i32,
    pub estimate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Low reliability: a hollow marker.
    pub hollow: bool,
}

/// A comparison value's line (a national figure, say): its values by year.
#[derive(Debug, Clone)]
pub struct ComparisonLine {
    pub label: String,
    pub values: Vec<(i32, f64)>,
}

/// A line chart with an interval band.
pub struct LineChart<'a> {
    /// Unique on the page (for the title and description ids).
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub points: &'a [ChartPoint],
    pub target: Option<f64>,
    /// Drawn as dash-dotted lines with square markers, within the chart's years.
    pub comparisons: &'a [ComparisonLine],
    /// Proportions: the axis in percent.
    pub percent: bool,
    pub decimal_comma: bool,
}

const WIDTH: f64 = 280.0;
const HEIGHT: f64 = 120.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

pub fn line_chart(c: &LineChart) -> Markup {
    let with_numbers: Vec<&ChartPoint> = c.points.iter().filter(|p| p.estimate.is_some()).collect();
    let (first, last) = match (c.points.first(), c.points.last()) {
        (Some(f), Some(l)) => (f.period, l.period),
        _ => (0, 0),
    };
    // y range over estimates, intervals and the target, padded; proportions stay in [0, 1].
    let mut values: Vec<f64> = with_numbers
        .iter()
        .flat_map(|p| [p.estimate, p.low, p.high])
        .flatten()
        .chain(c.target)
        .chain(
            c.comparisons
                .iter()
                .flat_map(|l| l.values.iter())
                .filter(|(p, _)| (first..=last).contains(p))
                .map(|(_, v)| *v),
        )
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        values.push(0.0);
    }
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let pad = ((hi - lo) * 0.15).max(if c.percent { 0.02 } else { 0.1 });
    lo -= pad;
    hi += pad;
    if c.percent {
        lo = lo.max(0.0);
        hi = hi.min(1.0);
    }
    let span_x = f64::from((last - first).max(1));
    let x = |period: i32| {
        if first == last {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + f64::from(period - first) / span_x * (WIDTH - LEFT - RIGHT)
        }
    };
    let y = |v: f64| TOP + (hi - v) / (hi - lo).max(1e-12) * (HEIGHT - TOP - BOTTOM);
    let label = |v: f64| -> String {
        let text = if c.percent {
            format!("{:.0} %", v * 100.0)
        } else {
            format!("{v:.1}")
        };
        if c.decimal_comma {
            text.replace('.', ",")
        } else {
            text
        }
    };
    // Runs of consecutive years with numbers: band and solid line within, dashed between.
    let mut runs: Vec<Vec<&ChartPoint>> = Vec::new();
    let mut previous: Option<i32> = None;
    for p in c.points {
        match p.estimate {
            Some(_) if previous == Some(p.period - 1) => {
                if let Some(run) = runs.last_mut() {
                    run.push(p);
                }
            }
            Some(_) => runs.push(vec![p]),
            None => {}
        }
        previous = p.estimate.map(|_| p.period);
    }
    let mut band = String::new();
    let mut solid = String::new();
    for run in &runs {
        let with_interval: Vec<&&ChartPoint> = run
            .iter()
            .filter(|p| p.low.is_some() && p.high.is_some())
            .collect();
        if with_interval.len() == run.len() && !run.is_empty() {
            let upper = run
                .iter()
                .map(|p| format!("{},{}", fmt(x(p.period)), fmt(y(p.high.unwrap_or(0.0)))));
            let lower = run
                .iter()
                .rev()
                .map(|p| format!("{},{}", fmt(x(p.period)), fmt(y(p.low.unwrap_or(0.0)))));
            let points: Vec<String> = upper.chain(lower).collect();
            if run.len() == 1 {
                // One year alone: its interval as a bar.
                let p = run[0];
                band.push_str(&format!(
                    r##"<rect x="{}" y="{}" width="8" height="{}" fill="#d5d9de"/>"##,
                    fmt(x(p.period) - 4.0),
                    fmt(y(p.high.unwrap_or(0.0))),
                    fmt((y(p.low.unwrap_or(0.0)) - y(p.high.unwrap_or(0.0))).max(0.5)),
                ));
            } else {
                band.push_str(&format!(
                    r##"<polygon points="{}" fill="#d5d9de"/>"##,
                    points.join(" ")
                ));
            }
        }
        if run.len() > 1 {
            let path: Vec<String> = run
                .iter()
                .map(|p| format!("{},{}", fmt(x(p.period)), fmt(y(p.estimate.unwrap_or(0.0)))))
                .collect();
            solid.push_str(&format!(
                r##"<polyline points="{}" fill="none" stroke="#1b1b1f" stroke-width="2"/>"##,
                path.join(" ")
            ));
        }
    }
    let mut dashed = String::new();
    for pair in runs.windows(2) {
        if let (Some(a), Some(b)) = (pair[0].last(), pair[1].first()) {
            dashed.push_str(&format!(
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1b1b1f" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
                fmt(x(a.period)),
                fmt(y(a.estimate.unwrap_or(0.0))),
                fmt(x(b.period)),
                fmt(y(b.estimate.unwrap_or(0.0))),
            ));
        }
    }
    let mut compared = String::new();
    for line in c.comparisons {
        let within: Vec<(f64, f64)> = line
            .values
            .iter()
            .filter(|(p, v)| (first..=last).contains(p) && v.is_finite())
            .map(|(p, v)| (x(*p), y(*v)))
            .collect();
        if within.len() > 1 {
            let path: Vec<String> = within
                .iter()
                .map(|(a, b)| format!("{},{}", fmt(*a), fmt(*b)))
                .collect();
            compared.push_str(&format!(
                r##"<polyline points="{}" fill="none" stroke="#6b4c9a" stroke-width="1.5" stroke-dasharray="6 2 1 2"/>"##,
                path.join(" ")
            ));
        }
        for (a, b) in within {
            compared.push_str(&format!(
                r##"<rect x="{}" y="{}" width="6" height="6" fill="#ffffff" stroke="#6b4c9a" stroke-width="1.5"/>"##,
                fmt(a - 3.0),
                fmt(b - 3.0)
            ));
        }
    }
    let title_id = format!("{}-title", c.id);
    let desc_id = format!("{}-desc", c.id);
    html! {
        svg class="chart" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) width=(WIDTH) height=(HEIGHT)
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (c.description) }
            // Axis: lowest and highest value of the scale.
            line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(HEIGHT - BOTTOM) stroke="#8a9099" stroke-width="1" {}
            line x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - RIGHT) y2=(HEIGHT - BOTTOM) stroke="#8a9099" stroke-width="1" {}
            text x=(LEFT - 4.0) y=(fmt(y(hi) + 4.0)) text-anchor="end" font-size="10" fill="#4a4f57" { (label(hi)) }
            text x=(LEFT - 4.0) y=(fmt(y(lo))) text-anchor="end" font-size="10" fill="#4a4f57" { (label(lo)) }
            @for p in c.points {
                text x=(fmt(x(p.period))) y=(HEIGHT - 6.0) text-anchor="middle" font-size="10" fill="#4a4f57" { (p.period) }
            }
            (PreEscaped(band))
            @if let Some(t) = c.target {
                line x1=(LEFT) y1=(fmt(y(t))) x2=(WIDTH - RIGHT) y2=(fmt(y(t))) stroke="#00507a" stroke-width="1.5" stroke-dasharray="2 3" {}
            }
            (PreEscaped(compared))
            (PreEscaped(dashed))
            (PreEscaped(solid))
            @for p in with_numbers {
                circle cx=(fmt(x(p.period))) cy=(fmt(y(p.estimate.unwrap_or(0.0)))) r="3.5"
                    fill=(if p.hollow { "#ffffff" } else { "#1b1b1f" }) stroke="#1b1b1f" stroke-width="1.5" {}
            }
        }
    }
}

/// What the marks of a line chart mean, under it: the line and its band, hollow points, and the
/// target and comparison lines when the chart has them.
pub fn legend(lang: crate::i18n::Lang, target: bool, comparisons: &[ComparisonLine]) -> Markup {
    html! {
        ul class="legend" {
            li { span class="key key-line" aria-hidden="true" {} (lang.pick("kommunens värde med 95 % intervall (grått band)", "the municipality's value with its 95 % interval (grey band)")) }
            li { span class="key key-hollow" aria-hidden="true" {} (lang.pick("osäker skattning", "uncertain estimate")) }
            @if target { li { span class="key key-target" aria-hidden="true" {} (lang.pick("mål", "target")) } }
            @for line in comparisons { li { span class="key key-comparison" aria-hidden="true" {} (line.label) } }
        }
    }
}

/// One category of an interval-bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub estimate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub hollow: bool,
}

/// Estimates by category as points with their intervals as horizontal bars, on one scale.
pub fn interval_bars(
    id: &str,
    title: &str,
    description: &str,
    bars: &[Bar],
    percent: bool,
    decimal_comma: bool,
) -> Markup {
    // Each category's name on a line of its own above its bar, so that long names fit on a
    // phone and the bars share the whole width.
    const LABEL: f64 = 8.0;
    const ROW: f64 = 34.0;
    const W: f64 = 340.0;
    let height = ROW * bars.len() as f64 + 24.0;
    let hi = if percent {
        let top = bars
            .iter()
            .filter_map(|b| b.high.or(b.estimate))
            .fold(0.0f64, f64::max);
        ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0)
    } else {
        bars.iter()
            .filter_map(|b| b.high.or(b.estimate))
            .fold(0.0f64, f64::max)
            .max(1e-9)
            * 1.1
    };
    let x = |v: f64| LABEL + (v / hi).clamp(0.0, 1.0) * (W - LABEL - 16.0);
    let axis = |v: f64| {
        let t = if percent {
            format!("{:.0} %", v * 100.0)
        } else {
            format!("{v:.1}")
        };
        if decimal_comma {
            t.replace('.', ",")
        } else {
            t
        }
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    html! {
        svg class="chart bars" viewBox=(format!("0 0 {W} {height}")) width=(W) height=(height)
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (description) }
            line x1=(LABEL) y1="4" x2=(LABEL) y2=(height - 18.0) stroke="#8a9099" stroke-width="1" {}
            text x=(LABEL) y=(height - 4.0) text-anchor="start" font-size="10" fill="#4a4f57" { (axis(0.0)) }
            text x=(fmt(x(hi))) y=(height - 4.0) text-anchor="middle" font-size="10" fill="#4a4f57" { (axis(hi)) }
            @for (i, b) in bars.iter().enumerate() {
                @let cy = 4.0 + ROW * i as f64 + 22.0;
                text x=(LABEL) y=(fmt(cy - 9.0)) font-size="12" fill="#1b1b1f" { (b.label) }
                @if let (Some(lo), Some(up)) = (b.low, b.high) {
                    rect x=(fmt(x(lo))) y=(fmt(cy - 5.0)) width=(fmt((x(up) - x(lo)).max(1.0))) height="10" fill="#d5d9de" {}
                }
                @match b.estimate {
                    Some(e) => circle cx=(fmt(x(e))) cy=(fmt(cy)) r="4" fill=(if b.hollow { "#ffffff" } else { "#1b1b1f" }) stroke="#1b1b1f" stroke-width="1.5" {},
                    None => text x=(LABEL + 6.0) y=(fmt(cy + 4.0)) font-size="11" fill="#4a4f57" { ".." },
                }
            }
        }
    }
}
