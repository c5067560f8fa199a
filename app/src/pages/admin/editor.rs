//! `/admin/rules/new` and `/admin/rules/:id`: the rule editor — structured fields for everything a
//! rule holds (basics, how it combines, limits, conditions, effect), the rule as JSON, its history,
//! and the preview panel beside it. Problems show at their field: the form's own (once saving was
//! tried), the server's check run before sending (`offers::validate`, worded as the server's answer
//! would be) and the server's (a 422 `invalid_rule` names the field by JSON pointer). The state is
//! in `editor_state.rs`; the draft's logic in `vitrina_shared::rule_draft`.

use super::editor_state::{Choices, Editor, NotSent};
use super::preview::PreviewPanel;
use crate::api::{self, ApiError};
use crate::components::error::LoadBoundary;
use crate::i18n::{
    category_name, channel_name, format_date_time, local_utc_offset_minutes, rule_version, t, tier_name, use_i18n, weekday_short, Key,
};
use crate::use_categories;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use vitrina_shared::api::{RuleSummary, StoreInfo};
use vitrina_shared::offers::Tier;
use vitrina_shared::rule_draft::{CondDraft, CondKind, CondText, EffectKind, EffectText, RuleDraft, RuleText, TargetKind, CHANNELS, TIERS};

/// What the editor page loads: the stores and, when editing, the rule as stored.
async fn load(id: Option<String>) -> Result<(Vec<StoreInfo>, Option<RuleSummary>), ApiError> {
    let stores = api::stores().await?;
    let existing = match id {
        Some(id) => Some(api::admin_rules().await?.into_iter().find(|s| s.rule.id == id).ok_or_else(|| ApiError::unknown_rule(&id))?),
        None => None,
    };
    Ok((stores, existing))
}

/// The editor of the rule named in the address (`None`: a new rule), once its data has loaded.
fn editor_route(id: Memo<Option<String>>, saved_now: bool) -> impl IntoView {
    let categories = use_categories().0;
    let loaded = LocalResource::new(move || load(id.get()));
    let reload = Callback::new(move |()| loaded.refetch());
    let body = move || {
        let data = loaded.get()?;
        let categories = categories.get()?;
        Some(data.and_then(|(stores, existing)| {
            categories.map(|categories| {
                let choices = Choices { stores: StoredValue::new(stores), categories: StoredValue::new(categories) };
                view! { <RuleEditor existing choices reload saved_now /> }
            })
        }))
    };
    view! {
        <LoadBoundary on_retry=move |_| loaded.refetch()>
            <div class="rule-editor-region">{body}</div>
        </LoadBoundary>
    }
}

#[component]
pub fn NewRulePage() -> impl IntoView {
    editor_route(Memo::new(|_| None), false)
}

#[component]
pub fn EditRulePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    let saved_now = query.with_untracked(|q| q.get("saved").is_some());
    editor_route(id, saved_now)
}

