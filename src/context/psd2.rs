//! PSD2 providers' login: a licensed third party logs in with its certificate instead of an API
//! key. Installation as usual; then `POST /payment-service-provider-credential` with the
//! installation token proves the certificate (its key signs the installed public key and the
//! token), and the credential bunq answers is the secret for the device and the sessions.
//! From there the context is like any other: its sessions are a `UserPaymentServiceProvider`'s
//! and renew the same way.

use super::{ApiContext, ContextOptions};
use crate::api::types;
use crate::store::ContextStore;
use crate::{Error, Result};
use bunq_protocol::keys::PrivateKey;
use bunq_protocol::{Environment, Secret, psd2};
use progenitor_client::ClientInfo;
use std::fmt;
use std::sync::Arc;

/// A PSD2 provider's certificate (PEM), the certificate's private key and its chain (PEMs).
///
/// `Debug` shows the certificate's size and the chain's length, never the key.
#[derive(Clone)]
pub struct ProviderCertificate {
    certificate: String,
    key: PrivateKey,
    chain: Vec<String>,
}

impl fmt::Debug for ProviderCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderCertificate")
            .field("certificate_bytes", &self.certificate.len())
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl ProviderCertificate {
    /// The certificate, its private key, and the chain's certificates (intermediates and root;
    /// bunq's sandbox takes a self-signed certificate as its own chain).
    pub fn new(certificate: impl Into<String>, key: PrivateKey, chain: &[&str]) -> Self {
        Self { certificate: certificate.into(), key, chain: chain.iter().map(|pem| pem.to_string()).collect() }
    }

    /// The credential request for an installation of `client_public_key_pem` with `installation_token`.
    fn request(
        &self,
        client_public_key_pem: &str,
        installation_token: &str,
    ) -> types::NewPaymentServiceProviderCredential {
        types::NewPaymentServiceProviderCredential {
            client_payment_service_provider_certificate: self.certificate.clone(),
            client_payment_service_provider_certificate_chain: psd2::chain_text(&self.chain),
            client_public_key_signature: psd2::sign_credential(&self.key, client_public_key_pem, installation_token),
        }
    }
}

impl ApiContext {
    /// Logs in as a PSD2 provider: installs a new key, proves `certificate` with its
    /// `certificate_key`, registers this device with the credential bunq answers, and opens a
    /// session (of a `UserPaymentServiceProvider`). Default options.
    pub async fn create_for_psd2(
        environment: Environment,
        certificate: &str,
        certificate_key: &PrivateKey,
        chain: &[&str],
        description: &str,
        permitted_ips: &[&str],
    ) -> Result<Self> {
        let provider = ProviderCertificate::new(certificate, certificate_key.clone(), chain);
        Self::create_for_psd2_with(environment, &provider, description, permitted_ips, ContextOptions::new()).await
    }

    /// [`ApiContext::create_for_psd2`] with options.
    pub async fn create_for_psd2_with(
        environment: Environment,
        provider: &ProviderCertificate,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Self> {
        let (client, client_public_key_pem) = Self::install(&environment, options).await?;
        let token = client.inner().credentials().installation_token.clone();
        let token = token.ok_or_else(|| Error::Context("the installation gave no token".to_owned()))?;
        let request = provider.request(&client_public_key_pem, token.expose());
        let answer = client.create_payment_service_provider_credential(&request).await?.into_inner();
        let credential = crate::Envelope::into_first(answer)?;
        let secret = credential.token_value.map(Secret::new).ok_or_else(|| {
            Error::Decode("the payment service provider credential came without a token_value".to_owned())
        })?;
        Self::register(environment, client, secret, description, permitted_ips).await
    }

    /// [`ApiContext::open`] for a PSD2 provider: the first process logs in with
    /// [`ApiContext::create_for_psd2_with`] and saves the context under `key`; the others load
    /// it, and sessions renew once for all of them.
    pub async fn open_for_psd2(
        store: Arc<dyn ContextStore>,
        key: &str,
        environment: Environment,
        provider: &ProviderCertificate,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Self> {
        let login = super::shared::Login::Provider(provider.clone());
        Self::open_as(store, key, environment, login, description, permitted_ips, options).await
    }
}
