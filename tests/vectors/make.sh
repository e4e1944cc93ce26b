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
