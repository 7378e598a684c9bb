//! Reading one survey file: TOML → checked `Survey`, with every problem tied to a line.
//!
//! serde does the shape (unknown keys, wrong value types) and stops at the first such problem;
//! everything else is checked here, and *all* problems of a file are collected so an author can
//! fix them in one go.

use std::collections::HashMap;
use std::path::Path;

use super::check::{Ctx, IdRule, QuestionIndex, SurveyError, check_id, check_unique, text};
use super::condition::{self, Scope};
use super::indicator;
use super::model::Condition;
use super::model::{Audience, GradeQuestion, Page, QuestionKind, Survey};
use super::question;
use super::raw::RawSurvey;

/// Reads and checks one survey; `path` is only used in error messages.
pub fn load_str(path: &Path, source: &str) -> Result<Survey, Vec<SurveyError>> {
    parse(path, source).map(|(survey, _)| survey)
}

/// As `load_str`, also giving the line of the survey's `id` (for duplicate-id messages).
pub(super) fn parse(path: &Path, source: &str) -> Result<(Survey, usize), Vec<SurveyError>> {
    let mut ctx = Ctx {
        path,
        source,
        errors: Vec::new(),
        translation_errors: 0,
    };
    let raw: RawSurvey = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            ctx.error(span, e.message().trim_end().to_string());
            return Err(ctx.errors);
        }
    };
    let survey = convert(&mut ctx, &raw);
    let id_line = ctx.line(raw.id.span());
    if ctx.errors.is_empty() {
        Ok((survey, id_line))
    } else {
        // Checks run in several passes; the author reads them top to bottom.
        ctx.errors.sort_by_key(|e| e.line);
        Err(ctx.errors)
    }
}

fn convert(ctx: &mut Ctx, raw: &RawSurvey) -> Survey {
    check_id(ctx, &raw.id, IdRule::Survey, "survey id");
    let version = match u32::try_from(*raw.version.get_ref()) {
        Ok(v) if v >= 1 => v,
        _ => {
            ctx.error(
                raw.version.span(),
                "`version` must be a whole number from 1 up",
            );
            1
        }
    };
    let audience = Audience::parse(raw.audience.get_ref()).unwrap_or_else(|| {
        let msg = format!(
            "unknown audience `{}`; use residents, staff or pupils",
            raw.audience.get_ref()
        );
        ctx.error(raw.audience.span(), msg);
        Audience::Residents
    });
    let min_cell_size = match &raw.min_cell_size {
        None => audience.default_min_cell_size(),
        Some(k) => match u32::try_from(*k.get_ref()) {
            Ok(k) if k >= 3 => k,
            _ => {
                let msg = format!("`min_cell_size` is {}; it must be at least 3", k.get_ref());
                ctx.error(k.span(), msg);
                3
            }
        },
    };
    let title = text(ctx, &raw.title, "survey title");
    let intro = text(ctx, &raw.intro, "survey intro");

    let (mut pages, valid) = pages(ctx, raw);
    let raw_questions: Vec<_> = raw
        .pages
        .iter()
        .flat_map(|p| p.get_ref().questions.iter())
        .collect();

    let (show_ifs, unreliable_if, indicators) = {
        let index = QuestionIndex::new(pages.iter().flat_map(|p| &p.questions).zip(valid));
        let show_ifs: Vec<Option<Condition>> = raw_questions
            .iter()
            .enumerate()
            .map(|(position, rq)| {
                let rq = rq.get_ref();
                let id = rq.id.get_ref();
                let scope = Scope::Before { position, id };
                let owner = format!("question `{id}`");
                (rq.show_if.as_ref()).map(|c| condition::check(ctx, c, &index, scope, &owner))
            })
            .collect();
        let unreliable_if = (raw.unreliable_if.as_ref())
            .map(|c| condition::check(ctx, c, &index, Scope::Anywhere, "`unreliable_if`"));
        let indicators = indicator::check_all(ctx, &raw.indicators, &index);
        (show_ifs, unreliable_if, indicators)
    };
    let breakdowns = breakdowns(ctx, raw, &pages);
    let grades = grades(ctx, raw, audience);
    let headline_by = headline_by(ctx, raw, &pages);
    let grade_question = grade_question(ctx, raw, audience, &grades, &pages);
    let questions = pages.iter_mut().flat_map(|p| p.questions.iter_mut());
    for (q, show_if) in questions.zip(show_ifs) {
        q.show_if = show_if;
    }

    Survey {
        id: raw.id.get_ref().clone(),
        version,
        audience,
        min_cell_size,
        title,
        intro,
        pages,
        indicators,
        unreliable_if,
        breakdowns,
        grades,
        headline_by,
        grade_question,
        public: raw.public.as_ref().is_some_and(|p| *p.get_ref()),
    }
}

