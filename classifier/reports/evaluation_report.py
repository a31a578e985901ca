"""The evaluation report folder: one self-contained HTML page, its figures as JSON, PNGs.

``write_report(diagnostics, folder)`` writes

- ``report.html``: per-class metrics, confusion heatmap, reliability plot, the most
  confident mistakes and the errors per topic; the images are embedded, so the page
  can be mailed or attached on its own;
- ``report.json``: the same numbers (``Diagnostics.to_dict()``) and, under
  ``images``, each PNG's file name and SHA-256;
- ``per_class.png``, ``confusion.png``, ``reliability.png``: the plots.

``render_html`` is pure (diagnostics and PNG bytes in, a string out).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from classifier.diagnostics import Diagnostics
from classifier.errors import ClassifierError
from classifier.reports.palette import label_colours

HTML = "report.html"
JSON = "report.json"
FEW = 30  # topics with fewer sentences are shown greyed: their error rate is noisy
IMAGES = {"per_class": "per_class.png", "confusion": "confusion.png",
          "reliability": "reliability.png"}


@dataclass(frozen=True)
class ReportFiles:
    """The files ``write_report`` wrote: the HTML page, the JSON figures and the PNGs by name."""

    html: Path
    json: Path
    images: dict[str, Path]


def render_images(diagnostics: Diagnostics) -> dict[str, bytes]:
    """The report's PNGs, by name (needs the ``plot`` extra).

    Parameters
    ----------
    diagnostics : Diagnostics
        The evaluation and its diagnostics.

    Returns
    -------
    dict of str to bytes
        ``per_class``, ``confusion`` and ``reliability`` PNGs.
    """
    from classifier.reports.plots import confusion_png, per_class_png, reliability_png

    report = diagnostics.report
    return {
        "per_class": per_class_png(report.per_class, label_colours(report.labels)),
        "confusion": confusion_png(report.labels, report.confusion),
        "reliability": reliability_png(diagnostics.reliability, report.ece),
    }


def check_report_folder(folder: str | Path) -> None:
    """Raise ``ClassifierError`` unless ``folder`` is a folder or does not exist yet.

    Parameters
    ----------
    folder : str or Path
        Where the report is to go.

    Raises
    ------
    ClassifierError
        If ``folder`` is a file.
    """
    folder = Path(folder)
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        raise ClassifierError(f"{folder}: is a file; the report is a folder (report.html, "
                              "report.json and the plots): give a new or existing folder")


def write_report(diagnostics: Diagnostics, folder: str | Path) -> ReportFiles:
    """Write the HTML page, the JSON figures and the PNGs into ``folder`` (created).

    Parameters
    ----------
    diagnostics : Diagnostics
        The evaluation and its diagnostics.
    folder : str or Path
        A new or existing folder.

    Returns
    -------
    ReportFiles
        The files written.

    Raises
    ------
    ClassifierError
        If ``folder`` is a file or cannot be written.
    """
    check_report_folder(folder)
    try:
        return _write_report(diagnostics, Path(folder))
    except OSError as exc:  # read-only, disk full: one line
        raise ClassifierError(f"{folder}: could not write the report ({exc})") from None


def _write_report(diagnostics: Diagnostics, folder: Path) -> ReportFiles:
    folder.mkdir(parents=True, exist_ok=True)
    images = render_images(diagnostics)
    paths = {}
    for name, data in images.items():
        paths[name] = folder / IMAGES[name]
        paths[name].write_bytes(data)
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    payload = diagnostics.to_dict()
    payload["generated"] = generated
    payload["images"] = {
        name: {"file": IMAGES[name], "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in images.items()
    }
    (folder / JSON).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    (folder / HTML).write_text(render_html(diagnostics, images, generated), encoding="utf-8")
    return ReportFiles(folder / HTML, folder / JSON, paths)


_CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f9fafb; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
       color:var(--ink); background:var(--bg); }
main { max-width:1120px; margin:0 auto; padding:28px 24px 48px; }
h1 { margin:0 0 4px; font-size:26px; } h2 { margin:0 0 12px; font-size:19px; }
.meta { color:var(--muted); margin:0 0 20px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px;
          padding:18px 20px; margin:0 0 18px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(190px,1fr)); gap:12px;
         background:none; border:0; padding:0; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card b { display:block; font-size:26px; font-variant-numeric:tabular-nums; }
.card span { color:var(--muted); font-size:13px; }
.grid { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:20px;
        align-items:start; }
@media (max-width:860px) { .grid { grid-template-columns:1fr; } }
img { max-width:100%; height:auto; display:block; margin:0 auto; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { padding:6px 8px; border-bottom:1px solid var(--line); text-align:left;
         vertical-align:top; }
th { font-size:13px; color:var(--muted); font-weight:600; }
td.n, th.n { text-align:right; white-space:nowrap; }
tr.total td { font-weight:600; border-top:2px solid var(--line); }
.chip { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12.5px;
        white-space:nowrap; border:1px solid; }
.diag { font-weight:700; }
.note { color:var(--muted); font-size:13.5px; margin:8px 0 0; }
details summary { cursor:pointer; color:var(--muted); margin-top:10px; }
#confusion-table th:first-child { white-space:nowrap; }
.pair { display:inline-block; white-space:nowrap; margin:0 10px 4px 0; }
.rate { display:inline-block; height:8px; border-radius:4px; background:#f87171;
        vertical-align:middle; margin-left:6px; }
tr.few td { color:var(--muted); }
.grid.wide { grid-template-columns:minmax(0,1.25fr) minmax(0,1fr); }
"""


