//! The words of each kind of audit event, in Swedish and in English: what was done (a sentence
//! without its subject) and the detail worth showing.

use super::{
    Report, Words, comparison_value, grade_words, role_in_words, school_and_class, section_words,
};
use crate::accounts::Role;
use crate::plan::analysis::{Aspect, CauseKind};
use crate::plan::history::Action as PlanAction;
use crate::plan::promises::PromiseState;
use crate::sources::dialogues::DialogueKind;
use crate::store::audit::{ComparisonValue, Replaced};

/// A sentence with no detail.
fn alone(sentence: String) -> (String, String) {
    (sentence, String::new())
}

/// Waves, invitations and class sessions.
impl Words<'_> {
    /// "stängde omgången Trygghetsundersökning 2026".
    pub(super) fn wave_done(&self, sv: &str, en: &str) -> (String, String) {
        let wave = &self.wave;
        alone(self.say(format!("{sv} {wave}"), format!("{en} {wave}")))
    }

    pub(super) fn population(&self, cells: u64) -> (String, String) {
        let wave = &self.wave;
        let n = self.count(cells, ("cell", "celler"), ("cell", "cells"));
        alone(self.say(
            format!("sparade befolkningstal för {wave} ({n})"),
            format!("saved population totals for {wave} ({n})"),
        ))
    }

    pub(super) fn school_classes(&self, schools: u64) -> (String, String) {
        let wave = &self.wave;
        let n = self.count(schools, ("skola", "skolor"), ("school", "schools"));
        alone(self.say(
            format!("sparade klasser per skola för {wave} ({n})"),
            format!("saved classes per school for {wave} ({n})"),
        ))
    }

    pub(super) fn import(&self, stored: u64, already_there: u64) -> (String, String) {
        let wave = &self.wave;
        let stored = self.count(stored, ("svar", "svar"), ("response", "responses"));
        let already = self.number(already_there);
        (
            self.say(
                format!("importerade svar till {wave}"),
                format!("imported responses into {wave}"),
            ),
            self.say(
                format!("{stored} sparade, {already} fanns redan"),
                format!("{stored} stored, {already} already there"),
            ),
        )
    }

    pub(super) fn invitations_added(&self, addresses: u64) -> (String, String) {
        let wave = &self.wave;
        let n = self.count(addresses, ("adress", "adresser"), ("address", "addresses"));
        alone(self.say(
            format!("lade till {n} i {wave}"),
            format!("added {n} to {wave}"),
        ))
    }

    pub(super) fn reminders(&self, reminders: u64) -> (String, String) {
        let wave = &self.wave;
        let n = self.count(
            reminders,
            ("påminnelse", "påminnelser"),
            ("reminder", "reminders"),
        );
        alone(self.say(
            format!("skickade {n} i {wave}"),
            format!("sent {n} in {wave}"),
        ))
    }

    pub(super) fn retried(&self, invitations: u64) -> (String, String) {
        let wave = &self.wave;
        let n = self.count(
            invitations,
            ("inbjudan", "inbjudningar"),
            ("invitation", "invitations"),
        );
        alone(self.say(
            format!("försökte skicka {n} igen i {wave}"),
            format!("retried {n} in {wave}"),
        ))
    }

    pub(super) fn session_opened(
        &self,
        school: &str,
        class: &str,
        grade: i32,
        codes: u64,
    ) -> (String, String) {
        let wave = &self.wave;
        (
            self.say(
                format!("öppnade ett klasstillfälle i {wave}"),
                format!("opened a class session in {wave}"),
            ),
            format!(
                "{} ({}), {}",
                school_and_class(school, class, self.lang),
                grade_words(grade, self.lang),
                self.count(codes, ("kod", "koder"), ("code", "codes"))
            ),
        )
    }

    pub(super) fn session_ended(
        &self,
        school: &str,
        class: &str,
        stopped: u64,
    ) -> (String, String) {
        let wave = &self.wave;
        (
            self.say(
                format!("avslutade ett klasstillfälle i {wave}"),
                format!("ended a class session in {wave}"),
            ),
            self.unused_codes(school, class, stopped, "slutade gälla", "stopped"),
        )
    }

    pub(super) fn new_codes(&self, school: &str, class: &str, replaced: u64) -> (String, String) {
        let wave = &self.wave;
        (
            self.say(
                format!("skrev ut nya koder för ett klasstillfälle i {wave}"),
                format!("printed new codes for a class session in {wave}"),
            ),
            self.unused_codes(school, class, replaced, "byttes ut", "replaced"),
        )
    }

    /// "skola s1, klass 9A: 3 oanvända koder slutade gälla".
    fn unused_codes(&self, school: &str, class: &str, n: u64, sv: &str, en: &str) -> String {
        let codes = self.count(
            n,
            ("oanvänd kod", "oanvända koder"),
            ("unused code", "unused codes"),
        );
        format!(
            "{}: {codes} {}",
            school_and_class(school, class, self.lang),
            self.lang.pick(sv, en)
        )
    }
}

