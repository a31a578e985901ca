"""Tagged articles for reading: a self-contained HTML page, or Markdown for notes.

``as_html`` shows each document with a summary bar of its label shares and counts,
then the text with every sentence highlighted in its label's colour and underlined in
its label's pattern, its label written after it (so labels show without hovering, in
print and in a saved PDF, and not by colour alone); hovering (or focusing) a sentence
shows the probability of each label, and buttons show one label at a time. The page
names the model, its version and dates (``model_caption``). Colours, patterns and
symbols come from ``classifier.reports.palette``, for the guide's labels and for any
other label set. ``as_markdown`` gives a share line and a sentence table, with a
symbol per label. Rendering only: both take ``(doc_id, ArticlePrediction)`` pairs and
return a string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING

from classifier.prediction import ArticlePrediction, Prediction
from classifier.reports.palette import label_colours, label_patterns, label_symbols

if TYPE_CHECKING:
    from classifier.text.attribution import Source

Docs = list[tuple[str, ArticlePrediction]]
_Colours = Mapping[str, tuple[str, str]]  # label: (strong, light)
LOW_CONFIDENCE = 0.5  # sentences below it are underlined: the model is unsure

_CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; }
body { margin:0; background:#f9fafb; color:var(--ink);
       font:17px/1.7 Georgia,"Times New Roman",serif; }
main { max-width:760px; margin:0 auto; padding:28px 22px 60px; }
header.page { font:14px/1.5 system-ui,sans-serif; color:var(--muted); margin-bottom:18px; }
article { background:#fff; border:1px solid var(--line); border-radius:10px;
          padding:20px 26px 24px; margin-bottom:22px; }
article h2 { font:600 15px/1.4 system-ui,sans-serif; color:var(--muted); margin:0 0 10px;
             word-break:break-all; }
.bar { display:flex; height:14px; border-radius:7px; overflow:hidden; margin:0 0 8px; }
.bar span { display:block; height:100%; }
.legend { font:13px/1.6 system-ui,sans-serif; color:var(--muted); margin:0 0 18px;
          padding:0; list-style:none; display:flex; flex-wrap:wrap; gap:4px 16px; }
.legend i { display:inline-block; width:11px; height:11px; border-radius:3px;
            margin-right:5px; vertical-align:-1px; }
.text { white-space:pre-wrap; }
.s { border-radius:3px; padding:1px 0; cursor:help; box-decoration-break:clone;
     -webkit-box-decoration-break:clone; }
.s:hover, .s:focus { outline:2px solid var(--c); outline-offset:0; }
.s { text-decoration:underline var(--u) var(--c); text-decoration-thickness:2px;
     text-underline-offset:4px; }
.s.low { opacity:.85; }
.tag { font:600 11px/1 system-ui,sans-serif; color:var(--c); border:1px solid var(--c);
       border-radius:3px; padding:1px 4px; margin:0 2px 0 4px; vertical-align:1px;
       white-space:nowrap; }
.tag.none { color:var(--muted); border-style:dashed; --c:var(--muted); }
.s.dim, .s.dim + .tag { background:none !important; text-decoration:none; opacity:.35; }
.filter { font:13px/1.4 system-ui,sans-serif; margin:0 0 18px; display:flex;
          flex-wrap:wrap; gap:6px; align-items:center; color:var(--muted); }
.filter button { font:inherit; border:1px solid var(--line); background:#fff;
                 border-radius:14px; padding:3px 10px; cursor:pointer; color:var(--ink); }
.filter button[aria-pressed="true"] { border-color:var(--ink); background:var(--ink);
                                      color:#fff; }
.counts { font:13px/1.5 system-ui,sans-serif; color:var(--muted); margin:0 0 6px; }
.bar span { font:600 11px/14px system-ui,sans-serif; color:#fff; text-align:center;
            overflow:hidden; white-space:nowrap; }
@media print {
  body { background:#fff; font-size:12pt; }
  main { max-width:none; padding:0; }
  article { border:none; padding:0; break-inside:auto; }
  .s, .bar span, .legend i, .tag { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  .s.dim, .s.dim + .tag { opacity:1; }
  #tip, .filter { display:none !important; }
}
.src { text-decoration:underline 2px; text-underline-offset:3px; font-weight:600; }
.src.commentator { text-decoration-style:dashed; }
.src.private { text-decoration-style:dotted; }
.src.unnamed { text-decoration-style:wavy; }
.kind { font:600 11px/1 system-ui,sans-serif; border:1px solid currentColor;
        border-radius:3px; padding:0 3px; margin-left:3px; vertical-align:1px; }
#tip { position:fixed; z-index:9; pointer-events:none; display:none; min-width:210px;
       background:#111827; color:#f9fafb; border-radius:8px; padding:8px 10px;
       font:12.5px/1.5 system-ui,sans-serif; box-shadow:0 4px 14px rgba(0,0,0,.25); }
#tip .row { display:flex; align-items:center; gap:6px; }
#tip .name { width:104px; } #tip .p { width:40px; text-align:right; }
#tip .track { flex:1; height:6px; background:#374151; border-radius:3px; }
#tip .fill { height:100%; border-radius:3px; }
"""

