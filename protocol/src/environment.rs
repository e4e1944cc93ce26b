//! Where the API lives.

use serde::{Deserialize, Serialize};

/// The bunq environment a context talks to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// `https://api.bunq.com/v1`: real money.
    Production,
    /// `https://public-api.sandbox.bunq.com/v1`: bunq's own sandbox (keys start with `sandbox_`).
    Sandbox,
    /// Any base URL, e.g. the embedded sandbox on `http://127.0.0.1:…/v1`.
    Custom(String),
}

impl Environment {
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Production => "https://api.bunq.com/v1",
            Self::Sandbox => "https://public-api.sandbox.bunq.com/v1",
            Self::Custom(url) => url.trim_end_matches('/'),
        }
    }
}
