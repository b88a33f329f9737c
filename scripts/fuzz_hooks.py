"""schemathesis hooks for scripts/fuzz.sh.

Authenticates as the fuzz user by logging in again every few seconds: the fuzzer itself calls
POST/GET /api/auth/logout, which (by contract) revokes the session of the token it is given, so a
single token from sign-up would leave the rest of the run unauthenticated. /v1 operations get a
personal API key instead, made once for a second user.
"""

import json
import os
import urllib.request

import schemathesis

BASE_URL = os.environ["FUZZ_BASE_URL"]
EMAIL = os.environ["FUZZ_EMAIL"]
PASSWORD = os.environ["FUZZ_PASSWORD"]


@schemathesis.auth(refresh_interval=2)
class FreshBearerToken:
    def get(self, case, ctx):
        body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
        request = urllib.request.Request(
            f"{BASE_URL}/api/auth/login",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["accessToken"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        # /v1 takes a personal API key, not the access token.
        secret = api_key() if case.path.startswith("/v1/") else data
        case.headers["Authorization"] = f"Bearer {secret}"


_api_key = None


def _post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{BASE_URL}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def api_key():
    """A key of a second user of its own: the fuzzer (as the first user) cannot delete it or void it."""
    global _api_key
    if _api_key is None:
        email = f"v1.{EMAIL}"
        token = _post("/api/auth/signup", {"email": email, "password": PASSWORD})["accessToken"]
        _api_key = _post("/api/keys", {"name": "fuzz"}, token)["key"]
    return _api_key