def _chip(label: str, colours: dict) -> str:
    strong, light = colours.get(label, ("#6b7280", "#e5e7eb"))
    return (f'<span class="chip" style="background:{light};border-color:{strong};'
            f'color:{strong}">{escape(label)}</span>')


def _img(name: str, data: bytes, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img id="img-{name}" alt="{escape(alt)}" src="data:image/png;base64,{encoded}">'


def _per_class(d: Diagnostics, colours: dict, image: str) -> str:
    r = d.report
    rows = "".join(
        f"<tr><td>{_chip(m.label, colours)}</td><td class=n>{m.precision:.3f}</td>"
        f"<td class=n>{m.recall:.3f}</td><td class=n>{m.f1:.3f}</td>"
        f"<td class=n>{m.support}</td></tr>"
        for m in r.per_class
    )
    rows += (f'<tr class="total"><td>macro average</td><td></td><td></td>'
             f"<td class=n>{r.macro_f1:.3f}</td><td class=n>{r.n}</td></tr>")
    return (
        '<section id="per-class"><h2>Per-class metrics</h2><div class="grid">'
        '<table id="per-class-table"><tr><th>label</th><th class=n>precision</th>'
        f"<th class=n>recall</th><th class=n>F1</th><th class=n>support</th></tr>{rows}"
        f"</table>{image}</div></section>"
    )


def _confusion(d: Diagnostics, colours: dict, image: str) -> str:
    r = d.report
    # <wbr> lets long label names break after an underscore instead of overflowing
    head = "".join(f"<th class=n>{escape(label).replace('_', '_<wbr>')}</th>"
                   for label in r.labels)
    rows = "".join(
        f"<tr><td>{_chip(label, colours)}</td>" + "".join(
            f'<td class="n{" diag" if i == j else ""}">{v}</td>' for j, v in enumerate(row)
        ) + "</tr>"
        for i, (label, row) in enumerate(zip(r.labels, r.confusion))
    )
    return (
        '<section id="confusion"><h2>Confusion matrix</h2><div class="grid">'
        f"<div>{image}</div><div><table id=\"confusion-table\"><tr><th>true \\ predicted"
        f"</th>{head}</tr>{rows}</table><p class=note>Rows are the true labels, columns "
        "the predicted ones; the diagonal (bold) is correct. The heatmap colours each row "
        "by its share, so a weak label shows as a pale diagonal cell.</p></div></div>"
        "</section>"
    )


def _reliability(d: Diagnostics, image: str) -> str:
    r = d.report
    rows = "".join(
        f"<tr><td>{b.lower:.1f}–{b.upper:.1f}</td><td class=n>{b.count}</td>"
        f"<td class=n>{'' if b.confidence is None else f'{b.confidence:.3f}'}</td>"
        f"<td class=n>{'' if b.accuracy is None else f'{b.accuracy:.3f}'}</td></tr>"
        for b in d.reliability
    )
    return (
        '<section id="calibration"><h2>Calibration</h2><div class="grid wide">'
        f"<div>{image}</div><div><p>When the model says it is <i>p</i> sure, it should be "
        f"right a share <i>p</i> of the time. Expected calibration error "
        f"<b>{r.ece:.3f}</b> (the average gap, weighted by sentences), Brier score "
        f"<b>{r.brier:.3f}</b> (mean squared error of the probabilities; lower is "
        "better). Bars below the diagonal mean over-confidence.</p>"
        '<details><summary>bins</summary><table id="reliability-table"><tr><th>confidence'
        "</th><th class=n>sentences</th><th class=n>mean confidence</th><th class=n>"
        f"accuracy</th></tr>{rows}</table></details></div></div></section>"
    )


def _mistakes(d: Diagnostics, colours: dict) -> str:
    if not d.mistakes:
        return ('<section id="mistakes"><h2>Most confident mistakes</h2>'
                "<p>No mistakes.</p></section>")
    topic = any(m.topic for m in d.mistakes)
    rows = "".join(
        f"<tr><td class=n>{i}</td><td>{escape(m.text)}</td><td>{_chip(m.true, colours)}</td>"
        f"<td>{_chip(m.predicted, colours)}</td><td class=n>{m.confidence:.2f}</td>"
        + (f"<td>{escape(m.topic or '')}</td>" if topic else "") + "</tr>"
        for i, m in enumerate(d.mistakes, 1)
    )
    return (
        '<section id="mistakes"><h2>Most confident mistakes</h2>'
        '<table id="mistakes-table"><tr><th class=n>#</th><th>sentence</th><th>true</th>'
        "<th>predicted</th><th class=n>confidence</th>"
        + ("<th>topic</th>" if topic else "") + f"</tr>{rows}</table>"
        "<p class=note>The wrong predictions the model was surest of: candidates for label "
        "errors in the data as much as for model errors.</p></section>"
    )


def _topics(d: Diagnostics, colours: dict) -> str:
    if d.topics is None:
        return ('<section id="topics"><h2>Errors per topic</h2><p class=note>The data has '
                "no topic column.</p></section>")
    worst = max((t.error_rate for t in d.topics), default=0.0) or 1.0
    rows = "".join(
        f'<tr{" class=few" if t.n < FEW else ""}><td>{escape(t.topic)}</td>'
        f"<td class=n>{t.n}</td><td class=n>{t.errors}</td><td class=n>{t.error_rate:.1%}"
        f'<span class="rate" style="width:{48 * t.error_rate / worst:.0f}px"></span></td><td>'
        + "".join(f'<span class="pair">{_chip(c.true, colours)} → '
                  f"{_chip(c.predicted, colours)} ×{c.count}</span>" for c in t.confusions)
        + "</td></tr>"
        for t in d.topics
    )
    overall = 1.0 - d.report.accuracy
    return (
        '<section id="topics"><h2>Errors per topic</h2><table id="topics-table"><tr>'
        "<th>topic</th><th class=n>sentences</th><th class=n>errors</th>"
        f"<th class=n>error rate</th><th>most frequent confusions (true → predicted)</th>"
        f"</tr>{rows}</table><p class=note>Overall error rate {overall:.1%}. Topics with "
        f"fewer than {FEW} sentences are greyed: their rate rests on a handful of "
        "sentences.</p></section>"
    )


def render_html(diagnostics: Diagnostics, images: dict[str, bytes], generated: str = "") -> str:
    """The report as one HTML page with the PNGs embedded as data URIs.

    Parameters
    ----------
    diagnostics : Diagnostics
        The evaluation and its diagnostics.
    images : dict of str to bytes
        The PNGs (``render_images``).
    generated : str, optional
        When the report was made, shown in its header.

    Returns
    -------
    str
        The page.
    """
    d, r = diagnostics, diagnostics.report
    colours = label_colours(r.labels)
    model = d.model.get("name") or "unsaved model"
    backend = d.model.get("backend") or ""
    cards = "".join(
        f'<div class="card"><b>{value}</b><span>{escape(text)}</span></div>'
        for value, text in [
            (f"{r.macro_f1:.3f}", "macro-F1 (mean F1 over labels)"),
            (f"{r.accuracy:.3f}", "accuracy"),
            (f"{r.ece:.3f}", "expected calibration error"),
            (f"{r.brier:.3f}", "Brier score"),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evaluation: {escape(model)} on {escape(r.source or 'data')}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>Evaluation report</h1><p class=meta>model <b>{escape(model)}</b>"
        f"{f' ({escape(backend)})' if backend else ''} · data <b>{escape(r.source or '-')}"
        f"</b> · {r.n} sentences{f' · generated {escape(generated)}' if generated else ''}"
        f'</p><section class="cards">{cards}</section>'
        + _per_class(d, colours, _img("per_class", images["per_class"], "per-class metrics"))
        + _confusion(d, colours, _img("confusion", images["confusion"], "confusion matrix"))
        + _reliability(d, _img("reliability", images["reliability"], "reliability diagram"))
        + _mistakes(d, colours)
        + _topics(d, colours)
        + f"<p class=note>The same figures are in {JSON}, the images beside it.</p>"
        "</main></body></html>\n"
    )
