// Browser end-to-end test of reserve-in-store: a shopper orders a phone for pickup, the store's
// staff prepare and hand it over on the pickup desk, and the shopper is asked the NPS question.
// The shopper and the staff device are each their own browser context (own cookies), against the
// native `vitrina` host (VITRINA_URL) that `cargo xtask test` starts with the staff password below.
// Every step waits for the page to show what it should; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useBrowser } from './browser.mjs';

/** In stock in every store of the demo catalog. */
const SKU = 'PHN-0001';
const STAFF_EMAIL = 'staff@vitrina.local';
const STAFF_PASSWORD = 'e2e-staff-password';


useBrowser();


/** Waits until the header's cart count reads `n`. */
async function cartCountIs(page, n) {
  await page.getByTestId('cart-count').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

/** Waits until the order page shows `status`, and returns the status text. */
async function orderStatusIs(page, status) {
  const badge = page.locator(`[data-testid="order-status"][data-status="${status}"]`);
  await badge.waitFor();
  return (await badge.innerText()).trim();
}

test('a shopper reserves in a store, staff hand the order over, and the shopper is asked how it went', async () => {
  const email = `e2e-checkout-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const shopper = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const staff = await newPage({ viewport: { width: 1280, height: 800 } });
  try {
    // A new account.
    await shopper.page.goto('/signin');
    await shopper.page.getByTestId('register-name').fill('Мария');
    await shopper.page.getByTestId('register-email').fill(email);
    await shopper.page.getByTestId('register-password').fill('e2e-password-1');
    await shopper.page.getByTestId('register-submit').click();
    await shopper.page.waitForURL(/\/account$/);
    await shopper.page.getByTestId('signout').waitFor();
    await shopper.page.getByTestId('no-orders').waitFor();

    // A phone in the cart, then checkout from the cart.
    await shopper.page.goto(`/p/${SKU}`);
    await shopper.page.getByTestId('product-name').waitFor();
    await shopper.page.getByTestId('availability-headline').waitFor();
    await shopper.page.getByTestId('add-to-cart').click();
    await cartCountIs(shopper.page, 1);
    await shopper.page.getByTestId('cart-link').click();
    await shopper.page.waitForURL(/\/cart$/);
    await shopper.page.getByTestId('checkout-link').click();
    await shopper.page.waitForURL(/\/checkout$/);

    // Pickup (the default way) in the first store that has everything; pay on collection.
    await shopper.page.getByTestId('way-pickup').check();
    const option = shopper.page.locator('[data-testid="pickup-store"][data-missing="0"] [data-testid="pickup-store-option"]').first();
    await option.waitFor();
    const store = await option.getAttribute('value');
    assert.ok(store, 'the store option names its store');
    assert.match(
      await shopper.page.locator(`[data-testid="pickup-store"][data-store="${store}"]`).innerText(),
      /Всё в наличии/,
    );
    await option.check();
    await shopper.page.getByTestId('checkout-name').fill('Мария Иванова');
    await shopper.page.getByTestId('checkout-phone').fill('+7 912 345-67-89');
    await shopper.page.getByTestId('pay-pay_on_pickup').check();
    assert.match(await shopper.page.getByTestId('checkout-delivery').innerText(), /Бесплатно/);
    await shopper.page.getByTestId('place-order').click();

    // The confirmation: the order, placed and held in the store; the cart is empty.
    await shopper.page.waitForURL(/\/orders\/[A-Z0-9]+\?placed=1$/);
    const id = new URL(shopper.page.url()).pathname.split('/').pop();
    await shopper.page.getByTestId('order-placed').waitFor();
    assert.equal(await orderStatusIs(shopper.page, 'placed'), 'Оформлен');
    assert.match(await shopper.page.getByTestId('order-title').innerText(), new RegExp(id));
    assert.match(await shopper.page.getByTestId('order-hold').innerText(), /Ждёт вас до .*\d\d:\d\d/);
    await shopper.page.locator(`[data-testid="order-line"][data-sku="${SKU}"]`).waitFor();
    await cartCountIs(shopper.page, 0);

    // The order is in the account's list.
    await shopper.page.goto('/account');
    await shopper.page.locator(`[data-testid="account-order"][data-order-id="${id}"]`).waitFor();

    // The store's staff sign in on their own device and open the pickup desk.
    await staff.page.goto('/signin');
    await staff.page.getByTestId('signin-email').fill(STAFF_EMAIL);
    await staff.page.getByTestId('signin-password').fill(STAFF_PASSWORD);
    await staff.page.getByTestId('signin-submit').click();
    await staff.page.waitForURL(/\/account$/);
    await staff.page.getByTestId('staff-link').waitFor();
    await staff.page.goto(`/staff/${store}`);
    const row = staff.page.locator(`[data-testid="pickup-order"][data-order-id="${id}"]`);
    await row.waitFor();

    // Ready: the shopper's order page says so.
    await row.getByTestId('pickup-ready').click();
    await staff.page.locator(`[data-testid="pickup-order"][data-order-id="${id}"][data-status="ready_for_pickup"]`).waitFor();
    await shopper.page.goto(`/orders/${id}`);
    assert.equal(await orderStatusIs(shopper.page, 'ready_for_pickup'), 'Готов к выдаче');

    // Collected: the shopper is asked the NPS question; a 3 asks what to do better, then thanks.
    await row.getByTestId('pickup-collected').click();
    await staff.page.locator(`[data-testid="pickup-order"][data-order-id="${id}"][data-status="collected"]`).waitFor();
    await shopper.page.reload();
    assert.equal(await orderStatusIs(shopper.page, 'collected'), 'Получен');
    const prompt = shopper.page.getByTestId('nps-prompt');
    await prompt.waitFor();
    assert.equal(await shopper.page.getByTestId('nps-follow-up').count(), 0, 'no follow-up before a score');
    await prompt.getByRole('button', { name: '3 из 10' }).click();
    const followUp = shopper.page.getByTestId('nps-follow-up');
    await followUp.waitFor();
    assert.match(await followUp.innerText(), /Что нам сделать лучше\?/);
    await shopper.page.getByTestId('nps-reason').fill('Дольше хранить заказ в магазине');
    await shopper.page.getByTestId('nps-send').click();
    await shopper.page.getByTestId('nps-thanks').waitFor();
    assert.match(await shopper.page.getByTestId('nps-thanks').innerText(), /Спасибо/);

    assert.deepEqual(shopper.errors, []);
    assert.deepEqual(staff.errors, []);
  } finally {
    await shopper.context.close();
    await staff.context.close();
  }
});
