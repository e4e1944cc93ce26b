//! Who may call: installations and their tokens, devices, API keys, sessions, request ids
//! already used, and the per-IP rate-limit windows.

use super::bank::Ids;
use bunq_api::TokenKind;
use bunq_protocol::keys::PublicKey;
use bunq_protocol::rate_limit::Limit;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime};

/// Arrivals this close to the edge of a window still count as outside it, so a client that
/// paces itself exactly to the limit is not refused for network jitter.
const RATE_GRACE: Duration = Duration::from_millis(100);
/// Longest request id kept (longer ones are refused).
pub(crate) const MAX_REQUEST_ID_LEN: usize = 200;

/// A random token of 32 bytes, as 64 hex digits.
pub(crate) fn random_hex() -> String {
    use rsa::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A registered client key pair.
#[derive(Debug)]
pub(crate) struct Installation {
    pub id: i64,
    pub token: String,
    pub client_key: PublicKey,
    /// The key's PEM exactly as sent: what a PSD2 provider signs.
    pub client_key_pem: String,
    pub created: SystemTime,
    request_ids: HashSet<String>,
}

/// An API key registered on an installation.
#[derive(Debug)]
pub(crate) struct Device {
    pub id: i64,
    pub installation_id: i64,
    pub user_id: i64,
    pub api_key: String,
    pub description: String,
    pub permitted_ips: Vec<String>,
    pub ip: String,
    pub created: SystemTime,
}

/// An open (or ended) session.
#[derive(Debug)]
struct Session {
    installation_id: i64,
    user_id: i64,
    expires: Instant,
    open: bool,
}

/// Who is calling, as the token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// An installation token.
    Installation { installation: i64 },
    /// A live session token.
    Session { session: i64, installation: i64, user: i64 },
}

impl Caller {
    /// The installation behind the token.
    pub(crate) fn installation(self) -> i64 {
        match self {
            Self::Installation { installation } | Self::Session { installation, .. } => installation,
        }
    }
}

/// A session just opened.
pub(crate) struct NewSession {
    pub id: i64,
    pub token: String,
}

/// All access state.
#[derive(Debug, Default)]
pub(crate) struct Access {
    installations: HashMap<i64, Installation>,
    installation_tokens: HashMap<String, i64>,
    devices: BTreeMap<i64, Device>,
    api_keys: HashMap<String, i64>,
    sessions: HashMap<i64, Session>,
    session_tokens: HashMap<String, i64>,
    windows: HashMap<(IpAddr, &'static str), VecDeque<Instant>>,
}

impl Access {
    /// Registers a client key; returns the installation.
    pub(crate) fn install(
        &mut self,
        ids: &mut Ids,
        client_key: PublicKey,
        client_key_pem: String,
        now: SystemTime,
    ) -> &Installation {
        let id = ids.next();
        let token = random_hex();
        self.installation_tokens.insert(token.clone(), id);
        let installation =
            Installation { id, token, client_key, client_key_pem, created: now, request_ids: HashSet::new() };
        self.installations.entry(id).or_insert(installation)
    }

    /// An installation by id.
    pub(crate) fn installation(&self, id: i64) -> Option<&Installation> {
        self.installations.get(&id)
    }

    /// Who `token` belongs to, if it is a token of the kind the call needs and still valid.
    pub(crate) fn authenticate(&self, kind: TokenKind, token: Option<&str>, now: Instant) -> Result<Caller, String> {
        let token = token.filter(|t| !t.is_empty()).ok_or("This call needs an X-Bunq-Client-Authentication token.")?;
        match kind {
            TokenKind::Installation => match self.installation_tokens.get(token) {
                Some(&installation) => Ok(Caller::Installation { installation }),
                None if self.session_tokens.contains_key(token) => {
                    Err("This call takes the installation token, not a session token.".to_owned())
                }
                None => Err("The installation token is not known.".to_owned()),
            },
            TokenKind::Session => {
                let Some(&session_id) = self.session_tokens.get(token) else {
                    if self.installation_tokens.contains_key(token) {
                        return Err("This call takes a session token, not the installation token.".to_owned());
                    }
                    return Err("The session token is not known.".to_owned());
                };
                match self.sessions.get(&session_id) {
                    Some(s) if s.open && s.expires > now => {
                        Ok(Caller::Session { session: session_id, installation: s.installation_id, user: s.user_id })
                    }
                    _ => Err("The session has ended; open a new one.".to_owned()),
                }
            }
        }
    }

    /// Remembers a request id on an installation; false when it was used before.
    pub(crate) fn remember_request_id(&mut self, installation: i64, request_id: &str) -> bool {
        match self.installations.get_mut(&installation) {
            Some(i) => i.request_ids.insert(request_id.to_owned()),
            None => true,
        }
    }

    /// A new API key for a user.
    pub(crate) fn issue_api_key(&mut self, user_id: i64) -> String {
        let key = format!("sandbox_{}", random_hex());
        self.api_keys.insert(key.clone(), user_id);
        key
    }

    /// The user an API key belongs to.
    pub(crate) fn api_key_user(&self, api_key: &str) -> Option<i64> {
        self.api_keys.get(api_key).copied()
    }

