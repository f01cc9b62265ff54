//! Membership: organisations (not individuals) with their people and roles, the admission
//! procedure, fees, the memorandum of understanding, and working groups.

pub mod admission;
pub mod api;
pub mod demo;
pub mod directory;
pub mod fees;
pub mod groups;
pub mod import;
pub mod input;
pub mod lists;
pub mod model;
pub mod mou;
pub mod notices;
pub mod organisations;
pub mod people;
pub mod rules;
pub mod tasks;
pub mod web;
