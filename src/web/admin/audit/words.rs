//! The audit log's entries in words, in Swedish and in English. An entry's detail is an
//! [`AuditEvent`] (JSON); a `match` on it says the event whole in the page's language, numbers
//! with a decimal comma in Swedish. A detail that is no event this version knows — the English
//! lines earlier versions wrote, or an event of a later release — is shown as it is stored
//! rather than hidden.

use std::collections::HashMap;

use crate::accounts::Role;
use crate::entities::audit_log;
use crate::i18n::Lang;
use crate::store::audit::AuditEvent;
use crate::web::markup::words::count;

mod sentences;

/// A wave as the log names it.
#[derive(Debug, Clone)]
pub struct WaveName {
    pub slug: String,
    /// The questionnaire's title and the year, e.g. "Trygghetsundersökning 2026".
    pub name: String,
}

/// An indicator as the log names it, by `survey/indicator`.
#[derive(Debug, Clone)]
pub struct IndicatorName {
    pub sv: String,
    pub en: String,
    /// A proportion (its values are shown in percent).
    pub proportion: bool,
}

pub type IndicatorNames = HashMap<String, IndicatorName>;

/// The event of an entry as a sentence without its subject ("stängde omgången …"), and what
/// else is worth showing, both in `lang` (never the wave's id).
pub fn describe(
    entry: &audit_log::Model,
    wave: Option<&WaveName>,
    indicators: &IndicatorNames,
    lang: Lang,
) -> (String, String) {
    let Some(event) = AuditEvent::from_detail(&entry.detail) else {
        return as_stored(entry, lang);
    };
    let wave = wave.map_or_else(
        || {
            lang.pick(
                "en omgång som inte finns kvar",
                "a wave that no longer exists",
            )
            .to_owned()
        },
        |w| w.name.clone(),
    );
    let words = Words {
        lang,
        wave,
        indicators,
    };
    let (sentence, detail) = words.event(&event);
    (sentence, shortened(&detail, 200))
}

/// An entry whose detail is no event this version knows: its action made readable, and its
/// detail as stored.
fn as_stored(entry: &audit_log::Model, lang: Lang) -> (String, String) {
    let name = entry.action.replace(['.', '_'], " ");
    let sentence = match lang {
        Lang::Sv => format!("händelsen ”{name}”"),
        Lang::En => format!("the event “{name}”"),
    };
    (sentence, shortened(&entry.detail, 200))
}

/// What the words of an entry need besides its event.
struct Words<'a> {
    lang: Lang,
    /// The name of the wave the entry is about.
    wave: String,
    indicators: &'a IndicatorNames,
}

