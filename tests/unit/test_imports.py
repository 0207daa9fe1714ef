import subprocess
import sys


def test_core_import_leaves_ipython_and_widgets_out():
    code = (
        "import sys, etrade_nb; "
        "bad = [m for m in ('IPython', 'ipywidgets', 'ipykernel', 'pandas') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_lists_its_commands():
    done = subprocess.run(
        [sys.executable, "-m", "etrade_nb", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "demo" in done.stdout and "audit" in done.stdout
