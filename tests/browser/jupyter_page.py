"""Driving a notebook in JupyterLab 4 / Notebook 7 with Playwright (same selectors in both).

The apps run with ``expose_app_in_browser``: cells are run and the notebook saved through
``window.jupyterapp.commands``, which is steadier than key presses.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

WAIT_MS = 60_000
_KERNEL_IDLE = """() => {
  const sc = window.jupyterapp?.shell.currentWidget?.sessionContext;
  return !!(sc?.session?.kernel && sc.kernelDisplayStatus === 'idle');
}"""
_RUN_CELL = """(i) => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.activeCellIndex = i;
  window.jupyterapp.commands.execute('notebook:run-cell');  // not awaited: a login waits
}"""
_CELL_DONE = """(i) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[i];
  const prompt = cell.node.querySelector('.jp-InputPrompt')?.textContent ?? '';
  return /\\[\\d+\\]/.test(prompt) && panel.sessionContext.kernelDisplayStatus === 'idle';
}"""


def cell_index(notebook: Path, source: str) -> int:
    """Index (markdown cells included) of the first cell whose source starts with ``source``."""
    cells = json.loads(notebook.read_text())["cells"]
    for i, cell in enumerate(cells):
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if text.lstrip().startswith(source):
            return i
    raise LookupError(f"no cell starting with {source!r} in {notebook.name}")


def open_notebook(page: Page, url: str) -> None:
    """Open ``url`` and wait until the cells are shown and the kernel is idle."""
    page.goto(url)
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function(_KERNEL_IDLE, timeout=WAIT_MS)


def cell(page: Page, index: int) -> Any:
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def start_cell(page: Page, index: int) -> Any:
    """Run one cell without waiting (a login cell waits for the person, not the kernel)."""
    page.evaluate(_RUN_CELL, index)
    return cell(page, index)


def run_cell(page: Page, index: int) -> Any:
    """Run one cell, wait until it finished; returns its locator."""
    start_cell(page, index)
    page.wait_for_function(_CELL_DONE, arg=index, timeout=WAIT_MS)
    return cell(page, index)


def run_cells(page: Page, notebook: Path, *sources: str) -> None:
    for source in sources:
        run_cell(page, cell_index(notebook, source))


def approve_in_new_tab(page: Page, context: BrowserContext, login_cell: Any) -> tuple[str, str]:
    """Open the login's link, click Accept, read the code; returns (authorize URL, code)."""
    link = login_cell.locator(".widget-html a#etrade-authorize-link")
    expect(link).to_be_visible(timeout=WAIT_MS)
    assert link.get_attribute("target") == "_blank"
    url = link.get_attribute("href") or ""
    with context.expect_page() as new_tab:
        link.click()
    authorize = new_tab.value
    authorize.wait_for_load_state()
    expect(authorize.locator("#emulator-banner")).to_be_visible()
    authorize.locator("#accept").click()
    code = authorize.locator("#verification-code").inner_text().strip()
    assert re.fullmatch(r"\w{4,}", code), code
    authorize.close()
    page.bring_to_front()
    return url, code


def login_with_code(page: Page, context: BrowserContext, login_cell: Any) -> tuple[str, str]:
    """Do what a person does with the login widget's own box (``--no-wait``)."""
    url, code = approve_in_new_tab(page, context, login_cell)
    login_cell.locator(".widget-text input").fill(code)
    login_cell.locator("button.jupyter-button", has_text="Submit").click()
    return url, code


def paste_into_prompt(login_cell: Any, code: str) -> None:
    """Answer the kernel's prompt under the waiting login cell (JupyterLab and Notebook 7)."""
    box = login_cell.locator("input.jp-Stdin-input")
    expect(box).to_be_visible(timeout=WAIT_MS)
    box.fill(code)
    box.press("Enter")


def restart_and_run_all(page: Page) -> None:
    """Kernel > Restart Kernel and Run All Cells..., confirming the dialog."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()


def expect_authorized(login_cell: Any) -> None:
    expect(login_cell.locator(".jp-OutputArea").first).to_contain_text(
        "Authorized as etrade", timeout=WAIT_MS
    )


def save_and_read(page: Page, notebook: Path, must_contain: str) -> str:
    """Save with ``docmanager:save`` and return the file once it holds ``must_contain``."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = notebook.read_text()
        if must_contain in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{notebook.name} was not saved with {must_contain!r} within 30 s")
