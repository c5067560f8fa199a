/*
 * Vitrina service worker.
 *
 * This file is a template: the build (`cargo xtask build`) replaces
 *   {{CACHE_VERSION}}  with a version string unique to the build, and
 *   {{PRECACHE}}       with a JSON array of the app shell's URLs,
 * and writes the result to target/site/sw.js. Before that substitution it is not valid JS.
 *
 * Strategies
 *   install     precache the app shell into `vitrina-shell-<version>`; the first worker of a
 *               browser activates at once, a new version waits: open pages keep the files they
 *               started with, and are told (boot.js shows "a new version — update") until the
 *               shopper chooses to update (message `vitrina:update`) or closes every tab.
 *   activate    delete caches of older versions, take control of open pages.
 *   fetch       (same-origin GET requests only; everything else goes straight to the network)
 *     navigations          network first, public pages kept in `vitrina-pages-<version>`
 *                          (at most PAGES_CACHE_MAX_ENTRIES, the oldest dropped first); after the
 *                          home page on a good connection, its first WARM_CATEGORIES categories
 *                          too; offline → this page as last seen, with a note of when it was
 *                          saved (stock and prices may have changed since) → for an app page the
 *                          cached /index.html (the app shows its own offline banner) →
 *                          cached /offline.html (which lists the pages kept on the device).
 *     precached assets     cache first (file names carry content hashes, so they never go stale).
 *     /api/ requests       network first; successful answers are kept in `vitrina-api-<version>`
 *                          so catalog pages seen before still work offline.
 *     anything else        not handled: the browser's normal behaviour.
 *
 * Non-GET requests (e.g. stock updates) are never cached or intercepted.
 *
 * The cart offline
 *   The page sends each change the shopper makes without a connection (`vitrina:cart-change`
 *   {sku, delta}: units added, or taken off); they wait in IndexedDB (`vitrina` / `cart-changes`)
 *   and are replayed in order when the connection returns — on Background Sync (tag
 *   `vitrina-cart`) where the browser has it, else when a page says it is online or starts
 *   (`vitrina:cart-replay`). Replaying adds the changes to the cart as the server has it now (so a
 *   change made on another device meanwhile is kept: quantities are summed, as when a guest cart
 *   merges into an account's on sign-in), capped by the line maximum and the stock, with the
 *   cart's version as `If-Match` (a write in between is retried on the new version). Pages are
 *   told what is waiting (`vitrina:cart-pending`) and, once sent, what came of it
 *   (`vitrina:cart-synced` {adjustments}).
 *
 * Push notifications
 *   push                shows the message's notification: its payload is JSON
 *                       {id, title, body, url, tag} (vitrina_shared::push::Notification); an
 *                       unreadable one still shows, with a generic text.
 *   notificationclick   closes it, reports the click (POST /api/push/clicks {id}, best effort)
 *                       and opens its page: a window already showing it is focused, else an open
 *                       window of the site is taken there, else a new one opens. Only paths on this
 *                       site are opened; a URL on another origin opens the home page instead.
 */

'use strict';

const CACHE_VERSION = '{{CACHE_VERSION}}';
const PRECACHE = {{PRECACHE}};

const CACHE_PREFIX = 'vitrina-';
const SHELL_CACHE = `${CACHE_PREFIX}shell-${CACHE_VERSION}`;
const API_CACHE = `${CACHE_PREFIX}api-${CACHE_VERSION}`;
const PAGES_CACHE = `${CACHE_PREFIX}pages-${CACHE_VERSION}`;

/** The app shell served for navigations while offline. */
const SHELL_URL = '/index.html';
/** Last-resort page for navigations when even the shell is missing from the cache. */
const OFFLINE_URL = '/offline.html';
/** Upper bound on stored API answers; the oldest are dropped first. */
const API_CACHE_MAX_ENTRIES = 300;
/** Upper bound on stored public pages; the oldest are dropped first (a page is 15–30 KB, so
 * about 2–3 MB in all). */
const PAGES_CACHE_MAX_ENTRIES = 100;
/** How many of the home page's categories are fetched ahead for reading offline. */
const WARM_CATEGORIES = 6;

