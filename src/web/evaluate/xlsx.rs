//! An indicator as an Excel workbook (`…/download.xlsx`): the series, the chosen wave by every
//! breakdown, the comparison values, and a notes sheet saying what the figures are and how they
//! were made, so the file can be passed on without the page. Numbers are written as numbers
//! (proportions as fractions shown in percent), suppressed cells as "..".

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::Pick;
use super::indicator::{IndicatorData, breakdown_rows, breakdowns, domain_label, load};
use crate::evaluate::WaveIndicators;
use crate::evaluate::compare::{ALPHA, POWER, detectable_change};
use crate::evaluate::words::{amount_text, verdict_text};
use crate::i18n::Lang;
use crate::stats::{Figures, Flag};
use crate::survey::{Better, Statistic};
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState};

#[tracing::instrument(skip_all, fields(survey = %survey_id, indicator = %indicator_id))]
pub(super) async fn download(
    ctx: PageCtx,
    State(state): State<AppState>,
    Path((survey_id, indicator_id)): Path<(String, String)>,
    Query(pick): Query<Pick>,
) -> Result<Response, AppError> {
    let data = load(&state, &survey_id, &indicator_id, pick.wave.as_deref()).await?;
    let bytes = workbook(ctx.lang, &data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the workbook: {e}")))?;
    let name = format!(
        "{}-{}{}.xlsx",
        data.survey.id,
        data.indicator.id,
        data.current()
            .map(|c| format!("-{}", c.wave.slug))
            .unwrap_or_default()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Formats shared by the sheets.
struct Formats {
    bold: Format,
    value: Format,
    wrap: Format,
}

fn flags_text(flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn header_row(sheet: &mut Worksheet, f: &Formats, titles: &[&str]) -> Result<(), XlsxError> {
    for (c, t) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *t, &f.bold)?;
        sheet.set_column_width(c as u16, (t.chars().count() as f64 + 2.0).max(10.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// An optional number, or ".." when there is none.
fn number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match (v.filter(|v| v.is_finite()), format) {
        (Some(v), Some(f)) => sheet.write_number_with_format(row, col, v, f)?,
        (Some(v), None) => sheet.write_number(row, col, v)?,
        (None, _) => sheet.write_string(row, col, "..")?,
    };
    Ok(())
}

/// The columns 3 to 10 of a row: n, value, standard error, interval, df, deff, flags.
fn figures(
    sheet: &mut Worksheet,
    row: u32,
    f: &Figures,
    value_format: Option<&Format>,
) -> Result<(), XlsxError> {
    number(sheet, row, 3, f.n.map(|n| n as f64), None)?;
    number(sheet, row, 4, f.estimate, value_format)?;
    number(sheet, row, 5, f.se, value_format)?;
    number(sheet, row, 6, f.ci_low, value_format)?;
    number(sheet, row, 7, f.ci_high, value_format)?;
    number(sheet, row, 8, f.df.map(|d| d as f64), None)?;
    number(sheet, row, 9, f.deff, None)?;
    sheet.write_string(row, 10, flags_text(&f.flags))?;
    Ok(())
}

/// The indicator as a workbook: the series, the breakdowns, the comparison values and the notes.
pub(super) fn workbook(lang: Lang, data: &IndicatorData) -> Result<Vec<u8>, XlsxError> {
    let percent = data.indicator.statistic == Statistic::Proportion;
    let f = Formats {
        bold: Format::new().set_bold(),
        value: Format::new().set_num_format(if percent { "0.0%" } else { "0.00" }),
        wrap: Format::new().set_text_wrap(),
    };
    let mut book = Workbook::new();
    book.push_worksheet(series_sheet(lang, data, &f)?);
    book.push_worksheet(breakdowns_sheet(lang, data, &f)?);
    book.push_worksheet(comparisons_sheet(lang, data, &f)?);
    book.push_worksheet(notes_sheet(lang, data, &f)?);
    book.save_to_buffer()
}

/// The series with the changes.
fn series_sheet(lang: Lang, data: &IndicatorData, f: &Formats) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let value_format = Some(&f.value);
    let mut series = Worksheet::new();
    series.set_name(t("Serie", "Series"))?;
    header_row(
        &mut series,
        f,
        &[
            t("År", "Year"),
            t("Omgång", "Wave"),
            t("Publicerad", "Published"),
            "n",
            t("Värde", "Value"),
            t("Medelfel", "Standard error"),
            t("Intervall, nedre", "Interval, low"),
            t("Intervall, övre", "Interval, high"),
            "df",
            "deff",
            t("Flaggor", "Flags"),
            t("Förändring", "Change"),
            t("Förändringens p", "p of the change"),
            t("Bedömning", "Verdict"),
        ],
    )?;
    if let Some(overall) = &data.overall {
        for (i, w) in overall.waves.iter().enumerate() {
            let r = i as u32 + 1;
            series.write_string(r, 0, w.period.to_string())?;
            series.write_string(r, 1, &w.slug)?;
            series.write_string(r, 2, &w.published)?;
            figures(&mut series, r, &w.figures, value_format)?;
            if let Some(c) = overall.changes.iter().find(|c| c.to == w.slug) {
                series.write_number_with_format(r, 11, c.difference, &f.value)?;
                series.write_number(r, 12, c.p)?;
                series.write_string(r, 13, verdict_text(lang, c.verdict))?;
            }
        }
    }
    Ok(series)
}

/// The chosen wave by every breakdown.
fn breakdowns_sheet(lang: Lang, data: &IndicatorData, f: &Formats) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let value_format = Some(&f.value);
    let mut by = Worksheet::new();
    by.set_name(t("Bakgrund", "Breakdowns"))?;
    header_row(
        &mut by,
        f,
        &[
            t("Omgång", "Wave"),
            t("Uppdelning", "Breakdown"),
            t("Grupp", "Group"),
            "n",
            t("Värde", "Value"),
            t("Medelfel", "Standard error"),
            t("Intervall, nedre", "Interval, low"),
            t("Intervall, övre", "Interval, high"),
            "df",
            "deff",
            t("Flaggor", "Flags"),
        ],
    )?;
    by.set_column_width(1, 36)?;
    by.set_column_width(2, 28)?;
    if let Some(current) = data.current() {
        let mut r = 1;
        for (keys, title) in breakdowns(lang, data.survey) {
            for e in breakdown_rows(current, &data.indicator.id, &keys) {
                by.write_string(r, 0, &current.wave.slug)?;
                by.write_string(r, 1, &title)?;
                by.write_string(r, 2, domain_label(lang, data.survey, &keys, e))?;
                figures(&mut by, r, &e.figures, value_format)?;
                r += 1;
            }
        }
    }
    Ok(by)
}

/// The comparison values.
fn comparisons_sheet(
    lang: Lang,
    data: &IndicatorData,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut cmp = Worksheet::new();
    cmp.set_name(t("Jämförelser", "Comparisons"))?;
    header_row(
        &mut cmp,
        f,
        &[
            t("Jämförelse", "Comparison"),
            t("År", "Year"),
            t("Värde", "Value"),
            t("Källa", "Source"),
            t("Inmatat av", "Entered by"),
        ],
    )?;
    cmp.set_column_width(3, 50)?;
    for (i, c) in data.comparisons.iter().enumerate() {
        let r = i as u32 + 1;
        cmp.write_string(r, 0, &c.label)?;
        cmp.write_number(r, 1, f64::from(c.period))?;
        cmp.write_number_with_format(r, 2, c.value, &f.value)?;
        cmp.write_string(r, 3, &c.source)?;
        cmp.write_string(r, 4, &c.created_by)?;
    }
    Ok(cmp)
}

/// The notes: what the figures are and how they were made, then each wave's method.
fn notes_sheet(lang: Lang, data: &IndicatorData, f: &Formats) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut notes = Worksheet::new();
    notes.set_name(t("Noter", "Notes"))?;
    notes.set_column_width(0, 28)?;
    notes.set_column_width(1, 100)?;
    let mut lines = about(lang, data);
    lines.extend(data.waves.iter().map(|w| wave_note(lang, data, w)));
    lines.push((
        t("Skapad", "Made").into(),
        format!("{} {}", crate::evaluate::today(), t("av trygg", "by trygg")),
    ));
    for (i, (key, text)) in lines.iter().enumerate() {
        notes.write_string_with_format(i as u32, 0, key, &f.bold)?;
        notes.write_string_with_format(i as u32, 1, text, &f.wrap)?;
    }
    Ok(notes)
}

/// What the indicator is, what its figures mean and how they were made.
fn about(lang: Lang, data: &IndicatorData) -> Vec<(String, String)> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let percent = data.indicator.statistic == Statistic::Proportion;
    let k = data.survey.min_cell_size;
    let mut lines: Vec<(String, String)> = vec![
        (
            t("Indikator", "Indicator").into(),
            data.indicator.title.get(lang).into(),
        ),
        (
            t("Id", "Id").into(),
            format!("{}/{}", data.survey.id, data.indicator.id),
        ),
        (
            t("Enkät", "Survey").into(),
            data.survey.title.get(lang).into(),
        ),
        (
            t("Prioriterat område", "Priority area").into(),
            data.indicator.priority_area.title(lang).into(),
        ),
    ];
    // What the figures mean: question, answers counted, who is counted, source, method.
    lines.extend(
        data.notes(lang)
            .into_iter()
            .map(|n| (n.heading.to_owned(), n.text)),
    );
    lines.extend([
        (
            t("Riktning", "Direction").into(),
            match data.indicator.better {
                Better::Lower => t("lägre är bättre", "lower is better"),
                Better::Higher => t("högre är bättre", "higher is better"),
            }
            .into(),
        ),
        (
            t("Mål", "Target").into(),
            data.indicator
                .target
                .map(|v| if percent { format!("{:.1} %", v * 100.0) } else { format!("{v}") })
                .unwrap_or_else(|| "–".into()),
        ),
        (
            t("Förändringar", "Changes").into(),
            t(
                "Skillnaden mellan två omgångar testas med deras medelfel (oberoende urval); signifikant vid p < 0,05. Trenden är en viktad linjär regression över stängda omgångar (minst tre).",
                "The difference between two waves is tested with their standard errors (independent samples); significant at p < 0.05. The trend is a weighted linear regression over closed waves (three or more).",
            )
            .into(),
        ),
        (
            t("Minsta upptäckbara förändring", "Smallest detectable change").into(),
            format!(
                "{} {ALPHA}, {} {POWER}: {}",
                t(
                    "(z för 1 − α/2 plus z för styrkan) · √2 · medelfel; α =",
                    "(z of 1 − α/2 plus z of the power) · √2 · standard error; α ="
                ),
                t("styrka", "power"),
                t(
                    "den minsta förändring till nästa omgång, lika stor, som ett test upptäcker med den sannolikheten.",
                    "the smallest change to a next wave of the same size that a test detects with that probability."
                )
            ),
        ),
        (
            t("Röjandeskydd", "Disclosure control").into(),
            match lang {
                Lang::Sv => format!("Celler med färre än {k} svarande visas inte (\"..\"), inte heller celler som skulle låta någon räkna ut en dold cell."),
                Lang::En => format!("Cells with fewer than {k} respondents are not shown (\"..\"), nor cells from which a hidden one could be worked out."),
            },
        ),
        (
            t("Flaggor", "Flags").into(),
            t(
                "boundary: andelen är 0 eller 1; low_effective_n: effektivt urval under 30; low_df: färre än 8 frihetsgrader; wide_interval: intervallet bredare än 30 procentenheter; wide_relative_interval: intervallet bredare än 130 % av värdet; suppressed: dold.",
                "boundary: the proportion is 0 or 1; low_effective_n: effective sample size under 30; low_df: fewer than 8 degrees of freedom; wide_interval: interval wider than 30 percentage points; wide_relative_interval: interval wider than 130 % of the value; suppressed: hidden.",
            )
            .into(),
        ),
        (
            t("Jämförelser", "Comparisons").into(),
            t(
                "Bättre eller sämre bara när jämförelsevärdet ligger utanför kommunens 95-procentiga intervall, annars likartat. Jämförelsevärdena och deras källor är inmatade av utvärderare.",
                "Better or worse only when the comparison value lies outside the municipality's 95 % interval, otherwise similar. Comparison values and their sources are entered by evaluators.",
            )
            .into(),
        ),
    ]);
    lines
}

/// A wave's line of the notes: its responses, what was left out, the calibration and the
/// smallest change it could detect.
fn wave_note(lang: Lang, data: &IndicatorData, w: &WaveIndicators) -> (String, String) {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let m = &w.wave.method;
    let se = data
        .overall
        .as_ref()
        .and_then(|o| o.waves.iter().find(|s| s.slug == w.wave.slug))
        .and_then(|s| s.figures.se);
    let detectable = se
        .map(|se| {
            format!(
                "; {} {}",
                t(
                    "minsta upptäckbara förändring",
                    "smallest detectable change"
                ),
                amount_text(lang, data.indicator.statistic, detectable_change(se))
            )
        })
        .unwrap_or_default();
    (
        format!("{} {}", t("Omgång", "Wave"), w.wave.slug),
        match lang {
            Lang::Sv => format!(
                "{} (publicerad {}): {} svar, {} utelämnade som opålitliga, {} utan kalibreringskod; kalibrering: {}{}{}",
                w.wave.period,
                w.wave.published,
                m.responses,
                m.unreliable,
                m.uncalibrated,
                m.calibration.label(lang),
                m.calibration_issue
                    .as_ref()
                    .map(|i| format!("; {}", i.text_with(lang, Some(data.survey))))
                    .unwrap_or_default(),
                detectable,
            ),
            Lang::En => format!(
                "{} (published {}): {} responses, {} left out as unreliable, {} without a calibration code; calibration: {}{}{}",
                w.wave.period,
                w.wave.published,
                m.responses,
                m.unreliable,
                m.uncalibrated,
                m.calibration.label(lang),
                m.calibration_issue
                    .as_ref()
                    .map(|i| format!("; {}", i.text_with(lang, Some(data.survey))))
                    .unwrap_or_default(),
                detectable,
            ),
        },
    )
}

/// A sheet named `name` with a bold header row of `titles`.
fn sheet_with(name: &str, f: &Formats, titles: &[&str]) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    header_row(&mut sheet, f, titles)?;
    Ok(sheet)
}

