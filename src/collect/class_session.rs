//! A class session to open: what a school coordinator types, checked once.

/// Most pupils one session hands out codes for: a class, not a whole school, so one printout.
pub const MAX_PUPILS: i32 = 60;
/// Grades from year 1 of compulsory school to year 4 of upper secondary (13), so that
/// upper-secondary year 2 is grade 11.
pub const GRADES: std::ops::RangeInclusive<i32> = 1..=13;
/// Characters of a class label such as "9B" or "NA22b".
pub const MAX_LABEL_CHARS: usize = 60;
/// How long a pupil who had started answering when the session ended may still submit: the
/// rest of the lesson and a break, or the next lesson. Codes nobody had started with stop at
/// once.
pub const FINISH_AFTER_END_SECONDS: i64 = 2 * 3600;

/// Until when (Unix seconds) a pupil who had started may submit after a session ended then.
pub fn finish_until(ended_at: i64) -> i64 {
    ended_at + FINISH_AFTER_END_SECONDS
}

/// A checked class session, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClassSession {
    pub class_label: String,
    pub grade: i32,
    pub pupils: i32,
}

/// Which field of the form is wrong; the page words the message in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    ClassLabel,
    Grade,
    Pupils,
}

impl SessionProblem {
    /// The name (and id) of the form field.
    pub fn field(&self) -> &'static str {
        match self {
            SessionProblem::ClassLabel => "class_label",
            SessionProblem::Grade => "grade",
            SessionProblem::Pupils => "pupils",
        }
    }
}

impl NewClassSession {
    /// Every problem at once, so the coordinator fixes the form in one go.
    pub fn parse(
        class_label: &str,
        grade: &str,
        pupils: &str,
    ) -> Result<NewClassSession, Vec<SessionProblem>> {
        let mut problems = Vec::new();
        let class_label = class_label.trim();
        // Control characters would end up on printed slips and in the audit log.
        let label_ok = !class_label.is_empty()
            && class_label.chars().count() <= MAX_LABEL_CHARS
            && !class_label.chars().any(char::is_control);
        if !label_ok {
            problems.push(SessionProblem::ClassLabel);
        }
        let grade = grade
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|g| GRADES.contains(g));
        if grade.is_none() {
            problems.push(SessionProblem::Grade);
        }
        let pupils = pupils
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=MAX_PUPILS).contains(n));
        if pupils.is_none() {
            problems.push(SessionProblem::Pupils);
        }
        match (grade, pupils) {
            (Some(grade), Some(pupils)) if problems.is_empty() => Ok(NewClassSession {
                class_label: class_label.to_owned(),
                grade,
                pupils,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_is_a_label_a_grade_and_a_number_of_pupils() {
        let ok = NewClassSession::parse(" 9B ", "9", "27").expect("valid");
        assert_eq!(
            ok,
            NewClassSession {
                class_label: "9B".into(),
                grade: 9,
                pupils: 27
            }
        );
        assert!(NewClassSession::parse("NA22b", "11", "60").is_ok());
    }

    #[test]
    fn every_bad_field_is_named() {
        use SessionProblem::*;
        let long = "x".repeat(61);
        let cases = [
            (("", "9", "20"), vec![ClassLabel]),
            ((long.as_str(), "9", "20"), vec![ClassLabel]),
            (("9B", "0", "20"), vec![Grade]),
            (("9B", "14", "20"), vec![Grade]),
            (("9B", "nio", "20"), vec![Grade]),
            (("9B", "9", "0"), vec![Pupils]),
            (("9B", "9", "61"), vec![Pupils]),
            (("\u{7}", "", ""), vec![ClassLabel, Grade, Pupils]),
        ];
        for ((label, grade, pupils), expected) in cases {
            assert_eq!(
                NewClassSession::parse(label, grade, pupils).expect_err(label),
                expected,
                "{label:?} {grade:?} {pupils:?}"
            );
        }
    }
}
