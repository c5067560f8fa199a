//! `/admin/campaigns`: push campaigns to the shoppers who opted in to promotions (all of them, or
//! those of one segment): count the recipients, send after a confirmation, and see how each campaign
//! went (sent, failed, pending, clicked).

use crate::api::{self, ApiError, Audience, CampaignRequest, CampaignView};
use crate::components::error::LoadBoundary;
use crate::i18n::{format_date_time, local_utc_offset_minutes, recipients_count, t, use_i18n, Key};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::api::SegmentView;

/// A field of the campaign form a 422's code is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Body,
    Url,
    Segment,
}

impl Field {
    fn of_error(err: &ApiError) -> Option<Field> {
        match err.code.as_str() {
            "invalid_title" => Some(Field::Title),
            "invalid_body" => Some(Field::Body),
            "invalid_url" => Some(Field::Url),
            "unknown_segment" => Some(Field::Segment),
            _ => None,
        }
    }
}

/// What the last press came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Counted(u32),
    /// "Send" was pressed once: sending needs a second press.
    Confirming(u32),
    Sent(CampaignView),
    Failed(ApiError),
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let segments = LocalResource::new(api::segments);
    let campaigns = LocalResource::new(api::campaigns);
    let form = move || segments.get().map(|result| result.map(|list| view! { <CampaignForm segments=list campaigns /> }));
    let table = move || campaigns.get().map(|result| result.map(|list| view! { <CampaignTable list /> }));
    view! {
        <div class="admin-toolbar">
            <h2 class="section-title">{move || i18n.t(Key::AdminCampaignsHeading)}</h2>
        </div>
        <LoadBoundary on_retry=move |_| segments.refetch()>
            <div class="campaign-form-region">{form}</div>
        </LoadBoundary>
        <h3 class="section-title">{move || i18n.t(Key::AdminCampaignsSent)}</h3>
        <LoadBoundary on_retry=move |_| campaigns.refetch()>
            <div class="campaigns-region">{table}</div>
        </LoadBoundary>
    }
}