/// `grade_question`: a required single-choice background question shown to everyone (no
/// `show_if`), and for each grade of `grades` exactly one of its codes that is not a missing
/// code. A key that is no grade of `grades`, or a grade without a code, is a problem.
fn grade_question(
    ctx: &mut Ctx,
    raw: &RawSurvey,
    audience: Audience,
    grades: &[i32],
    pages: &[Page],
) -> Option<GradeQuestion> {
    let spanned = raw.grade_question.as_ref()?;
    let line = spanned.span();
    let raw_q = spanned.get_ref();
    if audience != Audience::Pupils {
        ctx.error(
            line,
            "`grade_question` is only for surveys with audience = \"pupils\"",
        );
        return None;
    }
    if raw.grades.is_none() {
        ctx.error(
            line,
            "`grade_question` needs `grades`: list the grades class sessions are opened for",
        );
        return None;
    }
    let id = raw_q.question.get_ref();
    let question = pages
        .iter()
        .flat_map(|p| &p.questions)
        .find(|q| &q.id == id);
    let problem = match question {
        None => Some(format!("`grade_question`: there is no question `{id}`")),
        Some(q) if !matches!(q.kind, QuestionKind::Single { .. }) || !q.background => {
            Some(format!(
                "`grade_question`: question `{id}` must be a single-choice background question (`type = \"single\"`, `background = true`)"
            ))
        }
        Some(q) if q.show_if.is_some() || raw_has_show_if(raw, id) => Some(format!(
            "`grade_question`: question `{id}` has `show_if`; the grade a session gives must be asked of every pupil"
        )),
        Some(_) => None,
    };
    if let Some(problem) = problem {
        ctx.error(raw_q.question.span(), problem);
        return None;
    }
    let question = question?;
    let mut codes = std::collections::BTreeMap::new();
    let mut ok = true;
    for (key, code) in raw_q.codes.get_ref() {
        let grade = key
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|g| grades.contains(g));
        let Some(grade) = grade else {
            ctx.error(
                code.span(),
                format!(
                    "`grade_question`: `{key}` is not one of `grades` ({})",
                    grades
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            ok = false;
            continue;
        };
        match question.choice(code.get_ref()) {
            Some(choice) if !choice.missing => {
                codes.insert(grade, code.get_ref().clone());
            }
            Some(_) => {
                ctx.error(
                    code.span(),
                    format!(
                        "`grade_question`: `{}` is a missing-value code of `{id}`, not a grade",
                        code.get_ref()
                    ),
                );
                ok = false;
            }
            None => {
                ctx.error(
                    code.span(),
                    format!(
                        "`grade_question`: `{}` is not a code of question `{id}`",
                        code.get_ref()
                    ),
                );
                ok = false;
            }
        }
    }
    let without: Vec<String> = grades
        .iter()
        .filter(|g| !codes.contains_key(g))
        .map(i32::to_string)
        .collect();
    if ok && !without.is_empty() {
        ctx.error(
            raw_q.codes.span(),
            format!(
                "`grade_question`: no code for grade {}; give every grade of `grades` its code",
                without.join(", ")
            ),
        );
        ok = false;
    }
    ok.then(|| GradeQuestion {
        question: id.clone(),
        codes,
    })
}

/// Whether the raw question `id` has a `show_if` (a broken condition leaves the checked one
/// empty, and must not make the grade question look unconditional).
fn raw_has_show_if(raw: &RawSurvey, id: &str) -> bool {
    raw.pages
        .iter()
        .flat_map(|p| &p.get_ref().questions)
        .any(|q| q.get_ref().id.get_ref() == id && q.get_ref().show_if.is_some())
}

/// `headline_by`: a single-choice background question (its categories become the headline rows).
fn headline_by(ctx: &mut Ctx, raw: &RawSurvey, pages: &[Page]) -> Option<String> {
    let name = raw.headline_by.as_ref()?;
    let id = name.get_ref();
    let found = pages
        .iter()
        .flat_map(|p| &p.questions)
        .find(|q| &q.id == id);
    let problem = match found {
        None => format!("`headline_by`: there is no question `{id}`"),
        Some(q) if !q.background => format!(
            "`headline_by`: question `{id}` is not a background question (`background = true`)"
        ),
        Some(q) if !matches!(q.kind, QuestionKind::Single { .. }) => format!(
            "`headline_by`: question `{id}` is not a single-choice question; the headline rows are its choices"
        ),
        Some(_) => return Some(id.clone()),
    };
    ctx.error(name.span(), problem);
    None
}

/// `breakdowns`: each a list of two or more different background questions, no list twice.
/// The grades a pupil survey is for: each a school grade (1–13), none twice; only pupil surveys.
fn grades(ctx: &mut Ctx, raw: &RawSurvey, audience: Audience) -> Vec<i32> {
    let Some(list) = &raw.grades else {
        return Vec::new();
    };
    if audience != Audience::Pupils {
        ctx.error(
            list.span(),
            "`grades` is only for surveys with audience = \"pupils\"",
        );
        return Vec::new();
    }
    let range = crate::collect::class_session::GRADES;
    let mut out: Vec<i32> = Vec::new();
    for grade in list.get_ref() {
        match i32::try_from(*grade.get_ref()).ok().filter(|g| range.contains(g)) {
            Some(g) if out.contains(&g) => {
                ctx.error(grade.span(), format!("grade {g} is listed twice"));
            }
            Some(g) => out.push(g),
            None => ctx.error(
                grade.span(),
                format!(
                    "`{}` is not a grade: use whole numbers from {} to {} (year 9 = 9, upper-secondary year 2 = 11)",
                    grade.get_ref(),
                    range.start(),
                    range.end()
                ),
            ),
        }
    }
    if out.is_empty() && list.get_ref().is_empty() {
        ctx.error(
            list.span(),
            "`grades` is empty: list the grades, or leave the key out for any grade",
        );
    }
    out.sort_unstable();
    out
}

fn breakdowns(ctx: &mut Ctx, raw: &RawSurvey, pages: &[Page]) -> Vec<Vec<String>> {
    let Some(lists) = &raw.breakdowns else {
        return Vec::new();
    };
    let question = |id: &str| pages.iter().flat_map(|p| &p.questions).find(|q| q.id == id);
    let mut out: Vec<Vec<String>> = Vec::new();
    for list in lists.get_ref() {
        let ids: Vec<String> = list.get_ref().iter().map(|v| v.get_ref().clone()).collect();
        let mut ok = true;
        if ids.len() < 2 {
            ctx.error(
                list.span(),
                "a breakdown in `breakdowns` crosses two or more background questions, e.g. [\"grade\", \"gender\"]",
            );
            ok = false;
        }
        for (i, id) in list.get_ref().iter().enumerate() {
            let name = id.get_ref();
            let msg = match question(name) {
                None => format!("`breakdowns`: there is no question `{name}`"),
                Some(q) if !q.background => format!(
                    "`breakdowns`: question `{name}` is not a background question (`background = true`)"
                ),
                Some(_) if ids[..i].contains(name) => {
                    format!("`breakdowns`: question `{name}` appears twice in one breakdown")
                }
                Some(_) => continue,
            };
            ctx.error(id.span(), msg);
            ok = false;
        }
        let mut sorted = ids.clone();
        sorted.sort();
        if ok
            && out.iter().any(|o| {
                let mut other = o.clone();
                other.sort();
                other == sorted
            })
        {
            ctx.error(list.span(), "`breakdowns`: this breakdown is listed twice");
            ok = false;
        }
        if ok {
            out.push(ids);
        }
    }
    out
}

/// Pages and their questions, without conditions (those need every question first). Also says,
/// per question in file order, whether its own definition was valid.
fn pages(ctx: &mut Ctx, raw: &RawSurvey) -> (Vec<Page>, Vec<bool>) {
    if raw.pages.is_empty() {
        ctx.error_at(0, "the survey has no pages ([[pages]])");
    }
    let mut page_lines: HashMap<&str, usize> = HashMap::new();
    let mut question_lines: HashMap<&str, usize> = HashMap::new();
    let mut valid = Vec::new();
    let mut pages = Vec::new();
    for raw_page in &raw.pages {
        let rp = raw_page.get_ref();
        let id = rp.id.get_ref();
        check_id(ctx, &rp.id, IdRule::Name, "page id");
        check_unique(ctx, &mut page_lines, &rp.id, "page id");
        let title = text(ctx, &rp.title, &format!("page `{id}` title"));
        if rp.questions.is_empty() {
            ctx.error(rp.id.span(), format!("page `{id}` has no questions"));
        }
        let mut questions = Vec::new();
        for rq in &rp.questions {
            check_unique(ctx, &mut question_lines, &rq.get_ref().id, "question id");
            let (q, ok) = question::check(ctx, rq);
            questions.push(q);
            valid.push(ok);
        }
        pages.push(Page {
            id: id.clone(),
            title,
            questions,
        });
    }
    (pages, valid)
}
