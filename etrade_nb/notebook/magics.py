"""``%etrade_login``, ``%etrade_verify``, ``%etrade_callback``,
``%etrade_status``, ``%etrade_logout``.

Thin: each magic parses its arguments and calls :class:`LoginManager`. Errors reach the
user as IPython ``UsageError`` (the message, no traceback), with what to do next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from ..errors import EtradeError
from ..secret import Secret
from . import traceback_mask
from .display import DEFAULT_NAME, VERIFIER_VAR

if TYPE_CHECKING:
    from .manager import LoginManager

_NAME_HELP = f"Variable that holds the Session (default: {DEFAULT_NAME})."


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except EtradeError as exc:
        raise UsageError(str(exc)) from None


@magics_class
class EtradeMagics(Magics):
    """The E*TRADE login magics; the logic lives in ``self.manager``."""

    def __init__(self, shell: InteractiveShell, manager: LoginManager | None = None) -> None:
        super().__init__(shell)
        self.ip = shell  # typed: Magics.shell may be None
        self._manager = manager

    @property
    def manager(self) -> LoginManager:
        """The login logic (made on first use, so ``%load_ext`` stays cheap)."""
        if self._manager is None:
            from .manager import LoginManager

            self._manager = LoginManager(self.ip)
        return self._manager

    @magic_arguments()
    @argument("--live", action="store_true", help="Log in to LIVE E*TRADE (default: sandbox).")
    @argument("--name", default=DEFAULT_NAME, help=_NAME_HELP)
    @argument("--force", action="store_true", help="New login even if a session or token exists.")
    @argument(
        "--callback",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="Receive the code by E*TRADE's redirect. URL: the callback registered with "
        "E*TRADE; without URL, use the receiver %%etrade_callback started (or start one and "
        "show the URL to register).",
    )
    @argument("--callback-port", type=int, default=0, help="Local port the callback URL reaches.")
    @argument("--text", action="store_true", help="Plain link and %%etrade_verify, no widget.")
    @argument("--widget", action="store_true", help="Show the widget even if headless.")
    @argument(
        "--no-wait",
        action="store_true",
        help="Show the link and return at once (finish later with the box or %%etrade_verify).",
    )
    @line_magic
    def etrade_login(self, line: str = "") -> None:
        """Show the E*TRADE login (link + code box) and bind the Session to a name.

        In JupyterLab, Notebook 7, VS Code or a terminal the cell waits, visibly, until the
        code is pasted into the prompt under it (or the callback arrives), so Run All goes
        on with the name bound. An empty answer, Interrupt, or the link's expiry stop the
        run with one line. Headless runs (nbclient, papermill, nbval) never wait: they
        print the link and the %etrade_verify command to run; so does --no-wait. Voila
        never waits either and shows the login box (its page has no cell to type into);
        code that needs the session goes in etrade_nb.on_login(func).
        Re-running reuses a valid session or today's saved token (unless --force) and shows
        the same link while a login is pending.
        Environment: ETRADE_NB_UI=text|widget picks the interface.
        """
        args = parse_argstring(self.etrade_login, line)
        ui = "text" if args.text else ("widget" if args.widget else None)
        with _usage_errors():
            self.manager.login(
                args.name,
                live=args.live,
                force=args.force,
                callback=args.callback,
                callback_port=args.callback_port,
                ui=ui,
                wait=False if args.no_wait else None,
            )

    @magic_arguments()
    @argument(
        "code",
        nargs="?",
        default=None,
        help="The verification code E*TRADE showed, or the whole callback URL. Typed into a "
        "cell, it is saved with the notebook unless the front end removes it. Leave it out to "
        f"read it from ${VERIFIER_VAR} (headless runs) or be asked for it: the code then never "
        "enters the notebook.",
    )
    @argument(
        "--name",
        default=None,
        help="The login to finish (default: the only one waiting for a code, else etrade).",
    )
    @line_magic
    def etrade_verify(self, line: str = "") -> None:
        """Finish the pending %etrade_login with the code and bind the Session.

        Without --name it finishes the only login waiting for a code; with several waiting
        it says which --name to add.

        With no CODE, takes the code from $ETRADE_NB_VERIFIER if it is set (read once, then
        removed from os.environ), else asks for it in a password box where the front end can.
        Either way the code is not saved. Headless (nbclient, papermill): have the driver set
        the variable in the kernel (a silent execute request is not saved), then run
        %etrade_verify without CODE.

        With CODE, note that the cell's text, code included, is saved with the notebook unless
        the front end removes it: once the code has been used this magic asks the front end to
        take it out of the cell (JupyterLab and Notebook 7 honour this; nbclient, papermill
        and nbconvert do not).
        """
        args = parse_argstring(self.etrade_verify, line)
        with _usage_errors():
            name = self.manager.pending_for(args.name).name
            # A Secret while it is in use: an interrupted Verbose traceback masks its value.
            code = Secret(args.code if args.code is not None else self._ask_code(name))
            self.manager.verify(code.reveal(), name)
        if args.code is not None and getattr(self.ip, "kernel", None) is not None:
            suffix = "" if args.name is None else f" --name {args.name}"
            self.ip.set_next_input(
                f"%etrade_verify{suffix}  # the code was used and removed from this cell",
                replace=True,
            )

    def _ask_code(self, name: str) -> str:
        from_env = os.environ.pop(VERIFIER_VAR, "").strip()
        if from_env:
            return from_env
        if not self.manager.can_wait():
            suffix = "" if name == DEFAULT_NAME else f" --name {name}"
            raise UsageError(
                "This run cannot ask for the code (no input). Headless, set "
                f"{VERIFIER_VAR} in the kernel to the code E*TRADE showed (it is read once, "
                f"then removed) and run %etrade_verify{suffix} again: the code stays out of "
                f"the notebook. Or run %etrade_verify CODE{suffix}, but a typed code is "
                "saved with the notebook unless the front end removes it."
            )
        return self.manager.ask("E*TRADE verification code: ")

    @magic_arguments()
    @argument("--name", default=DEFAULT_NAME, help=_NAME_HELP)
    @argument(
        "--port",
        type=int,
        default=0,
        help="Local port to listen on: the one in the callback URL you registered "
        "(default: 0, a free port the system picks; the receiver then keeps it).",
    )
    @line_magic
    def etrade_callback(self, line: str = "") -> str | None:
        """Start the callback receiver now and return the callback URL to register.

        E*TRADE sends the browser to the one callback URL registered for the consumer key, so
        you need that URL before logging in. This binds a receiver on 127.0.0.1 at once (no
        other process can take its port afterwards) and returns its exact URL; behind
        JupyterHub https://HUB/user/NAME/proxy/PORT/callback through jupyter-server-proxy
        (the full URL when the hub sets public_url, else the path after the hub's address).
        Then run %etrade_login --callback
        (same --name): it uses this receiver instead of starting another. Without a login the
        receiver waits 15 minutes, then stops; re-running restarts it on the same port.

            CALLBACK_URL = %etrade_callback          # or: %etrade_callback --port 8765
            %etrade_login --callback

        On Binder, whose address changes every session, it starts nothing and returns None.
        """
        args = parse_argstring(self.etrade_callback, line)
        with _usage_errors():
            return self.manager.callback(args.name, port=args.port)

    @magic_arguments()
    @argument("--name", default=DEFAULT_NAME, help=_NAME_HELP)
    @line_magic
    def etrade_status(self, line: str = "") -> None:
        """Show environment, token state, time to idle and to the midnight-ET expiry."""
        args = parse_argstring(self.etrade_status, line)
        with _usage_errors():
            self.manager.status(args.name)

    @magic_arguments()
    @argument("--name", default=DEFAULT_NAME, help=_NAME_HELP)
    @line_magic
    def etrade_logout(self, line: str = "") -> None:
        """Revoke the access token, forget it from the cache and unbind the name.

        If E*TRADE cannot be reached, the name stays bound (the token may still work): run
        %etrade_logout again to retry.
        """
        args = parse_argstring(self.etrade_logout, line)
        with _usage_errors():
            self.manager.logout(args.name)


def load_ipython_extension(ip: InteractiveShell) -> None:
    """Register the magics (``%load_ext etrade_nb``); loading twice is harmless."""
    if "EtradeMagics" not in ip.magics_manager.registry:
        ip.register_magics(EtradeMagics(ip))
    traceback_mask.install(ip)


def unload_ipython_extension(ip: InteractiveShell) -> None:
    """Stop timers and receivers (``%unload_ext etrade_nb``)."""
    magics = ip.magics_manager.registry.pop("EtradeMagics", None)
    if magics is not None and magics._manager is not None:
        magics._manager.close()
        for kind in ("line", "cell"):
            for magic_name in magics.magics.get(kind, {}):
                ip.magics_manager.magics[kind].pop(magic_name, None)
