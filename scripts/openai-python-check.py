"""Checks the OpenAI-compatible /v1 surface with the official Python SDK (run by openai-python-check.sh).

Reads SIGMAGPT_BASE_URL (the server), SIGMAGPT_API_KEY (a personal key) and SIGMAGPT_ACCESS_TOKEN (an
access token, which /v1 must refuse). The server runs the demo model, so no provider is needed.
Exits non-zero at the first failed check, naming it.
"""

import os
import sys

import openai
from openai import OpenAI

BASE = os.environ["SIGMAGPT_BASE_URL"].rstrip("/") + "/v1"
KEY = os.environ["SIGMAGPT_API_KEY"]
TOKEN = os.environ["SIGMAGPT_ACCESS_TOKEN"]

client = OpenAI(base_url=BASE, api_key=KEY, max_retries=0, timeout=30)
passed = 0


def check(name, condition, detail=""):
    global passed
    if not condition:
        print(f"FAIL {name} {detail}", file=sys.stderr)
        sys.exit(1)
    passed += 1
    print(f"ok   {name}")


def expect_error(name, error_type, status, call, code=None, param=None):
    try:
        call()
    except error_type as error:
        body = error.body if isinstance(error.body, dict) else {}
        check(
            name,
            error.status_code == status
            and (code is None or body.get("code") == code)
            and (param is None or body.get("param") == param),
            f"status={error.status_code} body={error.body}",
        )
        return
    except Exception as error:  # noqa: BLE001 - report whatever else came back
        check(name, False, f"raised {type(error).__name__}: {error}")
    check(name, False, "no error raised")


USER = [{"role": "user", "content": "Hello from Python"}]

models = client.models.list()
check("models.list returns the allowed models", [m.id for m in models.data] == ["demo"], str(models))
check("models.retrieve", client.models.retrieve("demo").id == "demo")

completion = client.chat.completions.create(model="demo", messages=USER, temperature=0.5, seed=1)
check("non-stream: chat.completion object", completion.object == "chat.completion")
check("non-stream: id chatcmpl-", completion.id.startswith("chatcmpl-"), completion.id)
text = completion.choices[0].message.content or ""
check("non-stream: demo reply echoes the message", "Hello from Python" in text, text)
check("non-stream: finish_reason stop", completion.choices[0].finish_reason == "stop")
check("non-stream: usage", completion.usage is not None and completion.usage.total_tokens > 0)

stream = client.chat.completions.create(
    model="demo", messages=USER, stream=True, stream_options={"include_usage": True}
)
chunks = list(stream)
streamed = "".join((c.choices[0].delta.content or "") for c in chunks if c.choices)
check("stream: chunks are chat.completion.chunk", all(c.object == "chat.completion.chunk" for c in chunks))
check("stream: text equals the JSON reply", streamed == text, repr(streamed))
check("stream: one finish_reason", [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"])
check("stream: usage chunk last with choices []", chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0)

with client.chat.completions.with_streaming_response.create(model="demo", messages=USER, stream=True) as raw:
    lines = [line for line in raw.iter_lines() if line]
check("stream: the wire ends with data: [DONE]", lines[-1] == "data: [DONE]", repr(lines[-1:]))

stored = client.chat.completions.with_raw_response.create(model="demo", messages=USER, store=True)
check("store: X-Chat-Id names the chat", len(stored.headers.get("x-chat-id", "")) == 24)

expect_error(
    "bad key: AuthenticationError 401 invalid_api_key",
    openai.AuthenticationError,
    401,
    lambda: OpenAI(base_url=BASE, api_key="sgpt_wrong", max_retries=0).models.list(),
    code="invalid_api_key",
)
expect_error(
    "access token on /v1: 401",
    openai.AuthenticationError,
    401,
    lambda: OpenAI(base_url=BASE, api_key=TOKEN, max_retries=0).models.list(),
)
expect_error(
    "unknown model: NotFoundError 404 model_not_found",
    openai.NotFoundError,
    404,
    lambda: client.chat.completions.create(model="gpt-nope", messages=USER),
    code="model_not_found",
    param="model",
)
expect_error(
    "n > 1: BadRequestError 400 on n",
    openai.BadRequestError,
    400,
    lambda: client.chat.completions.create(model="demo", messages=USER, n=2),
    param="n",
)
expect_error(
    "unknown parameter: BadRequestError 400 naming it",
    openai.BadRequestError,
    400,
    lambda: client.chat.completions.create(model="demo", messages=USER, extra_body={"frobnicate": 1}),
    code="unknown_parameter",
    param="frobnicate",
)
expect_error(
    "bad value: BadRequestError 400 on temperature",
    openai.BadRequestError,
    400,
    lambda: client.chat.completions.create(model="demo", messages=USER, temperature=5),
    param="temperature",
)

print(f"openai-python-check: {passed} checks passed with openai {openai.__version__}")
