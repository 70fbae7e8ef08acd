// The newsbrief desk. Article text is untrusted: everything from it is put on the page as
// text nodes (textContent), never parsed as HTML; the server's Content-Security-Policy allows
// no inline script either.
"use strict";

const LANGS = { en: "English", km: "Khmer", ms: "Malay" };
const $ = (id) => document.getElementById(id);
let files = [];          // File objects waiting to be briefed
let controller = null;   // aborts the request in flight (Cancel)
let cancelled = false;
let defaults = {};       // "en-ms" -> default model name, or null

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function langName(code) { return LANGS[code] ? `${LANGS[code]} (${code})` : code; }
function pct(x) { return `${Math.round(100 * x)}%`; }

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const key = $("key").value.trim();
  if (key) h["X-API-Key"] = key;
  return h;
}

async function api(path, options) {
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const message = (data && data.error) || `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    error.retryAfter = response.headers.get("Retry-After");
    throw error;
  }
  return data;
}

// ---------------------------------------------------------------- start-up
async function init() {
  $("to").addEventListener("change", updateHint);
  $("model").addEventListener("change", updateHint);
  $("go").addEventListener("click", start);
  $("cancel").addEventListener("click", cancel);
  $("files").addEventListener("change", (e) => addFiles(e.target.files));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); addFiles(e.dataTransfer.files); });
  try {  // the controls work from the start; what the server says arrives when it does
    const health = await api("/api/v1/health");
    $("keybox").hidden = !health.auth;
  } catch (e) { setStatus(`The server does not answer: ${e.message}`); }
  await loadModels();
  updateHint();
}

async function loadModels() {
  try {
    const data = await api("/api/v1/models", { headers: headers() });
    defaults = data.defaults || {};
    const select = $("model");
    for (const m of data.models) {
      if (m.installed || m.embedded) select.append(el("option", { value: m.name }, m.name));
    }
  } catch (e) { /* no key yet, or no models: the default stays */ }
}

function addFiles(list) {
  for (const f of list) files.push(f);
  renderFiles();
}

function renderFiles() {
  const ul = $("filelist");
  ul.replaceChildren(...files.map((f, i) => el("li", {}, `${f.name} (${Math.ceil(f.size / 1024)} KB) `,
    el("button", { onclick: () => { files.splice(i, 1); renderFiles(); }, "aria-label": `remove ${f.name}` }, "×"))));
}

// A direction into the reader's language with no default translator: say so before the user waits.
function updateHint() {
  const to = $("to").value;
  const hint = $("hint");
  hint.textContent = "";
  if ($("model").value) return;
  const missing = Object.entries(defaults).filter(([pair, model]) => pair.endsWith(`-${to}`) && !model)
    .map(([pair]) => pair.replace("-", "→"));
  if (missing.length) {
    hint.textContent = `No default translator for ${missing.join(", ")}: articles in those languages need a ` +
      `translation model chosen above (its measured quality is shown with the brief).`;
  }
}

function setStatus(text) { $("status").textContent = text; }

// ---------------------------------------------------------------- briefing
async function start() {
  const jobs = [];
  const text = $("text").value;
  if (text.trim()) jobs.push({ name: "Pasted article", text });
  for (const f of files) jobs.push({ name: f.name, file: f });
  if (!jobs.length) { setStatus("Paste an article or drop files first."); return; }
  const to = $("to").value;
  const model = $("model").value || null;
  cancelled = false;
  $("go").disabled = true;
  $("cancel").disabled = false;
  const progress = $("progress");
  progress.hidden = false;
  progress.max = jobs.length;
  progress.value = 0;
  $("results").replaceChildren();
  for (let i = 0; i < jobs.length && !cancelled; i++) {
    const job = jobs[i];
    const t0 = Date.now();
    const tick = setInterval(() => setStatus(`Briefing ${i + 1} of ${jobs.length}: ${job.name} — ` +
      `${Math.round((Date.now() - t0) / 1000)} s`), 500);
    setStatus(`Briefing ${i + 1} of ${jobs.length}: ${job.name}`);
    controller = new AbortController();
    try {
      const data = await briefOne(job, to, model, controller.signal);
      $("results").append(renderBrief(data, job.name));
    } catch (e) {
      if (e.name === "AbortError") break;
      $("results").append(el("div", { class: "card error", role: "alert" }, el("h2", {}, job.name),
        el("p", {}, e.message), e.retryAfter ? el("p", {}, `Try again in ${e.retryAfter} s.`) : null));
    } finally {
      clearInterval(tick);
    }
    progress.value = i + 1;
  }
  setStatus(cancelled ? "Cancelled." : `Done: ${jobs.length} ${jobs.length === 1 ? "brief" : "briefs"}.`);
  $("go").disabled = false;
  $("cancel").disabled = true;
  progress.hidden = true;
  controller = null;
}

function cancel() {
  cancelled = true;
  if (controller) controller.abort();
}

async function briefOne(job, to, model, signal) {
  if (job.file) {
    const params = new URLSearchParams({ to, name: job.name });
    if (model) params.set("translation_model", model);
    const type = /\.html?$/i.test(job.name) ? "text/html" : "text/plain";
    return api(`/api/v1/brief/file?${params}`, { method: "POST", body: job.file, signal,
      headers: headers({ "Content-Type": type }) });
  }
  const body = { text: job.text, to };
  if (model) body.translation_model = model;
  return api("/api/v1/brief", { method: "POST", body: JSON.stringify(body), signal,
    headers: headers({ "Content-Type": "application/json" }) });
}

// ---------------------------------------------------------------- one brief
// text with every occurrence of the given strings wrapped in <mark>
function marked(text, needles) {
  const found = needles.filter((n) => n && text.includes(n)).sort((a, b) => b.length - a.length);
  if (!found.length) return [text];
  const out = [];
  let rest = text;
  while (rest) {
    let best = -1, needle = null;
    for (const n of found) {
      const at = rest.indexOf(n);
      if (at >= 0 && (best < 0 || at < best)) { best = at; needle = n; }
    }
    if (best < 0) { out.push(rest); break; }
    out.push(rest.slice(0, best), el("mark", { title: "not found in the source sentences" }, needle));
    rest = rest.slice(best + needle.length);
  }
  return out;
}

function renderBrief(d, name) {
  const tl = d.target_lang, sl = d.source_lang;
  const unsupported = {};
  for (const p of d.faithfulness.unsupported) unsupported[p.sentence] = p.numbers.concat(p.names);
  const check = {};
  for (const c of d.check_sentences || []) check[c.sentence] = c.reasons;

  const summary = el("p", { class: "summary", lang: tl }, d.sentences.map((s, i) => [
    el("span", { class: check[i] ? "s check" : "s", title: check[i] ? `Check this sentence: ${check[i].join("; ")}` : null },
      marked(s.text, unsupported[i] || [])), " "]));

  const figures = d.key_figures.slice(0, 8).map((f) =>
    el("li", { lang: tl, title: `source: ${f.text}${f.sentence_text ? ` — “${f.sentence_text}”` : ""}` }, f.reader_text));

  const faith = d.faithfulness;
  const verdict = faith.faithful
    ? el("p", { class: "verdict good" }, `✓ Faithful: every ${faith.checked === "numbers and names" ? "number and name" : "number"} ` +
      `of the brief is in its source sentences (${faith.sentences_checked} sentences checked).`)
    : el("p", { class: "verdict bad" }, "✗ Not faithful: ", faith.unsupported.map((p) =>
      `sentence ${p.sentence + 1} states ${p.numbers.concat(p.names).join(", ")}, not in its source. `));
  const repaired = faith.repaired.length ? el("p", { class: "meta" },
    `Repaired from the source: sentence ${faith.repaired.map((i) => i + 1).join(", ")}.`) : null;

  const det = d.detection || {};
  const others = (det.other_paragraphs || []).map((p) => el("li", {},
    `Paragraph ${p.paragraph + 1}: ${langName(p.lang)}, ${pct(p.confidence)} — `, el("span", { lang: p.lang }, p.text)));

  const models = Object.entries(d.models).map(([k, v]) => `${k}: ${v || "none (the brief is in the article's language)"}`)
    .join(" · ");
  const warnings = (d.warnings || []).map((w) => el("li", {}, w));

  const sources = {};
  for (const s of d.article_sentences || []) sources[s.index] = s.text;
  const rows = d.sentences.map((s, i) => el("tr", {},
    el("td", { lang: tl }, el("span", { class: "n" }, `${i + 1}`), marked(s.text, unsupported[i] || []),
      tl !== sl ? el("p", { class: "meta", lang: sl }, s.source_text) : null),
    el("td", { class: "src", lang: sl }, s.source_sentences.map((k) =>
      el("p", {}, el("span", { class: "n" }, `#${k + 1}`), sources[k] || "")))));

  const card = el("article", { class: "card brief" },
    el("h2", {}, name),
    el("p", { class: "meta detected" }, `Article: ${langName(det.lang || sl)}` +
      (det.confidence !== undefined ? ` (${pct(det.confidence)} sure)` : "") + ` → brief in ${langName(tl)}`),
    others.length ? el("div", { class: "others" }, el("p", { class: "meta" }, "Paragraphs in another language:"),
      el("ul", {}, others)) : null,
    el("h3", {}, "Summary"), summary,
    Object.keys(check).length ? el("p", { class: "legend" },
      "⚠ marked sentences: the translator's checks flagged them, or they state something not found in the source. Hover for why.") : null,
    el("h3", {}, "Key figures"), figures.length ? el("ul", { class: "figures" }, figures) : el("p", { class: "meta" }, "none found"),
    el("p", { class: "legend" }, "Hover a figure to see it in the source."),
    el("h3", {}, "Faithfulness"), verdict, repaired,
    el("h3", {}, "Models"), el("p", { class: "meta models" }, models),
    warnings.length ? el("ul", { class: "warnings" }, warnings) : null,
    (d.notes || []).length ? el("details", {}, el("summary", {}, `Notes (${d.notes.length})`),
      el("ul", {}, d.notes.map((n) => el("li", {}, n)))) : null,
    el("h3", {}, "Side by side"),
    el("table", { class: "side" }, el("thead", {}, el("tr", {}, el("th", {}, `Brief (${langName(tl)})`),
      el("th", {}, `From the article (${langName(sl)})`))), el("tbody", {}, rows)),
    el("div", { class: "actions" },
      el("button", { class: "copy", onclick: (e) => copyMarkdown(d, name, e.target) }, "Copy as Markdown"),
      el("button", { class: "download", onclick: () => downloadJson(d, name) }, "Download JSON")));
  return card;
}

function markdown(d, name) {
  const figures = d.key_figures.slice(0, 8).map((f) => f.reader_text).join("; ") || "none found";
  const faith = d.faithfulness.faithful ? "every number and name found in the source"
    : d.faithfulness.unsupported.map((p) => `sentence ${p.sentence + 1} states ${p.numbers.concat(p.names).join(", ")}, not in its source`).join("; ");
  const models = Object.entries(d.models).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(", ");
  return [`## ${name} (${d.source_lang} -> ${d.target_lang})`, "", ...d.sentences.map((s) => `- ${s.text}`), "",
    `**Key figures:** ${figures}`, "", `**Faithfulness:** ${faith}`, "", `*Models: ${models}*`, ""].join("\n");
}

async function copyMarkdown(d, name, button) {
  const text = markdown(d, name);
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch (e) {  // no clipboard (plain http on another host): show it to copy by hand
    button.after(el("textarea", { rows: 8, class: "markdown", readonly: true }, text));
  }
}

function downloadJson(d, name) {
  const blob = new Blob([JSON.stringify(d, null, 2)], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${name.replace(/\.[^.]*$/, "") || "brief"}.brief.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

document.addEventListener("DOMContentLoaded", init);
