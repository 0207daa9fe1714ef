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
import math
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import ConfigurationError, TokenCacheError
from ..hosts import notebook_host
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


class _BadEntry(TokenCacheError):
    """One token file in a private folder cannot be used; removing it is safe."""


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _time(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _stored_from(doc: object) -> tuple[StoredToken, str] | None:
    """The token and environment in a token file's JSON, or ``None`` if any field is off."""
    if not isinstance(doc, dict):
        return None
    token, secret, environment = (doc.get(k) for k in _FIELDS[:3])
    issued, expires, last_used = (doc.get(k) for k in _FIELDS[3:])
    if not (_text(token) and _text(secret) and isinstance(environment, str)):
        return None
    if not (_time(issued) and _time(expires) and _time(last_used)):
        return None
    assert isinstance(issued, (int, float)) and isinstance(expires, (int, float))
    assert isinstance(last_used, (int, float)) and isinstance(token, str)
    assert isinstance(secret, str)
    # Access tokens die at the next midnight US Eastern: at most a (25-hour) day later.
    if not (0 < expires - issued <= _LONGEST_DAY and issued - 60 <= last_used <= expires):
        return None
    access = AccessToken(token, Secret(secret), issued_at=float(issued), expires_at=float(expires))
    return StoredToken(access, float(last_used)), environment


_FIELDS = (
    "oauth_token",
    "oauth_token_secret",
    "environment",
    "issued_at",
    "expires_at",
    "last_used",
)
_LONGEST_DAY = 25 * 3600.0 + 60
_said: set[str] = set()
_said_lock = threading.Lock()


def warn_once(message: str) -> None:
    """Log ``message`` as a warning the first time this process meets it."""
    with _said_lock:
        if message in _said:
            return
        _said.add(message)
    log.warning("%s", message)


class FileTokenStore:
    """Tokens in private files: 0600 in a 0700 directory, owner checked, atomic writes.

    A bad cache never blocks a login: :meth:`load` treats a damaged, invalid or unsafe token
    file as no token (and removes it, the folder being private), ignores a folder that is
    not private (a link, another owner, open to others), and says once what was wrong.
    :meth:`save` and :meth:`delete` refuse such a folder with :class:`TokenCacheError`
    (``save_or_explain`` and ``delete_quietly`` turn that into a note); nothing, not even a
    lock file, is ever created in it.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_token_dir()

    def path_for(self, consumer_key: str, environment: str) -> Path:
        return self.directory / f"{_slot(consumer_key, environment)}.json"

    def _private_dir(self) -> bool:
        """False when the folder does not exist; raises when it exists but is not private."""
        if not os.path.lexists(self.directory):
            return False
        check_private_dir(self.directory)
        return True

    def load(self, consumer_key: str, environment: str, now: float) -> StoredToken | None:
        try:
            if not self._private_dir():
                return None
            stored, environment_in_file = self._read(consumer_key, environment)
        except _BadEntry as exc:
            self._remove_bad(consumer_key, environment)
            path = self.path_for(consumer_key, environment)
            after = (
                "It was removed; this login goes on without it."
                if not os.path.lexists(path)
                else f"This login goes on without it; remove it with rm -r '{path}'."
            )
            warn_once(f"etrade-nb did not use the saved token: {exc.message} {after}")
            return None
        except TokenCacheError as exc:
            warn_once(
                f"etrade-nb is not using its token cache: {exc.message} Until then tokens "
                "are not kept across kernel restarts."
            )
            return None
        if stored is None:
            return None
        if stored.token.expired(now) or environment_in_file != environment:
            self.delete(consumer_key, environment, stored.token.token)
            return None
        return stored

    def _read(self, consumer_key: str, environment: str) -> tuple[StoredToken | None, str | None]:
        """The slot's token; :class:`_BadEntry` when the file is there but unusable."""
        path = self.path_for(consumer_key, environment)
        try:
            raw = read_private(path)
        except TokenCacheError as exc:
            raise _BadEntry(exc.message.split(". ")[0] + ".") from None
        if raw is None:
            return None, None
        try:
            found = _stored_from(json.loads(raw))
        except ValueError:  # not JSON (UnicodeDecodeError is a ValueError too)
            found = None
        if found is None:
            raise _BadEntry(f"The token file {path} is damaged (a field is missing or invalid).")
        return found

    def _remove_bad(self, consumer_key: str, environment: str) -> None:
        """Remove the slot's file if it is still unusable (another kernel may have fixed it)."""
        try:
            with locked(self.directory):
                try:
                    self._read(consumer_key, environment)
                except _BadEntry:
                    with contextlib.suppress(OSError):
                        os.unlink(self.path_for(consumer_key, environment))  # never follows
        except TokenCacheError:
            pass

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
        if not self._private_dir():
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
        except _BadEntry:
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
        warn_once(f"etrade-nb could not save the access token: {reason}")
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
        warn_once(f"etrade-nb could not delete the saved token: {reason}")
