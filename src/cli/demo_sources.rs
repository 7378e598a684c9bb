//! The demo's lägesbild sources: Kolada-shaped answers for reported crime, violent crime and
//! vandalism per 100,000 inhabitants 2019–2025 for the demo municipality (code [`CODE`]) and
//! the whole country, and two years (2024–2025) of fault reports per district with vandalism and
//! graffiti peaking in summer and broken lighting in the dark months. They are made as the files
//! would be (a Kolada v3 body, a fault-report CSV export with a free-text column) and go through
//! the same reading and storing as `trygg sources import`.

use sea_orm::DatabaseConnection;

use super::demo::DemoError;
use crate::survey::SurveyCatalog;

/// What `trygg demo` says about the lägesbild.
pub const SUMMARY: &str = "Lägesbild (/evaluate/lagesbild): reported crime, violent crime and vandalism per 100,000 2019–2025 (Kolada-shaped, municipality 9999 and the country), fault reports 2024–2025 per district and month";

/// The demo municipality's code: not a real one.
pub const CODE: &str = "9999";

/// KPI, per year 2019–2025 for the municipality and for the country.
const KOLADA: &[(&str, [f64; 7], [f64; 7])] = &[
    (
        "N07540",
        [9210.0, 8870.0, 8640.0, 8810.0, 8590.0, 8320.0, 8105.0],
        [
            14120.0, 13690.0, 13410.0, 13560.0, 13380.0, 13150.0, 12990.0,
        ],
    ),
    (
        "N07403",
        [905.0, 872.0, 861.0, 899.0, 934.0, 951.0, 968.0],
        [1128.0, 1094.0, 1071.0, 1089.0, 1102.0, 1096.0, 1090.0],
    ),
    (
        "U07452",
        [1480.0, 1390.0, 1352.0, 1410.0, 1466.0, 1521.0, 1575.0],
        [1690.0, 1612.0, 1577.0, 1603.0, 1588.0, 1571.0, 1549.0],
    ),
];

/// A Kolada v3 body with every KPI, year and area of [`KOLADA`].
fn kolada_body() -> String {
    let mut values = Vec::new();
    for (kpi, here, country) in KOLADA {
        for (i, year) in (2019..=2025).enumerate() {
            for (area, value) in [(CODE, here[i]), ("0000", country[i])] {
                values.push(serde_json::json!({
                    "kpi": kpi, "period": year, "municipality": area,
                    "values": [{"gender": "T", "value": value, "count": 1, "status": ""}]
                }));
            }
        }
    }
    serde_json::json!({ "values": values, "next_url": null }).to_string()
}

/// Reports per month of a category in a district: a base, a seasonal shape (index 0 = January)
/// and a district's share.
const CATEGORIES: &[(&str, f64, [f64; 12])] = &[
    (
        "Skadegörelse",
        9.0,
        [0.6, 0.6, 0.8, 1.0, 1.2, 1.6, 1.9, 1.8, 1.1, 0.9, 0.7, 0.6],
    ),
    (
        "Klotter",
        7.0,
        [0.7, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.6, 1.2, 0.9, 0.8, 0.7],
    ),
    (
        "Trasig belysning",
        6.0,
        [1.8, 1.5, 1.1, 0.7, 0.4, 0.3, 0.3, 0.4, 0.8, 1.3, 1.7, 1.9],
    ),
    (
        "Nedskräpning",
        5.0,
        [0.6, 0.6, 0.8, 1.1, 1.3, 1.5, 1.6, 1.5, 1.1, 0.9, 0.7, 0.6],
    ),
];

const DISTRICTS: &[(&str, f64)] = &[
    ("Centrum", 1.8),
    ("Norrbacka", 0.8),
    ("Ekdalen", 0.7),
    ("Stenhagen", 1.1),
    ("Sjöviken", 0.6),
];

/// A fault-report export as the municipality's system writes it: one row per report, with a
/// description column that the import never stores.
fn fault_export() -> String {
    let mut csv = String::from("Ärendenummer;Registrerad;Ärendetyp;Stadsdel;Beskrivning\n");
    let mut n = 0u32;
    for year in [2024, 2025] {
        for month in 1..=12u32 {
            for (category, base, season) in CATEGORIES {
                for (district, share) in DISTRICTS {
                    // Vandalism grew in 2025, as the Kolada series shows.
                    let growth = if year == 2025 && *category == "Skadegörelse" {
                        1.15
                    } else {
                        1.0
                    };
                    let count = (base * season[month as usize - 1] * share * growth).round() as u32;
                    for k in 0..count {
                        n += 1;
                        let day = 1 + (k * 7 + n) % 28;
                        csv.push_str(&format!(
                            "FA-{year}-{n:05};{year}-{month:02}-{day:02} {:02}:{:02};{category};{district};Anmält via appen\n",
                            8 + (n % 12),
                            (n * 13) % 60
                        ));
                    }
                }
            }
        }
    }
    csv
}

/// Stores the demo's sources; how many values.
pub async fn fill(db: &DatabaseConnection, catalog: &SurveyCatalog) -> Result<u64, DemoError> {
    let districts = crate::sources::districts(catalog);
    let mut stored = 0;
    for (name, body) in [
        ("demo-kolada-2019-2025.json", kolada_body()),
        ("demo-felanmalningar-2024-2025.csv", fault_export()),
    ] {
        let parsed = crate::sources::read(body.as_bytes(), &districts)
            .map_err(|e| DemoError::Refused(format!("{name}: {e}")))?;
        let sha = crate::store::sources::sha256(body.as_bytes());
        stored += crate::store::sources::import(db, &parsed, (name, &sha), "demo")
            .await?
            .stored;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_files_read_as_real_ones_and_vandalism_peaks_in_summer() {
        let k = crate::sources::read(super::kolada_body().as_bytes(), &[]).expect("kolada");
        assert_eq!(k.observations.len(), 3 * 7 * 2);
        let districts: Vec<String> = super::DISTRICTS
            .iter()
            .map(|(d, _)| (*d).to_owned())
            .collect();
        let f = crate::sources::read(super::fault_export().as_bytes(), &districts).expect("faults");
        assert!(f.unknown_areas.is_empty());
        let month = |m: &str| {
            f.observations
                .iter()
                .filter(|o| o.measure == "felanmalan/skadegörelse" && o.period == m)
                .map(|o| o.value)
                .sum::<f64>()
        };
        assert!(month("2025-07") > 2.0 * month("2025-01"), "a summer peak");
    }
}
