"""What the index tests share: a deterministic test embedder and rows with every filter field."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from index.catalog import Catalog
from index.embeddings import Embedder, EmbeddingCache
from index.rows import Row
from index.vectorstore import VectorStore, make_client

SENTENCES = [
    "社区党组织领导居民委员会开展工作。",
    "业主委员会由业主大会选举产生，每届任期五年。",
    "网格员每月入户走访，及时发现和上报问题。",
    "物业服务企业应当公开收费项目和标准。",
    "街道办事处指导社区开展志愿服务活动。",
    "推进“3456”工作法，党建引领基层治理。",
    "老旧小区改造坚持居民自愿、政府支持。",
    "The committee meets twice a year; 会议 由 主任 召集。",
]


class HashEmbedder(Embedder):
    """Deterministic vectors from the text's hash: no model needed."""

    name, dim = "hash-test", 16

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(self.dim)
            out[i] = v / np.linalg.norm(v)
        return out


def make_rows(n: int) -> list[Row]:
    regions = [["辽宁省", "大连市", "甘井子区"], ["辽宁省", "沈阳市"], ["浙江省"], []]
    kinds = ["领导讲话", "经验交流/案例", "理论文章/研究", "政策文件"]
    rows = []
    for i in range(n):
        text = "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 3)) + f"第{i}段。"
        rows.append(
            Row(
                id=f"c{i}",
                file=f"{i // 5:03d}_doc.txt",
                title=f"文件{i // 5}",
                section=["总则", "工作机制", "保障措施", ""][i % 4],
                section_no=i % 4,
                region=(regions[i % 4] or [""])[-1],
                region_path=list(regions[i % 4]),
                kind=kinds[i % 4],
                date=f"{2018 + i % 5}-01-01",
                year=2018 + i % 5,
                is_case=i % 3 == 0,
                start=0,
                end=len(text),
                text=text,
                issuer_region=list(regions[(i + 1) % 4]),
                also_in=[{"file": "x.txt", "id": f"x{i}"}] if i % 7 == 0 else [],
            )
        )
    return rows


@pytest.fixture
def catalog(tmp_path):
    embedder = HashEmbedder()
    name = f"policykb-{embedder.name}-{embedder.dim}"
    return Catalog(
        tmp_path / "keyword" / name,
        VectorStore(make_client(tmp_path), name),
        embedder,
        EmbeddingCache(tmp_path / "embed_cache.sqlite"),
    )
