"""make load, briefly: a real policykb serve, a few gradio_client users, one upload and one delete."""

from __future__ import annotations

import pytest

from bench import load


@pytest.mark.slow
def test_brief_load_run_has_no_errors_and_loses_nothing(tmp_path, embed_cache_path):
    url, proc = load.start_server(tmp_path, {"POLICYKB_EMBED_CACHE": str(embed_cache_path)})
    try:
        result = load.run(url, clients=3, seconds=8)
    finally:
        proc.terminate()
        proc.wait(30)
    print(load.render(result))
    assert result["errors"] == 0, result["apis"]
    assert {"ask", "search", "docs", "upload", "delete"} <= set(result["apis"])
    writer = result["writer"]
    assert writer["uploaded"] and writer["listed"] and writer["cited"] and writer["deleted"], writer
    assert result["lost"] == [] and result["left_over"] == []