/**
 * Same-origin path + query of a URL, used to compare request URLs with the precache list.
 * @param {string} url absolute or relative to the worker's origin
 */
function pathKey(url) {
  const u = new URL(url, self.location.origin);
  return u.pathname + u.search;
}

/**
 * Every URL to precache, deduplicated (Cache.addAll rejects duplicate requests).
 * The shell and the offline page are always included: the navigation fallback needs them.
 */
const PRECACHE_KEYS = new Set([...PRECACHE, SHELL_URL, OFFLINE_URL].map(pathKey));

// ---------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // `cache: 'reload'` bypasses the HTTP cache so we store what the server has now.
      // addAll is all-or-nothing: if any URL fails, installation fails and the previous
      // worker (if any) stays in charge.
      await cache.addAll([...PRECACHE_KEYS].map((url) => new Request(url, { cache: 'reload' })));
      // An update waits for the shopper (see the message below), so that no open page mixes this
      // version's files with the previous one's.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'vitrina:update') event.waitUntil(self.skipWaiting());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const current = new Set([SHELL_CACHE, API_CACHE, PAGES_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && !current.has(name))
          .map((name) => caches.delete(name)),
      );
      // Let navigations start their network request while the worker boots.
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

self.addEventListener('fetch', (event) => {
  const { request } = event;

  // Never cache or intercept anything but GET.
  if (request.method !== 'GET') return;

  const url = new URL(request.url);
  // Third-party requests (if any) are none of our business.
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    event.respondWith(handleNavigation(event));
  } else if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/img/p/')) {
    // The products' generated pictures are kept as API answers are, so a page read offline
    // shows them too.
    event.respondWith(networkFirstApi(event));
  } else if (PRECACHE_KEYS.has(url.pathname + url.search)) {
    event.respondWith(cacheFirst(event));
  }
  // Otherwise fall through to the network as if there were no service worker.
});

// ---------------------------------------------------------------------------------------
// The cart offline
// ---------------------------------------------------------------------------------------

/** vitrina_shared::cart::MAX_LINE_QTY: the most units of one product a cart line holds. */
const MAX_LINE_QTY = 10;
const CART_SYNC_TAG = 'vitrina-cart';
/** How often a write is retried when another device changed the cart in between. */
const CART_RETRIES = 3;

self.addEventListener('message', (event) => {
  const data = event.data ?? {};
  if (data.type === 'vitrina:cart-change' && typeof data.sku === 'string' && Number.isInteger(data.delta)) {
    event.waitUntil(queueCartChange(data.sku, data.delta).then(() => tellPending(event.source)));
  } else if (data.type === 'vitrina:cart-pending') {
    event.waitUntil(tellPending(event.source));
  } else if (data.type === 'vitrina:cart-replay') {
    event.waitUntil(replayCartChanges());
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag === CART_SYNC_TAG) event.waitUntil(replayCartChanges());
});

