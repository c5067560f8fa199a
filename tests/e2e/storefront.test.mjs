// Browser end-to-end tests: Debian's headless chromium, driven by playwright-core, against the
// native `vitrina` host that `cargo xtask test` starts (VITRINA_URL). Every step waits for the
// page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, newPage, useBrowser } from './browser.mjs';



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
