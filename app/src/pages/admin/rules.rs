//! `/admin`: the offer rules — status, priority, how each combines with others, use so far (and
//! how much of its limits), version — with enable/disable, edit and delete. Switching a rule on or
//! off saves it with `If-Match` on the version shown, so an edit made meanwhile elsewhere is not
//! overwritten: the list is reloaded instead.

use crate::api::{self, ApiError};
use crate::components::error::LoadBoundary;
use crate::i18n::{
    format_date_time, local_utc_offset_minutes, rule_budget_used, rule_per_customer, rule_uses, rule_uses_of, rule_version, use_i18n, Key,
    Locale,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::api::RuleSummary;
use vitrina_shared::offers::{Rule, Stacking};

#[component]
pub fn RulesPage() -> impl IntoView {
    let i18n = use_i18n();
    let rules = LocalResource::new(api::admin_rules);
    let reload = Callback::new(move |()| rules.refetch());
    let table = move || rules.get().map(|result| result.map(|list| view! { <RulesTable list reload /> }));
    view! {
        <div class="admin-toolbar">
            <h2 class="section-title">{move || i18n.t(Key::AdminRulesHeading)}</h2>
            <a class="button" href="/admin/rules/new" data-testid="rule-new">{move || i18n.t(Key::AdminNewRule)}</a>
        </div>
        <LoadBoundary on_retry=move |_| rules.refetch()>
            <div class="rules-region">{table}</div>
        </LoadBoundary>
    }
}

/// How the rule combines with others: "stackable" or "exclusive: group".
fn stacking_text(locale: Locale, stacking: &Stacking) -> String {
    match stacking {
        Stacking::Stackable => crate::i18n::t(locale, Key::AdminStackable).to_owned(),
        Stacking::Exclusive { group } => format!("{}: {group}", crate::i18n::t(locale, Key::AdminExclusive)),
    }
}

/// Use so far and, for a rule with limits, how much of them.
fn usage_lines(locale: Locale, summary: &RuleSummary) -> Vec<String> {
    let limits = &summary.rule.limits;
    let mut lines = vec![rule_uses(locale, summary.uses, &summary.spent)];
    if let Some(total) = limits.total_uses {
        lines.push(rule_uses_of(locale, summary.uses, total));
    }
    if let Some(budget) = &limits.budget {
        lines.push(rule_budget_used(locale, &summary.spent, budget));
    }
    if let Some(n) = limits.per_customer {
        lines.push(rule_per_customer(locale, n));
    }
    lines
}

#[component]
fn RulesTable(list: Vec<RuleSummary>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(list);
    let ids = move || rows.with(|list| list.iter().map(|s| s.rule.id.clone()).collect::<Vec<_>>());
    view! {
        <Show
            when=move || rows.with(|r| !r.is_empty())
            fallback=move || view! { <p class="empty-state" data-testid="rules-empty">{move || i18n.t(Key::AdminNoRules)}</p> }
        >
            <div class="table-scroll">
                <table class="admin-table rules-table" data-testid="rules-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Key::AdminColStatus)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColRule)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColPriority)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColStacking)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColUsage)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColVersion)}</th>
                            <th scope="col">{move || i18n.t(Key::AdminColActions)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=ids key=|id| id.clone() let:id>
                            <RuleRow id rows reload />
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

/// What the last action on a row came to.
#[derive(Debug, Clone, PartialEq)]
enum RowError {
    /// Someone else changed or deleted the rule: the list was reloaded.
    Changed(ApiError),
    Failed(ApiError),
}

#[component]
fn RuleRow(id: String, rows: RwSignal<Vec<RuleSummary>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = {
        let id = id.clone();
        Memo::new(move |_| rows.with(|list| list.iter().find(|s| s.rule.id == id).cloned()))
    };
    let busy = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let error = RwSignal::new(None::<RowError>);
    let enabled = move || summary.with(|s| s.as_ref().is_some_and(|s| s.rule.enabled));

    let failed = move |err: ApiError| {
        if err.code == "rule_changed" || err.code == "unknown_rule" {
            error.try_set(Some(RowError::Changed(err)));
            reload.run(());
        } else {
            error.try_set(Some(RowError::Failed(err)));
        }
    };
    let toggle = move |_| {
        let Some(current) = summary.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let rule = Rule { enabled: !current.rule.enabled, ..current.rule };
        spawn_local(async move {
            match api::update_rule(&rule, current.version).await {
                Ok(saved) => {
                    rows.try_update(|list| {
                        if let Some(slot) = list.iter_mut().find(|s| s.rule.id == saved.rule.id) {
                            *slot = saved;
                        }
                    });
                }
                Err(err) => failed(err),
            }
            busy.try_set(false);
        });
    };
    let delete = {
        let id = id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            if !confirm_delete.get_untracked() {
                confirm_delete.set(true);
                return;
            }
            busy.set(true);
            error.set(None);
            let id = id.clone();
            spawn_local(async move {
                match api::delete_rule(&id).await {
                    Ok(()) => {
                        rows.try_update(|list| list.retain(|s| s.rule.id != id));
                    }
                    Err(err) => {
                        confirm_delete.try_set(false);
                        failed(err);
                    }
                }
                busy.try_set(false);
            });
        }
    };

    let cells = move || {
        let locale = i18n.locale();
        let offset = local_utc_offset_minutes();
        summary.get().map(|s| {
            let usage =
                usage_lines(locale, &s).into_iter().map(|line| view! { <span class="rule-usage-line">{line}</span> }).collect_view();
            let status_key = if s.rule.enabled { Key::AdminEnabled } else { Key::AdminDisabled };
            view! {
                <td>
                    <span class="rule-status" data-testid="rule-status" data-enabled=s.rule.enabled.to_string()>
                        {crate::i18n::t(locale, status_key)}
                    </span>
                </td>
                <td>
                    <span class="rule-name" data-testid="rule-name">{s.rule.name.clone()}</span>
                    <span class="rule-id">{s.rule.id.clone()}</span>
                </td>
                <td class="rule-priority">{s.rule.priority}</td>
                <td>{stacking_text(locale, &s.rule.stacking)}</td>
                <td class="rule-usage" data-testid="rule-usage">{usage}</td>
                <td class="rule-version">
                    <span>{rule_version(locale, s.version)}</span>
                    <span class="rule-updated">{format_date_time(locale, s.updated_at.timestamp(), offset)}</span>
                </td>
            }
        })
    };
    let edit_href = format!("/admin/rules/{}", String::from(js_sys::encode_uri_component(&id)));
    let error_view = move || {
        error.get().map(|e| {
            let (key, detail) = match e {
                RowError::Changed(detail) => (Key::AdminRuleChanged, detail),
                RowError::Failed(detail) => (Key::AdminActionFailed, detail),
            };
            view! {
                <p class="form-error" data-testid="rule-error">
                    {move || i18n.t(key)}
                    <span class="error-detail">" (" {move || detail.text(i18n.locale())} ")"</span>
                </p>
            }
        })
    };
    view! {
        <tr class="rule-row" data-testid="rule-row" data-rule-id=id.clone() data-enabled=move || enabled().to_string()>
            {cells}
            <td class="rule-actions">
                <div class="rule-action-buttons">
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="rule-toggle"
                        aria-busy=move || busy.get().to_string()
                        on:click=toggle
                    >
                        {move || i18n.t(if enabled() { Key::AdminDisable } else { Key::AdminEnable })}
                    </button>
                    <a class="button button-secondary" href=edit_href data-testid="rule-edit">{move || i18n.t(Key::AdminEdit)}</a>
                    <Show when=move || confirm_delete.get()>
                        <span class="rule-delete-question">{move || i18n.t(Key::AdminDeleteConfirm)}</span>
                    </Show>
                    <button
                        type="button"
                        class=move || if confirm_delete.get() { "button button-danger" } else { "button button-secondary" }
                        data-testid=move || if confirm_delete.get() { "rule-delete-confirm" } else { "rule-delete" }
                        on:click=delete
                    >
                        {move || i18n.t(if confirm_delete.get() { Key::AdminDeleteYes } else { Key::AdminDelete })}
                    </button>
                    <Show when=move || confirm_delete.get()>
                        <button type="button" class="button button-secondary" on:click=move |_| confirm_delete.set(false)>
                            {move || i18n.t(Key::CancelNo)}
                        </button>
                    </Show>
                </div>
                <div role="alert">{error_view}</div>
            </td>
        </tr>
    }
}
