//! Questionnaires: loading and checking `surveys/*.toml`, skip logic, answer validation and
//! synthetic respondents. Pure: no HTTP, no database (see surveys/README.md for the file format).

mod answers;
mod catalog;
mod check;
mod condition;
mod indicator;
mod load;
mod model;
mod question;
mod raw;
mod synth;

pub use answers::{Answer, AnswerProblem, ValidatedAnswers, validate};
pub use catalog::{LoadedSurvey, SurveyCatalog, load_dir};
pub use check::SurveyError;
pub use load::load_str;
pub use model::{
    Audience, Better, Choice, Condition, GradeQuestion, Indicator, Page, PriorityArea, Question,
    QuestionKind, Statistic, Survey, Text,
};
pub use synth::{synth, synth_tilted};

#[cfg(test)]
mod tests;
