// Browser end-to-end test of the marketer console: a marketer builds an offer rule in the structured
// editor ("10% off headphones on the showroom tablet of one store"), saves it disabled, previews it
// for a customer, enables it from the list, and the store's kiosk then shows the lower price while a
// web shopper's cart does not. The rule's id is unique per run and the rule is deleted at the end,
// so re-runs on one database and the other browser tests see the catalog's own prices.
// The marketer, the kiosk and the web shopper are each their own browser context (own cookies),
// against the native `vitrina` host (VITRINA_URL) that `cargo xtask test` starts with the marketer
// password below. Every step waits for the page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, newPage, useBrowser } from './browser.mjs';

const STORE = 'msk-tverskaya';
const MARKETER_EMAIL = 'marketer@vitrina.local';
const MARKETER_PASSWORD = 'e2e-marketer-password';
const STAFF_EMAIL = 'staff@vitrina.local';
const STAFF_PASSWORD = 'e2e-staff-password';


useBrowser();


async function api(path) {
  const response = await fetch(new URL(path, BASE));
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

/** A headphones product the chain has units of: AUD-0001 when it can be had. */
async function headphones() {
  const page = await api('/api/products?category=headphones&page=1');
  const inStock = page.items.filter((p) => p.total_available > 0);
  const product = inStock.find((p) => p.sku === 'AUD-0001') ?? inStock[0];
  assert.ok(product, 'some headphones are in stock');
  return product;
}

/** Kopecks of an amount such as "4990.00". */
function kopecks(amount) {
  const [rub, kop = '0'] = amount.split('.');
  return Number(rub) * 100 + Number(kop.padEnd(2, '0').slice(0, 2));
}

/** Kopecks of a price as shown in Russian, e.g. "4 491 ₽" or "4 491,50 ₽". */
function shownKopecks(text) {
  const [rub, kop = '0'] = text.replace(/[^\d,]/g, '').split(',');
  return Number(rub) * 100 + Number(kop.padEnd(2, '0').slice(0, 2));
}

/** Enrols the browser of `page` as the showroom kiosk of `store`: the staff account (signed in
 *  through the API, as the pickup desk would be) issues a one-time code, typed on the tablet. */
async function enrolKiosk(page, store) {
  const login = await fetch(new URL('/api/auth/login', BASE), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: STAFF_EMAIL, password: STAFF_PASSWORD }),
  });
  assert.equal(login.status, 200, 'staff sign-in');
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const issued = await fetch(new URL('/api/kiosk/enrolments', BASE), {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ store_id: store }),
  });
  assert.equal(issued.status, 201, 'an enrolment code');
  const { code } = await issued.json();
  await page.goto(`/showroom/${store}`);
  await page.getByTestId('kiosk-enrol-code').fill(code);
  await page.getByTestId('kiosk-enrol-submit').click();
  await page.getByTestId('kiosk-store').waitFor();
}

/** Signs the marketer in on `page` and waits for the header's console link. */
async function signInAsMarketer(page) {
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(MARKETER_EMAIL);
  await page.getByTestId('signin-password').fill(MARKETER_PASSWORD);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(/\/account$/);
  await page.getByTestId('admin-link').waitFor();
}

