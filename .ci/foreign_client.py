#!/usr/bin/env python3
"""A bunq client that is not ours: Python, written from bunq's documented protocol, run against
the standalone sandbox runner. As the runner's first and second user (Chlo\u00e9), it creates a
context, reads its user and accounts, pays, reads and pages payments, uses the resources beyond
payments (savings account, notification filters, draft and scheduled payments, bunq.me tabs,
statement exports, cards, request listings) and closes its session, checking bunq's signature
over the raw bytes of every answer, which must be ASCII as bunq writes them.

usage: foreign_client.py BASE_URL      (e.g. http://127.0.0.1:41234/v1/)
"""

import base64
import json
import sys
import urllib.error
import urllib.request
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

BASE = sys.argv[1].rstrip("/")
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
state = {"server_key": None}


def call(method, path, body=None, token=None):
    data = b"" if body is None else json.dumps(body, indent=1).encode()  # any JSON formatting
    headers = {
        "Cache-Control": "no-cache",
        "User-Agent": "foreign-python-client/1.0",
        "X-Bunq-Language": "en_US",
        "X-Bunq-Region": "nl_NL",
        "X-Bunq-Geolocation": "0 0 0 0 NL",
        "X-Bunq-Client-Request-Id": str(uuid.uuid4()),
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["X-Bunq-Client-Authentication"] = token
        signature = KEY.sign(data, padding.PKCS1v15(), hashes.SHA256())
        headers["X-Bunq-Client-Signature"] = base64.b64encode(signature).decode()
    request = urllib.request.Request(BASE + path, data=data if body is not None else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, answer, received = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, answer, received = error.code, error.read(), error.headers
    if any(byte > 0x7F for byte in answer):
        sys.exit(f"foreign client: {method} {path} answered a byte above 0x7F")
    if state["server_key"] is not None:
        signature = base64.b64decode(received["X-Bunq-Server-Signature"])
        state["server_key"].verify(signature, answer, padding.PKCS1v15(), hashes.SHA256())
    return status, json.loads(answer)


def items(answer, kind):
    return [item[kind] for item in answer["Response"] if kind in item]


def expect(condition, what):
    if not condition:
        sys.exit(f"foreign client: {what}")
    print(f"ok  {what}")


def run_as_new_user():
    status, answer = call("POST", "/sandbox-user-person")
    api_key = items(answer, "ApiKey")[0]["api_key"]
    expect(status == 200 and api_key.startswith("sandbox_"), "sandbox user created")

    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    status, answer = call("POST", "/installation", {"client_public_key": public_pem.decode()})
    installation_token = items(answer, "Token")[0]["token"]
    state["server_key"] = serialization.load_pem_public_key(items(answer, "ServerPublicKey")[0]["server_public_key"].encode())
    expect(status == 200, "installation made")

    status, answer = call("POST", "/device-server", {"description": "python", "secret": api_key, "permitted_ips": ["*"]}, installation_token)
    expect(status == 200 and items(answer, "Id"), "device registered")

    status, answer = call("POST", "/session-server", {"secret": api_key}, installation_token)
    session = answer
    session_token = items(answer, "Token")[0]["token"]
    user_id = items(answer, "UserPerson")[0]["id"]
    expect(status == 200, f"session opened for user {user_id}")

    status, answer = call("GET", f"/user/{user_id}", token=session_token)
    expect(status == 200 and items(answer, "UserPerson")[0]["id"] == user_id, "user read")

    status, answer = call("GET", f"/user/{user_id}/monetary-account", token=session_token)
    account = items(answer, "MonetaryAccountBank")[0]
    expect(status == 200 and account["status"] == "ACTIVE", f"account {account['id']} read")
    base = f"/user/{user_id}/monetary-account/{account['id']}"

    sugardaddy = {"type": "EMAIL", "value": "sugardaddy@bunq.com", "name": "Sugar Daddy"}
    status, answer = call("POST", base + "/request-inquiry", {"amount_inquired": {"value": "100.00", "currency": "EUR"}, "counterparty_alias": sugardaddy, "description": "funds", "allow_bunqme": False}, session_token)
    expect(status == 200, "money requested from sugardaddy")

    for n in range(3):
        status, answer = call("POST", base + "/payment", {"amount": {"value": "10.00", "currency": "EUR"}, "counterparty_alias": sugardaddy, "description": f"python {n}"}, session_token)
        expect(status == 200, f"payment {items(answer, 'Id')[0]['id']} made")
    payment_id = items(answer, "Id")[0]["id"]

    status, answer = call("GET", f"{base}/payment/{payment_id}", token=session_token)
    payment = items(answer, "Payment")[0]
    expect(payment["amount"] == {"value": "-10.00", "currency": "EUR"} and payment["description"] == "python 2", "payment read back")

    seen, path = [], base + "/payment?count=2"
    while path:
        status, answer = call("GET", path, token=session_token)
        seen += [p["id"] for p in items(answer, "Payment")]
        older = answer["Pagination"]["older_url"]
        path = older[len("/v1"):] if older else None
    expect(len(seen) == 4 and seen == sorted(seen, reverse=True), f"paged through {len(seen)} payments, newest first")

    status, answer = call("GET", f"{base}", token=session_token)
    balance = items(answer, "MonetaryAccountBank")[0]["balance"]
    expect(balance == {"value": "70.00", "currency": "EUR"}, "balance is 70.00 EUR")

    expect(items(session, "Token")[0]["created"] and items(session, "Token")[0]["updated"], "session token carries created and updated")
    user_path = f"/user/{user_id}"
    status, answer = call("POST", user_path + "/monetary-account-savings", {"currency": "EUR", "description": "Savings \u20ac", "savings_goal": {"value": "500.00", "currency": "EUR"}}, session_token)
    savings_id = items(answer, "Id")[0]["id"]
    expect(status == 200, f"savings account {savings_id} opened")
    status, answer = call("GET", f"{user_path}/monetary-account-savings/{savings_id}", token=session_token)
    savings = items(answer, "MonetaryAccountSavings")[0]
    expect(status == 200 and savings["description"] == "Savings \u20ac" and savings["alias"], "savings account read with its alias")
    status, answer = call("POST", user_path + "/notification-filter-url", {"notification_filters": [{"category": "PAYMENT", "notification_target": "http://127.0.0.1:9/bunq"}]}, session_token)
    expect(status == 200, "notification filter set")
    status, answer = call("GET", user_path + "/notification-filter-url", token=session_token)
    expect(status == 200 and "NotificationFilterUrl" in answer["Response"][0], "notification filters listed")
    status, answer = call("POST", base + "/draft-payment", {"entries": [{"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": sugardaddy, "description": "draft"}], "number_of_required_accepts": 1}, session_token)
    expect(status == 200, f"draft payment {items(answer, 'Id')[0]['id']} made")
    status, answer = call("POST", base + "/schedule-payment", {"payment": {"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": sugardaddy, "description": "monthly"}, "schedule": {"time_start": "2030-01-01 00:00:00.000000", "recurrence_unit": "MONTHLY", "recurrence_size": 1}}, session_token)
    expect(status == 200, f"scheduled payment {items(answer, 'Id')[0]['id']} made")
    status, answer = call("POST", base + "/bunqme-tab", {"bunqme_tab_entry": {"amount_inquired": {"value": "5.00", "currency": "EUR"}, "description": "lunch"}}, session_token)
    tab_id = items(answer, "Id")[0]["id"]
    status, answer = call("GET", f"{base}/bunqme-tab/{tab_id}", token=session_token)
    expect(status == 200 and items(answer, "BunqMeTab")[0]["id"] == tab_id, "bunq.me tab made and read")
    status, answer = call("POST", base + "/customer-statement", {"statement_format": "CSV", "date_start": "2026-01-01", "date_end": "2026-12-31"}, session_token)
    expect(status == 200, "statement export made")
    status, answer = call("GET", user_path + "/card", token=session_token)
    expect(status == 200 and isinstance(answer["Response"], list), "cards listed")
    status, answer = call("GET", base + "/request-inquiry", token=session_token)
    expect(status == 200 and items(answer, "RequestInquiry"), "request inquiries listed")

    status, answer = call("DELETE", "/session/0", token=session_token)
    expect(status == 200 and answer["Response"] == [], "session closed")
    status, answer = call("GET", f"/user/{user_id}", token=session_token)
    expect(status == 401 and answer["Error"], "closed session refused")


for n in ("first", "second"):
    print(f"-- as the runner's {n} user")
    state["server_key"] = None
    run_as_new_user()
print("foreign client: all steps passed")
