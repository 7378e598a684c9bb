//! Questionnaires: loading and checking `surveys/*.toml`, skip logic, answer validation and
//! synthetic respondents. Pure: no HTTP, no database (see surveys/README.md for the file format).

mod answers;
mod catalog;
mod condition;
mod indicator;
mod load;
mod model;
mod question;
mod raw;
mod synth;

pub use answers::{Answer, AnswerProblem, ValidatedAnswers, validate};
pub use catalog::{LoadedSurvey, SurveyCatalog, load_dir};
pub use condition::Condition;
pub use indicator::{Better, Indicator, PriorityArea, Statistic};
pub use load::{SurveyError, load_str};
pub use model::{Audience, Choice, GradeQuestion, Page, Question, QuestionKind, Survey, Text};
pub use synth::{synth, synth_tilted};

#[cfg(test)]
mod tests;
