//! `trygg demo`: an empty database filled with four years (2022–2025) of closed waves of the three
//! questionnaires, with population figures, schools and classes, answers with known trends, and
//! three staff logins, so that a newcomer sees real series at once.
//!
//! Everything goes in through the paths an operator uses: waves as `trygg wave create` makes
//! them, population figures and classes per school through the wave page's CSV checks, and the
//! answers through [`Importer`], the API's own check and writer. The answers come from
//! [`synth_tilted`]: the synthetic respondents of `trygg synth`, with the choices that count in a
//! few indicators made likelier or rarer from year to year ([`TRENDS`]). The same seed gives the
//! same answers; the passwords are random every time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::{Value, json};

use crate::accounts::{self, NewUser, Role};
use crate::collect::import::Importer;
use crate::collect::wave::NewWave;
use crate::collect::{Wave, population};
use crate::config::Settings;
use crate::store;
use crate::survey::{Choice, Question, Survey, SurveyCatalog, synth_tilted};

use super::DemoError;
use super::progress::Progress;
use super::{load_catalog, open_database};

/// The years of the demonstration, one wave of each questionnaire per year.
pub const YEARS: [i32; 4] = [2022, 2023, 2024, 2025];
/// The seed used without `--seed`.
pub const DEFAULT_SEED: u64 = 2022;

/// A designed trend: the weight of `codes` of each of `questions` is multiplied by `factors[i]` in
/// year `YEARS[i]`. The indicator named counts those codes, so it moves the way `direction` says.
pub struct Trend {
    pub survey: &'static str,
    pub indicator: &'static str,
    pub direction: &'static str,
    pub questions: &'static [&'static str],
    pub codes: &'static [&'static str],
    pub factors: [f64; 4],
}

/// The trends by design (README "Try it" lists them with the levels they give).
pub const TRENDS: &[Trend] = &[
    Trend {
        survey: "resident-safety",
        indicator: "unsafe_night",
        direction: "improving",
        questions: &["safe_night"],
        codes: &["3", "4"],
        factors: [1.5, 1.2, 0.95, 0.75],
    },
    Trend {
        survey: "resident-safety",
        indicator: "poor_lighting",
        direction: "improving",
        questions: &["prob_lighting"],
        codes: &["3", "4"],
        factors: [1.6, 1.2, 0.9, 0.7],
    },
    Trend {
        survey: "resident-safety",
        indicator: "victim_threat_violence",
        direction: "worsening",
        questions: &["vict_threat", "vict_violence"],
        codes: &["1"],
        factors: [0.8, 1.0, 1.25, 1.55],
    },
    Trend {
        survey: "resident-safety",
        indicator: "drug_dealing",
        direction: "worsening",
        questions: &["prob_drugs"],
        codes: &["3", "4"],
        factors: [0.75, 1.0, 1.3, 1.6],
    },
    Trend {
        survey: "staff-safety",
        indicator: "threatened",
        direction: "improving",
        questions: &["threat_person", "threat_phone", "threat_digital"],
        codes: &["1", "2"],
        factors: [1.5, 1.2, 0.95, 0.75],
    },
    Trend {
        survey: "staff-safety",
        indicator: "knows_routines",
        direction: "improving",
        questions: &["know_routines"],
        codes: &["1"],
        factors: [0.6, 0.85, 1.15, 1.5],
    },
    Trend {
        survey: "staff-safety",
        indicator: "considered_leaving",
        direction: "worsening",
        questions: &["considered_leaving"],
        codes: &["1", "2"],
        factors: [0.7, 1.0, 1.3, 1.7],
    },
    Trend {
        survey: "school-drug-habits",
        indicator: "alcohol_free_12m",
        direction: "improving",
        questions: &["alc_ever"],
        codes: &["0"],
        factors: [0.75, 0.95, 1.2, 1.5],
    },
    Trend {
        survey: "school-drug-habits",
        indicator: "vaping",
        direction: "worsening",
        questions: &["vaping"],
        codes: &["2", "3"],
        factors: [0.6, 0.85, 1.2, 1.65],
    },
];

/// The weight factor of a choice in year `YEARS[year]`.
fn factor(survey_id: &str, year: usize, q: &Question, c: &Choice) -> f64 {
    TRENDS
        .iter()
        .filter(|t| t.survey == survey_id && t.questions.contains(&q.id.as_str()))
        .filter(|t| t.codes.contains(&c.code.as_str()))
        .map(|t| t.factors[year])
        .product()
}