#[component]
fn RuleEditor(existing: Option<RuleSummary>, choices: Choices, reload: Callback<()>, saved_now: bool) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let is_new = existing.is_none();
    let rule_id = existing.as_ref().map(|s| s.rule.id.clone());
    let editor = Editor::new(existing.as_ref().map(|s| RuleDraft::from_rule(&s.rule)).unwrap_or_default(), choices);
    let version = RwSignal::new(existing.as_ref().map(|s| s.version));
    let saving = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(saved_now.then(|| version.get_untracked()).flatten());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        failure.set(None);
        saved.set(None);
        let rule = match editor.rule() {
            Ok(rule) => rule,
            Err(NotSent::Incomplete) => return,
            Err(NotSent::Refused(err)) => {
                failure.set(Some(err));
                return;
            }
        };
        saving.set(true);
        let navigate = navigate.clone();
        let expected = version.get_untracked();
        spawn_local(async move {
            let answer = match expected {
                Some(v) => api::update_rule(&rule, v).await,
                None => api::create_rule(&rule).await,
            };
            match answer {
                Ok(summary) if expected.is_none() => {
                    let href = format!("/admin/rules/{}?saved=1", String::from(js_sys::encode_uri_component(&summary.rule.id)));
                    navigate(&href, Default::default());
                }
                Ok(summary) => {
                    version.try_set(Some(summary.version));
                    saved.try_set(Some(summary.version));
                }
                Err(err) => {
                    editor.refused(&err);
                    failure.try_set(Some(err));
                }
            }
            saving.try_set(false);
        });
    };

    let alert = move || {
        if let Some(err) = failure.get() {
            let key = match err.code.as_str() {
                "invalid_rule" => Key::AdminRuleRefused,
                "rule_exists" => Key::AdminRuleExists,
                "rule_changed" | "unknown_rule" => Key::AdminRuleChangedEditing,
                _ => Key::AdminSaveFailed,
            };
            let changed = matches!(err.code.as_str(), "rule_changed" | "unknown_rule");
            let code = err.code.clone();
            Some(
                view! {
                    <p class="form-error" data-testid="rule-save-error" data-code=code>
                        {move || i18n.t(key)}
                        <span class="error-detail">" (" {move || err.text(i18n.locale())} ")"</span>
                        {changed
                            .then(|| {
                                view! {
                                    " "
                                    <button type="button" class="button button-secondary" on:click=move |_| reload.run(())>
                                        {move || i18n.t(Key::AdminLoadLatest)}
                                    </button>
                                }
                            })}
                    </p>
                }
                .into_any(),
            )
        } else if editor.attempted.get() && editor.client.with(|p| !p.is_empty()) {
            Some(view! { <p class="form-error" data-testid="rule-save-error">{move || i18n.t(Key::ErrCheckFields)}</p> }.into_any())
        } else {
            None
        }
    };
    let saved_view = move || {
        saved.get().map(|v| {
            view! { <p class="form-ok" data-testid="rule-saved">{move || format!("{} {}", i18n.t(Key::AdminSaved), rule_version(i18n.locale(), v))}</p> }
        })
    };
    let title = move || {
        if is_new {
            i18n.t(Key::AdminNewRule).to_owned()
        } else {
            format!("{} · {}", i18n.t(Key::AdminEditRule), version.get().map(|v| rule_version(i18n.locale(), v)).unwrap_or_default())
        }
    };
    let json = move || {
        editor.form.with(|f| match f.build() {
            Ok(rule) => serde_json::to_string_pretty(&rule).unwrap_or_else(|err| err.to_string()),
            Err(_) => i18n.t(Key::AdminJsonIncomplete).to_owned(),
        })
    };

    view! {
        <div class="admin-toolbar">
            <h2 class="section-title" data-testid="rule-editor-title">{title}</h2>
            <a class="button button-secondary" href="/admin" data-testid="rules-back">{move || i18n.t(Key::AdminBackToRules)}</a>
        </div>
        <div class="rule-workspace">
            <form class="rule-editor" novalidate=true on:submit=on_submit data-testid="rule-editor">
                <BasicsSection editor is_new />
                <StackingSection editor />
                <LimitsSection editor />
                <ConditionsSection editor choices />
                <EffectSection editor choices />
                <details class="rule-json">
                    <summary>{move || i18n.t(Key::AdminJsonSummary)}</summary>
                    <pre class="rule-json-text" data-testid="rule-json">{json}</pre>
                </details>
                <div class="rule-editor-alerts" role="alert">{alert}</div>
                <div role="status">{saved_view}</div>
                <div class="rule-editor-actions">
                    <button type="submit" class="button" data-testid="rule-save" aria-busy=move || saving.get().to_string()>
                        {move || i18n.t(if saving.get() { Key::Working } else { Key::AdminSaveRule })}
                    </button>
                </div>
                {rule_id.map(|id| view! { <RuleHistory id editor /> })}
            </form>
            <PreviewPanel editor choices />
        </div>
    }
}

/// Where a typed value lives in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Rule(RuleText),
    Cond(u64, CondText),
    Effect(EffectText),
}

impl Slot {
    fn get(self, form: &RuleDraft) -> String {
        match self {
            Slot::Rule(field) => form.text(field).to_owned(),
            Slot::Cond(key, field) => form.condition(key).map(|c| c.text(field).to_owned()).unwrap_or_default(),
            Slot::Effect(field) => form.effect.text(field).to_owned(),
        }
    }

    fn set(self, form: &mut RuleDraft, value: String) {
        match self {
            Slot::Rule(field) => form.set_text(field, value),
            Slot::Cond(key, field) => {
                if let Some(c) = form.condition_mut(key) {
                    c.set_text(field, value);
                }
            }
            Slot::Effect(field) => form.effect.set_text(field, value),
        }
    }

