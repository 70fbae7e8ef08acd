// The newsbrief desk. Article text is untrusted: everything from it is put on the page as
// text nodes (textContent), never parsed as HTML; the server's Content-Security-Policy allows
// no inline script either. Every interface string comes from the catalogs through t() (i18n.js);
// what comes from the article, the brief or the server's model names is marked class="content".
"use strict";

const $ = (id) => document.getElementById(id);
let files = [];          // File objects waiting to be briefed
let controller = null;   // aborts the request in flight (Cancel)
let cancelled = false;
let defaults = {};       // "en-ms" -> default model name, or null
let results = [];        // {data, name} or {error, name}: drawn again when the interface language changes
let status = null;       // () => the status line's text, in the current language

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

// text from the article, the brief or the server (not the interface): in its own language
function content(tag, lang, ...children) { return el(tag, { class: "content", lang }, ...children); }

function langName(code) { return I18N.langs.includes(code) ? t("lang.with_code", { name: t(`lang.${code}`), code }) : code; }

function headers(extra) {
  const h = Object.assign({ "Accept-Language": I18N.lang }, extra || {});  // error messages in the reader's language
  const key = $("key").value.trim();
  if (key) h["X-API-Key"] = key;
  return h;
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, Object.assign({ headers: headers() }, options));
  } catch (e) {  // no answer at all: the browser's own message is English ("Failed to fetch")
    if (e.name === "AbortError") throw e;
    throw new Error(t("error.no_answer"));
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const error = new Error((data && (data.message || data.error)) || t("error.http", { status: response.status }));
    error.status = response.status;
    error.code = data && data.code;
    error.retryAfter = response.headers.get("Retry-After");
    throw error;
  }
  return data;
}

// ---------------------------------------------------------------- start-up
async function init() {
  await setLanguage(preferredLanguage(), false);
  $("ui").value = I18N.lang;
  $("ui").addEventListener("change", async (e) => { await setLanguage(e.target.value, true); redraw(); });
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
  } catch (e) { setStatus(() => t("status.no_server", { error: e.message })); }
  await loadModels();
  updateHint();
}

// everything drawn with t() again, in the language just chosen
function redraw() {
  renderFiles();
  updateHint();
  if (status) $("status").textContent = status();
  $("results").replaceChildren(...results.map(renderResult));
}

async function loadModels() {
  try {
    const data = await api("/api/v1/models");
    defaults = data.defaults || {};
    const select = $("model");
    for (const m of data.models) {
      if (m.installed || m.embedded) select.append(el("option", { value: m.name, class: "content" }, m.name));
    }
  } catch (e) { /* no key yet, or no models: the default stays */ }
}

function addFiles(list) {
  for (const f of list) files.push(f);
  renderFiles();
}

function renderFiles() {
  const ul = $("filelist");
  ul.replaceChildren(...files.map((f, i) => el("li", {}, content("span", null, f.name), " ",
    t("input.file_size", { size: formatUnit(Math.ceil(f.size / 1024), "kilobyte") }), " ",
    el("button", { onclick: () => { files.splice(i, 1); renderFiles(); }, "aria-label": t("input.remove", { name: f.name }) }, "×"))));
}

// A direction into the reader's language with no default translator: say so before the user waits.
function updateHint() {
  const to = $("to").value;
  const hint = $("hint");
  hint.textContent = "";
  if ($("model").value) return;
  const missing = Object.entries(defaults).filter(([pair, model]) => pair.endsWith(`-${to}`) && !model)
    .map(([pair]) => pair.split("-").map((code) => t(`lang.${code}`)).join(" → "));
  if (missing.length) hint.textContent = t("hint.no_default", { directions: formatList(missing) });
}

function setStatus(text) {
  status = text;
  $("status").textContent = text ? text() : "";
}

