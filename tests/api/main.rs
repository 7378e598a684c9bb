//! Integration tests: the real application over real HTTP, on SQLite and (when
//! `TEST_DATABASE_URL` is set) on PostgreSQL, each test in a fresh database; pages also in headless
//! Chromium (`browser`), with axe-core accessibility checks (`axe`).

mod axe;
mod browser;
mod helpers;

mod accessibility;
mod anonymity;
mod api_tokens;
mod at_rest;
mod auth;
mod chart_downloads;
mod class_sessions;
mod cli;
mod cli_demo;
mod cli_import;
mod cli_waves;
mod csv_safety;
mod dashboard;
mod durability;
mod final_follow_up;
mod form;
mod guessing;
mod indicator_page;
mod indicators;
mod inputs;
mod invitations;
mod journeys_browser;
mod lagesbild;
mod login_devices;
mod mail;
mod openapi;
mod pages;
mod pdf_printer;
mod plan;
mod plan_browser;
mod population_labels;
mod public_page;
mod publication;
mod pupil_browser;
mod report;
mod respondent_browser;
mod responses;
mod routes;
mod scb_population;
mod school_pages;
mod server;
mod slips_print;
mod sources;
mod staff_admin;
mod staff_truth;
mod staff_waves;
mod stats;
mod structure;
mod survey_versions;
mod two_nodes;