test('a marketer builds a kiosk-only offer, previews it, enables it, and only the kiosk shows the lower price', async () => {
  const product = await headphones();
  const listKopecks = kopecks(product.price.amount);
  // 10 % off, rounded to the kopeck halves up (as the engine does).
  const discountKopecks = Math.floor((listKopecks * 1000 + 5000) / 10000);
  const expectedKopecks = listKopecks - discountKopecks;
  const ruleId = `e2e-kiosk-headphones-${Date.now()}`;
  const ruleName = `10% на наушники в киоске ${ruleId.slice(-6)}`;
  const customerEmail = `e2e-admin-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const registered = await fetch(new URL('/api/auth/register', BASE), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: customerEmail, password: 'e2e-password-1', name: 'Покупатель' }),
  });
  assert.equal(registered.status, 201, 'the test customer is registered');

  const marketer = await newPage({ viewport: { width: 1280, height: 900 } });
  const kiosk = await newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  const web = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  let deleted = false;
  try {
    await signInAsMarketer(marketer.page);
    await marketer.page.getByTestId('admin-link').click();
    await marketer.page.waitForURL(/\/admin$/);
    await marketer.page.locator('[data-testid="rules-table"], [data-testid="rules-empty"]').first().waitFor();

    // The structured editor: basics, switched off for now.
    await marketer.page.getByTestId('rule-new').click();
    await marketer.page.waitForURL(/\/admin\/rules\/new$/);
    const editor = marketer.page.getByTestId('rule-editor');
    await editor.waitFor();
    await marketer.page.getByTestId('rule-id').fill(ruleId);
    await marketer.page.getByTestId('rule-name').fill(ruleName);
    await marketer.page.getByTestId('rule-enabled').uncheck();

    // Conditions: the kiosk channel, and the store.
    await marketer.page.getByTestId('condition-add').click();
    const first = marketer.page.locator('[data-testid="condition"][data-index="0"]');
    await first.getByTestId('cond-channel-kiosk').check();
    await marketer.page.getByTestId('condition-add').click();
    const second = marketer.page.locator('[data-testid="condition"][data-index="1"]');
    await second.getByTestId('cond-type').selectOption('stores');
    await second.getByTestId(`cond-store-${STORE}`).check();

    // The effect: percent off the headphones category. Saving without the percentage is stopped
    // in the browser, with the problem at the field.
    await marketer.page.getByTestId('effect-type').selectOption('percent_off');
    await marketer.page.getByTestId('effect-target').selectOption('category');
    await marketer.page.getByTestId('effect-target-category').selectOption('headphones');
    await marketer.page.getByTestId('rule-save').click();
    const percentError = marketer.page.locator('#effect-percent-error');
    await percentError.filter({ hasText: 'Заполните это поле.' }).waitFor();
    assert.equal(await marketer.page.getByTestId('effect-percent').getAttribute('aria-invalid'), 'true');

    // A percentage the server would refuse is refused before sending, by the server's own check run
    // in the browser, and shown as the server's answer would be at the field it names (/effect/percent).
    await marketer.page.getByTestId('effect-percent').fill('150');
    await marketer.page.getByTestId('rule-save').click();
    // In the marketer's language (regression: the server's English sentence was shown; issue 10, item 10).
    await percentError.filter({ hasText: 'Процент — больше 0 и не больше 100.' }).waitFor();
    await marketer.page.locator('[data-testid="rule-save-error"][data-code="invalid_rule"]').waitFor();

    await marketer.page.getByTestId('effect-percent').fill('10');
    const json = JSON.parse(await marketer.page.getByTestId('rule-json').textContent());
    assert.deepEqual(json.conditions, [
      { type: 'channels', channels: ['kiosk'] },
      { type: 'stores', stores: [STORE] },
    ]);
    assert.deepEqual(json.effect, { type: 'percent_off', target: { kind: 'category', category: 'headphones' }, percent: '10' });
    assert.equal(json.enabled, false);
    await marketer.page.getByTestId('rule-save').click();
    await marketer.page.waitForURL(new RegExp(`/admin/rules/${ruleId}\\?saved=1$`));
    await marketer.page.getByTestId('rule-saved').waitFor();

    // The preview: the customer at the store's kiosk gets 10 % off, with the reason.
    const preview = marketer.page.getByTestId('rule-preview');
    await preview.getByTestId('preview-email').fill(customerEmail);
    await preview.getByTestId('preview-channel').selectOption('kiosk');
    await preview.getByTestId('preview-store').selectOption(STORE);
    await preview.getByTestId('preview-sku').first().fill(product.sku);
    await preview.getByTestId('preview-run').click();
    const applied = preview.locator(`[data-testid="preview-applied"][data-rule-id="${ruleId}"]`);
    await applied.waitFor();
    assert.match(await applied.getByTestId('preview-reason').innerText(), /^Скидка 10\s%\sна категорию «Наушники»$/);
    assert.equal(shownKopecks(await preview.getByTestId('preview-total').innerText()), expectedKopecks);

    // On the website the same cart gets nothing, and the preview says which condition failed.
    await preview.getByTestId('preview-channel').selectOption('web');
    await preview.getByTestId('preview-run').click();
    const rejected = preview.locator(`[data-testid="preview-rejected"][data-rule-id="${ruleId}"]`);
    await rejected.waitFor();
    assert.match(await rejected.innerText(), /Условие 1 — Каналы продаж/);
    assert.match(await rejected.innerText(), /не для канала «Сайт»/);
    assert.doesNotMatch(await rejected.locator('.preview-offer-reason').innerText(), /[A-Za-z]/, 'no English in the Russian console');
    assert.equal(shownKopecks(await preview.getByTestId('preview-total').innerText()), listKopecks);

    // Enabled from the list, as the version shown.
    await marketer.page.getByTestId('rules-back').click();
    await marketer.page.waitForURL(/\/admin$/);
    const row = marketer.page.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"]`);
    await row.waitFor();
    assert.equal((await row.getByTestId('rule-status').innerText()).trim(), 'Выключено');
    await row.getByTestId('rule-toggle').click();
    await marketer.page.locator(`[data-testid="rule-row"][data-rule-id="${ruleId}"][data-enabled="true"]`).waitFor();
    assert.equal((await row.getByTestId('rule-status').innerText()).trim(), 'Включено');

    // The store's kiosk (a tablet its staff enrolled): the price "for you" on the product, then the
    // discounted cart.
    await enrolKiosk(kiosk.page, STORE);
    await kiosk.page.goto(`/showroom/${STORE}/p/${product.sku}`);
    await kiosk.page.getByTestId('product-name').waitFor();
    const personal = kiosk.page.getByTestId('personal-price');
    await personal.waitFor();
    assert.equal(shownKopecks(await personal.getByTestId('personal-price-value').innerText()), expectedKopecks);
    assert.match(await personal.getByTestId('personal-price-offer').innerText(), new RegExp(ruleId.slice(-6)));
    await kiosk.page.getByTestId('add-to-cart').click();
    await kiosk.page.getByTestId('kiosk-cart-count').filter({ hasText: /^1$/ }).waitFor();
    await kiosk.page.getByTestId('kiosk-cart-discount').waitFor();
    assert.equal(shownKopecks(await kiosk.page.getByTestId('kiosk-cart-total').innerText()), expectedKopecks);
    await kiosk.page.locator(`[data-testid="cart-offer"][data-rule-id="${ruleId}"]`).filter({ hasText: ruleName }).waitFor();

    // A web shopper: no price "for you", and the cart at the list price.
    await web.page.goto(`/p/${product.sku}`);
    await web.page.getByTestId('product-name').waitFor();
    await web.page.waitForFunction(() => {
      const region = document.querySelector('.personal-price-region');
      return region && !region.querySelector('.loading');
    });
    assert.equal(await web.page.getByTestId('personal-price').count(), 0);
    await web.page.getByTestId('add-to-cart').click();
    await web.page.getByTestId('cart-count').filter({ hasText: /^1$/ }).waitFor();
    await web.page.getByTestId('cart-link').click();
    await web.page.waitForURL(/\/cart$/);
    const total = web.page.getByTestId('cart-total');
    await total.waitFor();
    assert.equal(shownKopecks(await total.innerText()), listKopecks);
    assert.equal(await web.page.getByTestId('cart-discount').count(), 0);
    assert.equal(await web.page.getByTestId('cart-offer').count(), 0);

    // Deleted from the list, after a confirmation.
    await row.getByTestId('rule-delete').click();
    await row.getByTestId('rule-delete-confirm').click();
    await row.waitFor({ state: 'detached' });
    deleted = true;

    assert.deepEqual(marketer.errors, []);
    assert.deepEqual(kiosk.errors, []);
    assert.deepEqual(web.errors, []);
  } finally {
    if (!deleted) {
      // A failed run must not leave a discount behind for the other tests.
      await marketer.page.request.delete(`/api/admin/rules/${ruleId}`).catch(() => {});
    }
    await marketer.context.close();
    await kiosk.context.close();
    await web.context.close();
  }
});

