// classifier's page: paste or drop an article, POST /v1/tag, show the tagged text.
// Plain script, no build step, no external resources.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { labels: [], colours: {}, result: null, text: "", hidden: new Set() };

function short(label) {
  return label.split("_").map((w) => w[0].toUpperCase()).join("") || "?";
}
function pretty(label) { return label.replace(/_/g, " "); }
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
function badge(label, cls) {
  const c = state.colours[label] || { strong: "#6b7280", light: "#e5e7eb" };
  return el("span", { class: cls, style: `background:${c.light};border-color:${c.strong}` },
    short(label));
}

async function loadModel() {
  const r = await fetch("/v1/models");
  const info = await r.json();
  state.labels = info.model.labels;
  state.colours = info.colours;
}

function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script,style,noscript").forEach((n) => n.remove());
  doc.querySelectorAll("p,div,h1,h2,h3,h4,li,br,article,section,header")
    .forEach((n) => n.append("\n\n"));
  return (doc.body ? doc.body.textContent : "").replace(/\n{3,}/g, "\n\n").trim();
}

async function readFile(file) {
  const text = await file.text();
  return /\.html?$/i.test(file.name) || file.type === "text/html" ? htmlToText(text) : text;
}

function renderLegend() {
  const box = $("legend");
  box.querySelectorAll("label").forEach((n) => n.remove());
  for (const label of state.labels) {
    const input = el("input", { type: "checkbox", value: label, checked: "" });
    input.addEventListener("change", () => {
      if (input.checked) state.hidden.delete(label); else state.hidden.add(label);
      applyFilter();
    });
    box.append(el("label", { "data-label": label }, input, badge(label, "swatch"),
      pretty(label)));
  }
}

function renderMix(summary) {
  const bar = $("mix-bar"), list = $("mix");
  bar.replaceChildren(); list.replaceChildren();
  for (const s of summary) {
    const c = state.colours[s.label] || { strong: "#6b7280" };
    bar.append(el("span", { style: `width:${(100 * s.share).toFixed(2)}%;background:${c.strong}`,
      title: pretty(s.label) }));
    list.append(el("li", { "data-label": s.label }, badge(s.label, "swatch"),
      `${pretty(s.label)}: ${s.count} (${Math.round(100 * s.share)}%)`));
  }
}

function sentenceNode(s, text) {
  const c = state.colours[s.label] || { strong: "#9aa5b1", light: "#f0f4f8" };
  const node = el("span", {
    class: "sent" + (s.label && s.confidence < 0.5 ? " unsure" : ""), tabindex: "0",
    "data-index": String(s.index), "data-label": s.label || "",
    style: `background:${c.light};border-bottom-color:${c.strong}`,
    "aria-label": `${s.label ? pretty(s.label) : "not labeled"}: ${s.text}`,
  });
  if (s.label) node.append(badge(s.label, "tag"));
  const src = s.source;
  if (src && src.start >= s.start && src.end <= s.end) {
    node.append(text.slice(s.start, src.start));
    const who = el("span", {
      class: `source ${src.kind}`, "data-kind": src.kind,
      title: `source (${src.kind})${src.resolved ? ": " + src.resolved : ""}` +
        (src.cue ? `, cue: ${src.cue}` : ""),
    }, text.slice(src.start, src.end));
    node.append(who, el("span", { class: "kind" }, src.kind), text.slice(src.end, s.end));
  } else {
    node.append(text.slice(s.start, s.end));
  }
  for (const ev of ["mouseenter", "focus", "click"]) node.addEventListener(ev, () => show(s, node));
  return node;
}

function show(s, node) {
  document.querySelectorAll(".sent.selected").forEach((n) => n.classList.remove("selected"));
  node.classList.add("selected");
  const rows = Object.entries(s.probabilities).sort((a, b) => b[1] - a[1]).map(([l, p]) => {
    const c = state.colours[l] || { strong: "#6b7280" };
    return el("tr", {}, el("td", {}, badge(l, "swatch")), el("td", {}, pretty(l)),
      el("td", {}, `${(100 * p).toFixed(1)}%`),
      el("td", {}, el("span", { class: "bar", style: `width:${Math.round(120 * p)}px;` +
        `background:${c.strong}` })));
  });
  const parts = [el("strong", {}, s.label ? pretty(s.label) : (s.error || "not labeled"))];
  if (s.source) {
    parts.push(el("div", {}, `Source: ${s.source.text} (${s.source.kind})` +
      (s.source.resolved ? `, that is ${s.source.resolved}` : "") +
      (s.source.cue ? `; cue: “${s.source.cue}”` : "")));
  }
  $("details").replaceChildren(...parts, el("table", {}, ...rows));
}

function renderArticle(result, text) {
  const box = $("tagged");
  box.replaceChildren();
  let at = 0;
  for (const s of result.sentences) {
    if (s.start == null) continue;
    if (s.start > at) box.append(text.slice(at, s.start));
    box.append(sentenceNode(s, text));
    at = s.end;
  }
  if (at < text.length) box.append(text.slice(at));
}

function applyFilter() {
  document.querySelectorAll("#tagged .sent").forEach((n) => {
    n.classList.toggle("hidden-label", state.hidden.has(n.dataset.label));
  });
}

function csvCell(v) {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function asCsv(result) {
  const labels = result.labels;
  const head = ["sentence", "start", "end", "text", "label", "confidence",
    ...labels.map((l) => `p_${l}`), "source", "source_start", "source_end", "source_kind",
    "cue", "speaker", "error"];
  const lines = [head.join(",")];
  for (const s of result.sentences) {
    const src = s.source || {};
    lines.push([s.index, s.start, s.end, s.text, s.label, s.confidence,
      ...labels.map((l) => s.probabilities[l]), src.text, src.start, src.end, src.kind,
      src.cue, src.resolved || src.text, s.error].map(csvCell).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

function download(name, type, body) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function submit(event) {
  event.preventDefault();
  const text = $("article").value;
  if (!text.trim()) { $("status").textContent = "Paste or drop an article first."; return; }
  $("status").textContent = "Tagging…";
  $("submit").disabled = true;
  try {
    if (!state.labels.length) await loadModel();
    const r = await fetch("/v1/tag", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
    const body = await r.json();
    if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : r.statusText);
    state.result = body; state.text = text;
    renderLegend(); renderMix(body.summary); renderArticle(body, text); applyFilter();
    $("details").replaceChildren();
    $("results").hidden = false;
    const n = body.sentences.length, k = body.sentences.filter((s) => s.source).length;
    $("status").textContent = `${n} sentences tagged, ${k} with a source.`;
  } catch (err) {
    $("status").textContent = `Error: ${err.message}`;
    $("status").className = "error";
  } finally {
    $("submit").disabled = false;
  }
}

function setup() {
  $("input-form").addEventListener("submit", submit);
  $("file").addEventListener("change", async () => {
    const f = $("file").files[0];
    if (f) $("article").value = await readFile(f);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault(); drop.classList.remove("over");
    const f = e.dataTransfer.files[0];
    if (f) $("article").value = await readFile(f);
  });
  $("download-csv").addEventListener("click", () =>
    state.result && download("tagged.csv", "text/csv", asCsv(state.result)));
  $("download-json").addEventListener("click", () =>
    state.result && download("tagged.json", "application/json",
      JSON.stringify(state.result, null, 2)));
  loadModel().catch(() => {});
}

setup();
