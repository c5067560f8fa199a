//! The locale as app-wide context, remembered on this device.
//!
//! The strings and the pure formatting of prices, distances and pickup times live in
//! [`vitrina_shared::i18n`] (tested on the host) and are re-exported here, so views import
//! everything locale-related from `crate::i18n`.

use crate::storage;
use leptos::prelude::*;

pub use vitrina_shared::i18n::*;

/// localStorage key holding the shopper's language on this device: `"ru"` or `"en"`.
pub const LOCALE_STORAGE_KEY: &str = "vitrina.locale";

/// The locale as app-wide context: read it with [`use_i18n`].
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The locale saved on this device, or Russian.
    pub fn from_storage() -> Self {
        let saved = storage::get(LOCALE_STORAGE_KEY).and_then(|code| Locale::from_code(&code));
        I18n { locale: RwSignal::new(saved.unwrap_or_default()) }
    }

    /// The current locale (tracked: views re-render when it changes).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current locale, without subscribing to changes (for event handlers and tasks).
    pub fn locale_untracked(&self) -> Locale {
        self.locale.get_untracked()
    }

    /// The string for `key` in the current locale (tracked).
    pub fn t(&self, key: Key) -> &'static str {
        t(self.locale(), key)
    }

    /// Switches the language and remembers it on this device; `false` when it was the language
    /// already. This device's push notifications follow through [`crate::push::switch_language`]
    /// in the apps (the islands leave that to the push bundle, see `push_islands`).
    pub fn set(&self, locale: Locale) -> bool {
        if self.locale.get_untracked() == locale {
            return false;
        }
        self.locale.set(locale);
        storage::set(LOCALE_STORAGE_KEY, locale.code());
        true
    }
}

/// The locale context provided by `App`.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The viewer's offset from UTC in minutes, from the browser.
pub fn local_utc_offset_minutes() -> i32 {
    // `getTimezoneOffset` is UTC minus local time, in whole minutes.
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Seconds since the Unix epoch, from the browser clock.
pub fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}