#[component]
fn CampaignForm(segments: Vec<SegmentView>, campaigns: LocalResource<Result<Vec<CampaignView>, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let url = RwSignal::new("/".to_owned());
    let segment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);

    let request = move |preview: bool| CampaignRequest {
        title: title.get_untracked().trim().to_owned(),
        body: body.get_untracked().trim().to_owned(),
        url: url.get_untracked().trim().to_owned(),
        audience: Audience { segment: Some(segment.get_untracked()).filter(|s| !s.is_empty()) },
        preview,
    };
    let run = move |preview: bool| {
        if busy.get_untracked() {
            return;
        }
        let confirming = matches!(outcome.get_untracked(), Some(Outcome::Confirming(_)));
        busy.set(true);
        let request = request(preview || !confirming);
        spawn_local(async move {
            let next = match api::create_campaign(&request).await {
                Ok(view) if request.preview && preview => Outcome::Counted(view.recipients),
                Ok(view) if request.preview => Outcome::Confirming(view.recipients),
                Ok(view) => {
                    campaigns.refetch();
                    Outcome::Sent(view)
                }
                Err(err) => Outcome::Failed(err),
            };
            outcome.try_set(Some(next));
            busy.try_set(false);
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        run(false);
    };
    // Editing the message or the audience asks for a new confirmation.
    let edited = move || {
        if matches!(outcome.get_untracked(), Some(Outcome::Confirming(_) | Outcome::Counted(_))) {
            outcome.set(None);
        }
    };
    let problem = move |field: Field| {
        let locale = i18n.locale();
        outcome.with(|o| match o {
            Some(Outcome::Failed(err)) if Field::of_error(err) == Some(field) => Some(err.text(locale)),
            _ => None,
        })
    };
    let options = segments
        .into_iter()
        .map(|s| {
            let value = s.id.clone();
            let label = format!("{} ({})", s.name, s.customers);
            let selected = {
                let value = value.clone();
                move || segment.with(|c| *c == value)
            };
            view! { <option value=value prop:selected=selected>{label}</option> }
        })
        .collect_view();
    let status = move || {
        outcome.get().map(|o| {
            let locale = i18n.locale();
            match o {
                Outcome::Counted(n) => {
                    view! { <p class="form-ok" data-testid="campaign-count">{recipients_count(locale, n)}</p> }.into_any()
                }
                Outcome::Confirming(n) => view! {
                    <p class="campaign-confirm" data-testid="campaign-confirm">
                        {format!("{} {}", t(locale, Key::AdminCampaignConfirm), recipients_count(locale, n))}
                    </p>
                }
                .into_any(),
                Outcome::Sent(view) => view! {
                    <p class="form-ok" data-testid="campaign-sent">
                        {format!("{} {}", t(locale, Key::AdminCampaignSentOk), recipients_count(locale, view.recipients))}
                    </p>
                }
                .into_any(),
                Outcome::Failed(err) => {
                    let key = if err.code == "too_many_requests" { Key::ErrTooManyRequests } else { Key::AdminCampaignFailed };
                    view! {
                        <p class="form-error" data-testid="campaign-error">
                            {t(locale, key)}
                            <span class="error-detail">" (" {err.text(locale)} ")"</span>
                        </p>
                    }
                    .into_any()
                }
            }
        })
    };
    let field_error = move |field: Field, id: &'static str| {
        view! { <span id=id class="field-error">{move || problem(field)}</span> }
    };
    let confirming = move || matches!(outcome.get(), Some(Outcome::Confirming(_)));
    view! {
        <form class="campaign-form" novalidate=true on:submit=on_submit>
            <p class="form-field">
                <label for="campaign-title">{move || i18n.t(Key::AdminCampaignTitle)}</label>
                <input
                    id="campaign-title"
                    type="text"
                    maxlength="80"
                    data-testid="campaign-title"
                    aria-invalid=move || problem(Field::Title).is_some().to_string()
                    aria-describedby="campaign-title-error"
                    prop:value=move || title.get()
                    on:input=move |ev| {
                        title.set(event_target_value(&ev));
                        edited();
                    }
                />
                {field_error(Field::Title, "campaign-title-error")}
            </p>
            <p class="form-field">
                <label for="campaign-body">{move || i18n.t(Key::AdminCampaignBody)}</label>
                <textarea
                    id="campaign-body"
                    rows="3"
                    maxlength="300"
                    data-testid="campaign-body"
                    aria-invalid=move || problem(Field::Body).is_some().to_string()
                    aria-describedby="campaign-body-error"
                    prop:value=move || body.get()
                    on:input=move |ev| {
                        body.set(event_target_value(&ev));
                        edited();
                    }
                ></textarea>
                {field_error(Field::Body, "campaign-body-error")}
            </p>
            <p class="form-field">
                <label for="campaign-url">{move || i18n.t(Key::AdminCampaignUrl)}</label>
                <input
                    id="campaign-url"
                    type="text"
                    data-testid="campaign-url"
                    aria-invalid=move || problem(Field::Url).is_some().to_string()
                    aria-describedby="campaign-url-error campaign-url-hint"
                    prop:value=move || url.get()
                    on:input=move |ev| {
                        url.set(event_target_value(&ev));
                        edited();
                    }
                />
                {field_error(Field::Url, "campaign-url-error")}
                <span id="campaign-url-hint" class="form-hint">{move || i18n.t(Key::AdminCampaignUrlHint)}</span>
            </p>
            <p class="form-field">
                <label for="campaign-audience">{move || i18n.t(Key::AdminCampaignAudience)}</label>
                <select
                    id="campaign-audience"
                    data-testid="campaign-audience"
                    aria-describedby="campaign-audience-error"
                    on:change=move |ev| {
                        segment.set(event_target_value(&ev));
                        edited();
                    }
                >
                    <option value="" prop:selected=move || segment.with(String::is_empty)>
                        {move || i18n.t(Key::AdminCampaignAllSubscribers)}
                    </option>
                    {options}
                </select>
                {field_error(Field::Segment, "campaign-audience-error")}
            </p>
            <div role="status">{status}</div>
            <div class="campaign-actions">
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="campaign-preview"
                    aria-busy=move || busy.get().to_string()
                    on:click=move |_| run(true)
                >
                    {move || i18n.t(Key::AdminCampaignCount)}
                </button>
                <button type="submit" class="button" data-testid="campaign-send">
                    {move || i18n.t(if confirming() { Key::AdminCampaignSendYes } else { Key::AdminCampaignSend })}
                </button>
                <Show when=confirming>
                    <button type="button" class="button button-secondary" on:click=move |_| outcome.set(None)>
                        {move || i18n.t(Key::CancelNo)}
                    </button>
                </Show>
            </div>
        </form>
    }
}

#[component]
fn CampaignTable(list: Vec<CampaignView>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = list.is_empty();
    let rows = move || {
        let locale = i18n.locale();
        let offset = local_utc_offset_minutes();
        list.iter()
            .map(|c| {
                let audience = c.audience.segment.clone().unwrap_or_else(|| t(locale, Key::AdminCampaignAllSubscribers).to_owned());
                let when = c.created_at.map(|at| format_date_time(locale, at.timestamp(), offset)).unwrap_or_default();
                view! {
                    <tr data-testid="campaign-row" data-campaign-id=c.id.clone().unwrap_or_default()>
                        <td>
                            <span class="segment-name">{c.title.clone()}</span>
                            <span class="rule-id">{when}</span>
                        </td>
                        <td>{audience}</td>
                        <td class="num">{c.recipients}</td>
                        <td class="num">{c.sent}</td>
                        <td class="num">{c.failed}</td>
                        <td class="num">{c.pending}</td>
                        <td class="num">{c.clicked}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Show
            when=move || !empty
            fallback=move || view! { <p class="empty-state" data-testid="campaigns-empty">{move || i18n.t(Key::AdminNoCampaigns)}</p> }
        >
            <div class="table-scroll">
                <table class="admin-table campaigns-table" data-testid="campaigns-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Key::AdminCampaignTitle)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminCampaignAudience)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColRecipients)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColSent)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColFailed)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColPending)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColClicked)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows.clone()}</tbody>
                </table>
            </div>
        </Show>
    }
}
