//! The workspace README, the embedding guide and each crate's README, compiled and run
//! as doctests so that their Rust examples stay true. The examples themselves are the `[[example]]` targets
//! of this package.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc = include_str!("../docs/embedding.md")]
#[cfg(doctest)]
pub struct EmbeddingDoctests;

#[doc = include_str!("../crates/permission/README.md")]
#[cfg(doctest)]
pub struct PermissionReadmeDoctests;

#[doc = include_str!("../crates/token/README.md")]
#[cfg(doctest)]
pub struct TokenReadmeDoctests;

#[doc = include_str!("../crates/tokenfile/README.md")]
#[cfg(doctest)]
pub struct TokenfileReadmeDoctests;

#[doc = include_str!("../crates/provision/README.md")]
#[cfg(doctest)]
pub struct ProvisionReadmeDoctests;

#[doc = include_str!("../crates/client/README.md")]
#[cfg(doctest)]
pub struct ClientReadmeDoctests;
