// The kembed explorer page: asks the local server (/api/...) and draws on a canvas.
// Nothing is fetched from anywhere else.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { info: null, set: 0, map: null, highlight: new Set(), query: null };

async function api(path, params = {}, body = null) {
  const url = path + "?" + new URLSearchParams(params).toString();
  const options = body === null ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(url, options);
  const data = await response.json();
  if (!response.ok) {
    const error = new Error(data.error || response.statusText);
    error.data = data;
    throw error;
  }
  return data;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function fillSelect(select, items, label) {
  select.replaceChildren(...items.map((item, i) => {
    const option = element("option", label(item));
    option.value = String(i);
    return option;
  }));
}

// --- start ----------------------------------------------------------------------------

async function start() {
  state.info = await api("/api/info");
  const sets = state.info.sets;
  fillSelect($("set"), sets, (s) => s.name);
  fillSelect($("compare-b"), sets, (s) => s.name);
  if (sets.length > 1) $("compare-b").value = "1";
  fillSelect($("method"), state.info.query_methods, (m) => m === "3cosadd" ? "3CosAdd" : "3CosMul");
  $("method").querySelectorAll("option").forEach((o, i) => { o.value = state.info.query_methods[i]; });
  fillSelect($("projection"), state.info.methods, (m) => m === "tsne" ? "t-SNE" : m.toUpperCase());
  $("projection").querySelectorAll("option").forEach((o, i) => { o.value = state.info.methods[i]; });
  const evaluations = $("evaluations");
  if (!state.info.evaluations.length) {
    evaluations.append(element("p", "Start with --eval FILE to score the vectors here.", "muted"));
  }
  for (const evaluation of state.info.evaluations) {
    const button = element("button", evaluation.name);
    button.dataset.eval = String(evaluation.id);
    button.addEventListener("click", () => runEvaluation(evaluation.id));
    evaluations.append(button);
  }
  $("set").addEventListener("change", () => {
    state.set = Number($("set").value);
    showSetInfo();
    drawMap();
  });
  showSetInfo();
  wireSearch();
  wireMap();
  $("compare-run").addEventListener("click", runComparison);
  document.body.dataset.ready = "true";
  await drawMap();
}

function showSetInfo() {
  const s = state.info.sets[state.set];
  $("set-info").textContent = `${s.words.toLocaleString()} words × ${s.dim}`;
  $("top").max = String(Math.min(100000, s.words));
  $("top").value = String(Math.min(Number($("top").value) || 5000, s.words));
}

// --- search and completion ------------------------------------------------------------

function wireSearch() {
  const input = $("query");
  const list = $("completions");
  let active = -1;
  let pending = 0;
  input.addEventListener("input", async () => {
    const text = input.value;
    const last = text.split(/\s+/).pop().replace(/^[+-]/, "");
    if (!last) { list.hidden = true; return; }
    const ticket = ++pending;
    const data = await api("/api/complete", { set: state.set, prefix: last, limit: 10 });
    if (ticket !== pending) return;
    active = -1;
    list.replaceChildren(...data.words.map((word) => {
      const item = element("li", word);
      item.addEventListener("mousedown", (event) => { event.preventDefault(); complete(word); });
      return item;
    }));
    list.hidden = data.words.length === 0;
  });
  input.addEventListener("keydown", (event) => {
    const items = list.querySelectorAll("li");
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach((item, i) => item.classList.toggle("active", i === active));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      complete(items[active].textContent);
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  });
  input.addEventListener("blur", () => { list.hidden = true; });
  function complete(word) {
    const parts = input.value.split(/(\s+)/);
    const last = parts.pop();
    const sign = /^[+-]/.test(last) && last.length > 1 ? last[0] : "";
    input.value = parts.join("") + sign + word;
    list.hidden = true;
    input.focus();
  }
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    list.hidden = true;
    search(input.value);
  });
  $("method").addEventListener("change", () => { if (input.value.trim()) search(input.value); });
}