/// The lägesbild's figures (`/evaluate/lagesbild.xlsx`): the series per area, the fault reports
/// per month and per district, the resident survey per district, the dialogues, the problem
/// picture's chain and the sources. Survey figures are the published ones, as on the page.
pub(super) fn lagesbild(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
) -> Result<Vec<u8>, AppError> {
    lagesbild_book(lang, l)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the workbook: {e}")))
}

fn lagesbild_book(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        bold: Format::new().set_bold(),
        value: Format::new().set_num_format("0.0%"),
        wrap: Format::new().set_text_wrap(),
    };
    let mut book = Workbook::new();
    for sheet in [
        lagesbild_series,
        lagesbild_months,
        lagesbild_districts,
        lagesbild_survey,
        lagesbild_dialogues,
        lagesbild_chain,
        lagesbild_sources,
    ] {
        book.push_worksheet(sheet(lang, l, &f)?);
    }
    book.save_to_buffer()
}

fn lagesbild_series(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut series = sheet_with(
        t("Serier", "Series"),
        f,
        &[
            t("Område", "Area"),
            t("Mått", "Measure"),
            t("Namn", "Name"),
            t("Enhet", "Unit"),
            t("Kommun eller riket", "Municipality or country"),
            t("Period", "Period"),
            t("Värde", "Value"),
            t("Källa", "Source"),
        ],
    )?;
    let mut r = 1u32;
    for area in &l.areas {
        for m in &area.measures {
            let here = l.municipality.clone().unwrap_or_default();
            for (who, values) in [(here.as_str(), &m.municipality), ("0000", &m.country)] {
                for v in values {
                    series.write_string(r, 0, area.title.get(lang))?;
                    series.write_string(r, 1, &m.id)?;
                    series.write_string(r, 2, &m.title)?;
                    series.write_string(r, 3, &m.unit)?;
                    series.write_string(r, 4, who)?;
                    series.write_string(r, 5, &v.period)?;
                    series.write_number(r, 6, v.value)?;
                    series.write_string(r, 7, &m.source)?;
                    r += 1;
                }
            }
        }
    }
    Ok(series)
}