// ---------------------------------------------------------------- briefing
async function start() {
  const jobs = [];
  const text = $("text").value;
  if (text.trim()) jobs.push({ pasted: true, text });
  for (const f of files) jobs.push({ name: f.name, file: f });
  if (!jobs.length) { setStatus(() => t("status.nothing")); return; }
  const to = $("to").value;
  const model = $("model").value || null;
  cancelled = false;
  $("go").disabled = true;
  $("cancel").disabled = false;
  const progress = $("progress");
  progress.hidden = false;
  progress.max = jobs.length;
  progress.value = 0;
  results = [];
  $("results").replaceChildren();
  for (let i = 0; i < jobs.length && !cancelled; i++) {
    const job = jobs[i];
    const name = () => (job.pasted ? t("job.pasted") : job.name);
    const params = () => ({ i: i + 1, n: jobs.length, name: name() });
    const t0 = Date.now();
    const tick = setInterval(() => setStatus(() => t("status.briefing_time", Object.assign(params(),
      { time: formatUnit(Math.round((Date.now() - t0) / 1000), "second") }))), 500);
    setStatus(() => t("status.briefing", params()));
    controller = new AbortController();
    let result;
    try {
      result = { data: await briefOne(job, to, model, controller.signal), job };
    } catch (e) {
      if (e.name === "AbortError") break;
      result = { error: e, job };
    } finally {
      clearInterval(tick);
    }
    results.push(result);
    $("results").append(renderResult(result));
    progress.value = i + 1;
  }
  const n = jobs.length;
  setStatus(cancelled ? () => t("status.cancelled") : () => plural("status.done", n));
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

function jobName(job) { return job.pasted ? t("job.pasted") : job.name; }

function renderResult(r) {
  const name = jobName(r.job);
  if (r.data) return renderBrief(r.data, name, r.job);
  const e = r.error;
  return el("div", { class: "card error", role: "alert" }, el("h2", {}, r.job.pasted ? name : content("span", null, name)),
    el("p", {}, e.message),
    e.retryAfter ? el("p", {}, t("error.retry", { time: formatUnit(Number(e.retryAfter), "second") })) : null);
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
    out.push(rest.slice(0, best), el("mark", { title: t("mark.not_in_source") }, needle));
    rest = rest.slice(best + needle.length);
  }
  return out;
}

// Why a sentence is flagged: structured problems {kind, source, translation, message}. A fact the
// translation added, dropped or changed is drawn with problem.added / .missing / .changed and the
// kind's name (kind.<kind>; an unknown kind by its own name); a kind that is no fact (meaning,
// translation, garbled) with problem.<kind>; any other with problem.other and the server's English
// message. Briefs from before problems existed carry English reasons: readReasons() reads those.
function known(key) { return I18N.fallback[key] !== undefined; }

function fill(key, params, asNodes) {
  return asNodes ? tNodes(key, params) : t(key, Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v instanceof Node ? v.textContent : v])));
}

function problemText(p, asNodes) {
  // a translator's flag the server read into a code (server/notes.py): said as its note
  if (p.code && p.code !== "other" && known(`note.${p.code}`)) return noteText(p, asNodes, {});
  const what = known(`kind.${p.kind}`) ? t(`kind.${p.kind}`) : p.kind;
  const has = (v) => v !== null && v !== undefined && v !== "";
  const quoted = (v) => content("q", null, v);  // the article's or the translation's words
  if (has(p.source) && has(p.translation)) return fill("problem.changed", { what, source: quoted(p.source), translation: quoted(p.translation) }, asNodes);
  if (has(p.translation)) return fill("problem.added", { what, translation: quoted(p.translation) }, asNodes);
  if (has(p.source)) return fill("problem.missing", { what, source: quoted(p.source) }, asNodes);
  if (p.kind === "not_in_source") return fill("problem.not_in_source", { what: quoted(p.what) }, asNodes);
  if (known(`problem.${p.kind}`) && p.kind !== "other") return fill(`problem.${p.kind}`, {}, asNodes);
  return fill("problem.other", { kind: p.kind, details: content("span", "en", p.message || "") }, asNodes);
}

