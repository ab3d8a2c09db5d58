// Gradient Playground replay player: draws a replay (see core/charts/replay.py for its shape) as SVG
// and plays it with requestAnimationFrame, entirely in the browser. The server is told only about
// user actions that change what a link should reproduce (play, pause, step, reset, scrub end, speed,
// reaching the end), never per frame.
const SVG = "http://www.w3.org/2000/svg";
const TRAIL = 15; // iterates drawn behind each marker, fading
const TRAIL_GROUPS = 5; // fading steps (TRAIL is a multiple of it)
const CHUNK = 100; // path vertices per <polyline>: a growing path rewrites at most one chunk per frame
const MARGIN = { left: 58, right: 14, top: 26, bottom: 38 };
const LIMIT = 1e5; // pixel coordinates are kept within ±LIMIT (the plot clips them)

function el(tag, attrs = {}, parent = null, ns = SVG) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}
const html = (tag, attrs, parent) => el(tag, attrs, parent, null);

// The player's words, in the page's language: the page sends them (data.words, app/player/__init__.py); these
// English ones stand in for any it does not send. A template's {name}s are filled by fill().
const WORDS = {
  play: "▶ Play", pause: "❚❚ Pause", play_label: "Play the replay", pause_label: "Pause the replay",
  step: "Step ›", step_label: "Step one update", reset: "↺ Reset", reset_label: "Reset to update 0",
  speed: "Speed", speed_label: "Speed in updates per second", scrub_label: "Update shown",
  unit: "Step", counter: "{unit} {k} of {n}", auto: "auto ({speed}/s)", per_second: "{speed}/s",
  panel_label: "{title}: {y} against {x}", tip: "{label}: x = {x} at update {step}", progress: "Training progress",
};
const fill = (template, fields) => template.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? String(fields[k]) : m));
const clampPx = (v) => (v > LIMIT ? LIMIT : v < -LIMIT ? -LIMIT : v);
const symlog = (v) => Math.sign(v) * Math.log1p(Math.abs(v));

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / Math.max(count, 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function fmtTick(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

const log10 = (v) => Math.log10(Math.max(v, 1e-300));

function logTicks(lo, hi) {
  // powers of ten inside [lo, hi]; with fewer than three, the 2s and 5s between them as well
  const ticks = [];
  for (let k = Math.ceil(log10(lo) - 1e-9); k <= Math.floor(log10(hi) + 1e-9); k++) ticks.push(Math.pow(10, k));
  if (ticks.length >= 3) return ticks;
  const more = [];
  for (let k = Math.floor(log10(lo)); k <= Math.ceil(log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const t = m * Math.pow(10, k);
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) more.push(t);
    }
  }
  return more;
}

function scale(axis, a, b) {
  // maps data values of ``axis`` onto pixels a..b
  const f = axis.type === "symlog" ? symlog : axis.type === "log" ? log10 : (v) => v;
  const lo = f(axis.lo);
  const span = f(axis.hi) - lo || 1;
  return (v) => clampPx(a + ((f(v) - lo) / span) * (b - a));
}

const curvePoints = (xs, ys, sx, sy) => xs.map((x, i) => `${sx(x).toFixed(1)},${sy(ys[i]).toFixed(1)}`).join(" ");

function shapePath(shape, r) {
  switch (shape) {
    case "square": return `M${-r},${-r}h${2 * r}v${2 * r}h${-2 * r}z`;
    case "triangle": return `M0,${-1.2 * r}L${1.1 * r},${0.8 * r}L${-1.1 * r},${0.8 * r}z`;
    case "diamond": return `M0,${-1.35 * r}L${1.1 * r},0L0,${1.35 * r}L${-1.1 * r},0z`;
    default: return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
  }
}

class Player {
  constructor(parent) {
    this.parent = parent;
    this.host = parent.host || parent; // the shadow root's host, or the element itself
    this.root = html("div", { class: "gp-player", "data-testid": "gp-player" }, parent);
    this.raf = 0;
    this.k = 0; // the update shown; fractional between two iterates while playing slowly
    this.playing = false;
    this.chosenSpeed = 0; // 0: the replay's own default
    this.painted = 0;
    this.reports = 0;
    this.seq = 0; // the last report's number (time-based, so it grows across a remount of the player)
    this.lastStart = null;
    this.lastReport = null;
    this.width = 0;
    this.tick = this.tick.bind(this);
    this.words = WORDS;
    this.buildControls();
    this.legend = html("div", { class: "gp-legend" }, this.root);
    this.panelsBox = html("div", { class: "gp-panels" }, this.root);
    this.notes = html("div", { class: "gp-notes" }, this.root);
    this.resize = new ResizeObserver(() => {
      const w = Math.round(this.panelsBox.clientWidth);
      if (this.replay && w && Math.abs(w - this.width) > 1) this.layout();
    });
    this.resize.observe(this.panelsBox);
  }

  buildControls() {
    const bar = html("div", { class: "gp-controls" }, this.root);
    this.playBtn = html("button", { type: "button", class: "gp-play", "aria-label": this.words.play_label }, bar);
    this.playBtn.addEventListener("click", () => this.toggle());
    this.stepBtn = html("button", { type: "button", "aria-label": this.words.step_label }, bar);
    this.stepBtn.textContent = this.words.step;
    this.stepBtn.addEventListener("click", () => this.step());
    this.resetBtn = html("button", { type: "button", "aria-label": this.words.reset_label }, bar);
    this.resetBtn.textContent = this.words.reset;
    this.resetBtn.addEventListener("click", () => this.reset());
    const speedLabel = html("label", {}, bar);
    this.speedWord = document.createTextNode(this.words.speed);
    speedLabel.append(this.speedWord);
    this.speedSel = html("select", { "aria-label": this.words.speed_label }, speedLabel);
    this.speedSel.addEventListener("change", () => {
      this.chosenSpeed = Number(this.speedSel.value);
      this.acc = 0;
      this.report();
    });
    this.scrub = html("input", { type: "range", class: "gp-scrub", min: 0, max: 1, step: 1, value: 0,
                                 "aria-label": this.words.scrub_label }, bar);
    this.scrub.addEventListener("input", () => {
      if (this.playing) this.pause(false);
      this.k = Number(this.scrub.value);
      this.draw();
    });
    this.scrub.addEventListener("change", () => { this.announce(); this.report(); });
    this.counter = html("span", { class: "gp-counter", "aria-hidden": "true", "data-testid": "gp-counter" }, bar);
    this.live = html("span", { class: "gp-sr", "aria-live": "polite", "data-testid": "gp-live" }, bar);
  }

  // ── data from Python ──────────────────────────────────────────────────────────────────────────
  setWords(words) {
    // the page's words over the English ones; the controls' texts follow (a language chosen on the page)
    const next = { ...WORDS, ...(words || {}) };
    if (JSON.stringify(next) === JSON.stringify(this.words)) return;
    this.words = next;
    const w = this.words;
    setAttr(this.stepBtn, "aria-label", w.step_label);
    setText(this.stepBtn, w.step);
    setAttr(this.resetBtn, "aria-label", w.reset_label);
    setText(this.resetBtn, w.reset);
    this.speedWord.textContent = w.speed;
    setAttr(this.speedSel, "aria-label", w.speed_label);
    setAttr(this.scrub, "aria-label", w.scrub_label);
    if (this.bar) setAttr(this.bar, "aria-label", w.progress);
    this.setButton();
  }

  update(data) {
    this.report_ = Boolean(data.report);
    // still: a picture of the present (live training), not a replay: no controls, nothing plays
    this.root.classList.toggle("gp-still", Boolean(data.still));
    const start = data.start || { frame: 0, play: false, speed: 0 };
    const startJson = JSON.stringify(start);
    if (!this.replay || data.replay.id !== this.replay.id) {
      this.replay = data.replay;
      this.prepare();
      this.layout();
      this.applyStart(start);
    } else if (startJson !== this.lastStart && startJson !== this.lastReport
               && !(data.echo != null && data.echo < this.seq)) {
      // the visitor changed the link's settings on the page. Not a page drawn before the server had this
      // player's latest report (data.echo: the last report it had): Reset then Step, clicked quickly, made
      // two script runs, and the first one's start (update 0) used to undo the Step.
      this.applyStart(start);
    }
    this.lastStart = startJson;
  }

  prepare() {
    const r = this.replay;
    this.last = r.last;
    this.scrub.max = String(r.last);
    // each series: the update each kept sample stands for
    this.samples = r.series.map((s) => {
      const n = (s.data.x || Object.values(s.data)[0]).length;
      const steps = [];
      for (let i = 0; i < n; i++) steps.push(Math.min(i * s.stride, s.steps));
      return steps;
    });
    this.speedSel.textContent = "";
    const speeds = [...r.speeds];
    html("option", { value: 0 }, this.speedSel).textContent = fill(this.words.auto, { speed: r.speed });
    for (const s of speeds) html("option", { value: s }, this.speedSel).textContent = fill(this.words.per_second, { speed: s });
    this.legend.textContent = "";
    (r.legend || r.series).forEach((s) => {  // a still view (no series) may bring its own legend
      const item = html("span", {}, this.legend);
      const icon = el("svg", { width: 34, height: 14, "aria-hidden": "true" }, item);
      el("line", { x1: 1, x2: 33, y1: 7, y2: 7, stroke: s.color, "stroke-width": s.width || 2,
                   "stroke-dasharray": s.dash ? s.dash.join(" ") : null }, icon);
      if (s.shape) {
        el("path", { d: shapePath(s.shape, 4.5), transform: "translate(17,7)", fill: s.color, stroke: "#000",
                     "stroke-width": 0.8 }, icon);
      }
      item.append(s.label);
    });
    this.notes.textContent = (r.notes || []).join(" ");
  }

  applyStart(start) {
    this.chosenSpeed = start.speed > 0 ? start.speed : 0;
    if (this.chosenSpeed && ![...this.speedSel.options].some((o) => Number(o.value) === this.chosenSpeed)) {
      html("option", { value: this.chosenSpeed }, this.speedSel).textContent = fill(this.words.per_second, { speed: this.chosenSpeed });
    }
    this.speedSel.value = String(this.chosenSpeed);
    this.k = Math.max(0, Math.min(Math.floor(start.frame || 0), this.last));
    this.draw();
    this.announce();
    if (start.play && this.k < this.last) this.play(false);
    else this.pause(false);
  }

  // ── drawing ───────────────────────────────────────────────────────────────────────────────────
  layout() {
    const r = this.replay;
    this.width = Math.round(this.panelsBox.clientWidth) || 600;
    const columns = Math.max(1, Math.min(r.panels.length, Math.floor(this.width / 300)));
    const w = Math.max(260, Math.floor((this.width - 16 * (columns - 1)) / columns));
    this.panelsBox.textContent = "";
    this.views = r.panels.map((panel, p) => this.buildPanel(panel, p, w));
    this.draw();
  }

  buildPanel(panel, p, width) {
    const box = html("div", { class: "gp-panel" }, this.panelsBox);
    // On a phone (a narrow panel) the plot is less tall, so the controls and a whole plot fit on one screen.
    const height = width < 420 ? Math.min(panel.height || 320, Math.max(220, Math.round(width * 0.72)))
      : panel.height || 320;
    const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
                            "aria-label": fill(this.words.panel_label, { title: panel.title, y: panel.y.label, x: panel.x.label }) }, box);
    const x0 = MARGIN.left, x1 = width - MARGIN.right, y0 = height - MARGIN.bottom, y1 = MARGIN.top;
    const sx = scale(panel.x, x0, x1), sy = scale(panel.y, y0, y1);
    const clipId = `gp-clip-${p}-${Math.random().toString(36).slice(2)}`;
    el("rect", { x: x0, y: y1, width: x1 - x0, height: y0 - y1 }, el("clipPath", { id: clipId }, el("defs", {}, svg)));
    el("text", { x: x0, y: 15, class: "gp-title" }, svg).textContent = panel.title;
    const plot = el("g", { "clip-path": `url(#${clipId})` });
    if (panel.heat) this.drawHeat(panel.heat, plot, sx, sy);
    // axes, ticks, grid
    const grid = el("g", { class: "gp-grid" }, svg);
    const axes = el("g", { class: "gp-axis" }, svg);
    const ticksOf = (axis, px) => axis.ticks || (axis.type === "log" ? logTicks(axis.lo, axis.hi)
      : niceTicks(axis.lo, axis.hi, Math.max(2, Math.floor(px / 70)))).map((t) => [t, fmtTick(t)]);
    for (const [t, label] of ticksOf(panel.x, x1 - x0)) {
      const x = sx(t);
      el("line", { x1: x, x2: x, y1: y1, y2: y0 }, grid);
      el("line", { x1: x, x2: x, y1: y0, y2: y0 + 5 }, axes);
      el("text", { x, y: y0 + 17, "text-anchor": "middle" }, axes).textContent = label;
    }
    for (const [t, label] of ticksOf(panel.y, y0 - y1)) {
      const y = sy(t);
      el("line", { x1: x0, x2: x1, y1: y, y2: y }, grid);
      el("line", { x1: x0 - 5, x2: x0, y1: y, y2: y }, axes);
      el("text", { x: x0 - 8, y: y + 4, "text-anchor": "end" }, axes).textContent = label;
    }
    el("path", { d: `M${x0},${y1}V${y0}H${x1}`, fill: "none" }, axes);
    el("text", { x: (x0 + x1) / 2, y: height - 6, "text-anchor": "middle" }, axes).textContent = panel.x.label;
    el("text", { x: 0, y: 0, transform: `translate(13,${(y0 + y1) / 2}) rotate(-90)`, "text-anchor": "middle" },
       axes).textContent = panel.y.label;
    svg.appendChild(plot);
    // The moving parts go in a second SVG stacked on top (its own compositing layer), so a frame
    // repaints only them, not the curves, grid and heat map underneath.
    const dynSvg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "gp-moving",
                               "aria-hidden": "true" }, box);
    const dynClip = `${clipId}-m`;
    el("rect", { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
       el("clipPath", { id: dynClip }, el("defs", {}, dynSvg)));
    const moving = el("g", { "clip-path": `url(#${dynClip})` }, dynSvg);
    for (const rule of panel.hrules || []) {
      el("line", { x1: x0, x2: x1, y1: sy(rule.at), y2: sy(rule.at), stroke: rule.color || "#999",
                   "stroke-dasharray": rule.dash ? rule.dash.join(" ") : null }, plot);
      if (rule.label) el("text", { x: x1 - 4, y: sy(rule.at) - 4, "text-anchor": "end" }, plot).textContent = rule.label;
    }
    const vrules = el("g", { class: "gp-vrules" }, plot);
    this.drawVrules(panel.vrules, vrules, sx, y0, y1);
    for (const c of panel.curves || []) {
      el("polyline", { points: curvePoints(c.x, c.y, sx, sy), fill: "none", stroke: c.color || "#444",
                       "stroke-width": c.width || 1.5, "stroke-dasharray": c.dash ? c.dash.join(" ") : null,
                       "stroke-linejoin": "round", "data-name": c.name }, plot);
    }
    const points = el("g", { class: "gp-points" }, plot);
    this.drawPoints(panel.points, points, sx, sy);
    // the moving layers, one group per series so later series draw on top
    const layers = [];
    this.replay.series.forEach((s, si) => {
      for (const layer of panel.layers) {
        if (layer.kind === "curve") {
          // one polyline over a shared x grid; layer.ys[i] is its y at the series' i-th sample
          if (si !== (layer.series || 0)) continue;
          const px = layer.x.map(sx), pys = layer.ys.map((ys) => ys.map(sy));
          const poly = el("polyline", { fill: "none", stroke: layer.color || s.color, "stroke-width": layer.width || 2,
                                        "stroke-linejoin": "round", class: "gp-curve" }, moving);
          layers.push({ kind: "curve", si, px, pys, poly, series: s, layer });
          continue;
        }
        const get = (name) => name === "#step" ? this.samples[si].map((v) => v) : s.data[name];
        const xs = get(layer.x), ys = get(layer.y);
        const px = xs.map(sx), py = ys.map(sy);
        const item = { kind: layer.kind, si, px, py, perStep: layer.per_step || 1, series: s, layer };
        if (layer.kind === "path") {
          item.chunks = [];
          item.strings = [];
          const g = el("g", {}, moving);
          for (let start = 0; start < px.length - 1 || start === 0; start += CHUNK) {
            item.chunks.push(el("polyline", { fill: "none", stroke: s.color, "stroke-width": 2, "stroke-opacity": 0.85,
                                              "stroke-dasharray": s.dash ? s.dash.join(" ") : null,
                                              "stroke-linejoin": "round", display: "none" }, g));
            if (start + CHUNK >= px.length - 1) break;
          }
          item.state = item.chunks.map(() => "hidden");
        } else if (layer.kind === "trail") {
          // TRAIL dots in TRAIL_GROUPS paths of zero-length round-capped strokes, older groups fainter:
          // a few attribute writes per frame instead of one per dot
          item.groups = [];
          const g = el("g", { class: "gp-trail" }, moving);
          for (let q = 0; q < TRAIL_GROUPS; q++) {
            item.groups.push(el("path", { d: "", fill: "none", stroke: s.color, "stroke-width": 8,
                                          "stroke-linecap": "round", "stroke-opacity": 0.12 + (0.5 * q) / (TRAIL_GROUPS - 1) }, g));
          }
        } else {
          item.g = el("g", { class: "gp-marker", "data-series": s.label }, moving);
          el("path", { d: shapePath(s.shape, 7), fill: s.color, stroke: "#000", "stroke-width": 1.2 }, item.g);
          item.tip = el("title", {}, item.g);
        }
        layers.push(item);
      }
    });
    // markers last, above every path and trail
    layers.sort((a, b) => (a.kind === "marker") - (b.kind === "marker"));
    for (const item of layers) if (item.g) moving.appendChild(item.g);
    return { layers, sx, sy, plot, moving, vrules, points, y0, y1 };
  }

  drawVrules(rules, g, sx, y0, y1) {
    g.textContent = "";
    for (const rule of rules || []) {
      el("line", { x1: sx(rule.at), x2: sx(rule.at), y1: y1, y2: y0, stroke: rule.color || "#999",
                   "stroke-dasharray": rule.dash ? rule.dash.join(" ") : null }, g);
    }
  }

  drawPoints(points, parent, sx, sy) {
    parent.textContent = "";
    for (const pt of points || []) {
      const g = el("g", { transform: `translate(${sx(pt.x)},${sy(pt.y)})` }, parent);
      el("path", { d: shapePath(pt.shape, pt.size || 5.5), fill: pt.color || "#000", stroke: "#000", "stroke-width": 0.8 }, g);
      el("title", {}, g).textContent = pt.label || "";
    }
  }

  drawHeat(heat, plot, sx, sy) {
    const canvas = document.createElement("canvas");
    canvas.width = heat.nx;
    canvas.height = heat.ny;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(heat.nx, heat.ny);
    for (let j = 0; j < heat.ny; j++) {
      for (let i = 0; i < heat.nx; i++) {
        const v = heat.v[j * heat.nx + i];
        const g = Math.round(70 + 180 * v); // darker is lower
        const o = ((heat.ny - 1 - j) * heat.nx + i) * 4; // canvas rows run from the top
        img.data[o] = img.data[o + 1] = img.data[o + 2] = g;
        img.data[o + 3] = 230;
      }
    }
    ctx.putImageData(img, 0, 0);
    const x = sx(heat.x[0]), y = sy(heat.y[1]);
    el("image", { href: canvas.toDataURL(), x, y, width: sx(heat.x[1]) - x, height: sy(heat.y[0]) - y,
                  preserveAspectRatio: "none", style: "image-rendering: pixelated" }, plot);
  }

  // position of a series at update k: sample index i and the fraction towards sample i + 1
  where(si, k) {
    const steps = this.samples[si];
    const s = this.replay.series[si];
    if (k >= s.steps) return [steps.length - 1, 0];
    const i = Math.min(Math.floor(k / s.stride), steps.length - 1);
    if (this.snap || i + 1 >= steps.length) return [i, 0];
    return [i, (k - steps[i]) / (steps[i + 1] - steps[i])];
  }

  draw() {
    if (!this.views) return;
    const k = this.k;
    const shown = Math.floor(k + 1e-9);
    for (const view of this.views) {
      for (const item of view.layers) {
        const [i, f] = this.where(item.si, k);
        const { px, py } = item;
        if (item.kind === "marker") {
          const j = Math.min(i + 1, px.length - 1);
          const x = px[i] + (px[j] - px[i]) * f, y = py[i] + (py[j] - py[i]) * f;
          item.g.setAttribute("transform", `translate(${x.toFixed(2)},${y.toFixed(2)})`);
          const xs = item.series.data.x;
          if (xs) {
            item.g.dataset.x = String(xs[i]);
            item.g.dataset.step = String(this.samples[item.si][i]);
            item.tip.textContent = fill(this.words.tip, { label: item.series.label, x: xs[i], step: this.samples[item.si][i] });
          }
        } else if (item.kind === "curve") {
          const { px, pys, poly } = item;
          const a = pys[Math.min(i, pys.length - 1)], b = pys[Math.min(i + 1, pys.length - 1)];
          const out = [];
          for (let q = 0; q < px.length; q++) out.push(`${px[q].toFixed(1)},${(a[q] + (b[q] - a[q]) * f).toFixed(1)}`);
          poly.setAttribute("points", out.join(" "));
          poly.dataset.snapshot = String(i);
        } else if (item.kind === "trail") {
          if (item.at === i) continue; // the trail moves only when the marker passes an iterate
          item.at = i;
          const per = TRAIL / TRAIL_GROUPS;
          item.groups.forEach((path, q) => {
            let d = "";
            for (let a = 0; a < per; a++) {
              const back = i - TRAIL + q * per + a; // group 0 holds the oldest dots
              if (back >= 0) d += `M${px[back].toFixed(1)},${py[back].toFixed(1)}h0`;
            }
            path.setAttribute("d", d);
          });
        } else {
          this.drawPath(item, item.perStep * (i + f));
        }
      }
    }
    this.painted += 1;
    this.root.dataset.frame = String(shown);
    this.root.dataset.painted = String(this.painted);
    if (this.scrub.value !== String(shown)) {
      this.scrub.value = String(shown);
      this.scrub.setAttribute("aria-valuetext", this.counterText(shown));
    }
    this.counter.textContent = this.counterText(shown);
  }

  drawPath(item, v) {
    const { px, py, chunks, state } = item;
    const n = px.length;
    v = Math.min(v, n - 1);
    const full = Math.floor(v), frac = v - full;
    chunks.forEach((poly, c) => {
      const a = c * CHUNK, b = Math.min(a + CHUNK, n - 1);
      if (full < a || (full === a && frac === 0 && a > 0)) {
        if (state[c] !== "hidden") { poly.setAttribute("display", "none"); state[c] = "hidden"; }
        return;
      }
      if (full >= b) {
        if (state[c] !== "full") {
          item.strings[c] = item.strings[c] || this.pts(px, py, a, b);
          poly.setAttribute("points", item.strings[c]);
          poly.setAttribute("display", "inline");
          state[c] = "full";
        }
        return;
      }
      let s = this.pts(px, py, a, full);
      if (frac > 0) {
        const x = px[full] + (px[full + 1] - px[full]) * frac, y = py[full] + (py[full + 1] - py[full]) * frac;
        s += ` ${x.toFixed(1)},${y.toFixed(1)}`;
      } else if (full === a) {
        s += ` ${s}`; // a single vertex: draw it as a zero-length line
      }
      poly.setAttribute("points", s);
      poly.setAttribute("display", "inline");
      state[c] = "part";
    });
  }

  pts(px, py, a, b) {
    const out = [];
    for (let i = a; i <= b; i++) out.push(`${px[i].toFixed(1)},${py[i].toFixed(1)}`);
    return out.join(" ");
  }

  // ── playing ───────────────────────────────────────────────────────────────────────────────────
  unit() { return (this.replay && this.replay.unit) || this.words.unit; }

  counterText(k) { return fill(this.words.counter, { unit: this.unit(), k, n: this.last }); }

  speed() { return this.chosenSpeed || this.replay.speed; }

  play(report = true) {
    if (this.k >= this.last) this.k = 0;
    this.playing = true;
    this.acc = 0;
    this.prevT = null;
    this.snap = false;
    this.setButton();
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(this.tick);
    if (report) this.report();
  }

  pause(report = true) {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    if (this.snap || report) { this.k = Math.floor(this.k + 1e-9); this.snap = false; }
    this.draw();
    this.setButton();
    this.announce();
    if (report) this.report();
  }

  toggle() { if (this.playing) this.pause(); else this.play(); }

  step() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.snap = false;
    this.k = Math.min(Math.floor(this.k + 1e-9) + 1, this.last);
    this.draw();
    this.setButton();
    this.announce();
    this.report();
  }

  reset() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.k = 0;
    this.snap = false;
    this.draw();
    this.setButton();
    this.announce();
    this.report();
  }

  tick(now) {
    if (!this.playing) return;
    if (!this.host.isConnected) { this.playing = false; return; } // the element left the page
    if (this.prevT === null) this.prevT = now;
    const dt = Math.min((now - this.prevT) / 1000, 0.1);
    this.prevT = now;
    const want = this.speed() * dt;
    if (want < 0.5) {
      // slow: glide between iterates (at least two frames per update, so nothing aliases)
      this.snap = false;
      this.k = Math.min(this.k + want, this.last);
    } else {
      // fast: whole updates, an odd number per frame, so a 2- or 4-cycle still alternates
      if (!this.snap) { this.k = Math.floor(this.k); this.snap = true; this.acc = 0; }
      this.acc += want;
      let n = Math.floor(this.acc);
      if (n >= 2 && n % 2 === 0) n -= 1;
      this.acc -= n;
      this.k = Math.min(this.k + n, this.last);
    }
    this.draw();
    if (this.k >= this.last) {
      this.k = this.last;
      this.pause(true);
      return;
    }
    this.raf = requestAnimationFrame(this.tick);
  }

  setButton() {
    this.playBtn.textContent = this.playing ? this.words.pause : this.words.play;
    this.playBtn.setAttribute("aria-label", this.playing ? this.words.pause_label : this.words.play_label);
    this.root.dataset.playing = this.playing ? "1" : "0";
  }

  announce() {
    this.live.textContent = this.counterText(Math.floor(this.k + 1e-9));
  }

  report() {
    if (!this.report_ || !this.setStateValue) return;
    const view = { frame: Math.floor(this.k + 1e-9), play: this.playing, speed: this.chosenSpeed };
    this.lastReport = JSON.stringify(view);
    this.reports += 1;
    this.seq = Math.max(Date.now(), this.seq + 1);
    this.root.dataset.reports = String(this.reports);
    this.setStateValue("view", { ...view, seq: this.seq });
  }
}


