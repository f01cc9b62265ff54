//! Periodic evaluations: cycles over a period with their evaluators (people of members or
//! external), indicators drawn from the coalition's own records and compared with the
//! previous period, and the evaluators' report from draft to adoption, which freezes the
//! indicators as they were.

pub mod answering;
pub mod api;
pub mod demo;
pub mod figures;
pub mod followups;
pub mod indicators;
pub mod model;
pub mod notices;
pub mod questionnaire;
pub mod records;
pub mod results;
pub mod rules;
pub mod series;
pub mod store;
pub mod tasks;
pub mod web;
