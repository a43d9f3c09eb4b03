"""Cutting long texts below a pipeline's max_length."""

from __future__ import annotations

import itertools

import pytest

from nlp.suggesters.chunking import pieces_of, split_for_length


def test_chunking_short_text_is_one_piece() -> None:
    assert split_for_length("kurz", 10) == [(0, 4)]


def test_chunking_prefers_paragraph_breaks() -> None:
    text = "Erster Absatz hier.\n\nZweiter Absatz. Noch ein Satz."
    assert split_for_length(text, 30) == [(0, 21), (21, len(text))]


def test_chunking_falls_back_to_sentences_then_spaces_then_hard_cuts() -> None:
    text = "Ein Satz. Noch ein Satz. Und der dritte Satz."
    pieces = split_for_length(text, 20)
    assert pieces[0] == (0, 10)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert split_for_length("abcdefghij", 4) == [(0, 4), (4, 8), (8, 10)]


@pytest.mark.parametrize("max_length", [1, 5, 17, 64])
def test_chunking_pieces_cover_the_text_within_the_limit(max_length: int) -> None:
    text = "GM kauft bei CATL.\n\nDie Zellen kommen 2026. " * 7
    pieces = split_for_length(text, max_length)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(b - a <= max_length for a, b in pieces)
    assert all(p[1] == q[0] for p, q in itertools.pairwise(pieces))


def test_chunking_pieces_of_keep_text_index_and_offset() -> None:
    pieces = list(pieces_of(["kurz", "eins zwei drei"], 9))
    assert pieces == [("kurz", (0, 0)), ("eins ", (1, 0)), ("zwei drei", (1, 5))]


def test_chunking_rejects_a_zero_limit() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_for_length("x", 0)
