// The page: controls, drawings and the URL's hash. Python (gradstep under Pyodide)
// runs in worker.js; this thread only draws, so it never waits on training.
import { makeData } from "./random.js";

const worker = (window.playgroundWorker = new Worker(new URL("worker.js", import.meta.url), { type: "module" }));
const $ = (selector) => document.querySelector(selector);
const timings = (window.playground = { start: performance.timeOrigin, epochSeconds: [], drawMs: [] });

const DEFAULTS = {
  dataset: "moons", n: 200, noise: 0.1, test: 50, hidden: [8, 8], activation: "tanh",
  loss: "hinge", optimizer: "momentum", lr: 0.1, batch: 10, seed: 0,
};
const CHOICES = {
  dataset: ["moons", "circles", "xor", "spiral", "linear"],
  activation: ["tanh", "relu", "sigmoid", "linear"],
  loss: ["hinge", "bce", "mse"],
  optimizer: ["sgd", "momentum", "adam"],
};
const RANGES = { n: [20, 500], noise: [0, 0.5], test: [0, 90], lr: [1e-4, 10], batch: [1, 50], seed: [0, 99999] };
const MAX_LAYERS = 6;
const MAX_NEURONS = 16;

let settings = readHash();
let data = { train: [], test: [] }; // rows [x1, x2, class] ([x, y] for linear)
let weights = null; // [layer][neuron] = [...w, b], from Python
let curve = { train: [], test: [] }; // [epoch, loss] pairs
let running = false;
let ready = false;
let selected = null; // {split, index} of the clicked point
let ringed = []; // [{split, index, loss}]: the points of largest loss, once a point is clicked
let frames = 0;
let pendingSetups = 0; // set-ups asked for and not yet made: older progress is stale

// ---- settings and the URL's hash ----

function readHash() {
  const given = new URLSearchParams(location.hash.slice(1));
  const s = structuredClone(DEFAULTS);
  for (const [key, choices] of Object.entries(CHOICES)) {
    if (choices.includes(given.get(key))) s[key] = given.get(key);
  }
  for (const [key, [low, high]] of Object.entries(RANGES)) {
    const value = Number(given.get(key));
    if (given.has(key) && Number.isFinite(value)) {
      s[key] = Math.min(high, Math.max(low, key === "noise" || key === "lr" ? value : Math.round(value)));
    }
  }
  if (given.has("hidden")) {
    const sizes = given.get("hidden").split(",").filter((t) => t.trim() !== "").map(Number);
    if (sizes.length <= MAX_LAYERS && sizes.every((h) => Number.isInteger(h) && h >= 1 && h <= MAX_NEURONS)) {
      s.hidden = sizes;
    }
  }
  if (s.dataset === "linear") s.loss = "mse";
  return s;
}

function writeHash() {
  const parts = Object.entries(settings).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`);
  history.replaceState(null, "", `#${parts.join("&")}`);
}

function showSettings() {
  for (const button of document.querySelectorAll("[data-dataset]")) {
    button.classList.toggle("on", button.dataset.dataset === settings.dataset);
    button.setAttribute("aria-checked", String(button.dataset.dataset === settings.dataset));
  }
  for (const input of document.querySelectorAll("input[name], select[name]")) {
    input.value = String(settings[input.name]);
  }
  for (const out of document.querySelectorAll("output[data-for]")) {
    const value = settings[out.dataset.for];
    out.textContent = out.dataset.for === "test" ? `${value}%` : String(value);
  }
  const regression = settings.dataset === "linear";
  for (const item of document.querySelectorAll(".classes")) item.hidden = regression;
  for (const option of $("select[name=loss]").options) option.disabled = regression && option.value !== "mse";
  $("#layer-count").textContent = `${settings.hidden.length} hidden layer${settings.hidden.length === 1 ? "" : "s"}`;
  $("#add-layer").disabled = settings.hidden.length >= MAX_LAYERS;
  $("#remove-layer").disabled = settings.hidden.length === 0;
}

