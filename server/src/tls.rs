//! HTTPS by itself: the certificate and key from PEM files, served with rustls, reloaded on SIGHUP (after a
//! certbot renewal, say) without dropping a connection, and HSTS on every response.

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::STRICT_TRANSPORT_SECURITY;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// One year, without `includeSubDomains`: the clinic's server often shares its domain with other hosts (a
/// website, a printer's page) that may have no HTTPS, and HSTS on them would lock browsers out.
pub const HSTS: &str = "max-age=31536000";

/// Why a certificate or key could not be used. Every message names the file; none shows its content.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it", path.display())]
    NoCertificate { path: PathBuf },
    #[error("{}: not a readable PEM certificate", path.display())]
    BadCertificate { path: PathBuf },
    #[error("{}: no PEM private key (PKCS#8, PKCS#1 or SEC1) in it", path.display())]
    NoKey { path: PathBuf },
    #[error("{} and {} do not make a usable pair: {source}", cert.display(), key.display())]
    Unusable { cert: PathBuf, key: PathBuf, source: rustls::Error },
}

/// Where the certificate (with its chain, e.g. certbot's `fullchain.pem`) and its private key are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// A server configuration from the files as they are now.
    pub fn load(&self) -> Result<ServerConfig, TlsError> {
        let certs = read_certificates(&self.cert)?;
        let key = read_key(&self.key)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
            .map_err(|source| TlsError::Unusable { cert: self.cert.clone(), key: self.key.clone(), source })?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(&read(path)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| TlsError::BadCertificate { path: path.to_owned() })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate { path: path.to_owned() });
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(&read(path)?).map_err(|_| TlsError::NoKey { path: path.to_owned() })
}

/// The certificate being served, swapped in place on reload: each handshake takes the one current then, and a
/// connection keeps the one it was made with.
#[derive(Debug, Clone)]
pub struct Certificate {
    files: TlsFiles,
    current: RustlsConfig,
}

impl Certificate {
    pub fn load(files: TlsFiles) -> Result<Self, TlsError> {
        let current = RustlsConfig::from_config(Arc::new(files.load()?));
        Ok(Self { files, current })
    }

    /// Reads the files again. A bad new pair leaves the current one served.
    pub fn reload(&self) -> Result<(), TlsError> {
        let config = self.files.load()?;
        self.current.reload_from_config(Arc::new(config));
        Ok(())
    }

    /// Reloads on every SIGHUP for as long as the server runs. The handler is in place when this returns, so a
    /// SIGHUP sent once the server says it listens never takes the default action (ending the process).
    #[cfg(unix)]
    pub fn reload_on_sighup(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = signal(SignalKind::hangup())?;
        let certificate = self.clone();
        tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                match certificate.reload() {
                    Ok(()) => tracing::info!(cert = %certificate.files.cert.display(), "TLS certificate reloaded"),
                    Err(e) => tracing::error!(error = %e, "TLS certificate not reloaded: keeping the current one"),
                }
            }
        });
        Ok(())
    }

    /// Windows has no SIGHUP: a restart reads the files there.
    #[cfg(not(unix))]
    pub fn reload_on_sighup(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A server without TLS has nothing to reread on SIGHUP, but must not die of it (its default action): it logs
/// that the signal changed nothing.
#[cfg(unix)]
pub fn ignore_sighup() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: no TLS certificate to reload, nothing changed");
        }
    });
    Ok(())
}

#[cfg(not(unix))]
pub fn ignore_sighup() -> std::io::Result<()> {
    Ok(())
}

/// Adds `Strict-Transport-Security` to every response, the application's errors included.
pub fn with_hsts(app: Router) -> Router {
    app.layer(SetResponseHeaderLayer::overriding(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS)))
}

/// Serves `app` over TLS on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    certificate: &Certificate,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::<SocketAddr>::new();
    let draining = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        draining.graceful_shutdown(None);
    });
    axum_server::Server::from_listener(listener)
        .acceptor(RustlsAcceptor::new(certificate.current.clone()))
        .handle(handle)
        .serve(with_hsts(app).into_make_service_with_connect_info::<SocketAddr>())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_bad_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let files = TlsFiles { cert: cert.clone(), key: key.clone() };
        let e = files.load().unwrap_err().to_string();
        assert!(e.contains("cannot read") && e.contains("cert.pem"), "{e}");
        std::fs::write(&cert, "not a certificate").unwrap();
        let e = files.load().unwrap_err().to_string();
        assert!(e.contains("no PEM certificate") && e.contains("cert.pem"), "{e}");
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").unwrap();
        let e = files.load().unwrap_err().to_string();
        assert!(e.contains("no PEM private key") && e.contains("key.pem"), "{e}");
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&key, other.signing_key.serialize_pem()).unwrap();
        let e = files.load().unwrap_err().to_string();
        assert!(e.contains("cert.pem and") && e.contains("key.pem"), "{e}");
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        files.load().unwrap();
    }
}
