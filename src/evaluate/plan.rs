//! The fast way from a stored answer object to a row's values: the survey's indicators, background
//! questions and `unreliable_if`, compiled once per wave into slots and bit masks, so that a
//! response is read without building a `Value` or a `ValidatedAnswers` for it.
//!
//! It gives exactly what `Indicator::value` gives on the validated answers (a test compares the
//! two on thousands of synthetic respondents of every survey); a questionnaire it cannot compile
//! (a question with more than 64 choices) is read the general way instead.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::survey::{Question, QuestionKind, Statistic, Survey, ValidatedAnswers};

/// Lookups of stored keys and codes in maps whose keys come from the questionnaire only.
type Fast<K, V> = rustc_hash::FxHashMap<K, V>;

/// One question's answer in a row: chosen choices as bits, a number, or nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    Empty,
    Codes(u64),
    Number(f64),
}

struct SlotInfo<'s> {
    question: &'s Question,
    codes: Fast<&'s str, u8>,
    /// Kept as a `Value` too, for `unreliable_if`.
    for_condition: bool,
}

enum Rule {
    /// Per question: its slot, the bits of real (not missing) choices, the bits that count.
    Proportion(Vec<(usize, u64, u64)>),
    /// Per question: its slot, and the value of each choice (ordinal) or `None` for a number.
    Mean(Vec<(usize, Option<Vec<Option<f64>>>)>),
}

/// A survey compiled for reading stored answers.
pub struct Plan<'s> {
    survey: &'s Survey,
    index: Fast<&'s str, usize>,
    slots: Vec<SlotInfo<'s>>,
    rules: Vec<Rule>,
    /// Per background question: its slot and which choices are missing codes.
    background: Vec<(usize, u64)>,
}

/// A row as read: its slots and, for `unreliable_if`, the values it looks at.
pub struct Read {
    pub slots: Vec<Slot>,
    pub condition_values: Vec<(usize, Value)>,
}

