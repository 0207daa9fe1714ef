"""The Jupyter Server extension masks OAuth fields in every record the server's log prints."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from etrade_nb import server_extension
from etrade_nb.oauth.log_filter import LOG_FILTER

LINE = "302 GET /user/alice/proxy/9/callback?oauth_token=tok%2F1%3D&oauth_verifier=K7Q2M"


@pytest.fixture
def app_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A server-like logger with a handler, as a Jupyter ServerApp has; filters removed after."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    log = logging.getLogger("etrade-test-ServerApp")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    access = logging.getLogger("tornado.access")
    saved_parent, saved_level = access.parent, access.level
    access.parent, access.level = log, logging.DEBUG  # what ServerApp does with tornado's loggers
    try:
        yield log, out
    finally:
        access.parent, access.level = saved_parent, saved_level
        log.removeHandler(handler)
        for target in (log, handler, logging.getLogger(), *logging.getLogger().handlers):
            target.removeFilter(LOG_FILTER)
        for name in ("tornado.access", "tornado.application", "tornado.general"):
            logging.getLogger(name).removeFilter(LOG_FILTER)


def test_request_lines_lose_the_verifier_and_token(app_log) -> None:
    log, out = app_log
    server_extension.install(log)
    server_extension.install(log)  # twice: one filter each
    log.info("%s", LINE)  # jupyter_server's log_request
    logging.getLogger("tornado.access").info(LINE)  # JupyterHub's single-user log_request
    logging.getLogger("etrade-test-ServerApp.child").debug("Proxying request to %s", LINE)
    text = out.getvalue()
    assert "K7Q2M" not in text and "tok%2F1" not in text
    assert text.count("oauth_verifier=***") == 3
    assert log.filters.count(LOG_FILTER) == 1


def test_it_declares_itself_to_jupyter_server() -> None:
    assert server_extension._jupyter_server_extension_points() == [
        {"module": "etrade_nb.server_extension"}
    ]
