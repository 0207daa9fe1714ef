"""Pure display builders: plain asserts on text/plain and text/html."""

from __future__ import annotations

import pytest

from etrade_nb.api.session import SessionStatus
from etrade_nb.notebook import display as D
from etrade_nb.oauth.tokens import TokenState

URL = "http://127.0.0.1:1/e/t/etws/authorize?key=k&token=%2Fab%3D"
MIDNIGHT = 1780459200.0  # 2026-06-03 00:00 EDT


def test_link_bundle_has_a_new_tab_link_and_the_next_command() -> None:
    b = D.link_bundle(URL, name="etrade", environment="sandbox", seconds_left=250)
    assert URL in b["text/plain"] and "%etrade_verify CODE" in b["text/plain"]
    assert "4 min 10 s" in b["text/plain"]
    html = b["text/html"]
    assert 'id="etrade-authorize-link"' in html and 'target="_blank"' in html
    assert 'rel="noopener noreferrer"' in html and "key=k&amp;token=%2Fab%3D" in html
    assert "sandbox" in html and "LIVE" not in html


def test_live_is_loud_and_names_appear_in_the_command() -> None:
    b = D.link_bundle(URL, name="paper", environment="live", seconds_left=10)
    assert b["text/plain"].startswith("LIVE:")
    assert "%etrade_verify CODE --name paper" in b["text/plain"]
    assert "LIVE" in D.badge_html("live") and "#b00020" in D.badge_html("live")


def test_authorized_text_matches_the_issue() -> None:
    assert (
        D.authorized_text("etrade", "sandbox", MIDNIGHT)
        == "Authorized (sandbox) as `etrade` until 23:59 ET"
    )
    b = D.authorized_bundle("etrade", "sandbox", MIDNIGHT, D.AUTO_APPROVED)
    assert b["text/plain"].endswith("(auto-approved by the local emulator)")
    assert "<code>etrade</code>" in b["text/html"]


def test_countdown_and_pending_texts() -> None:
    assert D.countdown_text(61) == "This link works for 1 min 01 s more."
    assert "expired" in D.countdown_text(0)
    assert "%etrade_verify CODE" in D.pending_text("etrade", 30)
    assert "Run %etrade_login" in D.pending_text("etrade", 0)


def test_status_bundle_shows_clocks() -> None:
    st = SessionStatus("sandbox", TokenState.ACTIVE, MIDNIGHT - 3600, MIDNIGHT, MIDNIGHT, False)
    b = D.status_bundle("etrade", st)
    assert "token: active" in b["text/plain"] and "23:59 ET" in b["text/plain"]
    assert "<li>" in b["text/html"]


def test_status_of_an_unusable_token_says_what_to_do() -> None:
    def plain(state: TokenState, name: str = "etrade", env: str = "sandbox") -> str:
        st = SessionStatus(env, state, MIDNIGHT - 60, MIDNIGHT, MIDNIGHT - 120, False)
        return D.status_bundle(name, st)["text/plain"]

    assert plain(TokenState.EXPIRED).endswith("token: expired\nLog in again with %etrade_login.")
    assert "Log in again with %etrade_login --live --name paper." in plain(
        TokenState.REVOKED, "paper", "live"
    )
    assert "the next call renews it" in plain(TokenState.INACTIVE)
    assert "Log in again" not in plain(TokenState.ACTIVE)
    st = SessionStatus("sandbox", TokenState.EXPIRED, MIDNIGHT, MIDNIGHT, MIDNIGHT, False)
    assert "<li>Log in again with %etrade_login.</li>" in D.status_bundle("etrade", st)["text/html"]


def test_messages_escape_html() -> None:
    assert D.message_bundle("<b>", warning=True)["text/html"].count("&lt;b&gt;") == 1
    assert (
        "register"
        in D.callback_text("http://127.0.0.1:5/callback", via_hub=False, registered=False).lower()
    )
    assert "https://host" in D.callback_text(
        "/user/a/proxy/5/callback", via_hub=True, registered=False
    )


def test_widget_plain_names_the_text_login_for_this_name_and_environment() -> None:
    plain = D.widget_plain("paper", "live", "pending")
    assert "%etrade_login --text --live --name paper" in plain
    assert "%etrade_verify CODE --name paper" in plain


@pytest.mark.parametrize(
    ("phase", "says"),
    [
        ("authorized", "authorized, login finished"),
        ("expired", "the link expired, login ended"),
        ("cancelled", "login cancelled"),
    ],
)
def test_widget_plain_of_an_ended_login_says_how_it_ended(phase: str, says: str) -> None:
    plain = D.widget_plain("etrade", "sandbox", phase)
    assert plain == f"<etrade_nb LoginWidget sandbox `etrade`: {says}>"
    assert "waiting" not in plain


def test_html_shows_names_as_code_not_backticks() -> None:
    html = D.message_bundle(D.reuse_text("etrade", "this kernel's session"))["text/html"]
    assert "`" not in html and "Already logged in as <code>etrade</code>" in html
    warn = D.message_bundle("No login for `et2` <now>", warning=True)["text/html"]
    assert "<code>et2</code>" in warn and "&lt;now&gt;" in warn and "`" not in warn


def test_authorized_html_names_the_environment_once() -> None:
    html = D.authorized_html("etrade", "sandbox", MIDNIGHT)
    assert html.count("sandbox") == 1 and "Authorized as <code>etrade</code>" in html


def test_the_paste_route_words_name_only_what_is_on_screen() -> None:
    from etrade_nb.notebook.display import paste_instead

    boxed, plain = paste_instead("etrade", box=True), paste_instead("et2", box=False)
    assert "into the box and press Enter" in boxed and "%etrade_verify CODE" in boxed
    assert "box" not in plain and "%etrade_verify CODE --name et2 in a new cell" in plain
