//! A labelled form field: `<p class="form-field">` with the label, the input and maybe a hint.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

#[component]
pub fn FormField(
    /// The `id` of the input or select (the child), which the label is `for`.
    input_id: &'static str,
    /// The label's text.
    label: Key,
    /// A hint after the input, with the id `{input_id}-hint` for the input's `aria-describedby`.
    #[prop(optional)]
    hint: Option<Key>,
    /// The input or select.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint = hint.map(|hint| {
        view! { <span id=format!("{input_id}-hint") class="form-hint">{move || i18n.t(hint)}</span> }
    });
    view! {
        <p class="form-field">
            <label for=input_id>{move || i18n.t(label)}</label>
            {children()}
            {hint}
        </p>
    }
}
