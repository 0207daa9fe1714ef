import subprocess
import sys


def test_core_import_leaves_ipython_and_widgets_out():
    # Resolve every public name: they load lazily, so a bare import would prove little.
    code = (
        "import sys, etrade_nb; [getattr(etrade_nb, n) for n in etrade_nb.__all__]; "
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


def test_every_public_name_resolves_to_its_module():
    import etrade_nb

    for name in etrade_nb.__all__:
        value = getattr(etrade_nb, name)
        assert value is not None, name
    assert sorted(etrade_nb.__all__) == sorted(set(etrade_nb.__all__))
