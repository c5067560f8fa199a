//! What an async view shows while loading and when loading failed.

use crate::api::{ApiError, ApiErrorKind};
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// The placeholder inside every `Transition` fallback.
#[component]
pub fn Loading(#[prop(default = Key::Loading)] label: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="loading" role="status" aria-live="polite">
            {move || i18n.t(label)}
        </p>
    }
}

/// The headline for an error: what the shopper should understand.
fn title_key(err: Option<&ApiError>) -> Key {
    let Some(err) = err else { return Key::ErrUnknown };
    match (&err.kind, err.code.as_str()) {
        (_, "unknown_sku" | "invalid_sku") => Key::ErrProductNotFound,
        (_, "unknown_category" | "invalid_category") => Key::ErrCategoryNotFound,
        (_, "unknown_store" | "store_required") => Key::ErrStoreNotFound,
        (_, "unknown_order") => Key::ErrOrderNotFound,
        (_, "unknown_rule") => Key::AdminErrRuleNotFound,
        (ApiErrorKind::Network, _) => Key::ErrNetwork,
        (ApiErrorKind::Timeout, _) => Key::ErrTimeout,
        (ApiErrorKind::Decode, _) => Key::ErrDecode,
        (ApiErrorKind::Http { status: 404 }, _) => Key::ErrNotFound,
        (ApiErrorKind::Http { status }, _) if *status >= 500 => Key::ErrServer,
        (ApiErrorKind::Http { .. } | ApiErrorKind::Invalid, _) => Key::ErrBadRequest,
    }
}

/// The error view of an `ErrorBoundary`: a headline, the detail (what the error code says, in the
/// shopper's language), and a Retry button that refetches. Offline (no answer at all) it is a calm
/// note instead, and it refetches by itself when the connection returns.
#[component]
pub fn ErrorView(
    /// The boundary's errors.
    errors: ArcRwSignal<Errors>,
    /// Refetches whatever failed.
    #[prop(into)]
    on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The first error that is an `ApiError` decides the headline; others are still listed.
    let api_error = {
        let errors = errors.clone();
        move || errors.with(|errs| errs.iter().find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned()))
    };
    let title = {
        let api_error = api_error.clone();
        move || i18n.t(title_key(api_error().as_ref()))
    };
    // The connection hint only where trying again can help.
    let transient = {
        let api_error = api_error.clone();
        move || {
            api_error().is_none_or(|e| match e.kind {
                ApiErrorKind::Network | ApiErrorKind::Timeout => true,
                ApiErrorKind::Http { status } => status >= 500,
                ApiErrorKind::Decode | ApiErrorKind::Invalid => false,
            })
        }
    };
    let details = move || {
        let locale = i18n.locale();
        errors.with(|errs| {
            errs.iter()
                .map(|(_, e)| {
                    // Only an API error has words for the shopper; anything else is told generally.
                    let text = e.downcast_ref::<ApiError>().map_or_else(|| i18n.t(Key::ErrUnknown).to_owned(), |api| api.text(locale));
                    view! { <li class="error-detail">{text}</li> }
                })
                .collect_view()
        })
    };
    let hint = move || transient().then(|| view! { <p class="error-hint">{move || i18n.t(Key::ErrHint)}</p> });
    // Being offline is no error: a calm note, and the view loads by itself once back online.
    let offline = {
        let api_error = api_error.clone();
        move || api_error().is_some_and(|e| e.kind == ApiErrorKind::Network)
    };
    let again = window_event_listener_untyped("online", move |_| on_retry.run(()));
    on_cleanup(move || again.remove());
    if untrack(offline) {
        return view! {
            <section class="offline-view" role="status" data-testid="offline-view">
                <h2 class="offline-view-title">{move || i18n.t(Key::OfflineTitle)}</h2>
                <p>{move || i18n.t(Key::OfflineText)}</p>
                <a class="button button-secondary" href="/">
                    {move || i18n.t(Key::ToHome)}
                </a>
            </section>
        }
        .into_any();
    }

    view! {
        <section class="error-view" role="alert" data-testid="error-view">
            <h2 class="error-title">{title}</h2>
            {hint}
            <ul class="error-details">{details}</ul>
            <div class="error-actions">
                <button
                    type="button"
                    class="button retry-button"
                    data-testid="retry"
                    on:click=move |_| on_retry.run(())
                >
                    {move || i18n.t(Key::Retry)}
                </button>
                <a class="button button-secondary" href="/">
                    {move || i18n.t(Key::ToHome)}
                </a>
            </div>
        </section>
    }
    .into_any()
}

/// A `Transition` showing [`Loading`] until `children` have loaded, inside an `ErrorBoundary`
/// showing [`ErrorView`] with a Retry button if they failed.
#[component]
pub fn LoadBoundary(
    /// Refetches whatever failed.
    #[prop(into)]
    on_retry: Callback<()>,
    /// What [`Loading`] says meanwhile.
    #[prop(default = Key::Loading)]
    label: Key,
    children: Children,
) -> impl IntoView {
    view! {
        <Transition fallback=move || view! { <Loading label /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorView errors on_retry /> }>{children()}</ErrorBoundary>
        </Transition>
    }
}

/// The failure of an action (a button) under it: `message`, and what the error code says in brackets
/// (offline: that it needs the network).
/// Empty while `error` is `None`; an ARIA alert so screen readers announce it.
#[component]
pub fn ActionError(error: RwSignal<Option<ApiError>>, message: Key, test_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div role="alert">
            {move || {
                error
                    .get()
                    .map(|err| {
                        let code = err.code.clone();
                        // Offline is said plainly, without a technical detail.
                        let offline = err.kind == ApiErrorKind::Network;
                        view! {
                            <p class="form-error" data-testid=test_id data-code=code>
                                {move || i18n.t(message)}
                                <span class="error-detail">
                                    " (" {move || if offline { i18n.t(Key::ActionNeedsNetwork).to_owned() } else { err.text(i18n.locale()) }} ")"
                                </span>
                            </p>
                        }
                    })
            }}
        </div>
    }
}