// A library note as {code, params} (server/notes.py) in the reader's language: note.<code>, its
// reasons reason.<code>; what it quotes (names, numbers, a key figure as the article writes it) kept as
// the article's or the translation's text. langs: {source, target} of the brief, for those quotes.
function noteText(n, asNodes, langs) {
  const params = n.params || {};
  const quoted = (v, lang) => content("q", lang || null, v);
  const values = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === "reason" || k === "still") values[k] = t(known(`reason.${v}`) ? `reason.${v}` : "reason.other");
    else if (k === "terms") values[k] = el("span", {}, listNodes(v.map((x) => quoted(x, langs.source))));
    else if (k === "numbers") values[k] = el("span", {}, listNodes(v.map((x) => content("span", null, x))));
    else if (k === "figure" || k === "what") values[k] = quoted(v, langs.source);
    else if (k === "shown") values[k] = content("span", null, v);
    else values[k] = v;  // counts: numbers in the reader's conventions (t)
  }
  return fill(known(`note.${n.code}`) ? `note.${n.code}` : "note.other", values, asNodes);
}

// A brief's note, placed: on a brief sentence, or on a key figure's translation ("key figure 2:";
// cached briefs of older versions numbered the figures after the sentences of one batch).
function noteLine(n, d) {
  const body = el("span", {}, noteText(n, true, { source: d.source_lang, target: d.target_lang }));
  const at = (n.params || {}).sentence;
  if (n.code !== "other" && (n.params || {}).key_figure) return tNodes("note.in_figure", { note: body });
  if (!at || n.code === "other") return [body];
  return at <= d.sentences.length ? tNodes("brief.check_item", { n: at, reasons: body }) : tNodes("note.in_figure", { note: body });
}

// a list of nodes joined by the reader's list patterns (CLDR's, as formatList)
function listNodes(items) {
  if (items.length < 2) return items;
  const join = (key, a, b) => el("span", {}, tNodes(`list.${key}`, { 0: a, 1: b }));
  if (items.length === 2) return [join("2", items[0], items[1])];
  let out = join("end", items[items.length - 2], items[items.length - 1]);
  for (let i = items.length - 3; i >= 0; i--) out = join(i === 0 ? "start" : "middle", items[i], out);
  return [out];
}

function readReasons(reasons) {
  return (reasons || []).map((r) => {
    const m = /^not in the source: (.*)$/.exec(r);
    if (m) return { kind: "not_in_source", what: m[1] };
    if (/^translation: reads back poorly/.test(r)) return { kind: "meaning" };
    if (r.startsWith("translation: ")) return { kind: "translation" };
    return { kind: "other", message: r };
  });
}

// "numbers and names" (older servers) or "numbers, names, dates, ..., meaning (round trip)"
function checkNames(checked) {
  return String(checked || "").split(/,\s*|\s+and\s+/).filter(Boolean).map((c) => {
    const key = `check.${c.split(" ")[0]}`;
    return known(key) ? t(key) : c;
  });
}

function verdictText(faith) {
  const n = faith.sentences_checked;
  if (faith.faithful) return t("verdict.faithful", { checks: formatList(checkNames(faith.checked)), n });
  const flagged = faith.flagged || [...new Set(faith.unsupported.map((p) => p.sentence))];
  return t("verdict.not_faithful", { flagged: flagged.length, n });
}

function modelStep(step) { return known(`model.${step}`) ? t(`model.${step}`) : step; }

// the flagged sentences of a brief: sentence index -> its problems
function checksOf(d) {
  const check = {};
  for (const c of d.check_sentences || []) check[c.sentence] = c.problems || readReasons(c.reasons);
  return check;
}

