//! Small SVG charts drawn in maud, no JavaScript: an indicator over the waves with its interval as
//! a band, and a wave by category as interval bars. Readable in greyscale and print: the band is
//! light grey, the line dark, a missing or suppressed year breaks the line into a dashed
//! stretch, flagged estimates have hollow markers, a target is a dotted line with its value
//! written beside it, and the whole municipality is a dashed line with its name and value.
//! Every chart has `role="img"`, a title and a description; the page puts its data in a table
//! beside it, and [`svg_document`] makes a chart a file of its own.
//!
//! Scales: a proportion's axis always runs from 0 % (a cut axis makes a small change look
//! steep); a mean's axis runs from 0 too, or from its lowest value when that is below 0, so that
//! the distances from the axis compare as the values do. The top is the first gridline at or
//! above the highest value, interval or target, and gridlines are labelled at a round step
//! (1, 2, 2,5 or 5 times a power of ten) giving three to six of them.

use maud::{Markup, PreEscaped, html};

use crate::i18n::Lang;

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
#[derive(Default)]
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
    /// The language of the words in the chart ("Mål 15 %").
    pub lang: Lang,
}

/// A chart drawn, with its size (for [`svg_document`]).
pub struct Drawn {
    pub markup: Markup,
    pub width: f64,
    pub height: f64,
}

/// The size of a line chart (its viewBox).
pub const WIDTH: f64 = 280.0;
pub const HEIGHT: f64 = 140.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

const INK: &str = "#1b1b1f";
const MUTED: &str = "#4a4f57";
const GRID: &str = "#e3e6ea";
const TARGET: &str = "#00507a";

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// A value axis: from `lo` to `hi`, with labelled gridlines at `ticks`.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    decimals: usize,
    percent: bool,
    decimal_comma: bool,
}

impl Axis {
    /// The axis for `values` (estimates, interval ends, targets, reference values).
    pub fn new(values: impl IntoIterator<Item = f64>, percent: bool, decimal_comma: bool) -> Axis {
        let (mut lo, mut hi) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        if percent {
            lo = 0.0;
            hi = hi.clamp(0.01, 1.0);
        } else if hi - lo < 1e-9 {
            hi = lo + 1.0;
        }
        let (ticks, step) = nice_ticks(lo, hi);
        let scaled = if percent { step * 100.0 } else { step };
        let decimals = (0..=3)
            .find(|d| {
                let f = 10f64.powi(*d);
                ((scaled * f).round() - scaled * f).abs() < 1e-6
            })
            .unwrap_or(3) as usize;
        let (lo, hi) = (
            ticks.first().copied().unwrap_or(lo),
            ticks.last().copied().unwrap_or(hi),
        );
        Axis {
            lo,
            hi,
            ticks,
            decimals,
            percent,
            decimal_comma,
        }
    }

    /// A tick's label: "20 %", "2,5".
    pub fn label(&self, v: f64) -> String {
        // No "−0": a tick at zero is zero.
        let v = if v.abs() < 1e-12 { 0.0 } else { v };
        let text = if self.percent {
            format!("{:.*}\u{a0}%", self.decimals, v * 100.0)
        } else {
            format!("{:.*}", self.decimals, v)
        };
        if self.decimal_comma {
            text.replace('.', ",").replace('-', "−")
        } else {
            text
        }
    }

    /// An estimate as the page writes it (whole percent from 10 %, else one decimal; a mean
    /// with two decimals), so that the chart and the text beside it agree: "21 %".
    pub fn estimate_label(&self, v: f64) -> String {
        let text = match (self.percent, v.abs() >= 0.095) {
            (true, true) => format!("{:.0}\u{a0}%", v * 100.0),
            (true, false) => format!("{:.1}\u{a0}%", v * 100.0),
            (false, _) => format!("{v:.2}"),
        };
        if self.decimal_comma {
            text.replace('.', ",").replace('-', "−")
        } else {
            text
        }
    }