fn lagesbild_months(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut months = sheet_with(
        t("Felanmälningar", "Fault reports"),
        f,
        &[
            t("Kategori", "Category"),
            t("Månad", "Month"),
            t("Antal", "Count"),
        ],
    )?;
    let mut r = 1u32;
    for c in &l.faults.categories {
        for m in &c.months {
            months.write_string(r, 0, &c.title)?;
            months.write_string(r, 1, &m.period)?;
            months.write_number(r, 2, m.value)?;
            r += 1;
        }
    }
    Ok(months)
}

fn lagesbild_districts(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut titles = vec![t("Stadsdel", "District")];
    titles.extend(l.faults.categories.iter().map(|c| c.title.as_str()));
    titles.push(t("Dialoger", "Dialogues"));
    let mut districts = sheet_with(t("Per stadsdel", "Per district"), f, &titles)?;
    for (i, d) in l.districts.iter().enumerate() {
        let r = i as u32 + 1;
        districts.write_string(r, 0, &d.name)?;
        for (c, n) in d.faults.iter().enumerate() {
            districts.write_number(r, c as u16 + 1, *n)?;
        }
        districts.write_number(r, d.faults.len() as u16 + 1, d.dialogues as f64)?;
    }
    Ok(districts)
}

fn lagesbild_survey(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut survey = sheet_with(
        t("Enkäten per stadsdel", "Survey per district"),
        f,
        &[
            t("Stadsdel", "District"),
            t("Indikator", "Indicator"),
            t("År", "Year"),
            "n",
            t("Värde", "Value"),
            t("Intervall, nedre", "Interval, low"),
            t("Intervall, övre", "Interval, high"),
        ],
    )?;
    let mut r = 1u32;
    for d in &l.districts {
        for i in &d.indicators {
            let Some(w) = &i.latest else { continue };
            let format = (i.statistic != crate::survey::Statistic::Mean).then_some(&f.value);
            survey.write_string(r, 0, &d.name)?;
            survey.write_string(r, 1, i.title.get(lang))?;
            survey.write_string(r, 2, w.period.to_string())?;
            number(&mut survey, r, 3, w.figures.n.map(|n| n as f64), None)?;
            number(&mut survey, r, 4, w.figures.estimate, format)?;
            number(&mut survey, r, 5, w.figures.ci_low, format)?;
            number(&mut survey, r, 6, w.figures.ci_high, format)?;
            r += 1;
        }
    }
    Ok(survey)
}

