//! The demo's lägesbild sources: Kolada-shaped answers for reported crime, violent crime and
//! vandalism per 100,000 inhabitants 2019–2025 for the demo municipality (code [`CODE`]) and
//! the whole country, and two years (2024–2025) of fault reports per district with vandalism and
//! graffiti peaking in summer and broken lighting in the dark months. They are made as the files
//! would be (a Kolada v3 body, a fault-report CSV export with a free-text column) and go through
//! the same reading and storing as `trygg sources import`.

use sea_orm::DatabaseConnection;

use super::DemoError;
use crate::survey::SurveyCatalog;

/// What `trygg demo` says about the lägesbild.
pub const SUMMARY: &str = "Lägesbild (/evaluate/lagesbild): reported crime, violent crime and vandalism per 100,000 2019–2025 (Kolada-shaped, municipality 9999 and the country), fault reports 2024–2025 per district and month, four dialogues, and two analysed problems whose causes lead to the plan's interventions";

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
                    // Vandalism grew in 2025, as the Kolada series shows; broken lighting
                    // fell as the lighting intervention went on, graffiti a little.
                    let growth = match (year, *category) {
                        (2025, "Skadegörelse") => 1.15,
                        (2025, "Trasig belysning") => 0.8,
                        (2025, "Klotter") => 0.92,
                        _ => 1.0,
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

/// The demo's dialogues: day, kind, district, area, residents, staff, police, others, what came up.
type DemoDialogue = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [i64; 4],
    &'static str,
);

const DIALOGUES: &[DemoDialogue] = &[
    (
        "2025-03-12",
        "staff",
        "",
        "threats-violence",
        [0, 23, 4, 0],
        "Medarbetare i receptionerna beskriver fler hot vid beslut om försörjningsstöd. Larmknappar saknas i två mötesrum. Polisen önskar en kontaktperson per förvaltning.",
    ),
    (
        "2025-05-20",
        "safety_walk",
        "Centrum",
        "outdoor-insecurity",
        [14, 3, 2, 1],
        "Mörkt i gångtunneln under järnvägen och vid busstationens cykelparkering. Klotter och krossat glas vid torgets baksida. Många undviker parken efter kl. 21.",
    ),
    (
        "2025-09-04",
        "residents",
        "Stenhagen",
        "youth-at-risk",
        [31, 4, 2, 3],
        "Föräldrar oroar sig för att unga erbjuds narkotika vid skolan och vid idrottsplatsen. Fritidsgården har stängt på fredagar sedan i våras. Önskemål om fler vuxna ute på kvällarna.",
    ),
    (
        "2025-10-16",
        "safety_walk",
        "Norrbacka",
        "outdoor-insecurity",
        [9, 2, 1, 0],
        "Trasig belysning längs gång- och cykelvägen till skolan. Buskage skymmer sikten vid hållplatsen. Skadegörelse på lekplatsen under sommaren.",
    ),
];

