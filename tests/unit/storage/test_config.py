import os
import stat

import pytest

from etrade_nb import ConfigurationError, load_credentials, save_credentials


def test_argument_then_environment_then_file(tmp_path):
    env = {"ETRADE_NB_CONFIG": str(tmp_path / "cfg" / "credentials.ini")}
    with pytest.raises(ConfigurationError, match="ETRADE_CONSUMER_KEY") as info:
        load_credentials(environ=env)
    assert "etrade-nb-emulator" in str(info.value)
    path = save_credentials("filekey", "filesecret", environ=env)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_credentials(environ=env).consumer_key == "filekey"
    with pytest.raises(ConfigurationError, match="for live"):
        load_credentials(environment="live", environ=env)  # sandbox keys never serve live
    env2 = {**env, "ETRADE_CONSUMER_KEY": "envkey", "ETRADE_CONSUMER_SECRET": "envsecret"}
    assert load_credentials(environ=env2).source == "environment"
    assert load_credentials("argkey", "argsecret", environ=env2).consumer_key == "argkey"


def test_sections_per_environment(tmp_path):
    env = {"ETRADE_NB_CONFIG": str(tmp_path / "credentials.ini")}
    save_credentials("sbkey", "sbsecret", environ=env)
    save_credentials("livekey", "livesecret", environment="live", environ=env)
    assert load_credentials(environ=env).consumer_key == "sbkey"
    assert load_credentials(environment="live", environ=env).consumer_key == "livekey"


def test_loose_config_file_is_refused(tmp_path):
    env = {"ETRADE_NB_CONFIG": str(tmp_path / "credentials.ini")}
    path = save_credentials("k", "s", environ=env)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_credentials(environ=env)


def test_half_given_credentials_and_repr():
    with pytest.raises(ConfigurationError, match="both"):
        load_credentials("onlykey", None, environ={})
    creds = load_credentials("k", "verysecret", environ={})
    assert "verysecret" not in repr(creds)


@pytest.mark.parametrize(
    ("key", "secret"),
    [("   ", "   "), ("key", " \t"), ("", "s3cr3tVALUE"), (None, "s3cr3tVALUE"), (12345, "s")],
)
def test_blank_half_or_non_text_keys_are_refused_with_what_to_do(key, secret):
    env = {"ETRADE_CONSUMER_KEY": "envkey", "ETRADE_CONSUMER_SECRET": "envsecret"}
    with pytest.raises(ConfigurationError, match=r"consumer_(key|secret)") as info:
        load_credentials(key, secret, environ=env)
    assert "s3cr3tVALUE" not in info.value.message and "envsecret" not in info.value.message


@pytest.mark.parametrize(("key", "secret"), [("  ", "s"), ("k", "a\nb"), ("k\n[live]", "s")])
def test_save_credentials_refuses_blank_or_multi_line_values(tmp_path, key, secret):
    env = {"ETRADE_NB_CONFIG": str(tmp_path / "c.ini")}
    with pytest.raises(ConfigurationError, match=r"consumer_(key|secret)"):
        save_credentials(key, secret, environ=env)
    assert not (tmp_path / "c.ini").exists()


def test_save_credentials_over_a_damaged_file_says_what_to_do(tmp_path):
    path = tmp_path / "c.ini"
    path.write_text("consumer_key = no section header\n")
    path.chmod(0o600)
    with pytest.raises(ConfigurationError, match="not a valid INI file"):
        save_credentials("key", "secret", environ={"ETRADE_NB_CONFIG": str(path)})
    assert path.read_text() == "consumer_key = no section header\n"  # nothing lost
