"""What the area helpers share: unwrapping E*TRADE's envelopes."""

from __future__ import annotations

import pytest

from etrade_nb.api.base import unwrap
from etrade_nb.errors import ResponseFormatError


def test_unwrap_takes_the_body_out_of_its_envelope() -> None:
    assert unwrap({"BalanceResponse": {"accountId": "1"}}, "BalanceResponse") == {"accountId": "1"}


def test_unwrap_keeps_an_answer_that_came_without_its_envelope() -> None:
    assert unwrap({"accountId": "1"}, "BalanceResponse") == {"accountId": "1"}


def test_an_empty_answer_is_an_empty_dict() -> None:
    assert unwrap(None, "AlertDetailsResponse") == {}


@pytest.mark.parametrize("doc", [["not", "an", "object"], {"BalanceResponse": "text"}])
def test_an_answer_that_is_not_an_object_says_so(doc: object) -> None:
    with pytest.raises(ResponseFormatError, match=r"not an object .* BalanceResponse"):
        unwrap(doc, "BalanceResponse")