    /// The field's JSON pointer in the rule as it would be sent now (tracked).
    fn pointer(self, editor: Editor) -> String {
        match self {
            Slot::Rule(field) => field.pointer().to_owned(),
            Slot::Cond(key, field) => {
                let index = editor.form.with(|f| f.condition_index(key)).unwrap_or_default();
                format!("/conditions/{index}/{}", field.name())
            }
            Slot::Effect(field) => format!("/effect/{}", field.name()),
        }
    }

    /// The input's id, and its test id.
    fn ids(self) -> (String, String) {
        let (id, testid) = match self {
            Slot::Rule(field) => {
                let slug = match field {
                    RuleText::Id => "id",
                    RuleText::Name => "name",
                    RuleText::Description => "description",
                    RuleText::Priority => "priority",
                    RuleText::Group => "group",
                    RuleText::Holdout => "holdout",
                    RuleText::PerCustomer => "per-customer",
                    RuleText::TotalUses => "total-uses",
                    RuleText::Budget => "budget",
                };
                (format!("rule-{slug}"), format!("rule-{slug}"))
            }
            Slot::Cond(key, field) => {
                let slug = match field {
                    CondText::Lat => "lat",
                    CondText::Lon => "lon",
                    other => other.name(),
                }
                .replace('_', "-");
                (format!("cond-{key}-{slug}"), format!("cond-{slug}"))
            }
            Slot::Effect(field) => {
                let slug = match field {
                    EffectText::GiftSku => "gift-sku",
                    EffectText::GiftQty => "gift-qty",
                    EffectText::TargetCategory => "target-category",
                    EffectText::TargetSku => "target-sku",
                    other => other.name(),
                };
                (format!("effect-{slug}"), format!("effect-{slug}"))
            }
        };
        (id, testid)
    }
}

/// The problem text under a field, always on the page so the input can point at it.
fn problem_text(editor: Editor, error_id: String, pointer: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span id=error_id class="field-error" data-testid="field-error">
            {move || editor.problem(&pointer(), i18n.locale())}
        </span>
    }
}

/// How a text field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Text,
    /// Whole numbers (negative allowed where the field allows it).
    Number,
    /// Amounts and percentages with decimals.
    Decimal,
    Multiline,
    DateTime,
    Time,
    ReadOnly,
}

/// A labelled text input of the rule, with its hint and problem.
fn text_field(editor: Editor, slot: Slot, label: Key, input: Input, hint: Option<Key>) -> impl IntoView {
    let i18n = use_i18n();
    let (id, testid) = slot.ids();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() { format!("{error_id} {hint_id}") } else { error_id.clone() };
    let invalid = move || editor.problem(&slot.pointer(editor), i18n.locale()).is_some().to_string();
    let value = move || editor.form.with(|f| slot.get(f));
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        editor.update(|f| slot.set(f, v));
    };
    let readonly = input == Input::ReadOnly;
    let control = match input {
        Input::Multiline => view! {
            <textarea id=id.clone() rows="2" data-testid=testid aria-invalid=invalid aria-describedby=described prop:value=value on:input=on_input></textarea>
        }
        .into_any(),
        _ => {
            let (kind, mode) = match input {
                Input::Number => ("text", Some("numeric")),
                Input::Decimal => ("text", Some("decimal")),
                Input::DateTime => ("datetime-local", None),
                Input::Time => ("time", None),
                _ => ("text", None),
            };
            view! {
                <input
                    id=id.clone()
                    type=kind
                    inputmode=mode
                    autocomplete="off"
                    readonly=readonly
                    data-testid=testid
                    aria-invalid=invalid
                    aria-describedby=described
                    prop:value=value
                    on:input=on_input
                />
            }
            .into_any()
        }
    };
    let hint = hint.map(|hint| view! { <span id=hint_id class="form-hint">{move || i18n.t(hint)}</span> });
    view! {
        <p class="form-field">
            <label for=id>{move || i18n.t(label)}</label>
            {control}
            {problem_text(editor, error_id, move || slot.pointer(editor))}
            {hint}
        </p>
    }
}

