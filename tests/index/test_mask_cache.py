"""Filter masks without a catalog: columns follow the row list, also across threads."""

from __future__ import annotations

import sys
import threading

from index.retrieve import Filters, HybridRetriever
from index.rows import Row


def _rows(n: int, region: str) -> list[Row]:
    return [
        Row(
            id=f"{region}-{i}",
            file=f"{region}.txt",
            title="t",
            section="s",
            section_no=0,
            region=region,
            region_path=[region],
            kind="经验交流/案例",
            date="",
            year=2020,
            is_case=True,
            start=0,
            end=1,
            text="x",
        )  # fmt: skip
        for i in range(n)
    ]


def test_mask_follows_the_row_list_even_when_its_id_is_reused():
    retriever = HybridRetriever(catalog=None)
    wanted = Filters(region="甲市")
    # CPython hands a freed list's address to the next list, as after a sync replaced the rows.
    for attempt in range(200):
        old = _rows(3, "甲市")
        assert retriever._mask(wanted, old).tolist() == [True] * 3
        del old
        new = _rows(2, "乙市") if attempt % 2 else _rows(3, "乙市")
        mask = retriever._mask(wanted, new)
        assert mask.tolist() == [False] * len(new), f"stale mask after a sync (attempt {attempt})"


def test_mask_cache_is_safe_under_threads():
    retriever = HybridRetriever(catalog=None)
    rows = _rows(50, "甲市")
    errors: list[BaseException] = []
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def work(offset: int) -> None:
        try:
            for i in range(400):
                mask = retriever._mask(Filters(year=offset * 1000 + i), rows)
                assert mask.shape == (50,)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors[:3]
