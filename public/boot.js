/*
 * Starts the app of the page that loads it (index.html or console.html, the same template):
 * the JS glue and the WebAssembly are the page's `#app-js` and `#app-wasm` links, which the build
 * (`cargo xtask build`) points at the bundle's content-hashed files.
 *
 * A module script is deferred, so <body> exists when the app mounts. The WebAssembly is compiled
 * while the glue loads and the app started in a later task, so that neither holds the main thread
 * for long (without compileStreaming, init fetches and compiles it itself).
 *
 * A file rather than an inline script, so the Content-Security-Policy can refuse every inline
 * script (edge/src/hardening.rs); compiling WebAssembly needs its 'wasm-unsafe-eval'.
 */

const glue = document.getElementById('app-js').href;
// The apps' shells preload their WebAssembly (`#app-wasm`); a server-rendered page names its
// islands' on this script (`data-wasm`) and asks to start them once it has loaded (`data-after-load`).
const boot = document.getElementById('boot');
const wasmLink = document.getElementById('app-wasm');
const wasm = wasmLink ? wasmLink.href : new URL(boot.dataset.wasm, document.baseURI).href;

function start() {
  const compiled = 'compileStreaming' in WebAssembly
    ? WebAssembly.compileStreaming(fetch(wasm)).catch(() => wasm)
    : Promise.resolve(wasm);
  Promise.all([import(glue), compiled])
    .then(([{ default: init }, module_or_path]) => setTimeout(() => init({ module_or_path }), 0))
    .catch((err) => console.error('Vitrina could not start:', err));
}

if (boot && 'afterLoad' in boot.dataset && document.readyState !== 'complete') {
  window.addEventListener('load', start, { once: true });
} else {
  start();
}

// Offline support: register the service worker once the page has loaded.
if ('serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('/sw.js', { scope: '/' })
    .catch((err) => console.warn('Service worker registration failed:', err));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
