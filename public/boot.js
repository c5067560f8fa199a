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

// The notifications' islands ("notify me when it is back", the card offered once a product is in
// the cart) are a bundle of their own, named on this script (`data-push-js`, `data-push-wasm`) and
// loaded only when the islands ask: `vitrina:push-islands` when a page shows one, and
// `vitrina:push-language` when the page's language changed, which this device's notifications
// follow if it has any.
let push;
const loadPush = () => {
  if (!boot?.dataset.pushJs) return Promise.reject(new Error('this page names no notifications bundle'));
  push ??= import(new URL(boot.dataset.pushJs, document.baseURI).href).then(async (bundle) => {
    await bundle.default({ module_or_path: new URL(boot.dataset.pushWasm, document.baseURI).href });
    return bundle;
  });
  return push;
};
document.addEventListener('vitrina:push-islands', () => {
  loadPush().catch((err) => console.error('the notifications could not start:', err));
});
document.addEventListener('vitrina:push-language', () => {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.pushManager?.getSubscription())
    .then((subscription) => subscription && loadPush().then((bundle) => bundle.follow_language()))
    .catch((err) => console.error('the notifications could not follow the language:', err));
});

if (boot && 'afterLoad' in boot.dataset && document.readyState !== 'complete') {
  window.addEventListener('load', start, { once: true });
} else {
  start();
}

// Offline support: register the service worker once the page has loaded. A new version of the
// app waits (public/sw.js) until the shopper takes it: a bar offers "update", which activates the
// waiting worker and reloads the page once it is in charge, so a page never mixes the files of
// two versions.
if ('serviceWorker' in navigator) {
  const english = document.documentElement.lang === 'en';
  let updating = false;

  const offerUpdate = (worker) => {
    if (document.querySelector('[data-testid="update-banner"]')) return;
    const bar = document.createElement('div');
    bar.className = 'update-banner';
    bar.setAttribute('role', 'status');
    bar.dataset.testid = 'update-banner';
    const text = document.createElement('span');
    text.textContent = english ? 'A new version of Vitrina is ready.' : 'Готова новая версия Витрины.';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.dataset.testid = 'update-reload';
    button.textContent = english ? 'Update' : 'Обновить';
    button.addEventListener('click', () => {
      updating = true;
      button.disabled = true;
      worker.postMessage({ type: 'vitrina:update' });
    });
    bar.append(text, button);
    document.body.append(bar);
  };

  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });

  const register = () => navigator.serviceWorker.register('/sw.js', { scope: '/' })
    .then((registration) => {
      // Only an update is offered: the first worker of a browser takes over by itself.
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const worker = registration.installing;
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      });
      // A tab left open asks now and then whether there is a new version.
      setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
    })
    .catch((err) => console.warn('Service worker registration failed:', err));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}

// Installing the app: offered at a sensible moment — from the third page a shopper opens, never on
// the first paint — with the browser's own prompt where there is one (`beforeinstallprompt`) and
// the "Share → Add to Home Screen" steps on iPhone and iPad. "Not now" is remembered on the device.
(() => {
  const DISMISSED = 'vitrina.install.dismissed';
  const VIEWS = 'vitrina.views';
  const standalone = matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
  let views = 0;
  try {
    if (standalone || localStorage.getItem(DISMISSED)) return;
    views = Number(localStorage.getItem(VIEWS) ?? 0) + 1;
    localStorage.setItem(VIEWS, String(views));
  } catch (err) {
    return;
  }
  if (views < 3) return;
  const english = document.documentElement.lang === 'en';
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) && !('BeforeInstallPromptEvent' in window);

  const offer = (text, action) => {
    if (document.querySelector('[data-testid="install-offer"]')) return;
    const bar = document.createElement('div');
    bar.className = 'install-offer';
    bar.setAttribute('role', 'dialog');
    bar.setAttribute('aria-label', english ? 'Install Vitrina' : 'Установить Витрину');
    bar.dataset.testid = 'install-offer';
    const words = document.createElement('span');
    words.textContent = text;
    bar.append(words);
    if (action) {
      const install = document.createElement('button');
      install.type = 'button';
      install.className = 'button';
      install.dataset.testid = 'install-accept';
      install.textContent = english ? 'Install' : 'Установить';
      install.addEventListener('click', () => {
        bar.remove();
        action();
      });
      bar.append(install);
    }
    const later = document.createElement('button');
    later.type = 'button';
    later.className = 'button button-secondary';
    later.dataset.testid = 'install-dismiss';
    later.textContent = english ? 'Not now' : 'Не сейчас';
    later.addEventListener('click', () => {
      bar.remove();
      try {
        localStorage.setItem(DISMISSED, '1');
      } catch (err) {
        // Private mode: asked again next time.
      }
    });
    bar.append(later);
    document.body.append(bar);
  };

  if (ios) {
    window.addEventListener('load', () => offer(english
      ? 'Add Vitrina to your Home Screen: tap Share, then "Add to Home Screen".'
      : 'Добавьте Витрину на экран «Домой»: нажмите «Поделиться», затем «На экран Домой».'));
    return;
  }
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    offer(english ? 'Install Vitrina: the shop and your cart in one tap, even offline.'
      : 'Установите Витрину: магазин и корзина в одно касание, даже без сети.', () => event.prompt());
  });
})();
