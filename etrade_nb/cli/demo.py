"""``etrade-nb demo``: the built-in emulator and JupyterLab on 127.0.0.1, quickstart open.

``--app notebook`` opens it in Notebook 7; ``--app voila`` serves the dashboard
(``05-dashboard.ipynb``) through Voila's server extension instead.

The emulator runs on a thread of this process; Jupyter runs as a child process (in its own
session, so Ctrl-C reaches only this command, which then stops Jupyter and its kernels
cleanly). Jupyter and every kernel inherit the variables that point etrade-nb at the emulator
(``ETRADE_NB_API_BASE``, ``ETRADE_NB_AUTHORIZE_URL``, the demo consumer key and secret) and
``ETRADE_NB_TOKEN_CACHE=memory``, so the demo writes no token file.

The Jupyter token goes to Jupyter in its environment (``JUPYTER_TOKEN``), never on its command
line: any local user can read a process's arguments (``ps``), only its owner its environment.

Jupyter picks its own port: 8888 or, when that is taken (the analyst's own Jupyter), one
of the next 50 it tries. The URL printed is read back from the server's runtime file
(``jpserver-<pid>.json``, what ``jupyter server list`` shows), never guessed. Jupyter's
log is relayed (warnings and errors only, without its own token URLs) and the quickstart's
URL is printed last, on a line of its own, once Jupyter has gone quiet.

The notebooks open from a working copy in a folder of their own (``~/etrade-nb-demo`` or
``$ETRADE_NB_DEMO_DIR``): saving never touches the repository or the installed package,
and edits survive the next demo (missing notebooks are copied again, existing ones kept).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from ..emulator import EmulatorServer

QUICKSTART = "01-quickstart.ipynb"
DASHBOARD = "05-dashboard.ipynb"
DEMO_DIR_VAR = "ETRADE_NB_DEMO_DIR"
_JUPYTER_URL_LINES = ("?token=", "To access the server", "Or copy and paste", "in a browser:")
# Not for the analyst: Jupyter's own deprecations (voila turns traitlets' back on), Voila's
# note that a freshly copied demo notebook was never opened (trusted) before, and ipykernel's
# warning at every kernel start that loopback TCP is unencrypted (its messages are signed
# with the key in the 0600 connection file; reading loopback traffic takes root).
_NOISE = ("DeprecationWarning:", "is not trusted", "Kernel is running over TCP without encryption")
DEFAULT_PORT, PORT_RETRIES = 8888, 50
# app -> (module run with -m, title, URL path of a notebook, the notebook it opens)
_APPS = {
    "lab": ("jupyterlab", "JupyterLab", "lab/tree", QUICKSTART),
    "notebook": ("notebook", "Jupyter Notebook", "notebooks", QUICKSTART),
    # Voila's server extension (enabled when voila is installed) renders a notebook as a
    # page without code; a plain Jupyter server carries it, with the same token and port.
    "voila": ("jupyter_server", "Voila", "voila/render", DASHBOARD),
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="etrade-nb demo",
        description="Start the built-in E*TRADE emulator and JupyterLab (127.0.0.1 only) with "
        "the quickstart notebook open. Ctrl-C stops both.",
    )
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"Jupyter port, exactly (0: any free port). Default: {DEFAULT_PORT} or, if taken, "
        f"one of the next {PORT_RETRIES} Jupyter tries",
    )
    p.add_argument("--emulator-port", type=int, default=0, help="emulator port (0: any free)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument(
        "--app",
        choices=sorted(_APPS),
        default="lab",
        help=f"JupyterLab, Notebook 7, or Voila (the dashboard, {DASHBOARD}, as a page)",
    )
    p.add_argument(
        "--notebook-dir",
        type=Path,
        default=None,
        help=f"folder to open the notebooks from, used as is (default: a working copy in "
        f"${DEMO_DIR_VAR}, else ~/etrade-nb-demo)",
    )
    p.add_argument(
        "--token",
        default=None,
        help="Jupyter token (default: $JUPYTER_TOKEN, else a random one). Prefer setting "
        "JUPYTER_TOKEN: other users of this machine can see command-line arguments",
    )
    return p


def notebooks_dir() -> Path | None:
    """The folder holding the demo notebooks: the source checkout's, else the packaged copy."""
    package = Path(__file__).resolve().parents[1]  # etrade_nb/
    for candidate in (package.parent / "notebooks", package / "_notebooks"):
        if (candidate / QUICKSTART).is_file():
            return candidate
    return None


