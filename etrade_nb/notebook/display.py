"""Pure builders of what the login shows: ``text/plain`` + ``text/html`` bundles and snippets.

No IPython or ipywidgets here; every function returns strings or a dict of them, so the text
path, the widget and ``%etrade_status`` all say the same thing. Nothing here takes a secret
(the authorize link carries only the public request token, and is replaced after login).
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from ..api.badge import environment_badge_html
from ..oauth.tokens import TokenState, format_duration, format_valid_until

if TYPE_CHECKING:
    from ..api.session import SessionStatus

DEFAULT_NAME = "etrade"
VERIFIER_VAR = "ETRADE_NB_VERIFIER"  # headless: %etrade_verify reads the code from here, once
LINK_ID = "etrade-authorize-link"
AUTO_APPROVED = "auto-approved by the local emulator"
LIVE_WARNING = "LIVE: this logs in to your real E*TRADE accounts; orders are real."
Bundle = dict[str, str]
WAITING_TEXT = (
    "Waiting for your code: paste it into the box below this output and press Enter "
    "(Enter alone stops the login)."
)
REDIRECT_WAITING_TEXT = (
    "Waiting for E*TRADE to send your browser back here after you click Accept. If that does "
    "not happen, press ■ Interrupt: the login stays open and you can paste the code instead."
)
RENEWED = "The previous link expired, so this is a new one: open it and click Accept."
CODE_FOR_EXPIRED = (
    "That code's link had expired, so this is a new link: open it, click Accept and paste "
    "the code it shows."
)
NO_MORE_LINKS = "No new link: an hour passed without a code."
ENTER_STOPS = (
    "Press Enter in the box below to stop the login, then run this cell again for a fresh link."
)
REJECTED_AFTER_RENEWAL = (
    "E*TRADE did not accept that code. If it came from an earlier link, that link has "
    "expired: open the link above, click Accept and paste the code it shows."
)
EMPTY_SUBMIT = "Paste the verification code E*TRADE showed you, then press Submit."
GENERIC_ERROR = (
    "Something unexpected went wrong (details are in the kernel log). "
    "Run %etrade_login again for a fresh link."
)
NO_PROMPT = (
    "This front end cannot answer the kernel's prompt, so this cell did not wait: paste the "
    "code into the box above (or run %etrade_verify CODE), then run the cells below."
)
REJECTED = (
    "E*TRADE did not accept that code. Copy it again from the E*TRADE page and submit it "
    "again; if it keeps failing, run %etrade_login --force for a new link."
)


def verify_command(name: str = DEFAULT_NAME) -> str:
    """The exact magic that finishes a login without the widget."""
    return "%etrade_verify CODE" + ("" if name == DEFAULT_NAME else f" --name {name}")


def badge_html(environment: str) -> str:
    """A colored ``sandbox`` or ``LIVE`` badge (LIVE adds the warning)."""
    badge = environment_badge_html(environment)
    return f"{badge} <b>{escape(LIVE_WARNING)}</b>" if environment == "live" else badge


def link_html(
    url: str, name: str = DEFAULT_NAME, *, redirect: bool = False, cells: bool = True
) -> str:
    """The clickable authorize link (new tab) with the one-line instruction.

    ``redirect``: a callback login waiting for E*TRADE's redirect (no box on screen).
    ``cells=False`` (a Voila page: no cell to run a magic in) leaves out ``%etrade_verify``.
    """
    anchor = (
        f'<a id="{LINK_ID}" href="{escape(url)}" target="_blank" rel="noopener noreferrer">'
        "<b>Open the E*TRADE authorize page</b></a> &mdash; log in, click Accept"
    )
    if redirect:
        return f"{anchor}; E*TRADE then sends your browser back here with the code."
    verify = f" (or run <code>{escape(verify_command(name))}</code>)" if cells else ""
    return f"{anchor}, then paste the code below and press Enter{verify}."


def code_html(text: str) -> str:
    """``text`` as HTML, with each `name` in backticks shown as ``<code>name</code>``."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def widget_plain(name: str, environment: str, phase: str) -> str:
    """The login widget's ``text/plain``: what a front end without ipywidgets shows instead.

    JupyterLab without ``jupyterlab_widgets`` (a venv kernel registered in another Lab), or
    VS Code without widget support, shows only this, and it is saved with the notebook. So it
    says how to get the text login, never the link itself (the link holds the request token),
    and it is the same in every run (nbval compares it). The view re-displays itself when
    the login ends, so the saved text says how it ended.
    """
    state = _PHASE_WORDS.get(phase, phase)
    head = f"<etrade_nb LoginWidget {environment} `{name}`: {state}>"
    if phase != "pending":
        return head
    live = " --live" if environment == "live" else ""
    named = "" if name == DEFAULT_NAME else f" --name {name}"
    return (
        f"{head}\nNo login box shown? This front end cannot display ipywidgets: run "
        f"%etrade_login --text{live}{named} (or set ETRADE_NB_UI=text) for a plain link and "
        f"{verify_command(name)}."
    )


