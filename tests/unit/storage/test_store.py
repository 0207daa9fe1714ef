import json
import os
import stat

import pytest

from etrade_nb import NO_STORE, AccessToken, FileTokenStore, MemoryTokenStore, TokenCacheError
from etrade_nb.storage.token_store import StoredToken, default_store

T0 = 1_780_408_800.0


def stored(last_used: float = T0) -> StoredToken:
    return StoredToken(AccessToken("tok+/=", "sec/+=", issued_at=T0), last_used)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_file_store_round_trip_with_private_modes(tmp_path):
    store = FileTokenStore(tmp_path / "tokens")
    store.save("KEY123", "sandbox", stored())
    path = store.path_for("KEY123", "sandbox")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert "KEY123" not in path.name
    loaded = store.load("KEY123", "sandbox", T0 + 10)
    assert loaded == stored()
    assert store.load("KEY123", "live", T0) is None
    left = sorted(p.name for p in path.parent.iterdir())
    assert left == sorted([path.name, ".lock"])  # no temp files left


def test_expired_tokens_are_discarded_on_load(tmp_path):
    store = FileTokenStore(tmp_path)
    store.save("K", "sandbox", stored())
    assert store.load("K", "sandbox", stored().token.expires_at) is None
    assert not store.path_for("K", "sandbox").exists()


def test_loose_permissions_are_refused_with_a_fix(tmp_path):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    path = store.path_for("K", "sandbox")
    path.chmod(0o644)
    with pytest.raises(TokenCacheError, match="chmod 600"):
        store.load("K", "sandbox", T0)
    path.chmod(0o600)
    path.parent.chmod(0o755)
    with pytest.raises(TokenCacheError, match="chmod 700"):
        store.save("K", "sandbox", stored())


def test_damaged_file_is_reported(tmp_path):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    store.path_for("K", "sandbox").write_text("{not json")
    with pytest.raises(TokenCacheError, match="damaged"):
        store.load("K", "sandbox", T0)


def test_file_holds_no_consumer_key(tmp_path):
    store = FileTokenStore(tmp_path / "t")
    store.save("CONSUMERKEY", "sandbox", stored())
    doc = json.loads(store.path_for("CONSUMERKEY", "sandbox").read_text())
    assert "CONSUMERKEY" not in json.dumps(doc)


def test_memory_and_no_store():
    mem = MemoryTokenStore()
    mem.save("K", "sandbox", stored())
    assert mem.load("K", "sandbox", T0) == stored()
    mem.delete("K", "sandbox")
    assert mem.load("K", "sandbox", T0) is None
    NO_STORE.save("K", "sandbox", stored())
    assert NO_STORE.load("K", "sandbox", T0) is None
    mem.save("K", "sandbox", stored())
    assert "tok+/=" not in repr(mem) and "sec/+=" not in repr(mem)


def test_default_store_follows_the_host():
    assert isinstance(default_store({}), FileTokenStore)
    assert isinstance(
        default_store({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}), MemoryTokenStore
    )
    assert isinstance(default_store({"JUPYTERHUB_API_TOKEN": "x"}), MemoryTokenStore)
    assert default_store({"ETRADE_NB_TOKEN_CACHE": "off"}) is NO_STORE
    assert isinstance(
        default_store({"ETRADE_NB_TOKEN_CACHE": "file", "BINDER_REQUEST": "x"}), FileTokenStore
    )
