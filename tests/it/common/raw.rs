//! bunq's protocol spoken by hand over HTTP, for requests the typed client would never send
//! (a tampered credential signature, a tampered encryption HMAC, a PIN in the clear): the
//! installation, the body signed with the installed key, the answer's status and text.
#![allow(dead_code)]

use bunq_api::keys::{PrivateKey, PublicKey};
use bunq_api::{headers, signing};
use bunq_sandbox::Sandbox;
use serde_json::{Value, json};

/// An installation on a sandbox: its key, the PEM sent, and the token in use.
pub struct Raw {
    pub base: String,
    pub key: PrivateKey,
    pub public_pem: String,
    pub token: String,
    /// The server's public key, from the installation's answer.
    pub server_key: PublicKey,
    http: reqwest::Client,
}

impl Raw {
    /// `POST /installation` with `key`.
    pub async fn install(sandbox: &Sandbox, key: PrivateKey) -> Raw {
        let http = reqwest::Client::new();
        let public_pem = key.public_key().to_pem().unwrap();
        let base = sandbox.base_url();
        let answer: Value = http
            .post(format!("{base}installation"))
            .header("user-agent", "raw test")
            .json(&json!({ "client_public_key": public_pem }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = answer["Response"][1]["Token"]["token"].as_str().unwrap().to_owned();
        let server_pem = answer["Response"][2]["ServerPublicKey"]["server_public_key"].as_str().unwrap();
        Raw { base, key, public_pem, token, server_key: PublicKey::from_pem(server_pem).unwrap(), http }
    }

    /// Device and session for `secret`: the token becomes the session's.
    pub async fn login(&mut self, secret: &str) {
        let device = json!({ "description": "raw test", "secret": secret, "permitted_ips": ["*"] });
        assert_eq!(self.send("POST", "device-server", &device.to_string(), &[]).await.0, 200);
        let (status, text) = self.send("POST", "session-server", &json!({ "secret": secret }).to_string(), &[]).await;
        assert_eq!(status, 200, "{text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        self.token = answer["Response"][1]["Token"]["token"].as_str().unwrap().to_owned();
    }

    /// A signed request with the current token; `body` as bytes, extra headers as given.
    pub async fn send(&self, method: &str, path: &str, body: &str, extra: &[(&str, &str)]) -> (u16, String) {
        self.send_bytes(method, path, body.as_bytes().to_vec(), extra).await
    }

    pub async fn send_bytes(&self, method: &str, path: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> (u16, String) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("user-agent", "raw test")
            .header(headers::AUTHENTICATION, &self.token)
            .header(headers::REQUEST_ID, headers::new_request_id())
            .header(headers::CLIENT_SIGNATURE, signing::sign(&self.key, &body))
            .header("content-type", "application/json");
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let response = request.body(body).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}
