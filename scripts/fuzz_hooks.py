"""schemathesis hooks for scripts/fuzz.sh.

Authenticates as the fuzz user by logging in again every few seconds: the fuzzer itself calls
POST/GET /api/auth/logout, which (by contract) revokes the session of the token it is given, so a
single token from sign-up would leave the rest of the run unauthenticated.
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
        case.headers["Authorization"] = f"Bearer {data}"
