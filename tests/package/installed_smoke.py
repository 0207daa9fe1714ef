"""Run by ``tests/package/test_wheel.py`` with the python of a fresh venv holding only the wheel.

Not a test module: it runs outside pytest, in a process whose ``sys.path`` has no checkout
(the script's own folder aside), and prints one ``ok: ...`` line per check. Arguments: a
scratch folder for the notebooks' kernels, then the names of the notebooks to expect.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
import tempfile
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def installed_package() -> None:
    import etrade_nb

    where = Path(etrade_nb.__file__).resolve()
    assert where.is_relative_to(Path(sys.prefix).resolve()), f"imported from {where}"
    assert importlib.metadata.version("etrade-nb") == etrade_nb.__version__
    assert (where.parent / "py.typed").is_file()
    config = Path(sys.prefix, "etc/jupyter/jupyter_server_config.d/etrade_nb.json")
    enabled = json.loads(config.read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled == {"etrade_nb.server_extension": True}, enabled
    print(f"ok: etrade_nb {etrade_nb.__version__} from {where.parent}; server extension on")


def plain_python_login() -> None:
    from etrade_nb import OAuthFlow, Session
    from etrade_nb.emulator import EmulatorServer
    from etrade_nb.storage.token_store import NO_STORE

    saved = dict(os.environ)
    with EmulatorServer(port=0) as emulator:
        os.environ.update(emulator.environ())
        flow = OAuthFlow(store=NO_STORE)
        token = parse_qs(urlsplit(flow.start()).query)["token"][0]
        session = flow.finish(emulator.approve_token(token))
        assert isinstance(session, Session)
        accounts = session.accounts()
        frame = session.quotes(["AAPL", "MSFT"], as_frame=True)
        assert accounts and list(frame.index) == ["AAPL", "MSFT"], frame.index
        session.revoke()
    os.environ.clear()
    os.environ.update(saved)
    print(f"ok: login, {len(accounts)} accounts, quotes as a DataFrame")


def demo_notebooks(scratch: Path, expected: list[str]) -> None:
    import nbformat
    from nbclient import NotebookClient

    folder = files("etrade_nb") / "_notebooks"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".ipynb"))
    assert names == sorted(expected), names
    for name in names:
        nb = nbformat.reads((folder / name).read_text(encoding="utf-8"), as_version=4)
        work = Path(tempfile.mkdtemp(prefix=name[:2], dir=scratch))
        # a kernel of this venv, in the environment nbval gives them (tests/nbval/plugin.py)
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(work)}},
        ).execute()
        errors = [
            out
            for cell in nb.cells
            for out in cell.get("outputs", [])
            if out.get("output_type") == "error"
        ]
        assert not errors, f"{name}: {errors}"
        print(f"ok: {name} ran top to bottom")


if __name__ == "__main__":
    installed_package()
    plain_python_login()
    demo_notebooks(Path(sys.argv[1]), sys.argv[2:])