/// A select of the categories (for a condition or the effect's target).
fn category_select(editor: Editor, slot: Slot, label: Key, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let (id, testid) = slot.ids();
    let error_id = format!("{id}-error");
    let current = move || editor.form.with(|f| slot.get(f));
    let options = move || {
        let locale = i18n.locale();
        choices.categories.with_value(|list| {
            list.iter()
                .map(|info| {
                    let value = info.category.id.to_string();
                    let selected = {
                        let value = value.clone();
                        move || current() == value
                    };
                    view! { <option value=value prop:selected=selected>{category_name(locale, &info.category).to_owned()}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <p class="form-field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select
                id=id
                data-testid=testid
                aria-invalid=move || editor.problem(&slot.pointer(editor), i18n.locale()).is_some().to_string()
                aria-describedby=error_id.clone()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    editor.update(|f| slot.set(f, v));
                }
            >
                <option value="" disabled=true prop:selected=move || current().is_empty()>
                    {move || i18n.t(Key::AdminChooseCategory)}
                </option>
                {options}
            </select>
            {problem_text(editor, error_id, move || slot.pointer(editor))}
        </p>
    }
}

/// One checkbox of a group.
struct Check {
    value: String,
    label: String,
    testid: String,
}

/// A group of checkboxes (channels, stores, tiers, weekdays) of condition `key`.
fn check_group(
    editor: Editor,
    key: u64,
    legend: Key,
    field: &'static str,
    checks: Vec<Check>,
    is_checked: fn(&CondDraft, &str) -> bool,
    toggle: fn(&mut CondDraft, &str, bool),
) -> impl IntoView {
    let i18n = use_i18n();
    let pointer = move || format!("/conditions/{}/{field}", editor.form.with(|f| f.condition_index(key)).unwrap_or_default());
    let error_id = format!("cond-{key}-{field}-error");
    let described = error_id.clone();
    let boxes = checks
        .into_iter()
        .map(|check| {
            let id = format!("cond-{key}-{field}-{}", check.value);
            let label_for = id.clone();
            let value = StoredValue::new(check.value);
            let checked = move || editor.form.with(|f| f.condition(key).is_some_and(|c| value.with_value(|v| is_checked(c, v))));
            view! {
                <label class="check" for=label_for>
                    <input
                        id=id
                        type="checkbox"
                        data-testid=check.testid
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editor.update(|f| {
                                if let Some(c) = f.condition_mut(key) {
                                    value.with_value(|v| toggle(c, v, on));
                                }
                            });
                        }
                    />
                    <span>{check.label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="check-group" aria-describedby=described aria-invalid=move || editor.problem(&pointer(), i18n.locale()).is_some().to_string()>
            <legend>{move || i18n.t(legend)}</legend>
            <div class="check-list">{boxes}</div>
            {problem_text(editor, error_id, pointer)}
        </fieldset>
    }
}

/// A tier's name in the rule JSON.
fn tier_value(tier: Tier) -> &'static str {
    match tier {
        Tier::Basic => "basic",
        Tier::Silver => "silver",
        Tier::Gold => "gold",
    }
}

/// Adds or removes `value` in `list`.
fn set_member<T: PartialEq>(list: &mut Vec<T>, value: T, on: bool) {
    let present = list.contains(&value);
    if on && !present {
        list.push(value);
    } else if !on && present {
        list.retain(|v| *v != value);
    }
}

#[component]
fn BasicsSection(editor: Editor, is_new: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id_input = if is_new { Input::Text } else { Input::ReadOnly };
    let id_hint = if is_new { Key::AdminRuleIdHint } else { Key::AdminRuleIdFixed };
    view! {
        <fieldset class="editor-section">
            <legend class="section-title">{move || i18n.t(Key::AdminBasics)}</legend>
            {text_field(editor, Slot::Rule(RuleText::Id), Key::AdminRuleId, id_input, Some(id_hint))}
            {text_field(editor, Slot::Rule(RuleText::Name), Key::AdminRuleName, Input::Text, None)}
            {text_field(editor, Slot::Rule(RuleText::Description), Key::AdminRuleDescription, Input::Multiline, Some(Key::AdminRuleDescriptionHint))}
            <p class="form-field form-field-check">
                <label class="check" for="rule-enabled">
                    <input
                        id="rule-enabled"
                        type="checkbox"
                        data-testid="rule-enabled"
                        prop:checked=move || editor.form.with(|f| f.enabled)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            editor.update(|f| f.enabled = on);
                        }
                    />
                    <span>{move || i18n.t(Key::AdminRuleEnabled)}</span>
                </label>
            </p>
            {text_field(editor, Slot::Rule(RuleText::Priority), Key::AdminPriority, Input::Number, Some(Key::AdminPriorityHint))}
        </fieldset>
    }
}

#[component]
fn StackingSection(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |exclusive: bool, label: Key, hint: Key, value: &'static str| {
        let id = format!("rule-stacking-{value}");
        let label_for = id.clone();
        view! {
            <label class="choice" for=label_for>
                <input
                    id=id
                    type="radio"
                    name="rule-stacking"
                    value=value
                    data-testid=format!("rule-stacking-{value}")
                    prop:checked=move || editor.form.with(|f| f.exclusive == exclusive)
                    on:change=move |_| editor.update(|f| f.exclusive = exclusive)
                />
                <span class="choice-text">
                    <span class="choice-title">{move || i18n.t(label)}</span>
                    <span class="choice-hint">{move || i18n.t(hint)}</span>
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="editor-section">
            <legend class="section-title">{move || i18n.t(Key::AdminStackingHeading)}</legend>
            <div class="choice-list">
                {option(false, Key::AdminStackable, Key::AdminStackableHint, "stackable")}
                {option(true, Key::AdminExclusive, Key::AdminExclusiveHint, "exclusive")}
            </div>
            <Show when=move || editor.form.with(|f| f.exclusive)>
                {text_field(editor, Slot::Rule(RuleText::Group), Key::AdminGroup, Input::Text, Some(Key::AdminGroupHint))}
            </Show>
            {text_field(editor, Slot::Rule(RuleText::Holdout), Key::AdminHoldout, Input::Number, Some(Key::AdminHoldoutHint))}
        </fieldset>
    }
}

#[component]
fn LimitsSection(editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="editor-section">
            <legend class="section-title">{move || i18n.t(Key::AdminLimitsHeading)}</legend>
            <p class="form-hint">{move || i18n.t(Key::AdminLimitsHint)}</p>
            <div class="editor-row">
                {text_field(editor, Slot::Rule(RuleText::PerCustomer), Key::AdminPerCustomer, Input::Number, None)}
                {text_field(editor, Slot::Rule(RuleText::TotalUses), Key::AdminTotalUses, Input::Number, None)}
                {text_field(editor, Slot::Rule(RuleText::Budget), Key::AdminBudget, Input::Decimal, None)}
            </div>
        </fieldset>
    }
}

#[component]
fn ConditionsSection(editor: Editor, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let keys = move || editor.form.with(|f| f.conditions.iter().map(|c| c.key).collect::<Vec<_>>());
    let add = move |_| {
        // Indices shift: an earlier refusal may no longer point at the right row.
        editor.server.set(None);
        editor.update(|f| f.add_condition(CondKind::Channels));
    };
    view! {
        <fieldset class="editor-section">
            <legend class="section-title">{move || i18n.t(Key::AdminConditionsHeading)}</legend>
            <p class="form-hint">{move || i18n.t(Key::AdminConditionsHint)}</p>
            <ol class="condition-list">
                <For each=keys key=|k| *k let:key>
                    <ConditionRow editor key choices />
                </For>
            </ol>
            <button type="button" class="button button-secondary" data-testid="condition-add" on:click=add>
                {move || i18n.t(Key::AdminAddCondition)}
            </button>
        </fieldset>
    }
}

#[component]
fn ConditionRow(editor: Editor, key: u64, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let kind = Memo::new(move |_| editor.form.with(|f| f.condition(key).map(|c| c.kind)));
    let index = move || editor.form.with(|f| f.condition_index(key)).unwrap_or_default();
    let select_id = format!("cond-{key}-type");
    let options = move || {
        CondKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.value() prop:selected=move || kind.get() == Some(k)>{move || i18n.t(k.label())}</option> })
            .collect_view()
    };
    let remove = move |_| {
        editor.server.set(None);
        editor.update(|f| f.remove_condition(key));
    };
    let fields = move || kind.get().map(|k| condition_fields(editor, key, k, choices));
    view! {
        <li class="condition-row" data-testid="condition" data-index=move || index().to_string() data-kind=move || kind.get().map(|k| k.value())>
            <div class="condition-head">
                <h3 class="condition-title">{move || format!("{} {}", i18n.t(Key::AdminCondition), index() + 1)}</h3>
                <p class="form-field">
                    <label for=select_id.clone()>{move || i18n.t(Key::AdminConditionType)}</label>
                    <select
                        id=select_id
                        data-testid="cond-type"
                        on:change=move |ev| {
                            if let Some(k) = CondKind::from_value(&event_target_value(&ev)) {
                                editor.update(|f| {
                                    if let Some(c) = f.condition_mut(key) {
                                        c.kind = k;
                                    }
                                });
                            }
                        }
                    >
                        {options}
                    </select>
                </p>
                <button type="button" class="button button-secondary condition-remove" data-testid="condition-remove" on:click=remove>
                    {move || i18n.t(Key::AdminRemove)}
                </button>
            </div>
            <div class="condition-fields">{fields}</div>
        </li>
    }
}

/// The fields of condition `key` of kind `kind`.
fn condition_fields(editor: Editor, key: u64, kind: CondKind, choices: Choices) -> AnyView {
    let i18n = use_i18n();
    let text =
        move |field: CondText, label: Key, input: Input, hint: Option<Key>| text_field(editor, Slot::Cond(key, field), label, input, hint);
    let locale = i18n.locale();
    match kind {
        CondKind::Schedule => {
            let days = (1..=7_u8)
                .map(|d| Check { value: d.to_string(), label: weekday_short(locale, d).to_owned(), testid: format!("cond-weekday-{d}") })
                .collect();
            view! {
                <div class="editor-row">
                    {text(CondText::From, Key::AdminFrom, Input::DateTime, None)}
                    {text(CondText::To, Key::AdminTo, Input::DateTime, None)}
                </div>
                {check_group(
                    editor,
                    key,
                    Key::AdminWeekdays,
                    "weekdays",
                    days,
                    |c, v| v.parse::<u8>().is_ok_and(|d| c.weekdays.contains(&d)),
                    |c, v, on| {
                        if let Ok(d) = v.parse::<u8>() {
                            set_member(&mut c.weekdays, d, on);
                            c.weekdays.sort_unstable();
                        }
                    },
                )}
                <div class="editor-row">
                    {text(CondText::FromTime, Key::AdminFromTime, Input::Time, None)}
                    {text(CondText::ToTime, Key::AdminToTime, Input::Time, None)}
                    {text(CondText::Offset, Key::AdminUtcOffset, Input::Number, Some(Key::AdminUtcOffsetHint))}
                </div>
            }
            .into_any()
        }
        CondKind::Channels => {
            let checks = CHANNELS
                .into_iter()
                .map(|c| Check {
                    value: c.as_str().to_owned(),
                    label: channel_name(locale, c).to_owned(),
                    testid: format!("cond-channel-{}", c.as_str()),
                })
                .collect();
            check_group(
                editor,
                key,
                Key::CondChannels,
                "channels",
                checks,
                |c, v| c.channels.iter().any(|ch| ch.as_str() == v),
                |c, v, on| {
                    if let Some(ch) = CHANNELS.into_iter().find(|ch| ch.as_str() == v) {
                        set_member(&mut c.channels, ch, on);
                    }
                },
            )
            .into_any()
        }
        CondKind::Stores => {
            let checks = choices.stores.with_value(|stores| {
                stores
                    .iter()
                    .map(|s| Check { value: s.id.to_string(), label: s.name.clone(), testid: format!("cond-store-{}", s.id) })
                    .collect()
            });
            check_group(
                editor,
                key,
                Key::CondStores,
                "stores",
                checks,
                |c, v| c.stores.iter().any(|s| s == v),
                |c, v, on| set_member(&mut c.stores, v.to_owned(), on),
            )
            .into_any()
        }
        CondKind::Near => view! {
            <div class="editor-row">
                {text(CondText::Lat, Key::AdminLatitude, Input::Decimal, None)}
                {text(CondText::Lon, Key::AdminLongitude, Input::Decimal, None)}
                {text(CondText::Radius, Key::AdminRadius, Input::Number, None)}
            </div>
        }
        .into_any(),
        CondKind::Tiers => {
            let checks = TIERS
                .into_iter()
                .map(|tier| Check {
                    value: tier_value(tier).to_owned(),
                    label: tier_name(locale, tier).to_owned(),
                    testid: format!("cond-tier-{}", tier_value(tier)),
                })
                .collect();
            check_group(
                editor,
                key,
                Key::CondTiers,
                "tiers",
                checks,
                |c, v| c.tiers.iter().any(|t| tier_value(*t) == v),
                |c, v, on| {
                    if let Some(tier) = TIERS.into_iter().find(|t| tier_value(*t) == v) {
                        set_member(&mut c.tiers, tier, on);
                    }
                },
            )
            .into_any()
        }
        CondKind::PointsAtLeast => text(CondText::Points, Key::AdminPoints, Input::Number, None).into_any(),
        CondKind::SpendAtLeast => view! {
            <div class="editor-row">
                {text(CondText::Amount, Key::AdminAmount, Input::Decimal, None)}
                {text(CondText::Days, Key::AdminDays, Input::Number, None)}
            </div>
        }
        .into_any(),
        CondKind::OrderCount => view! {
            <div class="editor-row">
                {text(CondText::Min, Key::AdminMinOrders, Input::Number, None)}
                {text(CondText::Max, Key::AdminMaxOrders, Input::Number, Some(Key::Optional))}
                {text(CondText::Days, Key::AdminDays, Input::Number, None)}
            </div>
        }
        .into_any(),
        CondKind::BoughtCategory => view! {
            <div class="editor-row">
                {category_select(editor, Slot::Cond(key, CondText::Category), Key::AdminCategory, choices)}
                {text(CondText::Days, Key::AdminDays, Input::Number, None)}
            </div>
        }
        .into_any(),
        CondKind::NewCustomer => {
            flag_select(editor, key, Key::CondNewCustomer, Key::AdminNewCustomerYes, Key::AdminNewCustomerNo).into_any()
        }
        CondKind::SignedIn => flag_select(editor, key, Key::CondSignedIn, Key::AdminSignedInYes, Key::AdminSignedInNo).into_any(),
        CondKind::SubtotalAtLeast => text(CondText::Amount, Key::AdminAmount, Input::Decimal, None).into_any(),
        CondKind::ContainsSku => view! {
            <div class="editor-row">
                {text(CondText::Sku, Key::AdminSku, Input::Text, None)}
                {text(CondText::MinQty, Key::AdminMinQty, Input::Number, None)}
            </div>
        }
        .into_any(),
        CondKind::ContainsCategory => view! {
            <div class="editor-row">
                {category_select(editor, Slot::Cond(key, CondText::Category), Key::AdminCategory, choices)}
                {text(CondText::MinQty, Key::AdminMinQty, Input::Number, None)}
            </div>
        }
        .into_any(),
    }
}

/// A yes/no choice of a condition (new customer, signed in).
fn flag_select(editor: Editor, key: u64, label: Key, yes: Key, no: Key) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("cond-{key}-flag");
    let flag = move || editor.form.with(|f| f.condition(key).is_some_and(|c| c.flag));
    view! {
        <p class="form-field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select
                id=id
                data-testid="cond-flag"
                on:change=move |ev| {
                    let on = event_target_value(&ev) == "true";
                    editor.update(|f| {
                        if let Some(c) = f.condition_mut(key) {
                            c.flag = on;
                        }
                    });
                }
            >
                <option value="true" prop:selected=flag>{move || i18n.t(yes)}</option>
                <option value="false" prop:selected=move || !flag()>{move || i18n.t(no)}</option>
            </select>
        </p>
    }
}

