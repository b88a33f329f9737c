"""schemathesis hooks for scripts/fuzz.sh: every authenticated operation runs while logged in.

Authenticates as the fuzz user, logging in again every few seconds. Operations that need more
than a bearer token get real credentials of their own, so that their success paths are reached
and they cannot lock the fuzz user out:

- POST /api/auth/refresh gets the refresh cookie of a fresh login (a cookie is good for one use);
- POST /api/auth/password and DELETE /api/auth/me run as a throw-away account made for the case,
  with that account's real password in place of a generated one;
- logout (POST and GET) ends a session of its own, not the one the other operations use;
- login uses the fuzz user's real credentials for half of the cases;
- `{id}` path parameters name a real chat of the fuzz user (made for the case) in three cases out
  of four (on /api/keys/{id} a real key of the fuzz user), and the opaque `cursor` is left out in
  three out of four (a made-up one is a 400);
- GET /metrics sends the server's METRICS_TOKEN;
- /api/admin/users/{id} always names a throw-away account (the fuzz user is an administrator, and
  must not disable or demote itself);
- /v1 operations take a personal API key instead of the access token, made once for a second user
  (the fuzz user logs out and changes passwords, which would void a key of its own).

A generated value is replaced only where it is valid by the published schema: negative cases keep
the invalid values they were generated with, and must still be refused.
"""

import itertools
import json
import os
import random
import secrets
import time
import urllib.error
import urllib.request

import schemathesis

BASE_URL = os.environ["FUZZ_BASE_URL"]
EMAIL = os.environ["FUZZ_EMAIL"]
PASSWORD = os.environ["FUZZ_PASSWORD"]
METRICS_TOKEN = os.environ["FUZZ_METRICS_TOKEN"]
REFRESH_COOKIE = "refresh_token"
_accounts = itertools.count(1)


def _call(method, path, body=None, token=None):
    """A JSON request to the server under test; returns (status, body, refresh cookie or None)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{BASE_URL}{path}", data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        cookie = None
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == REFRESH_COOKIE:
                cookie = rest.split(";", 1)[0]
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None), cookie


def _login(email=EMAIL, password=PASSWORD):
    _status, body, cookie = _call("POST", "/api/auth/login", {"email": email, "password": password})
    return body["accessToken"], cookie


def _throwaway_account():
    """A new account: (its password, its access token, its user id)."""
    email = f"fuzz.throwaway.{next(_accounts)}.{time.time_ns()}@example.test"
    password = secrets.token_urlsafe(12)
    _status, body, _cookie = _call(
        "POST", "/api/auth/signup", {"email": email, "password": password}
    )
    return password, body["accessToken"], body["user"]["id"]


def _new_chat(token):
    _status, body, _cookie = _call("POST", "/api/chats", {"title": "fuzz"}, token)
    return body["id"]


def _new_key(token):
    try:
        _status, body, _cookie = _call("POST", "/api/keys", {"name": "fuzz"}, token)
        return body["id"]
    except urllib.error.HTTPError:
        # Every key slot taken (deletes that failed validation leave keys behind): any id, a 404.
        return _new_chat(token)


def _valid_password(value):
    """What the published schema allows for a password that is checked (1–72 characters)."""
    return isinstance(value, str) and 1 <= len(value) <= 72


def _valid_string(value, max_length):
    return isinstance(value, str) and len(value) <= max_length


@schemathesis.auth(refresh_interval=2)
class FuzzUser:
    def get(self, case, ctx):
        return _login()[0]

    def set(self, case, data, ctx):
        operation = f"{case.operation.method.upper()} {case.operation.path}"
        token = data
        body = case.body if isinstance(case.body, dict) else None

        if operation == "POST /api/auth/refresh":
            token, cookie = _login()
            case.cookies = {**(case.cookies or {}), REFRESH_COOKIE: cookie}
        elif operation in ("POST /api/auth/logout", "GET /api/auth/logout"):
            token, cookie = _login()
            case.cookies = {**(case.cookies or {}), REFRESH_COOKIE: cookie}
        elif operation == "POST /api/auth/password":
            password, token, _user = _throwaway_account()
            if body is not None and _valid_password(body.get("currentPassword")):
                body["currentPassword"] = password
        elif operation == "DELETE /api/auth/me":
            password, token, _user = _throwaway_account()
            if body is not None and _valid_password(body.get("password")):
                body["password"] = password

        elif operation == "GET /metrics":
            token = METRICS_TOKEN

        path = case.operation.path
        if path == "/api/admin/users/{id}" and case.path_parameters:
            # Always another account: the fuzz user (an administrator) must never disable or
            # demote itself, nor the account that owns the /v1 key.
            if _valid_string(case.path_parameters.get("id"), 10_000):
                case.path_parameters["id"] = _throwaway_account()[2]
        elif "{id}" in path and case.path_parameters and random.random() < 0.75:
            if _valid_string(case.path_parameters.get("id"), 10_000):
                make = _new_key if path.startswith("/api/keys/") else _new_chat
                case.path_parameters["id"] = make(data)
        if case.query and _valid_string(case.query.get("cursor"), 200) and random.random() < 0.75:
            del case.query["cursor"]

        case.headers = case.headers or {}
        # /v1 takes a personal API key, not the access token.
        secret = _api_key() if case.operation.path.startswith("/v1/") else token
        case.headers["Authorization"] = f"Bearer {secret}"


_v1_key = None


def _api_key():
    """A key of a second user of its own: the fuzzer (as the first user) cannot delete it or void it."""
    global _v1_key
    if _v1_key is None:
        _status, body, _cookie = _call(
            "POST", "/api/auth/signup", {"email": f"v1.{EMAIL}", "password": PASSWORD}
        )
        _status, key, _cookie = _call("POST", "/api/keys", {"name": "fuzz"}, body["accessToken"])
        _v1_key = key["key"]
    return _v1_key


@schemathesis.hook
def before_call(context, case, kwargs):
    """Login is public, so the auth provider above never sees it: real credentials go in here."""
    if f"{case.operation.method.upper()} {case.operation.path}" != "POST /api/auth/login":
        return
    body = case.body if isinstance(case.body, dict) else None
    if (
        random.random() < 0.5
        and body is not None
        and _valid_string(body.get("email"), 254)
        and _valid_password(body.get("password"))
    ):
        body["email"], body["password"] = EMAIL, PASSWORD
