"""The E*TRADE API after login: :class:`~etrade_nb.api.session.Session` (signed calls, renew
before idle, never re-send an order), the HTTP transport and its retry policy, response and
error parsing, rate limiting and pandas frames; one module per E*TRADE area.
"""
