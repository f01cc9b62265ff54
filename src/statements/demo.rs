//! Demo statements (filled in below).
