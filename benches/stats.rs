//! Speed of `trygg stats` on a synthetic national school survey (see README, "Speed").
//! `cargo bench --bench stats` runs it on 100,000 pupils; the documented 1,000,000-pupil figure
//! comes from the command in README.

use criterion::{Criterion, criterion_group, criterion_main};
use trygg::stats::Request;
use trygg::stats::data::Dataset;
use trygg::stats::estimate::{columns_used, run};
use trygg::stats::synthetic::{national_request, write_school_sample};

fn national(c: &mut Criterion) {
    let mut csv = Vec::new();
    write_school_sample(&mut csv, 100_000, 1).expect("synthetic data");
    let request: Request = serde_json::from_value(national_request()).expect("request");
    let (numeric, categorical) = columns_used(&request);

    let mut group = c.benchmark_group("national_100k_pupils");
    group.sample_size(10);
    group.bench_function("read_and_estimate_212_rows", |b| {
        b.iter(|| {
            let data = Dataset::from_csv_columns(csv.clone(), &numeric, &categorical).expect("csv");
            run(&data, &request).expect("estimates")
        })
    });
    let data = Dataset::from_csv_columns(csv.clone(), &numeric, &categorical).expect("csv");
    group.bench_function("estimate_only_212_rows", |b| {
        b.iter(|| run(&data, &request).expect("estimates"))
    });
    group.bench_function("read_csv_only", |b| {
        b.iter(|| Dataset::from_csv_columns(csv.clone(), &numeric, &categorical).expect("csv"))
    });
    group.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