    /// A set value (a target) as written, whole or with one decimal: "15 %", "12,5 %", "2,35".
    pub fn value_label(&self, v: f64) -> String {
        let text = if self.percent {
            let d = if (v * 100.0 - (v * 100.0).round()).abs() < 0.05 {
                0
            } else {
                1
            };
            format!("{:.*}\u{a0}%", d, v * 100.0)
        } else {
            format!("{v:.2}")
        };
        if self.decimal_comma {
            text.replace('.', ",").replace('-', "−")
        } else {
            text
        }
    }
}

/// Round gridlines from at most `lo` to at least `hi`: a step of 1, 2, 2.5 or 5 times a power
/// of ten, the smallest that needs no more than four intervals to cover the span.
pub fn nice_ticks(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let span = (hi - lo).max(1e-9);
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let ticks = (first..=last.max(first + 1))
        .map(|i| {
            // Round away the float noise of i · step (0.30000000000000004).
            let v = i as f64 * step;
            (v * 1e9).round() / 1e9
        })
        .collect();
    (ticks, step)
}

pub fn line_chart(c: &LineChart) -> Markup {
    line_chart_drawn(c).markup
}

/// [`line_chart`] with its size.
pub fn line_chart_drawn(c: &LineChart) -> Drawn {
    let with_numbers: Vec<&ChartPoint> = c.points.iter().filter(|p| p.estimate.is_some()).collect();
    let (first, last) = match (c.points.first(), c.points.last()) {
        (Some(f), Some(l)) => (f.period, l.period),
        _ => (0, 0),
    };
    let values = with_numbers
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
        );
    let axis = Axis::new(values, c.percent, c.decimal_comma);
    let plot = Plot {
        first,
        last,
        lo: axis.lo,
        hi: axis.hi,
    };
    let runs = runs_of(c.points);
    let (band, solid) = bands_and_lines(&runs, &plot);
    let dashed = gaps(&runs, &plot);
    let compared = comparison_marks(c.comparisons, &plot);
    // The target's value is written above its line, or below it when the line is at the top.
    let target_text = c.target.map(|t| {
        let above = plot.y(t) - TOP > 12.0;
        (
            plot.y(t),
            if above {
                plot.y(t) - 3.0
            } else {
                plot.y(t) + 10.0
            },
            format!("{} {}", c.lang.pick("Mål", "Target"), axis.value_label(t)),
        )
    });
    let title_id = format!("{}-title", c.id);
    let desc_id = format!("{}-desc", c.id);
    let mut description = c.description.to_owned();
    description.push_str(&scale_sentence(c.lang, &axis));
    if let Some((_, _, text)) = &target_text {
        description.push_str(&format!(" {text}."));
    }
    let markup = html! {
        svg class="chart" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) width=(WIDTH) height=(HEIGHT)
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) font-family="sans-serif" {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (description) }
            // Gridlines with their values; the axis from the lowest one.
            @for t in &axis.ticks {
                line class="grid" x1=(LEFT) y1=(fmt(plot.y(*t))) x2=(WIDTH - RIGHT) y2=(fmt(plot.y(*t))) stroke=(GRID) stroke-width="1" {}
                text class="tick" x=(LEFT - 4.0) y=(fmt(plot.y(*t) + 3.5)) text-anchor="end" font-size="10" fill=(MUTED) { (axis.label(*t)) }
            }
            line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(HEIGHT - BOTTOM) stroke="#8a9099" stroke-width="1" {}
            line x1=(LEFT) y1=(fmt(plot.y(plot.lo))) x2=(WIDTH - RIGHT) y2=(fmt(plot.y(plot.lo))) stroke="#8a9099" stroke-width="1" {}
            @for p in c.points {
                text x=(fmt(plot.x(p.period))) y=(HEIGHT - 6.0) text-anchor="middle" font-size="10" fill=(MUTED) { (p.period) }
            }
            (PreEscaped(band))
            @if let Some((line_y, text_y, text)) = &target_text {
                line class="target" x1=(LEFT) y1=(fmt(*line_y)) x2=(WIDTH - RIGHT) y2=(fmt(*line_y)) stroke=(TARGET) stroke-width="1.5" stroke-dasharray="2 3" {}
                // A white outline, so that the words read where a line crosses them.
                text class="target-label" x=(WIDTH - RIGHT) y=(fmt(*text_y)) text-anchor="end" font-size="9" fill=(TARGET)
                    stroke="#ffffff" stroke-width="3" paint-order="stroke" { (text) }
            }
            (PreEscaped(compared))
            (PreEscaped(dashed))
            (PreEscaped(solid))
            @for p in with_numbers {
                circle cx=(fmt(plot.x(p.period))) cy=(fmt(plot.y(p.estimate.unwrap_or(0.0)))) r="3.5"
                    fill=(if p.hollow { "#ffffff" } else { INK }) stroke=(INK) stroke-width="1.5" {}
            }
        }
    };
    Drawn {
        markup,
        width: WIDTH,
        height: HEIGHT,
    }
}