// ── live mode: a run that trains on the server, drawn from the frames the page sends as they come ──────
// Each frame (runs/live.py live_frame) holds the whole present: the progress, the notes, the live picture.
// The player builds its SVG once per picture's layout (the axes' shape) and then only updates attributes
// and texts in place. Between frames it glides the fit and the bar from the frame shown to the new one
// over about the time between arrivals, about 30 times a second, then rests: no frame, no work. A painted
// frame writes two attributes (the fit's points, the bar's transform, composited apart) and reads no layout;
// a hidden tab paints nothing (it catches up in one frame when shown again).
const GLIDE_FRAME_MS = 30; // between painted frames of a glide: about 30 a second (every other one at 60 Hz)
const TIMER_SLACK_MS = 8; // the timer asks for the next animation frame this much before it is due
const EARLY_MS = 9; // an animation frame this much before the next is due paints (a timer is late, never early)
const LOST_RETRY_MS = 2000; // a refused stream: the page asks again this much later
// seconds a glide lasts: ``overlap`` times the recent gap between frames, within ``min`` and ``max`` (frames far
// apart, as when many runs take turns, glide quickly and rest: painting, not the data, is what costs)
const GLIDE = { min: 0.1, max: 0.2, overlap: 1.25 };

const escapeHtml = (t) => t.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
// the notes are the page's Markdown: **bold** and :material/icon: tokens (dropped: the note's kind says it)
const noteHtml = (t) => escapeHtml(t.replace(/:material\/[a-z_]+:\s*/g, "")).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };
const setAttr = (node, name, value) => { if (node.getAttribute(name) !== value) node.setAttribute(name, value); };

