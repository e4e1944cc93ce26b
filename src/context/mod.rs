//! `ApiContext`: installation → device → session, kept, saved and restored.
//!
//! [`ContextOptions`] say how it is built (`options.rs`); the saved form and its encryption at
//! rest are `crate::saved`'s.

pub(crate) mod options;
#[cfg(feature = "psd2")]
mod psd2;
mod shared;

pub use options::ContextOptions;
#[cfg(feature = "psd2")]
pub use psd2::ProviderCertificate;

use crate::api::{Client, types};
use crate::client::state::Credentials;
use crate::saved::ContextFile;
#[cfg(feature = "aws-lc")]
use crate::saved::{ContextKey, sealed_file};
use crate::session::{self, Want};
use crate::{Error, Result};
use bunq_protocol::keys::{PrivateKey, PublicKey};
use bunq_protocol::{Environment, Secret};
use progenitor_client::ClientInfo;
use std::path::Path;
use std::time::SystemTime;

/// A live connection to bunq: keys, tokens and the typed [`Client`].
///
/// Cheap to clone; clones share the session.
#[derive(Clone, Debug)]
pub struct ApiContext {
    environment: Environment,
    client: Client,
}

impl ApiContext {
    /// Installs a new key, registers this device and opens a session, with default options.
    ///
    /// `permitted_ips` restricts the API key to these addresses; `["*"]` allows any.
    pub async fn create(
        environment: Environment,
        api_key: impl Into<Secret>,
        description: &str,
        permitted_ips: &[&str],
    ) -> Result<Self> {
        Self::create_with(environment, api_key, description, permitted_ips, ContextOptions::new()).await
    }

    /// [`ApiContext::create`] with options.
    pub async fn create_with(
        environment: Environment,
        api_key: impl Into<Secret>,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Self> {
        let api_key = api_key.into();
        let (client, _) = Self::install(&environment, options).await?;
        Self::register(environment, client, api_key, description, permitted_ips).await
    }

    /// The first step of every login: a client with a key, installed (`POST /installation`).
    /// Returns the client and the public key PEM exactly as sent.
    pub(crate) async fn install(environment: &Environment, mut options: ContextOptions) -> Result<(Client, String)> {
        let key = match options.take_key() {
            Some(key) => key,
            None => tokio::task::spawn_blocking(PrivateKey::generate)
                .await
                .map_err(|e| Error::Context(format!("key generation stopped: {e}")))??,
        };
        let client = options.build(environment, Some(key.clone()), Credentials::default())?;
        let installation = types::NewInstallation { client_public_key: key.public_key().to_pem()? };
        let (token, server_key) = installation_parts(client.create_installation(&installation).await?.into_inner())?;
        {
            let mut credentials = client.inner().credentials_mut();
            credentials.installation_token = Some(token);
            credentials.server_key = Some(server_key);
        }
        Ok((client, installation.client_public_key))
    }

    /// The last steps: the device registered with `secret` (an API key, or a PSD2 provider's
    /// credential), then a session opened with it.
    pub(crate) async fn register(
        environment: Environment,
        client: Client,
        secret: Secret,
        description: &str,
        permitted_ips: &[&str],
    ) -> Result<Self> {
        client.inner().credentials_mut().api_key = Some(secret.clone());
        let device = types::NewDeviceServer {
            description: description.to_owned(),
            secret: secret.expose().to_owned(),
            permitted_ips: permitted_ips.iter().map(|ip| ip.to_string()).collect(),
        };
        let created = client.create_device_server(&device).await?.into_inner();
        client.inner().credentials_mut().device_id = Some(*crate::Created::id(&created)?);
        session::open(&client).await?;
        Ok(Self { environment, client })
    }

    /// Sandbox only: creates a test user (`POST /sandbox-user-person`) and returns its API key.
    pub async fn create_sandbox_user(environment: &Environment) -> Result<Secret> {
        let client = ContextOptions::new().build(environment, None, Credentials::default())?;
        let created = client.create_sandbox_user_person(&types::NewSandboxUserPerson(Default::default())).await?;
        let api_key = crate::Envelope::into_first(created.into_inner())?.api_key;
        Ok(Secret::new(api_key.ok_or_else(|| Error::Decode("the new sandbox user came without an API key".into()))?))
    }

    /// Reads a context saved with [`ApiContext::save`]; no new installation is made.
    pub fn restore(path: impl AsRef<Path>) -> Result<Self> {
        Self::restore_with(path, ContextOptions::new())
    }

    /// [`ApiContext::restore`] with options (the saved key is used; a key in the options is ignored).
    pub fn restore_with(path: impl AsRef<Path>, options: ContextOptions) -> Result<Self> {
        let path = path.as_ref();
        let file = ContextFile::read(path).and_then(|bytes| ContextFile::parse(&bytes));
        Self::from_file(path, file, options)
    }

    /// Reads a context saved with [`ApiContext::save_encrypted`], with its key.
    #[cfg(feature = "aws-lc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
    pub fn restore_encrypted(path: impl AsRef<Path>, key: &ContextKey, options: ContextOptions) -> Result<Self> {
        let path = path.as_ref();
        let file = ContextFile::read(path).and_then(|bytes| ContextFile::parse_sealed(&bytes, key));
        Self::from_file(path, file, options)
    }

    fn from_file(path: &Path, file: std::result::Result<ContextFile, String>, options: ContextOptions) -> Result<Self> {
        let problem = |problem: String| Error::ContextFile { path: path.to_owned(), problem };
        Self::from_context_file(file.map_err(problem)?, options, problem)
    }

    /// A context from a parsed context file; `problem` says where a broken part came from.
    pub(crate) fn from_context_file(
        file: ContextFile,
        options: ContextOptions,
        problem: impl Fn(String) -> Error,
    ) -> Result<Self> {
        let key = PrivateKey::from_pem(&file.private_key_pem).map_err(|e| problem(format!("private key: {e}")))?;
        let (environment, credentials) = credentials_of(file).map_err(problem)?;
        let client = options.build(&environment, Some(key), credentials)?;
        Ok(Self { environment, client })
    }

    /// Writes the context to `path` atomically, readable by the owner only.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        self.to_file()?.write(path, None).map_err(|problem| Error::ContextFile { path: path.to_owned(), problem })
    }

