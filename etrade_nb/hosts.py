"""Where the kernel runs: a machine of one's own, a JupyterHub, or a Binder session.

Read from the environment variables JupyterHub and BinderHub set. The token cache (memory
on shared hosts) and the callback planning (the hub's prefix and public URL) both ask.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

BINDER_VARS = ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_REQUEST", "BINDER_SERVICE_HOST")
"""Set by BinderHub: a session whose public host (and home directory) lasts one session."""
JUPYTERHUB_VARS = ("JUPYTERHUB_API_TOKEN",)
"""Set by JupyterHub: a shared host where files in home may outlive the user's attention."""

HUB_PREFIX_VAR = "JUPYTERHUB_SERVICE_PREFIX"
"""This Jupyter server's path on the hub (``/user/alice/``), set by JupyterHub and Binder."""
HUB_PUBLIC_URL_VAR = "JUPYTERHUB_PUBLIC_URL"
"""This server's full public URL (``https://hub.example/user/alice/``), set by JupyterHub
when the hub knows its public address (``c.JupyterHub.public_url``, or subdomains)."""

HostKind = Literal["local", "jupyterhub", "binder"]


@dataclass(frozen=True)
class NotebookHost:
    """Where the kernel runs: a machine of one's own, a JupyterHub, or a Binder session.

    ``shared``: home directories are shared or outlive the session (keep tokens in memory);
    ``per_session``: the public address changes every session (no registered callback URL
    can reach it). ``prefix`` and ``public_url`` are the server's path and full URL on the
    hub (empty when unknown).
    """

    kind: HostKind
    prefix: str = ""
    public_url: str = ""

    @property
    def shared(self) -> bool:
        return self.kind != "local"

    @property
    def per_session(self) -> bool:
        return self.kind == "binder"


def notebook_host(environ: Mapping[str, str] | None = None) -> NotebookHost:
    """The :class:`NotebookHost` that the environment (:data:`BINDER_VARS`, ...) describes."""
    env = os.environ if environ is None else environ
    prefix = env.get(HUB_PREFIX_VAR, "").strip()
    if prefix:
        prefix = "/" + "/".join(part for part in prefix.split("/") if part) + "/"
        prefix = prefix.replace("//", "/")
    public_url = env.get(HUB_PUBLIC_URL_VAR, "").strip()
    if urlsplit(public_url).scheme not in ("http", "https"):
        public_url = ""
    kind: HostKind = "local"
    if any(env.get(v) for v in BINDER_VARS):
        kind = "binder"
    elif any(env.get(v) for v in JUPYTERHUB_VARS) or prefix:
        kind = "jupyterhub"
    return NotebookHost(kind, prefix, public_url)