/// Where a line chart's years and values lie in the drawing.
struct Plot {
    first: i32,
    last: i32,
    lo: f64,
    hi: f64,
}

impl Plot {
    /// The x of a year: the middle when there is one year only.
    fn x(&self, period: i32) -> f64 {
        let span_x = f64::from((self.last - self.first).max(1));
        if self.first == self.last {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + f64::from(period - self.first) / span_x * (WIDTH - LEFT - RIGHT)
        }
    }

    /// The y of a value.
    fn y(&self, v: f64) -> f64 {
        TOP + (self.hi - v) / (self.hi - self.lo).max(1e-12) * (HEIGHT - TOP - BOTTOM)
    }
}

/// Runs of consecutive years with numbers: band and solid line within, dashed between.
fn runs_of(points: &[ChartPoint]) -> Vec<Vec<&ChartPoint>> {
    let mut runs: Vec<Vec<&ChartPoint>> = Vec::new();
    let mut previous: Option<i32> = None;
    for p in points {
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
    runs
}

/// Each run's interval as a band (a bar for a year alone) and its estimates as a solid line.
fn bands_and_lines(runs: &[Vec<&ChartPoint>], plot: &Plot) -> (String, String) {
    let mut band = String::new();
    let mut solid = String::new();
    for run in runs {
        let with_interval = run
            .iter()
            .filter(|p| p.low.is_some() && p.high.is_some())
            .count();
        if with_interval == run.len() && !run.is_empty() {
            let upper = run.iter().map(|p| {
                format!(
                    "{},{}",
                    fmt(plot.x(p.period)),
                    fmt(plot.y(p.high.unwrap_or(0.0)))
                )
            });
            let lower = run.iter().rev().map(|p| {
                format!(
                    "{},{}",
                    fmt(plot.x(p.period)),
                    fmt(plot.y(p.low.unwrap_or(0.0)))
                )
            });
            let points: Vec<String> = upper.chain(lower).collect();
            if run.len() == 1 {
                // One year alone: its interval as a bar.
                let p = run[0];
                band.push_str(&format!(
                    r##"<rect x="{}" y="{}" width="8" height="{}" fill="#d5d9de"/>"##,
                    fmt(plot.x(p.period) - 4.0),
                    fmt(plot.y(p.high.unwrap_or(0.0))),
                    fmt((plot.y(p.low.unwrap_or(0.0)) - plot.y(p.high.unwrap_or(0.0))).max(0.5)),
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
                .map(|p| {
                    format!(
                        "{},{}",
                        fmt(plot.x(p.period)),
                        fmt(plot.y(p.estimate.unwrap_or(0.0)))
                    )
                })
                .collect();
            solid.push_str(&format!(
                r##"<polyline points="{}" fill="none" stroke="{INK}" stroke-width="2"/>"##,
                path.join(" ")
            ));
        }
    }
    (band, solid)
}

/// A dashed line across each gap between runs (a year without figures).
fn gaps(runs: &[Vec<&ChartPoint>], plot: &Plot) -> String {
    let mut dashed = String::new();
    for pair in runs.windows(2) {
        if let (Some(a), Some(b)) = (pair[0].last(), pair[1].first()) {
            dashed.push_str(&format!(
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
                fmt(plot.x(a.period)),
                fmt(plot.y(a.estimate.unwrap_or(0.0))),
                fmt(plot.x(b.period)),
                fmt(plot.y(b.estimate.unwrap_or(0.0))),
            ));
        }
    }
    dashed
}

/// The comparison lines within the chart's years, each value a hollow square.
fn comparison_marks(comparisons: &[ComparisonLine], plot: &Plot) -> String {
    let (first, last) = (plot.first, plot.last);
    let mut compared = String::new();
    for line in comparisons {
        let within: Vec<(f64, f64)> = line
            .values
            .iter()
            .filter(|(p, v)| (first..=last).contains(p) && v.is_finite())
            .map(|(p, v)| (plot.x(*p), plot.y(*v)))
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
    compared
}

/// " Skala 0–40 %." for the description, so that a screen reader hears the axis too.
fn scale_sentence(lang: Lang, axis: &Axis) -> String {
    format!(
        " {} {}–{}.",
        lang.pick("Skala", "Scale"),
        axis.label(axis.lo),
        axis.label(axis.hi)
    )
}

/// What the marks of a line chart mean, under it: the line and its band, hollow points, and the
/// target and comparison lines when the chart has them.
pub fn legend(lang: Lang, target: bool, comparisons: &[ComparisonLine]) -> Markup {
    html! {
        ul class="legend" {
            @for (key, text) in legend_items(lang, target, comparisons) {
                li { span class=(format!("key {key}")) aria-hidden="true" {} (text) }
            }
        }
    }
}

/// The legend's entries: the CSS class of the key and the words.
fn legend_items(
    lang: Lang,
    target: bool,
    comparisons: &[ComparisonLine],
) -> Vec<(&'static str, String)> {
    let mut items = vec![
        (
            "key-line",
            lang.pick(
                "kommunens värde med 95 % intervall (grått band)",
                "the municipality's value with its 95 % interval (grey band)",
            )
            .to_owned(),
        ),
        (
            "key-hollow",
            lang.pick(
                "osäker skattning (ihålig punkt)",
                "uncertain estimate (hollow point)",
            )
            .to_owned(),
        ),
    ];
    if target {
        items.push((
            "key-target",
            lang.pick("mål (prickad linje)", "target (dotted line)")
                .to_owned(),
        ));
    }
    for line in comparisons {
        items.push((
            "key-comparison",
            format!(
                "{} ({})",
                line.label,
                lang.pick(
                    "streckprickad linje, fyrkanter",
                    "dash-dotted line, squares"
                )
            ),
        ));
    }
    items
}

/// The legend in words, for a chart saved as a file.
pub fn legend_lines(lang: Lang, target: bool, comparisons: &[ComparisonLine]) -> Vec<String> {
    legend_items(lang, target, comparisons)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
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

/// A reference value drawn across an interval-bar chart: the whole municipality.
#[derive(Debug, Clone)]
pub struct Reference<'a> {
    pub label: &'a str,
    pub value: f64,
}

/// Estimates by category as points with their intervals as horizontal bars, on one scale.
#[derive(Default)]
pub struct BarChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub bars: &'a [Bar],
    pub percent: bool,
    pub lang: Lang,
    /// Drawn as a dashed line with its label and value ("Hela kommunen 21 %").
    pub reference: Option<Reference<'a>>,
}

pub fn interval_bars(c: &BarChart) -> Markup {
    interval_bars_drawn(c).markup
}

/// [`interval_bars`] with its size.
pub fn interval_bars_drawn(c: &BarChart) -> Drawn {
    // Each category's name on a line of its own above its bar, so that long names fit on a
    // phone and the bars share the whole width.
    const LABEL: f64 = 12.0;
    const ROW: f64 = 34.0;
    const W: f64 = 340.0;
    const HEAD: f64 = 18.0;
    let decimal_comma = c.lang == Lang::Sv;
    let axis = Axis::new(
        c.bars
            .iter()
            .flat_map(|b| [b.estimate, b.low, b.high])
            .flatten()
            .chain(c.reference.as_ref().map(|r| r.value)),
        c.percent,
        decimal_comma,
    );
    let bottom = HEAD + ROW * c.bars.len() as f64 + 4.0;
    let height = bottom + 18.0;
    let x = |v: f64| {
        LABEL
            + ((v - axis.lo) / (axis.hi - axis.lo).max(1e-12)).clamp(0.0, 1.0) * (W - LABEL - 16.0)
    };
    let reference = c.reference.as_ref().map(|r| {
        let at = x(r.value);
        let text = format!("{} {}", r.label, axis.estimate_label(r.value));
        let (text_x, anchor) = if at < W / 2.0 {
            (at + 3.0, "start")
        } else {
            (at - 3.0, "end")
        };
        (at, text_x, anchor, text)
    });
    let title_id = format!("{}-title", c.id);
    let desc_id = format!("{}-desc", c.id);
    let mut description = c.description.to_owned();
    if let Some((_, _, _, text)) = &reference {
        description.push_str(&format!("; {text}"));
    }
    description.push('.');
    description.push_str(&scale_sentence(c.lang, &axis));
    let markup = html! {
        svg class="chart bars" viewBox=(format!("0 0 {W} {height}")) width=(W) height=(height)
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) font-family="sans-serif" {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (description) }
            @for t in &axis.ticks {
                line class="grid" x1=(fmt(x(*t))) y1=(HEAD - 2.0) x2=(fmt(x(*t))) y2=(bottom) stroke=(GRID) stroke-width="1" {}
                text class="tick" x=(fmt(x(*t))) y=(height - 4.0) text-anchor="middle" font-size="10" fill=(MUTED) { (axis.label(*t)) }
            }
            line x1=(fmt(x(axis.lo))) y1=(HEAD - 2.0) x2=(fmt(x(axis.lo))) y2=(bottom) stroke="#8a9099" stroke-width="1" {}
            // The whole municipality under the groups' names, whose white outline keeps them
            // readable where the line crosses them.
            @if let Some((at, text_x, anchor, text)) = &reference {
                line class="reference" x1=(fmt(*at)) y1=(HEAD - 4.0) x2=(fmt(*at)) y2=(bottom) stroke=(INK) stroke-width="1.5" stroke-dasharray="5 3" {}
                text class="reference-label" x=(fmt(*text_x)) y="11" text-anchor=(anchor) font-size="10" fill=(INK) { (text) }
            }
            @for (i, b) in c.bars.iter().enumerate() {
                @let cy = HEAD + ROW * i as f64 + 22.0;
                text x=(LABEL + 4.0) y=(fmt(cy - 9.0)) font-size="12" fill=(INK)
                    stroke="#ffffff" stroke-width="3" paint-order="stroke" { (b.label) }
                @if let (Some(lo), Some(up)) = (b.low, b.high) {
                    rect x=(fmt(x(lo))) y=(fmt(cy - 5.0)) width=(fmt((x(up) - x(lo)).max(1.0))) height="10" fill="#d5d9de" {}
                }
                @match b.estimate {
                    Some(e) => circle cx=(fmt(x(e))) cy=(fmt(cy)) r="4" fill=(if b.hollow { "#ffffff" } else { INK }) stroke=(INK) stroke-width="1.5" {},
                    None => text x=(LABEL + 6.0) y=(fmt(cy + 4.0)) font-size="11" fill=(MUTED) { ".." },
                }
            }
        }
    };
    Drawn {
        markup,
        width: W,
        height,
    }
}

/// Breaks `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Split on spaces only: a no-break space keeps "1 462" on one line.
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A chart as a file of its own (`…/chart.svg`): the chart under its heading, with the notes
/// that the page says around it (what the marks mean, the source) below, drawn twice the size
/// so that it can go into a document as it is.
pub fn svg_document(drawn: &Drawn, heading: &str, notes: &[String]) -> String {
    const HEADING: f64 = 24.0;
    const LINE: f64 = 11.0;
    let chars = (drawn.width / 4.6) as usize;
    let heading_lines = wrap(heading, (drawn.width / 6.2) as usize);
    let note_lines: Vec<String> = notes.iter().flat_map(|n| wrap(n, chars)).collect();
    let top = HEADING + 13.0 * (heading_lines.len().max(1) - 1) as f64;
    let height = top + drawn.height + 6.0 + LINE * note_lines.len() as f64 + 4.0;
    let width = drawn.width;
    let document = html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {width} {}", fmt(height)))
            width=(width * 2.0) height=(fmt(height * 2.0)) font-family="sans-serif" {
            rect width="100%" height="100%" fill="#ffffff" {}
            @for (i, line) in heading_lines.iter().enumerate() {
                text x="4" y=(fmt(14.0 + 13.0 * i as f64)) font-size="11" font-weight="bold" fill=(INK) { (line) }
            }
            svg x="0" y=(fmt(top)) width=(drawn.width) height=(fmt(drawn.height)) viewBox=(format!("0 0 {} {}", drawn.width, fmt(drawn.height))) {
                (drawn.markup)
            }
            @for (i, line) in note_lines.iter().enumerate() {
                text x="4" y=(fmt(top + drawn.height + 6.0 + LINE * (i as f64 + 0.8))) font-size="8" fill=(MUTED) { (line) }
            }
        }
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        document.into_string()
    )
}

/// Counts per month as columns (the lägesbild's fault reports): months in order, a label under
/// January and July of each year, so that a season shows.
pub struct MonthColumns<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// (`YYYY-MM`, count), in order.
    pub months: &'a [(String, f64)],
    pub lang: Lang,
}

