// The desk's interface language. Every string the page shows comes from a catalog,
// /static/i18n/<lang>.json (en, km, ms; the server reads the same files for its error messages),
// through t(key, params): "{name}" placeholders are filled, numbers formatted in the reader's
// conventions (Intl, CLDR). The language: the one the reader chose on the page (localStorage),
// else the first of the browser's languages (what it sends as Accept-Language) the desk speaks,
// else English. It is independent of the brief's language.
"use strict";

const I18N = {
  langs: ["en", "km", "ms"],
  storeKey: "newsbrief.ui-language",
  lang: "en",
  messages: {},
  fallback: {},   // English, for a key a catalog lacks (reported on the console: a test fails on it)
};

function catalogText(entry) { return typeof entry === "string" ? entry : entry && entry.text; }

async function fetchCatalog(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`);
  if (!response.ok) throw new Error(`catalog ${lang}: ${response.status}`);
  const data = await response.json();
  const out = {};
  for (const [key, entry] of Object.entries(data)) if (!key.startsWith("_")) out[key] = catalogText(entry);
  return out;
}

function preferredLanguage() {
  let stored = null;
  try { stored = localStorage.getItem(I18N.storeKey); } catch (e) { /* storage off: not remembered */ }
  if (I18N.langs.includes(stored)) return stored;
  for (const tag of navigator.languages || [navigator.language]) {
    const primary = String(tag || "").toLowerCase().split("-")[0];
    if (I18N.langs.includes(primary)) return primary;
  }
  return "en";
}

async function setLanguage(lang, remember) {
  if (!I18N.langs.includes(lang)) lang = "en";
  if (!Object.keys(I18N.fallback).length) I18N.fallback = await fetchCatalog("en");
  I18N.messages = lang === "en" ? I18N.fallback : await fetchCatalog(lang);
  I18N.lang = lang;
  if (remember) {
    try { localStorage.setItem(I18N.storeKey, lang); } catch (e) { /* storage off */ }
  }
  document.documentElement.lang = lang;
  translateStatic(document);
  document.documentElement.dataset.uiReady = lang;  // the page speaks it now (data-ui-ready)
}

// Numbers through Intl (Chromium's ICU has no Khmer data, but CLDR's Khmer numbers and percentages
// are written as its root's: the test compares them with babel's); units and lists from the catalog,
// where they are CLDR's patterns (unit.*, list.*: checked against babel by the tests).
function formatNumber(n) { return new Intl.NumberFormat(I18N.lang).format(n); }
function formatPercent(x) { return new Intl.NumberFormat(I18N.lang, { style: "percent" }).format(x); }
function formatUnit(n, unit) { return t(`unit.${unit}`, { 0: formatNumber(Math.round(n)) }); }
function formatList(items) {
  const parts = items.map(String);
  if (parts.length < 2) return parts.join("");
  const join = (key, a, b) => t(`list.${key}`).replace("{0}", a).replace("{1}", b);
  if (parts.length === 2) return join("2", parts[0], parts[1]);
  let out = join("end", parts[parts.length - 2], parts[parts.length - 1]);
  for (let i = parts.length - 3; i >= 0; i--) out = join(i === 0 ? "start" : "middle", parts[i], out);
  return out;
}

function t(key, params) {
  let text = I18N.messages[key];
  if (text === undefined) {
    console.error(`newsbrief: the ${I18N.lang} catalog has no "${key}"`);
    text = I18N.fallback[key] !== undefined ? I18N.fallback[key] : key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!params || !(name in params)) return whole;
    const value = params[name];
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
}

// tNodes(key, params): t() as a list of strings and nodes, for params that are nodes (text from the
// article or the server kept in its own element: <span class="content" lang=...>)
function tNodes(key, params) {
  const nodes = {}, strings = {};
  for (const [name, value] of Object.entries(params || {})) (value instanceof Node ? nodes : strings)[name] = value;
  return t(key, strings).split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && m[1] in nodes ? nodes[m[1]] : part;
  }).filter((part) => part !== "");
}

// plural(key, n): the catalog's key.<CLDR plural category> (en: one/other; km, ms: other)
function plural(key, n, params) {
  const category = new Intl.PluralRules(I18N.lang).select(n);
  const full = I18N.messages[`${key}.${category}`] !== undefined ? `${key}.${category}` : `${key}.other`;
  return t(full, Object.assign({ n }, params || {}));
}

// The page's own markup: data-i18n (text), data-i18n-placeholder, -aria-label, -title.
function translateStatic(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const attr of ["placeholder", "aria-label", "title"]) {
    const data = `data-i18n-${attr}`;
    for (const node of root.querySelectorAll(`[${data}]`)) node.setAttribute(attr, t(node.getAttribute(data)));
  }
}
