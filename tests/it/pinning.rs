//! Certificate pinning over real TLS: a TLS front (test CA and leaf made by openssl, in
//! tests/vectors/tls) before the embedded sandbox; pins computed by openssl.

#![cfg(feature = "rustls")]

use crate::common;

use bunq_api::{ApiContext, ContextOptions, Environment, SpkiPin};
use bunq_sandbox::SandboxConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::PathBuf;
use std::sync::Arc;

fn tls(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/tls").join(file)
}

fn pin(file: &str) -> SpkiPin {
    SpkiPin::from_base64(&std::fs::read_to_string(tls(file)).unwrap()).unwrap()
}

fn ca_der() -> Vec<u8> {
    CertificateDer::from_pem_file(tls("ca.pem")).unwrap().to_vec()
}

/// Terminates TLS on 127.0.0.1 (leaf + CA chain) and forwards the bytes to `backend`.
async fn tls_front(backend: std::net::SocketAddr) -> String {
    let chain = vec![CertificateDer::from_pem_file(tls("leaf.pem")).unwrap(), CertificateDer::from(ca_der())];
    let key = PrivateKeyDer::from_pem_file(tls("leaf.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://127.0.0.1:{port}/v1")
}

async fn try_context(pins: Vec<SpkiPin>) -> Result<ApiContext, bunq_api::Error> {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let backend = sandbox.base_url().trim_start_matches("http://").split('/').next().unwrap().parse().unwrap();
    let url = tls_front(backend).await;
    let api_key = sandbox.create_user().await;
    let options = ContextOptions::new()
        .key(common::client_key())
        .rate_limits(false)
        .add_root_certificate(ca_der())
        .pin_certificates(pins);
    let context = ApiContext::create_with(Environment::Custom(url), api_key, "pinning", &["*"], options).await?;
    context.client().list_users(None, None, None).await?;
    Ok(context)
}

#[tokio::test]
async fn a_pinned_leaf_or_ca_key_is_accepted() {
    try_context(vec![pin("leaf.pin"), pin("unrelated.pin")]).await.expect("leaf pinned");
    try_context(vec![pin("unrelated.pin"), pin("ca.pin")]).await.expect("CA pinned (backup)");
    try_context(Vec::new()).await.expect("no pins: the usual checks only");
}

#[tokio::test]
async fn a_chain_without_a_pinned_key_is_refused() {
    let other = SpkiPin::from_sha256([9; 32]);
    let err = try_context(vec![pin("unrelated.pin"), other]).await.unwrap_err();
    assert!(err.is_transport(), "{err}");
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = source {
        chain.push_str(&format!("{e} / "));
        source = e.source();
    }
    assert!(chain.contains("pin mismatch"), "{chain}");
}

#[tokio::test]
async fn a_lone_pin_is_refused_before_any_call() {
    let err = try_context(vec![pin("leaf.pin")]).await.unwrap_err();
    assert!(err.to_string().contains("backup"), "{err}");
}

#[test]
fn pins_parse_from_base64_of_32_bytes_only() {
    let pin = SpkiPin::from_base64("HmM/BX8HCGxXK/07yfg7WZS3rEIsreN0JX9ZGFEglpA=").unwrap();
    assert_eq!(format!("{pin:?}"), "SpkiPin(HmM/BX8HCGxXK/07yfg7WZS3rEIsreN0JX9ZGFEglpA=)");
    assert!(SpkiPin::from_base64("AAAA").is_none());
    assert!(SpkiPin::from_base64("not base64").is_none());
}

#[tokio::test]
async fn a_lone_pin_is_refused() {
    // Refused while the client is built: nothing listens at this address, and nothing is sent.
    let options = ContextOptions::new().key(common::client_key()).pin_certificates([SpkiPin::from_sha256([7; 32])]);
    let environment = Environment::Custom("https://127.0.0.1:9/v1".into());
    let err = ApiContext::create_with(environment, "key", "pinning", &["*"], options).await.unwrap_err();
    assert!(err.to_string().contains("backup"), "{err}");
}