    /// [`ApiContext::save`], encrypted with `key` (AES-256-GCM). Keep the key elsewhere.
    #[cfg(feature = "aws-lc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
    pub fn save_encrypted(&self, path: impl AsRef<Path>, key: &ContextKey) -> Result<()> {
        let path = path.as_ref();
        let seal = |plain: &[u8]| sealed_file(key, plain);
        self.to_file()?
            .write(path, Some(&seal))
            .map_err(|problem| Error::ContextFile { path: path.to_owned(), problem })
    }

    fn to_file(&self) -> Result<ContextFile> {
        self.client.inner().saved(&self.environment)
    }

    /// The typed client: every endpoint of the spec as a method.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Whether this context was made for this API key (e.g. before reusing a saved one).
    pub fn is_for_api_key(&self, api_key: &Secret) -> bool {
        self.client.inner().credentials().api_key.as_ref() == Some(api_key)
    }

    /// The environment this context talks to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The user the session acts for.
    pub fn user_id(&self) -> Option<types::UserId> {
        self.client.inner().credentials().session.as_ref().map(|s| s.user_id)
    }

    /// Whether the session acts for a PSD2 payment service provider (a `UserPaymentServiceProvider`,
    /// logged in with `ApiContext::create_for_psd2` or `ApiContext::open_for_psd2`, feature `psd2`). False
    /// before the first session.
    pub fn is_provider(&self) -> bool {
        self.client.inner().credentials().session.as_ref().is_some_and(|s| s.provider)
    }

    /// The typed handle of the user the session acts for: `context.me()?.monetary_account(id)…`.
    pub fn me(&self) -> Result<crate::handles::User<'_>> {
        let user = self.user_id().ok_or_else(|| Error::Context("no session yet: create the context first".into()))?;
        Ok(self.user(user))
    }

    /// When the current session expires, if one is open.
    pub fn session_expires_at(&self) -> Option<SystemTime> {
        self.client.inner().credentials().session.as_ref().map(|s| s.expires_at)
    }

    /// Gets a new session now: opened here, or on a context from [`ApiContext::open`] one newer
    /// than the current one, opened here or by another process. The same renewal as a call's
    /// (and [`ContextOptions::save_on_renew`] saves it); a failure is [`Error::Renewal`].
    pub async fn renew_session(&self) -> Result<()> {
        let current = self.client.inner().session_token().map(|t| t.expose().to_owned()).unwrap_or_default();
        session::renew(&self.client, Want::Other(current)).await.map(drop)
    }

    /// Ends the session at bunq (`DELETE /session/0`). The next call opens a new one.
    pub async fn close(&self) -> Result<()> {
        self.client.delete_session(&types::SessionId(0)).await?;
        self.client.inner().credentials_mut().session = None;
        Ok(())
    }
}

/// Environment and credentials saved in a context file (all but the private key).
pub(crate) fn credentials_of(file: ContextFile) -> std::result::Result<(Environment, Credentials), String> {
    let server_key = PublicKey::from_pem(&file.server_public_key_pem).map_err(|e| format!("server public key: {e}"))?;
    let session = file.session.as_ref().map(Into::into);
    let credentials = Credentials {
        api_key: Some(Secret::new(file.api_key)),
        installation_token: Some(Secret::new(file.installation_token)),
        server_key: Some(server_key),
        device_id: file.device_id,
        session,
    };
    Ok((file.environment, credentials))
}

/// The installation token and bunq's public key from a `POST /installation` answer.
fn installation_parts(response: types::InstallationCreated) -> Result<(Secret, PublicKey)> {
    let (mut token, mut server_key) = (None, None);
    for item in response.response {
        match item {
            types::InstallationCreatedItem::Token(t) => token = Some(Secret::new(t.token)),
            types::InstallationCreatedItem::ServerPublicKey(k) => {
                server_key = Some(PublicKey::from_pem(&k.server_public_key)?)
            }
            types::InstallationCreatedItem::Id(_) => {}
        }
    }
    let missing = |what: &str| Error::Decode(format!("the installation response has no {what}"));
    Ok((token.ok_or_else(|| missing("token"))?, server_key.ok_or_else(|| missing("server public key"))?))
}
