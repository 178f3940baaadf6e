"""Chinese from the first paint, whatever the browser's language.

Gradio picks the language of its own strings (Loading, Drop File Here) from ``navigator.language``
when its front end starts, before any page script can run. This ASGI middleware puts a small
script at the top of the page's ``<head>`` that makes the browser report zh-CN, so even the
loading announcements a screen reader hears are Chinese. Only the HTML page is touched; the
queue's event streams and every other response pass straight through.
"""

from __future__ import annotations

SCRIPT = (
    b"<script>(() => { const langs = ['zh-CN', 'zh'];"
    b" try { Object.defineProperty(Navigator.prototype, 'language', {get: () => langs[0], configurable: true});"
    b" Object.defineProperty(Navigator.prototype, 'languages', {get: () => langs, configurable: true}); }"
    b" catch (e) { console.warn('policykb: locale', e); } })();</script>"
)


def rewrite(html: bytes) -> bytes:
    """The page with the script first in <head> and lang="zh-CN"; anything else is returned unchanged."""
    head = html.find(b"<head>")
    if head < 0:
        return html
    html = html[: head + 6] + SCRIPT + html[head + 6 :]
    return html.replace(b'lang="en"', b'lang="zh-CN"', 1)


class ChineseFirst:
    """ASGI middleware: rewrite() on GET responses whose content type is text/html."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        body: list[bytes] = []

        async def capture(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = message  # held back until the whole page is read
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = rewrite(b"".join(body))
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(scope, receive, capture)