pub fn month_columns(c: &MonthColumns) -> Markup {
    let axis = Axis::new(c.months.iter().map(|(_, v)| *v), false, c.lang == Lang::Sv);
    let n = c.months.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / n;
    let y = |v: f64| TOP + (axis.hi - v) / (axis.hi - axis.lo).max(1e-12) * (HEIGHT - TOP - BOTTOM);
    let title_id = format!("{}-title", c.id);
    let desc_id = format!("{}-desc", c.id);
    let mut description = c.description.to_owned();
    description.push_str(&scale_sentence(c.lang, &axis));
    html! {
        svg class="chart" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) width=(WIDTH) height=(HEIGHT)
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) font-family="sans-serif" {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (description) }
            @for t in &axis.ticks {
                line class="grid" x1=(LEFT) y1=(fmt(y(*t))) x2=(WIDTH - RIGHT) y2=(fmt(y(*t))) stroke=(GRID) stroke-width="1" {}
                text class="tick" x=(LEFT - 4.0) y=(fmt(y(*t) + 3.5)) text-anchor="end" font-size="10" fill=(MUTED) { (axis.label(*t)) }
            }
            @for (i, (month, value)) in c.months.iter().enumerate() {
                @let x = LEFT + i as f64 * slot;
                rect x=(fmt(x + slot * 0.15)) y=(fmt(y(*value))) width=(fmt(slot * 0.7))
                    height=(fmt((y(axis.lo) - y(*value)).max(0.0))) fill=(INK) {}
                @if month.ends_with("-01") || month.ends_with("-07") {
                    text x=(fmt(x + slot / 2.0)) y=(HEIGHT - 6.0) text-anchor="middle" font-size="9" fill=(MUTED) {
                        (month_label(c.lang, month))
                    }
                }
            }
            line x1=(LEFT) y1=(fmt(y(axis.lo))) x2=(WIDTH - RIGHT) y2=(fmt(y(axis.lo))) stroke="#8a9099" stroke-width="1" {}
        }
    }
}

