//! How the `tokens` commands write JSON.

pub(super) use crate::output::json_doc as json;
