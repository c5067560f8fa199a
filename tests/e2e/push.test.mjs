// Browser end-to-end test of Web Push opt-in: the card offered after adding to the cart, turning
// notifications on with chosen topics, changing them in the account, turning them off; "Notify me
// when it's back" on a product out of stock; and "Not now" remembered on the device. Against the
// native `vitrina` host (VITRINA_URL). Every step waits for the page to show what it should;
// nothing sleeps.
//
// Not tested here:
// - Real delivery through a browser's push service. Headless Chromium has no push service to
//   reach (no network, no GCM), so `PushManager.prototype.subscribe` is wrapped (PUSH_STAND_IN,
//   installed with `page.addInitScript`): it records the applicationServerKey the app passes
//   and, when the real call fails, resolves to a stand-in subscription with an FCM-shaped
//   endpoint and real P-256 / auth keys (the server checks the point is on the curve).
//   `getSubscription` returns that stand-in while it is subscribed, as the browser would.
//   Encrypting, signing and sending to a push service is covered by the Rust stand-in push
//   service test, edge/tests/push.rs.
// - The service worker's `push` and `notificationclick` handlers: a page cannot dispatch a
//   synthetic PushEvent or NotificationEvent to its service worker, so they are not exercised.
// - The permission prompt itself: the `notifications` permission is granted to the context up
//   front (a headless browser shows no prompt to click).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, newPage, useBrowser } from './browser.mjs';

/** In stock in every store of the demo catalog. */
const SKU = 'PHN-0001';


useBrowser();


/** localStorage key where the stand-in keeps what it saw, across the page loads of a device. */
const SEEN_KEY = '__pushE2E';

/**
 * Runs in every page before the app: wraps the push manager as described at the top. What it saw
 * is kept in localStorage under SEEN_KEY (so it outlives navigations, like a real subscription):
 * { keys: byte arrays passed as applicationServerKey, realError, subscription: the stand-in's
 * toJSON() and key while subscribed }.
 */
const PUSH_STAND_IN = (seenKey) => {
  if (typeof PushManager === 'undefined') return;
  const load = () => JSON.parse(localStorage.getItem(seenKey) ?? '{"keys":[],"realError":null,"subscription":null}');
  const save = (seen) => localStorage.setItem(seenKey, JSON.stringify(seen));
  const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const bytesOf = (key) => (ArrayBuffer.isView(key)
    ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
    : new Uint8Array(key));
  const standIn = ({ json, key }) => ({
    endpoint: json.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(key).buffer },
    toJSON: () => json,
    unsubscribe: async () => {
      save({ ...load(), subscription: null });
      return true;
    },
  });
  const realSubscribe = PushManager.prototype.subscribe;
  const realGetSubscription = PushManager.prototype.getSubscription;
  PushManager.prototype.subscribe = async function subscribe(options) {
    const key = Array.from(bytesOf(options.applicationServerKey));
    save({ ...load(), keys: [...load().keys, key] });
    try {
      return await realSubscribe.call(this, options);
    } catch (err) {
      save({ ...load(), realError: String(err) });
    }
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const p256dh = base64url(await crypto.subtle.exportKey('raw', pair.publicKey));
    const auth = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const endpoint = `https://fcm.googleapis.com/fcm/send/e2e-${crypto.randomUUID()}`;
    const subscription = { json: { endpoint, expirationTime: null, keys: { p256dh, auth } }, key };
    save({ ...load(), subscription });
    return standIn(subscription);
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    const { subscription } = load();
    return subscription ? standIn(subscription) : realGetSubscription.call(this);
  };
};

/** What the push stand-in saw on this device. */
async function seenByStandIn(page) {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{"keys":[],"realError":null,"subscription":null}'), SEEN_KEY);
}

/** A new device that may show notifications, with the push stand-in installed. */
async function pushDevice() {
  const device = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await device.context.grantPermissions(['notifications'], { origin: BASE });
  await device.page.addInitScript(PUSH_STAND_IN, SEEN_KEY);
  return device;
}

/** This shopper's subscriptions as the API lists them (the context's cookie is sent). */
async function subscriptions(page) {
  const response = await page.request.get('/api/push/subscriptions');
  assert.equal(response.status(), 200);
  return response.json();
}

/** The endpoint of the browser's push subscription, or null. */
async function browserEndpoint(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    return subscription ? subscription.endpoint : null;
  });
}

