/*
 * Vitrina service worker.
 *
 * This file is a template: the build (`cargo xtask build`) replaces
 *   {{CACHE_VERSION}}  with a version string unique to the build, and
 *   {{PRECACHE}}       with a JSON array of the app shell's URLs,
 * and writes the result to target/site/sw.js. Before that substitution it is not valid JS.
 *
 * Strategies
 *   install     precache the app shell into `vitrina-shell-<version>`, then activate at once.
 *   activate    delete caches of older versions, take control of open pages.
 *   fetch       (same-origin GET requests only; everything else goes straight to the network)
 *     navigations          network first, public pages kept in `vitrina-pages-<version>`;
 *                          offline → this page as last seen or precached → for an app page the
 *                          cached /index.html (the app shows its own offline banner) →
 *                          cached /offline.html.
 *     precached assets     cache first (file names carry content hashes, so they never go stale).
 *     /api/ requests       network first; successful answers are kept in `vitrina-api-<version>`
 *                          so catalog pages seen before still work offline.
 *     anything else        not handled: the browser's normal behaviour.
 *
 * Non-GET requests (e.g. stock updates) are never cached or intercepted.
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
/** Upper bound on stored public pages; the oldest are dropped first. */
const PAGES_CACHE_MAX_ENTRIES = 100;

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
      await self.skipWaiting();
    })(),
  );
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
  } else if (url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirstApi(event));
  } else if (PRECACHE_KEYS.has(url.pathname + url.search)) {
    event.respondWith(cacheFirst(event));
  }
  // Otherwise fall through to the network as if there were no service worker.
});

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
      event.waitUntil(
        caches.open(PAGES_CACHE).then((cache) =>
          cache.put(event.request, response.clone()).then(() => trimCache(cache, PAGES_CACHE_MAX_ENTRIES))),
      );
    }
    return response;
  } catch (err) {
    // Offline: this page as last seen (or precached), else the apps' shell for an app page
    // (it shows its own offline banner), else the offline page.
    const seen = await caches.match(event.request, { ignoreVary: true });
    if (seen) return withoutRedirect(seen);
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
