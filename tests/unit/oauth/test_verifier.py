import pytest

from etrade_nb import VerifierFormatError, extract_verifier


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("K7Q2M", ("K7Q2M", None)),
        ("  K7Q2M \n", ("K7Q2M", None)),
        ("'WXYZ89'", ("WXYZ89", None)),
        # E*TRADE codes are upper-case letters and digits: a sloppy paste is normalised
        ("k7q2m", ("K7Q2M", None)),
        ("K7 Q2M", ("K7Q2M", None)),
        (" k7 q\t2M ", ("K7Q2M", None)),
        ("https://x/cb?oauth_verifier=wxyz89", ("WXYZ89", None)),
        ("https://myapplicationsite.com/mytradingapp?oauth_verifier=WXYZ89", ("WXYZ89", None)),
        ("https://myapplicationsite.com?myapp=trading&oauth_verifier=WXYZ89", ("WXYZ89", None)),
        ("oauth_verifier=Y27X25F", ("Y27X25F", None)),
        ("?oauth_verifier=Y27X25F", ("Y27X25F", None)),
        (
            "http://127.0.0.1:9/cb?oauth_token=%2FiQR%2B%3D&oauth_verifier=AB12C",
            ("AB12C", "/iQR+="),
        ),
    ],
)
def test_accepts_code_query_or_callback_url(pasted, expected):
    assert extract_verifier(pasted) == expected


@pytest.mark.parametrize(
    ("pasted", "hint"),
    [
        ("", "No verification code"),
        ("   ", "No verification code"),
        ("K7-Q2M", "letters and digits"),
        ("https://us.etrade.com/e/t/etws/authorize?key=k&token=t", "authorize link"),
        ("https://x/cb?oauth_verifier=", "no usable oauth_verifier"),
    ],
)
def test_refuses_what_is_not_a_code_before_any_network_call(pasted, hint):
    with pytest.raises(VerifierFormatError, match=hint):
        extract_verifier(pasted)


@pytest.mark.parametrize(
    "pasted",
    [
        "https://x/cb?oauth_verifier=&oauth_verifier=REAL1",
        "https://x/cb?oauth_verifier=FIRST&oauth_verifier=OTHER",
        "oauth_verifier=AB12C&oauth_verifier=AB12C&oauth_token=t",
    ],
)
def test_two_verifiers_in_a_pasted_address_are_refused(pasted):
    with pytest.raises(VerifierFormatError, match="more than one oauth_verifier"):
        extract_verifier(pasted)


@pytest.mark.parametrize("pasted", [12345, b"AB12C", ["AB12C"]])
def test_what_is_not_text_is_refused_with_a_format_error(pasted):
    with pytest.raises(VerifierFormatError, match="text"):
        extract_verifier(pasted)
