//! Any address no route matches.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="not-found" data-testid="not-found">
            <h1 class="page-title">{move || i18n.t(Key::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Key::NotFoundText)}</p>
            <p>
                <a class="button" href="/">
                    {move || i18n.t(Key::ToHome)}
                </a>
            </p>
        </section>
    }
}