fn lagesbild_dialogues(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut dialogues = sheet_with(
        t("Dialoger", "Dialogues"),
        f,
        &[
            t("Dag", "Day"),
            t("Slag", "Kind"),
            t("Stadsdel", "District"),
            t("Område", "Area"),
            t("Invånare", "Residents"),
            t("Medarbetare", "Staff"),
            t("Polisen", "Police"),
            t("Andra", "Others"),
            t("Vad som kom fram", "What came up"),
        ],
    )?;
    for (i, d) in l.dialogues.iter().enumerate() {
        let r = i as u32 + 1;
        dialogues.write_string(r, 0, &d.held_on)?;
        dialogues.write_string(
            r,
            1,
            crate::sources::dialogues::DialogueKind::label_of(&d.kind, lang),
        )?;
        dialogues.write_string(r, 2, &d.district)?;
        dialogues.write_string(r, 3, &d.priority_area)?;
        for (c, n) in [d.residents, d.staff, d.police, d.others]
            .iter()
            .enumerate()
        {
            dialogues.write_number(r, c as u16 + 4, *n as f64)?;
        }
        dialogues.write_string_with_format(r, 8, &d.raised, &f.wrap)?;
    }
    dialogues.set_column_width(8, 60)?;
    Ok(dialogues)
}