    /// Registers (or updates) the device for an API key on an installation; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn register_device(
        &mut self,
        ids: &mut Ids,
        installation_id: i64,
        api_key: &str,
        description: String,
        permitted_ips: Vec<String>,
        ip: IpAddr,
        now: SystemTime,
    ) -> Result<i64, String> {
        let Some(&user_id) = self.api_keys.get(api_key) else {
            return Err("The secret is not an API key of this sandbox.".to_owned());
        };
        if let Some(bad) = permitted_ips.iter().find(|ip| *ip != "*" && ip.parse::<IpAddr>().is_err()) {
            return Err(format!("{bad:?} in permitted_ips is not an IP address."));
        }
        let existing = self.devices.values_mut().find(|d| d.installation_id == installation_id && d.api_key == api_key);
        if let Some(device) = existing {
            device.description = description;
            device.permitted_ips = permitted_ips;
            return Ok(device.id);
        }
        let id = ids.next();
        let device = Device {
            id,
            installation_id,
            user_id,
            api_key: api_key.to_owned(),
            description,
            permitted_ips,
            ip: ip.to_string(),
            created: now,
        };
        self.devices.insert(id, device);
        Ok(id)
    }

    /// How many devices are registered, of every user.
    pub(crate) fn device_count(&self) -> usize {
        self.devices.len()
    }

    /// The user whose API key is registered as a device on the installation.
    pub(crate) fn device_user(&self, installation_id: i64, api_key: &str) -> Result<i64, String> {
        self.devices
            .values()
            .find(|d| d.installation_id == installation_id && d.api_key == api_key)
            .map(|d| d.user_id)
            .ok_or_else(|| "No device is registered for this API key on this installation.".to_owned())
    }

    /// Devices registered for the user's API keys, oldest first.
    pub(crate) fn devices_of(&self, user_id: i64) -> Vec<&Device> {
        self.devices.values().filter(|d| d.user_id == user_id).collect()
    }

    /// Opens a session lasting `timeout`.
    pub(crate) fn open_session(
        &mut self,
        ids: &mut Ids,
        installation_id: i64,
        user_id: i64,
        timeout: Duration,
        now: Instant,
    ) -> NewSession {
        let id = ids.next();
        let token = random_hex();
        let expires = now.checked_add(timeout).unwrap_or(now + Duration::from_secs(86_400 * 365));
        self.sessions.insert(id, Session { installation_id, user_id, expires, open: true });
        self.session_tokens.insert(token.clone(), id);
        NewSession { id, token }
    }

    /// Ends a session of the caller's user (`0`: the caller's own). False when there is none.
    pub(crate) fn close_session(&mut self, caller: Caller, id: i64) -> bool {
        let Caller::Session { session, user, .. } = caller else { return false };
        let id = if id == 0 { session } else { id };
        match self.sessions.get_mut(&id) {
            Some(s) if s.user_id == user && s.open => {
                s.open = false;
                true
            }
            _ => false,
        }
    }

    /// Withdraws every API key of a user and ends its sessions (an OAuth grant taken back).
    pub(crate) fn revoke(&mut self, user_id: i64) {
        self.api_keys.retain(|_, user| *user != user_id);
        self.sessions.values_mut().filter(|s| s.user_id == user_id).for_each(|s| s.open = false);
    }

    /// Ends every session now.
    pub(crate) fn end_all_sessions(&mut self) {
        self.sessions.values_mut().for_each(|s| s.open = false);
    }

    /// Admits a call from `ip` to `endpoint` if the window has room; books it when admitted.
    pub(crate) fn admit(&mut self, ip: IpAddr, endpoint: &'static str, limit: Limit, now: Instant) -> bool {
        if self.windows.len() > 10_000 {
            self.windows.retain(|_, w| w.back().is_some_and(|&t| t + limit.per.max(Duration::from_secs(30)) > now));
        }
        let window = self.windows.entry((ip, endpoint)).or_default();
        let span = limit.per.saturating_sub(RATE_GRACE);
        while window.front().is_some_and(|&t| t + span <= now) {
            window.pop_front();
        }
        if window.len() >= limit.calls {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_windows_slide_per_ip_and_endpoint() {
        let mut access = Access::default();
        let limit = Limit { calls: 2, per: Duration::from_secs(3) };
        let (ip, other) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert!(access.admit(ip, "list_users", limit, t0));
        assert!(access.admit(ip, "list_users", limit, t0));
        assert!(!access.admit(ip, "list_users", limit, t0 + Duration::from_secs(1)));
        assert!(access.admit(other, "list_users", limit, t0));
        assert!(access.admit(ip, "get_user", limit, t0));
        assert!(access.admit(ip, "list_users", limit, t0 + Duration::from_secs(3)));
    }

    #[test]
    fn request_ids_are_single_use_per_installation() {
        let mut access = Access::default();
        let mut ids = Ids::default();
        let key = bunq_protocol::keys::PrivateKey::generate().unwrap().public_key();
        let (a, b) = {
            let a = access.install(&mut ids, key.clone(), String::new(), SystemTime::now()).id;
            (a, access.install(&mut ids, key, String::new(), SystemTime::now()).id)
        };
        assert!(access.remember_request_id(a, "x"));
        assert!(!access.remember_request_id(a, "x"));
        assert!(access.remember_request_id(b, "x"));
    }
}
