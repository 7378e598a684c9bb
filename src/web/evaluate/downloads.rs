//! Each chart of an indicator's page as a file of its own, and its figures as CSV for Swedish
//! Excel, linked under the chart:
//!
//! - `/evaluate/indicators/{survey}/{indicator}/chart.svg` and `chart.csv`: the series over the
//!   waves (with the comparison values by year);
//! - `/evaluate/indicators/{survey}/{indicator}/by/{breakdown}/chart.svg` and `chart.csv`: the
//!   chosen wave by one breakdown (`gender`, `grade-gender`), with the whole municipality.
//!
//! `?wave=` chooses the wave as on the page. Published figures only: a wave that has not
//! published (open, or closed without responses) gets 409 and no figure, a hidden cell is `..`
//! in both files, never a number. The CSV ends with the notes that say what the figures mean
//! (question, answers counted, who is counted, source, method), after an empty row.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::Pick;
use super::indicator::{
    IndicatorData, bars_description, breakdown_bars, breakdown_rows, breakdown_slug, breakdowns,
    domain_label, load, whole_label,
};
use super::view::chart_of_series;
use crate::evaluate::csv_sv::{self, count, standard_error, value, value_header};
use crate::i18n::Lang;
use crate::safe_csv::{Cell, excel_sv};
use crate::stats::Flag;
use crate::survey::Statistic;
use crate::web::extract::PageCtx;
use crate::web::markup::charts::{
    self, BarChart, Drawn, Reference, interval_bars_drawn, legend_lines, svg_document,
};
use crate::web::{AppError, AppState, EVALUATORS, Routes, Said};

pub fn routes() -> Routes {
    Routes::default()
        .get(
            "/evaluate/indicators/{survey}/{indicator}/chart.svg",
            EVALUATORS,
            series_svg,
        )
        .get(
            "/evaluate/indicators/{survey}/{indicator}/chart.csv",
            EVALUATORS,
            series_csv,
        )
        .get(
            "/evaluate/indicators/{survey}/{indicator}/by/{breakdown}/chart.svg",
            EVALUATORS,
            breakdown_svg,
        )
        .get(
            "/evaluate/indicators/{survey}/{indicator}/by/{breakdown}/chart.csv",
            EVALUATORS,
            breakdown_csv,
        )
}

/// The indicator up to the wave asked for, which must have published figures.
async fn published<'a>(
    state: &'a AppState,
    survey: &str,
    indicator: &str,
    wave: Option<&str>,
) -> Result<IndicatorData<'a>, AppError> {
    let data = load(state, survey, indicator, wave).await?;
    let shown = data.current().map(|c| c.wave.slug.as_str());
    match (wave, shown) {
        (Some(asked), Some(shown)) if asked == shown => Ok(data),
        (Some(asked), _) => match crate::store::waves::find_by_slug(&state.db, asked).await? {
            Some(w) if w.survey_id == data.survey.id => Err(AppError::Conflict(Said::new(
                format!(
                    "Omgången {asked} har inga publicerade siffror: en omgång publicerar sina siffror först när den har stängt."
                ),
                format!(
                    "the wave {asked} has no published figures: a wave publishes its figures once it has closed"
                ),
            ))),
            _ => Err(AppError::NotFound),
        },
        (None, Some(_)) => Ok(data),
        (None, None) => Err(AppError::Conflict(Said::new(
            "Indikatorn har inga publicerade siffror ännu: en omgång publicerar sina siffror först när den har stängt.",
            "the indicator has no published figures yet: a wave publishes its figures once it has closed",
        ))),
    }
}

/// The keys and title of the breakdown named in the address.
fn breakdown_named(
    lang: Lang,
    data: &IndicatorData,
    slug: &str,
) -> Result<(Vec<String>, String), AppError> {
    breakdowns(lang, data.survey)
        .into_iter()
        .find(|(keys, _)| breakdown_slug(keys) == slug)
        .ok_or(AppError::NotFound)
}

