"""Security properties: loopback-only emulator, TLS always verified, sandbox by default,
private token files, and no secret in any repr, message or DEBUG log line.
"""

from __future__ import annotations

import ast
import logging
import os
import socket
import stat
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

import etrade_nb
from etrade_nb import (
    NO_STORE,
    ConfigurationError,
    EtradeError,
    FileTokenStore,
    OAuthFlow,
    TokenCacheError,
)
from etrade_nb.api.transport import new_http_session
from etrade_nb.emulator import EmulatorServer
from etrade_nb.environments import OAUTH_BASE, SANDBOX_API_BASE, resolve_environment

PACKAGE = Path(etrade_nb.__file__).resolve().parent
KEYS = {"ETRADE_CONSUMER_KEY": "k" * 32, "ETRADE_CONSUMER_SECRET": "s" * 32}


# -- network exposure and TLS ------------------------------------------------------------------


def test_emulator_listens_on_loopback_only(emulator: EmulatorServer) -> None:
    assert emulator.url.startswith("http://127.0.0.1:")
    assert emulator._httpd is not None
    assert emulator._httpd.socket.getsockname()[0] == "127.0.0.1"
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(port=0, host="0.0.0.0")
    # nothing answers on another local address for the same port
    outside = socket.gethostbyname(socket.gethostname())
    if not outside.startswith("127."):
        with socket.socket() as probe:
            probe.settimeout(1)
            assert probe.connect_ex((outside, emulator.port)) != 0


def _verify_false_calls(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        value = getattr(node, "value", None)
        constant = value.value if isinstance(value, ast.Constant) else True
        if isinstance(node, ast.keyword) and node.arg == "verify" and constant is False:
            lines.append(node.value.lineno)
        targets = node.targets if isinstance(node, ast.Assign) else []
        verify_attr = any(isinstance(t, ast.Attribute) and t.attr == "verify" for t in targets)
        if verify_attr and constant is not True and isinstance(node, ast.Assign):
            lines.append(node.lineno)
    return lines


def test_tls_verification_is_never_disabled_in_the_package() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = _verify_false_calls(ast.parse(source))
        if found or "CERT_NONE" in source or "_create_unverified_context" in source:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert offenders == {}
    assert new_http_session().verify is True


def test_sessions_made_by_a_flow_verify_tls(session) -> None:
    assert session._http.verify is True


# -- live mode needs an explicit flag ---------------------------------------------------


def test_sandbox_is_the_default_and_env_vars_do_not_flip_it() -> None:
    env = {**KEYS, "ETRADE_ENV": "live", "ETRADE_NB_ENV": "live", "ETRADE_SANDBOX": "false"}
    flow = OAuthFlow(store=NO_STORE, environ=env)
    assert flow.environment.name == "sandbox" and flow.environment.sandbox
    assert flow.environment.api_base == SANDBOX_API_BASE
    assert flow.environment.oauth_base == OAUTH_BASE
    live = OAuthFlow(sandbox=False, store=NO_STORE, environ=env)
    assert live.environment.name == "live"


@pytest.mark.parametrize(
    "base", ["http://example.com", "http://10.0.0.5:8765", "http://api.etrade.com"]
)
def test_plain_http_to_other_hosts_is_refused(base: str) -> None:
    for var in ("ETRADE_NB_API_BASE", "ETRADE_NB_AUTHORIZE_URL"):
        with pytest.raises(ConfigurationError, match=r"plain http.*https"):
            resolve_environment(environ={var: base})
    assert resolve_environment(environ={"ETRADE_NB_API_BASE": "http://127.0.0.1:9"}).local


# -- token files -----------------------------------------------------------------------------------


def test_token_files_are_private(session, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    store.save("ck", "sandbox", _stored(session))
    path = store.path_for("ck", "sandbox")
    file_st, dir_st = path.stat(), path.parent.stat()
    assert stat.S_IMODE(file_st.st_mode) == 0o600
    assert stat.S_IMODE(dir_st.st_mode) == 0o700
    assert file_st.st_uid == os.geteuid() == dir_st.st_uid
    assert "ck" not in path.name  # the file name does not reveal the consumer key


def _stored(session):
    from etrade_nb.storage.token_store import StoredToken

    return StoredToken(session._token, session.last_used)


def test_loose_token_file_is_not_used_and_a_loose_folder_is_refused(
    session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    store.save("ck", "sandbox", _stored(session))
    path = store.path_for("ck", "sandbox")
    path.chmod(0o644)
    assert store.load("ck", "sandbox", session.last_used) is None  # may have leaked: unused
    assert not path.exists() and "other users" in caplog.text
    assert session._token.token not in caplog.text
    store.save("ck", "sandbox", _stored(session))
    path.parent.chmod(0o755)
    with pytest.raises(TokenCacheError, match=r"chmod 700"):
        store.save("ck", "sandbox", _stored(session))
    assert store.load("ck", "sandbox", session.last_used) is None
    assert "chmod 700" in caplog.text


# -- secrets in reprs, messages and logs ------------------------------------------------


def _forms(value: str) -> set[str]:
    return {value, quote(value, safe=""), quote_plus(value, safe="")}


def test_no_secret_in_reprs_errors_or_debug_logs(
    emulator_env, emulator, clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, including urllib3 and oauthlib
    for name in ("requests_oauthlib", "oauthlib", "urllib3", "etrade_nb"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    flow = OAuthFlow(store=NO_STORE, clock=clock, timeout=10)
    url = flow.start()
    request_token = parse_qs(urlsplit(url).query)["token"][0]
    verifier = emulator.approve_token(request_token)
    assert flow._request_token is not None
    request_secret = flow._request_token.secret.reveal()
    errors: list[EtradeError] = []
    try:
        flow.finish("WRONG1")  # etrade-nb: allow (a wrong code)
    except EtradeError as exc:
        errors.append(exc)
    session = flow.finish(verifier)
    session.accounts()
    session.quotes(["AAPL", "BRK.B"])
    session.renew()
    emulator.faults.malformed_next(1, kind="html")
    try:
        session.accounts()
    except EtradeError as exc:
        errors.append(exc)
    token = session._token
    shown = "\n".join(
        [
            caplog.text,
            *(r.getMessage() for r in caplog.records),
            repr(flow),
            str(flow.state),
            repr(session),
            session._repr_html_(),
            str(session.status()),
            repr(token),
            str(token),
            repr(flow._request_token),
            *(f"{e!r} {e}" for e in errors),
        ]
    )
    assert len(caplog.records) > 5  # DEBUG logging really ran
    assert len(errors) == 2
    secrets = [
        emulator.consumer_secret,
        request_secret,
        token.token,
        token.secret.reveal(),
        verifier,
    ]
    for secret in secrets:
        for form in _forms(secret):
            assert form not in shown, "a secret leaked into a repr, message or log"
