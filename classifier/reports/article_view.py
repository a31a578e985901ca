"""Tagged articles for reading: a self-contained HTML page, or Markdown for notes.

``as_html`` shows each document with its label shares as a bar at the top and every
sentence highlighted in its label's colour; hovering (or focusing) a sentence shows
the probability of each label. ``as_markdown`` gives the same as a share line and a
sentence table, with coloured squares for the labels. Rendering only: both take
``(doc_id, ArticlePrediction)`` pairs and return a string.
"""

from __future__ import annotations

import json
from html import escape

from classifier.prediction import ArticlePrediction
from classifier.reports.palette import EMOJI, label_colours

Docs = list[tuple[str, ArticlePrediction]]
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
.s.low { text-decoration:underline dotted var(--c); text-underline-offset:4px; }
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


def source_note(source) -> str:
    """A source in words: ``the ministry (official; said)``, with the resolved speaker."""
    who = source.text + (f" = {source.resolved}" if source.resolved else "")
    return f"{who} ({source.kind}" + (f"; {source.cue})" if source.cue else ")")


def _marked(p) -> str:
    """The sentence's text, its source underlined with the source's kind after it."""
    source, base = p.source, p.start if p.start is not None else 0
    if source is None or not (0 <= source.start - base <= source.end - base <= len(p.text)):
        return escape(p.text)
    a, b = source.start - base, source.end - base
    title = escape(f"source: {source_note(source)}")
    return (f'{escape(p.text[:a])}<u class="src {escape(source.kind)}" title="{title}">'
            f'{escape(p.text[a:b])}</u><sup class="kind">{escape(source.kind)}</sup>'
            f'{escape(p.text[b:])}')


def _sentence(p, colours) -> str:
    text = _marked(p)
    if p.label is None:
        return text
    strong, light = colours[p.label]
    low = " low" if p.confidence < LOW_CONFIDENCE else ""
    data = escape(json.dumps({k: round(v, 4) for k, v in p.probabilities.items()}))
    return (f'<span class="s{low}" tabindex="0" data-label="{escape(p.label)}" '
            f'style="background:{light};--c:{strong}" data-p="{data}" '
            f'title="{escape(_title(p.probabilities))}">{text}</span>')


def _body(article: ArticlePrediction, colours) -> str:
    """The article's text with sentences highlighted; the text between them kept as is."""
    sentences = article.sentences
    if not sentences or any(p.start is None for p in sentences):
        return " ".join(_sentence(p, colours) for p in sentences)
    parts, at = [], 0
    for p in sentences:
        parts.append(escape(article.text[at:p.start]))
        parts.append(_sentence(p, colours))
        at = p.end if p.end is not None else at
    parts.append(escape(article.text[at:]))
    return "".join(parts).strip()


def _shares(article: ArticlePrediction, colours) -> str:
    shares = [s for s in article.summary if s.count]
    bar = "".join(
        f'<span style="width:{s.share * 100:.2f}%;background:{colours[s.label][0]}" '
        f'title="{escape(s.label)}: {s.count} ({s.share:.0%})"></span>'
        for s in shares
    )
    legend = "".join(
        f'<li><i style="background:{colours[s.label][0]}"></i>{escape(s.label)} '
        f"<b>{s.share:.0%}</b> ({s.count})</li>"
        for s in article.summary
    )
    return f'<div class="bar">{bar}</div><ul class="legend">{legend}</ul>'


def as_html(docs: Docs, title: str = "Tagged articles") -> str:
    """One HTML page with every document: label-share bar, highlighted sentences and
    probabilities on hover. No external files or requests."""
    labels: list[str] = []
    for _, article in docs:
        labels += [label for label in article.labels if label not in labels]
    colours = label_colours(labels)
    sections = "".join(
        f'<article><h2>{escape(doc_id)}</h2>{_shares(article, colours)}'
        f'<div class="text">{_body(article, colours)}</div></article>'
        for doc_id, article in docs
    )
    strong = escape(json.dumps({label: c[0] for label, c in colours.items()}))
    n = sum(len(a.sentences) for _, a in docs)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f'<body data-colours="{strong}"><main><header class="page">{len(docs)} '
        f"document{'s' if len(docs) != 1 else ''}, {n} sentences. Hover over a sentence "
        f"for the probability of each label; dotted underline: below "
        f"{LOW_CONFIDENCE:.0%} sure.</header>{sections}</main>"
        f'<div id="tip" role="tooltip"></div><script>{_SCRIPT}</script></body></html>\n'
    )


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def as_markdown(docs: Docs) -> str:
    """Each document as a heading, a line of label shares, and a sentence table."""
    out = []
    for doc_id, article in docs:
        shares = " · ".join(
            f"{EMOJI.get(s.label, '⬜')} {s.label} {s.share:.0%} ({s.count})"
            for s in article.summary
        )
        out += [f"## {_md(doc_id)}", "", shares, "",
                "| # | label | conf | source | sentence |", "|---:|---|---:|---|---|"]
        for i, p in enumerate(article.sentences, 1):
            label = f"{EMOJI.get(p.label, '⬜')} {p.label}" if p.label else f"– ({p.error})"
            conf = f"{p.confidence:.2f}" if p.label else ""
            source = _md(source_note(p.source)) if p.source else ""
            out.append(f"| {i} | {label} | {conf} | {source} | {_md(p.text)} |")
        out.append("")
    return "\n".join(out)