/// Accounts and API tokens.
impl Words<'_> {
    pub(super) fn user_added(
        &self,
        email: &str,
        role: Role,
        school: Option<&str>,
    ) -> (String, String) {
        (
            self.say(
                format!("skapade kontot {email}"),
                format!("created the account {email}"),
            ),
            role_in_words(role, school, self.lang),
        )
    }

    pub(super) fn active(&self, email: &str, active: bool) -> (String, String) {
        alone(if active {
            self.say(
                format!("aktiverade kontot {email} igen"),
                format!("reactivated the account {email}"),
            )
        } else {
            self.say(
                format!("stängde av kontot {email}"),
                format!("deactivated the account {email}"),
            )
        })
    }

    pub(super) fn password(&self, email: &str) -> (String, String) {
        alone(self.say(
            format!("bytte lösenord för {email}"),
            format!("set a new password for {email}"),
        ))
    }

    pub(super) fn role_changed(
        &self,
        email: &str,
        role: Role,
        school: Option<&str>,
    ) -> (String, String) {
        (
            self.say(
                format!("ändrade rollen för {email}"),
                format!("changed the role of {email}"),
            ),
            format!(
                "{} {}",
                self.lang.pick("till", "to"),
                role_in_words(role, school, self.lang)
            ),
        )
    }

    pub(super) fn signed_out(&self, email: &str, sessions: u64) -> (String, String) {
        (
            self.say(
                format!("loggade ut {email} överallt"),
                format!("signed {email} out everywhere"),
            ),
            self.count(
                sessions,
                ("inloggning", "inloggningar"),
                ("session", "sessions"),
            ) + self.lang.pick(" avslutades", " ended"),
        )
    }

    /// A token made (with the last day it is valid) or revoked.
    pub(super) fn token(
        &self,
        made: bool,
        name: &str,
        owner: &str,
        valid_until: Option<&str>,
    ) -> (String, String) {
        let sentence = if made {
            self.lang
                .pick("skapade en API-nyckel", "created an API token")
        } else {
            self.lang
                .pick("återkallade en API-nyckel", "revoked an API token")
        };
        let mut detail = self.say(
            format!("”{name}” för {owner}"),
            format!("“{name}” of {owner}"),
        );
        if let Some(day) = valid_until {
            detail.push_str(&self.say(
                format!(", giltig t.o.m. {day}"),
                format!(", valid until {day}"),
            ));
        }
        (sentence.to_owned(), detail)
    }
}

/// The reports and citizen promises.
impl Words<'_> {
    pub(super) fn report_text(
        &self,
        report: &Report,
        section: &str,
        characters: u64,
        before: u64,
    ) -> (String, String) {
        let sentence = match report {
            Report::Annual(year) => self.say(
                format!("skrev i årsrapporten {year}"),
                format!("wrote in the annual report {year}"),
            ),
            Report::Final(id) => self.say(
                format!("skrev i den slutliga uppföljningen {id}"),
                format!("wrote in the final follow-up {id}"),
            ),
        };
        let section = section_words(section, self.lang);
        let before = self.number(before);
        let n = self.count(
            characters,
            ("tecken", "tecken"),
            ("character", "characters"),
        );
        let detail = self.say(
            format!("avsnittet {section}: {n} (förut {before})"),
            format!("the section {section}: {n} (before {before})"),
        );
        (sentence, detail)
    }

    pub(super) fn finalized(&self, report: &Report) -> (String, String) {
        alone(match report {
            Report::Annual(year) => self.say(
                format!("fastställde årsrapporten {year}"),
                format!("marked the annual report {year} final"),
            ),
            Report::Final(id) => self.say(
                format!("fastställde den slutliga uppföljningen {id}"),
                format!("marked the final follow-up {id} final"),
            ),
        })
    }

    pub(super) fn reopened(&self, report: &Report) -> (String, String) {
        alone(match report {
            Report::Annual(year) => self.say(
                format!("öppnade årsrapporten {year} igen"),
                format!("reopened the annual report {year}"),
            ),
            Report::Final(id) => self.say(
                format!("öppnade den slutliga uppföljningen {id} igen"),
                format!("reopened the final follow-up {id}"),
            ),
        })
    }

    pub(super) fn promise(&self, promise: &str, year: i32, state: &str) -> (String, String) {
        let state = PromiseState::parse(state)
            .map_or_else(|| state.to_owned(), |s| s.label(self.lang).to_lowercase());
        (
            self.say(
                format!("följde upp medborgarlöftet {promise} {year}"),
                format!("followed up the citizen promise {promise} {year}"),
            ),
            state,
        )
    }
}

