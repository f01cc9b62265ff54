//! The rotating secretariat: the plan of terms, overrides, and who holds it today. Power
//! follows the rotation: the people of the holding organisations have the secretariat role
//! while their term runs, and lose it when it ends.

pub mod api;
pub mod lists;
pub mod model;
pub mod notices;
pub mod rules;
pub mod store;
pub mod web;
