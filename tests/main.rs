//! The one integration test binary: the real app against real databases. Every scenario runs
//! on SQLite and, when ROUNDTABLE_TEST_POSTGRES_URL names a PostgreSQL server, on PostgreSQL too.

mod architecture;
mod authorization;
mod browser;
mod common;
mod complaints;
mod data_care;
mod evaluations;
mod foundation;
mod mail;
mod meetings;
mod membership;
mod pages;
mod statements;
