"""No secret value through repr, str, vars(), pickle or a traceback with locals; the log
filter does not grow with the number of logins (every login here is real, against the emulator).
"""

from __future__ import annotations

import gc
import logging
import pickle
import traceback
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

from etrade_nb import NO_STORE, EtradeError, MemoryTokenStore, OAuthFlow, Session
from etrade_nb.emulator import EmulatorServer
from etrade_nb.oauth.log_filter import LOG_FILTER, OAUTH_LOGGERS
from etrade_nb.secret import Secret


def _forms(value: str) -> set[str]:
    return {value, quote(value, safe=""), quote_plus(value, safe="")}


def _login(flow: OAuthFlow, emulator: EmulatorServer) -> tuple[Session, str, str]:
    url = flow.start(force=True)
    request_token = parse_qs(urlsplit(url).query)["token"][0]
    verifier = emulator.approve_token(request_token)
    return flow.finish(verifier), verifier, request_token


def _secrets(
    emulator: EmulatorServer, flow: OAuthFlow, session: Session, verifier: str
) -> list[str]:
    token = session._token  # white box only to learn the values to look for
    pending = flow._request_token
    assert pending is not None
    return [
        emulator.consumer_secret,
        token.secret.reveal(),
        pending.secret.reveal(),
        verifier,
    ]


def _assert_hidden(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        for form in _forms(secret):
            assert form not in text, "a secret value is visible"


def test_public_objects_show_no_secret_through_repr_str_or_vars(emulator_env, emulator, clock):
    flow = OAuthFlow(store=MemoryTokenStore(), clock=clock, timeout=10)
    session, verifier, _ = _login(flow, emulator)
    secrets = _secrets(emulator, flow, session, verifier)
    objects = [
        flow,
        flow.credentials,
        session,
        session.status(),
        session._token,
        flow._request_token,
        flow.store,
    ]
    shown = []
    for obj in objects:
        shown += [repr(obj), str(obj)]
        if hasattr(obj, "__dict__"):
            shown += [repr(vars(obj)), *(repr(v) for v in vars(obj).values())]
            # one level further: what a variable explorer shows when a row is expanded
            for value in vars(obj).values():
                if hasattr(value, "__dict__"):
                    shown.append(repr(vars(value)))
    _assert_hidden("\n".join(shown), secrets)


@pytest.mark.parametrize("obj", ["session", "credentials", "token"])
def test_secrets_refuse_to_be_pickled(emulator_env, emulator, clock, obj: str) -> None:
    flow = OAuthFlow(store=NO_STORE, clock=clock, timeout=10)
    session, _, _ = _login(flow, emulator)
    target = {"session": session, "credentials": flow.credentials, "token": session._token}[obj]
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(target)


def test_tracebacks_with_locals_show_no_secret(emulator_env, emulator, clock, fast_retry) -> None:
    flow = OAuthFlow(store=NO_STORE, clock=clock, timeout=10, retry=fast_retry)
    session, verifier, _ = _login(flow, emulator)
    secrets = _secrets(emulator, flow, session, verifier)
    failures: list[BaseException] = []
    emulator.faults.malformed_next(1, kind="html")
    emulator.faults.fail_next(4, status=500, path_prefix="/v1/accounts/list")
    for _ in range(2):
        try:
            session.accounts()
        except EtradeError as exc:
            failures.append(exc)
    flow2 = OAuthFlow(store=NO_STORE, clock=clock, timeout=10)
    flow2.start()
    try:
        flow2.finish(Secret("WRONG1"))
    except EtradeError as exc:
        failures.append(exc)
    assert len(failures) == 3
    from IPython.core.ultratb import VerboseTB

    verbose = _verbose_tb(VerboseTB)
    text = []
    for failure in failures:
        assert failure.__traceback__ is not None
        failure.with_traceback(failure.__traceback__.tb_next)  # drop this test's own frame
        shown = traceback.TracebackException.from_exception(failure, capture_locals=True)
        text.append("".join(shown.format()))
        text.append(verbose.text(type(failure), failure, failure.__traceback__))  # %xmode Verbose
    joined = "\n".join(text)
    assert "self = " in joined or "self =" in joined  # locals really were rendered
    _assert_hidden(joined, [*secrets, "WRONG1"])


def _verbose_tb(cls: type) -> Any:
    """IPython's ``%xmode Verbose`` formatter, plain text, on IPython 8 and 9."""
    import inspect

    if "theme_name" in inspect.signature(cls).parameters:
        return cls(theme_name="nocolor")
    return cls(color_scheme="NoColor")


def test_many_logins_leave_the_log_filter_as_it_was(emulator_env, emulator, clock, caplog):
    caplog.set_level(logging.DEBUG)
    flow = OAuthFlow(store=NO_STORE, clock=clock, timeout=10)
    _login(flow, emulator)  # installs the filter
    before = [len(logging.getLogger(n).filters) for n in OAUTH_LOGGERS]
    state = dict(vars(LOG_FILTER))
    gc.collect()
    for _ in range(60):
        session, verifier, _ = _login(flow, emulator)
        session.accounts()
    assert [len(logging.getLogger(n).filters) for n in OAUTH_LOGGERS] == before
    assert vars(LOG_FILTER) == state
    _assert_hidden(caplog.text, [verifier, session._token.secret.reveal()])
