"""The sandbox/LIVE badge the session's rich display and the notebook's login views share."""

from __future__ import annotations


def environment_badge_html(name: str) -> str:
    """A colored ``sandbox`` (green) or ``LIVE`` (red) badge for HTML displays."""
    live = name == "live"
    return (
        f'<span style="background:{"#b00020" if live else "#1b6e3a"};color:#fff;'
        f'border-radius:3px;padding:1px 6px;font-weight:bold">{"LIVE" if live else "sandbox"}'
        "</span>"
    )
