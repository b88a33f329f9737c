"""schemathesis hooks for scripts/fuzz.sh: every authenticated operation runs while logged in.

Authenticates as the fuzz user, logging in again every few seconds. Operations that need more
than a bearer token get real credentials of their own, so that their success paths are reached
and they cannot lock the fuzz user out:

- POST /api/auth/refresh gets the refresh cookie of a fresh login (a cookie is good for one use);
- POST /api/auth/password and DELETE /api/auth/me run as a throw-away account made for the case,
  with that account's real password in place of a generated one;
- logout (POST and GET) ends a session of its own, not the one the other operations use;
- login uses the fuzz user's real credentials; sign-up a new address;
- `{id}` path parameters name a real chat of the fuzz user (made for the case; on /api/keys/{id} a
  real key of the fuzz user), and the opaque `cursor` is left out (a made-up one is a 400);
- GET /metrics sends the server's METRICS_TOKEN;
- /api/admin/users/{id} always names a throw-away account (the fuzz user is an administrator, and
  must not disable or demote itself);
- /v1 operations take a personal API key instead of the access token, made once for a second user
  (the fuzz user logs out and changes passwords, which would void a key of its own).

"Real" values go to every case of the coverage and examples phases and to most of the fuzzing
phase's (see _usually): the rest keep made-up ones, whose refusals (400, 404, 409) are tested too.

Valid (positive) cases also get the server state and the values no schema can name, so that they
reach the logic behind validation rather than a 400 or 404 on data the description allows:

- `model` is one of the server's models (read once from GET /api/models): the description
  publishes `model` as a plain string whose allowed values are that list (a configuration, not
  part of the contract), so a generated name is a 400 that no schema could have told apart;
- POST …/fork names a real chat with an exchange and one of its messages; POST …/continue names a
  reply that was stopped half-way (incomplete, the only kind that can be continued); regenerate,
  DELETE …/messages/{messageId} and GET …/stream name a real exchange: which message belongs to
  which chat, and in what state, is server state;
- `Last-Event-ID`, `?lastEventId=`, `parentId`, `leafId` and `activeLeafId` are well-formed ids
  that must also name a message of that chat: they are left out, or name one, most of the time;
- `chatId`/`threadId` of POST /api/chat name a real chat, and `Idempotency-Key` is new for the
  case (generated keys repeat with other bodies: a 409);
- new passwords fit in 72 UTF-8 bytes: published as 72 characters plus `x-maxBytes`, since no
  JSON Schema keyword counts bytes;
- /api/usage and /api/admin/usage get `from` ≤ `to` within the longest report: a rule across two
  fields that JSON Schema cannot state (the description says it in words);
- POST /api/ai-sdk/chat: the last message (the new one) is the user's and has a text part — a
  rule on the last item of an array, which JSON Schema cannot address — and `regenerate-message`
  names a useChat id that already has a chat with an answer.

A generated value is replaced only where it is valid by the published schema: negative cases keep
the invalid values they were generated with, and must still be refused.
"""

import datetime
import http.client
import itertools
import json
import os
import random
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import MutableMapping

import schemathesis

BASE_URL = os.environ["FUZZ_BASE_URL"]
EMAIL = os.environ["FUZZ_EMAIL"]
PASSWORD = os.environ["FUZZ_PASSWORD"]
METRICS_TOKEN = os.environ["FUZZ_METRICS_TOKEN"]
REFRESH_COOKIE = "refresh_token"
# Hypothesis seeds the global `random` for each example it runs, so its draws repeat from case
# to case; the hooks' choices come from a generator of their own.
_rng = random.Random()
_accounts = itertools.count(1)


def _call(method, path, body=None, token=None):
    """A JSON request to the server under test; returns (status, body, refresh cookie or None).

    A 429 (replies of the other worker still running) is retried a few times.
    """
    for attempt in range(5):
        try:
            return _call_once(method, path, body, token)
        except urllib.error.HTTPError as error:
            if error.code != 429 or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _call_once(method, path, body=None, token=None):
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


def _positive(case):
    """Whether the case was generated valid (a negative case keeps what makes it invalid)."""
    mode = getattr(getattr(case.meta, "generation", None), "mode", None)
    return str(getattr(mode, "value", mode)) == "positive"


_models = None


def _models_of(token):
    """The server's model ids (GET /api/models), read once."""
    global _models
    if _models is None:
        _status, body, _cookie = _call("GET", "/api/models", token=token)
        _models = [model["id"] for model in body]
    return _models


def _exchange(token):
    """A new chat with one answered message: (chat id, user message id, reply id), or None."""
    try:
        _status, body, _cookie = _call(
            "POST", "/api/chats", {"message": "fuzz", "stream": False}, token
        )
    except urllib.error.HTTPError:
        return None  # the case keeps its generated ids
    return body["id"], body["messages"][0]["id"], body["messages"][1]["id"]