async function search(text) {
  const message = $("message");
  const body = $("neighbors").querySelector("tbody");
  message.replaceChildren();
  if (!text.trim()) return;
  try {
    const data = await api("/api/neighbors", {
      set: state.set, q: text, topn: $("topn").value, method: $("method").value,
    });
    body.replaceChildren(...data.neighbors.map(([word, score], i) => {
      const row = element("tr", undefined, "clickable");
      row.append(element("td", String(i + 1)), element("td", word), element("td", score.toFixed(4), "score"));
      row.addEventListener("click", () => { $("query").value = word; search(word); });
      return row;
    }));
    state.query = text;
    state.highlight = new Set([...data.neighbors.map(([word]) => word), ...text.split(/[\s+-]+/).filter(Boolean)]);
    render();
  } catch (error) {
    body.replaceChildren();
    message.append(element("span", error.message + " "));
    for (const suggestion of (error.data && error.data.suggestions) || []) {
      const link = element("a", suggestion);
      link.addEventListener("click", () => {
        $("query").value = text.replace(error.data.word, suggestion);
        search($("query").value);
      });
      message.append(link);
    }
  }
}

// --- the map ------------------------------------------------------------------------

const view = { scale: 1, dx: 0, dy: 0 };
const GRID = 96;

async function drawMap(words = null) {
  const status = $("map-status");
  status.textContent = "drawing…";
  const method = $("projection").value || "pca";
  try {
    const data = words === null
      ? await api("/api/map", { set: state.set, method, top: $("top").value })
      : await api("/api/map", {}, { set: state.set, method, words });
    setMap(data);
    let note = `${data.words.length.toLocaleString()} words, ${method.toUpperCase()}`;
    if (data.explained) note += ` (${(100 * (data.explained[0] + data.explained[1])).toFixed(1)} % of the variance)`;
    if (data.missing_count) note += `; not in the vectors: ${data.missing.slice(0, 10).join(", ")}${data.missing_count > 10 ? "…" : ""}`;
    status.textContent = note;
  } catch (error) {
    status.textContent = error.message;
  }
}

function setMap(data) {
  const n = data.words.length;
  const x = Float32Array.from(data.x);
  const y = Float32Array.from(data.y);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
  }
  const index = new Map(data.words.map((word, i) => [word, i]));
  const spanX = maxX - minX || 1, spanY = maxY - minY || 1;
  // A grid of buckets over the data, for hover look-ups without scanning every point.
  const cells = Array.from({ length: GRID * GRID }, () => []);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(GRID - 1, Math.floor(((x[i] - minX) / spanX) * GRID));
    const cy = Math.min(GRID - 1, Math.floor(((y[i] - minY) / spanY) * GRID));
    cells[cy * GRID + cx].push(i);
  }
  state.map = { words: data.words, x, y, minX, minY, spanX, spanY, cells, index };
  fitView();
  render();
}

function fitView() {
  const canvas = $("map");
  const m = state.map;
  const margin = 30;
  view.scale = Math.min((canvas.width - 2 * margin) / m.spanX, (canvas.height - 2 * margin) / m.spanY);
  view.dx = margin - m.minX * view.scale + (canvas.width - 2 * margin - m.spanX * view.scale) / 2;
  view.dy = margin + (m.minY + m.spanY) * view.scale + (canvas.height - 2 * margin - m.spanY * view.scale) / 2;
}

const toScreen = (x, y) => [x * view.scale + view.dx, -y * view.scale + view.dy];
// Where a word is drawn, in canvas pixels (for tests and the console), or null.
window.kembedMapIndex = (word) => {
  const i = state.map ? state.map.index.get(word) : undefined;
  return i === undefined ? null : toScreen(state.map.x[i], state.map.y[i]);
};
const toData = (sx, sy) => [(sx - view.dx) / view.scale, -(sy - view.dy) / view.scale];

