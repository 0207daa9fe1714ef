import json
import os
import stat

import pytest

from etrade_nb import NO_STORE, AccessToken, FileTokenStore, MemoryTokenStore, TokenCacheError
from etrade_nb.secret import Secret
from etrade_nb.storage.token_store import StoredToken, default_store

T0 = 1_780_408_800.0


def stored(last_used: float = T0) -> StoredToken:
    return StoredToken(AccessToken("tok+/=", Secret("sec/+="), issued_at=T0), last_used)


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


def test_a_loose_token_file_is_not_used_but_removed_and_a_loose_dir_is_refused(tmp_path, caplog):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    path = store.path_for("K", "sandbox")
    path.chmod(0o644)
    assert store.load("K", "sandbox", T0) is None
    assert not path.exists()  # it may have leaked: never offered again
    assert "chmod 600" in caplog.text or "other users" in caplog.text
    store.save("K", "sandbox", stored())
    path.parent.chmod(0o755)
    with pytest.raises(TokenCacheError, match="chmod 700"):
        store.save("K", "sandbox", stored())
    assert store.load("K", "sandbox", T0) is None  # never read from an unsafe folder
    assert path.exists()  # nor changed


def test_a_damaged_file_is_ignored_removed_and_reported_once(tmp_path, caplog):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    store.path_for("K", "sandbox").write_text("{not json")
    for _ in range(3):
        assert store.load("K", "sandbox", T0) is None
    assert not store.path_for("K", "sandbox").exists()
    assert caplog.text.count("is damaged") == 1 and caplog.text.count("It was removed") == 1
    store.save("K", "sandbox", stored())
    assert store.load("K", "sandbox", T0) == stored()


GOOD = {
    "environment": "sandbox",
    "oauth_token": "tok+/=",
    "oauth_token_secret": "sec/+=",
    "issued_at": T0,
    "expires_at": stored().token.expires_at,
    "last_used": T0,
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("oauth_token", 12345),
        ("oauth_token", ["a", "b"]),
        ("oauth_token", ""),
        ("oauth_token_secret", None),
        ("oauth_token_secret", "  "),
        ("expires_at", float("nan")),
        ("expires_at", "inf"),
        ("expires_at", 1e308),  # finite, but never midnight ET after the login
        ("issued_at", True),
        ("issued_at", "1780408800"),
        ("last_used", float("inf")),
        ("last_used", -1),
        ("environment", ["sandbox"]),
        (None, None),  # the document is not an object
    ],
)
def test_every_field_is_validated_on_load(tmp_path, field, value):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    doc = dict(GOOD) if field else ["not", "an", "object"]
    if field:
        doc[field] = value
    store.path_for("K", "sandbox").write_text(json.dumps(doc))
    store.path_for("K", "sandbox").chmod(0o600)
    assert store.load("K", "sandbox", T0 + 10) is None
    assert not store.path_for("K", "sandbox").exists()


def test_a_valid_document_still_loads(tmp_path):
    store = FileTokenStore(tmp_path / "t")
    store.save("K", "sandbox", stored())
    store.path_for("K", "sandbox").write_text(json.dumps(GOOD))
    assert store.load("K", "sandbox", T0 + 10) == stored()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_no_operation_touches_a_symlinked_folder_of_another_user(tmp_path, caplog):
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    if os.geteuid() == 0:  # as root, make it really someone else's; else the link suffices
        os.chown(other, 65534, 65534)
    link = tmp_path / "tokens"
    link.symlink_to(other)
    store = FileTokenStore(link)
    for token in (None, "tok"):
        with pytest.raises(TokenCacheError, match="symbolic link"):
            store.delete("K", "sandbox", token)
    assert store.load("K", "sandbox", T0) is None
    with pytest.raises(TokenCacheError, match="symbolic link"):
        store.save("K", "sandbox", stored())
    assert list(other.iterdir()) == []  # no .lock, no token file


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs chown (root)")
def test_no_operation_uses_a_folder_of_another_user(tmp_path):
    other = tmp_path / "tokens"
    other.mkdir(mode=0o700)
    os.chown(other, 65534, 65534)
    store = FileTokenStore(other)
    with pytest.raises(TokenCacheError, match="another user"):
        store.delete("K", "sandbox")
    assert store.load("K", "sandbox", T0) is None
    with pytest.raises(TokenCacheError, match="another user"):
        store.save("K", "sandbox", stored())
    assert list(other.iterdir()) == []


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
