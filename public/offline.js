// The offline page (public/offline.html): a file, not an inline script, because the
// Content-Security-Policy refuses inline scripts (edge/src/hardening.rs).
// Plain reload on "try again" and when the connection returns: the service worker tries the
// network first for navigations.
const retry = () => location.reload();
document.getElementById('retry').addEventListener('click', retry);
window.addEventListener('online', retry);

/** How many saved pages the list shows (the newest first). */
const SHOWN = 30;

/**
 * Lists the public pages the service worker kept on this device (`vitrina-pages-*`), newest
 * first, each by its title, so a shopper offline can still read what they saw.
 */
async function listSavedPages() {
  if (!('caches' in self)) return;
  const names = (await caches.keys()).filter((name) => name.startsWith('vitrina-pages-'));
  const entries = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of (await cache.keys()).reverse().slice(0, SHOWN)) {
      const response = await cache.match(request);
      if (!response) continue;
      const title = new DOMParser().parseFromString(await response.text(), 'text/html').title;
      const url = new URL(request.url);
      entries.push({ href: url.pathname + url.search, title: title || url.pathname });
    }
  }
  if (entries.length === 0) return;
  const list = document.getElementById('saved-list');
  for (const { href, title } of entries.slice(0, SHOWN)) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = href;
    link.textContent = title.replace(/ — Витрина$| — Vitrina$/, '');
    item.append(link);
    list.append(item);
  }
  document.getElementById('saved').hidden = false;
}

listSavedPages().catch((err) => console.warn('Could not list the saved pages:', err));