#[component]
fn EffectSection(editor: Editor, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let kind = Memo::new(move |_| editor.form.with(|f| f.effect.kind));
    let target = Memo::new(move |_| editor.form.with(|f| f.effect.target));
    let text =
        move |field: EffectText, label: Key, input: Input, hint: Option<Key>| text_field(editor, Slot::Effect(field), label, input, hint);
    let kind_options = move || {
        EffectKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.value() prop:selected=move || kind.get() == k>{move || i18n.t(k.label())}</option> })
            .collect_view()
    };
    let target_options = move || {
        TargetKind::ALL
            .into_iter()
            .map(|k| view! { <option value=k.value() prop:selected=move || target.get() == k>{move || i18n.t(k.label())}</option> })
            .collect_view()
    };
    let target_fields = move || {
        kind.get().has_target().then(|| {
            let which = move || match target.get() {
                TargetKind::Cart => ().into_any(),
                TargetKind::Category => {
                    category_select(editor, Slot::Effect(EffectText::TargetCategory), Key::AdminCategory, choices).into_any()
                }
                TargetKind::Sku => text(EffectText::TargetSku, Key::AdminSku, Input::Text, None).into_any(),
            };
            view! {
                <div class="editor-row">
                    <p class="form-field">
                        <label for="effect-target">{move || i18n.t(Key::AdminTarget)}</label>
                        <select
                            id="effect-target"
                            data-testid="effect-target"
                            on:change=move |ev| {
                                if let Some(k) = TargetKind::from_value(&event_target_value(&ev)) {
                                    editor.update(|f| f.effect.target = k);
                                }
                            }
                        >
                            {target_options}
                        </select>
                    </p>
                    {which}
                </div>
            }
        })
    };
    let values = move || match kind.get() {
        EffectKind::PercentOff => text(EffectText::Percent, Key::AdminPercent, Input::Decimal, Some(Key::AdminPercentHint)).into_any(),
        EffectKind::AmountOff => text(EffectText::Amount, Key::AdminAmountOff, Input::Decimal, None).into_any(),
        EffectKind::BuyXGetY => view! {
            <div class="editor-row">
                {text(EffectText::Buy, Key::AdminBuy, Input::Number, None)}
                {text(EffectText::Get, Key::AdminGet, Input::Number, None)}
            </div>
        }
        .into_any(),
        EffectKind::FreeDelivery => ().into_any(),
        EffectKind::PointsMultiplier => text(EffectText::Factor, Key::AdminFactor, Input::Decimal, Some(Key::AdminFactorHint)).into_any(),
        EffectKind::Gift => view! {
            <div class="editor-row">
                {text(EffectText::GiftSku, Key::AdminSku, Input::Text, None)}
                {text(EffectText::GiftQty, Key::AdminQty, Input::Number, None)}
            </div>
        }
        .into_any(),
    };
    view! {
        <fieldset class="editor-section">
            <legend class="section-title">{move || i18n.t(Key::AdminEffectHeading)}</legend>
            <p class="form-field">
                <label for="effect-type">{move || i18n.t(Key::AdminEffectType)}</label>
                <select
                    id="effect-type"
                    data-testid="effect-type"
                    on:change=move |ev| {
                        if let Some(k) = EffectKind::from_value(&event_target_value(&ev)) {
                            editor.update(|f| f.effect.kind = k);
                        }
                    }
                >
                    {kind_options}
                </select>
            </p>
            {target_fields}
            {values}
        </fieldset>
    }
}