impl Words<'_> {
    /// The event in words: what was done, and the detail worth showing (maybe empty). One arm
    /// per kind of event, so that a new kind has no entry in the log until it has words.
    fn event(&self, event: &AuditEvent) -> (String, String) {
        use AuditEvent as E;
        match event {
            E::WaveCreate { .. } => self.wave_done("skapade omgången", "created the wave"),
            E::WaveOpen { .. } => self.wave_done("öppnade omgången", "opened the wave"),
            E::WaveClose { .. } => self.wave_done("stängde omgången", "closed the wave"),
            E::WavePopulation { cells } => self.population(*cells),
            E::WaveSchoolClasses { schools } => self.school_classes(*schools),
            E::WaveImport {
                stored,
                already_there,
                ..
            } => self.import(*stored, *already_there),
            E::InvitationsAdd { addresses } => self.invitations_added(*addresses),
            E::InvitationsRemind { reminders } => self.reminders(*reminders),
            E::InvitationsRetry { invitations } => self.retried(*invitations),
            E::ClassSessionOpen {
                school,
                class,
                grade,
                codes,
                ..
            } => self.session_opened(school, class, *grade, *codes),
            E::ClassSessionEnd {
                school,
                class,
                stopped,
                ..
            } => self.session_ended(school, class, *stopped),
            E::ClassSessionNewCodes {
                school,
                class,
                replaced,
                ..
            } => self.new_codes(school, class, *replaced),
            E::UserAdd {
                email,
                role,
                school,
            } => self.user_added(email, *role, school.as_deref()),
            E::UserDeactivate { email } => self.active(email, false),
            E::UserReactivate { email } => self.active(email, true),
            E::UserPassword { email } => self.password(email),
            E::UserRole {
                email,
                role,
                school,
            } => self.role_changed(email, *role, school.as_deref()),
            E::UserSignOut { email, sessions } => self.signed_out(email, *sessions),
            E::ApiTokenCreate {
                name,
                owner,
                valid_until,
                ..
            } => self.token(true, name, owner, Some(valid_until.as_str())),
            E::ApiTokenRevoke { name, owner, .. } => self.token(false, name, owner, None),
            E::ReportText {
                year,
                section,
                characters,
                before,
            } => self.report_text(&Report::Annual(*year), section, *characters, *before),
            E::ReportFinal { year } => self.finalized(&Report::Annual(*year)),
            E::ReportReopen { year } => self.reopened(&Report::Annual(*year)),
            E::AgreementReportText {
                agreement,
                section,
                characters,
                before,
            } => self.report_text(&Report::Final(agreement), section, *characters, *before),
            E::AgreementReportFinal { agreement } => self.finalized(&Report::Final(agreement)),
            E::AgreementReportReopen { agreement } => self.reopened(&Report::Final(agreement)),
            E::PromiseFollowUp {
                promise,
                year,
                state,
            } => self.promise(promise, *year, state),
            E::SourcesImport {
                source,
                rows,
                stored,
                file,
            } => self.sources_import(source, *rows, *stored, file),
            E::SourcesDialogue {
                day,
                kind,
                district,
                took_part,
            } => self.dialogue(day, kind, district, Some(*took_part)),
            E::SourcesDialogueDelete {
                day,
                kind,
                district,
            } => self.dialogue(day, kind, district, None),
            E::SourcesProblem { title, .. } => self.problem(true, title),
            E::SourcesProblemDelete { title, .. } => self.problem(false, title),
            E::SourcesCause {
                problem,
                kind,
                aspect,
                interventions,
                ..
            } => self.cause(
                *problem,
                Some((kind.as_str(), aspect.as_str(), *interventions)),
            ),
            E::SourcesCauseDelete { problem, .. } => self.cause(*problem, None),
            E::ComparisonPut { comparison, was } => self.comparison(comparison, true, was.as_ref()),
            E::ComparisonDelete { comparison } => self.comparison(comparison, false, None),
            E::Plan { action, title, .. } => self.plan(*action, title),
        }
    }

    fn say(&self, sv: String, en: String) -> String {
        match self.lang {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// `n` and its noun in the page's language: `(one, many)` in Swedish and in English.
    fn count(&self, n: u64, sv: (&str, &str), en: (&str, &str)) -> String {
        let (one, many) = match self.lang {
            Lang::Sv => sv,
            Lang::En => en,
        };
        count(n, one, many, self.lang)
    }

    fn number(&self, n: u64) -> String {
        self.lang.number(i128::from(n))
    }
}

/// Which report a text, a "final" or a reopening is about.
enum Report<'a> {
    Annual(i32),
    Final(&'a str),
}

/// A role as the pages name it.
fn role_words(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Admin => lang.pick("administratör", "administrator"),
        Role::Evaluator => lang.pick("utvärderare", "evaluator"),
        Role::School => lang.pick("skolsamordnare", "school coordinator"),
    }
}

/// A role, and the school of a coordinator, in words: "skolsamordnare på s1".
fn role_in_words(role: Role, school: Option<&str>, lang: Lang) -> String {
    match school {
        Some(school) => format!(
            "{} {} {school}",
            role_words(role, lang),
            lang.pick("på", "at")
        ),
        None => role_words(role, lang).to_owned(),
    }
}

/// A grade as schools say it: grades 1–9 are "årskurs", upper-secondary year 2 (grade 11)
/// "gymnasiet år 2".
fn grade_words(grade: i32, lang: Lang) -> String {
    match (grade >= 10, lang) {
        (true, Lang::Sv) => format!("gymnasiet år {}", grade - 9),
        (true, Lang::En) => format!("upper-secondary year {}", grade - 9),
        (false, _) => format!("{} {grade}", lang.pick("årskurs", "year")),
    }
}

/// "skola S, klass C".
fn school_and_class(school: &str, class: &str, lang: Lang) -> String {
    format!(
        "{} {school}, {} {class}",
        lang.pick("skola", "school"),
        lang.pick("klass", "class"),
    )
}

/// The section of a report a text was written for, by its id.
fn section_words(section: &str, lang: Lang) -> String {
    match section {
        "summary" => lang.pick("Sammanfattning", "Summary").to_owned(),
        "method" => lang
            .pick("Metod och datakvalitet", "Method and data quality")
            .to_owned(),
        "next" => lang.pick("Nästa steg", "Next steps").to_owned(),
        "promises" => lang.pick("Medborgarlöften", "Citizen promises").to_owned(),
        other => crate::survey::PriorityArea::parse(other)
            .map_or_else(|| other.to_owned(), |a| a.title(lang).to_owned()),
    }
}

/// A comparison value: in percent for a proportion ("27,5 %"), else as stored, with a decimal
/// comma and a real minus in Swedish.
fn comparison_value(value: f64, proportion: bool, lang: Lang) -> String {
    if proportion {
        let percent = (value * 1000.0).round() / 10.0;
        let places = if percent.fract() == 0.0 { 0 } else { 1 };
        return format!("{}\u{a0}%", lang.decimal(percent, places));
    }
    let text = value.to_string();
    match lang {
        Lang::Sv => text.replace('.', ",").replace('-', "−"),
        Lang::En => text,
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
