"""Who may change a knowledge base, and how other processes learn that it changed.

Three files in the data directory:

- ``writer.lock``: every writer (``policykb ingest``, ``backup``, ``restore``, an upload or a
  delete in any app process) holds it while it works, so changes never interleave. A second
  writer waits (and says so) up to a timeout, then fails with a message naming the holder,
  which ``writer.lock.info`` records.
- ``chroma.lock``: the embedded Chroma (``data/chroma``) supports one process only; whoever
  opens it holds this lock until it exits or closes the knowledge base. A second process
  is refused with what to do instead (stop the app, use the app, or a Chroma server).
- ``generation``: a number the writer raises after each committed change; app processes
  poll it and reload their documents and keyword index when it moves.

Locks are flock-based (filelock), so a killed process releases them. Within one process the
same path always maps to the same lock object: a nested or repeated use does not deadlock.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from index.docstore import atomic_write
from ingest.errors import PolicykbError

log = logging.getLogger(__name__)

WRITER = "writer.lock"
STORE = "chroma.lock"
GENERATION = "generation"


class WriterBusy(PolicykbError):
    """Another process kept the knowledge base's writer lock past the timeout."""


class StoreInUse(PolicykbError):
    """The embedded Chroma of this data directory is open in another process."""


class _Lock:
    """A path's lock in this process: threads queue on ``thread``, processes on ``file``."""

    def __init__(self, path: Path):
        self.path = path
        self.thread = threading.RLock()
        self.file = FileLock(str(path), thread_local=False)
        self.depth = 0
        self.users = 0  # knowledge bases of this process holding the store lock


_registry: dict[str, _Lock] = {}
_registry_guard = threading.Lock()


def _lock(path: Path) -> _Lock:
    key = str(path.resolve())
    with _registry_guard:
        if key not in _registry:
            path.parent.mkdir(parents=True, exist_ok=True)
            _registry[key] = _Lock(path)
        return _registry[key]


def _holder(path: Path) -> str:
    try:
        return path.with_name(path.name + ".info").read_text("utf-8").strip()
    except OSError:
        return "另一个进程"


def _describe_self() -> str:
    """For the waiting side's message: pid and command (policykb serve, policykb ingest …)."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in ("policykb", "__main__.py"):
        program = "policykb"
    command = " ".join([program, *(a for a in sys.argv[1:4] if not a.startswith("/"))])
    return f"进程 {os.getpid()}（{command}）"


@contextmanager
def writer_lock(
    data_dir: Path, timeout: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[bool]:
    """Hold the writer lock; yields True for the outermost holder in this process (it commits)."""
    lock = _lock(data_dir / WRITER)
    if not lock.thread.acquire(timeout=max(timeout, 0)):
        raise WriterBusy(f"知识库正在被本进程的另一项写入占用，等待 {timeout:g} 秒仍未完成，请稍后再试")
    try:
        if lock.depth == 0:
            try:
                lock.file.acquire(timeout=0)
            except Timeout:
                holder = _holder(lock.path)
                if on_wait:
                    on_wait(f"{holder}正在写入知识库，等待其完成（最多 {timeout:g} 秒）……")
                try:
                    lock.file.acquire(timeout=timeout)
                except Timeout:
                    raise WriterBusy(
                        f"{holder}正在写入知识库 {data_dir}，等待 {timeout:g} 秒仍未完成；"
                        "请等它结束后再试（或调大 POLICYKB_WRITER_TIMEOUT）"
                    ) from None
            atomic_write(lock.path.with_name(lock.path.name + ".info"), _describe_self())
        lock.depth += 1
        try:
            yield lock.depth == 1
        finally:
            lock.depth -= 1
            if lock.depth == 0:
                lock.file.release()
    finally:
        lock.thread.release()


def hold_store(data_dir: Path) -> None:
    """Claim the embedded Chroma of ``data_dir`` for this process, or raise StoreInUse."""
    lock = _lock(data_dir / STORE)
    with _registry_guard:
        if lock.users == 0:
            try:
                lock.file.acquire(timeout=0)
            except Timeout:
                raise StoreInUse(
                    f"数据目录 {data_dir} 的嵌入式向量库正被{_holder(lock.path)}使用（通常是正在运行的"
                    " policykb serve），两个进程不能同时打开它。请任选其一：停止该应用后再运行本命令；"
                    "或在应用的“文档库”页上传、删除文档；或让应用与命令行都连接同一个 Chroma 服务器"
                    "（设置 POLICYKB_CHROMA_URL，见 README“部署”）"
                ) from None
            atomic_write(lock.path.with_name(lock.path.name + ".info"), _describe_self())
        lock.users += 1


def release_store(data_dir: Path) -> None:
    lock = _lock(data_dir / STORE)
    with _registry_guard:
        if lock.users > 0:
            lock.users -= 1
            if lock.users == 0:
                lock.file.release()


def read_generation(data_dir: Path) -> int:
    try:
        return int((data_dir / GENERATION).read_text("utf-8").strip() or 0)
    except (OSError, ValueError):
        return 0


def bump_generation(data_dir: Path) -> int:
    """Announce a committed change; only a writer-lock holder calls this."""
    value = read_generation(data_dir) + 1
    atomic_write(data_dir / GENERATION, str(value))
    return value