function renderBrief(d, name, job) {
  const tl = d.target_lang, sl = d.source_lang;
  const unsupported = {};
  for (const p of d.faithfulness.unsupported) unsupported[p.sentence] = p.numbers.concat(p.names);
  const check = checksOf(d);
  const reasons = (i) => check[i].map((p) => problemText(p, false)).join("; ");
  // what to mark in a sentence: numbers and names not in its source, and what a problem says the
  // translation wrote instead ("ថ្ងៃសុក្រ" for Monday)
  const needles = (i) => (unsupported[i] || []).concat((check[i] || []).map((p) => p.translation).filter(Boolean));
  const reasonNodes = (i) => check[i].map((p, k) => [k ? "; " : null, problemText(p, true)]);

  const summary = el("p", { class: "summary content", lang: tl }, d.sentences.map((s, i) => [
    el("span", { class: check[i] ? "s check" : "s", title: check[i] ? t("brief.check_title", { reasons: reasons(i) }) : null },
      marked(s.text, needles(i))), " "]));
  const flagged = Object.keys(check).map(Number).sort((a, b) => a - b);
  const checks = flagged.length ? el("ul", { class: "checks" }, flagged.map((i) =>
    el("li", {}, tNodes("brief.check_item", { n: i + 1, reasons: el("span", {}, reasonNodes(i)) })))) : null;

  const figures = shownFigures(d).map((f) =>
    el("li", { class: "content", lang: tl, title: f.sentence_text
      ? t("brief.figure_source_sentence", { text: f.text, sentence: f.sentence_text })
      : t("brief.figure_source", { text: f.text }) }, f.reader_text));

  const faith = d.faithfulness;
  const verdict = el("p", { class: faith.faithful ? "verdict good" : "verdict bad" }, verdictText(faith));
  const repaired = faith.repaired.length ? el("p", { class: "meta" },
    t("verdict.repaired", { list: formatList(faith.repaired.map((i) => formatNumber(i + 1))) })) : null;

  const det = d.detection || {};
  const others = (det.other_paragraphs || []).map((p) => el("li", {},
    t("brief.paragraph", { n: p.paragraph + 1, lang: langName(p.lang), pct: formatPercent(p.confidence) }), " ",
    content("span", p.lang, p.text)));

  const models = el("p", { class: "meta models" }, Object.entries(d.models).map(([k, v], i) => [i ? " · " : null,
    tNodes("model.step", { step: modelStep(k), model: v ? content("span", null, v) : t("model.none") })]));
  // the models' measured limits by model and direction (older servers: their English text)
  const warnings = d.warning_models ? d.warning_models.map((w) => el("li", {}, tNodes("brief.warning",
    { model: content("span", null, w.model), from: langName(w.source), to: langName(w.target) })))
    : (d.warnings || []).map((w) => content("li", "en", w));
  const notes = d.note_codes ? d.note_codes.map((n) => el("li", {}, noteLine(n, d)))
    : (d.notes || []).map((n) => content("li", "en", n));

  const sources = {};
  for (const s of d.article_sentences || []) sources[s.index] = s.text;
  // source first, then the brief's sentence, and why it is flagged beside it
  const rows = d.sentences.map((s, i) => el("tr", {},
    el("td", { class: "src" }, s.source_sentences.map((k) =>
      el("p", {}, el("span", { class: "n" }, `#${formatNumber(k + 1)}`), content("span", sl, sources[k] || "")))),
    el("td", { class: check[i] ? "check" : null }, el("span", { class: "n" }, formatNumber(i + 1)),
      content("span", tl, marked(s.text, needles(i))),
      tl !== sl ? el("p", { class: "meta content", lang: sl }, s.source_text) : null,
      check[i] ? el("p", { class: "why" }, "⚠ ", reasonNodes(i)) : null)));

  const detected = det.confidence !== undefined
    ? t("brief.detected_sure", { lang: langName(det.lang || sl), pct: formatPercent(det.confidence), target: langName(tl) })
    : t("brief.detected", { lang: langName(det.lang || sl), target: langName(tl) });
  return el("article", { class: "card brief" },
    el("h2", {}, job.pasted ? name : content("span", null, name)),
    el("p", { class: "meta detected" }, detected),
    others.length ? el("div", { class: "others" }, el("p", { class: "meta" }, t("brief.others")), el("ul", {}, others)) : null,
    el("h3", {}, t("brief.summary")), summary,
    checks ? el("p", { class: "legend" }, t("brief.legend_check")) : null, checks,
    el("h3", {}, t("brief.key_figures")),
    figures.length ? el("ul", { class: "figures" }, figures) : el("p", { class: "meta" }, t("brief.none_found")),
    el("p", { class: "legend" }, t("brief.figures_legend")),
    el("h3", {}, t("brief.faithfulness")), verdict, repaired,
    el("h3", {}, t("brief.models")), models,
    warnings.length ? el("div", {}, el("p", { class: "meta" }, t("brief.warnings")), el("ul", { class: "warnings" }, warnings)) : null,
    notes.length ? el("details", {}, el("summary", {}, t("brief.notes", { n: notes.length })),
      el("ul", { class: "notes" }, notes)) : null,
    el("h3", {}, t("brief.side_by_side")),
    el("table", { class: "side" }, el("thead", {}, el("tr", {}, el("th", {}, t("brief.col_article", { lang: langName(sl) })),
      el("th", {}, t("brief.col_brief", { lang: langName(tl) })))), el("tbody", {}, rows)),
    el("div", { class: "actions" },
      el("button", { class: "copy", onclick: (e) => copyMarkdown(d, name, e.target) }, t("brief.copy")),
      el("button", { class: "download-md", onclick: () => download(markdown(d, name), job, "md", "text/markdown") },
        t("brief.download_md")),
      el("button", { class: "download", onclick: () => download(JSON.stringify(d, null, 2), job, "json",
        "application/json") }, t("brief.download"))));
}