# Builds the tooltip from the sentence's data-p (JSON of label -> probability); with
# scripts off, the title attribute gives the same numbers as plain text.
_SCRIPT = """
(() => {
  const tip = document.getElementById("tip");
  const colours = JSON.parse(document.body.dataset.colours);
  function show(el, x, y) {
    const p = JSON.parse(el.dataset.p);
    tip.replaceChildren(...Object.entries(p).sort((a, b) => b[1] - a[1]).map(([k, v]) => {
      const row = document.createElement("div"); row.className = "row";
      const name = document.createElement("span"); name.className = "name"; name.textContent = k;
      const pct = document.createElement("span"); pct.className = "p";
      pct.textContent = Math.round(v * 100) + "%";
      const track = document.createElement("span"); track.className = "track";
      const fill = document.createElement("span"); fill.className = "fill";
      fill.style.display = "block"; fill.style.width = (v * 100).toFixed(1) + "%";
      fill.style.background = colours[k] || "#9ca3af";
      track.append(fill); row.append(name, pct, track); return row;
    }));
    tip.style.display = "block";
    const w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.min(x + 14, innerWidth - w - 8) + "px";
    tip.style.top = (y + 18 + h > innerHeight ? y - h - 10 : y + 18) + "px";
  }
  const filter = document.querySelector(".filter");
  if (filter) {
    filter.hidden = false;
    filter.addEventListener("click", e => {
      const button = e.target.closest("button");
      if (!button) return;
      const only = button.dataset.label || "";
      filter.querySelectorAll("button").forEach(b =>
        b.setAttribute("aria-pressed", String(b === button)));
      document.querySelectorAll(".s").forEach(el =>
        el.classList.toggle("dim", only !== "" && el.dataset.label !== only));
    });
  }
  document.querySelectorAll(".s").forEach(el => {
    el.removeAttribute("title");  // the tooltip replaces the plain-text title
    el.addEventListener("mousemove", e => show(el, e.clientX, e.clientY));
    el.addEventListener("mouseleave", () => { tip.style.display = "none"; });
    el.addEventListener("focus", () => {
      const r = el.getBoundingClientRect(); show(el, r.left, r.bottom - 14);
    });
    el.addEventListener("blur", () => { tip.style.display = "none"; });
  });
})();
"""


def _title(probabilities: dict[str, float]) -> str:
    ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
    return " · ".join(f"{label} {p:.0%}" for label, p in ranked)


def source_note(source: Source) -> str:
    """A source in words: ``the ministry (official; said)``, with the resolved speaker.

    Parameters
    ----------
    source : Source
        A sentence's source.

    Returns
    -------
    str
        ``text [= resolved] (kind[; cue])``.
    """
    who = source.text + (f" = {source.resolved}" if source.resolved else "")
    return f"{who} ({source.kind}" + (f"; {source.cue})" if source.cue else ")")