/// Residents answering per year; staff; the resident district that is small in one year.
const RESIDENTS: [usize; 4] = [1462, 1518, 1495, 1540];
const STAFF: [usize; 4] = [286, 302, 311, 297];
/// In 2023 only this many residents of Sjöviken answered: fewer than the survey's k = 5, so its
/// cells are suppressed.
const SMALL_DISTRICT: (&str, usize, usize) = ("sjoviken", 1, 3);

/// Residents 16–84 by age band (the municipality's population register, made up).
const AGE_BANDS: [(&str, i64); 7] = [
    ("16-24", 5_400),
    ("25-34", 6_900),
    ("35-44", 6_600),
    ("45-54", 6_800),
    ("55-64", 6_100),
    ("65-74", 5_500),
    ("75-84", 3_700),
];
/// Shares per gender code of the resident survey (`o`: other).
const GENDERS: [(&str, f64); 3] = [("f", 0.497), ("m", 0.497), ("o", 0.006)];

/// The schools: id, grade of the surveyed classes, classes sampled, classes in all (the fpc).
const SCHOOLS: [(&str, &str, usize, i32); 12] = [
    ("ekdalsskolan", "y9", 4, 8),
    ("norrbackaskolan", "y9", 4, 7),
    ("centrumskolan", "y9", 1, 4),
    ("stenhagsskolan", "y9", 4, 6),
    ("sjovikskolan", "y9", 3, 6),
    ("bjorkskolan", "y9", 4, 8),
    ("lindskolan", "y9", 1, 3),
    ("tallbackaskolan", "y9", 4, 6),
    ("stadsgymnasiet", "g2", 4, 10),
    ("naturbruksgymnasiet", "g2", 2, 5),
    ("teknikgymnasiet", "g2", 4, 7),
    ("vardgymnasiet", "g2", 4, 9),
];
/// The schools' names, as their list of schools gives them (id → name).
const SCHOOL_NAMES: [(&str, &str); 12] = [
    ("ekdalsskolan", "Ekdalsskolan"),
    ("norrbackaskolan", "Norrbackaskolan"),
    ("centrumskolan", "Centrumskolan"),
    ("stenhagsskolan", "Stenhagsskolan"),
    ("sjovikskolan", "Sjövikskolan"),
    ("bjorkskolan", "Björkskolan"),
    ("lindskolan", "Lindskolan"),
    ("tallbackaskolan", "Tallbackaskolan"),
    ("stadsgymnasiet", "Stadsgymnasiet"),
    ("naturbruksgymnasiet", "Naturbruksgymnasiet"),
    ("teknikgymnasiet", "Teknikgymnasiet"),
    ("vardgymnasiet", "Vårdgymnasiet"),
];
/// The answers a class's climate moves together (the codes that count against the pupils).
const CLASS_ITEMS: [(&str, &[&str]); 8] = [
    ("alc_ever", &["1"]),
    ("smoking", &["2", "3"]),
    ("snus", &["2", "3"]),
    ("vaping", &["2", "3"]),
    ("cannabis", &["1", "2", "3", "4"]),
    ("safe_school", &["3", "4"]),
    ("threatened", &["1", "2"]),
    ("bullied", &["2", "3"]),
];

/// A class's climate: a factor around 1, log-normal with σ = 0.4 (about 0.45–2.2 for 95 % of
/// classes).
fn class_climate(rng: &mut StdRng) -> f64 {
    // Box–Muller: a standard normal from two uniforms.
    let (u, v): (f64, f64) = (rng.random(), rng.random());
    let z = (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos();
    (0.4 * z).exp()
}

const Y9_CLASSES: [&str; 4] = ["9A", "9B", "9C", "9D"];
const G2_CLASSES: [&str; 4] = ["NA2", "SA2", "TE2", "EK2"];

/// The staff logins the demo creates.
const LOGINS: [(&str, Role, Option<&str>); 3] = [
    ("admin@demo.trygg.example", Role::Admin, None),
    ("analytiker@demo.trygg.example", Role::Evaluator, None),
    (
        "skola@demo.trygg.example",
        Role::School,
        Some("ekdalsskolan"),
    ),
];

/// One wave the demo made.
pub struct DemoWave {
    pub slug: String,
    pub survey: String,
    pub access: &'static str,
    pub period: i32,
    pub responses: u64,
    pub note: String,
}

/// A login the demo made, with its password in clear (shown once).
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub school: Option<String>,
    pub password: String,
}

