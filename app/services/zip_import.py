"""A .zip of documents uploaded in the app: checked from its directory, then unpacked with bounds.

Nothing is inflated before the member count and the declared sizes pass; each member is
copied at most its declared size (zipfile stops there and fails the CRC check when a
header lies), so a compression bomb costs neither memory nor disk. Members keep their
base name only: the archive's folders never become paths on the server.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

MB = 1_000_000


def _skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Names in old Chinese archives are GBK with no UTF-8 flag: zipfile decoded them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack(
    archive: Path, target: Path, max_files: int, max_file_bytes: int, max_total_bytes: int
) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """(shown name, unpacked path) per member, and (shown name, problem in Chinese) per refusal.

    The whole archive is refused (one problem, no members) when it is not a ZIP or declares
    more members or bytes than allowed.
    """
    shown_zip = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        return [], [(shown_zip, "不是有效的 ZIP 压缩包，请重新压缩后上传")]
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir() and not _skipped(i.filename)]
        if len(infos) > max_files:
            return [], [(shown_zip, f"压缩包内有 {len(infos)} 个文件，超过上限 {max_files} 个，请分批上传")]
        total = sum(i.file_size for i in infos)
        if total > max_total_bytes:
            return [], [
                (
                    shown_zip,
                    f"压缩包解压后 {total / MB:.0f} MB，超过上限 {max_total_bytes / MB:.0f} MB，请分批上传",
                )
            ]
        found: list[tuple[str, Path]] = []
        problems: list[tuple[str, str]] = []
        target.mkdir(parents=True, exist_ok=True)
        for n, info in enumerate(infos):
            name = _member_name(info)
            shown = f"{shown_zip}/{name}"
            if info.flag_bits & 0x1:
                problems.append((shown, "压缩包内文件有密码保护，请解密后再上传"))
                continue
            if info.file_size > max_file_bytes:
                problems.append(
                    (
                        shown,
                        f"文件过大（解压后 {info.file_size / MB:.1f} MB，上限 {max_file_bytes / MB:g} MB）",
                    )
                )
                continue
            # A numbered folder per member: two members with the same base name never collide here.
            path = target / str(n) / PurePosixPath(name.replace("\\", "/")).name
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, path.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
                path.unlink(missing_ok=True)
                problems.append((shown, f"压缩包内文件已损坏，无法解压（{type(e).__name__}）"))
                continue
            found.append((shown, path))
    return found, problems