/** The queue's database, created on first use. */
function openQueue() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('vitrina', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('cart-changes', { keyPath: 'id', autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

/** Runs `work(store)` in a transaction on the queue and resolves with its request's result. */
async function inQueue(mode, work) {
  const db = await openQueue();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction('cart-changes', mode);
      const request = work(tx.objectStore('cart-changes'));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

async function queueCartChange(sku, delta) {
  await inQueue('readwrite', (store) => store.add({ sku, delta, at: Date.now() }));
  // Background Sync replays it when the connection returns, even with every tab closed.
  await self.registration.sync?.register(CART_SYNC_TAG).catch(() => {});
}

/** The waiting changes summed per product, in the order first changed: [{sku, delta, ids}]. */
async function pendingChanges() {
  const changes = (await inQueue('readonly', (store) => store.getAll())) ?? [];
  const summed = new Map();
  for (const { id, sku, delta } of changes) {
    const line = summed.get(sku) ?? { sku, delta: 0, ids: [] };
    line.delta += delta;
    line.ids.push(id);
    summed.set(sku, line);
  }
  return [...summed.values()];
}

/** Tells `client` (or every window) what waits to be sent. */
async function tellPending(client) {
  const lines = await pendingChanges();
  const message = { type: 'vitrina:cart-pending', changes: lines.map(({ sku, delta }) => ({ sku, delta })) };
  const targets = client ? [client] : await self.clients.matchAll({ type: 'window' });
  for (const target of targets) target.postMessage(message);
}

let replaying = null;

/** Sends the waiting changes (one replay at a time); they stay queued while offline. */
function replayCartChanges() {
  replaying ??= sendCartChanges().finally(() => {
    replaying = null;
  });
  return replaying;
}

async function sendCartChanges() {
  const lines = await pendingChanges();
  if (lines.length === 0) return;
  const cartResponse = await fetch('/api/cart', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!cartResponse.ok) throw new Error(`GET /api/cart answered ${cartResponse.status}`);
  let cart = await cartResponse.json();
  const adjustments = [];
  for (const { sku, delta, ids } of lines) {
    // The most this line may hold: the line maximum, lowered to the stock left if refused for it.
    let cap = MAX_LINE_QTY;
    let reason = 'line_maximum';
    for (let attempt = 0; attempt <= CART_RETRIES; attempt += 1) {
      const now = cart.lines.find((l) => l.sku === sku)?.qty ?? 0;
      const requested = Math.max(0, now + delta);
      const qty = Math.min(requested, Math.max(cap, Math.min(now, requested)));
      if (qty === now) {
        if (qty < requested) adjustments.push({ sku, requested, kept: qty, reason });
        break;
      }
      const answer = await fetch(`/api/cart/items/${encodeURIComponent(sku)}`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'If-Match': `"${cart.version}"` },
        body: JSON.stringify({ qty }),
      });
      const body = await answer.json().catch(() => ({}));
      if (answer.ok) {
        cart = body;
        if (qty < requested) adjustments.push({ sku, requested, kept: qty, reason });
        break;
      }
      if (answer.status === 409 && body.cart) {
        // Changed on another device in between: add the change to the cart as it is now.
        cart = body.cart;
        continue;
      }
      const left = body.error?.params?.left;
      if (body.error?.code === 'insufficient_stock' && Number.isInteger(left) && left < cap) {
        cap = left;
        reason = 'availability';
        continue;
      }
      // Refused for good (an unknown product, a full cart): reported, not retried.
      adjustments.push({ sku, requested, kept: now, reason: body.error?.code ?? `http_${answer.status}` });
      break;
    }
    // Sent (or refused for good): off the queue, so a replay cut short never sends it twice.
    await inQueue('readwrite', (store) => {
      for (const id of ids) store.delete(id);
      return null;
    });
  }
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'vitrina:cart-synced', adjustments });
  }
}

// ---------------------------------------------------------------------------------------
// Push notifications
// ---------------------------------------------------------------------------------------

/** What a notification says when its message cannot be read. */
const FALLBACK_TITLE = 'Витрина';
const FALLBACK_BODY = 'Для вас есть новости. / There is news for you.';
const NOTIFICATION_ICON = '/icons/icon-192.png';
const NOTIFICATION_BADGE = '/icons/favicon-32.png';

self.addEventListener('push', (event) => {
  const { title, options } = notificationOf(event.data);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data ?? {};
  event.waitUntil(Promise.all([reportClick(data.id), openPage(sitePath(data.url))]));
});

/**
 * The title and options of the notification a push message asks for. The payload should be
 * JSON {id, title, body, url, tag}; plain text becomes the body, and nothing readable the
 * generic text.
 * @param {PushMessageData | null} data
 */
function notificationOf(data) {
  let message = null;
  let text = '';
  try {
    text = data ? data.text() : '';
    message = text ? JSON.parse(text) : null;
  } catch (err) {
    message = null;
  }
  if (message === null || typeof message !== 'object') {
    message = { body: text };
  }
  const field = (value, max) => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, max) : null);
  const title = field(message.title, 200) ?? FALLBACK_TITLE;
  const options = {
    body: field(message.body, 1000) ?? (field(message.title, 200) ? '' : FALLBACK_BODY),
    icon: NOTIFICATION_ICON,
    badge: NOTIFICATION_BADGE,
    data: { url: sitePath(message.url), id: field(message.id, 64) },
  };
  const tag = field(message.tag, 64);
  if (tag) options.tag = tag;
  return { title, options };
}