/// The steps of [`fill`] as its progress counts them: a wave per questionnaire and year, the
/// comparisons, the plan, the sources and the logins.
pub const FILL_STEPS: u64 = YEARS.len() as u64 * 3 + 4;

/// Fills the database; refuses when it has a wave or one of the demo's accounts already.
/// Each of its [`FILL_STEPS`] steps is announced to `progress`.
pub async fn fill(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreements: &crate::agreement::AgreementCatalog,
    seed: u64,
    progress: &Progress,
) -> Result<(Vec<DemoWave>, Vec<DemoLogin>), DemoError> {
    let existing = store::waves::list(db).await?;
    if !existing.is_empty() {
        return Err(DemoError::NotEmpty(existing.len()));
    }
    for (email, _, _) in LOGINS {
        if store::users::find_by_email(db, email).await?.is_some() {
            return Err(DemoError::UserExists(email.to_owned()));
        }
    }
    for id in ["resident-safety", "staff-safety", "school-drug-habits"] {
        if catalog.get(id).is_none() {
            return Err(DemoError::MissingSurvey(id));
        }
    }
    let mut waves = Vec::new();
    for (i, &year) in YEARS.iter().enumerate() {
        progress.step(format!("residents' wave {year}"));
        waves.push(residents(db, catalog, seed, i, year).await?);
        progress.step(format!("staff wave {year}"));
        waves.push(staff(db, catalog, seed, i, year).await?);
        progress.step(format!("pupils' wave {year}"));
        waves.push(pupils(db, catalog, seed, i, year).await?);
    }
    progress.step("comparison values");
    comparisons(db).await?;
    progress.step("the agreement's plan");
    super::demo_plan::fill(db, catalog, agreements).await?;
    progress.step("lägesbild sources");
    super::demo_sources::fill(db, catalog).await?;
    progress.step("staff logins");
    let mut logins = Vec::new();
    for (email, role, school) in LOGINS {
        logins.push(add_login(db, email, role, school).await?);
    }
    Ok((waves, logins))
}

/// Comparison values of the demonstration, one line per indicator over [`YEARS`]: made up, and
/// labelled and sourced so, chosen so that the dashboard shows each judgement once — the
/// municipality better (unsafe_night), similar (trust_police) and worse (vaping). School values
/// are per grade (`grade=y9`, `grade=g2`), as CAN publishes them; the others are for everyone.
pub const COMPARISONS: &[(&str, &str, &str, &str, [f64; 4])] = &[
    (
        "resident-safety",
        "unsafe_night",
        "Riket (demo)",
        "",
        [0.29, 0.28, 0.27, 0.26],
    ),
    (
        "resident-safety",
        "trust_police",
        "Riket (demo)",
        "",
        [0.68, 0.70, 0.69, 0.70],
    ),
    (
        "school-drug-habits",
        "vaping",
        "Riket, CAN (demo)",
        "grade=y9",
        [0.14, 0.15, 0.16, 0.17],
    ),
    (
        "school-drug-habits",
        "vaping",
        "Riket, CAN (demo)",
        "grade=g2",
        [0.19, 0.20, 0.21, 0.22],
    ),
];

async fn comparisons(db: &DatabaseConnection) -> Result<(), DbErr> {
    for (survey, indicator, label, domain, values) in COMPARISONS {
        for (year, value) in YEARS.iter().zip(values) {
            let new = store::comparisons::NewComparison {
                survey_id: (*survey).to_owned(),
                indicator_id: (*indicator).to_owned(),
                label: (*label).to_owned(),
                domain: (*domain).to_owned(),
                period: *year,
                value: *value,
                source: "Påhittat värde för demonstrationen, inte en officiell siffra".to_owned(),
            };
            store::comparisons::put(db, &new, "trygg demo").await?;
        }
    }
    Ok(())
}

