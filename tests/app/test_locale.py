"""The page reports zh-CN to Gradio's front end before it starts; nothing else is touched."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.web.locale import SCRIPT, ChineseFirst, rewrite

PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>x</body></html>'


def _client() -> TestClient:
    async def page(_):
        return HTMLResponse(PAGE)

    async def config(_):
        return JSONResponse({"lang": "en", "head": "<head>"})

    async def stream(_):
        async def chunks():
            yield b"data: <head>\n\n"
            yield b"data: 2\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream")

    routes = [Route("/", page), Route("/config", config), Route("/stream", stream)]
    return TestClient(Starlette(routes=routes, middleware=[Middleware(ChineseFirst)]))


def test_the_page_gets_the_script_first_and_a_chinese_lang():
    r = _client().get("/")
    assert r.text.startswith('<!doctype html><html lang="zh-CN"><head>' + SCRIPT.decode())
    assert int(r.headers["content-length"]) == len(r.content)
    assert "navigator" not in PAGE and "Navigator.prototype, 'language'" in r.text


def test_other_responses_pass_unchanged():
    client = _client()
    assert client.get("/config").json() == {"lang": "en", "head": "<head>"}
    assert client.get("/stream").content == b"data: <head>\n\ndata: 2\n\n"
    assert client.post("/").status_code == 405  # not a GET: straight through


def test_a_page_without_head_is_left_alone():
    assert rewrite(b"<p>plain</p>") == b"<p>plain</p>"
