"""Debuggers show ``***``: debugpy's own variable resolver expands a session, a signer and
a login (waiting for its code, and finished) to no secret.

The JupyterLab debugger and VS Code's Variables panel run debugpy's vendored pydevd, which
expands an object by ``dir()`` and ``getattr``. The walk runs in a child process so pydevd's
modules never enter the test process.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

from etrade_nb import AccessToken, Session, resolve_environment
from etrade_nb.oauth.signing import oauth1
from etrade_nb.secret import Secret

SECRETS = ("CSECRET-q81z", "ATOKEN-b7w2", "TSECRET-x0k4", "VERIFIER-5gh")

WALK = r"""
import os, sys, inspect
import debugpy
sys.path.insert(0, os.path.join(os.path.dirname(debugpy.__file__), "_vendored", "pydevd"))
from _pydevd_bundle import pydevd_xml
from _pydevd_bundle.pydevd_safe_repr import SafeRepr
from etrade_nb import AccessToken, Session, resolve_environment
from etrade_nb.oauth.signing import oauth1
from etrade_nb.secret import Secret

from urllib.parse import parse_qs, urlsplit
from etrade_nb import NO_STORE, OAuthFlow
from etrade_nb.emulator import EmulatorServer

C, T, S, V = sys.argv[1:5]
session = Session("ckey", C, AccessToken(T, S, issued_at=1.78e9),
                  environment=resolve_environment(environ={}), rate_limit=None)
signer = oauth1("ckey", C, token=T, token_secret=S, verifier=V)
emu = EmulatorServer(port=0).start()  # a real login: a flow waiting for its code, then done
flow = OAuthFlow(store=NO_STORE, environ=emu.environ())
code = emu.approve_token(parse_qs(urlsplit(flow.start()).query)["token"][0])
pending = OAuthFlow(store=NO_STORE, environ=emu.environ())
pending.start()
flow.finish(code)
with emu.state.lock:
    issued = [emu.consumer_secret, code]
    issued += [rt.secret for rt in emu.state.request_tokens.values()]
    issued += [v for at in emu.state.access_tokens.values() for v in (at.token, at.secret)]
emu.stop()
roots = [session, signer, flow, pending, flow.session]
safe_repr, seen, shown, stack = SafeRepr(), set(), 0, [(r, 0) for r in roots]
while stack and shown < 20000:
    obj, depth = stack.pop()
    if id(obj) in seen or depth > 6:
        continue
    seen.add(id(obj))
    resolver = pydevd_xml.get_type(obj)[2]
    if resolver is None:
        continue
    try:
        entries = resolver.get_contents_debug_adapter_protocol(obj)
    except Exception:
        continue
    for name, value, _ in entries:
        if str(name).startswith("__") or inspect.isroutine(value):
            continue
        shown += 1
        text = safe_repr(value) + " " + str(pydevd_xml.get_variable_details(value)[1])
        for secret in (C, T, S, V, *issued):
            if secret in text:
                print(f"LEAK {secret} at {type(obj).__name__}.{name}: {text[:120]}")
        stack.append((value, depth + 1))
print(f"shown {shown}")
"""


def test_debugpys_resolver_expands_sessions_signers_and_logins_to_no_secret():
    result = subprocess.run(
        [sys.executable, "-c", WALK, *SECRETS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "LEAK" not in result.stdout, result.stdout
    shown = int(result.stdout.split("shown ")[-1])
    assert shown > 50  # the walk really went through the session's attributes


def test_getmembers_and_getstate_show_no_secret():
    c, t, s, v = SECRETS
    token = AccessToken(t, s, issued_at=1.78e9)
    session = Session(
        "ckey", c, token, environment=resolve_environment(environ={}), rate_limit=None
    )
    client = oauth1("ckey", c, token=t, token_secret=s, verifier=v).client
    guarded: Any = session._auth
    for obj in (Secret(c), token, client, guarded.auth.client):
        seen = repr(inspect.getmembers(obj)) + repr(obj.__getstate__())
        assert not any(secret in seen for secret in SECRETS), type(obj)
    assert repr(guarded_session(session).__getstate__()).count("***") >= 2
    assert token.token == t and Secret(c).reveal() == c  # the code still gets the values


def guarded_session(session: Session) -> Any:
    """The session as ``Any``: ``__getstate__`` is object's, which typeshed for 3.10 lacks."""
    return session