test('the console shows segments, KPIs with charts and NPS, and counts campaign recipients', async () => {
  const marketer = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await signInAsMarketer(marketer.page);
    await marketer.page.goto('/admin/segments');
    await marketer.page.locator('[data-testid="segment-row"][data-segment-id="new"]').waitFor();
    assert.match(
      await marketer.page.locator('[data-testid="segment-row"][data-segment-id="new"] code').innerText(),
      /"type": "new_customer"/,
    );

    await marketer.page.getByTestId('admin-tab-kpis').click();
    await marketer.page.waitForURL(/\/admin\/kpis$/);
    await marketer.page.getByTestId('kpi-report').waitFor();
    await marketer.page.getByTestId('kpi-participation').waitFor();
    assert.equal(await marketer.page.locator('[data-testid="kpi-chart"] svg').count(), 5);
    await marketer.page.getByTestId('nps-summary').waitFor();

    await marketer.page.getByTestId('admin-tab-campaigns').click();
    await marketer.page.waitForURL(/\/admin\/campaigns$/);
    await marketer.page.getByTestId('campaign-title').fill('Неделя наушников');
    await marketer.page.getByTestId('campaign-body').fill('−10% на наушники в магазине на Тверской');
    await marketer.page.getByTestId('campaign-url').fill('/c/headphones');
    await marketer.page.getByTestId('campaign-preview').click();
    assert.match(await marketer.page.getByTestId('campaign-count').innerText(), /\d+\s+получател/);
    await marketer.page.locator('[data-testid="campaigns-table"], [data-testid="campaigns-empty"]').first().waitFor();
    assert.deepEqual(marketer.errors, []);
  } finally {
    await marketer.context.close();
  }
});

test('the console asks guests to sign in and tells shoppers it needs the marketer role', async () => {
  const guest = await newPage();
  const shopper = await newPage();
  try {
    await guest.page.goto('/admin');
    await guest.page.getByTestId('admin-signin').waitFor();

    const email = `e2e-admin-shopper-${Date.now()}@example.com`;
    const response = await shopper.page.request.post('/api/auth/register', { data: { email, password: 'e2e-password-1', name: 'Анна' } });
    assert.equal(response.status(), 201);
    await shopper.page.goto('/admin');
    const refusal = shopper.page.getByTestId('admin-role-required');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /роль «маркетолог»/);
    assert.equal(await shopper.page.getByTestId('admin-link').count(), 0);
    assert.deepEqual(guest.errors, []);
    assert.deepEqual(shopper.errors, []);
  } finally {
    await guest.context.close();
    await shopper.context.close();
  }
});
