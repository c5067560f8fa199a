// Browser end-to-end tests of the cart in the metro: changes made offline wait on the device (the
// service worker's queue in IndexedDB) and reach the server's cart when the connection returns,
// merged with what another device did meanwhile. Against the native `vitrina` host
// (VITRINA_URL); every step waits for the page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlledByWorker, newPage, useBrowser } from './browser.mjs';

useBrowser();

/** Waits until the header's cart count reads `n`. */
async function cartCountIs(page, n) {
  await page.getByTestId('cart-count').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

/** The server's cart for this context's session, as {sku: qty}. */
async function serverCart(page) {
  const answer = await page.request.get('/api/cart');
  assert.equal(answer.status(), 200);
  return Object.fromEntries((await answer.json()).lines.map((l) => [l.sku, l.qty]));
}

/** Opens a product online (so its page is kept for offline reading) and waits for its islands. */
async function openProduct(page, sku) {
  await page.goto(`/p/${sku}`);
  await page.getByTestId('product-name').waitFor();
  await page.getByTestId('add-to-cart').waitFor();
}

test('changes made offline wait on the device and the server cart equals the device\'s once back online', async () => {
  const { context, page, errors } = await newPage();
  try {
    // The worker first, so that it keeps the product pages for reading offline.
    await page.goto('/');
    await controlledByWorker(page);
    await openProduct(page, 'LAP-0001');
    await openProduct(page, 'PHN-0001');
    await page.getByTestId('add-to-cart').click();
    await cartCountIs(page, 1);

    await context.setOffline(true);
    await page.reload();
    await cartCountIs(page, 1);
    // Add one more phone, and a laptop, without a connection.
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('add-to-cart-queued').waitFor();
    await cartCountIs(page, 2);
    await page.goto('/p/LAP-0001');
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('add-to-cart-queued').waitFor();
    await cartCountIs(page, 3);
    // Take the second phone off again on the cart page, still offline.
    await page.goto('/cart');
    const phone = page.locator('[data-testid="cart-line"][data-sku="PHN-0001"]');
    await phone.getByTestId('cart-qty').filter({ hasText: /^2$/ }).waitFor();
    await phone.getByTestId('qty-dec').click();
    await page.getByTestId('cart-queued').waitFor();
    await phone.getByTestId('cart-qty').filter({ hasText: /^1$/ }).waitFor();
    await cartCountIs(page, 2);

    await context.setOffline(false);
    await page.getByTestId('cart-synced-notice').waitFor();
    assert.deepEqual(await serverCart(page), { 'LAP-0001': 1, 'PHN-0001': 1 }, 'the server has what the device showed');
    await page.locator('[data-testid="cart-line"][data-sku="LAP-0001"]').waitFor();
    await cartCountIs(page, 2);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a change made offline is added to what another device did meanwhile, as a sign-in merge would', async () => {
  const phone = await newPage();
  const desktop = await newPage();
  try {
    // The worker first, so that it keeps the product page for reading offline.
    await phone.page.goto('/');
    await controlledByWorker(phone.page);
    await openProduct(phone.page, 'PHN-0001');
    await phone.page.getByTestId('add-to-cart').click();
    await cartCountIs(phone.page, 1);
    // The same shopper on a desktop: the same session, so the same cart.
    await desktop.context.addCookies(await phone.context.cookies());

    await phone.context.setOffline(true);
    await phone.page.reload();
    await phone.page.getByTestId('add-to-cart').click();
    await phone.page.getByTestId('add-to-cart-queued').waitFor();
    await cartCountIs(phone.page, 2);
    // Meanwhile the desktop sets three phones.
    const cart = await (await desktop.page.request.get('/api/cart')).json();
    const put = await desktop.page.request.put('/api/cart/items/PHN-0001', {
      data: { qty: 3 },
      headers: { 'If-Match': `"${cart.version}"` },
    });
    assert.equal(put.status(), 200);

    await phone.context.setOffline(false);
    await phone.page.getByTestId('cart-synced-notice').waitFor();
    // Three from the desktop, plus the one added offline.
    assert.deepEqual(await serverCart(desktop.page), { 'PHN-0001': 4 });
    await cartCountIs(phone.page, 4);
    assert.deepEqual(phone.errors, []);
  } finally {
    await phone.context.close();
    await desktop.context.close();
  }
});
