#!/usr/bin/env python3
"""bunq's own Python SDK (bunq-sdk 1.28.0, unmodified) logs in as a PSD2 provider against the
standalone sandbox runner: ApiContext.create_for_psd2 with a self-signed certificate (made by
openssl: tests/vectors/make.sh), then BunqContext.load_api_context.

    target/bunq-sdk-venv/bin/python .ci/sdk_psd2.py http://127.0.0.1:PORT/v1/

The SDK knows two base URLs (production, sandbox); the sandbox one is pointed at the runner.
"""
import sys
from pathlib import Path

from bunq.sdk.context.api_context import ApiContext
from bunq.sdk.context.api_environment_type import ApiEnvironmentType
from bunq.sdk.context.bunq_context import BunqContext
from bunq.sdk.model.generated.endpoint import UserPaymentServiceProviderApiObject

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors"


def main(base_url):
    if not base_url.endswith("/"):
        base_url += "/"
    ApiEnvironmentType.SANDBOX._uri_base = base_url
    certificate = (VECTORS / "cases/psd2_credential/certificate.pem").read_text()
    private_key = (VECTORS / "keys/provider.pem").read_text()

    context = ApiContext.create_for_psd2(
        ApiEnvironmentType.SANDBOX, certificate, private_key, [certificate], "bunq-sdk psd2 check", ["*"])
    BunqContext.load_api_context(context)

    user = context.session_context.get_user_reference()
    if not isinstance(user, UserPaymentServiceProviderApiObject):
        sys.exit(f"the session's user is a {type(user).__name__}, not a UserPaymentServiceProvider")
    print(f"bunq-sdk 1.28.0: create_for_psd2 and load_api_context done; "
          f"UserPaymentServiceProvider {user.id_} ({user.certificate_distinguished_name})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