_PHASE_WORDS = {
    "pending": "waiting for the code",
    "checking": "checking the code",
    "authorized": "authorized, login finished",
    "expired": "the link expired, login ended",
    "cancelled": "login cancelled",
    "logged out": "logged out",
}


def paste_instead(name: str, *, box: bool) -> str:
    """What to do after Interrupt stopped the wait for the redirect (the login stays open)."""
    what = "the code E*TRADE showed (or the address your browser landed on)"
    if box:
        how = f"Paste {what} into the box and press Enter, or run {verify_command(name)}"
    else:
        how = f"Run {verify_command(name)} in a new cell with {what} as CODE"
    return f"Stopped waiting for the redirect. {how}; the redirect still signs in too."


def redirect_interrupted_text(name: str) -> str:
    """The error line of an interrupted callback wait: true before and after the login ends."""
    return (
        f"Stopped waiting for E*TRADE's redirect for `{name}`: nothing after this cell ran. "
        "Once the login above says Authorized, run the next cells."
    )


def logged_out_bundle(name: str, environment: str) -> Bundle:
    """What the login cell keeps after ``%etrade_logout``."""
    text = f"Logged out ({environment}): `{name}` was authorized here, then its token was revoked."
    return {"text/plain": text, "text/html": f"<div>{code_html(text)}</div>"}


def countdown_text(seconds_left: float) -> str:
    """The link's 5-minute countdown."""
    if seconds_left <= 0:
        return "This link has expired; getting a new one."
    return f"This link works for {format_duration(seconds_left)} more."


def link_bundle(
    url: str,
    *,
    name: str,
    environment: str,
    seconds_left: float,
    waiting: bool = False,
    redirect: bool = False,
) -> Bundle:
    """The text-mode login: the link and the exact next step."""
    command = verify_command(name)
    live = f"{LIVE_WARNING}\n" if environment == "live" else ""
    head = f"{live}E*TRADE login ({environment}): open this link, log in and click Accept:\n{url}\n"
    if waiting:
        wait = REDIRECT_WAITING_TEXT if redirect else WAITING_TEXT
        plain = f"{head}{wait} {countdown_text(seconds_left)}"
        html = (
            f"<div>{badge_html(environment)} {link_html(url, name, redirect=redirect)}<br>"
            f"<b>{escape(wait)}</b> <small>{escape(countdown_text(seconds_left))}"
            "</small></div>"
        )
        return {"text/plain": plain, "text/html": html}
    plain = (
        f"{head}"
        f"Then run:  {command}   (CODE is the code E*TRADE shows. A code typed into a cell "
        "is saved with the notebook unless the front end removes it; to keep it out, run "
        f"%etrade_verify without CODE to be asked for it, or, headless, set {VERIFIER_VAR} "
        f"in the kernel first.) {countdown_text(seconds_left)}"
    )
    html = (
        f"<div>{badge_html(environment)} {link_html(url, name)}<br>"
        f"<small>{escape(countdown_text(seconds_left))}</small></div>"
    )
    return {"text/plain": plain, "text/html": html}


def authorized_text(name: str, environment: str, expires_at: float, note: str | None = None) -> str:
    """``Authorized (sandbox) as `etrade` until 23:59 ET``."""
    extra = f" ({note})" if note else ""
    return f"Authorized ({environment}) as `{name}` until {format_valid_until(expires_at)}{extra}"


def authorized_html(name: str, environment: str, expires_at: float, note: str | None = None) -> str:
    """The badge says the environment: it is not repeated in words."""
    extra = f" <i>({escape(note)})</i>" if note else ""
    return (
        f"{badge_html(environment)} Authorized as <code>{escape(name)}</code> until "
        f"{escape(format_valid_until(expires_at))}{extra}"
    )


def authorized_bundle(
    name: str, environment: str, expires_at: float, note: str | None = None
) -> Bundle:
    return {
        "text/plain": authorized_text(name, environment, expires_at, note),
        "text/html": authorized_html(name, environment, expires_at, note),
    }


def message_bundle(text: str, *, warning: bool = False) -> Bundle:
    """A one-line message; warnings are bold red in HTML."""
    style = ' style="color:#b00020;font-weight:bold"' if warning else ""
    return {"text/plain": text, "text/html": f"<div{style}>{code_html(text)}</div>"}