class LiveView extends Player {
  constructor(parent) {
    super(parent);
    this.root.classList.add("gp-still", "gp-live");
    const top = html("div", { class: "gp-live-top" });
    this.root.insertBefore(top, this.legend);
    this.bar = html("div", { class: "gp-progress", role: "progressbar", "aria-label": this.words.progress,
                             "aria-valuemin": "0", "aria-valuemax": "100", "data-testid": "gp-progress" }, top);
    this.fill = html("div", { class: "gp-progress-fill" }, this.bar);
    this.barText = html("div", { class: "gp-progress-text", "data-testid": "gp-progress-text" }, top);
    this.noteBox = html("div", { class: "gp-live-notes", "data-testid": "gp-live-notes" }, top);
    this.say = html("div", { class: "gp-sr", "aria-live": "polite", "data-testid": "gp-announce" }, top);
    this.at = null;        // when the last frame arrived (performance.now())
    this.gapSeen = 0.4;    // seconds between frames, smoothed
    this.gap = 0.2;        // seconds a glide lasts
    this.shown = 0;        // the progress fraction drawn now
    this.from = 0;
    this.to = 0;
    this.pred = null;      // the prediction's polyline, and the fits (pixel y) it glides between
    this.arrived = 0;      // frames with new samples
    this.glideRaf = 0;
    this.glideTimer = 0;
    this.paintedAt = -Infinity;
    this.glide = this.glide.bind(this);
    this.askFrame = () => { this.glideTimer = 0; this.glideRaf = requestAnimationFrame(this.glide); };
    this.onVisibility = () => { if (document.hidden) this.rest(); else this.schedule(0); };
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  takeFrame(frame) {
    // a frame older than the one shown (the page's, drawn again after the stream moved on): keep the newer
    if (frame.run === this.runShown && frame.samples < this.samplesSeen) return;
    this.runShown = frame.run;
    const now = performance.now();
    if (this.at !== null) {
      const gap = (now - this.at) / 1000;
      this.gapSeen = 0.5 * this.gapSeen + 0.5 * gap;
      // a glide a little longer than the gap: the next frame comes mid-glide and the fit keeps moving, not resting
      this.gap = Math.min(GLIDE.max, Math.max(GLIDE.min, GLIDE.overlap * this.gapSeen));
    }
    const pic = frame.picture;
    const shape = JSON.stringify([frame.run, pic.panels.map((p) => [p.title, p.x, p.y, p.height]),
                                  (pic.legend || []).map((l) => l.label)]);
    const fresh = shape !== this.shape || !this.views;
    const drawn = this.drawnFit(now);  // where the glide is now (pixels): the next one starts from there
    const fraction = frame.total ? frame.samples / frame.total : 0;
    this.at = now;
    this.replay = pic;
    if (fresh) {  // new axes (a new run, a loss decade crossed): the panels are built anew, nothing glides
      this.shape = shape;
      this.prepare();
      this.layout();  // builds the panels from this.replay; bindLive() finds the prediction
      this.from = this.shown = this.to = fraction;
    } else {
      setText(this.notes, (pic.notes || []).join(" "));
      this.views.forEach((view, p) => this.refresh(view, pic.panels[p]));
      this.bindLive(drawn);
      this.from = this.shown;
      this.to = fraction;
    }
    // the page's tally over every live view it showed (benchmarks read it: new data and frames per second)
    const tally = window.__gpLive || (window.__gpLive = { arrived: 0, painted: 0, first: now, last: now, paintedLast: now });
    if (frame.samples !== this.samplesSeen) {
      this.arrived += 1;
      this.samplesSeen = frame.samples;
      tally.arrived += 1;
      tally.last = now;
    }
    setText(this.barText, frame.text);
    setAttr(this.bar, "aria-valuenow", String(Math.round(100 * this.to)));
    setAttr(this.bar, "aria-valuetext", frame.text);
    const notes = JSON.stringify(frame.notes);
    if (notes !== this.notesShown) {
      this.notesShown = notes;
      this.noteBox.innerHTML = frame.notes.map((n) => `<p class="gp-note gp-note-${escapeHtml(n.kind)}">${noteHtml(n.text)}</p>`).join("");
    }
    if (frame.announce !== this.said) {
      this.said = frame.announce;
      this.say.textContent = frame.announce;
    }
    this.root.dataset.samples = String(frame.samples);
    this.root.dataset.arrived = String(this.arrived);
    this.root.dataset.painted = String(this.painted);
    this.t0 = now;
    this.schedule(0);  // the glide goes on from here, at its pace (the frame's own changes paint at once)
  }

  layout() {
    super.layout();
    // the panels' named curves, found once per layout (a refresh updates them in place)
    for (const view of this.views) {
      view.named = new Map([...view.plot.querySelectorAll("polyline[data-name]")].map((p) => [p.dataset.name, p]));
    }
    this.bindLive(null);
  }

  // frames from the server's stream (live_route): no script run per frame. EventSource reconnects by itself
  // after a blip (saying the last frame's id); the page is told when the run is done or the stream is gone.
  listen(url) {
    if (url === this.streamUrl) return;
    this.close();
    this.streamUrl = url;
    if (!url) return;
    const source = new EventSource(url);
    this.source = source;
    // the latest frame wins: a frame is read and drawn at the next animation frame, and frames that came
    // meanwhile (a busy or hidden page) are dropped unread; each holds the whole present, so none is lost
    source.onmessage = (e) => {
      this.pending = e.data;
      if (!this.pendingRaf) this.pendingRaf = requestAnimationFrame(() => this.takePending());
    };
    source.addEventListener("done", (e) => {
      this.pending = null;
      this.takeFrame(JSON.parse(e.data));
      this.end("done");
    });
    source.onerror = () => {
      // closed: refused (404: the server lost the run, 429/503: too many streams): the page follows anew,
      // a little later (a refused stream asked again at once would make a loop of script runs)
      if (source.readyState === EventSource.CLOSED) {
        this.close();
        setTimeout(() => { if (this.host.isConnected) this.end("lost"); }, LOST_RETRY_MS);
      }
    };
  }

  takePending() {
    this.pendingRaf = 0;
    const data = this.pending;
    this.pending = null;
    if (data && this.source) this.takeFrame(JSON.parse(data));
  }

  end(why) {
    this.close();
    if (this.setTriggerValue) this.setTriggerValue("end", why);
  }

  close() {
    if (this.source) this.source.close();
    cancelAnimationFrame(this.pendingRaf);
    this.pendingRaf = 0;
    this.pending = null;
    this.source = null;
    this.streamUrl = null;
  }

  // the element left the page: no stream, no glide, no listener keeping it alive
  detach() {
    this.close();
    this.rest();
    document.removeEventListener("visibilitychange", this.onVisibility);
  }

  // the prediction's polyline, its x in pixels (formatted once) and the fit it glides to, after a layout
  // or a refresh; ``drawn``: the fit drawn now (pixels, same scales), where the glide starts (null: none)
  bindLive(drawn) {
    this.pred = null;
    (this.views || []).forEach((view, p) => {
      const c = (this.replay.panels[p].curves || []).find((curve) => curve.name === "prediction");
      if (!c) return;
      const poly = view.named.get("prediction");
      // the gliding curve lives in the panel's moving layer (its own SVG, composited apart): a frame repaints
      // it alone, not the grid, the axes, the loss and the kinks under it
      if (poly.parentNode !== view.moving) view.moving.appendChild(poly);
      if (!view.xText || view.xText.length !== c.x.length || view.xData !== c.x.join()) {
        view.xData = c.x.join();
        view.xText = c.x.map((x) => `${view.sx(x).toFixed(1)},`);
      }
      const to = Float64Array.from(c.y, view.sy);
      this.pred = { poly, xText: view.xText, to, from: drawn && drawn.length === to.length ? drawn : to };
    });
  }

  // a new frame, same axes: the loss grows, the epoch rules and the kinks move (the prediction glides);
  // nodes are updated in place, and only what changed
  refresh(view, panel) {
    const { sx, sy, plot, named } = view;
    const names = new Set();
    for (const c of panel.curves || []) {
      names.add(c.name);
      let poly = named.get(c.name);
      if (!poly) {
        poly = el("polyline", { fill: "none", stroke: c.color || "#444", "stroke-width": c.width || 1.5,
                                "stroke-dasharray": c.dash ? c.dash.join(" ") : null, "stroke-linejoin": "round",
                                "data-name": c.name }, plot);
        named.set(c.name, poly);
      }
      if (c.name !== "prediction") setAttr(poly, "points", curvePoints(c.x, c.y, sx, sy));
    }
    for (const [name, poly] of named) if (!names.has(name)) { poly.remove(); named.delete(name); }
    const rules = JSON.stringify(panel.vrules || []);
    if (rules !== view.rulesShown) {  // the epoch rules change once an epoch
      view.rulesShown = rules;
      this.drawVrules(panel.vrules, view.vrules, sx, view.y0, view.y1);
    }
    this.placePoints(panel.points || [], view.points, sx, sy);
  }

  // the kinks: the same markers moved (a transform, a title), added or removed only when their number changes
  placePoints(points, parent, sx, sy) {
    const kids = parent.children;
    while (kids.length > points.length) parent.lastChild.remove();
    points.forEach((pt, i) => {
      let g = kids[i];
      const look = `${pt.shape}|${pt.size}|${pt.color}`;
      if (!g || g.dataset.look !== look) {
        const fresh = el("g", {});
        el("path", { d: shapePath(pt.shape, pt.size || 5.5), fill: pt.color || "#000", stroke: "#000", "stroke-width": 0.8 }, fresh);
        el("title", {}, fresh);
        fresh.dataset.look = look;
        if (g) parent.replaceChild(fresh, g); else parent.appendChild(fresh);
        g = fresh;
      }
      setAttr(g, "transform", `translate(${sx(pt.x)},${sy(pt.y)})`);
      setText(g.lastChild, pt.label || "");
    });
  }

  // the fit drawn at ``now`` (pixel y), or null before any
  drawnFit(now) {
    const p = this.pred;
    if (!p) return null;
    const f = this.at === null ? 1 : Math.min(1, (now - this.t0) / (this.gap * 1000));
    return p.to.map((y, i) => p.from[i] + (y - p.from[i]) * f);
  }

  paintFit(f) {
    const { poly, xText, from, to } = this.pred;
    let points = "";
    for (let i = 0; i < to.length; i++) points += `${xText[i]}${(from[i] + (to[i] - from[i]) * f).toFixed(1)} `;
    poly.setAttribute("points", points);
  }

  // the next painted frame, ``wait`` ms from now (a timer, then the screen's next frame): no animation frame is
  // asked for that would paint nothing; none while the tab is hidden
  schedule(wait) {
    if (this.glideRaf || this.glideTimer || document.hidden) return;
    if (wait > 0) this.glideTimer = setTimeout(this.askFrame, wait);
    else this.glideRaf = requestAnimationFrame(this.glide);
  }

  rest() {
    cancelAnimationFrame(this.glideRaf);
    clearTimeout(this.glideTimer);
    this.glideRaf = this.glideTimer = 0;
  }

  glide(now) {
    this.glideRaf = 0;
    if (!this.host.isConnected) return; // the element left the page
    const early = GLIDE_FRAME_MS - EARLY_MS - (now - this.paintedAt);
    if (early > 0) { this.schedule(early); return; }  // asked for at once (a new frame arrived) and too soon
    const f = Math.min(1, (now - this.t0) / (this.gap * 1000));
    this.paintedAt = now;
    this.shown = this.from + (this.to - this.from) * f;
    this.fill.style.transform = `scaleX(${this.shown.toFixed(4)})`;
    if (this.pred) this.paintFit(f);
    this.painted += 1;
    if (window.__gpLive) { window.__gpLive.painted += 1; window.__gpLive.paintedLast = now; }
    if (f < 1) this.schedule(GLIDE_FRAME_MS - TIMER_SLACK_MS);
    else this.root.dataset.painted = String(this.painted);  // published at rest and at each arrival, not per frame
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let player = parentElement.__gpPlayer;
  if (player && Boolean(data.live) !== player instanceof LiveView) {  // the other mode: start afresh
    if (player.detach) player.detach();
    player.root.remove();
    player = null;
  }
  if (!player) {
    player = data.live ? new LiveView(parentElement) : new Player(parentElement);
    parentElement.__gpPlayer = player;
  } else {
    player.resize.observe(player.panelsBox);  // again, if a cleanup disconnected it (observing twice is a no-op)
    if (player.onVisibility) document.addEventListener("visibilitychange", player.onVisibility);  // likewise
  }
  player.setStateValue = setStateValue;
  player.setTriggerValue = component.setTriggerValue;
  player.setWords(data.words);
  if (data.live) {
    player.takeFrame(data.live);
    player.listen(data.stream || null);
  }
  else player.update(data);
  player.root.dataset.renders = String((Number(player.root.dataset.renders) || 0) + 1);  // data drawn by this player
  return () => {
    // Streamlit calls this when the element leaves the page (and for superseded renders): stop only then.
    setTimeout(() => {
      if (player.host.isConnected) return;
      player.playing = false;
      cancelAnimationFrame(player.raf);
      if (player.detach) player.detach();  // the live view left the page (Pause, Reset, Done): its stream ends
      player.resize.disconnect();  // an observer left connected keeps the removed player's nodes alive
    }, 0);
  };
}
