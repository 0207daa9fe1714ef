"""Where access tokens wait between kernel restarts on the same E*TRADE day.

- :class:`FileTokenStore`: one JSON file per consumer key and environment, mode 0600, in a
  0700 directory under the user's cache directory (never the working directory).
- :class:`MemoryTokenStore`: this process only; the default on Binder and JupyterHub, whose
  home directories are ephemeral or shared.
- :data:`NO_STORE`: keeps nothing; every new session logs in.

Choose with ``ETRADE_NB_TOKEN_CACHE=file|memory|off`` or by passing a store. Tokens past
midnight US Eastern are discarded on load; ``Session.revoke()`` deletes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..environments import notebook_host
from ..errors import ConfigurationError, TokenCacheError
from ..oauth.tokens import AccessToken
from ..secret import Secret
from .private_files import (
    check_private_dir,
    ensure_private_dir,
    locked,
    read_private,
    write_private,
)

TOKEN_CACHE_VAR = "ETRADE_NB_TOKEN_CACHE"
TOKEN_DIR_VAR = "ETRADE_NB_TOKEN_DIR"
log = logging.getLogger("etrade_nb")


@dataclass(frozen=True)
class StoredToken:
    """An access token with the time of its last known successful call."""

    token: AccessToken
    last_used: float


@runtime_checkable
class TokenStore(Protocol):
    """Keeps at most one access token per (consumer key, environment)."""

    def load(self, consumer_key: str, environment: str, now: float) -> StoredToken | None:
        """The stored token if it is still before its midnight-ET expiry, else ``None``."""

    def save(self, consumer_key: str, environment: str, stored: StoredToken) -> None:
        """Remember ``stored``, unless the slot holds a newer login (another kernel's)."""

    def delete(self, consumer_key: str, environment: str, token: str | None = None) -> None:
        """Forget the token; with ``token``, only if the slot still holds that one."""


def _is_newer(current: StoredToken | None, candidate: StoredToken) -> bool:
    """True when ``current`` is a different, later login than ``candidate``."""
    return (
        current is not None
        and current.token.token != candidate.token.token
        and current.token.issued_at > candidate.token.issued_at
    )


def _slot(consumer_key: str, environment: str) -> str:
    # The file name must not reveal the consumer key.
    return hashlib.sha256(f"{environment}\0{consumer_key}".encode()).hexdigest()[:24]


class MemoryTokenStore:
    """Tokens kept in this process only."""

    def __init__(self) -> None:
        self._tokens: dict[str, StoredToken] = {}
        self._lock = threading.Lock()

    def load(self, consumer_key: str, environment: str, now: float) -> StoredToken | None:
        key = _slot(consumer_key, environment)
        with self._lock:
            stored = self._tokens.get(key)
            if stored is not None and stored.token.expired(now):
                del self._tokens[key]
                return None
            return stored

    def save(self, consumer_key: str, environment: str, stored: StoredToken) -> None:
        key = _slot(consumer_key, environment)
        with self._lock:
            if not _is_newer(self._tokens.get(key), stored):
                self._tokens[key] = stored

    def delete(self, consumer_key: str, environment: str, token: str | None = None) -> None:
        key = _slot(consumer_key, environment)
        with self._lock:
            current = self._tokens.get(key)
            if current is not None and (token is None or current.token.token == token):
                del self._tokens[key]

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._tokens)} token(s))"


class _NoTokenStore:
    """Keeps nothing."""

    def load(self, consumer_key: str, environment: str, now: float) -> StoredToken | None:
        return None

    def save(self, consumer_key: str, environment: str, stored: StoredToken) -> None:
        return None

    def delete(self, consumer_key: str, environment: str, token: str | None = None) -> None:
        return None

    def __repr__(self) -> str:
        return "NO_STORE"


NO_STORE: TokenStore = _NoTokenStore()
"""Never persists a token: every new session needs a login. Recommended on shared machines."""


