"""Consumer credentials: argument, then environment, then the user's config file.

Environment: ``ETRADE_CONSUMER_KEY`` and ``ETRADE_CONSUMER_SECRET``.
File: ``<user config dir>/etrade-nb/credentials.ini`` (``ETRADE_NB_CONFIG`` overrides the
path), mode 0600, one section per environment::

    [sandbox]
    consumer_key = ...
    consumer_secret = ...

    [live]
    consumer_key = ...
    consumer_secret = ...
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError, TokenCacheError
from ..secret import Secret
from .private_files import read_private, write_private

KEY_VAR = "ETRADE_CONSUMER_KEY"
SECRET_VAR = "ETRADE_CONSUMER_SECRET"
CONFIG_VAR = "ETRADE_NB_CONFIG"


@dataclass(frozen=True)
class Credentials:
    """A consumer key and secret; the secret never shows in ``repr``."""

    consumer_key: str
    consumer_secret: Secret
    source: str = "argument"

    def __post_init__(self) -> None:
        # a caller may pass a plain str: hold it as a Secret all the same
        object.__setattr__(self, "consumer_secret", Secret(self.consumer_secret))


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the credentials file lives (it need not exist)."""
    env = os.environ if environ is None else environ
    if env.get(CONFIG_VAR):
        return Path(env[CONFIG_VAR]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("etrade-nb", appauthor=False) / "credentials.ini"


def _from_file(path: Path, environment: str) -> tuple[str, str] | None:
    try:
        raw = read_private(path, kind="credentials file")
    except TokenCacheError as exc:
        raise ConfigurationError(exc.message) from None
    if raw is None:
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(raw.decode("utf-8"), source=str(path))
    except (configparser.Error, UnicodeDecodeError):
        raise ConfigurationError(
            f"{path} is not a valid INI file. Fix it (see etrade_nb.save_credentials) or delete it."
        ) from None
    if not parser.has_section(environment):
        return None
    section = parser[environment]
    key, secret = (
        section.get("consumer_key", "").strip(),
        section.get("consumer_secret", "").strip(),
    )
    if not (key and secret):
        raise ConfigurationError(
            f"Section [{environment}] of {path} needs both consumer_key and consumer_secret."
        )
    return checked_pair(key, secret, f"in section [{environment}] of {path}")


_PORTAL = "Copy them from E*TRADE's developer portal"


def _given(name: str, value: object) -> str | None:
    """An argument as stripped text (``None``: not given); anything else is refused."""
    if value is None:
        return None
    if isinstance(value, Secret):
        value = value.reveal()
    if not isinstance(value, str):
        raise ConfigurationError(
            f"{name} must be text (a str), not {type(value).__name__}. {_PORTAL} and pass "
            "them as strings."
        )
    return value.strip()


def checked_pair(key: str, secret: str, where: str) -> tuple[str, str]:
    """Refuse a blank key or secret, or one with spaces or line breaks inside (a bad paste)."""
    for name, value in (("consumer_key", key), ("consumer_secret", secret)):
        if not value:
            raise ConfigurationError(
                f"The {name} {where} is blank. {_PORTAL} (sandbox and live keys differ), or "
                f"leave both out to read {KEY_VAR}/{SECRET_VAR} or the config file."
            )
        if any(ch.isspace() or not ch.isprintable() for ch in value):
            raise ConfigurationError(
                f"The {name} {where} has spaces, line breaks or control characters inside, "
                f"which E*TRADE keys never have. {_PORTAL} again, in one piece."
            )
    return key, secret


def load_credentials(
    consumer_key: str | None = None,
    consumer_secret: str | None = None,
    *,
    environment: str = "sandbox",
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Find the consumer key and secret for ``environment`` ('sandbox' or 'live')."""
    env = os.environ if environ is None else environ
    given_key, given_secret = (
        _given("consumer_key", consumer_key),
        _given("consumer_secret", consumer_secret),
    )
    if given_key or given_secret or (given_key is not None and given_secret is not None):
        if given_key is None or given_secret is None:
            raise ConfigurationError(
                "Pass both consumer_key and consumer_secret, or neither to read them from "
                f"{KEY_VAR}/{SECRET_VAR} or the config file."
            )
        key, secret = checked_pair(given_key, given_secret, "passed")
        return Credentials(key, Secret(secret), "argument")
    key, secret = env.get(KEY_VAR, "").strip(), env.get(SECRET_VAR, "").strip()
    if key and secret:
        key, secret = checked_pair(key, secret, f"in {KEY_VAR}/{SECRET_VAR}")
        return Credentials(key, Secret(secret), "environment")
    path = config_path(env)
    found = _from_file(path, environment)
    if found:
        return Credentials(found[0], Secret(found[1]), str(path))
    raise ConfigurationError(
        f"No E*TRADE consumer key for {environment}. Pass consumer_key= and consumer_secret=, "
        f"set {KEY_VAR} and {SECRET_VAR}, or save them with "
        f"etrade_nb.save_credentials(key, secret, environment={environment!r}) "
        f"(written to {path}, readable only by you). Keys come from E*TRADE's developer "
        "portal; to try etrade-nb without an account, run `etrade-nb-emulator`."
    )


def save_credentials(
    consumer_key: str,
    consumer_secret: str,
    *,
    environment: str = "sandbox",
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Store the keys for ``environment`` in the private config file and return its path."""
    if environment not in ("sandbox", "live"):
        raise ConfigurationError("environment must be 'sandbox' or 'live'.")
    key, secret = checked_pair(
        _given("consumer_key", consumer_key) or "",
        _given("consumer_secret", consumer_secret) or "",
        "passed",
    )
    import configparser

    path = config_path(environ)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        raw = read_private(path, kind="credentials file")
    except TokenCacheError as exc:
        raise ConfigurationError(exc.message) from None
    if raw:
        try:
            parser.read_string(raw.decode("utf-8"), source=str(path))
        except (configparser.Error, UnicodeDecodeError):
            raise ConfigurationError(
                f"{path} is not a valid INI file, so it was left as it is. Fix it by hand "
                "(one [sandbox] or [live] section with consumer_key and consumer_secret) or "
                "delete it, then save again."
            ) from None
    parser[environment] = {"consumer_key": key, "consumer_secret": secret}
    lines: list[str] = []
    for name in parser.sections():
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {v}" for k, v in parser[name].items())
        lines.append("")
    write_private(path, "\n".join(lines).encode("utf-8"))
    return path
