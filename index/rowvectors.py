"""Every row's vector in row order (``vectors.npy`` beside the keyword index), memory-mapped.

Chroma stays the vector store and answers unfiltered searches through its HNSW index. Under a
filter, Chroma needs either a long id list or a wide search thrown away afterwards, and both
cost more than the filter's rows scanned exactly: a numpy product over the allowed rows'
vectors, which are also the exact cosines the retriever would otherwise fetch back from Chroma.

The file is written with the keyword index and swapped in with it, so it always matches the
row list it was loaded with. It is written a block at a time through plain reads and writes,
never through a map, so a sync holds no extra copy of 100k vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

FILE = "vectors.npy"
BLOCK = 4096  # rows assembled and written at a time
# Up to this share of the rows, only the allowed rows are multiplied, gathered GATHER_BLOCK at a
# time (one large gather allocates and copies the whole selection: 6.5 ms for 9.7k rows at 100k,
# against 2.8 ms in blocks); above it, one product over every row (10 ms at 100k) is cheaper.
GATHER_SHARE = 0.3
GATHER_BLOCK = 1024


def load(directory: Path | None, n: int, dim: int) -> np.ndarray | None:
    """The saved matrix when it matches ``n`` rows of ``dim``; None for an index saved without it."""
    path = directory / FILE if directory is not None else None
    if path is None or not path.exists() or n == 0:
        return None
    try:
        matrix = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if matrix.dtype != np.float32 or matrix.shape != (n, dim):
        return None
    return matrix


def write(
    path: Path,
    ids: Sequence[str],
    dim: int,
    old_ids: Sequence[str],
    old: Path | None,
    reusable: Callable[[str], bool],
    fetch: Callable[[list[int]], np.ndarray],
) -> None:
    """Write the vectors of ``ids`` in order: from the file ``old`` (rows of ``old_ids``) where
    ``reusable(id)``, else ``fetch(positions)``, which returns the vectors of those positions of ``ids``.

    The old file is read with plain reads, not mapped: its pages go to the page cache, not into
    this process's memory, which a sync at 100k rows cannot spare (make bench, peak RSS).
    """
    at: dict[str, int] = {}
    mapped = None
    if old is not None:
        mapped = np.load(old, mmap_mode="r")  # never read through: see read_rows
        at = {cid: i for i, cid in enumerate(old_ids)}
    with path.open("wb") as f:
        np.lib.format.write_array_header_1_0(
            f,
            {
                "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
                "fortran_order": False,
                "shape": (len(ids), dim),
            },
        )
        for start in range(0, len(ids), BLOCK):
            part = ids[start : start + BLOCK]
            block = np.empty((len(part), dim), dtype=np.float32)
            where = np.fromiter((at.get(c, -1) if reusable(c) else -1 for c in part), np.int64, len(part))
            for j, length in _runs(where):  # consecutive old rows: one read each
                read_rows(mapped, int(where[j]), block[j : j + length])
            missing = np.flatnonzero(where < 0)
            if len(missing):
                block[missing] = fetch([start + int(j) for j in missing])
            f.write(block.tobytes())


def read_rows(mapped: np.memmap, start: int, out: np.ndarray) -> None:
    """``len(out)`` rows of a memory-mapped .npy from row ``start`` into ``out`` (same dtype,
    contiguous), read from its file: reading through the mapping would keep those pages
    resident in this process for as long as the mapping lives."""
    with open(mapped.filename, "rb") as f:
        f.seek(mapped.offset + start * mapped.strides[0])
        if f.readinto(memoryview(out).cast("B")) != out.nbytes:
            raise ValueError(f"{mapped.filename} is shorter than its header says")


def _runs(where: np.ndarray) -> list[tuple[int, int]]:
    """(first index, length) of each run of consecutive positions >= 0 that follow each other."""
    out: list[tuple[int, int]] = []
    j = 0
    while j < len(where):
        if where[j] < 0:
            j += 1
            continue
        k = j + 1
        while k < len(where) and where[k] == where[k - 1] + 1:
            k += 1
        out.append((j, k - j))
        j = k
    return out


def nearest(matrix: np.ndarray, question: np.ndarray, allowed: np.ndarray, n: int) -> list[tuple[int, float]]:
    """(row, cosine) of the ``n`` rows nearest ``question`` among the ``allowed`` ones, best first."""
    rows = np.flatnonzero(allowed)
    if not len(rows):
        return []
    if len(rows) <= GATHER_SHARE * len(matrix):
        cosine = np.concatenate(
            [matrix[rows[a : a + GATHER_BLOCK]] @ question for a in range(0, len(rows), GATHER_BLOCK)]
        )
    else:
        cosine = (matrix @ question)[rows]
    n = min(n, len(rows))
    top = np.argpartition(-cosine, n - 1)[:n]
    top = top[np.argsort(-cosine[top], kind="stable")]
    return [(int(rows[j]), float(cosine[j])) for j in top]
