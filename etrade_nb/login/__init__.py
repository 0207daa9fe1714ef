"""The three-step login: :class:`~etrade_nb.login.flow.OAuthFlow` (request token, authorize
link, verifier exchange), the one-shot callback receiver, and the planning of its URL.
"""