/**
 * A path (with query and fragment) on this site for `raw`, or '/' for anything else: absolute
 * URLs to other origins, protocol-relative `//host` ones, `javascript:` and the like.
 * @param {unknown} raw
 */
function sitePath(raw) {
  if (typeof raw !== 'string' || raw === '') return '/';
  try {
    const url = new URL(raw, self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : '/';
  } catch (err) {
    return '/';
  }
}

/**
 * Tells the server the notification was clicked; a failure only costs the statistic.
 * @param {unknown} id
 */
async function reportClick(id) {
  if (typeof id !== 'string' || id === '') return;
  try {
    await fetch('/api/push/clicks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id }),
      credentials: 'same-origin',
      keepalive: true,
    });
  } catch (err) {
    console.warn('Could not report a notification click:', err);
  }
}

/**
 * Shows `path`: focuses a window already showing it, else takes an open window of the site
 * there, else opens a new one.
 * @param {string} path a path on this site
 */
async function openPage(path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const showing = windows.find((client) => client.url === target);
  if (showing) return showing.focus();
  for (const client of windows) {
    try {
      const focused = await client.focus();
      // `navigate` works only on windows this worker controls; others throw and are skipped.
      const navigated = await focused.navigate(target);
      if (navigated) return navigated;
    } catch (err) {
      // Not ours to navigate (or focus was refused): try the next window, then a new one.
    }
  }
  return self.clients.openWindow(target);
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/**
 * Navigations: network first, then the cached app shell, then the offline page.
 *
 * Fresh HTML from the network is deliberately not written to the cache: the cached shell
 * must stay consistent with the cached (hashed) JS and wasm of the same build. It is
 * replaced only when a new worker version installs.
 * @param {FetchEvent} event
 */
async function handleNavigation(event) {
  const url = new URL(event.request.url);
  try {
    const preloaded = await event.preloadResponse;
    const response = preloaded ?? (await fetch(event.request));
    // A public page (server-rendered, the same for everyone) is kept for reading offline.
    if (!isAppPath(url.pathname) && isStorable(response)) {
      const kept = response.clone();
      event.waitUntil(
        caches.open(PAGES_CACHE).then(async (cache) => {
          await cache.put(event.request, kept.clone());
          if (isHome(url.pathname) && goodConnection()) await warmCategories(cache, await kept.text());
          await trimCache(cache, PAGES_CACHE_MAX_ENTRIES);
        }),
      );
    }
    return response;
  } catch (err) {
    // Offline: this page as last seen (saying when), else the precached copy, else the apps'
    // shell for an app page (it shows its own offline banner), else the offline page.
    const pages = await caches.open(PAGES_CACHE);
    const saved = await pages.match(event.request, { ignoreVary: true });
    if (saved) return withSavedNote(saved);
    const seen = await caches.match(event.request, { ignoreVary: true });
    if (seen) return withoutRedirect(seen);
    // The home page with a query (the installed app starts at /?source=pwa) is the home page.
    const home = isHome(url.pathname) ? await caches.match(url.pathname, { ignoreSearch: true, ignoreVary: true }) : undefined;
    if (home) return withoutRedirect(home);
    const cache = await caches.open(SHELL_CACHE);
    const fallback = (isAppPath(url.pathname) ? await cache.match(SHELL_URL) : undefined) ?? (await cache.match(OFFLINE_URL));
    if (fallback) return withoutRedirect(fallback);
    return new Response('Нет соединения / You are offline', {
      status: 503,
      statusText: 'Service Unavailable',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

/** Whether a path is the home page, in either language. */
function isHome(pathname) {
  return pathname === '/' || pathname === '/en' || pathname === '/en/';
}

/**
 * Whether the connection is good enough to fetch pages ahead: known to be fast and not saving
 * data (where the browser does not say, nothing is fetched ahead).
 */
function goodConnection() {
  const connection = self.navigator.connection;
  return Boolean(connection) && !connection.saveData && connection.effectiveType === '4g';
}

/**
 * Keeps the first pages of the home page's first WARM_CATEGORIES categories for reading offline
 * (those not kept already); a failure only means fewer pages offline.
 * @param {Cache} cache the pages cache
 * @param {string} home the home page's HTML
 */
async function warmCategories(cache, home) {
  const links = [...home.matchAll(/href="((?:\/en)?\/c\/[a-z0-9_-]+)"/g)].map((m) => m[1]);
  const wanted = [...new Set(links)].slice(0, WARM_CATEGORIES);
  await Promise.all(
    wanted.map(async (path) => {
      const request = new Request(path, { credentials: 'same-origin' });
      if (await cache.match(request)) return;
      try {
        const response = await fetch(request);
        if (isStorable(response)) await cache.put(request, response);
      } catch (err) {
        // Offline again, or the server is busy: the shopper still has what they saw.
      }
    }),
  );
}

/**
 * A page kept for reading offline, with a note at the top of when it was saved: its stock and
 * prices are as they were then. The note is in the page's language.
 * @param {Response} saved
 */
async function withSavedNote(saved) {
  const html = await saved.text();
  const english = /<html[^>]*\slang="en"/.test(html);
  const date = new Date(saved.headers.get('Date') ?? Date.now());
  const when = date.toLocaleString(english ? 'en-GB' : 'ru-RU', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
  const text = english
    ? `You are offline. This page was saved on ${when}: stock and prices may have changed since.`
    : `Нет сети. Страница сохранена ${when}: наличие и цены с тех пор могли измениться.`;
  const note = `<p class="offline-saved" role="status" data-testid="offline-saved">${text}</p>`;
  const body = html.replace(/<body[^>]*>/, (tag) => `${tag}\n${note}`);
  const headers = new Headers(saved.headers);
  headers.delete('Content-Length');
  headers.delete('ETag');
  return new Response(body, { status: saved.status, statusText: saved.statusText, headers });
}

/**
 * Whether a path is a page of the client-rendered apps (vitrina_shared::app_path); every other
 * page is server-rendered.
 * @param {string} pathname
 */
function isAppPath(pathname) {
  return /^\/(cart|checkout|orders|signin|account|handoff|showroom|admin|staff)(\/|$)/.test(pathname);
}

/**
 * Precached static assets: from the cache, or from the network (re-filling the cache) if
 * the entry has gone missing, e.g. evicted by the browser.
 * @param {FetchEvent} event
 */
async function cacheFirst(event) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(event.request);
  if (cached) return withoutRedirect(cached);

  const response = await fetch(event.request);
  if (response.ok && response.type === 'basic') {
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}

/**
 * API reads: network first so prices and stock are live; the last good answer is kept for
 * offline use. Offline with nothing stored, the request fails with a network error exactly
 * as it would without a service worker, and the app shows its own error state.
 * @param {FetchEvent} event
 */
async function networkFirstApi(event) {
  const { request } = event;
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    if (isStorable(response)) {
      event.waitUntil(
        cache.put(request, response.clone()).then(() => trimCache(cache, API_CACHE_MAX_ENTRIES)),
      );
    }
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/**
 * Only successful, same-origin answers the server allows to be stored.
 * @param {Response} response
 */
function isStorable(response) {
  if (!response.ok || response.type !== 'basic') return false;
  const cacheControl = response.headers.get('Cache-Control') ?? '';
  return !/\bno-store\b/i.test(cacheControl);
}

/**
 * Browsers refuse a redirected response as the answer to a navigation (e.g. when the server
 * redirected /index.html to / during precaching), so re-wrap such responses.
 * @param {Response} response
 */
function withoutRedirect(response) {
  if (!response.redirected) return response;
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Deletes the oldest entries beyond `max`. Cache keys come back in insertion order and
 * `put` re-inserts an updated entry at the end, so the front holds the stalest answers.
 * @param {Cache} cache
 * @param {number} max
 */
async function trimCache(cache, max) {
  const keys = await cache.keys();
  const excess = keys.length - max;
  if (excess <= 0) return;
  await Promise.all(keys.slice(0, excess).map((key) => cache.delete(key)));
}
