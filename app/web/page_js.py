"""The page script: Chinese interface whatever the browser's language, and what a click opens kept in view.

Gradio picks its own strings' language (Drop File Here, Use via API) from the browser;
``app.web.locale`` makes the browser report zh-CN before Gradio starts. Where the app is served
without that middleware, the front end's ``changeLocale`` (exported from its core module, which
the page imports again: the same module instance) switches to zh-CN once the page has loaded. The panels: a side panel (原文出处, 案例全文) is
sticky beside the results on a wide screen and, if still out of sight, scrolled to; on a narrow
screen it opens as a sheet over the bottom of the page with a 关闭 button. A new question
in the chat is scrolled to the top of the conversation box, so its answer is read from the start.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

NARROW = 768  # px: below this Gradio stacks the columns, so a side panel would sit under everything

_JS = """
() => {
  const CORE = __CORE__;
  document.documentElement.lang = "zh-CN";
  if (CORE) {
    import(new URL(CORE, document.baseURI).href)
      .then((m) => m.changeLocale && m.changeLocale("zh-CN"))
      .catch((e) => console.warn("policykb: locale", e));
  }
  const narrow = () => window.matchMedia("(max-width: __NARROW__px)").matches;
  const sides = {"pkb-source": "pkb-source-col", "pkb-case": "pkb-case-col"};
  const shown = {};
  function showMark(col) {
    // The quote, not the 300 characters before it, is what the reader clicked for.
    const m = col.querySelector("mark");
    if (!m) return;
    const r = m.getBoundingClientRect(), c = col.getBoundingClientRect();
    if (r.top < c.top || r.bottom > c.bottom) col.scrollTop += r.top - c.top - 60;
  }
  function reveal(col) {
    if (narrow()) {
      col.classList.add("pkb-sheet");
      if (!col.querySelector(":scope > .pkb-sheet-close")) {
        const b = document.createElement("button");
        b.className = "pkb-sheet-close";
        b.type = "button";
        b.textContent = "关闭";
        b.addEventListener("click", () => col.classList.remove("pkb-sheet"));
        col.prepend(b);
      }
      showMark(col);
      return;
    }
    const r = col.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 120) col.scrollIntoView({block: "start"});
    showMark(col);
  }
  function panelChanged(id) {
    const el = document.getElementById(id), col = document.getElementById(sides[id]);
    if (!el || !col) return;
    const key = (el.querySelector(".pkb-source") || el).outerHTML.length + ":" + el.textContent.slice(0, 80);
    if (shown[id] === key) return;
    shown[id] = key;
    if (el.querySelector(".pkb-empty, .pkb-err")) col.classList.remove("pkb-sheet");
    else reveal(col);
  }
  let turns = 0, pending = null;
  function chatChanged() {
    // A new turn goes to the top of the box, again as its answer grows (at first the box cannot scroll that far).
    const box = document.getElementById("pkb-chat");
    if (!box) return;
    const all = box.querySelectorAll(".pkb-turn");
    if (all.length > turns) pending = all.length - 1;
    turns = all.length;
    const turn = pending === null ? null : all[pending];
    if (!turn) return;
    box.scrollTop += turn.getBoundingClientRect().top - box.getBoundingClientRect().top - 4;
    if (turn.querySelector(".pkb-mode, .pkb-notfound, .pkb-notice")) pending = null;
  }
  new MutationObserver((mutations) => {
    const touched = new Set();
    for (const m of mutations) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const owner = el && el.closest("#pkb-chat, #pkb-source, #pkb-case");
      if (owner) touched.add(owner.id);
    }
    for (const id of touched) id === "pkb-chat" ? chatChanged() : panelChanged(id);
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


@lru_cache(maxsize=1)
def _core_module() -> str:
    """The installed Gradio front end's core module (assets/core-<hash>.js), relative to the page."""
    spec = importlib.util.find_spec("gradio")  # its location only: importing gradio takes seconds
    assets = Path(spec.origin).parent / "templates" / "frontend" / "assets"
    found = sorted(assets.glob("core-*.js"))
    if len(found) != 1:
        log.warning(
            "gradio front end: %d core modules in %s; browser language left as is", len(found), assets
        )
        return ""
    return f"./assets/{found[0].name}"


def page_js() -> str:
    """The script ``launch(js=...)`` runs once the page has loaded."""
    return _JS.replace("__CORE__", json.dumps(_core_module())).replace("__NARROW__", str(NARROW))
