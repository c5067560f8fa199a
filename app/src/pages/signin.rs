//! `/signin`: sign in to an account, or create one. Either way the guest cart of this device is
//! merged into the account's, and the account page says what the merge had to change.

use crate::api::{self, ApiError};
use crate::cart::use_cart;
use crate::components::form_field::FormField;
use crate::i18n::{use_i18n, Key, Locale};
use crate::session::use_session;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use vitrina_shared::account::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use vitrina_shared::api::{LoginRequest, RegisterRequest, SignedIn};

/// What to tell the shopper when signing in or registering failed.
fn auth_error_key(err: &ApiError) -> Key {
    match err.code.as_str() {
        "bad_credentials" => Key::ErrBadCredentials,
        "email_taken" => Key::ErrEmailTaken,
        "invalid_email" => Key::ErrInvalidEmail,
        "password_policy" => Key::ErrPasswordPolicy,
        "too_many_requests" => Key::ErrTooManyRequests,
        _ => Key::ErrAuthFailed,
    }
}

fn value(input: NodeRef<html::Input>) -> String {
    input.get_untracked().map(|el| el.value()).unwrap_or_default()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let cart = use_cart();
    let navigate = use_navigate();
    // Back to the page the shopper came from (`?next=`, a path on this site only), else the account.
    let next =
        use_query_map().with_untracked(|q| q.get("next")).and_then(|n| vitrina_shared::account::safe_return_path(&n).map(str::to_owned));
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    let signin_email: NodeRef<html::Input> = NodeRef::new();
    let signin_password: NodeRef<html::Input> = NodeRef::new();
    let register_name: NodeRef<html::Input> = NodeRef::new();
    let register_email: NodeRef<html::Input> = NodeRef::new();
    let register_password: NodeRef<html::Input> = NodeRef::new();

    // Signs in (or registers) as this tab's own change of cart, then goes back (or to the account).
    let finish = move |work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<SignedIn, ApiError>>>>| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let next = next.clone();
        spawn_local(async move {
            match cart.switching(work).await {
                Ok(SignedIn { profile, cart_adjustments }) => {
                    if let Some(locale) = Locale::from_code(&profile.language) {
                        crate::push::switch_language(i18n, locale);
                    }
                    session.signed_in_as(profile, cart_adjustments);
                    match next.as_deref() {
                        // A server-rendered page: a full load at once (not a client-side route
                        // that would only hand it over with a second navigation).
                        Some(path) if !vitrina_shared::app_path(path.split(['?', '#']).next().unwrap_or(path)) => {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().assign(path);
                            }
                        }
                        Some(path) => navigate(path, Default::default()),
                        None => navigate("/account", Default::default()),
                    }
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            pending.try_set(false);
        });
    };

    let on_signin = {
        let finish = finish.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let request = LoginRequest { email: value(signin_email).trim().to_owned(), password: value(signin_password) };
            finish(Box::pin(async move { api::login(&request).await }));
        }
    };
    let on_register = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = RegisterRequest {
            email: value(register_email).trim().to_owned(),
            password: value(register_password),
            name: value(register_name).trim().to_owned(),
        };
        finish(Box::pin(async move { api::register(&request).await }));
    };

    let error_view = move || {
        error.get().map(|err| {
            let key = auth_error_key(&err);
            // An address refused for a reason (an invisible character, mixed alphabets) says which.
            let precise = err.params.contains_key("reason");
            let text = move || if precise { err.text(i18n.locale()) } else { i18n.t(key).to_owned() };
            view! {
                <p class="form-error" data-testid="auth-error">
                    {text}
                </p>
            }
        })
    };
    let submit_button = move |testid: &'static str, key: Key| {
        view! {
            <button type="submit" class="button" data-testid=testid aria-busy=move || pending.get().to_string()>
                {move || i18n.t(if pending.get() { Key::Working } else { key })}
            </button>
        }
    };

    view! {
        <section class="signin-page" aria-labelledby="signin-title">
            <h1 id="signin-title" class="page-title">{move || i18n.t(Key::SignInTitle)}</h1>
            <div role="alert" class="form-alerts">{error_view}</div>
            <div class="auth-forms">
                <form class="auth-form" aria-labelledby="signin-heading" on:submit=on_signin>
                    <h2 id="signin-heading" class="section-title">{move || i18n.t(Key::SignInHeading)}</h2>
                    <FormField input_id="signin-email" label=Key::Email>
                        <input
                            id="signin-email"
                            type="email"
                            name="email"
                            autocomplete="username"
                            required=true
                            data-testid="signin-email"
                            node_ref=signin_email
                        />
                    </FormField>
                    <FormField input_id="signin-password" label=Key::Password>
                        <input
                            id="signin-password"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required=true
                            data-testid="signin-password"
                            node_ref=signin_password
                        />
                    </FormField>
                    {submit_button("signin-submit", Key::SignInSubmit)}
                </form>
                <form class="auth-form" aria-labelledby="register-heading" on:submit=on_register>
                    <h2 id="register-heading" class="section-title">{move || i18n.t(Key::RegisterHeading)}</h2>
                    <FormField input_id="register-name" label=Key::Name>
                        <input
                            id="register-name"
                            type="text"
                            name="name"
                            autocomplete="name"
                            data-testid="register-name"
                            node_ref=register_name
                        />
                    </FormField>
                    <FormField input_id="register-email" label=Key::Email>
                        <input
                            id="register-email"
                            type="email"
                            name="email"
                            autocomplete="email"
                            required=true
                            data-testid="register-email"
                            node_ref=register_email
                        />
                    </FormField>
                    <FormField input_id="register-password" label=Key::Password hint=Key::PasswordHint>
                        <input
                            id="register-password"
                            type="password"
                            name="password"
                            autocomplete="new-password"
                            required=true
                            minlength=MIN_PASSWORD_CHARS
                            maxlength=MAX_PASSWORD_CHARS
                            aria-describedby="register-password-hint"
                            data-testid="register-password"
                            node_ref=register_password
                        />
                    </FormField>
                    {submit_button("register-submit", Key::RegisterSubmit)}
                </form>
            </div>
        </section>
    }
}
