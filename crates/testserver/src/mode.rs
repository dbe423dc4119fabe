//! Which server the test server is: Enterprise, Core, or one without authentication.

/// Which server to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// InfluxDB 3 Enterprise with authentication: every endpoint.
    #[default]
    Enterprise,
    /// InfluxDB 3 Core: no permission tokens (`404` on the Enterprise endpoint).
    Core,
    /// A server started without authentication: token endpoints answer `405`.
    WithoutAuth,
}