/// A seed of its own for each questionnaire and year.
fn seed_for(seed: u64, survey: &str, year: i32) -> u64 {
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    for b in survey.bytes().chain(year.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The lease a demo wave is held under while it is filled.
const HOLD: &str = "trygg demo";

/// Creates a demo wave as `trygg wave create` would; the wave and its questionnaire.
async fn create_wave(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    survey: &'static str,
    slug: String,
    access: &str,
    (opens, closes): (String, String),
    year: i32,
) -> Result<(Wave, Arc<Survey>), DemoError> {
    let parsed = NewWave::parse(catalog, survey, &slug, access, Some(&opens), Some(&closes));
    let new = NewWave::with_period(parsed, Some(&year.to_string())).map_err(|problems| {
        let text: Vec<String> = problems
            .iter()
            .map(|(f, m)| format!("--{f}: {m}"))
            .collect();
        DemoError::Refused(format!("wave {slug}: {}", text.join("; ")))
    })?;
    let wave = store::waves::create(db, &new, "demo")
        .await
        .map_err(|e| DemoError::failed(format!("wave {slug}"), e))?;
    // The wave is closed from the start (its dates are past): a server running on the same
    // database would publish it half made (before its answers, or before its classes). Held
    // until it is whole, then published once by `demo`.
    let now = crate::util::now();
    let until = now + crate::evaluate::refresh::LEASE_SECONDS;
    store::indicators::claim(db, &wave.id, HOLD, now, until, false).await?;
    let questionnaire = catalog
        .version(survey, wave.survey_version)
        .ok_or(DemoError::MissingSurvey(survey))?;
    Ok((wave, questionnaire))
}

/// Checks and stores the bodies of one wave with the import's path; every check applies.
async fn import(
    db: &DatabaseConnection,
    wave: Wave,
    survey: Arc<Survey>,
    bodies: Vec<Value>,
) -> Result<u64, DemoError> {
    let slug = wave.slug.clone();
    let mut importer = Importer::begin(db, wave, survey, "demo").await?;
    for (i, body) in bodies.into_iter().enumerate() {
        importer.add(i as u64 + 1, body).await?;
    }
    let report = importer.finish().await?;
    if report.problems.is_empty() {
        Ok(report.stored)
    } else {
        let mut lines: Vec<String> = report.problems.iter().take(5).cloned().collect();
        lines.insert(
            0,
            format!("wave {slug}: the generated answers were refused:"),
        );
        Err(DemoError::Refused(lines.join("\n")))
    }
}

async fn residents(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    seed: u64,
    i: usize,
    year: i32,
) -> Result<DemoWave, DemoError> {
    const ID: &str = "resident-safety";
    let slug = format!("trygghet-{year}");
    let (wave, survey) = create_wave(
        db,
        catalog,
        ID,
        slug.clone(),
        "open",
        (format!("{year}-03-01"), format!("{year}-03-31")),
        year,
    )
    .await?;

    // Population totals per age band and gender: the register, a little older each year.
    let mut csv = String::from("age_band,gender,total\n");
    let cells: Vec<(&str, &str)> = (AGE_BANDS.iter())
        .flat_map(|(age, _)| GENDERS.iter().map(move |(gender, _)| (*age, *gender)))
        .collect();
    for (a, (age, people)) in AGE_BANDS.iter().enumerate() {
        let drift = 1.0 + 0.01 * (i as f64) * (a as f64 - 3.0) / 3.0;
        for (gender, share) in GENDERS {
            let total = (*people as f64 * drift * share).round() as i64;
            let _ = writeln!(csv, "{age},{gender},{}", total.max(1));
        }
    }
    let totals = population::parse_totals(&survey, &csv).map_err(|p| {
        DemoError::Refused(format!(
            "wave {slug}: population: {:?}",
            p.first().map(|t| &t.en)
        ))
    })?;
    store::population::replace_totals(db, &wave.id, &totals, "demo").await?;

    let n = RESIDENTS[i];
    let mut bodies: Vec<Value> = synth_tilted(&survey, n, seed_for(seed, ID, year), |q, c| {
        let small = i == SMALL_DISTRICT.1 && q.id == "district" && c.code == SMALL_DISTRICT.0;
        if small { 0.0 } else { factor(ID, i, q, c) }
    })
    .collect();
    // Every population cell has respondents (else post-stratification has nobody to weight up):
    // the first respondents are placed one in each cell. Nothing in the form depends on these
    // answers, so the bodies stay valid (and are checked again on import).
    for (body, (age, gender)) in bodies.iter_mut().zip(&cells) {
        body["answers"]["age_band"] = json!(age);
        body["answers"]["gender"] = json!(gender);
    }
    let mut note = format!("population {} cells", totals.len());
    if i == SMALL_DISTRICT.1 {
        for body in bodies.iter_mut().skip(cells.len()).take(SMALL_DISTRICT.2) {
            body["answers"]["district"] = json!(SMALL_DISTRICT.0);
        }
        note.push_str(&format!(
            "; only {} respondents in district {} (below k = {})",
            SMALL_DISTRICT.2, SMALL_DISTRICT.0, survey.min_cell_size
        ));
    }
    let responses = import(db, wave, survey.clone(), bodies).await?;
    Ok(DemoWave {
        slug,
        survey: ID.into(),
        access: "open",
        period: year,
        responses,
        note,
    })
}

async fn staff(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    seed: u64,
    i: usize,
    year: i32,
) -> Result<DemoWave, DemoError> {
    const ID: &str = "staff-safety";
    let slug = format!("personal-{year}");
    let (wave, survey) = create_wave(
        db,
        catalog,
        ID,
        slug.clone(),
        "invite",
        (format!("{year}-10-01"), format!("{year}-10-31")),
        year,
    )
    .await?;
    let bodies: Vec<Value> = synth_tilted(&survey, STAFF[i], seed_for(seed, ID, year), |q, c| {
        factor(ID, i, q, c)
    })
    .collect();
    let responses = import(db, wave, survey.clone(), bodies).await?;
    Ok(DemoWave {
        slug,
        survey: ID.into(),
        access: "invite",
        period: year,
        responses,
        note: "invitations by e-mail (none kept)".into(),
    })
}

async fn pupils(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    seed: u64,
    i: usize,
    year: i32,
) -> Result<DemoWave, DemoError> {
    const ID: &str = "school-drug-habits";
    let slug = format!("drogvanor-{year}");
    let (wave, survey) = create_wave(
        db,
        catalog,
        ID,
        slug.clone(),
        "class",
        (format!("{year}-02-01"), format!("{year}-03-15")),
        year,
    )
    .await?;
    let mut csv = String::from("school,classes,name\n");
    for (school, _, _, classes) in SCHOOLS {
        let name = SCHOOL_NAMES
            .iter()
            .find(|(id, _)| *id == school)
            .map_or("", |(_, name)| name);
        let _ = writeln!(csv, "{school},{classes},{name}");
    }
    let schools = population::parse_schools(&csv).map_err(|p| {
        DemoError::Refused(format!(
            "wave {slug}: schools: {:?}",
            p.first().map(|t| &t.en)
        ))
    })?;
    store::population::replace_schools(db, &wave.id, &schools, "demo").await?;

    // Class by class: a size from the seed, and a class climate that makes the risky answers of
    // its pupils likelier or rarer together (so that classes are clusters worth the name, with
    // design effects above 1); pupils from the tilted synthetic stream, placed in their class.
    let wave_seed = seed_for(seed, ID, year);
    let mut rng = StdRng::seed_from_u64(wave_seed ^ 0x0C1A_55E5);
    let mut bodies: Vec<Value> = Vec::new();
    let mut per_school: BTreeMap<&str, usize> = BTreeMap::new();
    for (school, grade, sampled, _) in SCHOOLS {
        let labels = if grade == "y9" {
            Y9_CLASSES
        } else {
            G2_CLASSES
        };
        for label in labels.iter().take(sampled) {
            let size: usize = rng.random_range(24..=32);
            let climate = class_climate(&mut rng);
            let pupils = synth_tilted(&survey, size, rng.random(), |q, c| {
                let risky = CLASS_ITEMS
                    .iter()
                    .any(|(item, codes)| q.id == *item && codes.contains(&c.code.as_str()));
                factor(ID, i, q, c) * if risky { climate } else { 1.0 }
            });
            for mut body in pupils {
                body["answers"]["grade"] = json!(grade);
                body["school"] = json!(school);
                body["class"] = json!(label);
                bodies.push(body);
                *per_school.entry(school).or_insert(0) += 1;
            }
        }
    }
    let classes: usize = SCHOOLS.iter().map(|s| s.2).sum();
    let single = SCHOOLS.iter().filter(|s| s.2 == 1).count();
    let responses = import(db, wave, survey.clone(), bodies).await?;
    Ok(DemoWave {
        slug,
        survey: ID.into(),
        access: "class",
        period: year,
        responses,
        note: format!(
            "{} schools, {classes} classes sampled ({single} schools with one)",
            per_school.len()
        ),
    })
}

/// A random password of 4 groups of 5 characters from 54 that cannot be mistaken for one
/// another (about 115 bits), checked as the account form checks one.
fn new_password(email: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    loop {
        let groups: Vec<String> = (0..4)
            .map(|_| {
                (0..5)
                    .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                    .collect()
            })
            .collect();
        let password = groups.join("-");
        if accounts::check_password(&password, email).is_ok() {
            return password;
        }
    }
}

async fn add_login(
    db: &DatabaseConnection,
    email: &str,
    role: Role,
    school: Option<&str>,
) -> Result<DemoLogin, DemoError> {
    let new = NewUser::parse(email, role, school).map_err(|e| DemoError::Other(Box::new(e)))?;
    let password = new_password(email);
    let hash = accounts::hash_password(&password)
        .map_err(|e| DemoError::Refused(format!("cannot hash a password: {e}")))?;
    store::users::add(db, &new, hash, "demo")
        .await
        .map_err(|e| DemoError::Other(Box::new(e)))?;
    Ok(DemoLogin {
        role,
        email: email.to_owned(),
        school: school.map(str::to_owned),
        password,
    })
}

/// `trygg demo [--seed S]`.
pub async fn demo(settings: &Settings, seed: Option<u64>) -> super::Result {
    let catalog = load_catalog(settings)?;
    let agreements = super::load_agreements(settings, &catalog)?;
    let db = open_database(settings).await?;
    let seed = seed.unwrap_or(DEFAULT_SEED);
    let started = std::time::Instant::now();
    // Filling, then the indicators of each of its waves.
    let waves_made = YEARS.len() as u64 * 3;
    let progress = Progress::steps("demo", FILL_STEPS + waves_made);
    let (waves, logins) = fill(&db, &catalog, &agreements, seed, &progress)
        .await
        .map_err(|e| super::with_message(e, |e| format!("trygg demo: {e}")))?;
    // The waves' indicators, so that the evaluators' API and pages have numbers at once.
    match crate::store::waves::list(&db).await {
        Ok(all) => {
            progress.set_total(FILL_STEPS + all.len() as u64);
            for wave in all {
                progress.step(format!("indicators of {}", wave.slug));
                let released = store::indicators::release(&db, &wave.id, HOLD).await;
                if let Err(e) = released {
                    progress.suspend(|| eprintln!("trygg demo: {}: {e}", wave.slug));
                }
                if let Err(e) = crate::evaluate::refresh::recompute(&db, &catalog, &wave).await {
                    progress.suspend(|| eprintln!("trygg demo: indicators of {}: {e}", wave.slug));
                }
            }
        }
        Err(e) => progress.suspend(|| eprintln!("trygg demo: indicators not computed: {e}")),
    }
    progress.finish();
    // Written at once, and a closed stdout is an error, not a panic: the logins exist now and
    // are never shown again.
    let report = report(seed, started.elapsed().as_secs_f64(), &waves, &logins);
    super::write_stdout(report.as_bytes()).map_err(|e| anyhow::anyhow!(
            "trygg demo: the waves and logins were created, but the logins could not be shown ({e}); start again with an empty database"
        ))
}

/// What `trygg demo` prints: the waves, the trends by design and the logins.
fn report(seed: u64, seconds: f64, waves: &[DemoWave], logins: &[DemoLogin]) -> String {
    let mut out = String::new();
    let total: u64 = waves.iter().map(|w| w.responses).sum();
    let _ = writeln!(
        out,
        "trygg demo (seed {seed}): {} closed waves {}–{}, {total} responses, in {seconds:.1} s",
        waves.len(),
        YEARS[0],
        YEARS[YEARS.len() - 1],
    );
    for w in waves {
        let _ = writeln!(
            out,
            "  {:<16} {:<19} {:<6} {}  {:>5} responses  {}",
            w.slug, w.survey, w.access, w.period, w.responses, w.note
        );
    }
    let _ = writeln!(out, "Trends by design (see README, \"Try it\"):");
    for t in TRENDS {
        let _ = writeln!(
            out,
            "  {:<19} {:<23} {}",
            t.survey, t.indicator, t.direction
        );
    }
    let _ = writeln!(out, "{}", super::demo_plan::SUMMARY);
    let _ = writeln!(out, "{}", super::demo_sources::SUMMARY);
    let _ = writeln!(
        out,
        "\nStaff logins. The passwords are shown this once: keep them in a password manager."
    );
    for login in logins {
        let school = login
            .school
            .as_deref()
            .map(|s| format!(" (school {s})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<9} {}  password: {}{school}",
            login.role.as_str(),
            login.email,
            login.password
        );
    }
    let _ = writeln!(
        out,
        "Sign in at /login once `trygg serve` runs on this database."
    );
    out
}
