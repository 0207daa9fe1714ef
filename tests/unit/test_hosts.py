"""One answer to "what kind of host is this?" (token cache and callback mode both ask)."""

from __future__ import annotations


def test_notebook_host_local_hub_and_binder() -> None:
    from etrade_nb.hosts import BINDER_VARS, notebook_host

    local = notebook_host({})
    assert (local.kind, local.shared, local.per_session) == ("local", False, False)
    hub = notebook_host(
        {
            "JUPYTERHUB_API_TOKEN": "x",
            "JUPYTERHUB_SERVICE_PREFIX": "user/alice",
            "JUPYTERHUB_PUBLIC_URL": "https://hub.example/user/alice/",
        }
    )
    assert (hub.kind, hub.shared, hub.per_session) == ("jupyterhub", True, False)
    assert (hub.prefix, hub.public_url) == ("/user/alice/", "https://hub.example/user/alice/")
    assert notebook_host({"JUPYTERHUB_SERVICE_PREFIX": "/user/a/"}).kind == "jupyterhub"
    assert notebook_host({"JUPYTERHUB_PUBLIC_URL": "not a url"}).public_url == ""
    for var in BINDER_VARS:  # each Binder variable alone; Binder is a hub too
        binder = notebook_host({var: "1", "JUPYTERHUB_API_TOKEN": "x"})
        assert (binder.kind, binder.shared, binder.per_session) == ("binder", True, True)


def test_the_token_cache_and_callback_mode_ask_the_same_helper() -> None:
    from etrade_nb.hosts import BINDER_VARS
    from etrade_nb.storage.token_store import MemoryTokenStore, default_store

    for env in ({"JUPYTERHUB_API_TOKEN": "x"}, *({v: "1"} for v in BINDER_VARS)):
        assert isinstance(default_store(env), MemoryTokenStore), env
