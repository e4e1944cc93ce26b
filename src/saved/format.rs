//! The saved form of an API context: a versioned JSON file (plain, or sealed with a
//! [`ContextKey`](crate::ContextKey)), written atomically, owner-only.

use super::atomic::write_atomically;
#[cfg(feature = "aws-lc")]
use super::sealing::ContextKey;
use bunq_protocol::Environment;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// When the session ends.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires_at)
    }
}

/// A problem with a context file, as a sentence.
pub(crate) type Problem = String;

impl ContextFile {
    /// A context file of the current format and version holding these.
    pub fn new(
        environment: Environment,
        api_key: String,
        private_key_pem: String,
        installation_token: String,
        server_public_key_pem: String,
        device_id: Option<i64>,
        session: Option<SavedSession>,
    ) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            environment,
            api_key,
            private_key_pem,
            installation_token,
            server_public_key_pem,
            device_id,
            session,
        }
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
    pub fn parse_sealed(bytes: &[u8], key: &ContextKey) -> Result<Self, Problem> {
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
pub(crate) fn sealed_file(key: &ContextKey, plain: &[u8]) -> Result<Vec<u8>, Problem> {
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