/// Stores the demo's dialogues and its two analysed problems, the causes linked to the plan's
/// interventions (by title, as the demo plan names them).
async fn analysis(db: &DatabaseConnection) -> Result<(), DemoError> {
    use crate::plan::analysis::{Aspect, Cause, CauseKind, Problem};
    use crate::sources::dialogues::{Dialogue, DialogueKind};
    for (day, kind, district, area, counts, raised) in DIALOGUES {
        let dialogue = Dialogue {
            held_on: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|e| DemoError::failed(format!("dialogue {day}"), e))?,
            kind: DialogueKind::parse(kind)
                .ok_or_else(|| DemoError::Refused(format!("dialogue kind {kind}")))?,
            district: (*district).to_owned(),
            priority_area: (*area).to_owned(),
            counts: *counts,
            raised: (*raised).to_owned(),
        };
        crate::store::analysis::add_dialogue(db, &dialogue, "demo").await?;
    }
    let plan = crate::store::plan::list(db).await?;
    let by_title = |title: &str| -> Vec<i64> {
        plan.iter()
            .filter(|i| i.intervention.title.starts_with(title))
            .map(|i| i.id)
            .collect()
    };
    let problems: [(Problem, Vec<Cause>); 2] = [
        (
            Problem {
                rank: 1,
                title: "Otrygghet och skadegörelse i centrum och Norrbacka kvällstid".into(),
                description: "Drygt var tionde invånare känner sig otrygg ute sent på kvällen. Felanmälningarna om skadegörelse och klotter toppar varje sommar och är flest i Centrum, och trygghetsvandringarna pekar ut samma platser: gångtunneln, busstationen och gång- och cykelvägen i Norrbacka.".into(),
                priority_area: "outdoor-insecurity".into(),
                districts: vec!["Centrum".into(), "Norrbacka".into()],
                evidence: vec![
                    "resident-safety/unsafe_night".into(),
                    "resident-safety/vandalism_graffiti".into(),
                    "kolada/U07452".into(),
                    "felanmalan/skadegörelse".into(),
                ],
            },
            vec![
                Cause {
                    kind: CauseKind::Risk,
                    aspect: Aspect::Place,
                    description: "Mörka och skymda stråk: trasig belysning och tätt buskage vid gångtunneln och hållplatserna.".into(),
                    interventions: by_title("Belysning och röjning"),
                },
                Cause {
                    kind: CauseKind::Risk,
                    aspect: Aspect::Time,
                    description: "Sommarkvällar och helger, när fler unga är ute och färre vuxna rör sig i centrum.".into(),
                    interventions: [by_title("Vuxennärvaro"), by_title("Medborgarlöfte 2023–2024")].concat(),
                },
                Cause {
                    kind: CauseKind::Protective,
                    aspect: Aspect::Victim,
                    description: "Skadegörelse som lagas snabbt lockar inte till mer: platser som någon tar hand om.".into(),
                    interventions: by_title("Snabb sanering"),
                },
            ],
        ),
        (
            Problem {
                rank: 2,
                title: "Unga erbjuds narkotika nära skolor och idrottsplatser".into(),
                description: "Fler elever i årskurs 9 säger att de erbjudits narkotika det senaste året. Föräldrar i Stenhagen tog upp det i medborgardialogen.".into(),
                priority_area: "youth-at-risk".into(),
                districts: vec!["Stenhagen".into()],
                evidence: vec![
                    "school-drug-habits/drugs_offered_12m".into(),
                    "school-drug-habits/cannabis_ever".into(),
                ],
            },
            vec![
                Cause {
                    kind: CauseKind::Risk,
                    aspect: Aspect::Offender,
                    description: "Äldre ungdomar som säljer till yngre, med kontakter via sociala medier.".into(),
                    interventions: by_title("Samverkan skola, socialtjänst"),
                },
                Cause {
                    kind: CauseKind::Protective,
                    aspect: Aspect::Victim,
                    description: "Föräldrar som vet vad som händer och sätter gränser skyddar.".into(),
                    interventions: by_title("Drogförebyggande föräldramöten"),
                },
                Cause {
                    kind: CauseKind::Protective,
                    aspect: Aspect::Place,
                    description: "Öppna mötesplatser med vuxna på fredagskvällar.".into(),
                    interventions: by_title("Medborgarlöfte 2025–2026"),
                },
            ],
        ),
    ];
    for (problem, causes) in problems {
        let id = crate::store::analysis::save_problem(db, None, &problem, "demo")
            .await?
            .ok_or_else(|| DemoError::Refused(problem.title.clone()))?;
        for cause in causes {
            crate::store::analysis::save_cause(db, id, None, &cause, "demo").await?;
        }
    }
    Ok(())
}

/// Stores the demo's sources, dialogues and analysed problems; how many values.
pub async fn fill(db: &DatabaseConnection, catalog: &SurveyCatalog) -> Result<u64, DemoError> {
    let districts = crate::sources::districts(catalog);
    let mut stored = 0;
    for (name, body) in [
        ("demo-kolada-2019-2025.json", kolada_body()),
        ("demo-felanmalningar-2024-2025.csv", fault_export()),
    ] {
        let parsed = crate::sources::read(body.as_bytes(), &districts)
            .map_err(|e| DemoError::failed(name, e))?;
        let sha = crate::store::sources::sha256(body.as_bytes());
        stored += crate::store::sources::import(db, &parsed, (name, &sha), "demo")
            .await?
            .stored;
    }
    analysis(db).await?;
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
