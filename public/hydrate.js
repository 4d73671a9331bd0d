// Starts the islands of a server-rendered page: loads the WebAssembly bundle that the page's
// <head> preloads (its two <link>s name the files) and hands every <leptos-island> to the
// function of the same name. A file rather than an inline script, so the Content-Security-Policy
// allows scripts from our own origin only and a cached page is sent exactly as it was rendered.
// Follows the islands script of Leptos 0.8 (leptos/src/hydration/island_script.js, MIT).

// The `$$on_hydrate` callbacks of the <leptos-children> being walked, innermost last.
const childrenCallbacks = [];

async function hydrateIsland(element, bundle) {
  const start = bundle[element.dataset.component];
  if (!start) {
    console.warn(`no WebAssembly function for the island ${element.dataset.component}`);
    return;
  }
  childrenCallbacks.at(-1)?.();
  await start(element);
}

async function visit(element, bundle) {
  const tag = element.tagName.toLowerCase();
  if (tag === "leptos-island") {
    await hydrateIsland(element, bundle);
  }
  const isChildren = tag === "leptos-children";
  if (isChildren) {
    childrenCallbacks.push(element.$$on_hydrate);
  }
  for (const child of element.children) {
    await visit(child, bundle);
  }
  if (isChildren) {
    childrenCallbacks.pop();
  }
}

async function start() {
  const script = document.querySelector('link[rel="modulepreload"]')?.href;
  const wasm = document.querySelector('link[rel="preload"][type="application/wasm"]')?.href;
  if (!script || !wasm) {
    return;
  }
  const bundle = await import(script);
  await bundle.default({ module_or_path: wasm });
  bundle.hydrate();
  await visit(document.body, bundle);
}

// Off the critical path, as Leptos does in islands mode.
const whenIdle = window.requestIdleCallback ?? ((run) => run());
whenIdle(() => start());
