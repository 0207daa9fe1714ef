"""The sandbox/LIVE badge the session's rich display and the notebook's login views share."""

from __future__ import annotations


def environment_badge_html(name: str) -> str:
    """A colored ``sandbox`` (green), ``LIVE`` (red) or ``unknown host`` (amber) badge.

    ``name`` is an :attr:`~etrade_nb.environments.Environment.label`: ``sandbox``, ``live``
    or ``unknown host H`` (calls go to a host etrade-nb does not know).
    """
    from html import escape

    live, known = name == "live", name in ("live", "sandbox")
    color = "#b00020" if live else "#1b6e3a" if known else "#8a5a00"
    text = "LIVE" if live else escape(name)
    return (
        f'<span style="background:{color};color:#fff;'
        f'border-radius:3px;padding:1px 6px;font-weight:bold">{text}</span>'
    )