/// The rule's stored versions, newest first; any can be loaded back into the editor.
#[component]
fn RuleHistory(id: String, editor: Editor) -> impl IntoView {
    let i18n = use_i18n();
    let versions = LocalResource::new(move || {
        let id = id.clone();
        async move { api::rule_versions(&id).await }
    });
    let list = move || {
        versions.get().map(|result| {
            result.map(|list| {
                let locale = i18n.locale();
                let offset = local_utc_offset_minutes();
                list.into_iter()
                    .map(|v| {
                        let when = format_date_time(locale, v.changed_at.timestamp(), offset);
                        let restore = v.rule.map(|rule| {
                            let rule = StoredValue::new(rule);
                            view! {
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    on:click=move |_| {
                                        editor.server.set(None);
                                        rule.with_value(|r| editor.form.set(RuleDraft::from_rule(r)));
                                    }
                                >
                                    {move || i18n.t(Key::AdminLoadVersion)}
                                </button>
                            }
                        });
                        let deleted = restore
                            .is_none()
                            .then(|| view! { <span class="rule-version-deleted">{t(locale, Key::AdminVersionDeleted)}</span> });
                        view! {
                            <li class="rule-version-item" data-testid="rule-version">
                                <span class="rule-version-number">{rule_version(locale, v.version)}</span>
                                <span class="rule-version-meta">{format!("{when} · {}", v.changed_by)}</span>
                                {deleted}
                                {restore}
                            </li>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <details class="rule-history">
            <summary>{move || i18n.t(Key::AdminHistory)}</summary>
            <LoadBoundary on_retry=move |_| versions.refetch()>
                <ol class="rule-version-list">{list}</ol>
            </LoadBoundary>
        </details>
    }
}