fn lagesbild_chain(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut chain = sheet_with(
        t("Problem och orsaker", "Problems and causes"),
        f,
        &[
            t("Prioritet", "Priority"),
            t("Problem", "Problem"),
            t("Område", "Area"),
            t("Stadsdelar", "Districts"),
            t("Orsak", "Cause"),
            t("Risk eller skydd", "Risk or protective"),
            t("Problemtriangeln", "Problem triangle"),
            t("Insats", "Intervention"),
            t("Prestationer", "Outputs"),
            t("Effektindikatorer", "Outcome indicators"),
        ],
    )?;
    let mut r = 1u32;
    for p in &l.problems {
        let mut rows: Vec<[String; 6]> = Vec::new();
        for c in &p.causes {
            let cause = [
                c.description.clone(),
                c.kind.label(lang).to_owned(),
                c.aspect.label(lang).to_owned(),
            ];
            if c.interventions.is_empty() {
                rows.push([
                    cause[0].clone(),
                    cause[1].clone(),
                    cause[2].clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            for i in &c.interventions {
                let outputs: Vec<String> = i
                    .outputs
                    .iter()
                    .map(|o| {
                        format!(
                            "{}: {} {}",
                            o.name,
                            o.actual
                                .map_or_else(|| "–".to_owned(), |v| lang.decimal(v, 0)),
                            o.unit
                        )
                    })
                    .collect();
                let indicators: Vec<String> = i
                    .indicators
                    .iter()
                    .map(|x| x.title.get(lang).to_owned())
                    .collect();
                rows.push([
                    cause[0].clone(),
                    cause[1].clone(),
                    cause[2].clone(),
                    i.title.clone(),
                    outputs.join("; "),
                    indicators.join("; "),
                ]);
            }
        }
        if rows.is_empty() {
            rows.push(Default::default());
        }
        for row in rows {
            chain.write_number(r, 0, f64::from(p.rank))?;
            chain.write_string(r, 1, &p.title)?;
            chain.write_string(r, 2, p.area_title.get(lang))?;
            chain.write_string(r, 3, p.districts.join(", "))?;
            for (c, text) in row.iter().enumerate() {
                chain.write_string(r, c as u16 + 4, text)?;
            }
            r += 1;
        }
    }
    Ok(chain)
}

fn lagesbild_sources(
    lang: Lang,
    l: &crate::evaluate::lagesbild::Lagesbild,
    f: &Formats,
) -> Result<Worksheet, XlsxError> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut sources = sheet_with(
        t("Källor", "Sources"),
        f,
        &[
            t("Fil", "File"),
            t("Källa", "Source"),
            t("Inläst", "Imported"),
            t("Av", "By"),
            t("Rader", "Rows"),
            t("Sparade värden", "Values stored"),
        ],
    )?;
    for (i, s) in l.sources.iter().enumerate() {
        let r = i as u32 + 1;
        sources.write_string(r, 0, &s.file_name)?;
        sources.write_string(r, 1, &s.licence)?;
        sources.write_string(r, 2, &s.imported_at)?;
        sources.write_string(r, 3, &s.imported_by)?;
        sources.write_number(r, 4, s.rows as f64)?;
        sources.write_number(r, 5, s.stored as f64)?;
    }
    Ok(sources)
}