function render() {
  const canvas = $("map");
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const m = state.map;
  if (!m) return;
  const n = m.words.length;
  const size = n > 20000 ? 1.5 : n > 2000 ? 2.5 : 4;
  context.fillStyle = "rgba(60, 105, 170, 0.55)";
  let drawn = 0;
  for (let i = 0; i < n; i++) {
    const [sx, sy] = toScreen(m.x[i], m.y[i]);
    if (sx < -5 || sy < -5 || sx > canvas.width + 5 || sy > canvas.height + 5) continue;
    context.fillRect(sx - size / 2, sy - size / 2, size, size);
    drawn++;
  }
  // Labels: the most frequent visible words first, never on top of one another.
  context.font = "12px system-ui, sans-serif";
  context.fillStyle = "#333";
  const taken = new Set();
  let labels = 0;
  for (let i = 0; i < n && labels < 250; i++) {
    const [sx, sy] = toScreen(m.x[i], m.y[i]);
    if (sx < 0 || sy < 0 || sx > canvas.width || sy > canvas.height) continue;
    const key = `${Math.floor(sx / 70)},${Math.floor(sy / 16)}`;
    if (taken.has(key)) continue;
    taken.add(key);
    context.fillText(m.words[i], sx + 3, sy - 3);
    labels++;
  }
  // The query's words and neighbours, on top.
  context.font = "bold 13px system-ui, sans-serif";
  let highlighted = 0;
  for (const word of state.highlight) {
    const i = m.index.get(word);
    if (i === undefined) continue;
    const [sx, sy] = toScreen(m.x[i], m.y[i]);
    context.fillStyle = "#e0561b";
    context.beginPath();
    context.arc(sx, sy, 5, 0, 2 * Math.PI);
    context.fill();
    context.fillStyle = "#a33a0c";
    context.fillText(word, sx + 6, sy - 6);
    highlighted++;
  }
  window.kembedMap = { points: n, drawn, labels, highlighted, scale: view.scale };
}

function nearestPoint(sx, sy, radius = 8) {
  const m = state.map;
  if (!m) return -1;
  const [x, y] = toData(sx, sy);
  const reach = radius / view.scale;
  const cell = (value, low, span) => Math.floor(((value - low) / span) * GRID);
  const x0 = Math.max(0, cell(x - reach, m.minX, m.spanX)), x1 = Math.min(GRID - 1, cell(x + reach, m.minX, m.spanX));
  const y0 = Math.max(0, cell(y - reach, m.minY, m.spanY)), y1 = Math.min(GRID - 1, cell(y + reach, m.minY, m.spanY));
  let best = -1, bestDistance = radius * radius;
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      for (const i of m.cells[cy * GRID + cx]) {
        const [px, py] = toScreen(m.x[i], m.y[i]);
        const d = (px - sx) ** 2 + (py - sy) ** 2;
        if (d <= bestDistance) { best = i; bestDistance = d; }
      }
    }
  }
  return best;
}

function wireMap() {
  const canvas = $("map");
  const tooltip = $("tooltip");
  const scaled = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
  };
  let drag = null;
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [sx, sy] = scaled(event);
    const factor = Math.exp(-event.deltaY * 0.0015);
    view.dx = sx - (sx - view.dx) * factor;
    view.dy = sy - (sy - view.dy) * factor;
    view.scale *= factor;
    render();
  }, { passive: false });
  canvas.addEventListener("pointerdown", (event) => {
    drag = { start: scaled(event), dx: view.dx, dy: view.dy, moved: false };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    const [sx, sy] = scaled(event);
    if (drag) {
      const ox = sx - drag.start[0], oy = sy - drag.start[1];
      if (Math.abs(ox) + Math.abs(oy) > 3) drag.moved = true;
      view.dx = drag.dx + ox;
      view.dy = drag.dy + oy;
      render();
      return;
    }
    const i = nearestPoint(sx, sy);
    if (i < 0) { tooltip.hidden = true; return; }
    const box = canvas.getBoundingClientRect();
    const [px, py] = toScreen(state.map.x[i], state.map.y[i]);
    tooltip.textContent = state.map.words[i];
    tooltip.style.left = `${(px * box.width) / canvas.width + 8}px`;
    tooltip.style.top = `${(py * box.height) / canvas.height - 24}px`;
    tooltip.hidden = false;
  });
  canvas.addEventListener("pointerup", (event) => {
    const wasDrag = drag && drag.moved;
    drag = null;
    if (wasDrag) return;
    const [sx, sy] = scaled(event);
    const i = nearestPoint(sx, sy);
    if (i >= 0) {
      $("query").value = state.map.words[i];
      search(state.map.words[i]);
    }
  });
  canvas.addEventListener("pointerleave", () => { tooltip.hidden = true; });
  canvas.addEventListener("dblclick", () => { fitView(); render(); });
  $("draw").addEventListener("click", () => drawMap());
  $("projection").addEventListener("change", () => drawMap());
  $("draw-pasted").addEventListener("click", () => {
    const words = $("paste").value.split(/[\s,;]+/).filter(Boolean);
    drawMap(words);
  });
}

