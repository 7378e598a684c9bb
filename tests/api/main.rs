//! Integration tests: the real application over real HTTP, on SQLite and (when
//! `TEST_DATABASE_URL` is set) on PostgreSQL, each test in a fresh database.

mod helpers;

mod auth;
mod cli;
mod durability;
mod pages;
mod responses;
mod routes;
mod server;
mod stats;
mod survey_versions;
mod two_nodes;
