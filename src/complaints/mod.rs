//! The complaints procedure: grievances between members aired and handled by a panel
//! without conflicts of interest, through stages with time limits (ISO 10002), seen only
//! by those who need to (`auth::visibility::complaint_sight`).

pub mod api;
pub mod demo;
pub mod model;
pub mod notices;
pub mod panel;
pub mod retention;
pub mod rules;
pub mod stats;
pub mod steps;
pub mod store;
pub mod tasks;
pub mod thread;
pub mod web;
