"""``classifier.data.dedup``: near-duplicates by character n-gram Jaccard similarity."""

import pytest

from classifier.data.dedup import DuplicatePair, near_duplicates, normalize

BASE = "The central bank said inflation would fall back to target next year."


def test_normalize_lowercases_and_collapses_whitespace():
    assert normalize("  The\tBank \n\n SAID  ") == "the bank said"
    assert normalize("") == ""


def test_identical_texts_up_to_case_and_spacing_are_duplicates():
    pairs = near_duplicates([BASE, "Prices may rise.", "  " + BASE.upper().replace(" ", "  ")])
    assert pairs == [DuplicatePair(0, 2, 1.0)]


def test_similarity_is_the_jaccard_of_character_ngrams():
    def grams(text, n):
        text = normalize(text)
        return {text[i:i + n] for i in range(len(text) - n + 1)}

    edited = BASE.replace("next year", "this year")
    expected = len(grams(BASE, 5) & grams(edited, 5)) / len(grams(BASE, 5) | grams(edited, 5))
    (pair,) = near_duplicates([BASE, edited], threshold=0.5)
    assert (pair.left, pair.right) == (0, 1)
    assert pair.similarity == pytest.approx(expected)
    assert near_duplicates([BASE, edited], threshold=expected + 1e-9) == []
    assert near_duplicates([BASE, edited], threshold=0.5, n=3)[0].similarity != pair.similarity


def test_within_one_list_each_pair_once_left_before_right():
    texts = [BASE, BASE, "Completely different words here.", BASE]
    pairs = near_duplicates(texts)
    assert sorted((p.left, p.right) for p in pairs) == [(0, 1), (0, 3), (1, 3)]
    assert [p.left for p in pairs] == sorted(p.left for p in pairs)  # by left index


def test_across_two_lists_indices_point_into_each():
    left = ["Prices may rise.", BASE]
    right = ["Nothing alike at all, really.", BASE + " ", "prices MAY rise."]
    pairs = near_duplicates(left, right)
    assert sorted((p.left, p.right) for p in pairs) == [(0, 2), (1, 1)]
    assert all(p.similarity == 1.0 for p in pairs)


def test_blocks_give_the_same_pairs():
    texts = [BASE, "Prices may rise.", BASE, "Prices may rise!", BASE.lower()]
    assert near_duplicates(texts, block=2) == near_duplicates(texts)


def test_texts_shorter_than_n_have_no_grams_and_never_match():
    assert near_duplicates(["abcd", "abcd", BASE]) == []
    assert near_duplicates(["abcd", BASE], ["abcd"]) == []


def test_only_texts_shorter_than_n_give_no_pairs():
    assert near_duplicates(["ok", "ok"]) == []
    assert near_duplicates(["abcd"], ["abcd"]) == []
    assert near_duplicates([]) == []