/** Waits until the header's cart count reads `n`. */
async function cartCountIs(page, n) {
  await page.getByTestId('cart-count').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

test('a shopper turns notifications on after adding to the cart, changes a topic in the account and turns them off', async () => {
  const email = `e2e-push-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const { context, page, errors } = await pushDevice();
  try {
    await page.goto('/signin');
    await page.getByTestId('register-name').fill('Ольга');
    await page.getByTestId('register-email').fill(email);
    await page.getByTestId('register-password').fill('e2e-password-1');
    await page.getByTestId('register-submit').click();
    await page.waitForURL(/\/account$/);
    await page.getByTestId('push-off').waitFor();

    // Nothing is offered on arriving at the product; adding it to the cart brings the card.
    await page.goto(`/p/${SKU}`);
    await page.getByTestId('availability-headline').waitFor();
    assert.equal(await page.getByTestId('push-optin').count(), 0, 'no offer before the first add');
    await page.getByTestId('add-to-cart').click();
    await cartCountIs(page, 1);
    const card = page.getByTestId('push-optin');
    await card.waitFor();
    assert.match(await card.innerText(), /20 минут/, 'the card says what will be sent');
    assert.equal(await card.getByTestId('push-topic-cart_reminders').isChecked(), true);
    assert.equal(await card.getByTestId('push-topic-order_status').isChecked(), true);
    assert.equal(await card.getByTestId('push-topic-promotions').isChecked(), false, 'promotions only if ticked');
    await card.getByTestId('push-enable').click();
    await page.getByTestId('push-enabled').waitFor();

    // The service worker is active, and the app subscribed with the server's VAPID key.
    const active = await page.evaluate(async () => Boolean((await navigator.serviceWorker.ready).active));
    assert.equal(active, true, 'the service worker is registered and active');
    const vapid = await page.request.get('/api/push/vapid-public-key');
    assert.equal(vapid.status(), 200);
    const serverKey = Buffer.from((await vapid.json()).key, 'base64url');
    assert.equal(serverKey.length, 65, 'an uncompressed P-256 point');
    const seen = await seenByStandIn(page);
    assert.equal(seen.keys.length, 1, 'subscribed once');
    assert.deepEqual(Buffer.from(seen.keys[0]), serverKey, 'applicationServerKey is the server key, byte for byte');

    // The server lists this browser's subscription with the chosen topics.
    const endpoint = await browserEndpoint(page);
    assert.ok(endpoint, `the browser has a subscription (real subscribe: ${seen.realError ?? 'succeeded'})`);
    let stored = await subscriptions(page);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].endpoint, endpoint);
    assert.deepEqual([...stored[0].topics].sort(), ['cart_reminders', 'order_status']);

    // The account shows it as on here; ticking promotions is saved at once.
    await page.goto('/account');
    const settings = page.getByTestId('push-settings');
    await settings.getByTestId('push-on').waitFor();
    assert.equal(await settings.getByTestId('push-topic-promotions').isChecked(), false);
    await settings.getByTestId('push-topic-promotions').check();
    await settings.getByTestId('push-saved').waitFor();
    stored = await subscriptions(page);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].endpoint, endpoint, 'the same subscription, updated');
    assert.deepEqual([...stored[0].topics].sort(), ['cart_reminders', 'order_status', 'promotions']);

    // Reading a public page in English: the islands see the language change and load the
    // notifications' bundle for it alone, and this device's notifications follow the language.
    const followed = page.waitForRequest((r) => r.url().endsWith('/api/push/subscriptions')
      && r.method() === 'POST' && r.postDataJSON()?.locale === 'en');
    await page.goto(`/en/p/${SKU}`);
    const resent = await followed;
    assert.equal(resent.postDataJSON().subscription.endpoint, endpoint, 'the same subscription, now in English');
    stored = await subscriptions(page);
    assert.equal(stored.length, 1, 'still one subscription');
    assert.deepEqual([...stored[0].topics].sort(), ['cart_reminders', 'order_status', 'promotions'], 'its topics kept');

    // Turning off here: the server forgets it and the browser drops it.
    await page.goto('/account');
    await settings.getByTestId('push-on').waitFor();
    await settings.getByTestId('push-disable').click();
    await settings.getByTestId('push-off').waitFor();
    assert.deepEqual(await subscriptions(page), []);
    assert.equal(await browserEndpoint(page), null);

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a shopper asks to be told when an out-of-stock product is back in their city', async () => {
  const { context, page, errors } = await pushDevice();
  try {
    // A product no store has (the demo catalog leaves some without stock).
    const listing = await page.request.get('/api/products?page=1');
    assert.equal(listing.status(), 200);
    const missing = (await listing.json()).items.find((p) => p.total_available === 0);
    assert.ok(missing, 'the first page of the demo catalog has a product out of stock');

    await page.goto(`/p/${missing.sku}`);
    await page.getByTestId('city-select').selectOption('saint_petersburg');
    // Distances show once the answer for the chosen city is in.
    await page.getByTestId('store-distance').first().waitFor();
    assert.match(await page.getByTestId('availability-headline').innerText(), /Нет в наличии/);
    await page.getByTestId('notify-back').click();
    await page.getByTestId('notify-back-on').waitFor();

    const stored = await subscriptions(page);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].topics, [`back_in_stock:${missing.sku}`], 'only what was asked for');
    assert.equal(stored[0].city, 'saint_petersburg');
    assert.equal(stored[0].endpoint, await browserEndpoint(page));
    assert.equal(await page.getByTestId('push-optin').count(), 0, 'no general offer on a product not in the cart');

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('"Not now" on the offer is remembered on the device', async () => {
  const { context, page, errors } = await pushDevice();
  try {
    await page.goto(`/p/${SKU}`);
    await page.getByTestId('availability-headline').waitFor();
    await page.getByTestId('add-to-cart').click();
    await cartCountIs(page, 1);
    await page.getByTestId('push-dismiss').click();
    await page.getByTestId('push-optin').waitFor({ state: 'detached' });

    // The cart page would offer it too, but not after "Not now" (decided before anything loads).
    await page.goto('/cart');
    await page.getByTestId('cart-line').waitFor();
    assert.equal(await page.getByTestId('push-optin').count(), 0);
    assert.equal(await page.evaluate(() => localStorage.getItem('vitrina.push.dismissed')), '1');
    assert.deepEqual(await subscriptions(page), [], 'nothing was subscribed');
    const seen = await seenByStandIn(page);
    assert.equal(seen.keys.length, 0, 'the push manager was never asked');

    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
