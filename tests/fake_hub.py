"""A small Hugging Face hub on 127.0.0.1 for download tests: a real HTTP server (a thread)
answering the endpoints huggingface_hub calls, serving model folders in the hub's layout.

- GET /api/models/OWNER/NAME[/revision/REV]?blobs=True: the model info (commit sha, siblings
  with size, git blob id and LFS sha256), 404 + X-Error-Code RepoNotFound / RevisionNotFound;
- HEAD/GET /OWNER/NAME/resolve/REV/FILE: X-Repo-Commit, ETag (the git blob id, or the sha256
  of LFS files), Content-Length; LFS files redirect (302) to /cdn/SHA256 with X-Linked-Etag
  and X-Linked-Size, as the hub sends them to its CDN;
- Range: bytes=N- answered with 206 and Content-Range.

Faults to inject: `cut[name] = K` sends at most K bytes of that file and then drops the
connection (every request while the cut is set); `corrupt.add(name)` serves that file with one
byte changed (same length). Every request is recorded in `log`.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

LFS_SUFFIXES = (".safetensors", ".bin", ".model", ".spm", ".msgpack", ".onnx")


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    files: dict[str, bytes]
    commit: str = ""

    def __post_init__(self):
        if not self.commit:
            h = hashlib.sha1()
            for name in sorted(self.files):
                h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
            self.commit = h.hexdigest()

    def sibling(self, name: str) -> dict:
        data = self.files[name]
        out = {"rfilename": name, "size": len(data), "blobId": git_blob_sha1(data)}
        if name.endswith(LFS_SUFFIXES):
            out["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
        return out


@dataclass
class FakeHub:
    repos: dict[str, Repo] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    corrupt: set[str] = field(default_factory=set)
    log: list[dict] = field(default_factory=list)

    def add_folder(self, hub_id: str, folder: Path, extra: dict[str, bytes] | None = None) -> Repo:
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                 if p.is_file() and ".cache" not in p.parts}
        files.update(extra or {})
        self.repos[hub_id] = Repo(files)
        return self.repos[hub_id]

    def start(self) -> "FakeHub":
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_HEAD(self):
                self._serve(head=True)

            def do_GET(self):
                self._serve(head=False)

            def _json(self, status: int, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _error(self, status: int, code: str):
                self._json(status, {"error": code}, {"X-Error-Code": code, "X-Error-Message": code})

            def _serve(self, head: bool):
                path = unquote(urlparse(self.path).path)
                entry = {"method": self.command, "path": path, "range": self.headers.get("Range"), "sent": 0}
                hub.log.append(entry)
                parts = path.strip("/").split("/")
                if parts[:2] == ["api", "models"] and len(parts) >= 4:
                    hub_id = "/".join(parts[2:4])
                    rev = parts[5] if len(parts) >= 6 and parts[4] == "revision" else "main"
                    repo = hub.repos.get(hub_id)
                    if repo is None:
                        return self._error(404, "RepoNotFound")
                    if rev not in ("main", repo.commit):
                        return self._error(404, "RevisionNotFound")
                    return self._json(200, {"id": hub_id, "modelId": hub_id, "sha": repo.commit, "private": False,
                                            "siblings": [repo.sibling(n) for n in sorted(repo.files)]})
                if parts[0] == "cdn" and len(parts) == 2:
                    for repo in hub.repos.values():
                        for name, data in repo.files.items():
                            if hashlib.sha256(data).hexdigest() == parts[1]:
                                return self._send_file(repo, name, data, head, entry, redirect_ok=False)
                    return self._error(404, "EntryNotFound")
                if len(parts) >= 5 and parts[2] == "resolve":
                    hub_id, rev, name = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
                    repo = hub.repos.get(hub_id)
                    if repo is None:
                        return self._error(404, "RepoNotFound")
                    if rev not in ("main", repo.commit):
                        return self._error(404, "RevisionNotFound")
                    if name not in repo.files:
                        return self._json(404, {"error": "EntryNotFound"},
                                          {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.commit})
                    return self._send_file(repo, name, repo.files[name], head, entry, redirect_ok=True)
                return self._error(404, "RepoNotFound")

            def _send_file(self, repo: Repo, name: str, data: bytes, head: bool, entry: dict, redirect_ok: bool):
                lfs = name.endswith(LFS_SUFFIXES)
                etag = hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data)
                if lfs and redirect_ok:
                    host = self.headers.get("Host")
                    self.send_response(302)
                    self.send_header("Location", f"http://{host}/cdn/{etag}")
                    self.send_header("X-Repo-Commit", repo.commit)
                    self.send_header("X-Linked-Etag", f'"{etag}"')
                    self.send_header("X-Linked-Size", str(len(data)))
                    self.send_header("ETag", f'"{git_blob_sha1(b"pointer")}"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if name in hub.corrupt:
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[len("bytes="):-1])
                limit = hub.cut.get(name)
                if not head and limit is not None and start >= limit:
                    self.close_connection = True   # drop it without an answer
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("X-Repo-Commit", repo.commit)
                self.send_header("ETag", f'"{etag}"')
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(body)))
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if head:
                    return
                if limit is not None:
                    self.wfile.write(body[:limit - start])
                    self.wfile.flush()
                    entry["sent"] = limit - start
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)
                entry["sent"] = len(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sent(self, name_part: str) -> int:
        """Bytes of file bodies sent for request paths containing name_part."""
        return sum(e["sent"] for e in self.log if name_part in e["path"] and e["method"] == "GET")
