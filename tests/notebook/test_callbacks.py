"""``CallbackDesk``: one plan and one running receiver per login name, on real 127.0.0.1 ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from etrade_nb.notebook.callbacks import Bound, CallbackDesk


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallbackDesk]:
    for var in ("JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_PUBLIC_URL", "BINDER_LAUNCH_HOST"):
        monkeypatch.delenv(var, raising=False)  # a laptop: loopback URLs
    d = CallbackDesk(wait=60)
    yield d
    d.close()


def _bind(desk: CallbackDesk, name: str, got: list[str], url: str = "") -> Bound:
    return desk.bind(
        name,
        got.append,
        url=url,
        expected_token=lambda: None,
        on_refused=lambda text: None,
        lifetime=60,
    )


def test_open_twice_gives_the_same_receiver_and_url(desk: CallbackDesk) -> None:
    url, plan = desk.open("etrade")
    receiver = desk.receiver("etrade")
    assert receiver is not None and receiver.running and not receiver.bound
    assert url == receiver.url == f"http://127.0.0.1:{receiver.port}/callback"
    assert desk.plan("etrade") == plan and plan.registered_url == url
    assert desk.open("etrade") == (url, plan) and desk.receiver("etrade") is receiver
    assert desk.receiver("paper") is None and desk.plan("paper") is None


def test_a_login_gets_the_opened_receiver_and_it_outlives_the_login(desk: CallbackDesk) -> None:
    url, _ = desk.open("etrade")
    receiver = desk.receiver("etrade")
    got: list[str] = []
    bound = _bind(desk, "etrade", got)
    assert bound.receiver is receiver and receiver.bound
    assert bound.registered and bound.url == url
    reply = requests.get(url + "?oauth_verifier=ABC123", timeout=5)
    assert reply.status_code == 200 and got == ["oauth_verifier=ABC123"]
    desk.release("etrade")  # the login ended: the next one under this name gets it
    assert desk.receiver("etrade") is receiver and receiver.running and not receiver.bound
    second: list[str] = []
    assert _bind(desk, "etrade", second).receiver is receiver
    desk.stop("etrade")  # logout
    assert desk.receiver("etrade") is None and not receiver.running
    assert desk.plan("etrade") is not None  # the registered URL is still the one to use


def test_a_login_without_callback_magic_starts_its_own_unregistered_receiver(
    desk: CallbackDesk,
) -> None:
    got: list[str] = []
    bound = _bind(desk, "paper", got)
    receiver = desk.receiver("paper")
    assert bound.receiver is receiver and receiver is not None and receiver.bound
    assert not bound.registered and bound.url == receiver.url
    assert desk.plan("paper") is None


def test_a_url_given_to_the_login_replaces_the_opened_plan(desk: CallbackDesk) -> None:
    desk.open("etrade")
    old = desk.receiver("etrade")
    assert old is not None
    url = f"http://127.0.0.1:{old.port}/cb"
    bound = _bind(desk, "etrade", [], url=url)
    new = desk.receiver("etrade")
    assert new is not None and new is not old and not old.running
    assert new.port == old.port and new.path == "/cb" and new.bound
    assert bound.registered and bound.url == url
    assert desk.plan("etrade") is None


def test_close_stops_every_receiver(desk: CallbackDesk) -> None:
    desk.open("etrade")
    desk.open("paper")
    receivers = [desk.receiver("etrade"), desk.receiver("paper")]
    desk.close()
    assert all(r is not None and not r.running for r in receivers)
    assert desk.receiver("etrade") is None and desk.receiver("paper") is None