def working_copy(source: Path, target: Path) -> list[str]:
    """Copy the notebooks (``*.ipynb`` only) that ``target`` lacks; return their names.

    Notebooks already there are the person's own (maybe edited): they are kept.
    """
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for notebook in sorted(source.glob("*.ipynb")):
        if not (target / notebook.name).exists():
            shutil.copy2(notebook, target / notebook.name)
            copied.append(notebook.name)
    return copied


def demo_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the working copy lives: ``$ETRADE_NB_DEMO_DIR``, else ``~/etrade-nb-demo``."""
    env = os.environ if environ is None else environ
    given = env.get(DEMO_DIR_VAR, "").strip()
    return Path(given).expanduser() if given else Path.home() / "etrade-nb-demo"


def _writable_notebooks(explicit: Path | None) -> Path:
    if explicit is not None:
        if not (explicit / QUICKSTART).is_file():
            raise SystemExit(f"etrade-nb demo: {explicit} has no {QUICKSTART}")
        return explicit
    found = notebooks_dir()
    if found is None:
        raise SystemExit(
            "etrade-nb demo: the demo notebooks are not installed. Pass --notebook-dir, or run "
            "from a clone of the repository (pip install -e '.[demo]')."
        )
    target = demo_dir()
    try:
        copied = working_copy(found, target)
    except OSError as exc:
        target = Path(tempfile.mkdtemp(prefix="etrade-nb-demo-"))
        copied = working_copy(found, target)
        print(f"Cannot write the demo folder ({exc.strerror}); using {target}.", flush=True)
    kept = "" if copied else " (your copies from an earlier demo, kept as they are)"
    print(f"Demo notebooks: {target}{kept}", flush=True)
    return target


class _Relay(threading.Thread):
    """Relays Jupyter's log to ``out``, leaving out its own URLs (the demo prints the one)."""

    def __init__(self, source: IO[str], out: IO[str]) -> None:
        super().__init__(daemon=True, name="jupyter-log")
        self.source, self.out = source, out
        self.last = time.monotonic()

    def run(self) -> None:
        skip_context = False
        for line in self.source:
            self.last = time.monotonic()
            if skip_context and line.startswith("  "):
                continue  # the source line Python prints under a warning
            skip_context = "DeprecationWarning:" in line
            if not any(marker in line for marker in (*_JUPYTER_URL_LINES, *_NOISE)):
                self.out.write(line)
                self.out.flush()

    def wait_quiet(self, quiet: float = 1.0, timeout: float = 8.0) -> None:
        """Return once nothing came for ``quiet`` seconds (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and time.monotonic() - self.last < quiet:
            time.sleep(0.1)


def jupyter_command(app: str, port: int | None, root: Path, *, open_browser: bool) -> list[str]:
    """The Jupyter command line: loopback only, the quickstart as the file to open.

    ``port=None``: 8888, else the next free one Jupyter finds; a number: exactly that port
    (0: one the OS picks). No token here: it goes in the environment (:func:`demo_environ`).
    """
    module, _, path, notebook = _APPS[app]
    cmd = [
        sys.executable,
        "-m",
        module,
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={DEFAULT_PORT if port is None else port}",
        f"--ServerApp.port_retries={PORT_RETRIES if port is None else 0}",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.log_level=WARN",  # the startup chatter buried the demo's URL
        "--LabApp.log_level=WARN",  # JupyterLab's extension logs on its own (any app)
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    if app == "voila":  # a bare Jupyter server opens its default URL: the dashboard
        cmd.append(f"--ServerApp.default_url=/{path}/{notebook}")
    else:
        cmd.append(str(root / notebook))
    return cmd


def demo_environ(
    emu: EmulatorServer, base: Mapping[str, str] | None = None, *, token: str | None = None
) -> dict[str, str]:
    """The Jupyter server's environment: ``base``, the emulator's variables and the token."""
    env = dict(os.environ if base is None else base)
    env.update(emu.environ())
    if token is not None:
        env["JUPYTER_TOKEN"] = token  # read by jupyter_server's IdentityProvider
        env.pop("JUPYTER_TOKEN_FILE", None)
    env.setdefault("ETRADE_NB_TOKEN_CACHE", "memory")
    return env


def server_info(pid: int, runtime_dir: Path | None = None) -> dict[str, object] | None:
    """The runtime file Jupyter process ``pid`` writes once it listens (``None`` until then)."""
    if runtime_dir is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime_dir = Path(jupyter_runtime_dir())
    try:
        info = json.loads((runtime_dir / f"jpserver-{pid}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not written yet, or half written
        return None
    return info if isinstance(info, dict) and info.get("pid") == pid else None


def _wait_ready(proc: subprocess.Popen[str], token: str, timeout: float = 60) -> str | None:
    """Jupyter's base URL once it answers ``/api/status``; ``None`` if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        info = server_info(proc.pid)
        port = info.get("port") if info else None
        if port == 0:  # jupyter_server too old to read back the port the OS gave it
            print("etrade-nb demo: this jupyter_server cannot say which port --port 0 got; pass "
                  "--port N, or leave --port out.", flush=True)  # fmt: skip
            return None
        if isinstance(port, int) and port > 0:
            base = f"http://127.0.0.1:{port}"
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        return base
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.25)
    return None


