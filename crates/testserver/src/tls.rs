//! The TLS of a test server: a CA and a certificate for `127.0.0.1` and `localhost`,
//! made at start, and the CA written to a file for `--tls-ca`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::StartError;

/// The CA, the server's certificate, and the CA written to a file.
pub(crate) struct Tls {
    pub(crate) config: Arc<rustls::ServerConfig>,
    pub(crate) ca_pem: String,
    pub(crate) ca_path: PathBuf,
}

impl Tls {
    pub(crate) fn make(addr: SocketAddr) -> Result<Tls, StartError> {
        let err = StartError::Certificates;
        let ca_key = rcgen::KeyPair::generate().map_err(err)?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "influxdb3-testserver CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).map_err(err)?;
        let key = rcgen::KeyPair::generate().map_err(err)?;
        let mut params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .map_err(err)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "influxdb3-testserver");
        let cert = params.signed_by(&key, &ca).map_err(err)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(StartError::Tls)?
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), CertificateDer::from(ca.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .map_err(StartError::Tls)?;
        let dir = std::env::temp_dir().join(format!(
            "influxdb3-testserver-{}-{}",
            std::process::id(),
            addr.port()
        ));
        std::fs::create_dir_all(&dir)?;
        let ca_path = dir.join("ca.pem");
        let ca_pem = ca.pem();
        std::fs::write(&ca_path, &ca_pem)?;
        Ok(Tls {
            config: Arc::new(config),
            ca_pem,
            ca_path,
        })
    }
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("ca_path", &self.ca_path)
            .finish_non_exhaustive()
    }
}
