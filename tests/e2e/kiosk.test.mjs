// Browser end-to-end test of the showroom tablet: the store's staff enrol it with a one-time code
// from the pickup desk, then the kiosk fills a cart, hands it to a phone by code, and — left alone —
// starts afresh for the next shopper, still the store's kiosk. A tablet nobody enrolled cannot make
// itself a kiosk, and staff can un-enrol one. Each device is its own browser context (own cookies),
// against the native `vitrina` host (VITRINA_URL) that `cargo xtask test` starts with the staff
// password below. Every step waits for the page to show what it should; nothing sleeps (the kiosk's
// reset is its own timer, `?idle=4`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, newPage, useBrowser } from './browser.mjs';

/** Long enough for the kiosk to notice the claim (cart polls) and then sit idle for 4 s. */
const RESET_TIMEOUT = 30_000;
const STORE = 'msk-tverskaya';
const IDLE = 4;
const STAFF_EMAIL = 'staff@vitrina.local';
const STAFF_PASSWORD = 'e2e-staff-password';


useBrowser();


async function api(path) {
  const response = await fetch(new URL(path, BASE));
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

/** A product of the first catalog page with units on the shelf of `store`. */
async function productOnShelf(store) {
  const page = await api('/api/products?page=1');
  for (const product of page.items) {
    const availability = await api(`/api/availability/${product.sku}`);
    if (availability.stores.some((s) => s.store_id === store && s.available > 0)) return product;
  }
  throw new Error(`no product of the first page is on the shelf at ${store}`);
}

/** Signs the staff account in on `page` and waits for the header's pickup desk link. */
async function signInAsStaff(page) {
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(STAFF_EMAIL);
  await page.getByTestId('signin-password').fill(STAFF_PASSWORD);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(/\/account$/);
  await page.getByTestId('staff-link').waitFor();
}

/** The ids of the store's enrolled kiosks, as staff on `page` see them. */
async function kioskIds(page, store) {
  const response = await page.request.get('/api/kiosks');
  assert.equal(response.status(), 200, 'GET /api/kiosks');
  return (await response.json()).filter((k) => k.store_id === store).map((k) => k.id);
}

/** The SKUs of the lines on an open /cart page, once it shows `n` lines. */
async function cartSkus(page, n) {
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="cart-line"]').length === count, n);
  return page.getByTestId('cart-line').evaluateAll((lines) => lines.map((l) => l.dataset.sku));
}

test('staff enrol a showroom tablet that hands its cart to a phone, then starts afresh for the next shopper', async () => {
  const product = await productOnShelf(STORE);
  const store = (await api('/api/stores')).find((s) => s.id === STORE);
  assert.ok(store, `${STORE} is a store`);

  const kiosk = await newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const staff = await newPage({ viewport: { width: 1280, height: 900 } });
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const other = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    // A fresh tablet is no kiosk: it asks for an enrolment code and shows no catalog.
    await kiosk.page.goto(`/showroom/${STORE}?idle=${IDLE}`);
    await kiosk.page.getByTestId('kiosk-enrol').waitFor();
    assert.equal(await kiosk.page.getByTestId('kiosk-tile').count(), 0);

    // The store's staff get a one-time code at the pickup desk on their own device…
    await signInAsStaff(staff.page);
    await staff.page.goto(`/staff/${STORE}`);
    await staff.page.getByTestId('kiosk-code-issue').click();
    const issued = staff.page.getByTestId('kiosk-code');
    await issued.waitFor();
    const enrolmentCode = (await issued.innerText()).trim();
    assert.match(enrolmentCode, /^[2-9A-Z]{4} [2-9A-Z]{4}$/);
    assert.match(await staff.page.getByTestId('kiosk-code-expiry').innerText(), /Код действует до \d\d:\d\d/);

    // …and type it on the tablet: the kiosk, with the store's name, big-screen mode, and nothing
    // personal in the header.
    await kiosk.page.getByTestId('kiosk-enrol-code').fill(enrolmentCode);
    await kiosk.page.getByTestId('kiosk-enrol-submit').click();
    await kiosk.page.getByTestId('kiosk-store').filter({ hasText: store.name }).waitFor();
    assert.ok(await kiosk.page.evaluate(() => document.body.classList.contains('kiosk')));
    assert.equal(await kiosk.page.getByTestId('signin-link').count(), 0);
    assert.equal(await kiosk.page.getByTestId('account-link').count(), 0);
    await kiosk.page.getByTestId('kiosk-tile').first().waitFor();

    // Search for the product and open it: this store's shelf comes first.
    await kiosk.page.getByTestId('kiosk-search-input').fill(product.name);
    await kiosk.page.getByTestId('kiosk-search-submit').click();
    await kiosk.page.locator(`[data-testid="kiosk-tile"][data-sku="${product.sku}"] a`).click();
    await kiosk.page.waitForURL(new RegExp(`/showroom/${STORE}/p/${product.sku}\\?idle=${IDLE}$`));
    await kiosk.page.getByTestId('product-name').waitFor();
    const shelf = kiosk.page.getByTestId('shelf-here');
    await shelf.waitFor();
    assert.match(await shelf.innerText(), /На полке здесь: \d+/);

    await kiosk.page.getByTestId('add-to-cart').click();
    await kiosk.page.getByTestId('kiosk-cart-count').filter({ hasText: /^1$/ }).waitFor();

    // "Continue on my phone": a QR code and the code in two groups of three.
    await kiosk.page.getByTestId('handoff-button').click();
    await kiosk.page.getByTestId('handoff-dialog').waitFor();
    await kiosk.page.getByTestId('handoff-qr').locator('svg').waitFor();
    assert.match(await kiosk.page.getByTestId('handoff-expiry').innerText(), /Код действует до \d\d:\d\d/);
    const shown = (await kiosk.page.getByTestId('handoff-code').innerText()).trim();
    assert.match(shown, /^[2-9A-Z]{3} [2-9A-Z]{3}$/);
    const code = shown.replace(' ', '');

    // The phone takes the cart.
    await phone.page.goto(`/handoff/${code}`);
    await phone.page.getByTestId('claim-button').click();
    await phone.page.getByTestId('claim-result').waitFor();
    // The tablet hides the code as soon as it is claimed, before it starts afresh.
    await kiosk.page.getByTestId('handoff-dialog').waitFor({ state: 'detached', timeout: 5_000 });
    assert.deepEqual(await phone.page.getByTestId('claim-line').evaluateAll((ls) => ls.map((l) => l.dataset.sku)), [product.sku]);
    await phone.page.getByTestId('claim-cart-link').click();
    await phone.page.waitForURL(/\/cart$/);
    assert.deepEqual(await cartSkus(phone.page, 1), [product.sku]);

    // The kiosk, left alone, starts afresh: an empty cart, no dialog, back at its start page.
    await kiosk.page.getByTestId('kiosk-reset-notice').waitFor({ timeout: RESET_TIMEOUT });
    assert.match(await kiosk.page.getByTestId('kiosk-reset-notice').innerText(), /готова для следующего покупателя/);
    await kiosk.page.getByTestId('kiosk-cart-count').filter({ hasText: /^0$/ }).waitFor();
    assert.equal(await kiosk.page.getByTestId('handoff-dialog').count(), 0);
    await kiosk.page.waitForURL(new RegExp(`/showroom/${STORE}\\?idle=${IDLE}$`));
    assert.equal(await kiosk.page.getByTestId('kiosk-search-input').inputValue(), '');
    // Still the store's kiosk, for the next shopper.
    assert.equal(await kiosk.page.getByTestId('kiosk-enrol').count(), 0);
    const session = await (await kiosk.page.request.get('/api/session')).json();
    assert.deepEqual([session.channel, session.store_id, session.signed_in], ['kiosk', STORE, false]);

    // A code works once.
    await other.page.goto(`/handoff/${code}`);
    await other.page.getByTestId('claim-button').click();
    const error = other.page.getByTestId('claim-error');
    await error.waitFor();
    assert.match(await error.innerText(), /уже использован/);

    assert.deepEqual(kiosk.errors, []);
    assert.deepEqual(staff.errors, []);
    assert.deepEqual(phone.errors, []);
    assert.deepEqual(other.errors, []);
  } finally {
    await kiosk.context.close();
    await staff.context.close();
    await phone.context.close();
    await other.context.close();
  }
});

