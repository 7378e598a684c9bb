//! Database migrations of trygg, one file per step, each valid on SQLite and PostgreSQL.
//! `trygg serve` runs them at start (`Migrator::up(&db, None)`).

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_collect;
mod m20261201_000001_trust;
mod m20261201_000002_wave_period;
mod m20261201_000003_api_tokens;
mod m20261201_000004_indicator_results;
mod m20261201_000005_action_plan;
mod m20261201_000006_comparisons;
mod m20261201_000007_reports;
mod m20261201_000008_staff;
mod m20261201_000009_codes_again;
mod m20261206_000001_publications;
mod m20261206_000002_login_devices;
mod m20261207_000001_comparison_domains;
mod m20261207_000002_intervention_public_text;
mod m20261210_000001_school_names;
mod m20261211_000001_agreement_follow_up;
mod m20261212_000001_sources;
mod m20261213_000001_lagesbild_analysis;
mod m20261214_000001_response_key;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_collect::Migration),
            Box::new(m20261201_000001_trust::Migration),
            Box::new(m20261201_000002_wave_period::Migration),
            Box::new(m20261201_000003_api_tokens::Migration),
            Box::new(m20261201_000004_indicator_results::Migration),
            Box::new(m20261201_000005_action_plan::Migration),
            Box::new(m20261201_000006_comparisons::Migration),
            Box::new(m20261201_000007_reports::Migration),
            Box::new(m20261201_000008_staff::Migration),
            Box::new(m20261201_000009_codes_again::Migration),
            Box::new(m20261206_000001_publications::Migration),
            Box::new(m20261206_000002_login_devices::Migration),
            Box::new(m20261207_000001_comparison_domains::Migration),
            Box::new(m20261207_000002_intervention_public_text::Migration),
            Box::new(m20261210_000001_school_names::Migration),
            Box::new(m20261211_000001_agreement_follow_up::Migration),
            Box::new(m20261212_000001_sources::Migration),
            Box::new(m20261213_000001_lagesbild_analysis::Migration),
            Box::new(m20261214_000001_response_key::Migration),
        ]
    }
}