// --- comparison and evaluation ----------------------------------------------------------

async function runComparison() {
  const result = $("compare-result");
  result.replaceChildren(element("p", "comparing…", "muted"));
  const b = Number($("compare-b").value);
  try {
    const data = await api("/api/compare", { a: state.set, b, top: $("compare-top").value, topn: 10 });
    const summary = element("p",
      `${data.a} → ${data.b}: ${data.shared.toLocaleString()} shared words; over the first ` +
      `${data.compared.toLocaleString()}, mean overlap@${data.topn} of the neighbours ` +
      `${(100 * data.mean_overlap).toFixed(1)} %. Moved most (cosine distance after alignment):`);
    summary.id = "compare-summary";
    const list = element("ol");
    for (const [word, moved, overlap] of data.most_moved) {
      const item = element("li", `${word}  ${moved.toFixed(3)} (overlap ${(100 * overlap).toFixed(0)} %)`);
      item.dataset.word = word;
      item.addEventListener("click", () => compareWord(word, b));
      list.append(item);
    }
    result.replaceChildren(summary, list);
  } catch (error) {
    result.replaceChildren(element("p", error.message));
  }
}

async function compareWord(word, b) {
  const box = $("compare-word");
  try {
    const data = await api("/api/compare/word", { a: state.set, b, word, topn: 10 });
    const shared = new Set(data.shared);
    const column = (title, words) => {
      const div = element("div");
      div.append(element("strong", title), element("ol"));
      for (const w of words) div.lastChild.append(element("li", w, shared.has(w) ? "" : "muted"));
      return div;
    };
    const names = state.info.sets;
    box.replaceChildren(element("h2", `"${word}"`), column(names[state.set].name, data.a), column(names[b].name, data.b));
  } catch (error) {
    box.replaceChildren(element("p", error.message));
  }
}

async function runEvaluation(id) {
  const box = $("eval-result");
  box.replaceChildren(element("p", "scoring…", "muted"));
  try {
    const data = await api("/api/evaluate", { set: state.set, eval: id });
    const r = data.result;
    const lines = [];
    let title;
    if (r.kind === "word-pairs") {
      title = `${data.evaluation}: Spearman ${fmt(r.spearman)}, Pearson ${fmt(r.pearson)} (${r.pairs} pairs, ${r.oov} with unknown words). Ranked farthest from people:`;
      for (const [a, b, human, cosine] of data.items) lines.push(`${a} – ${b}: people ${human}, cosine ${cosine.toFixed(3)}`);
    } else {
      title = `${data.evaluation}: accuracy ${(100 * r.accuracy).toFixed(1)} % (${r.correct} of ${r.correct + r.incorrect}; ${r.oov} with unknown words). Failed:`;
      for (const [section, a, b, c, expected, answer] of data.items) lines.push(`${a} : ${b} :: ${c} : ${expected} — got ${answer} (${section})`);
    }
    const list = element("ol");
    list.append(...lines.map((line) => element("li", line)));
    const heading = element("p", title);
    heading.id = "eval-summary";
    box.replaceChildren(heading, list);
  } catch (error) {
    box.replaceChildren(element("p", error.message));
  }
}

const fmt = (value) => (value === null ? "n/a" : value.toFixed(4));

start().catch((error) => { $("message").textContent = `The explorer could not start: ${error.message}`; });
