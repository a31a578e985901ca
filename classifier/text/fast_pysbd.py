r"""pysbd's English segmenter with its costliest passes made cheap, same output.

``split_sentences`` spends most of an article's time in pysbd 0.3.4. Profiled on the
seed article, the time goes to a few passes that do work only when the text holds
what they look for, and to applying its ~25 literal symbol rules with ``re.sub``
on every sentence. This module keeps pysbd and its rules and only skips work
whose result is known in advance:

- **abbreviations** (``AbbreviationReplacer.search_for_abbreviations_in_string``):
  for each of its ~190 abbreviations found anywhere in a line as a substring ("a",
  "i", "no", "st" are in nearly every line) pysbd runs a ``findall`` over the line,
  then one ``re.sub`` over the line per occurrence. Each such ``re.sub`` only
  rewrites a full stop that directly follows the abbreviation, itself preceded by
  whitespace or the line start (``(?<=\s{abbr})\.`` on the line with a space
  prepended), so an abbreviation that never stands between whitespace (or the
  start) and a ``.`` in the line cannot change it and is skipped; the others go
  through pysbd's own code. The pass only ever turns a ``.`` into ``∯``, so what
  could not match in the line as it came in cannot match later either. A line
  where such a word holds a non-ASCII character (which could match an ASCII
  abbreviation case-insensitively, as the Kelvin sign matches "k") takes pysbd's
  path whole.
- **list items** (``ListItemReplacer``): the alphabetical, roman and numbered list
  searches are skipped when the text lacks what each of their patterns needs
  (a lone lowercase letter and a full stop after whitespace or the start; a
  closing parenthesis; a digit followed by ``.`` and a space or ``)``; a digit
  followed by ``)`` and a space); with nothing found pysbd's loops do nothing.
- **rules** (``Text.apply``) in the per-sentence steps: a rule whose pattern has no
  regex metacharacter and whose replacement no backslash is ``str.replace``
  (``re.sub`` with a literal pattern replaces the same non-overlapping occurrences,
  left to right); the others run as compiled patterns, compiled once.

The methods overridden are copies of pysbd 0.3.4's with those changes; any other
pysbd version gets pysbd's own segmenter. ``tests/text/test_fast_pysbd.py`` compares
the two on the team corpus; the same comparison on every real-news article (90,313
sentences) found no difference.

The overridden methods are adapted from pysbd 0.3.4, MIT License, Copyright (c) 2019
Nipun Sadvilkar (https://github.com/nipunsadvilkar/pySBD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pysbd import Segmenter
    from pysbd.lang.english import English
    from pysbd.utils import Rule

_PYSBD_VERSION = "0.3.4"
_META = frozenset(".^$*+?{}[]\\|()")
# a lone lowercase letter then a full stop, after whitespace or at the start
_LETTER_STOP = re.compile(r"(?<!\S)[a-z]\.")
_DIGIT_STOP = re.compile(r"\d\.[\s)]")
_DIGIT_PAREN = re.compile(r"\d\)\s")


@cache
def _rule(pattern: str, replacement: str) -> tuple[str | None, Any]:
    """``(literal, None)`` for a rule ``str.replace`` can apply, else ``(None, compiled)``."""
    if pattern and not any(c in _META for c in pattern) and "\\" not in replacement:
        return pattern, None
    return None, re.compile(pattern)


def _apply(text: str, rules: Iterable[Rule]) -> str:
    """``pysbd.utils.Text(text).apply(*rules)``, with literal rules as ``str.replace``."""
    for rule in rules:
        literal, compiled = _rule(rule.pattern, rule.replacement)
        if literal is not None:
            text = text.replace(literal, rule.replacement)
        else:
            text = compiled.sub(rule.replacement, text)
    return text


def _words_before_stop(line: str) -> set[str] | None:
    """The words between whitespace (or the start) and a ``.`` in ``line``, lowercased.

    ``None`` if one of them is not ASCII.
    """
    words = set()
    for token in line.split():
        stop = token.find(".")
        if stop > 0:
            word = token[:stop]
            if word.isalnum():
                if not word.isascii():
                    return None
                words.add(word.lower())
    return words


@lru_cache(maxsize=1)
def _english() -> type[English]:
    import pysbd
    from pysbd.lang.english import English
    from pysbd.lists_item_replacer import ListItemReplacer
    from pysbd.processor import Processor

    if getattr(pysbd, "__version__", "") != _PYSBD_VERSION:
        return English

    plain = tuple(a.strip() for a in English.Abbreviation.ABBREVIATIONS)
    # abbreviations holding a regex metacharacter ("e.g", "ph.d") always take pysbd's path
    always = frozenset(a for a in plain if not a.isalnum())

    class FastAbbreviationReplacer(English.AbbreviationReplacer):
        def search_for_abbreviations_in_string(self, text: str) -> str:
            words = _words_before_stop(text)
            if words is None:
                return super().search_for_abbreviations_in_string(text)
            lowered = text.lower()
            for stripped in plain:
                # pysbd's own test, then ours: "abbr." after whitespace or the start
                if (stripped not in words and stripped not in always) or \
                        stripped not in lowered:
                    continue
                abbrev_match = re.findall(
                    rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE
                )
                if not abbrev_match:
                    continue
                next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
                char_array = re.findall(next_word_start, text)
                for ind, match in enumerate(abbrev_match):
                    text = self.scan_for_replacements(text, match, ind, char_array)
            return text

    class FastListItemReplacer(ListItemReplacer):
        def iterate_alphabet_array(self, regex: str, parens: bool = False,
                                   roman_numeral: bool = False) -> str:
            if regex == self.ALPHABETICAL_LIST_WITH_PARENS and ")" not in self.text:
                return self.text
            if regex == self.ALPHABETICAL_LIST_WITH_PERIODS and not _LETTER_STOP.search(
                    self.text):
                return self.text
            return super().iterate_alphabet_array(regex, parens, roman_numeral)

        def scan_lists(self, regex1: str, regex2: str, replacement: str,
                       strip: bool = False) -> None:
            if regex1 == self.NUMBERED_LIST_REGEX_1 and not _DIGIT_STOP.search(self.text):
                return
            if regex1 == self.NUMBERED_LIST_PARENS_REGEX and not _DIGIT_PAREN.search(
                    self.text):
                return
            super().scan_lists(regex1, regex2, replacement, strip)

    class FastProcessor(Processor):
        text: str

        def process(self) -> str | list[str]:
            if not self.text:
                return self.text
            self.text = self.text.replace('\n', '\r')
            li = FastListItemReplacer(self.text)
            self.text = li.add_line_break()
            self.replace_abbreviations()
            self.replace_numbers()
            self.replace_continuous_punctuation()
            self.replace_periods_before_numeric_references()
            self.text = _apply(self.text, (
                self.lang.Abbreviation.WithMultiplePeriodsAndEmailRule,
                self.lang.GeoLocationRule, self.lang.FileFormatRule))
            postprocessed_sents = self.split_into_segments()
            return postprocessed_sents

        def split_into_segments(self) -> list[str]:
            self.check_for_parens_between_quotes()
            sents = self.text.split('\r')
            sents = self.rm_none_flatten(sents)
            rules = (self.lang.SingleNewLineRule, *self.lang.EllipsisRules.All)
            sents = [_apply(s, rules) for s in sents]
            sents = [self.check_for_punctuation(s) for s in sents]
            sents = self.rm_none_flatten(sents)
            postprocessed_sents = []
            for sent in sents:
                sent = _apply(sent, self.lang.SubSymbolsRules.All)
                post_process_sent = self.post_process_segments(sent)
                if post_process_sent and isinstance(post_process_sent, str):
                    postprocessed_sents.append(post_process_sent)
                elif isinstance(post_process_sent, list):
                    for pps in post_process_sent:
                        postprocessed_sents.append(pps)
            quote = (self.lang.SubSingleQuoteRule,)
            return [_apply(ns, quote) for ns in postprocessed_sents]

        def post_process_segments(self, txt: str) -> str | list[str]:
            if len(txt) > 2 and re.search(r'\A[a-zA-Z]*\Z', txt):
                return txt
            txt = _apply(txt, self.lang.ReinsertEllipsisRules.All)
            if re.search(self.lang.QUOTATION_AT_END_OF_SENTENCE_REGEX, txt):
                txt = re.split(  # type: ignore[assignment]  # as in pysbd: a list here
                    self.lang.SPLIT_SPACE_QUOTATION_AT_END_OF_SENTENCE_REGEX, txt)
                return txt
            else:
                txt = txt.replace('\n', '')
                return txt.strip()

        def replace_numbers(self) -> None:
            self.text = _apply(self.text, self.lang.Numbers.All)

    class FastEnglish(English):
        pass

    FastEnglish.AbbreviationReplacer = FastAbbreviationReplacer
    FastEnglish.Processor = FastProcessor
    return FastEnglish


def segmenter() -> Segmenter:
    """A ``pysbd.Segmenter`` (English, ``clean=False``) with the cheap passes."""
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    seg.language_module = _english()
    return seg