def _stop(proc: subprocess.Popen[str], timeout: float = 10) -> None:
    if proc.poll() is None:
        proc.terminate()  # Jupyter shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo until Ctrl-C or SIGTERM; returns Jupyter's exit status otherwise."""
    args = _parser().parse_args(argv)
    root = _writable_notebooks(args.notebook_dir)
    token = args.token or os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(16)
    _, title, path, notebook = _APPS[args.app]
    from ..notebook.autoapprove import requested as auto_approve_requested  # IPython: lazily

    requested = auto_approve_requested()
    emu = EmulatorServer(port=args.emulator_port, auto_approve=requested).start()
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    proc: subprocess.Popen[str] | None = None
    try:
        print(f"E*TRADE emulator (not the real E*TRADE) at {emu.url}", flush=True)
        cmd = jupyter_command(args.app, args.port, root, open_browser=not args.no_browser)
        env = demo_environ(emu, token=token)
        proc = subprocess.Popen(
            cmd,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        relay = _Relay(proc.stdout, sys.stderr)
        relay.start()
        print(f"Starting {title} (pid {proc.pid}) on 127.0.0.1 ...", flush=True)
        base = _wait_ready(proc, token)
        if base is None:
            print(f"etrade-nb demo: {title} did not start; see the messages above.", flush=True)
            return 1
        relay.wait_quiet()
        if args.app == "voila":
            print("Sign in with the box on the page. Press Ctrl-C to stop.", flush=True)
        else:
            print("Run the cells from the top (Run All works). Press Ctrl-C to stop.", flush=True)
        print(f"\n{title} is ready:\n\n    {base}/{path}/{notebook}?token={token}\n", flush=True)
        while not stop.wait(0.2):
            if proc.poll() is not None:
                print(f"{title} exited with status {proc.returncode}.", flush=True)
                return int(proc.returncode or 0)
        print("Stopping ...", flush=True)
        return 0
    finally:
        if proc is not None:
            _stop(proc)
        emu.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc is not None:
            print(f"Stopped {title} and the emulator.", flush=True)


__all__ = [
    "demo_dir",
    "demo_environ",
    "jupyter_command",
    "main",
    "notebooks_dir",
    "server_info",
    "working_copy",
]
