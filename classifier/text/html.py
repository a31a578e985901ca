"""The article text of a web page, for ``predict --file page.html`` and stdin.

``extract_text`` uses trafilatura (the ``html`` extra: main-content extraction that
drops navigation, adverts, comments and boilerplate) when it is installed, and a small
standard-library extractor otherwise (the text of headings, paragraphs, list items
and quotations, outside scripts, styles, navigation, headers, footers and asides).
Either way the result is plain text, the headline first and one block per line, and
the sentence offsets of a tagged page count characters of that text (not of the
HTML): ``extract_text(page)[s.start:s.end] == s.text``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.S)
_BLOCK_TAGS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "title", "dd",
               "dt", "figcaption", "pre", "td", "th", "caption", "summary"}
_SKIP_TAGS = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
              "template", "svg", "button", "select", "iframe"}
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def looks_like_html(text: str, name: str = "") -> bool:
    """Whether ``text`` is a web page rather than plain text.

    Parameters
    ----------
    text : str
        The input; only its first 4,096 characters are looked at.
    name : str, optional
        Its file name: a suffix in ``HTML_SUFFIXES`` is enough.

    Returns
    -------
    bool
        True for a known suffix, a leading doctype or ``<html>``, or many
        paragraph-level tags.

    Examples
    --------
    >>> looks_like_html("<!DOCTYPE html><html><body><p>Hi.</p></body></html>")
    True
    >>> looks_like_html("Prices rose 3% <on average> in May.")
    False
    """
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    head = text[:4096]
    if _START.match(head):
        return True
    tags = [m.group(2).lower() for m in _TAG.finditer(head)]
    return len(tags) >= 6 and sum(t in _BLOCK_TAGS | {"div", "br", "body", "a", "span"}
                                  for t in tags) >= 4


def extract_text(page: str) -> str:
    """The headline and article text of ``page``, one block per line.

    Uses trafilatura (the ``html`` extra) where installed, else the standard library's
    HTML parser (block-level text only).

    Parameters
    ----------
    page : str
        A web page's HTML.

    Returns
    -------
    str
        The article's headline and paragraphs, one per line.

    Examples
    --------
    >>> page = ("<html><head><title>Site</title><script>x()</script></head><body>"
    ...         "<nav>Home | News</nav><h1>Council delays vote</h1>"
    ...         "<p>The council said it would delay the vote.</p>"
    ...         "<p>Critics fear &amp; doubt the plan.</p><footer>(c) Site</footer></body></html>")
    >>> print(extract_text(page))
    Council delays vote
    The council said it would delay the vote.
    Critics fear & doubt the plan.
    """
    try:
        import trafilatura
    except ImportError:
        return _fallback(page)
    body = trafilatura.extract(page, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=False)
    if not body or not body.strip():
        return _fallback(page)
    title = (trafilatura.extract_metadata(page).title or "").strip()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if title and (not lines or title not in lines[0]):
        lines.insert(0, title)
    return "\n".join(lines)


class _Blocks(HTMLParser):
    """Text of the block elements outside skipped ones.

    The first ``h1`` (else the ``title``) is the headline.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.skip = 0
        self.open: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS and not self.skip:
            self._flush()
            self.open.append(tag)
        elif tag == "br" and self.open:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        elif tag in _BLOCK_TAGS and self.open and not self.skip:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.open and not self.skip:
            self.parts.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if self.open and text:
            self.blocks.append((self.open[-1], text))
        if self.open:
            self.open.pop()
        self.parts = []


def _fallback(page: str) -> str:
    parser = _Blocks()
    parser.feed(page)
    parser.close()
    parser._flush()
    blocks = parser.blocks
    heads = [text for tag, text in blocks if tag == "h1"]
    titles = [text for tag, text in blocks if tag == "title"]
    lines = [text for tag, text in blocks if tag != "title"]
    if not heads and titles:
        lines.insert(0, titles[0])
    return "\n".join(lines)
