"""A FAKE OpenAI-compatible chat server for tests: no real model can run here.

It speaks the real protocol on 127.0.0.1 (POST /v1/chat/completions, plain JSON or
server-sent events ending with ``data: [DONE]``; GET /v1/models) and is scripted per
test: ``behaviour`` picks a failure ("ok", "sleep", "error500", "malformed"), ``reply``
turns the request's messages into the answer text, ``standalone`` is what it returns
to a condense (rewrite) prompt. Every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE = re.compile(r"<资料 (\d+)>\n(.*?)\n</资料 \1>", re.S)


def sources_in(messages: list[dict]) -> dict[int, str]:
    """The numbered source texts of the prompt, as the fake model reads them."""
    user = next((m["content"] for m in messages if m["role"] == "user"), "")
    return {int(n): text for n, text in SOURCE.findall(user)}


def cite_sources(messages: list[dict]) -> str:
    """A well-behaved answer: the first sentence of up to three sources, each followed by its [n]."""
    parts = []
    for n, text in sorted(sources_in(messages).items())[:3]:
        first = re.split(r"(?<=[。;!?])", text.strip())[0].strip().rstrip("。;")
        parts.append(f"{n}. {first}[{n}]。")
    return "根据资料:\n" + "\n".join(parts)


def _is_condense(messages: list[dict]) -> bool:
    return any(m["role"] == "system" and "改写成独立问题" in m["content"] for m in messages)


class FakeChatServer:
    """Fake OpenAI-compatible endpoint; use as a context manager, point the client at ``url``."""

    def __init__(self):
        self.behaviour = "ok"
        self.reply: Callable[[list[dict]], str] = cite_sources
        self.standalone = ""
        self.sleep = 5.0
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer_for(self, messages: list[dict]) -> str:
        if _is_condense(messages):
            return self.standalone
        return self.reply(messages)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _json(self, status: int, body) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                try:
                    self._post()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test): nothing to answer

            def _post(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._json(404, {"error": {"message": "not found"}})
                if fake.behaviour == "sleep":
                    time.sleep(fake.sleep)
                if fake.behaviour == "error500":
                    return self._json(500, {"error": {"message": "internal error", "type": "server_error"}})
                text = fake.answer_for(body["messages"])
                if body.get("stream"):
                    return self._stream(body, text)
                if fake.behaviour == "malformed":
                    return self._raw(b'{"choices": [{"message": {"content": "oops', "application/json")
                self._json(200, _completion(body, text))

            def _raw(self, data: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                if fake.behaviour == "malformed":
                    self.wfile.write(b'data: {"choices": [{"delta": {"content": "\xe5\x8d\x8a\n\n')
                    self.wfile.write(b"data: not json at all\n\n")
                    self.wfile.flush()
                    return
                pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
                for i, piece in enumerate(pieces):
                    delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                    self._event(_chunk(body, delta, None))
                self._event(_chunk(body, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, obj: dict) -> None:
                self.wfile.write(f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

        return Handler


def _completion(body: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict, delta: dict, finish: str | None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
