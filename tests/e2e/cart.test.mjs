// Browser end-to-end test of the one cart across devices: a phone and a desktop, each its own
// browser context (own cookies), against the native `vitrina` host (VITRINA_URL). Every step
// waits for the page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, newPage, useBrowser } from './browser.mjs';

/** The longest a change may take to reach another device: a few poll periods. */
const LIVE_TIMEOUT = 15_000;


useBrowser();


/** Waits until the header's cart count reads `n`. */
async function cartCountIs(page, n) {
  await page.getByTestId('cart-count').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

/** Opens a product, waits for it to load fully, and adds one unit to the cart. */
async function addToCart(page, sku, expectedCount) {
  await page.goto(`/p/${sku}`);
  await page.getByTestId('product-name').waitFor();
  await page.getByTestId('availability-headline').waitFor();
  await page.getByTestId('add-to-cart').click();
  await cartCountIs(page, expectedCount);
}

/** The SKUs of the lines on an open /cart page, once it shows `n` lines. */
async function cartSkus(page, n) {
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="cart-line"]').length === count, n);
  const skus = await page.getByTestId('cart-line').evaluateAll((lines) => lines.map((l) => l.dataset.sku));
  return skus.sort();
}

function line(page, sku) {
  return page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
}

test('one cart follows the shopper from the phone to the desktop, live', async () => {
  const email = `e2e-${Date.now()}@example.com`;
  const password = 'e2e-password-1';
  const desktop = await newPage({ viewport: { width: 1280, height: 800 } });
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    // Desktop: a new account, then a laptop in its cart.
    await desktop.page.goto('/signin');
    await desktop.page.getByTestId('register-name').fill('Анна');
    await desktop.page.getByTestId('register-email').fill(email);
    await desktop.page.getByTestId('register-password').fill(password);
    await desktop.page.getByTestId('register-submit').click();
    await desktop.page.waitForURL(/\/account$/);
    await desktop.page.getByTestId('signout').waitFor();
    await addToCart(desktop.page, 'LAP-0001', 1);

    // Phone: a guest puts a phone in the cart, then signs in to the same account.
    await addToCart(phone.page, 'PHN-0001', 1);
    await phone.page.getByTestId('signin-link').click();
    await phone.page.waitForURL(/\/signin\?next=%2Fp%2FPHN-0001$/);
    await phone.page.getByTestId('signin-email').fill(email);
    await phone.page.getByTestId('signin-password').fill(password);
    await phone.page.getByTestId('signin-submit').click();
    // Signing in returns to the page the shopper came from.
    await phone.page.waitForURL(/\/p\/PHN-0001$/);
    await phone.page.getByTestId('product-name').waitFor();
    await phone.page.goto('/account');
    await phone.page.getByTestId('device').first().waitFor();
    assert.equal(await phone.page.getByTestId('merge-notice').count(), 0, 'nothing had to be capped');
    await cartCountIs(phone.page, 2);

    // Both show the same merged cart.
    await phone.page.goto('/cart');
    await desktop.page.goto('/cart');
    const expected = ['LAP-0001', 'PHN-0001'];
    assert.deepEqual(await cartSkus(phone.page, 2), expected);
    assert.deepEqual(await cartSkus(desktop.page, 2), expected);
    assert.match(await desktop.page.getByTestId('cart-total').innerText(), /₽/);
    assert.equal(await line(desktop.page, 'PHN-0001').getByTestId('cart-qty').innerText(), '1');

    // One more phone on the phone: the desktop, left open, follows without a reload.
    await line(phone.page, 'PHN-0001').getByTestId('qty-inc').click();
    await line(phone.page, 'PHN-0001').getByTestId('cart-qty').filter({ hasText: /^2$/ }).waitFor();
    await line(desktop.page, 'PHN-0001').getByTestId('cart-qty').filter({ hasText: /^2$/ }).waitFor({ timeout: LIVE_TIMEOUT });
    await desktop.page.getByTestId('cart-updated-notice').waitFor({ timeout: LIVE_TIMEOUT });
    assert.match(await desktop.page.getByTestId('cart-updated-notice').innerText(), /другом устройстве/);
    await cartCountIs(desktop.page, 3);
    // The phone made the change itself, so it is not told about it.
    assert.equal(await phone.page.getByTestId('cart-updated-notice').count(), 0);

    assert.deepEqual(desktop.errors, []);
    assert.deepEqual(phone.errors, []);
  } finally {
    await desktop.context.close();
    await phone.context.close();
  }
});

test('a price changed after the product went into the cart is named on the cart page', async () => {
  const shopper = await newPage();
  const staff = await newPage();
  try {
    await addToCart(shopper.page, 'PHN-0002', 1);
    const login = await staff.page.request.post('/api/auth/login', {
      data: { email: 'staff@vitrina.local', password: 'e2e-staff-password' },
    });
    assert.equal(login.status(), 200);
    const price = await staff.page.request.put('/api/admin/products/PHN-0002/price', {
      data: { price: { amount: '1.00', currency: 'RUB' } },
    });
    assert.equal(price.status(), 200, await price.text());

    await shopper.page.goto('/cart');
    const note = shopper.page.getByTestId('cart-repriced');
    await note.waitFor();
    assert.match(await note.locator('li[data-sku="PHN-0002"]').innerText(), /→ 1\s₽/);
    assert.deepEqual(shopper.errors, []);
  } finally {
    await shopper.context.close();
    await staff.context.close();
  }
});