def reuse_text(name: str, how: str) -> str:
    return f"Already logged in as `{name}` ({how}); reusing it. Use --force for a new login."


def status_next_step(name: str, status: SessionStatus) -> str | None:
    """What to do about a token that cannot be used as is (``None`` when it can)."""
    if status.state in (TokenState.EXPIRED, TokenState.REVOKED):
        live = " --live" if status.environment == "live" else ""
        named = "" if name == DEFAULT_NAME else f" --name {name}"
        return f"Log in again with %etrade_login{live}{named}."
    if status.state is TokenState.INACTIVE:
        return "Idle for 2 hours: the next call renews it (nothing to do)."
    return None


def status_bundle(name: str, status: SessionStatus) -> Bundle:
    """``%etrade_status`` of a session: environment, token state, clocks and the next step."""
    body = status.lines()
    step = status_next_step(name, status)
    if step:
        body.append(step)
    lines = [f"`{name}`:", *body]
    items = "".join(f"<li>{code_html(line)}</li>" for line in body[1:])
    html = (
        f"<div>{badge_html(status.environment)} <b>E*TRADE session</b> "
        f'<code>{escape(name)}</code><ul style="margin:2px 0">{items}</ul></div>'
    )
    return {"text/plain": "\n".join(lines), "text/html": html}


def pending_text(name: str, seconds_left: float) -> str:
    if seconds_left <= 0:
        return f"The login link for `{name}` expired. Run %etrade_login for a new one."
    return (
        f"Login for `{name}` is waiting for the code: {countdown_text(seconds_left)} "
        f"Finish with {verify_command(name)}."
    )


def _register_what(url: str) -> str:
    """``url``, or for a bare hub path what to put in front of it."""
    if "://" in url:
        return url
    return (
        f"your hub's address (https://host, as in the browser's address bar) followed by {url} "
        "(the hub does not tell the kernel its address: ask its admin to set "
        "c.JupyterHub.public_url and this shows the full URL)"
    )


def callback_text(url: str, *, via_hub: bool, registered: bool) -> str:
    """Where E*TRADE must send the browser, and what to do about it."""
    if registered:
        return f"E*TRADE sends your browser to {url}, the registered callback URL."
    return (
        f"Callback receiver ready. Register {_register_what(url)} as this consumer key's "
        "callback URL with E*TRADE customer service (one URL per key), then use --callback URL "
        "next time. Until then, paste the code as usual."
    )


def callback_ready_text(url: str, *, name: str, via_hub: bool, wait_seconds: float) -> str:
    """What ``%etrade_callback`` says: the URL to register and the next step."""
    named = "" if name == DEFAULT_NAME else f" --name {name}"
    wait = f"{int(wait_seconds) // 60} min" if wait_seconds % 60 == 0 else ""
    return (
        f"Callback receiver ready. Register {_register_what(url)} as this consumer key's "
        "callback URL with E*TRADE (once: one URL per key), then run "
        f"%etrade_login --callback{named} within {wait or format_duration(wait_seconds)}."
    )


def prompt_text(name: str) -> str:
    """The kernel's stdin prompt while ``%etrade_login`` waits."""
    return f"E*TRADE code for `{name}` (Enter alone stops the login): "


def stopped_text(name: str, why: str) -> str:
    """The one line that ends a Run All when the login did not happen."""
    named = "" if name == DEFAULT_NAME else f" --name {name}"
    return (
        f"Login for `{name}` stopped: {why}. Nothing after this cell ran; run this cell again "
        f"to log in (or %etrade_login --no-wait{named} to show the link without waiting)."
    )


def callback_ready_bundle(url: str, *, name: str, via_hub: bool, wait_seconds: float) -> Bundle:
    """:func:`callback_ready_text`; for a bare hub path the HTML adds a link whose address the
    browser completes with the page's own origin (right-click, Copy link address)."""
    text = callback_ready_text(url, name=name, via_hub=via_hub, wait_seconds=wait_seconds)
    html = f"<div>{escape(text)}"
    if "://" not in url:
        html += (
            f'<br>The full URL, completed by your browser: <a href="{escape(url)}" '
            f'target="_blank" rel="noopener noreferrer">{escape(url)}</a> (right-click, Copy '
            "link address)"
        )
    return {"text/plain": text, "text/html": html + "</div>"}


BINDER_CALLBACK = (
    "Binder gives every session a new address, so the one callback URL E*TRADE registers "
    "per consumer key cannot reach this kernel. Using copy-paste instead."
)
