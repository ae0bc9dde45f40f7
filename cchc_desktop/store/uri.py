"""The `file:` URI SQLite opens a data file by (read-only and immutable opens need one).

`Path.resolve().as_uri()` is wrong on Windows twice over: resolve() turns a mapped drive Z:\\
into its UNC path, and as_uri() writes a UNC path as file://SERVER/share/…, whose authority
SQLite refuses ("invalid uri authority"). Here the path is only made absolute (a mapped
drive stays Z:), the authority is always empty, and SQLite's own rules apply:
- drive letter: file:///C:/… (SQLite drops the slash before "C:");
- UNC \\\\server\\share\\…: file:////server/share/… (empty authority; Windows opens //server/share);
- every byte but unreserved ones and "/" percent-encoded, so '?', '#' and '%' in a folder name
  stay part of the path, and Vietnamese letters go as UTF-8 (which SQLite decodes).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote


def sqlite_uri(path: str | os.PathLike, **params: str) -> str:
    """`file:` URI of `path` for sqlite3.connect(..., uri=True), with query `params`
    (e.g. mode="ro", immutable="1"). A PurePath is taken as it is (tests build Windows paths
    on Linux); anything else is made absolute first, without resolving links or drives."""
    p = path if isinstance(path, PurePath) and not isinstance(path, Path) else Path(os.path.abspath(path))
    if isinstance(p, PureWindowsPath):
        text = _windows_path(str(p))
    else:
        text = str(p)
    uri = "file://" + quote(text, safe="/:" if isinstance(p, PureWindowsPath) else "/")
    if params:
        uri += "?" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return uri


def _windows_path(text: str) -> str:
    """C:\\a\\b → /C:/a/b; \\\\server\\share\\a → //server/share/a (verbatim \\\\?\\ prefixes dropped)."""
    if text.startswith("\\\\?\\UNC\\"):
        text = "\\\\" + text[len("\\\\?\\UNC\\"):]
    elif text.startswith("\\\\?\\"):
        text = text[len("\\\\?\\"):]
    text = text.replace("\\", "/")
    return text if text.startswith("//") else "/" + text


def connect_read_only(path: str | os.PathLike, timeout: float = 10):
    """A read-only connection: mode=ro; where that cannot open (a WAL file whose -shm cannot be
    made: read-only media, a full disk) and no -wal holds pages, immutable=1, which is exact then."""
    p = Path(path)
    conn = sqlite3.connect(sqlite_uri(p, mode="ro"), uri=True, timeout=timeout)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.OperationalError as e:
        conn.close()
        wal = p.with_name(p.name + "-wal")
        if "unable to open" not in str(e) and "disk i/o" not in str(e).lower() or (wal.exists() and wal.stat().st_size):
            raise
    return sqlite3.connect(sqlite_uri(p, mode="ro", immutable="1"), uri=True, timeout=timeout)
