// Browser end-to-end tests: Debian's headless chromium, driven by playwright-core, against the
// native `vitrina` host that `cargo xtask test` starts (VITRINA_URL). Every step waits for the
// page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, controlledByWorker, newPage, useBrowser } from './browser.mjs';



useBrowser();


test('a shopper searches, opens a product, sees nearby store availability and switches language', async () => {
  // A shopper near Tverskaya street in Moscow who allows geolocation.
  const { context, page, errors } = await newPage({
    permissions: ['geolocation'],
    geolocation: { latitude: 55.764, longitude: 37.606 },
  });
  try {
    await page.goto('/');
    await page.getByTestId('product-card').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');

    await page.getByTestId('search-input').fill('смартфон nova');
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/\/search\?q=/);
    const firstResult = page.getByTestId('product-card').first();
    await firstResult.waitFor();
    assert.match((await firstResult.innerText()).toLowerCase(), /nova/);

    await firstResult.locator('a').first().click();
    await page.waitForURL(/\/p\/[A-Z0-9-]+$/);
    const name = page.getByTestId('product-name');
    await name.waitFor();
    assert.match((await name.innerText()).toLowerCase(), /смартфон nova/);
    assert.match(await page.getByTestId('product-price').innerText(), /₽/);

    await page.getByTestId('availability-panel').waitFor();
    await page.getByTestId('use-location').click();
    const distance = page.getByTestId('availability-store').first().getByTestId('store-distance');
    await distance.waitFor();
    assert.match(await distance.innerText(), /(м|км)/);
    const headline = page.getByTestId('availability-headline');
    assert.match(await headline.innerText(), /(В наличии|Нет в наличии)/);

    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByTestId('availability-headline').filter({ hasText: /(In stock|Out of stock)/ }).waitFor();
    assert.match(await page.getByTestId('availability-store').first().getByTestId('store-distance').innerText(), /(m|km)$/);

    // The choice is kept on this device.
    await page.reload();
    await page.getByTestId('product-name').waitFor();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('without geolocation the shopper picks a city and sees that city\'s stores with distances', async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/p/PHN-0001');
    await page.getByTestId('availability-panel').waitFor();
    await page.getByTestId('city-select').selectOption('saint_petersburg');
    const first = page.getByTestId('availability-store').first();
    await first.getByTestId('store-distance').waitFor();
    assert.match(await first.innerText(), /Санкт-Петербург/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a category lists products in pages', async () => {
  const { context, page } = await newPage();
  try {
    await page.goto('/c/laptops');
    await page.getByTestId('product-card').first().waitFor();
    assert.equal(await page.getByTestId('product-card').count(), 24);
    await page.getByTestId('pager-next').click();
    await page.waitForURL(/page=2/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-card"]').length === 2);
  } finally {
    await context.close();
  }
});

test('a shopper finds a phone by typing "телефон", narrows it to one brand and sorts by price', async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/');
    await page.getByTestId('search-input').fill('телефон');
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/\/search\?q=/);
    await page.getByTestId('product-card').first().waitFor();
    const filters = page.getByTestId('listing-filters');
    const brand = filters.getByTestId('filter-brand').first();
    const brandName = await brand.getAttribute('value');
    await brand.check();
    await filters.getByTestId('filter-sort').selectOption('price_asc');
    await filters.getByTestId('filter-apply').click();
    await page.waitForURL(/sort=price_asc/);
    await page.getByTestId('product-card').first().waitFor();
    assert.match(page.url(), /brand=/, 'the brand is in the address, so the listing can be shared');
    assert.equal(await page.getByTestId('listing-filters').getByTestId('filter-brand').and(page.locator(':checked')).count(), 1);
    const prices = await page.$$eval('[data-testid="product-card"] .product-card-price', (nodes) =>
      nodes.map((n) => Number(n.textContent.replace(/[^0-9,]/g, '').replace(',', '.'))));
    assert.ok(prices.length > 0, 'some phones of that brand');
    assert.deepEqual(prices, [...prices].sort((a, b) => a - b), `cheapest first: ${prices}`);
    const names = await page.$$eval('[data-testid="product-card"]', (cards) => cards.map((c) => c.textContent));
    assert.ok(names.every((text) => text.includes(brandName)), `every card is ${brandName}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('after one visit the app shell loads offline with an offline notice', async () => {
  const { context, page } = await newPage();
  try {
    await page.goto('/');
    await page.getByTestId('product-card').first().waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The page must be controlled by the worker before going offline.
    if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
      await page.reload();
      await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
    }
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline-banner').waitFor();
    assert.ok(await page.locator('header').count() > 0, 'the shell renders offline');
  } finally {
    await context.close();
  }
});

test('offline, a page seen before says when it was saved, and one never seen lists the saved pages', async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/');
    await page.getByTestId('product-card').first().waitFor();
    await controlledByWorker(page);
    // On a good connection the home page's first categories are kept ahead.
    await page.goto('/');
    const category = await page.evaluate(() => document.querySelector('a[href^="/c/"]')?.getAttribute('href'));
    assert.ok(category, 'the home page links a category');
    await page.waitForFunction(async (path) => {
      for (const name of await caches.keys()) {
        if (name.startsWith('vitrina-pages-') && (await (await caches.open(name)).match(path))) return true;
      }
      return false;
    }, category);
    await page.goto('/p/PHN-0001');
    await page.getByTestId('product-name').waitFor();

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline-saved').waitFor();
    assert.match(await page.getByTestId('offline-saved').innerText(), /Страница сохранена .*наличие и цены/);
    assert.match(await page.getByTestId('product-name').innerText(), /Nova X5/i);

    await page.goto('/p/PHN-0002');
    await page.getByRole('heading', { name: 'Нет соединения с интернетом' }).waitFor();
    const saved = page.getByTestId('offline-saved-pages');
    await saved.locator('a[href="/p/PHN-0001"]').waitFor();

    // The category kept ahead is a whole page with its products, ready for reading offline.
    const kept = await page.evaluate(async (path) => {
      for (const name of await caches.keys()) {
        if (!name.startsWith('vitrina-pages-')) continue;
        const answer = await (await caches.open(name)).match(path);
        if (answer) return answer.text();
      }
      return '';
    }, category);
    assert.match(kept, /data-testid="product-card"/, 'the category kept ahead lists its products');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a new version of the app is announced with "Обновить" and taken only when the shopper asks', async () => {
  const site = process.env.VITRINA_SITE;
  assert.ok(site, 'VITRINA_SITE names the site directory the host serves');
  const sw = join(site, 'sw.js');
  const original = readFileSync(sw, 'utf8');
  // The host prefers precompressed siblings: set them aside while the new version is served.
  const siblings = ['sw.js.br', 'sw.js.gz'].map((name) => join(site, name)).filter((path) => existsSync(path));
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/p/PHN-0001');
    await page.getByTestId('product-name').waitFor();
    await controlledByWorker(page);
    const version = original.match(/const CACHE_VERSION = '([^']+)'/)[1];

    // A deploy while the tab is open: a new service worker with a new version.
    for (const path of siblings) renameSync(path, `${path}.e2e`);
    writeFileSync(sw, original.replace(`const CACHE_VERSION = '${version}'`, `const CACHE_VERSION = '${version}-next'`));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.getByTestId('update-banner').waitFor();
    assert.match(await page.getByTestId('update-banner').innerText(), /новая версия/);
    const waiting = () => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration()).waiting));
    assert.equal(await waiting(), true, 'the new version waits for the shopper');

    await page.getByTestId('update-reload').click();
    await page.waitForFunction(async (next) => {
      const registration = await navigator.serviceWorker.getRegistration();
      return !registration.waiting && (await caches.keys()).some((name) => name.endsWith(next));
    }, `${version}-next`);
    await page.getByTestId('product-name').waitFor();
    assert.equal(await page.getByTestId('update-banner').count(), 0, 'the page reloaded into the new version');
    assert.ok(!(await page.evaluate(() => caches.keys())).some((name) => name.endsWith(`-${version}`)), 'the old version is gone');
    assert.deepEqual(errors, []);
  } finally {
    writeFileSync(sw, original);
    for (const path of siblings) if (existsSync(`${path}.e2e`)) renameSync(`${path}.e2e`, path);
    await context.close();
  }
});

test('the shop is installable: a manifest with its icons, and a worker that answers the start URL offline', async () => {
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/');
    await page.getByTestId('product-card').first().waitFor();
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifest = await (await page.request.get(href)).json();
    assert.ok(manifest.name && manifest.short_name, 'names');
    assert.ok(['standalone', 'fullscreen', 'minimal-ui'].includes(manifest.display), `display ${manifest.display}`);
    for (const size of ['192x192', '512x512']) {
      const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
      assert.ok(icon, `a ${size} PNG icon`);
      const answer = await page.request.get(icon.src);
      assert.equal(answer.status(), 200);
      assert.equal(answer.headers()['content-type'], 'image/png');
    }
    assert.equal(await page.locator('link[rel="apple-touch-icon"]').count(), 1, 'an icon for iOS home screens');

    await controlledByWorker(page);
    await context.setOffline(true);
    await page.goto(manifest.start_url);
    await page.getByTestId('product-card').first().waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an unknown product is explained in the shopper’s language, never in the server’s English', async () => {
  // Regression: the page read "Товар не найден — there is no product TV-0003" (issue 10, item 10).
  const { context, page, errors } = await newPage();
  try {
    await page.goto('/p/TV-9999');
    const view = page.getByTestId('error-view');
    await view.waitFor();
    const details = view.locator('.error-details');
    assert.equal((await details.innerText()).trim(), 'Товар TV-9999 не найден.');
    assert.doesNotMatch((await view.innerText()).replace('TV-9999', ''), /[A-Za-z]/, 'no English on a Russian screen');

    await page.getByTestId('lang-switch').click();
    await details.filter({ hasText: 'Product TV-9999 not found.' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
