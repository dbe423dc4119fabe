//! The workspace README and the embedding guide, compiled and run as doctests so that
//! their Rust examples stay true. The examples themselves are the `[[example]]` targets
//! of this package.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc = include_str!("../docs/embedding.md")]
#[cfg(doctest)]
pub struct EmbeddingDoctests;
