"""Which hosts count as this machine: the emulator serves, and its robot talks to, no other."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str | None, *, ipv4_only: bool = False) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``; only an IPv4 literal if ``ipv4_only``.

    The server binds an IPv4 socket, so it asks for ``ipv4_only``; the robot accepts any
    spelling a browser would.
    """
    if not host:
        return False
    if host.lower() == "localhost":
        return not ipv4_only
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback and (address.version == 4 or not ipv4_only)