impl<'s> Plan<'s> {
    /// `None` when some needed question has more than 64 choices.
    pub fn new(survey: &'s Survey) -> Option<Plan<'s>> {
        let mut plan = Plan {
            survey,
            index: Fast::default(),
            slots: Vec::new(),
            rules: Vec::new(),
            background: Vec::new(),
        };
        for q in survey.background_questions() {
            let slot = plan.slot(q)?;
            let missing = bits(q, |c| c.missing);
            plan.background.push((slot, missing));
        }
        if let Some(condition) = &survey.unreliable_if {
            for id in condition.questions() {
                if let Some(q) = survey.question(id) {
                    let slot = plan.slot(q)?;
                    plan.slots[slot].for_condition = true;
                }
            }
        }
        for indicator in &survey.indicators {
            let questions: Vec<&Question> = (indicator.questions.iter())
                .filter_map(|id| survey.question(id))
                .collect();
            let rule = match indicator.statistic {
                Statistic::Proportion => {
                    let mut parts = Vec::new();
                    for q in questions {
                        let slot = plan.slot(q)?;
                        let real = bits(q, |c| !c.missing);
                        let hit = bits(q, |c| !c.missing && indicator.codes.contains(&c.code));
                        parts.push((slot, real, hit));
                    }
                    Rule::Proportion(parts)
                }
                Statistic::Mean => {
                    let mut parts = Vec::new();
                    for q in questions {
                        let slot = plan.slot(q)?;
                        let values = match &q.kind {
                            QuestionKind::Number { .. } => None,
                            QuestionKind::Multi { .. } => Some(Vec::new()),
                            _ => Some(
                                q.choices()
                                    .iter()
                                    .map(|c| q.ordinal_value(&c.code))
                                    .collect(),
                            ),
                        };
                        parts.push((slot, values));
                    }
                    Rule::Mean(parts)
                }
            };
            plan.rules.push(rule);
        }
        Some(plan)
    }

    fn slot(&mut self, q: &'s Question) -> Option<usize> {
        if let Some(&at) = self.index.get(q.id.as_str()) {
            return Some(at);
        }
        if q.choices().len() > 64 {
            return None;
        }
        let codes = (q.choices().iter().enumerate())
            .map(|(i, c)| (c.code.as_str(), i as u8))
            .collect();
        self.slots.push(SlotInfo {
            question: q,
            codes,
            for_condition: false,
        });
        let at = self.slots.len() - 1;
        self.index.insert(q.id.as_str(), at);
        Some(at)
    }

    /// Reads one stored answer object.
    pub fn read(&self, text: &str, into: &mut Read) -> Result<(), serde_json::Error> {
        into.slots.clear();
        into.slots.resize(self.slots.len(), Slot::Empty);
        into.condition_values.clear();
        let mut de = serde_json::Deserializer::from_str(text);
        RowSeed { plan: self, into }.deserialize(&mut de)?;
        de.end()
    }

    /// Whether `unreliable_if` holds for the row.
    pub fn unreliable(&self, read: &Read) -> bool {
        let Some(condition) = &self.survey.unreliable_if else {
            return false;
        };
        let answers = ValidatedAnswers::from_stored(
            (read.condition_values.iter()).map(|(slot, v)| (self.slots[*slot].question, v)),
        );
        condition.holds(&|id| answers.get(id))
    }

    /// Indicator `i`'s value for the row, as `Indicator::value` defines it (NaN: not counted).
    pub fn value(&self, i: usize, slots: &[Slot]) -> f64 {
        match &self.rules[i] {
            Rule::Proportion(parts) => {
                let mut answered = false;
                let mut hit = false;
                for &(slot, real, counts) in parts {
                    if let Slot::Codes(mask) = slots[slot] {
                        answered |= mask & real != 0;
                        hit |= mask & counts != 0;
                    }
                }
                match (answered, hit) {
                    (false, _) => f64::NAN,
                    (true, true) => 1.0,
                    (true, false) => 0.0,
                }
            }
            Rule::Mean(parts) => {
                let mut sum = 0.0;
                for (slot, values) in parts {
                    let v = match (slots[*slot], values) {
                        (Slot::Number(n), None) => n,
                        (Slot::Codes(mask), Some(values)) if mask.count_ones() == 1 => match values
                            .get(mask.trailing_zeros() as usize)
                            .copied()
                            .flatten()
                        {
                            Some(v) => v,
                            None => return f64::NAN,
                        },
                        _ => return f64::NAN,
                    };
                    sum += v;
                }
                if parts.is_empty() {
                    f64::NAN
                } else {
                    sum / parts.len() as f64
                }
            }
        }
    }

    /// Background question `b`'s category for the row (`None`: unanswered or a missing code).
    pub fn category(&self, b: usize, slots: &[Slot]) -> Option<u32> {
        let (slot, missing) = self.background[b];
        match slots[slot] {
            Slot::Codes(mask) if mask.count_ones() == 1 && mask & missing == 0 => {
                Some(mask.trailing_zeros())
            }
            _ => None,
        }
    }
}

fn bits(q: &Question, keep: impl Fn(&crate::survey::Choice) -> bool) -> u64 {
    (q.choices().iter().enumerate())
        .filter(|(_, c)| keep(c))
        .fold(0u64, |acc, (i, _)| acc | (1u64 << i))
}

struct RowSeed<'p, 's, 'r> {
    plan: &'p Plan<'s>,
    into: &'r mut Read,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some(&slot) = self.plan.index.get(key.0.as_ref()) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let info = &self.plan.slots[slot];
            if info.for_condition {
                let value: Value = map.next_value()?;
                self.into.slots[slot] = slot_of_value(info, &value);
                self.into.condition_values.push((slot, value));
            } else {
                self.into.slots[slot] = map.next_value_seed(SlotSeed(info))?;
            }
        }
        Ok(())
    }
}

fn slot_of_value(info: &SlotInfo, value: &Value) -> Slot {
    match value {
        Value::String(code) => info
            .codes
            .get(code.as_str())
            .map_or(Slot::Empty, |&i| Slot::Codes(1 << i)),
        Value::Array(items) => {
            let mask = items
                .iter()
                .filter_map(|v| v.as_str().and_then(|c| info.codes.get(c)))
                .fold(0u64, |acc, &i| acc | (1 << i));
            if mask == 0 {
                Slot::Empty
            } else {
                Slot::Codes(mask)
            }
        }
        Value::Number(n) => n.as_f64().map_or(Slot::Empty, Slot::Number),
        _ => Slot::Empty,
    }
}

struct SlotSeed<'p, 's>(&'p SlotInfo<'s>);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_, '_> {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Slot, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SlotSeed<'_, '_> {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answer")
    }

    fn visit_str<E>(self, v: &str) -> Result<Slot, E> {
        Ok(self
            .0
            .codes
            .get(v)
            .map_or(Slot::Empty, |&i| Slot::Codes(1 << i)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Slot, E> {
        Ok(Slot::Number(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Slot, E> {
        Ok(Slot::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Slot, E> {
        Ok(Slot::Number(v as f64))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Slot, E> {
        Ok(Slot::Empty)
    }

    fn visit_unit<E>(self) -> Result<Slot, E> {
        Ok(Slot::Empty)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot, A::Error> {
        let mut mask = 0u64;
        while let Some(item) = seq.next_element::<Key<'de>>()? {
            if let Some(&i) = self.0.codes.get(item.0.as_ref()) {
                mask |= 1 << i;
            }
        }
        Ok(if mask == 0 {
            Slot::Empty
        } else {
            Slot::Codes(mask)
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Slot::Empty)
    }
}

/// A key, borrowed from the text unless it has escapes.
pub(super) struct Key<'de>(pub Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a question id")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}
