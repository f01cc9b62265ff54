//! Data care: backups that restore, on and across both backends.

mod backup;
mod care;
mod erasure;
mod personal;
mod process;