// The brief as Markdown, every label from the catalog: "label: value" lines by md.label (Khmer: ៖)
function markdown(d, name) {
  const line = (key, value) => t("md.label", { label: `**${t(key)}**`, value });
  const figures = shownFigures(d).map((f) => f.reader_text).join("; ") || t("brief.none_found");
  const models = Object.entries(d.models).filter(([, v]) => v)
    .map(([k, v]) => t("model.step", { step: modelStep(k), model: v })).join(", ");
  const check = checksOf(d);
  const why = Object.keys(check).map(Number).sort((a, b) => a - b).map((i) =>
    `- ${t("brief.check_item", { n: i + 1, reasons: check[i].map((p) => problemText(p, false)).join("; ") })}`);
  return [`## ${name} (${d.source_lang} -> ${d.target_lang})`, "", ...d.sentences.map((s) => `- ${s.text}`), "",
    line("brief.key_figures", figures), "", line("brief.faithfulness", verdictText(d.faithfulness)),
    ...(why.length ? ["", ...why] : []), "", `*${t("md.label", { label: t("brief.models"), value: models })}*`, ""].join("\n");
}

async function copyMarkdown(d, name, button) {
  const text = markdown(d, name);
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t("brief.copied");
  } catch (e) {  // no clipboard (plain http on another host): show it to copy by hand
    button.after(el("textarea", { rows: 8, class: "markdown", readonly: true }, text));
  }
}

function download(text, job, ext, type) {
  const blob = new Blob([text], { type });
  const stem = job.pasted ? "brief" : (job.name.replace(/\.[^.]*$/, "") || "brief");
  const a = el("a", { href: URL.createObjectURL(blob), download: `${stem}.brief.${ext}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

document.addEventListener("DOMContentLoaded", init);

// the key figures the brief put in the reader's language ("shown"; older servers: the first 8)
function shownFigures(d) {
  return d.key_figures.some((f) => "shown" in f) ? d.key_figures.filter((f) => f.shown) : d.key_figures.slice(0, 8);
}
