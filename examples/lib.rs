//! The workspace README, compiled and run as a doctest so that its Rust examples stay
//! true. The examples themselves are the `[[example]]` targets of this package.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