def _events(response):
    """The (event, data) pairs of a text/event-stream response, as they arrive."""
    event, data = None, []
    for raw in iter(response.readline, b""):
        line = raw.decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and event is not None:
            yield event, json.loads("\n".join(data)) if data else None
            event, data = None, []


def _stopped_reply(token):
    """A chat whose reply was cut after its first words: (chat id, reply id), or None.

    Only a cut answer can be continued: one stopped (incomplete) or ended by the token limit
    (finish reason `length`). The fuzz server's MAX_TOKENS makes the demo model end every long
    reply at the limit; the stop after the first `delta` is a second way, for a server without it.
    """
    url = BASE_URL.split("://", 1)[1]
    for _attempt in range(3):
        connection = http.client.HTTPConnection(url, timeout=10)
        try:
            connection.request(
                "POST",
                "/api/chats",
                json.dumps({"message": "fuzz " * 40, "stream": True}),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            response = connection.getresponse()
            if response.status == 429:
                time.sleep(0.2 * (_attempt + 1))
                continue
            if response.status != 200:
                return None
            chat = reply = None
            for event, data in _events(response):
                if event == "meta":
                    chat, reply = data["chat"]["id"], data["assistantMessage"]["id"]
                elif event == "delta" and chat:
                    _call("POST", f"/api/chats/{chat}/stop", token=token)
                    chat = None
                elif event in ("done", "error"):
                    message = data.get("message") or {}
                    cut = message.get("status") == "incomplete" or message.get("finishReason") == "length"
                    if cut and message.get("content"):
                        return message["chatId"], reply
                    break
        finally:
            connection.close()
    return None


_ai_sdk_chat = None


def _ai_sdk_chat_id(token):
    """A useChat id whose chat already has an answer, so `regenerate-message` has one to redo."""
    global _ai_sdk_chat
    if _ai_sdk_chat is None:
        chat_id = f"fuzz-ai-sdk-{time.time_ns()}"
        body = {
            "id": chat_id,
            "trigger": "submit-message",
            "messages": [{"id": "m1", "role": "user", "parts": [{"type": "text", "text": "hi"}]}],
        }
        request = urllib.request.Request(
            f"{BASE_URL}/api/ai-sdk/chat",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError:
            return None  # tried again on the next case
        _ai_sdk_chat = chat_id
    return _ai_sdk_chat


def _is_day(value):
    try:
        datetime.date.fromisoformat(value)
        return isinstance(value, str) and len(value) == 10
    except (TypeError, ValueError):
        return False


MAX_REPORT_DAYS = 366


def _usage_range(query):
    """`from` not after `to`, and at most MAX_REPORT_DAYS days (`to` defaults to today)."""
    start, end = query.get("from"), query.get("to")
    if start is not None and not _is_day(start) or end is not None and not _is_day(end):
        return
    if start is None:
        return
    if end is None:
        today = datetime.date.today()
        first = datetime.date.fromisoformat(start)
        if first > today or (today - first).days >= MAX_REPORT_DAYS:
            query["to"] = start
        return
    first, last = sorted([datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)])
    if (last - first).days >= MAX_REPORT_DAYS:
        first = last - datetime.timedelta(days=MAX_REPORT_DAYS - 1)
    query["from"], query["to"] = first.isoformat(), last.isoformat()


def _usually(case, share=0.75):
    """Whether to give a case the real value: `share` of the fuzzing phase's cases, every other one.

    The fuzzing phase sends dozens of cases per operation, so the rest of them still reach the
    refusals of made-up values. The coverage and examples phases send a handful, and schemathesis
    reads an operation none of whose valid cases succeeded in a phase as one whose description
    hides a rule: there the generated boundary values go with real state.
    """
    phase = getattr(getattr(case.meta, "phase", None), "name", None)
    return str(getattr(phase, "value", phase)) != "fuzzing" or _rng.random() < share


def _realistic(case, operation, token):
    """Server state and the values no schema states, for valid cases (see the module docstring)."""
    if not _positive(case):
        return
    body = case.body if isinstance(case.body, dict) else None
    params = case.path_parameters or {}
    # Headers are a case-insensitive mapping, not a dict.
    query = case.query if isinstance(case.query, MutableMapping) else None
    headers = case.headers if isinstance(case.headers, MutableMapping) else None

    if body is not None and isinstance(body.get("model"), str) and _usually(case, 0.8):
        body["model"] = _rng.choice(_models_of(token))

    path = case.operation.path
    if operation == "POST /api/chats/{id}/fork" and body is not None and _usually(case):
        exchange = _exchange(token)
        if exchange and isinstance(body.get("messageId"), str):
            params["id"], question, reply = exchange
            body["messageId"] = _rng.choice([question, reply])
    elif operation == "POST /api/chats/{id}/messages/{messageId}/continue" and _usually(case):
        stopped = _stopped_reply(token)
        if stopped:
            params["id"], params["messageId"] = stopped
    elif path.startswith("/api/chats/{id}/messages/{messageId}") and _usually(case):
        exchange = _exchange(token)
        if exchange:
            _name_exchange(exchange, path, params, query, headers)

    # Ids that must also name a message of the chat (or a reply of this user): mostly left out.
    for values, name in ((query, "leafId"), (body, "activeLeafId")):
        if values is not None and isinstance(values.get(name), str) and _usually(case):
            del values[name]
    if not path.startswith("/api/chats/{id}/messages/{messageId}"):
        for values, name in ((headers, "Last-Event-ID"), (query, "lastEventId")):
            if values is not None and isinstance(values.get(name), str) and _usually(case):
                del values[name]
    if body is not None and isinstance(body.get("parentId"), str) and _usually(case):
        body["parentId"] = None
    # POST /api/chat (SigmaGPT clients): `chatId`/`threadId` name an existing chat or none.
    for name in ("chatId", "threadId"):
        if body is not None and isinstance(body.get(name), str) and _usually(case):
            body[name] = _new_chat(token)
    # A key is for one request: generated keys repeat across cases with other bodies (a 409).
    key = headers.get("Idempotency-Key") if headers is not None else None
    if isinstance(key, str) and key and _usually(case):
        headers["Idempotency-Key"] = f"fuzz-{secrets.token_hex(8)}"

    if path in ("/api/usage", "/api/admin/usage") and query is not None:
        _usage_range(query)

    if operation == "POST /api/ai-sdk/chat" and body is not None:
        _ai_sdk_request(case, body, token)


def _name_exchange(exchange, path, params, query, headers):
    """Point a message route at a real exchange; a stream's cursors at its reply."""
    params["id"], question, reply = exchange
    answers_only = path.endswith("/stream")
    params["messageId"] = reply if answers_only else _rng.choice([question, reply])
    for values, name in ((query, "lastEventId"), (headers, "Last-Event-ID")):
        if values is not None and isinstance(values.get(name), str) and values[name]:
            values[name] = f"{reply}:{_rng.choice(['0', '10', 'end'])}"


def _ai_sdk_request(case, body, token):
    """The new message is the user's, with text; a regenerate names a chat with an answer."""
    messages = body.get("messages")
    if body.get("trigger") == "regenerate-message":
        if isinstance(body.get("id"), str) and _usually(case):
            body["id"] = _ai_sdk_chat_id(token) or body["id"]
    elif isinstance(messages, list) and messages and isinstance(messages[-1], dict):
        last = messages[-1]
        parts = last.get("parts")
        if not isinstance(parts, list):
            return
        last["role"] = "user"
        text = {"type": "text", "text": "fuzz"}
        if len(parts) < 1000:
            parts.append(text)
        else:
            parts[-1] = text


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
            if body is not None and _positive(case):
                _within_bcrypt(body, "newPassword")
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
        elif "{id}" in path and case.path_parameters and _usually(case):
            if _valid_string(case.path_parameters.get("id"), 10_000):
                make = _new_key if path.startswith("/api/keys/") else _new_chat
                case.path_parameters["id"] = make(data)
        if case.query and _valid_string(case.query.get("cursor"), 200) and _usually(case):
            del case.query["cursor"]

        _realistic(case, operation, data)

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
    """Login and sign-up are public, so the auth provider above never sees them: they are here."""
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    body = case.body if isinstance(case.body, dict) else None
    if operation == "POST /api/auth/login":
        if (
            _usually(case, 0.5)
            and body is not None
            and _valid_string(body.get("email"), 254)
            and _valid_password(body.get("password"))
        ):
            body["email"], body["password"] = EMAIL, PASSWORD
    elif operation in ("POST /api/auth/signup", "POST /api/auth/register"):
        if not _positive(case) or body is None:
            return
        # Generated addresses repeat from case to case (a 409 EMAIL_TAKEN from the second on).
        if isinstance(body.get("email"), str) and _usually(case):
            body["email"] = f"fuzz.signup.{next(_accounts)}.{time.time_ns()}@example.test"
        _within_bcrypt(body, "password")


def _within_bcrypt(body, name):
    """A password cut to 72 UTF-8 bytes, which bcrypt reads and the server allows.

    Published as `maxLength: 72` (characters) with `x-maxBytes: 72`: no JSON Schema keyword
    counts bytes, so a generated password of 72 characters can be longer than the server takes.
    """
    value = body.get(name)
    if isinstance(value, str) and len(value.encode()) > 72:
        while len(value.encode()) > 72:
            value = value[:-1]
        body[name] = value