test('a tablet cannot make itself a kiosk, staff signed in on it enrol it at once, and staff un-enrol it', async () => {
  const tablet = await newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const staff = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await tablet.page.goto(`/showroom/${STORE}`);
    await tablet.page.getByTestId('kiosk-enrol').waitFor();
    // Claiming the kiosk channel is refused (it once unlocked the showroom's own offers).
    const claim = await tablet.page.request.put('/api/session', { data: { channel: 'kiosk', store_id: STORE } });
    assert.equal(claim.status(), 403);
    assert.equal((await claim.json()).error.code, 'kiosk_enrolment_required');

    // A code nobody issued is explained, in Russian.
    await tablet.page.getByTestId('kiosk-enrol-code').fill('zzzz-zzzz');
    await tablet.page.getByTestId('kiosk-enrol-submit').click();
    const error = tablet.page.locator('[data-testid="kiosk-enrol-error"][data-code="unknown_enrolment_code"]');
    await error.waitFor();
    assert.match(await error.innerText(), /Такого кода нет/);

    // Staff signed in on the tablet itself enrol it with one press, and are signed out of it.
    await signInAsStaff(staff.page);
    const before = await kioskIds(staff.page, STORE);
    await signInAsStaff(tablet.page);
    await tablet.page.goto(`/showroom/${STORE}`);
    await tablet.page.getByTestId('kiosk-enrol-self').click();
    await tablet.page.getByTestId('kiosk-tile').first().waitFor();
    const session = await (await tablet.page.request.get('/api/session')).json();
    assert.deepEqual([session.channel, session.store_id, session.signed_in], ['kiosk', STORE, false]);
    const added = (await kioskIds(staff.page, STORE)).filter((id) => !before.includes(id));
    assert.equal(added.length, 1, 'one kiosk was enrolled');

    // Un-enrolled at the pickup desk, the tablet asks for a code again.
    await staff.page.goto(`/staff/${STORE}`);
    const row = staff.page.locator(`[data-testid="staff-kiosk"][data-kiosk-id="${added[0]}"]`);
    await row.getByTestId('kiosk-unenrol').click();
    await row.waitFor({ state: 'detached' });
    await tablet.page.reload();
    await tablet.page.getByTestId('kiosk-enrol').waitFor();
    assert.equal(await tablet.page.getByTestId('kiosk-tile').count(), 0);

    assert.deepEqual(tablet.errors, []);
    assert.deepEqual(staff.errors, []);
  } finally {
    await tablet.context.close();
    await staff.context.close();
  }
});

test('a code can be typed on /handoff, and an unknown one is explained', async () => {
  const { context, page, errors } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await page.goto('/handoff');
    await page.getByLabel('Код из 6 символов').fill('zz2-zz2');
    await page.getByTestId('handoff-submit').click();
    await page.waitForURL(/\/handoff\/ZZ2ZZ2$/);
    await page.getByTestId('claim-button').click();
    const error = page.getByTestId('claim-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Такого кода нет/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
