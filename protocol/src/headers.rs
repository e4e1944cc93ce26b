//! The protocol's header names and request ids, shared by the client and the sandbox.

/// Token of the installation or the session.
pub const AUTHENTICATION: &str = "x-bunq-client-authentication";
/// Base64 RSA-SHA256 signature of the request body.
pub const CLIENT_SIGNATURE: &str = "x-bunq-client-signature";
/// Base64 RSA-SHA256 signature of the response, by bunq.
pub const SERVER_SIGNATURE: &str = "x-bunq-server-signature";
/// Unique per request on a device; echoed in the response.
pub const REQUEST_ID: &str = "x-bunq-client-request-id";
/// bunq's id of a response: quote it to bunq support.
pub const RESPONSE_ID: &str = "x-bunq-client-response-id";
/// A warning bunq attaches to a response.
pub const WARNING: &str = "x-bunq-warning";
/// `en_US` or `nl_NL`.
pub const LANGUAGE: &str = "x-bunq-language";
/// e.g. `nl_NL`.
pub const REGION: &str = "x-bunq-region";
/// `longitude latitude altitude radius country`.
pub const GEOLOCATION: &str = "x-bunq-geolocation";

/// A fresh random UUID (version 4), as used for `X-Bunq-Client-Request-Id`.
pub fn new_request_id() -> String {
    use rsa::rand_core::{OsRng, RngCore};
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_v4_uuids_and_differ() {
        let (a, b) = (super::new_request_id(), super::new_request_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
