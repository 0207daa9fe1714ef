"""HTML pages: authorize/accept/complete pages and Tomcat-style error reports.

Self-contained (inline CSS, no external resources). Every user-facing page carries a banner
saying this is the emulator, not E*TRADE. Stable element ids: ``#accept``, ``#decline``,
``#verification-code``.
"""

from __future__ import annotations

from html import escape

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;background:#f4f5f7;
color:#1d2329}
.banner{background:#7a1fa2;color:#fff;padding:8px 16px;font-size:14px;font-weight:600}
main{max-width:560px;margin:40px auto;background:#fff;border-radius:8px;padding:28px 32px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:22px;margin-top:0}
code,.code{font-family:SFMono-Regular,Menlo,Consolas,monospace}
.code{display:inline-block;font-size:32px;letter-spacing:4px;padding:8px 16px;
background:#eef6ee;border:1px solid #9c9;border-radius:6px}
button{font-size:16px;padding:8px 20px;border-radius:6px;border:1px solid #888;cursor:pointer;
margin-right:8px}
#accept{background:#1f7a35;color:#fff;border-color:#1f7a35}
.muted{color:#5b6570;font-size:14px}
""".strip()

BANNER = "E*TRADE emulator \u2014 not the real E*TRADE"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<div class="banner" id="emulator-banner">{escape(BANNER)}</div>'
        f"<main>{body}</main></body></html>\n"
    )


def index(url: str) -> str:
    """Landing page at ``/``."""
    return _page(
        "E*TRADE emulator",
        "<h1>E*TRADE emulator</h1><p>A local OAuth 1.0a provider for testing "
        f"<code>etrade-nb</code>. API base: <code>{escape(url)}</code></p>"
        '<p class="muted">OAuth endpoints are under <code>/oauth/</code>, data under '
        "<code>/v1/</code>, the authorize page at <code>/e/t/etws/authorize</code>.</p>",
    )


def authorize(app_name: str, consumer_key: str, request_token: str) -> str:
    """The "Authorize <app>?" page with Accept (``#accept``) and Decline (``#decline``)."""
    hidden = (
        f'<input type="hidden" name="key" value="{escape(consumer_key)}">'
        f'<input type="hidden" name="token" value="{escape(request_token)}">'
    )
    return _page(
        f"Authorize {app_name}?",
        f"<h1>Authorize {escape(app_name)}?</h1>"
        f"<p>The application with consumer key <code>{escape(consumer_key)}</code> asks to "
        "access your (pretend) E*TRADE accounts.</p>"
        # Relative actions keep working behind a path prefix such as /proxy/<port>/.
        f'<form method="post" action="authorize/accept" id="accept-form">{hidden}'
        '<button type="submit" id="accept">Accept</button></form><br>'
        f'<form method="post" action="authorize/decline" id="decline-form">{hidden}'
        '<button type="submit" id="decline">Decline</button></form>',
    )


def complete(verifier: str) -> str:
    """ "Authorization Complete" with the code in ``#verification-code``."""
    return _page(
        "Authorization Complete",
        "<h1>Authorization Complete</h1><p>Your verification code:</p>"
        f'<p><span class="code" id="verification-code">{escape(verifier)}</span></p>'
        "<p>Copy this code back into your application, then close this window.</p>",
    )


def declined() -> str:
    return _page(
        "Authorization Declined",
        "<h1>Authorization Declined</h1><p>You declined the request. The application gets "
        "no access. To try again, go back to your application and get a new link.</p>",
    )


def link_expired() -> str:
    """Unknown, used or expired request token on the authorize page."""
    return _page(
        "Link expired",
        '<h1 id="error">This authorization link has expired</h1><p>The link is no longer valid '
        "(authorization links work for 5 minutes and only once). Go back to your application "
        "and get a new link.</p>",
    )


def robot_refused() -> str:
    return _page(
        "Auto-approve is off",
        '<h1 id="error">auto-approve is off</h1><p>auto-approve is off; start the emulator '
        "with --auto-approve to let the robot accept.</p>",
    )


def tomcat_error(status: int, message: str) -> str:
    """Tomcat 7 error report, the shape E*TRADE's OAuth endpoints answer with."""
    reason = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}
    msg = escape(message)
    return (
        "<html><head><title>Apache Tomcat/7.0 - Error report</title></head><body>"
        f'<h1>HTTP Status {status} - {msg}</h1><HR size="1" noshade="noshade">'
        f"<p><b>type</b> Status report</p><p><b>message</b> <u>{msg}</u></p>"
        f"<p><b>description</b> <u>{escape(reason.get(status, 'Error'))}</u></p>"
        '<HR size="1" noshade="noshade"><h3>Apache Tomcat/7.0 (E*TRADE emulator)</h3>'
        "</body></html>"
    )


def rate_limited() -> str:
    """The HTTP 400 page for a request over the rate limit (legacy E*TRADE docs' wording)."""
    return (
        "<html><head><title>Rate limit exceeded</title></head><body>"
        "<p>Number of requests exceeded the rate limit set</p></body></html>"
    )


def maintenance() -> str:
    """An HTML maintenance page served with HTTP 200 (a fault)."""
    return _page(
        "E*TRADE - Scheduled Maintenance",
        "<h1>We'll be back soon</h1><p>E*TRADE is undergoing scheduled maintenance.</p>",
    )
