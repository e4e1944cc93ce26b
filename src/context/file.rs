//! The saved form of an API context: a versioned JSON file, written atomically, owner-only.

use crate::client::ClientState;
use crate::session::Session;
use bunq_protocol::{Environment, Secret};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

const FORMAT: &str = "bunq-api-context";
/// The same, encrypted with a [`crate::ContextKey`]: `{"format", "version", "sealed": base64}`.
const SEALED_FORMAT: &str = "bunq-api-context-sealed";
const VERSION: u32 = 1;

/// Everything needed to resume without a new installation. Holds secrets: never `Debug`.
#[derive(Serialize, Deserialize)]
pub(crate) struct ContextFile {
    format: String,
    version: u32,
    pub environment: Environment,
    pub api_key: String,
    pub private_key_pem: String,
    pub installation_token: String,
    pub server_public_key_pem: String,
    pub device_id: Option<i64>,
    pub session: Option<SavedSession>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SavedSession {
    pub token: String,
    pub id: i64,
    pub user_id: i64,
    /// Seconds since the Unix epoch.
    pub expires_at: u64,
    /// A PSD2 provider's session; written only when true, so other contexts' files are as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provider: bool,
}

impl SavedSession {
    /// The session it saved.
    pub fn session(&self) -> Session {
        Session {
            token: Secret::new(self.token.clone()),
            id: self.id,
            user_id: crate::api::types::UserId(self.user_id),
            expires_at: UNIX_EPOCH + Duration::from_secs(self.expires_at),
            provider: self.provider,
        }
    }
}

/// A problem with a context file, as a sentence.
pub(crate) type Problem = String;

impl ContextFile {
    /// The saved form of what a client holds, for `environment`.
    pub fn of(environment: &Environment, state: &ClientState) -> crate::Result<Self> {
        let credentials = state.credentials();
        let missing = |what: &str| crate::Error::Context(format!("nothing to save: no {what} yet"));
        let session = credentials.session.as_ref().map(|s| SavedSession {
            token: s.token.expose().to_owned(),
            id: s.id,
            user_id: *s.user_id,
            expires_at: s.expires_at.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
            provider: s.provider,
        });
        Ok(Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            environment: environment.clone(),
            api_key: credentials.api_key.as_ref().ok_or_else(|| missing("API key"))?.expose().to_owned(),
            private_key_pem: state.key().ok_or_else(|| missing("key"))?.to_pem()?.to_string(),
            installation_token: credentials
                .installation_token
                .as_ref()
                .ok_or_else(|| missing("installation"))?
                .expose()
                .to_owned(),
            server_public_key_pem: credentials.server_key.as_ref().ok_or_else(|| missing("server key"))?.to_pem()?,
            device_id: credentials.device_id,
            session,
        })
    }

    /// Parses a context file's bytes; says clearly what is wrong with a foreign or damaged one.
    pub fn parse(bytes: &[u8]) -> Result<Self, Problem> {
        match header(bytes)? {
            Kind::Plain => {
                serde_json::from_slice(bytes).map_err(|e| format!("damaged context file ({e}); it was left as it is"))
            }
            Kind::Sealed => Err("it is encrypted: restore it with ApiContext::restore_encrypted and its key".into()),
        }
    }

    /// Parses an encrypted context file's bytes with its key.
    #[cfg(feature = "aws-lc")]
    pub fn parse_sealed(bytes: &[u8], key: &super::sealing::ContextKey) -> Result<Self, Problem> {
        use base64::Engine;
        #[derive(Deserialize)]
        struct Sealed {
            sealed: String,
        }
        match header(bytes)? {
            Kind::Plain => Err("it is not encrypted: restore it with ApiContext::restore".into()),
            Kind::Sealed => {
                let sealed: Sealed = serde_json::from_slice(bytes)
                    .map_err(|e| format!("damaged context file ({e}); it was left as it is"))?;
                let sealed = base64::engine::general_purpose::STANDARD
                    .decode(sealed.sealed)
                    .map_err(|_| "damaged context file (sealed data is not base64); it was left as it is".to_owned())?;
                Self::parse(&super::sealing::open(key, &sealed)?)
            }
        }
    }

    pub fn read(path: &Path) -> Result<Vec<u8>, Problem> {
        std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))
    }

    /// Writes atomically (temporary file, fsync, rename) with owner-only permissions, encrypted
    /// when a key is given. Refuses to replace a file that is not a bunq-api context.
    pub fn write(&self, path: &Path, key: Option<&Sealer<'_>>) -> Result<(), Problem> {
        if let Ok(existing) = std::fs::read(path) {
            check_ours(&existing)?;
        }
        write_atomically(path, &self.encode(key)?).map_err(|e| format!("cannot write it: {e}"))
    }

    /// The bytes of the file: JSON, encrypted when a key is given.
    pub fn encode(&self, key: Option<&Sealer<'_>>) -> Result<Vec<u8>, Problem> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| format!("cannot encode the context: {e}"))?;
        match key {
            Some(seal) => seal(&bytes),
            None => Ok(bytes),
        }
    }
}

/// Refuses bytes that are not a bunq-api context file (plain or encrypted) of a known version.
pub(crate) fn check_ours(bytes: &[u8]) -> Result<(), Problem> {
    header(bytes).map(drop).map_err(|problem| format!("refusing to overwrite it: {problem}"))
}

/// Turns a context's plain bytes into the bytes of an encrypted context file.
pub(crate) type Sealer<'a> = dyn Fn(&[u8]) -> Result<Vec<u8>, Problem> + 'a;

/// The encrypted file for a context's plain bytes.
#[cfg(feature = "aws-lc")]
pub(crate) fn sealed_file(key: &super::sealing::ContextKey, plain: &[u8]) -> Result<Vec<u8>, Problem> {
    use base64::Engine;
    let sealed = base64::engine::general_purpose::STANDARD.encode(super::sealing::seal(key, plain)?);
    let file = serde_json::json!({ "format": SEALED_FORMAT, "version": VERSION, "sealed": sealed });
    serde_json::to_vec_pretty(&file).map_err(|e| format!("cannot encode the context: {e}"))
}

enum Kind {
    Plain,
    Sealed,
}

/// Whether the bytes are a context file of ours, and which kind.
fn header(bytes: &[u8]) -> Result<Kind, Problem> {
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a bunq-api context file (not JSON: {e}); it was left as it is"))?;
    let kind = match header.format.as_deref() {
        Some(FORMAT) => Kind::Plain,
        Some(SEALED_FORMAT) => Kind::Sealed,
        _ => {
            return Err(
                "not a bunq-api context file (no \"format\": \"bunq-api-context\"); it was left as it is".into()
            );
        }
    };
    match header.version {
        Some(VERSION) => Ok(kind),
        Some(v) if v > VERSION => {
            Err(format!("written by a newer bunq-api (format version {v}); upgrade bunq-api to read it"))
        }
        other => Err(format!("unknown format version {other:?}")),
    }
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", bunq_protocol::headers::new_request_id()))
}

/// Temporary file beside the target, written and synced, then renamed over it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = temporary_path(path);
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
