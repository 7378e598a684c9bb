//! Integration tests: the real application over real HTTP, on SQLite and (when
//! `TEST_DATABASE_URL` is set) on PostgreSQL, each test in a fresh database.

mod helpers;

mod auth;
mod class_sessions;
mod cli;
mod pages;
mod responses;
mod routes;
mod staff_waves;
mod stats;
mod survey_versions;
