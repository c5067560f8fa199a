//! Small, per-device preferences in `localStorage` (language, city).
//!
//! Storage can be missing or refuse writes (private modes, disabled storage, quota): reading then
//! yields nothing and a failed write is logged, so the app keeps working with in-memory state.

use leptos::logging::warn;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The value stored under `key`, if storage is available and holds one.
pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; logs when the browser refuses.
pub fn set(key: &str, value: &str) {
    match local_storage() {
        Some(storage) => {
            if let Err(err) = storage.set_item(key, value) {
                warn!("could not save {key} in localStorage: {err:?}");
            }
        }
        None => warn!("localStorage is unavailable; {key} is kept for this visit only"),
    }
}

/// Removes `key`; logs when the browser refuses.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        if let Err(err) = storage.remove_item(key) {
            warn!("could not remove {key} from localStorage: {err:?}");
        }
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The value under `key` in this tab's `sessionStorage`.
pub fn session_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key` in this tab's `sessionStorage` (best effort).
pub fn session_set(key: &str, value: &str) {
    if let Some(storage) = session_storage() {
        if let Err(err) = storage.set_item(key, value) {
            warn!("could not save {key} in sessionStorage: {err:?}");
        }
    }
}
