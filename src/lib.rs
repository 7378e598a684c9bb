//! trygg: anonymous safety and drug-habit surveys for local crime prevention, with design-based
//! statistics. The binary (`main.rs`) only parses the command line and calls into this library, so
//! tests build exactly the application that runs.

pub mod accounts;
pub mod agreement;
pub mod cli;
pub mod collect;
pub mod config;
pub mod db;
pub mod entities;
pub mod evaluate;
pub mod i18n;
pub mod local_time;
pub mod mail;
pub mod pdf;
pub mod plan;
pub mod problems;
pub mod safe_csv;
pub mod sources;
pub mod startup;
pub mod stats;
pub mod store;
pub mod survey;
pub mod util;
pub mod web;
