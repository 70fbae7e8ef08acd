"""The files and folders a piece of code opens, recorded with an audit hook (PEP 578): for tests
that show nothing at run time reads the development corpora (../shared/data)."""

from __future__ import annotations

import os
import sys

EVENTS = ("open", "os.listdir", "os.scandir")
_recording: list[list[str]] = []
_installed = False


def _hook(event: str, args: tuple) -> None:
    if _recording and event in EVENTS and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        for paths in _recording:
            paths.append(path)


class Reads:
    """`with Reads() as reads: ...`, then reads.paths (absolute, in order) and reads.under(folder).
    The hook is added once per process (audit hooks cannot be removed) and records only inside."""

    def __enter__(self) -> "Reads":
        global _installed
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        self.paths: list[str] = []
        _recording.append(self.paths)
        return self

    def __exit__(self, *exc) -> None:
        _recording.remove(self.paths)

    def under(self, folder: "str | os.PathLike") -> list[str]:
        root = os.path.realpath(folder)
        return sorted({p for p in self.paths
                       if os.path.realpath(p) == root or os.path.realpath(p).startswith(root + os.sep)})