/// The situation picture, comparison values and the action plan.
impl Words<'_> {
    pub(super) fn sources_import(
        &self,
        source: &str,
        rows: u64,
        stored: u64,
        file: &str,
    ) -> (String, String) {
        let source = match source {
            "kolada" => "Kolada",
            "scb" => "SCB",
            "felanmalan" => self.lang.pick("felanmälningar", "fault reports"),
            _ => self.lang.pick("serier", "series"),
        };
        let rows = self.count(rows, ("rad", "rader"), ("row", "rows"));
        let stored = self.count(stored, ("värde", "värden"), ("value", "values"));
        (
            self.say(
                format!("läste in {file} till lägesbilden"),
                format!("imported {file} into the situation picture"),
            ),
            self.say(
                format!("{source}: {rows}, {stored} sparade"),
                format!("{source}: {rows}, {stored} stored"),
            ),
        )
    }

    /// A dialogue recorded (with how many took part) or removed.
    pub(super) fn dialogue(
        &self,
        day: &str,
        kind: &str,
        district: &str,
        took_part: Option<u64>,
    ) -> (String, String) {
        let kind = DialogueKind::parse(kind)
            .map_or_else(String::new, |k| k.label(self.lang).to_lowercase());
        let place = if district.is_empty() {
            self.lang.pick("hela kommunen", "the whole municipality")
        } else {
            district
        };
        let (sv, en) = match took_part {
            Some(_) => ("förde in", "recorded"),
            None => ("tog bort", "removed"),
        };
        let detail = took_part.map_or_else(String::new, |n| {
            let n = self.count(n, ("person", "personer"), ("person", "people"));
            self.say(format!("{n} deltog"), format!("{n} took part"))
        });
        (
            self.say(
                format!("{sv} en {kind} {day} ({place})"),
                format!("{en} a {kind} of {day} ({place})"),
            ),
            detail,
        )
    }

    pub(super) fn problem(&self, saved: bool, title: &str) -> (String, String) {
        let (sv, en) = if saved {
            ("sparade problemet", "saved the problem")
        } else {
            ("tog bort problemet", "removed the problem")
        };
        alone(self.say(format!("{sv} \"{title}\""), format!("{en} \"{title}\"")))
    }

    /// A cause of a problem saved (with its kind, aspect and interventions) or removed.
    pub(super) fn cause(&self, problem: i64, saved: Option<(&str, &str, u64)>) -> (String, String) {
        let (sv, en) = match saved {
            Some(_) => ("sparade en orsak till problem", "saved a cause of problem"),
            None => (
                "tog bort en orsak till problem",
                "removed a cause of problem",
            ),
        };
        let detail = saved.map_or_else(String::new, |(kind, aspect, interventions)| {
            let kind = CauseKind::parse(kind).map_or("", |k| k.label(self.lang));
            let aspect = Aspect::parse(aspect).map_or("", |a| a.label(self.lang));
            let n = self.count(
                interventions,
                ("insats", "insatser"),
                ("intervention", "interventions"),
            );
            format!("{kind} ({aspect}), {n}")
        });
        (
            self.say(format!("{sv} {problem}"), format!("{en} {problem}")),
            detail,
        )
    }

    /// A change to an intervention of the action plan: its kind, and the intervention's title
    /// (the changes field by field are in its history on the plan page).
    pub(super) fn plan(&self, action: PlanAction, title: &str) -> (String, String) {
        (
            format!(
                "{}: {}",
                self.lang.pick("åtgärdsplanen", "the action plan"),
                action.label(self.lang).to_lowercase()
            ),
            format!("”{title}”"),
        )
    }

    /// A comparison value saved (maybe replacing one) or removed.
    pub(super) fn comparison(
        &self,
        c: &ComparisonValue,
        saved: bool,
        was: Option<&Replaced>,
    ) -> (String, String) {
        let key = format!("{}/{}", c.survey, c.indicator);
        let indicator = self.indicators.get(&key);
        let title = indicator.map_or(key.as_str(), |i| self.lang.pick(&i.sv, &i.en));
        let proportion = indicator.is_some_and(|i| i.proportion);
        let line = if c.domain.is_empty() {
            format!("{} {}", c.label, c.period)
        } else {
            format!("{} ({}) {}", c.label, c.domain, c.period)
        };
        let (sv, en) = if saved {
            ("sparade", "saved")
        } else {
            ("tog bort", "removed")
        };
        let sentence = self.say(
            format!("{sv} jämförelsevärdet {line} för {title}"),
            format!("{en} the comparison value {line} for {title}"),
        );
        let value = comparison_value(c.value, proportion, self.lang);
        let source = &c.source;
        let mut detail = self.say(
            format!("{value} (källa: {source})"),
            format!("{value} (source: {source})"),
        );
        if let Some(old) = was {
            let value = comparison_value(old.value, proportion, self.lang);
            let source = &old.source;
            detail.push_str(&self.say(
                format!("; förut {value} (källa: {source})"),
                format!("; before {value} (source: {source})"),
            ));
        }
        (sentence, detail)
    }
}