def default_token_dir() -> Path:
    """``$ETRADE_NB_TOKEN_DIR`` or ``<user cache dir>/etrade-nb/tokens``."""
    override = os.environ.get(TOKEN_DIR_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("etrade-nb", appauthor=False) / "tokens"


class FileTokenStore:
    """Tokens in private files: 0600 in a 0700 directory, owner checked, atomic writes."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_token_dir()

    def path_for(self, consumer_key: str, environment: str) -> Path:
        return self.directory / f"{_slot(consumer_key, environment)}.json"

    def load(self, consumer_key: str, environment: str, now: float) -> StoredToken | None:
        if not self.directory.exists():
            return None
        check_private_dir(self.directory)
        stored, environment_in_file = self._read(consumer_key, environment)
        if stored is None:
            return None
        if stored.token.expired(now) or environment_in_file != environment:
            self.delete(consumer_key, environment, stored.token.token)
            return None
        return stored

    def _read(self, consumer_key: str, environment: str) -> tuple[StoredToken | None, str | None]:
        path = self.path_for(consumer_key, environment)
        raw = read_private(path)
        if raw is None:
            return None, None
        try:
            doc = json.loads(raw)
            stored = StoredToken(
                AccessToken(
                    token=doc["oauth_token"],
                    secret=Secret(doc["oauth_token_secret"]),
                    issued_at=float(doc["issued_at"]),
                    expires_at=float(doc["expires_at"]),
                ),
                last_used=float(doc["last_used"]),
            )
        except (ValueError, KeyError, TypeError):
            raise TokenCacheError(
                f"The token file {path} is damaged. Delete it and log in again."
            ) from None
        return stored, doc.get("environment")

    def save(self, consumer_key: str, environment: str, stored: StoredToken) -> None:
        doc = {
            "environment": environment,
            "oauth_token": stored.token.token,
            "oauth_token_secret": stored.token.secret.reveal(),
            "issued_at": stored.token.issued_at,
            "expires_at": stored.token.expires_at,
            "last_used": stored.last_used,
        }
        ensure_private_dir(self.directory)
        with locked(self.directory):  # two kernels may save and delete at once
            current, _ = self._read_or_none(consumer_key, environment)
            if _is_newer(current, stored):
                return
            write_private(self.path_for(consumer_key, environment), json.dumps(doc).encode())

    def delete(self, consumer_key: str, environment: str, token: str | None = None) -> None:
        if not self.directory.exists():
            return
        with locked(self.directory):
            if token is not None:
                current, _ = self._read_or_none(consumer_key, environment)
                if current is None or current.token.token != token:
                    return  # another login's token now: not ours to delete
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path_for(consumer_key, environment))

    def _read_or_none(
        self, consumer_key: str, environment: str
    ) -> tuple[StoredToken | None, str | None]:
        try:
            return self._read(consumer_key, environment)
        except TokenCacheError:
            return None, None  # a damaged file may be replaced

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.directory)!r})"


_process_memory_store = MemoryTokenStore()


def default_store(environ: Mapping[str, str] | None = None) -> TokenStore:
    """The store chosen by ``ETRADE_NB_TOKEN_CACHE`` or, if unset, by the host."""
    env = os.environ if environ is None else environ
    choice = env.get(TOKEN_CACHE_VAR, "").strip().lower()
    if choice in ("off", "none", "0", "false"):
        return NO_STORE
    if choice == "memory" or (not choice and notebook_host(env).shared):
        return _process_memory_store
    if choice in ("", "file", "1", "true"):
        return FileTokenStore()
    raise ConfigurationError(
        f"{TOKEN_CACHE_VAR}={choice!r} is not understood. Use 'file', 'memory' or 'off'."
    )


def save_or_explain(
    store: TokenStore, consumer_key: str, environment: str, stored: StoredToken
) -> str | None:
    """Save ``stored``; on failure return why (the login itself stays good), else ``None``."""
    try:
        store.save(consumer_key, environment, stored)
    except (TokenCacheError, OSError) as exc:
        reason = exc.message if isinstance(exc, TokenCacheError) else str(exc.strerror)
        log.warning("etrade-nb could not save the access token: %s", reason)
        return (
            "Logged in, but the token could not be saved, so a restarted kernel will need a "
            f"new login. {reason}"
        )
    return None


def delete_quietly(store: TokenStore, consumer_key: str, environment: str, token: str) -> None:
    """Forget ``token`` if the store still holds it; failures are logged, never raised."""
    try:
        store.delete(consumer_key, environment, token)
    except (TokenCacheError, OSError) as exc:
        reason = exc.message if isinstance(exc, TokenCacheError) else exc.strerror
        log.warning("etrade-nb could not delete the saved token: %s", reason)