// Any change starts over: new data, new weights, epoch 0 (as the code panel says).
function change(update) {
  Object.assign(settings, update);
  if (settings.dataset === "linear") settings.loss = "mse";
  else if (update.dataset && settings.loss === "mse" && !update.loss) settings.loss = "hinge";
  writeHash();
  showSettings();
  restart();
}

function restart() {
  setRunning(false);
  weights = null;
  curve = { train: [], test: [] };
  clearGraph();
  preview();
  if (ready) setBusy(true, "Setting up…");
  pendingSetups++;
  worker.postMessage({ type: "setup", settings }); // (before Python is ready, it waits its turn)
}

// ---- drawing ----

const COLOR = { c0: [245, 147, 34], c1: [8, 119, 189], white: [255, 255, 255] };

function color(v) { // v in [-1, 1]: orange for -1 (class 0), white, blue for +1 (class 1)
  const t = Math.min(1, Math.abs(v));
  const end = v < 0 ? COLOR.c0 : COLOR.c1;
  return COLOR.white.map((w, i) => Math.round(w + (end[i] - w) * t));
}

function activate(name, z) {
  if (name === "tanh") return Math.tanh(z);
  if (name === "relu") return Math.max(0, z);
  if (name === "sigmoid") return 1 / (1 + Math.exp(-z));
  return z;
}

// Every neuron's output at input x (the model's forward pass, on the weights Python sent).
function forward(x) {
  const outputs = [];
  let input = x;
  for (let l = 0; l < weights.length; l++) {
    const layer = weights[l];
    const last = l === weights.length - 1;
    const name = last ? (settings.loss === "bce" ? "sigmoid" : "linear") : settings.activation;
    const out = new Float64Array(layer.length);
    for (let j = 0; j < layer.length; j++) {
      const wb = layer[j];
      let z = wb[wb.length - 1];
      for (let i = 0; i < input.length; i++) z += wb[i] * input[i];
      out[j] = activate(name, z);
    }
    outputs.push(out);
    input = out;
  }
  return outputs;
}

// What a neuron's output means as a colour: tanh and the scores as they are,
// sigmoid's (0, 1) stretched to (-1, 1), relu's [0, inf) as white to blue.
function shade(value, name) {
  return name === "sigmoid" ? 2 * value - 1 : value;
}

function domain() {
  const rows = [...data.train, ...data.test];
  if (settings.dataset === "linear") {
    const ys = rows.map((r) => r[1]);
    const lo = Math.min(-1, ...ys) - 0.3;
    const hi = Math.max(1, ...ys) + 0.3;
    return { x: [-1.1, 1.1], y: [lo, hi] };
  }
  const xs = rows.map((r) => r[0]);
  const ys = rows.map((r) => r[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2 + 0.25;
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}

function sizeCanvas(canvas) {
  const scale = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * scale)) canvas.width = Math.round(width * scale);
  if (canvas.height !== Math.round(height * scale)) canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  return { ctx, width, height };
}

// A heat map into ctx's rectangle: value(x) on a grid of cells over the domain,
// or values[j * cells + i] when the values are already computed.
function heat(ctx, box, d, value, cells, values = null) {
  const image = ctx.createImageData(cells, cells);
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      const v = values ? values[j * cells + i] : value(gridPoint(d, cells, i, j));
      const [r, g, b] = color(v);
      image.data.set([r, g, b, 255], 4 * (j * cells + i));
    }
  }
  const tile = document.createElement("canvas");
  tile.width = tile.height = cells;
  tile.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, box.x, box.y, box.w, box.h);
}

function gridPoint(d, cells, i, j) {
  return [
    d.x[0] + ((i + 0.5) / cells) * (d.x[1] - d.x[0]),
    d.y[1] - ((j + 0.5) / cells) * (d.y[1] - d.y[0]),
  ];
}

