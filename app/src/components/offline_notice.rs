//! A banner shown while the browser is offline.

use crate::i18n::{use_i18n, Key};
use leptos::ev;
use leptos::prelude::*;

fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Shows a banner while `navigator.onLine` is false; follows `online`/`offline` events.
#[component]
pub fn OfflineNotice() -> impl IntoView {
    let i18n = use_i18n();
    let online = RwSignal::new(browser_online());
    // The notice lives in the layout for the whole visit, so the listeners are never removed.
    let _online = window_event_listener(ev::online, move |_| online.set(true));
    let _offline = window_event_listener(ev::offline, move |_| online.set(false));
    view! {
        <Show when=move || !online.get()>
            <div class="offline-banner" role="status" aria-live="polite" data-testid="offline-banner">
                <p>{move || i18n.t(Key::OfflineBanner)}</p>
            </div>
        </Show>
    }
}