/// A file to download, named `{survey}-{indicator}-{wave}[-{breakdown}].{ext}`.
fn file(
    data: &IndicatorData,
    what: Option<&str>,
    ext: &str,
    content_type: &str,
    body: String,
) -> Response {
    let wave = data
        .current()
        .map(|c| format!("-{}", c.wave.slug))
        .unwrap_or_default();
    let what = what.map(|w| format!("-{w}")).unwrap_or_default();
    let name = format!("{}-{}{wave}{what}.{ext}", data.survey.id, data.indicator.id);
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

const SVG: &str = "image/svg+xml; charset=utf-8";
const CSV: &str = "text/csv; charset=utf-8";

/// The source and the day, under a chart saved as a file.
fn source_lines(lang: Lang, data: &IndicatorData) -> Vec<String> {
    let notes = data.notes(lang);
    let mut lines: Vec<String> = notes
        .iter()
        .filter(|n| {
            n.heading == lang.pick("Fråga", "Question") || n.heading == lang.pick("Källa", "Source")
        })
        .map(|n| format!("{}: {}", n.heading, n.text))
        .collect();
    lines.push(format!(
        "{} {} {}",
        lang.pick("Skapad", "Made"),
        crate::evaluate::today(),
        lang.pick("av trygg", "by trygg")
    ));
    lines
}

#[tracing::instrument(skip_all, fields(survey = %survey, indicator = %indicator))]
async fn series_svg(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey, indicator)): Path<(String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Response, AppError> {
    let data = published(&state, &survey, &indicator, pick.wave.as_deref()).await?;
    let Some(overall) = &data.overall else {
        return Err(AppError::NotFound);
    };
    let lang = ctx.lang;
    let title = data.indicator.title.get(lang);
    let lines = data.lines();
    let drawn = Drawn {
        markup: chart_of_series(
            lang,
            "chart",
            title,
            data.indicator.statistic,
            data.indicator.target,
            overall,
            &lines,
        ),
        width: charts::WIDTH,
        height: charts::HEIGHT,
    };
    let legend = legend_lines(lang, data.indicator.target.is_some(), &lines).join("; ");
    let mut notes = vec![format!("{}.", crate::i18n::capitalised(&legend))];
    notes.extend(source_lines(lang, &data));
    let heading = format!("{title} – {}", data.survey.title.get(lang));
    Ok(file(
        &data,
        None,
        "svg",
        SVG,
        svg_document(&drawn, &heading, &notes),
    ))
}

/// The notes after the figures: an empty row, then what the figures mean, the target, the day.
fn notes_rows(lang: Lang, data: &IndicatorData) -> Vec<Vec<Cell>> {
    let mut rows = vec![Vec::new()];
    for note in data.notes(lang) {
        rows.push(vec![Cell::text(note.heading), Cell::text(note.text)]);
    }
    if let Some(t) = data.indicator.target {
        rows.push(vec![
            Cell::text(lang.pick("Mål", "Target")),
            Cell::text(crate::evaluate::words::value_with_unit(
                lang,
                data.indicator.statistic,
                t,
            )),
        ]);
    }
    rows.push(vec![
        Cell::text(lang.pick("Skapad", "Made")),
        Cell::text(format!(
            "{} {}",
            crate::evaluate::today(),
            lang.pick("av trygg", "by trygg")
        )),
    ]);
    rows
}

#[tracing::instrument(skip_all, fields(survey = %survey, indicator = %indicator))]
async fn series_csv(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey, indicator)): Path<(String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Response, AppError> {
    let data = published(&state, &survey, &indicator, pick.wave.as_deref()).await?;
    let Some(overall) = &data.overall else {
        return Err(AppError::NotFound);
    };
    let lang = ctx.lang;
    let statistic = data.indicator.statistic;
    let lines = data.lines();
    let mut header = csv_sv::series_header(lang, statistic);
    header.extend(lines.iter().map(|l| Cell::text(&l.label)));
    let mut rows = vec![header];
    for (wave, mut row) in overall
        .waves
        .iter()
        .zip(csv_sv::series_rows(lang, statistic, overall))
    {
        row.extend(lines.iter().map(|l| {
            let v = l
                .values
                .iter()
                .find(|(p, _)| *p == wave.period)
                .map(|(_, v)| *v);
            value(statistic, v, false)
        }));
        rows.push(row);
    }
    rows.extend(notes_rows(lang, &data));
    Ok(file(&data, None, "csv", CSV, excel_sv(rows)))
}

#[tracing::instrument(skip_all, fields(survey = %survey, indicator = %indicator, breakdown = %breakdown))]
async fn breakdown_svg(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey, indicator, breakdown)): Path<(String, String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Response, AppError> {
    let data = published(&state, &survey, &indicator, pick.wave.as_deref()).await?;
    let lang = ctx.lang;
    let (keys, title) = breakdown_named(lang, &data, &breakdown)?;
    let Some(current) = data.current() else {
        return Err(AppError::NotFound);
    };
    let statistic = data.indicator.statistic;
    let bars = breakdown_bars(lang, data.survey, current, &data.indicator.id, &keys);
    if bars.is_empty() {
        return Err(AppError::NotFound);
    }
    let description = bars_description(lang, statistic, &bars);
    let drawn = interval_bars_drawn(&BarChart {
        id: "chart",
        title: &title,
        description: &description,
        bars: &bars,
        percent: statistic == Statistic::Proportion,
        lang,
        reference: data.whole().map(|value| Reference {
            label: whole_label(lang),
            value,
        }),
    });
    let heading = format!(
        "{} – {} {}, {}",
        data.indicator.title.get(lang),
        lang.pick("efter", "by"),
        title.to_lowercase(),
        current.wave.period
    );
    let mut notes = vec![lang
        .pick(
            "Punkt: gruppens värde; grått fält: 95 % konfidensintervall; ihålig punkt: osäker skattning; streckad linje: hela kommunen; \"..\": visas inte, för att ingen ska kunna kännas igen.",
            "Point: the group's value; grey bar: 95 % confidence interval; hollow point: uncertain estimate; dashed line: the whole municipality; \"..\": not shown, so that nobody can be recognised.",
        )
        .to_owned()];
    notes.extend(source_lines(lang, &data));
    Ok(file(
        &data,
        Some(&breakdown),
        "svg",
        SVG,
        svg_document(&drawn, &heading, &notes),
    ))
}

#[tracing::instrument(skip_all, fields(survey = %survey, indicator = %indicator, breakdown = %breakdown))]
async fn breakdown_csv(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey, indicator, breakdown)): Path<(String, String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Response, AppError> {
    let data = published(&state, &survey, &indicator, pick.wave.as_deref()).await?;
    let lang = ctx.lang;
    let (keys, _) = breakdown_named(lang, &data, &breakdown)?;
    let Some(current) = data.current() else {
        return Err(AppError::NotFound);
    };
    let statistic = data.indicator.statistic;
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let rows_of = breakdown_rows(current, &data.indicator.id, &keys);
    if rows_of.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut header: Vec<Cell> = vec![Cell::text(t("Omgång", "Wave"))];
    header.extend(keys.iter().map(|k| {
        Cell::text(
            data.survey
                .question(k)
                .map_or(k.as_str(), |q| q.short_label(lang)),
        )
    }));
    header.extend(
        [
            "n",
            value_header(lang, statistic),
            t("Medelfel", "Standard error"),
            t("Nedre gräns (95 %)", "Lower limit (95 %)"),
            t("Övre gräns (95 %)", "Upper limit (95 %)"),
            t("Anmärkning", "Notes"),
        ]
        .map(Cell::text),
    );
    let figures = |n, estimate, se, low, high, flags: &[Flag]| {
        let hidden = flags.contains(&Flag::Suppressed);
        vec![
            count(n, hidden),
            value(statistic, estimate, hidden),
            standard_error(statistic, se, hidden),
            value(statistic, low, hidden),
            value(statistic, high, hidden),
            Cell::text(crate::evaluate::words::flags_text(lang, flags)),
        ]
    };
    let mut rows = vec![header];
    // The whole municipality first: the reference line of the chart.
    if let Some(w) = data
        .overall
        .as_ref()
        .and_then(|o| o.waves.iter().find(|w| w.slug == current.wave.slug))
    {
        let mut row = vec![
            Cell::text(&current.wave.slug),
            Cell::text(whole_label(lang)),
        ];
        row.extend(keys.iter().skip(1).map(|_| Cell::Empty));
        row.extend(figures(
            w.figures.n,
            w.figures.estimate,
            w.figures.se,
            w.figures.ci_low,
            w.figures.ci_high,
            &w.figures.flags,
        ));
        rows.push(row);
    }
    for e in rows_of {
        let mut row = vec![Cell::text(&current.wave.slug)];
        row.extend(
            keys.iter()
                .map(|k| Cell::text(domain_label(lang, data.survey, std::slice::from_ref(k), e))),
        );
        row.extend(figures(
            e.figures.n,
            e.figures.estimate,
            e.figures.se,
            e.figures.ci_low,
            e.figures.ci_high,
            &e.figures.flags,
        ));
        rows.push(row);
    }
    rows.extend(notes_rows(lang, &data));
    Ok(file(&data, Some(&breakdown), "csv", CSV, excel_sv(rows)))
}