function drawPlot() {
  const canvas = $("#plot");
  const { ctx, width, height } = sizeCanvas(canvas);
  const d = domain();
  const px = (x) => ((x - d.x[0]) / (d.x[1] - d.x[0])) * width;
  const py = (y) => height - ((y - d.y[0]) / (d.y[1] - d.y[0])) * height;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  const regression = settings.dataset === "linear";
  if (weights && !regression) {
    const out = (x) => forward(x).at(-1)[0];
    const scaled = settings.loss === "bce" ? (x) => 2 * out(x) - 1 : out;
    heat(ctx, { x: 0, y: 0, w: width, h: height }, d, (x) => 0.75 * Math.max(-1, Math.min(1, scaled(x))), 40);
  }
  if (weights && regression) {
    ctx.strokeStyle = "#1b5e20";
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    for (let i = 0; i <= 100; i++) {
      const x = d.x[0] + (i / 100) * (d.x[1] - d.x[0]);
      const y = forward([x]).at(-1)[0];
      if (i === 0) ctx.moveTo(px(x), py(y));
      else ctx.lineTo(px(x), py(y));
    }
    ctx.stroke();
  }
  // axes through 0
  ctx.strokeStyle = "rgba(0,0,0,.15)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px(0), 0); ctx.lineTo(px(0), height);
  ctx.moveTo(0, py(0)); ctx.lineTo(width, py(0));
  ctx.stroke();
  const radius = width < 300 ? 3.5 : 4;
  for (const split of ["train", "test"]) {
    data[split].forEach((row, index) => {
      const [x, y] = row;
      const c = regression ? [60, 60, 60] : row[2] ? COLOR.c1 : COLOR.c0;
      ctx.beginPath();
      ctx.arc(px(x), py(y), radius, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c.join(",")})`;
      ctx.fill();
      ctx.lineWidth = split === "test" ? 1.3 : 1;
      ctx.strokeStyle = split === "test" ? "#111" : "white";
      ctx.stroke();
      if (selected && selected.split === split && selected.index === index) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), radius + 4, 0, 2 * Math.PI);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = "#d00";
        ctx.stroke();
      }
    });
  }
  for (const { split, index } of ringed) { // on top of every point, so none hides a ring
    const [x, y] = data[split][index];
    ctx.beginPath();
    ctx.arc(px(x), py(y), radius + 6, 0, 2 * Math.PI);
    ctx.lineWidth = 2.5;
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = "#111";
    ctx.stroke();
    ctx.setLineDash([]);
  }
  timings.pointAt = (split, index) => { // where a point is drawn, from the canvas's corner
    const [x, y] = data[split][index];
    return { x: px(x), y: py(y) };
  };
  canvas.hit = (cx, cy) => { // the point nearest a click, within 10 px
    let best = null;
    let bestDistance = 10;
    for (const split of ["train", "test"]) {
      data[split].forEach((row, index) => {
        const distance = Math.hypot(px(row[0]) - cx, py(row[1]) - cy);
        if (distance < bestDistance) {
          best = { split, index };
          bestDistance = distance;
        }
      });
    }
    return best;
  };
}

function drawCurve() {
  const { ctx, width, height } = sizeCanvas($("#curve"));
  ctx.clearRect(0, 0, width, height);
  const all = [...curve.train, ...curve.test];
  if (!all.length) return;
  const last = Math.max(...all.map((p) => p[0]), 1);
  const top = Math.max(...all.map((p) => p[1]), 1e-9);
  const pad = 4;
  const px = (e) => pad + (e / last) * (width - 2 * pad);
  const py = (v) => height - pad - (v / top) * (height - 2 * pad);
  // the test loss is measured after each slice of training: dots, not a line
  ctx.fillStyle = "#f59322";
  for (const [e, v] of curve.test) {
    ctx.beginPath();
    ctx.arc(px(e), py(v), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.strokeStyle = "#333";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  curve.train.forEach(([e, v], i) => (i ? ctx.lineTo(px(e), py(v)) : ctx.moveTo(px(e), py(v))));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = "#666";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.fillText(`max ${top.toPrecision(3)}`, width - 6, 14);
}

// The network: inputs, each hidden neuron as a small heat map of its own output,
// the output neuron; the weights as lines, blue positive and orange negative.
let netCache = { key: "", lines: [], canvases: [] }; // the elements, kept while the layout holds

function drawNetwork() {
  const net = $("#net");
  const key = JSON.stringify([settings, net.clientWidth, data.train.length]);
  if (key !== netCache.key) buildNetwork(net, key);
  paintNetwork();
}

function buildNetwork(net, key) {
  const regression = settings.dataset === "linear";
  const sizes = [regression ? 1 : 2, ...settings.hidden, 1];
  const node = net.clientWidth < 420 ? 26 : 34;
  const gap = 8;
  const tallest = Math.max(...sizes);
  const height = 44 + tallest * (node + gap) + 6;
  const columnWidth = Math.max(node + 30, Math.min(180, (net.clientWidth - node - 44) / Math.max(sizes.length - 1, 1)));
  const width = Math.max(net.clientWidth, columnWidth * (sizes.length - 1) + node + 40);
  const spot = (l, i) => ({
    x: 20 + l * columnWidth,
    y: 44 + (tallest - sizes[l]) * (node + gap) / 2 + i * (node + gap),
  });
  net.replaceChildren();
  net.style.height = `${height}px`;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  net.append(svg);
  const d = domain();
  netCache = { key, lines: [], canvases: [], node };
  for (let l = 1; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]; j++) {
      for (let i = 0; i < sizes[l - 1]; i++) {
        const a = spot(l - 1, i);
        const b = spot(l, j);
        const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
        line.setAttribute("x1", a.x + node);
        line.setAttribute("y1", a.y + node / 2);
        line.setAttribute("x2", b.x);
        line.setAttribute("y2", b.y + node / 2);
        line.setAttribute("stroke", "#ccc");
        line.setAttribute("stroke-width", "0.6");
        line.setAttribute("stroke-opacity", "0.7");
        svg.append(line);
        netCache.lines.push([l, j, i, line]);
      }
    }
  }
  sizes.forEach((count, l) => {
    const first = spot(l, 0);
    const label = document.createElement("div");
    label.className = "label";
    label.style.left = `${first.x - 20}px`;
    label.style.whiteSpace = "nowrap";
    label.style.top = "24px";
    label.style.width = `${node + 40}px`;
    const hidden = l > 0 && l < sizes.length - 1;
    label.textContent = l === 0 ? "input" : hidden ? `${count} neuron${count === 1 ? "" : "s"}` : "output";
    net.append(label);
    if (hidden) {
      const buttons = document.createElement("div");
      buttons.className = "nbtns";
      buttons.style.left = `${first.x - 2}px`;
      buttons.style.top = "0px";
      for (const [text, delta, what] of [["+", 1, "add a neuron to"], ["−", -1, "remove a neuron from"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "nbtn";
        button.textContent = text;
        button.setAttribute("aria-label", `${what} hidden layer ${l}`);
        button.disabled = count + delta < 1 || count + delta > MAX_NEURONS;
        button.onclick = () => {
          const hiddenSizes = [...settings.hidden];
          hiddenSizes[l - 1] += delta;
          change({ hidden: hiddenSizes });
        };
        buttons.append(button);
      }
      net.append(buttons);
    }
    for (let i = 0; i < count; i++) {
      const at = spot(l, i);
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = node;
      canvas.style.left = `${at.x}px`;
      canvas.style.top = `${at.y}px`;
      canvas.style.width = canvas.style.height = `${node}px`;
      const ctx = canvas.getContext("2d");
      const box = { x: 0, y: 0, w: node, h: node };
      if (l === 0) {
        canvas.title = regression ? "x" : `x${i + 1}`;
        if (regression) heat(ctx, box, d, (x) => 0.8 * x[0], 12);
        else heat(ctx, box, d, (x) => 0.8 * Math.max(-1, Math.min(1, x[i] / 1.5)), 12);
      } else {
        canvas.title = l === sizes.length - 1 ? "the output" : `layer ${l}, neuron ${i + 1}`;
        netCache.canvases.push([l, i, ctx]);
      }
      net.append(canvas);
    }
  });
}

// The weights and each neuron's heat map, into the elements buildNetwork made.
function paintNetwork() {
  if (!weights || weights.length !== settings.hidden.length + 1) return;
  const regression = settings.dataset === "linear";
  let largest = 1e-9;
  for (const layer of weights) for (const wb of layer) for (let i = 0; i < wb.length - 1; i++) largest = Math.max(largest, Math.abs(wb[i]));
  for (const [l, j, i, line] of netCache.lines) {
    const w = weights[l - 1][j][i];
    line.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
    line.setAttribute("stroke-width", (0.4 + 3.6 * Math.abs(w) / largest).toFixed(2));
  }
  const d = domain();
  const cells = 12;
  const node = netCache.node;
  const box = { x: 0, y: 0, w: node, h: node };
  const outputs = []; // outputs[j * cells + i]: every layer's outputs at that cell
  if (!regression) for (let j = 0; j < cells; j++) for (let i = 0; i < cells; i++) outputs.push(forward(gridPoint(d, cells, i, j)));
  for (const [l, i, ctx] of netCache.canvases) {
    const last = l === weights.length;
    const name = last ? (settings.loss === "bce" ? "sigmoid" : "linear") : settings.activation;
    if (regression) { // a neuron's output along x, as a curve
      ctx.fillStyle = "white";
      ctx.fillRect(0, 0, node, node);
      const ys = [];
      for (let k = 0; k <= 20; k++) ys.push(forward([-1 + k / 10])[l - 1][i]);
      const lo = Math.min(...ys);
      const span = Math.max(...ys) - lo || 1;
      ctx.strokeStyle = "#1b5e20";
      ctx.beginPath();
      ys.forEach((y, k) => ctx[k ? "lineTo" : "moveTo"]((k / 20) * node, node - 3 - ((y - lo) / span) * (node - 6)));
      ctx.stroke();
    } else {
      const values = outputs.map((o) => 0.8 * Math.max(-1, Math.min(1, shade(o[l - 1][i], name))));
      heat(ctx, box, d, null, cells, values);
    }
  }
}

let drawing = false;
function drawAll() { // at most once per frame, however fast the progress comes
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => {
    const start = performance.now();
    drawPlot();
    drawCurve();
    const plotted = performance.now();
    requestAnimationFrame(() => {
      drawing = false;
      const networkStart = performance.now();
      drawNetwork();
      timings.drawMs.push([plotted - start, performance.now() - networkStart].map(Math.round));
    });
  });
}

// The data as nn.datasets makes them, drawn before Python has started.
function preview() {
  const rows = makeData(settings.dataset, settings.n, settings.noise, settings.seed);
  data = { train: rows, test: [] };
  drawAll();
}

// ---- numbers ----

const fmt = (v, digits = 4) => (v === undefined || v === null ? "–" : Number(v).toFixed(digits));
const pct = (v) => (v === undefined || v === null ? "–" : `${(100 * v).toFixed(1)}%`);

function showStatus(status) {
  $("#epoch").textContent = String(status.epoch);
  $("#loss").textContent = fmt(status.loss, 6);
  $("#loss").title = String(status.loss);
  $("#test-loss").textContent = fmt(status.test_loss, 6);
  $("#accuracy").textContent = pct(status.accuracy);
  $("#test-accuracy").textContent = pct(status.test_accuracy);
  $("#code").textContent = status.code;
  weights = status.weights;
}

function setBusy(busy, text) {
  $("#train").disabled = busy || !ready;
  $("#step").disabled = busy || !ready;
  $("#run").disabled = !ready;
  setMessage(text || "");
}

function setMessage(text, error = false) {
  $("#status").textContent = text;
  $("#status").classList.toggle("error", error);
}

function setRunning(on) {
  running = on;
  if (on) document.body.dataset.training = "running";
  $("#train").textContent = on ? "Pause" : "Train";
  $("#train").classList.toggle("running", on);
}

// ---- the gradient of one point ----

const GRAPH_NOTE = $("#graph-note").textContent;

function clearGraph() {
  selected = null;
  ringed = [];
  $("#point-note").hidden = true;
  $("#graph-note").textContent = GRAPH_NOTE;
  frames = 0;
  $("#graph").replaceChildren();
  $(".player").hidden = true;
  $("#caption").hidden = true;
  $("#graph-note").hidden = false;
}

// Training changes the weights and the grads the drawing showed: it is gone.
function staleGraph() {
  if (selected === null) return;
  clearGraph();
  $("#graph-note").textContent = "Training changed the weights: click a point again to see its gradient now.";
  drawPlot();
}

function showFrame(k) {
  $("#frame").value = String(k);
  $("#frame-count").textContent = `step ${k} of ${frames - 1}`;
  $("#prev").disabled = k <= 0;
  $("#next").disabled = k >= frames - 1;
  worker.postMessage({ type: "frame", k });
}

// A graph wider or taller than its box (a phone's) scrolls: keep the node passing
// its grad back (outlined in the drawing's red) in the middle of the view.
function followHighlight() {
  const graph = $("#graph");
  const hot = graph.querySelector('g.node [stroke="#d62728"]');
  if (!hot) return;
  const box = hot.getBoundingClientRect();
  const view = graph.getBoundingClientRect();
  graph.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
  graph.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
}

function showSvg(svg) {
  const holder = document.createElement("div");
  holder.innerHTML = svg; // Graphviz's own SVG, made from this page's DOT text
  $("#graph").replaceChildren(...holder.childNodes);
}

// ---- messages from Python ----

worker.onmessage = ({ data: message }) => {
  const { type } = message;
  if (type === "booted") {
    timings.pyodideSeconds = message.pyodide;
    timings.pythonSeconds = message.seconds;
  } else if (type === "ready") {
    setMessage("Setting up…");
  } else if (type === "setup") {
    ready = true;
    pendingSetups--;
    if (pendingSetups > 0) return; // a newer set-up is on its way
    data = message.data;
    showStatus(message.status);
    const { loss, test_loss: testLoss } = message.status; // epoch 0: where both curves start
    curve = { train: [[0, loss]], test: testLoss === undefined || testLoss === null ? [] : [[0, testLoss]] };
    setBusy(false, message.compiled ? "" : "binary cross-entropy trains on the graph (it does not compile)");
    drawAll();
    if (document.body.dataset.state !== "ready") {
      timings.ready = performance.now();
      document.body.dataset.state = "ready";
    }
  } else if (type === "progress") {
    if (pendingSetups > 0) return;
    const { result } = message;
    if (result.error) return;
    const first = result.epoch - result.losses.length + 1;
    result.losses.forEach((v, i) => curve.train.push([first + i, v]));
    if (result.test_loss !== undefined && result.test_loss !== null) curve.test.push([result.epoch, result.test_loss]);
    timings.epochSeconds.push(...result.epoch_seconds);
    showStatus(result);
    drawAll();
    if (!message.running && running && !result.error) setRunning(false);
  } else if (type === "requests") {
    timings.workerRequests = message.urls;
  } else if (type === "paused") {
    document.body.dataset.training = "paused";
  } else if (type === "graph") {
    const { result } = message;
    frames = result.frames;
    $("#graph-note").hidden = true;
    $(".player").hidden = false;
    $("#caption").hidden = false;
    $("#frame").max = String(frames - 1);
    ringed = timings.ringed = result.note ? result.largest : []; // shown only with the note saying why
    const many = ringed.length > 1;
    const where = ringed.length
      ? ` Dashed ring${many ? "s: the points" : ": the point"} of largest loss ` +
        `(${ringed.map((p) => p.loss.toFixed(3)).join(", ")}); click ${many ? "one" : "it"} to see grads at work.`
      : " Every point's loss is 0 now: training has nothing left to move.";
    const sign = settings.loss === "hinge" && result.target > 0 ? "+" : "";
    $("#point-note").textContent =
      `This point: x = (${result.x.map((v) => v.toFixed(3)).join(", ")}), target ${sign}${result.target}, ` +
      `loss ${fmt(result.loss, 6)}. ` +
      (result.note ? result.note + where : "Every box shows its data and its grad (d loss / d value).");
    $("#point-note").hidden = false;
    $("#caption").textContent = result.caption;
    drawPlot();
    showSvg(result.svg);
    const graph = $("#graph"); // wider than a phone: start at the middle, where the output is
    graph.scrollLeft = (graph.scrollWidth - graph.clientWidth) / 2;
    $("#frame").value = "0";
    $("#frame-count").textContent = `step 0 of ${frames - 1}`;
    $("#prev").disabled = true;
    $("#next").disabled = frames <= 1;
  } else if (type === "frame") {
    const { result } = message;
    if (String(result.k) !== $("#frame").value) return; // the learner has moved on
    showSvg(result.svg);
    followHighlight();
    // the frame's own step number, not the step's place among every node's
    $("#caption").textContent = result.caption.replace(/^step \d+\/\d+: /, `step ${result.k}: `);
  } else if (type === "output") {
    $("#cell-output").textContent = message.text || "(nothing printed)";
  } else if (type === "error") {
    setRunning(false);
    setBusy(false);
    setMessage(message.message, true);
  } else if (type === "fatal") {
    setMessage(`Python could not start: ${message.message}`, true);
    console.error(message.message);
  }
};

// ---- controls ----

for (const button of document.querySelectorAll("[data-dataset]")) {
  button.onclick = () => change({ dataset: button.dataset.dataset });
}
for (const input of document.querySelectorAll("input[name], select[name]")) {
  const number = (v) => (input.name === "activation" || input.name === "loss" || input.name === "optimizer" ? v : Number(v));
  input.addEventListener("input", () => {
    const out = document.querySelector(`output[data-for=${input.name}]`);
    if (out) out.textContent = input.name === "test" ? `${input.value}%` : input.value;
  });
  input.addEventListener("change", () => {
    const value = number(input.value);
    const range = RANGES[input.name];
    if (range && !(Number.isFinite(value) && value >= range[0] && value <= range[1])) {
      showSettings();
      return;
    }
    change({ [input.name]: value });
  });
}
$("#add-layer").onclick = () => change({ hidden: [...settings.hidden, Math.min(4, MAX_NEURONS)] });
$("#remove-layer").onclick = () => change({ hidden: settings.hidden.slice(0, -1) });
$("#reset").onclick = () => restart();
$("#train").onclick = () => {
  if (running) {
    worker.postMessage({ type: "pause" });
    setRunning(false);
  } else {
    setMessage("");
    setRunning(true);
    staleGraph();
    worker.postMessage({ type: "train" });
  }
};
$("#step").onclick = () => {
  setRunning(false);
  staleGraph();
  worker.postMessage({ type: "step" });
};
$("#plot").addEventListener("click", (event) => {
  if (!ready || !weights) return;
  const rect = event.currentTarget.getBoundingClientRect();
  const hit = event.currentTarget.hit(event.clientX - rect.left, event.clientY - rect.top);
  if (!hit) return;
  selected = hit;
  drawPlot();
  $("#graph").replaceChildren(Object.assign(document.createElement("p"), { className: "hint", textContent: "Drawing…" }));
  worker.postMessage({ type: "point", ...hit });
});
$("#frame").addEventListener("input", () => showFrame(Number($("#frame").value)));
$("#prev").onclick = () => showFrame(Math.max(0, Number($("#frame").value) - 1));
$("#next").onclick = () => showFrame(Math.min(frames - 1, Number($("#frame").value) + 1));
$("#copy").onclick = async () => {
  try {
    await navigator.clipboard.writeText($("#code").textContent);
    $("#copy").textContent = "Copied";
  } catch {
    getSelection().selectAllChildren($("#code")); // then the learner copies it
  }
  setTimeout(() => ($("#copy").textContent = "Copy"), 1500);
};
const runCell = () => {
  $("#cell-output").textContent = "…";
  worker.postMessage({ type: "run", source: $("#cell").value });
};
$("#run").onclick = runCell;
$("#cell").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.shiftKey && ready) {
    event.preventDefault();
    runCell();
  }
});
window.addEventListener("hashchange", () => {
  settings = readHash();
  showSettings();
  restart();
});
let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(drawAll, 100);
});

showSettings();
writeHash();
restart();
requestAnimationFrame(() => setTimeout(() => (timings.firstPaint = performance.now())));