def _marked(p: Prediction) -> str:
    """The sentence's text, its source underlined with the source's kind after it."""
    source, base = p.source, p.start if p.start is not None else 0
    if source is None or not (0 <= source.start - base <= source.end - base <= len(p.text)):
        return escape(p.text)
    a, b = source.start - base, source.end - base
    title = escape(f"source: {source_note(source)}")
    return (f'{escape(p.text[:a])}<u class="src {escape(source.kind)}" title="{title}">'
            f'{escape(p.text[a:b])}</u><sup class="kind">{escape(source.kind)}</sup>'
            f'{escape(p.text[b:])}')


def _sentence(p: Prediction, colours: _Colours, patterns: Mapping[str, str]) -> str:
    text = _marked(p)
    if p.label is None:
        reason = p.kind if p.kind != "sentence" else (p.error or "no label")
        if not p.text.strip():
            return text
        return f'{text}<small class="tag none">{escape(reason)}</small>'
    strong, light = colours[p.label]
    low = " low" if p.confidence < LOW_CONFIDENCE else ""
    data = escape(json.dumps({k: round(v, 4) for k, v in p.probabilities.items()}))
    return (f'<span class="s{low}" tabindex="0" data-label="{escape(p.label)}" '
            f'style="background:{light};--c:{strong};--u:{patterns[p.label]}" data-p="{data}" '
            f'title="{escape(_title(p.probabilities))}">{text}</span>'
            f'<small class="tag" style="--c:{strong}">{escape(p.label)} '
            f'{p.confidence:.0%}</small>')


def _body(article: ArticlePrediction, colours: _Colours, patterns: Mapping[str, str]) -> str:
    """The article's text with sentences highlighted; the text between them kept as is."""
    sentences = article.sentences
    if not sentences or any(p.start is None for p in sentences):
        return " ".join(_sentence(p, colours, patterns) for p in sentences)
    parts, at = [], 0
    for p in sentences:
        parts.append(escape(article.text[at:p.start]))
        parts.append(_sentence(p, colours, patterns))
        at = p.end if p.end is not None else at
    parts.append(escape(article.text[at:]))
    return "".join(parts).strip()


def _shares(article: ArticlePrediction, colours: _Colours) -> str:
    shares = [s for s in article.summary if s.count]
    bar = "".join(
        f'<span style="width:{s.share * 100:.2f}%;background:{colours[s.label][0]}" '
        f'title="{escape(s.label)}: {s.count} ({s.share:.0%})">'
        f'{f"{s.share:.0%}" if s.share >= 0.12 else ""}</span>'
        for s in shares
    )
    labeled = sum(s.count for s in shares)
    unlabeled = len(article.sentences) - labeled
    counts = (f'<p class="counts">{len(article.sentences)} sentence'
              f'{"s" if len(article.sentences) != 1 else ""}, {labeled} labeled'
              + (f", {unlabeled} not (headings, bylines, low confidence, empty)"
                 if unlabeled else "") + "</p>")
    legend = "".join(
        f'<li><i style="background:{colours[s.label][0]}"></i>{escape(s.label)} '
        f"<b>{s.share:.0%}</b> ({s.count})</li>"
        for s in article.summary
    )
    return f'{counts}<div class="bar">{bar}</div><ul class="legend">{legend}</ul>'


def model_caption(metadata: dict, tagged: str | None = None) -> str:
    """What tagged a page: the model's name and backend, version, training and tagging days.

    Parameters
    ----------
    metadata : dict
        The model's metadata (``name``, ``backend``, ``versions``, ``created``).
    tagged : str, optional
        The day of tagging.

    Returns
    -------
    str
        One line.

    Examples
    --------
    >>> model_caption({"name": "default", "backend": "tfidf", "created": "2026-11-25T07:38",
    ...                "versions": {"classifier": "0.1.0"}}, tagged="2026-12-07")
    'model default (tfidf), classifier 0.1.0, trained 2026-11-25; tagged 2026-12-07'
    """
    name = metadata.get("name") or "unnamed"
    version = (metadata.get("versions") or {}).get("classifier")
    parts = [f"model {name} ({metadata.get('backend') or 'tfidf'})"]
    if version:
        parts.append(f"classifier {version}")
    if metadata.get("created"):
        parts.append(f"trained {str(metadata['created'])[:10]}")
    caption = ", ".join(parts)
    return f"{caption}; tagged {tagged}" if tagged else caption


