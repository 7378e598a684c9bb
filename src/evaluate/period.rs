//! The year a wave counts for: an `i32` inside, text in the published JSON (`"period": "2026"`,
//! DESIGN.md "Evaluation"). Use with `#[serde(with = "period")]` (or `period::option`,
//! `period::list`) and `#[schema(value_type = String)]`. Reading accepts the text and a number
//! alike, so stored publications and report snapshots read as before.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A year as the contract writes it.
struct Year(i32);

impl Serialize for Year {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Year, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(i32),
            Text(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Number(year) => Ok(Year(year)),
            Written::Text(text) => text.trim().parse().map(Year).map_err(|_| {
                serde::de::Error::custom(format!("the period {text:?} is not a year"))
            }),
        }
    }
}

pub fn serialize<S: Serializer>(year: &i32, serializer: S) -> Result<S::Ok, S::Error> {
    Year(*year).serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    Year::deserialize(deserializer).map(|y| y.0)
}

/// An optional year (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(year: &Option<i32>, serializer: S) -> Result<S::Ok, S::Error> {
        year.map(Year).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i32>, D::Error> {
        Option::<Year>::deserialize(deserializer).map(|y| y.map(|y| y.0))
    }
}

/// A list of years.
pub mod list {
    use super::*;

    pub fn serialize<S: Serializer>(years: &[i32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(years.iter().map(|y| Year(*y)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i32>, D::Error> {
        Vec::<Year>::deserialize(deserializer).map(|ys| ys.into_iter().map(|y| y.0).collect())
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Row {
        #[serde(with = "super")]
        period: i32,
        #[serde(with = "super::option")]
        latest: Option<i32>,
        #[serde(with = "super::list", default)]
        periods: Vec<i32>,
    }

    #[test]
    fn a_period_is_written_as_text_and_read_from_text_or_a_number() {
        let row = Row {
            period: 2026,
            latest: None,
            periods: vec![2024, 2026],
        };
        let text = serde_json::to_string(&row).expect("json");
        assert_eq!(
            text,
            r#"{"period":"2026","latest":null,"periods":["2024","2026"]}"#
        );
        assert_eq!(serde_json::from_str::<Row>(&text).expect("text"), row);
        let numbers: Row =
            serde_json::from_str(r#"{"period":2026,"latest":2025,"periods":[2024]}"#).expect("n");
        assert_eq!((numbers.period, numbers.latest), (2026, Some(2025)));
        assert!(serde_json::from_str::<Row>(r#"{"period":"spring","latest":null}"#).is_err());
    }
}
