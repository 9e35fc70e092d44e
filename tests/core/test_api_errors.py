"""The API's validation messages are sentences in the reader's language, not pydantic's English
(issue 13; "API messages included")."""
from __future__ import annotations

import pytest
from django.utils import translation

from tandem.core.api_errors import message
from tests.core.test_bounded_input import manager_client  # noqa: F401


@pytest.mark.parametrize(("error", "english"), [
    ({"type": "missing"}, "This field is required."),
    ({"type": "string_too_long", "ctx": {"max_length": 120}}, "Enter at most 120 characters."),
    ({"type": "string_too_short", "ctx": {"min_length": 1}}, "Enter at least 1 character."),
    ({"type": "string_pattern_mismatch", "input": "  ", "ctx": {"pattern": "^x$"}}, "This field cannot be blank."),
    ({"type": "string_pattern_mismatch", "input": "a\r\nb", "ctx": {"pattern": "^x$"}},
     "Enter a single line: line breaks are not allowed here."),
    ({"type": "string_pattern_mismatch", "input": "http://x", "ctx": {"pattern": "^https://"}},
     "Enter a link starting with https://."),
    ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "Enter a number of at least 1."),
    ({"type": "int_parsing"}, "Enter a whole number."),
    ({"type": "literal_error", "ctx": {"expected": "'a' or 'b'"}}, "Choose one of: 'a' or 'b'."),
    ({"type": "too_long", "ctx": {"max_length": 500}}, "Give at most 500 items."),
    ({"type": "value_error", "msg": "Value error, Enter a date as YYYY-MM-DD."}, "Enter a date as YYYY-MM-DD."),
    ({"type": "something_new", "msg": "pydantic's own"}, "pydantic's own"),
])
def test_each_kind_of_error_is_a_sentence(error, english):
    with translation.override("en"):
        assert message(error) == english


def test_the_reader_gets_their_language_and_its_plurals():
    with translation.override("ru"):
        assert message({"type": "string_too_long", "ctx": {"max_length": 5}}) == "Введите не больше 5 символов."
        assert message({"type": "string_too_long", "ctx": {"max_length": 21}}) == "Введите не больше 21 символа."
    with translation.override("zh-hans"):
        assert message({"type": "missing"}) != "This field is required."


@pytest.mark.django_db
def test_an_api_error_names_the_bound_in_the_readers_language(manager_client):  # noqa: F811
    r = manager_client.post("/api/programs", {"name": "x" * 500}, content_type="application/json",
                            HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 422
    messages = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert messages["name"].startswith("Введите не больше")
    assert not any("should" in m for m in messages.values())
