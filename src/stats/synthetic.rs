//! A synthetic national-scale school survey for benchmarks: about a million pupils in 7,000
//! schools (strata) and 40,000 sampled classes (clusters) with finite population corrections, 21
//! regions, two grades, and answers that cluster by school and class as real ones do.

use std::io::Write;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const REGIONS: usize = 21;
/// The binary (0/1) answer columns, in order.
pub const BINARY: [&str; 8] = [
    "alcohol_12m",
    "binge",
    "smoking",
    "snus",
    "vaping",
    "cannabis",
    "offered",
    "gambling",
];
/// Base prevalences of the binary answers.
const PREVALENCE: [f64; 8] = [0.45, 0.2, 0.08, 0.1, 0.15, 0.06, 0.2, 0.12];

/// Writes the CSV for about `pupils` pupils; the same seed gives the same file.
pub fn write_school_sample(
    out: &mut impl Write,
    pupils: usize,
    seed: u64,
) -> std::io::Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    // 7,000 schools and 40,000 classes at a million pupils, scaled for other sizes.
    let schools = (pupils * 7 / 1000).max(2);
    let class_size_mean = 25.0;
    let classes_target = (pupils as f64 / class_size_mean).max(4.0);
    let classes_per_school = classes_target / schools as f64;
    write!(out, "school,class,region,grade,sex,fpc,w")?;
    for name in BINARY {
        write!(out, ",{name}")?;
    }
    writeln!(out, ",wellbeing")?;
    let mut rows = 0;
    let mut line = String::with_capacity(128);
    for school in 0..schools {
        let region = school % REGIONS;
        let sampled = ((classes_per_school * rng.random_range(0.6..1.4)).round() as usize).max(2);
        let population = sampled + rng.random_range(0..=6);
        let weight = population as f64 / sampled as f64;
        let school_effect: f64 = rng.random_range(-0.8..0.8);
        for class in 0..sampled {
            let grade = if class % 2 == 0 { "y9" } else { "gy2" };
            let class_effect: f64 = school_effect + rng.random_range(-0.5..0.5);
            let size = rng.random_range(18..=32);
            for _ in 0..size {
                line.clear();
                let sex = if rng.random_bool(0.5) { "f" } else { "m" };
                use std::fmt::Write as _;
                let _ = write!(
                    line,
                    "S{school:04},S{school:04}-K{class:02},R{:02},{grade},{sex},{population},{weight:.6}",
                    region + 1
                );
                for p in PREVALENCE {
                    let odds = (p / (1.0 - p)).ln()
                        + class_effect
                        + if grade == "gy2" { 0.4 } else { 0.0 };
                    let prob = 1.0 / (1.0 + (-odds).exp());
                    if rng.random_bool(0.01) {
                        line.push(',');
                    } else {
                        line.push_str(if rng.random_bool(prob) { ",1" } else { ",0" });
                    }
                }
                let wellbeing =
                    (7.0 - class_effect + rng.random_range(-3.0..3.0f64)).clamp(0.0, 10.0);
                let _ = write!(line, ",{wellbeing:.1}");
                writeln!(out, "{line}")?;
                rows += 1;
            }
        }
    }
    Ok(rows)
}

/// The benchmark request: 8 proportions overall, by grade × sex and by region, and a mean by
/// grade × sex (25 estimates, 212 rows).
pub fn national_request() -> serde_json::Value {
    let mut estimates = Vec::new();
    for name in BINARY {
        for (suffix, by) in [
            ("", vec![]),
            ("_by_grade_sex", vec!["grade", "sex"]),
            ("_by_region", vec!["region"]),
        ] {
            estimates.push(serde_json::json!({
                "id": format!("{name}{suffix}"), "statistic": "proportion", "variable": name,
                "by": by, "ci": "logit"
            }));
        }
    }
    estimates.push(serde_json::json!({
        "id": "wellbeing_by_grade_sex", "statistic": "mean", "variable": "wellbeing", "by": ["grade", "sex"]
    }));
    serde_json::json!({
        "design": {"weights": "w", "strata": "school", "clusters": "class", "fpc": "fpc"},
        "confidence_level": 0.95,
        "estimates": estimates
    })
}
