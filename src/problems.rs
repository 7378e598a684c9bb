//! Lists of problems found in what someone sent (a CSV file, an address list, a submission),
//! bounded: the first [`SHOWN`] are kept and the rest only counted, so that an answer never
//! grows with its input ("… och 99 900 fel till").

use std::ops::Deref;

use crate::i18n::Lang;

/// How many problems of one list are described; the rest are counted.
pub const SHOWN: usize = 100;

/// The first [`SHOWN`] problems and how many there were in all. Derefs to the shown ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems<T> {
    shown: Vec<T>,
    total: usize,
}

impl<T> Default for Problems<T> {
    fn default() -> Self {
        Problems {
            shown: Vec::new(),
            total: 0,
        }
    }
}

impl<T> Problems<T> {
    pub fn new() -> Self {
        Problems::default()
    }

    /// Counts a problem, and keeps it while fewer than [`SHOWN`] are kept.
    pub fn push(&mut self, problem: T) {
        self.total = self.total.saturating_add(1);
        if self.shown.len() < SHOWN {
            self.shown.push(problem);
        }
    }

    /// Counts `n` further problems that are not described (when describing them would cost
    /// more than the answer is worth).
    pub fn count_more(&mut self, n: usize) {
        self.total = self.total.saturating_add(n);
    }

    /// True once [`SHOWN`] problems are kept: further ones would only be counted.
    pub fn is_full(&self) -> bool {
        self.shown.len() >= SHOWN
    }

    /// How many problems there were, shown or not.
    pub fn total(&self) -> usize {
        self.total
    }

    /// How many problems are counted but not shown.
    pub fn hidden(&self) -> usize {
        self.total - self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Problems<U> {
        Problems {
            shown: self.shown.into_iter().map(f).collect(),
            total: self.total,
        }
    }

    /// `Ok(value)` when there is no problem, else the problems.
    pub fn or_ok<V>(self, value: V) -> Result<V, Problems<T>> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// The line that follows the shown problems when some are not shown.
    pub fn more_line(&self, lang: Lang) -> Option<String> {
        (self.hidden() > 0).then(|| more_text(lang, self.hidden()))
    }
}

impl<T> Deref for Problems<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.shown
    }
}

impl<'a, T> IntoIterator for &'a Problems<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.shown.iter()
    }
}

impl<T> FromIterator<T> for Problems<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut problems = Problems::new();
        for p in iter {
            problems.push(p);
        }
        problems
    }
}

/// "… och 99 900 fel till" / "… and 99,900 more".
pub fn more_text(lang: Lang, hidden: usize) -> String {
    let n = lang.number(hidden as i128);
    match lang {
        Lang::Sv => format!("… och {n} fel till"),
        Lang::En => format!("… and {n} more"),
    }
}

/// Problems as lines for a terminal or a log-free report: the shown ones, then the count of the
/// rest, in English.
pub fn lines(problems: &Problems<String>) -> Vec<String> {
    let mut out: Vec<String> = problems.iter().cloned().collect();
    out.extend(problems.more_line(Lang::En));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_hundred_are_kept_and_the_rest_counted() {
        let problems: Problems<usize> = (0..100_000).collect();
        assert_eq!(problems.len(), SHOWN);
        assert_eq!(problems.total(), 100_000);
        assert_eq!(problems.hidden(), 99_900);
        assert_eq!(problems[99], 99);
        assert_eq!(
            problems.more_line(Lang::Sv).as_deref(),
            Some("… och 99\u{a0}900 fel till")
        );
        assert_eq!(
            problems.more_line(Lang::En).as_deref(),
            Some("… and 99,900 more")
        );
    }

    #[test]
    fn a_short_list_has_no_more_line_and_an_empty_one_is_ok() {
        let mut problems = Problems::new();
        assert_eq!(problems.clone().or_ok(1), Ok(1));
        problems.push("line 2: bad");
        assert_eq!(problems.more_line(Lang::Sv), None);
        assert!(problems.clone().or_ok(1).is_err());
        problems.count_more(3);
        assert_eq!((problems.len(), problems.total()), (1, 4));
        assert_eq!(
            lines(&problems.map(str::to_owned)),
            ["line 2: bad", "… and 3 more"]
        );
    }
}
