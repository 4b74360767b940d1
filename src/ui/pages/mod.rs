//! One module per page.

pub mod contextual;
pub mod diagnostics;
pub mod home;
pub mod masking;
pub mod offline;
pub mod pair;
