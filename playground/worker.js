// The page's Python: Pyodide runs gradstep here, off the main thread, so the page
// never freezes while a model trains. Every file comes from the site itself.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const site = new URL("./", import.meta.url);
let pyodide = null;
let playground = null; // the Python Playground of the current set-up
let running = false;
let viz = null; // Graphviz in WebAssembly, loaded on the first drawing

const post = (type, data = {}) => self.postMessage({ type, ...data });
const fetched = async (path) => {
  const response = await fetch(new URL(path, site));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText}`);
  return response;
};

async function boot() {
  const start = performance.now();
  // the wheels and the page's Python download while Pyodide starts
  const wheels = fetched("site.json")
    .then((r) => r.json())
    .then((manifest) => Promise.all(manifest.wheels.map((w) => fetched(`wheels/${w}`).then((r) => r.arrayBuffer()))));
  const source = fetched("playground.py").then((r) => r.text());
  pyodide = await loadPyodide({ indexURL: new URL("pyodide/", site).href });
  const started = performance.now();
  for (const bytes of await wheels) pyodide.unpackArchive(bytes, "wheel");
  pyodide.FS.writeFile("/home/pyodide/playground.py", await source);
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide'); import playground");
  post("booted", { pyodide: (started - start) / 1000, seconds: (performance.now() - start) / 1000 });
}

async function loadViz() {
  if (viz === null) {
    const module = await import(new URL("viz.js", site).href);
    viz = await module.instance();
  }
  return viz;
}

function render(dot) {
  return viz.renderString(dot, { format: "svg" });
}

const toJs = (proxy) => {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
};

function call(method, ...args) {
  const fn = playground[method];
  try {
    return toJs(fn(...args));
  } finally {
    fn.destroy();
  }
}

function setup(settings) {
  running = false;
  if (playground !== null) playground.destroy();
  const make = pyodide.globals.get("playground").Playground;
  const given = pyodide.toPy(settings);
  try {
    playground = make(given, render);
  } finally {
    given.destroy();
    make.destroy();
  }
  post("setup", { data: call("data"), status: call("status"), compiled: settings.loss !== "bce" });
}

function trainSlice(epochs) {
  const result = call("train", epochs, 0.2);
  if (result.error) {
    running = false;
    post("error", { message: result.error });
  }
  post("progress", { result, running });
}

function loop() {
  if (!running) return;
  trainSlice(100000);
  if (running) setTimeout(loop, 0); // between slices, the messages waiting get their turn
}

const handlers = {
  async setup({ settings }) {
    setup(settings);
  },
  async train() {
    if (!running) {
      running = true;
      loop();
    }
  },
  async step() {
    running = false;
    trainSlice(1);
  },
  async point({ index, split }) {
    await loadViz();
    post("graph", { result: call("point", index, split) });
  },
  async frame({ k }) {
    await loadViz();
    post("frame", { result: call("frame", k) });
  },
  async requests() { // every URL this worker fetched, for the page's own check
    post("requests", { urls: performance.getEntriesByType("resource").map((e) => e.name) });
  },
  async run({ source }) {
    post("output", { text: playground.run(source) });
  },
};

let queue = boot()
  .then(() => post("ready"))
  .catch((e) => post("fatal", { message: String(e && e.stack ? e.stack : e) }));

self.onmessage = (event) => {
  const message = event.data;
  // "pause" must not wait behind a training loop: it only flips a flag
  if (message.type === "pause") {
    running = false;
    post("paused"); // after the slice in flight, if any, has posted its progress
    return;
  }
  queue = queue.then(async () => {
    try {
      await handlers[message.type](message);
    } catch (e) {
      running = false;
      post("error", { message: String(e && e.message ? e.message : e) });
    }
  });
};
