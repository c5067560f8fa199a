//! `/admin/segments`: the customer segments rules and campaigns can target, how many customers each
//! has now, and the rule condition that targets it, to copy into a rule.

use crate::api;
use crate::components::error::LoadBoundary;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::api::SegmentView;
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let segments = LocalResource::new(api::segments);
    let table = move || {
        segments.get().map(|result| {
            result.map(|list| {
                let rows = list.into_iter().map(|segment| view! { <SegmentRow segment /> }).collect_view();
                view! {
                    <div class="table-scroll">
                        <table class="admin-table segments-table" data-testid="segments-table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t(Key::AdminColSegment)}</th>
                                    <th scope="col">{move || i18n.t(Key::AdminColCustomers)}</th>
                                    <th scope="col">{move || i18n.t(Key::AdminColCondition)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
        })
    };
    view! {
        <div class="admin-toolbar">
            <h2 class="section-title">{move || i18n.t(Key::AdminSegmentsHeading)}</h2>
        </div>
        <p class="form-hint">{move || i18n.t(Key::AdminSegmentsHint)}</p>
        <LoadBoundary on_retry=move |_| segments.refetch()>
            <div class="segments-region">{table}</div>
        </LoadBoundary>
    }
}

/// What the last "Copy" press came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

#[component]
fn SegmentRow(segment: SegmentView) -> impl IntoView {
    let i18n = use_i18n();
    let SegmentView { id, name, condition, customers } = segment;
    let row_id = id.clone();
    let copied = RwSignal::new(Copied::Not);
    let text = StoredValue::new(condition.clone());
    let copy = move |_| {
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            copied.set(Copied::Failed);
            return;
        };
        let promise = text.with_value(|t| clipboard.write_text(t));
        spawn_local(async move {
            let next = match JsFuture::from(promise).await {
                Ok(_) => Copied::Yes,
                Err(err) => {
                    leptos::logging::warn!("could not copy the condition: {err:?}");
                    Copied::Failed
                }
            };
            copied.try_set(next);
        });
    };
    let status = move || match copied.get() {
        Copied::Not => None,
        Copied::Yes => Some(i18n.t(Key::AdminCopied)),
        Copied::Failed => Some(i18n.t(Key::AdminCopyFailed)),
    };
    view! {
        <tr data-testid="segment-row" data-segment-id=row_id>
            <td>
                <span class="segment-name">{name}</span>
                <span class="rule-id">{id}</span>
            </td>
            <td class="segment-customers" data-testid="segment-customers">{customers}</td>
            <td class="segment-condition">
                <code class="segment-condition-json">{condition}</code>
                <span class="segment-copy">
                    <button type="button" class="button button-secondary" data-testid="segment-copy" on:click=copy>
                        {move || i18n.t(Key::AdminCopy)}
                    </button>
                    <span class="form-hint" role="status">{status}</span>
                </span>
            </td>
        </tr>
    }
}