/// "jan 2025", "jul 2025".
pub fn month_label(lang: Lang, month: &str) -> String {
    let m: usize = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let name = crate::i18n::month_name(lang, (m.clamp(1, 12) - 1) as u32);
    let short: String = name.chars().take(3).collect();
    format!("{short} {}", month.get(..4).unwrap_or(month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(period: i32, estimate: f64, low: f64, high: f64) -> ChartPoint {
        ChartPoint {
            period,
            estimate: Some(estimate),
            low: Some(low),
            high: Some(high),
            hollow: false,
        }
    }

    /// The labels of the gridlines, in order.
    fn ticks(svg: &str) -> Vec<String> {
        svg.split("<text class=\"tick\"")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1))
            .filter_map(|t| t.split('<').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_proportions_axis_starts_at_zero_with_round_labelled_gridlines() {
        // 8 %–32 % once became the whole axis, and the slope looked steep.
        let points = [
            point(2022, 0.14, 0.08, 0.20),
            point(2023, 0.20, 0.14, 0.26),
            point(2024, 0.26, 0.20, 0.32),
        ];
        let svg = line_chart(&LineChart {
            id: "c",
            title: "Otrygga",
            points: &points,
            percent: true,
            decimal_comma: true,
            ..Default::default()
        })
        .into_string();
        assert_eq!(
            ticks(&svg),
            [
                "0\u{a0}%",
                "10\u{a0}%",
                "20\u{a0}%",
                "30\u{a0}%",
                "40\u{a0}%"
            ]
        );
        assert!(svg.contains("Skala 0\u{a0}%–40\u{a0}%."), "{svg}");
        assert_eq!(svg.matches("class=\"grid\"").count(), 5);
    }

    #[test]
    fn small_shares_get_a_fine_step_and_a_decimal_where_the_step_needs_one() {
        let axis = Axis::new([0.004, 0.012], true, true);
        assert_eq!(axis.lo, 0.0);
        let labels: Vec<String> = axis.ticks.iter().map(|t| axis.label(*t)).collect();
        assert_eq!(
            labels,
            ["0,0\u{a0}%", "0,5\u{a0}%", "1,0\u{a0}%", "1,5\u{a0}%"]
        );
        let axis = Axis::new([0.97, 1.0], true, false);
        assert_eq!(axis.hi, 1.0, "never above 100 %");
        assert_eq!(axis.ticks.first(), Some(&0.0));
    }

    #[test]
    fn a_means_axis_starts_at_zero_unless_values_are_below_it() {
        let axis = Axis::new([2.1, 2.6, 3.05], false, true);
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi >= 3.05);
        assert!((3..=6).contains(&axis.ticks.len()), "{:?}", axis.ticks);
        let below = Axis::new([-0.4, 0.3], false, true);
        assert!(below.lo <= -0.4);
        assert!(below.ticks.contains(&0.0), "{:?}", below.ticks);
        assert!(
            below.label(below.lo).starts_with('−'),
            "{}",
            below.label(below.lo)
        );
    }

    #[test]
    fn ticks_are_three_to_six_round_steps_covering_the_values() {
        for (lo, hi) in [
            (0.0, 0.05),
            (0.0, 0.32),
            (0.0, 1.0),
            (0.0, 4.0),
            (0.0, 17.0),
            (-2.0, 3.0),
            (0.0, 0.999),
        ] {
            let (ticks, step) = nice_ticks(lo, hi);
            assert!((3..=6).contains(&ticks.len()), "{lo}–{hi}: {ticks:?}");
            assert!(
                ticks[0] <= lo && *ticks.last().unwrap() >= hi - 1e-9,
                "{lo}–{hi}: {ticks:?}"
            );
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0]
                    .iter()
                    .any(|m| (m - mantissa).abs() < 1e-9),
                "{step}"
            );
        }
    }

    #[test]
    fn the_target_line_carries_its_value_in_words() {
        let points = [point(2024, 0.2, 0.15, 0.25), point(2025, 0.18, 0.13, 0.23)];
        let svg = line_chart(&LineChart {
            id: "c",
            title: "Otrygga",
            points: &points,
            target: Some(0.15),
            percent: true,
            decimal_comma: true,
            lang: Lang::Sv,
            ..Default::default()
        })
        .into_string();
        assert!(svg.contains("class=\"target\""), "{svg}");
        assert!(svg.contains(">Mål 15\u{a0}%</text>"), "{svg}");
        let en = line_chart(&LineChart {
            id: "c",
            points: &points,
            target: Some(0.125),
            percent: true,
            lang: Lang::En,
            ..Default::default()
        })
        .into_string();
        assert!(en.contains(">Target 12.5\u{a0}%</text>"), "{en}");
    }

    #[test]
    fn a_breakdown_chart_has_the_whole_municipality_as_a_labelled_line() {
        let bars = [
            Bar {
                label: "Kvinna".into(),
                estimate: Some(0.3),
                low: Some(0.25),
                high: Some(0.35),
                hollow: false,
            },
            Bar {
                label: "Man".into(),
                estimate: Some(0.1),
                low: Some(0.07),
                high: Some(0.13),
                hollow: false,
            },
            Bar {
                label: "Annat".into(),
                estimate: None,
                low: None,
                high: None,
                hollow: false,
            },
        ];
        let svg = interval_bars(&BarChart {
            id: "by-0",
            title: "Kön",
            description: "Kvinna: 30 %",
            bars: &bars,
            percent: true,
            lang: Lang::Sv,
            reference: Some(Reference {
                label: "Hela kommunen",
                value: 0.2,
            }),
        })
        .into_string();
        assert!(svg.contains("class=\"reference\""), "{svg}");
        assert!(svg.contains(">Hela kommunen 20\u{a0}%</text>"), "{svg}");
        assert_eq!(ticks(&svg).first().map(String::as_str), Some("0\u{a0}%"));
        assert!(ticks(&svg).len() >= 3, "{svg}");
        // A hidden group shows "..", never a number.
        assert!(svg.contains(">..</text>"), "{svg}");
        assert!(
            svg.contains("Hela kommunen 20\u{a0}%. Skala"),
            "the description names it: {svg}"
        );
    }

    #[test]
    fn a_chart_as_a_file_is_standalone_svg_with_its_heading_and_notes() {
        let points = [point(2024, 0.2, 0.15, 0.25)];
        let drawn = line_chart_drawn(&LineChart {
            id: "c",
            title: "Otrygga <ute>",
            points: &points,
            percent: true,
            ..Default::default()
        });
        let file = svg_document(
            &drawn,
            "Otrygga & rädda",
            &["Källa: Trygghetsundersökning".into()],
        );
        assert!(file.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""
        ));
        assert!(file.contains("Otrygga &amp; rädda"));
        assert!(file.contains("Otrygga &lt;ute&gt;"));
        assert!(file.contains("Källa: Trygghetsundersökning"));
    }

    #[test]
    fn long_notes_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("(1\u{a0}462 svar)", 6), ["(1\u{a0}462", "svar)"]);
        assert!(wrap("", 5).is_empty());
    }
}
