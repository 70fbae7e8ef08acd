"""The server's settings: a frozen, checked dataclass (no web framework imported here)."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import ConfigError, InputFileError

# `newsbrief serve --workers N` starts N processes; each reads its settings from here.
ENV = "NEWSBRIEF_SERVER_CONFIG"


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: tuple[str, ...] = ()  # empty: no key needed (loopback only)
    threads: int = 2  # CPU work runs in a pool of this many threads per worker process
    queue: int = 32  # requests that may wait for a thread; beyond that: 429 with Retry-After
    max_body: int = 2 * 1024 * 1024  # bytes; a larger request body gets 413
    timeout: float = 120.0  # seconds a request may take; beyond that: 503 with Retry-After
    cors_origins: tuple[str, ...] = ()  # CORS stays off unless origins are named
    cache: bool = True  # the result cache shared with the CLI (NEWSBRIEF_CACHE or the user folder)
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be 1-65535, not {self.port}")
        if self.threads < 1:
            raise ConfigError(f"threads must be at least 1, not {self.threads}")
        if self.queue < 0:
            raise ConfigError(f"queue must be 0 or more, not {self.queue}")
        if self.max_body < 1024:
            raise ConfigError(f"max_body must be at least 1024 bytes, not {self.max_body}")
        if self.timeout <= 0:
            raise ConfigError(f"timeout must be positive, not {self.timeout}")
        if any(len(k) < 16 for k in self.api_keys):
            raise ConfigError("API keys must be at least 16 characters long; generate one with "
                              "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        if self.extra:
            raise ConfigError(f"unknown server option(s): {', '.join(sorted(self.extra))}")
        if not is_loopback(self.host) and not self.api_keys:
            raise ConfigError(f"refusing to listen on {self.host} without an API key: anyone on the network "
                              f"could use this machine's CPU. Give --api-key-file FILE (one key a line, 16+ "
                              f"characters), or listen on 127.0.0.1 only.")

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("extra")
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "ServerConfig":
        data = json.loads(text)
        known = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()
                 if k in cls.__dataclass_fields__ and k != "extra"}
        return cls(**known, extra={k: v for k, v in data.items() if k not in cls.__dataclass_fields__})

    @classmethod
    def from_env(cls) -> "ServerConfig":
        return cls.from_json(os.environ[ENV]) if os.environ.get(ENV) else cls()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def read_api_keys(path: str | os.PathLike) -> tuple[str, ...]:
    """API keys from a file: one a line; blank lines and # comments ignored."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such API key file; write one key a line (16+ characters).")
    keys = tuple(line.strip() for line in p.read_text("utf-8").splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise ConfigError(f"{p} holds no API key; write one key a line (16+ characters).")
    return keys
