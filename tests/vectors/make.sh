#!/bin/sh
# Regenerates the signature vectors with the openssl CLI, an implementation independent of ours.
# Keys are made once and kept (delete keys/ for new ones); every other file is derived from them.
set -eu
cd "$(dirname "$0")"
mkdir -p keys cases

key() { [ -f "keys/$1.pem" ] || openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "keys/$1.pem" 2>/dev/null; }
key client 2048
key server 2048
key small 1024
for k in client server small; do openssl pkey -in "keys/$k.pem" -pubout -out "keys/$k.pub.pem"; done
openssl rsa -in keys/client.pem -traditional -out keys/client.pkcs1.pem 2>/dev/null
openssl rsa -in keys/client.pem -RSAPublicKey_out -out keys/client.pub.pkcs1.pem 2>/dev/null

# case NAME KEY: signs cases/NAME/input.bin with keys/KEY.pem.
case_() {
  printf '%s\n' "$2" > "cases/$1/key"
  openssl dgst -sha256 -sign "keys/$2.pem" "cases/$1/input.bin" | base64 -w0 > "cases/$1/signature.b64"
}

mkdir -p cases/empty_body cases/payment_request cases/utf8_and_newlines cases/response_body cases/legacy_response
printf '' > cases/empty_body/input.bin
case_ empty_body client
printf '%s' '{"amount":{"value":"0.10","currency":"EUR"},"counterparty_alias":{"type":"EMAIL","value":"bravo@bunq.com","name":"Bravo"},"description":"Payment"}' > cases/payment_request/input.bin
case_ payment_request client
printf '{"description":"Caf\303\251 \342\202\254 5,00\\nline two"}\n' > cases/utf8_and_newlines/input.bin
case_ utf8_and_newlines client
printf '%s' '{"Response":[{"Id":{"id":42}}]}' > cases/response_body/input.bin
case_ response_body server

# Legacy scheme: status, then the X-Bunq-* headers but the signature, sorted, canonical case; a blank line; the body.
d=cases/legacy_response
printf '200\n' > "$d/status"
cat > "$d/headers.txt" <<'HEADERS'
x-bunq-client-response-id: 89dcaa5c-fa55-4068-9822-3f87985d2268
Content-Type: application/json
X-Bunq-Server-Signature: (ignored by the scheme)
X-BUNQ-CLIENT-REQUEST-ID: 57061b04b67ef
x-bunq-warning: test warning
Date: Sun, 22 Nov 2026 10:00:00 GMT
HEADERS
printf '%s' '{"Response":[{"Id":{"id":42}}]}' > "$d/body.bin"
{
  printf '200\n'
  printf 'X-Bunq-Client-Request-Id: 57061b04b67ef\n'
  printf 'X-Bunq-Client-Response-Id: 89dcaa5c-fa55-4068-9822-3f87985d2268\n'
  printf 'X-Bunq-Warning: test warning\n'
  printf '\n'
  cat "$d/body.bin"
} > "$d/input.bin"
case_ legacy_response server

# PSD2 login proof: a provider key and a self-signed certificate for it; the provider signs
# "<client public key PEM>\n<installation token>" (the PEM exactly as sent to POST /installation).
key provider 2048
d=cases/psd2_credential
mkdir -p "$d"
[ -f "$d/certificate.pem" ] || openssl req -x509 -new -key keys/provider.pem -out "$d/certificate.pem" -days 36500 \
  -subj "/C=NL/O=bunq-api test provider/CN=psd2.example" 2>/dev/null
printf '%s' 'c0ffee4b1d2e3f40c0ffee4b1d2e3f40c0ffee4b1d2e3f40c0ffee4b1d2e3f40' > "$d/installation_token"
{ cat keys/client.pub.pem; printf '\n'; cat "$d/installation_token"; } > "$d/input.bin"
case_ psd2_credential provider

# An encrypted request body: AES-256-CBC (PKCS#7) under a fixed key and IV, the HMAC-SHA1 under the
# key over IV || ciphertext, and the key wrapped for the server's public key (RSA PKCS#1 v1.5;
# random padding, so made once and kept).
d=cases/encrypted_body
mkdir -p "$d"
printf '%s' '{"pin_code":"1234","status":"ACTIVE"}' > "$d/plain.bin"
printf '%s' '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' > "$d/key.hex"
printf '%s' 'f0e0d0c0b0a090807060504030201000' > "$d/iv.hex"
openssl enc -aes-256-cbc -K "$(cat "$d/key.hex")" -iv "$(cat "$d/iv.hex")" -in "$d/plain.bin" -out "$d/ciphertext.bin"
xxd -r -p "$d/iv.hex" > "$d/iv.bin"
cat "$d/iv.bin" "$d/ciphertext.bin" | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$(cat "$d/key.hex")" -binary | base64 -w0 > "$d/hmac.b64"
base64 -w0 "$d/iv.bin" > "$d/iv.b64"
rm "$d/iv.bin"
if [ ! -f "$d/wrapped_key.b64" ]; then
  xxd -r -p "$d/key.hex" | openssl pkeyutl -encrypt -pubin -inkey keys/server.pub.pem -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0 > "$d/wrapped_key.b64"
fi
echo "vectors written"

# TLS for the certificate-pinning tests: a CA, a leaf for 127.0.0.1/localhost signed by it, and the
# base64 SHA-256 of each SubjectPublicKeyInfo (the pins), computed by openssl.
mkdir -p tls
if [ ! -f tls/ca.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout tls/ca.key -out tls/ca.pem -days 36500 \
    -subj "/CN=bunq-api test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout tls/leaf.key -out tls/leaf.csr -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > tls/leaf.ext
  openssl x509 -req -in tls/leaf.csr -CA tls/ca.pem -CAkey tls/ca.key -CAcreateserial -days 36500 \
    -extfile tls/leaf.ext -out tls/leaf.pem 2>/dev/null
  rm -f tls/leaf.csr tls/leaf.ext tls/ca.srl
fi
pin() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64; }
pin tls/leaf.pem > tls/leaf.pin
pin tls/ca.pem > tls/ca.pin
openssl pkey -in keys/server.pem -pubout -outform der | openssl dgst -sha256 -binary | base64 > tls/unrelated.pin