def _filter(labels: Iterable[str], colours: _Colours) -> str:
    buttons = "".join(
        f'<button type="button" data-label="{escape(label)}" aria-pressed="false" '
        f'style="border-left:6px solid {colours[label][0]}">{escape(label)}</button>'
        for label in labels)
    return (f'<div class="filter" role="group" aria-label="show one label" hidden>show: '
            f'<button type="button" aria-pressed="true">all</button>{buttons}</div>')


def as_html(docs: Docs, title: str = "Tagged articles", caption: str = "") -> str:
    """One HTML page with every document.

    A summary bar of label shares and counts, highlighted sentences with their
    labels written out, probabilities on hover and a filter by label. No external
    files or requests.

    Parameters
    ----------
    docs : list of (str, ArticlePrediction)
        Each document's id and tagged article.
    title : str, default 'Tagged articles'
        The page title.
    caption : str, optional
        Names the model (``model_caption``).

    Returns
    -------
    str
        The page.
    """
    labels: list[str] = []
    for _, article in docs:
        labels += [label for label in article.labels if label not in labels]
    colours, patterns = label_colours(labels), label_patterns(labels)
    sections = "".join(
        f'<article><h2>{escape(doc_id)}</h2>{_shares(article, colours)}'
        f'<div class="text">{_body(article, colours, patterns)}</div></article>'
        for doc_id, article in docs
    )
    strong = escape(json.dumps({label: c[0] for label, c in colours.items()}))
    n = sum(len(a.sentences) for _, a in docs)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f'<body data-colours="{strong}"><main><header class="page">'
        + (f'<p class="model">Tagged by {escape(caption)}.</p>' if caption else "")
        + f"<p>{len(docs)} document{'s' if len(docs) != 1 else ''}, {n} sentences. Each "
        f"sentence's label follows it, with its probability; hover over a sentence for "
        f"every label's. Faded: below {LOW_CONFIDENCE:.0%} sure.</p></header>"
        f"{_filter(labels, colours)}{sections}</main>"
        f'<div id="tip" role="tooltip"></div><script>{_SCRIPT}</script></body></html>\n'
    )


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def as_markdown(docs: Docs, top_k: int = 0) -> str:
    """Each document as a heading, a line of label shares, and a sentence table.

    Parameters
    ----------
    docs : list of (str, ArticlePrediction)
        Each document's id and tagged article.
    top_k : int, default 0
        Also list each sentence's ``top_k`` most probable labels.

    Returns
    -------
    str
        Markdown.
    """
    out = []
    for doc_id, article in docs:
        symbols = label_symbols(article.labels)
        shares = " · ".join(
            f"{symbols.get(s.label, '⬜')} {s.label} {s.share:.0%} ({s.count})"
            for s in article.summary
        )
        top = f" top {top_k} |" if top_k else ""
        out += [f"## {_md(doc_id)}", "", shares, "",
                f"| # | label | conf |{top} source | sentence |",
                "|---:|---|---:|" + ("---|" if top_k else "") + "---|---|"]
        for i, p in enumerate(article.sentences, 1):
            label = (f"{symbols.get(p.label, '⬜')} {p.label}" if p.label
                     else f"– ({p.error})")
            conf = f"{p.confidence:.2f}" if p.probabilities else ""
            source = _md(source_note(p.source)) if p.source else ""
            cell = (" " + ", ".join(f"{name} {q:.2f}" for name, q in p.top(top_k)) + " |"
                    if top_k else "")
            out.append(f"| {i} | {label} | {conf} |{cell} {source} | {_md(p.text)} |")
        out.append("")
    return "\n".join(out)
