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

// The page's language, and the bars boot.js shows at the bottom (a new version, the install
// offer): a bar with its words, and its buttons.
const english = document.documentElement.lang === 'en';

const bar = (className, role, testid, words) => {
  const element = document.createElement('div');
  element.className = className;
  element.setAttribute('role', role);
  element.dataset.testid = testid;
  const text = document.createElement('span');
  text.textContent = words;
  element.append(text);
  return element;
};

const button = (className, testid, words, onClick) => {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = className;
  element.dataset.testid = testid;
  element.textContent = words;
  element.addEventListener('click', onClick);
  return element;
};

// Offline support: register the service worker once the page has loaded. A new version of the
// app waits (public/sw.js) until the shopper takes it: a bar offers "update", which activates the
// waiting worker and reloads the page once it is in charge, so a page never mixes the files of
// two versions.
if ('serviceWorker' in navigator) {
  let updating = false;

  const offerUpdate = (worker) => {
    if (document.querySelector('[data-testid="update-banner"]')) return;
    const banner = bar('update-banner', 'status', 'update-banner', english ? 'A new version of Vitrina is ready.' : 'Готова новая версия Витрины.');
    const reload = button('button', 'update-reload', english ? 'Update' : 'Обновить', () => {
      updating = true;
      reload.disabled = true;
      worker.postMessage({ type: 'vitrina:update' });
    });
    banner.append(reload);
    document.body.append(banner);
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
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent) && !('BeforeInstallPromptEvent' in window);

  const offer = (text, action) => {
    if (document.querySelector('[data-testid="install-offer"]')) return;
    const dialog = bar('install-offer', 'dialog', 'install-offer', text);
    dialog.setAttribute('aria-label', english ? 'Install Vitrina' : 'Установить Витрину');
    if (action) {
      dialog.append(button('button', 'install-accept', english ? 'Install' : 'Установить', () => {
        dialog.remove();
        action();
      }));
    }
    dialog.append(button('button button-secondary', 'install-dismiss', english ? 'Not now' : 'Не сейчас', () => {
      dialog.remove();
      try {
        localStorage.setItem(DISMISSED, '1');
      } catch (err) {
        // Private mode: asked again next time.
      }
    }));
    document.body.append(dialog);
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
