"""A Jupyter Server extension that keeps OAuth verifiers and tokens out of the server's log.

E*TRADE's callback redirect carries ``oauth_verifier`` and ``oauth_token`` in its query.
Behind JupyterHub it reaches the kernel's receiver through jupyter-server-proxy, and the
Jupyter server logs the request line: JupyterHub's single-user log function at INFO for every
request, jupyter_server's at WARNING/ERROR for 4xx/5xx (a stopped receiver is a 500 from the
proxy), jupyter-server-proxy at DEBUG. None of them scrubs ``oauth_verifier``. Installing
etrade-nb enables this extension (``jupyter_server_config.d/etrade_nb.json``); it masks those
values in every record that reaches the server's log handlers. Apart from the package's
layers: it imports only :mod:`etrade_nb.oauth.log_filter`, and Jupyter Server lazily.
"""

from __future__ import annotations

import logging
from typing import Any

from .oauth.log_filter import LOG_FILTER

# Loggers whose records carry request lines; their own filters see records made on them,
# the handler filters below see everything that propagates to the server's handlers.
_REQUEST_LOGGERS = ("tornado.access", "tornado.application", "tornado.general")


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "etrade_nb.server_extension"}]


def install(app_log: logging.Logger) -> None:
    """Attach the OAuth mask to ``app_log``, its handlers, the root's and tornado's loggers."""
    loggers = [app_log, logging.getLogger(), *map(logging.getLogger, _REQUEST_LOGGERS)]
    for logger in loggers:
        for target in (logger, *logger.handlers):
            if LOG_FILTER not in target.filters:
                target.addFilter(LOG_FILTER)


def _load_jupyter_server_extension(serverapp: Any) -> None:
    install(serverapp.log)
    serverapp.log.info("etrade-nb: masking OAuth verifiers and tokens in this server's log")
