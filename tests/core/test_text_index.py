"""The word index behind Cognigy's list filter."""

from __future__ import annotations

from mockserver.core.text_index import TextIndex, words, words_of


def test_words_of_json_values() -> None:
    assert words("Max Mustermann, jsmith@example.com") == {
        "max", "mustermann", "jsmith", "example", "com"}  # fmt: skip
    assert words_of({"a": ["X y", {"b": 42}], "c": True, "d": None}) == {"x", "y", "42"}


def test_every_word_must_match_and_changes_are_seen() -> None:
    index = TextIndex()
    index.put("1", words("Anna Red"))
    index.put("2", words("anna blue"))
    assert index.matching("ANNA") == {"1", "2"}
    assert index.matching("anna red") == {"1"}
    assert index.matching("red blue") == set()
    assert index.matching("  ,, ") is None  # no words: no filter
    index.put("1", words("Anna Green"))
    assert index.matching("red") == set()
    index.remove("2")
    assert index.matching("anna") == {"1"}
