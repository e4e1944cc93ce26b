//! PSD2 providers: `POST /payment-service-provider-credential` with the installation token.
//!
//! The certificate must be PEM X.509 with an RSA key (self-signed is accepted, as in bunq's
//! sandbox), the chain PEM certificates, and `client_public_key_signature` the certificate key's
//! signature over the installation's public key PEM (as sent) and token. Then the certificate's
//! provider user (made on its first login) gets a credential whose `token_value` is the secret for
//! `POST /device-server` and `POST /session-server`; its sessions are a
//! `UserPaymentServiceProvider`'s, which register OAuth clients and act for consenting users.
//! Every refusal is a 400 naming the field, and makes nothing.

use super::bank::User;
use super::call::{Call, Failure, Output};
use super::{Shared, lock, render, wire};
use bunq_protocol::psd2;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::SystemTime;

/// What the sandbox knows of a provider: its certificate's subject and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Provider {
    /// The certificate's subject (RFC 4514).
    pub distinguished_name: String,
    /// The name the provider goes by: the subject's organisation, else its common name.
    pub display_name: String,
    /// The certificate's public key (PEM): a subject with another key is another provider.
    pub key_pem: String,
}

/// The request body (its schema is checked before the handler runs; the generated type is in the
/// `psd2` group, which the sandbox does not build).
#[derive(Deserialize)]
struct NewCredential {
    client_payment_service_provider_certificate: String,
    client_payment_service_provider_certificate_chain: String,
    client_public_key_signature: String,
}

/// `POST /payment-service-provider-credential`.
pub(crate) fn create_credential(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let installation = call.installation()?;
    let body: NewCredential = call.json()?;
    let certificate = psd2::parse_certificate(&body.client_payment_service_provider_certificate)
        .map_err(|e| Failure::new(400, format!("client_payment_service_provider_certificate is {e}.")))?;
    psd2::parse_chain(&body.client_payment_service_provider_certificate_chain).map_err(|e| {
        let e = e.to_string();
        Failure::new(400, format!("client_payment_service_provider_certificate_chain holds what is {e}."))
    })?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let signed = world.access.installation(installation).map(|i| (i.client_key_pem.clone(), i.token.clone()));
    let (pem, token) = signed.ok_or_else(|| Failure::new(401, "The installation token is not known."))?;
    psd2::verify_credential(&certificate.public_key, &pem, &token, &body.client_public_key_signature).map_err(
        |_| {
            Failure::new(
                400,
                "client_public_key_signature does not verify with the certificate's key: sign \
             \"<client public key PEM, as installed>\\n<installation token>\" with the certificate's private key \
             (RSA-SHA256, PKCS#1 v1.5), base64.",
            )
        },
    )?;
    let key_pem =
        certificate.public_key.to_pem().map_err(|_| Failure::new(400, "The certificate's key is unusable."))?;
    let provider =
        Provider { display_name: display_name(&certificate.subject), distinguished_name: certificate.subject, key_pem };
    let user = world.bank.provider(&mut world.ids, shared.settings.session_timeout, provider, now);
    let secret = world.access.issue_api_key(user);
    let id = world.ids.next();
    let stamp = render::timestamp(now);
    // The sandbox's credential does not expire, and no device uses it yet.
    let credential = json!({
        "id": id,
        "created": stamp,
        "updated": stamp,
        "status": "PENDING_FIRST_USE",
        "expiry_time": null,
        "token_value": secret,
        "permitted_device": null,
    });
    Ok(Output::Json(wire::items("CredentialPasswordIp", [credential])))
}

/// The subject's `O`, else its `CN`, else the whole subject.
fn display_name(subject: &str) -> String {
    let part = |key: &str| subject.split(',').find_map(|rdn| rdn.trim().strip_prefix(key)).map(str::to_owned);
    part("O=").or_else(|| part("CN=")).unwrap_or_else(|| subject.to_owned())
}

/// A provider user as its wire type, `UserPaymentServiceProvider`.
pub(crate) fn render(user: &User, provider: &Provider) -> Value {
    let created = render::timestamp(user.created);
    json!({
        "id": user.id,
        "created": created,
        "updated": render::timestamp(user.updated),
        "certificate_distinguished_name": provider.distinguished_name,
        "alias": [],
        "avatar": null,
        "status": "ACTIVE",
        "sub_status": "NONE",
        "public_uuid": user.public_uuid,
        "display_name": provider.display_name,
        "public_nick_name": provider.display_name,
        "language": "en_US",
        "region": "nl_NL",
        "session_timeout": user.session_timeout,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_display_name_is_the_organisation_else_the_common_name() {
        assert_eq!(super::display_name("CN=psd2.example,O=Test Provider,C=NL"), "Test Provider");
        assert_eq!(super::display_name("CN=psd2.example"), "psd2.example");
    }
}
