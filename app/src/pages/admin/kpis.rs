//! `/admin/kpis`: loyalty and business KPIs over a period (the last 30 days unless another is
//! picked) as tiles, weekly charts drawn as SVG by `vitrina_shared::charts`, and the NPS block.

use crate::api;
use crate::components::error::LoadBoundary;
use crate::components::form_field::FormField;
use crate::i18n::{
    format_date, format_decimal, format_money, format_percent, local_utc_offset_minutes, now_unix, points_count, t, use_i18n, Key, Locale,
};
use chrono::{DateTime, Datelike, Duration};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use vitrina_shared::api::NpsSummary;
use vitrina_shared::charts::bar_chart;
use vitrina_shared::kpis::KpiReport;

/// Days in the default period, today included.
const DEFAULT_DAYS: i64 = 30;

/// The API's days and weeks are Moscow's (UTC+3 all year), where the stores are.
const BUSINESS_OFFSET_MINUTES: i32 = 180;

/// Today and `DEFAULT_DAYS - 1` days before it, as `YYYY-MM-DD` in Moscow.
fn default_period() -> (String, String) {
    let local = now_unix() + i64::from(BUSINESS_OFFSET_MINUTES) * 60;
    let today = DateTime::from_timestamp(local, 0).unwrap_or_default().date_naive();
    let from = today - Duration::days(DEFAULT_DAYS - 1);
    (from.format("%Y-%m-%d").to_string(), today.format("%Y-%m-%d").to_string())
}

#[component]
pub fn KpisPage() -> impl IntoView {
    let i18n = use_i18n();
    let (from, to) = default_period();
    let from_input = RwSignal::new(from.clone());
    let to_input = RwSignal::new(to.clone());
    let period = RwSignal::new((from, to));
    let report = LocalResource::new(move || {
        let (from, to) = period.get();
        async move { api::kpis(&from, &to).await }
    });
    let nps = LocalResource::new(api::nps_summary);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        period.set((from_input.get_untracked(), to_input.get_untracked()));
    };
    let body = move || report.get().map(|result| result.map(|report| view! { <KpiReportView report /> }));
    let nps_body = move || nps.get().map(|result| result.map(|summary| view! { <NpsBlock summary /> }));
    view! {
        <div class="admin-toolbar">
            <h2 class="section-title">{move || i18n.t(Key::AdminKpisHeading)}</h2>
        </div>
        <form class="kpi-period" on:submit=on_submit>
            <FormField input_id="kpi-from" label=Key::AdminPeriodFrom>
                <input id="kpi-from" type="date" data-testid="kpi-from" required=true bind:value=from_input />
            </FormField>
            <FormField input_id="kpi-to" label=Key::AdminPeriodTo>
                <input id="kpi-to" type="date" data-testid="kpi-to" required=true bind:value=to_input />
            </FormField>
            <button type="submit" class="button" data-testid="kpi-apply">{move || i18n.t(Key::AdminPeriodApply)}</button>
        </form>
        <LoadBoundary on_retry=move |_| report.refetch()>
            <div class="kpi-region">{body}</div>
        </LoadBoundary>
        <section class="nps-block" aria-labelledby="nps-title">
            <h2 id="nps-title" class="section-title">{move || i18n.t(Key::AdminNpsHeading)}</h2>
            <LoadBoundary on_retry=move |_| nps.refetch()>
                <div class="nps-region">{nps_body}</div>
            </LoadBoundary>
        </section>
    }
}

/// A tile: what it measures, the value, and maybe a note under it.
fn tile(locale: Locale, label: Key, slug: &'static str, value: String, note: Option<String>) -> impl IntoView {
    view! {
        <li class="kpi-tile" data-testid=format!("kpi-{slug}")>
            <span class="kpi-label">{t(locale, label)}</span>
            <span class="kpi-value">{value}</span>
            {note.map(|n| view! { <span class="kpi-note">{n}</span> })}
        </li>
    }
}

/// A week's label under a bar: its first day in Moscow, `25.11`.
fn week_label(start: i64) -> String {
    let local = start + i64::from(BUSINESS_OFFSET_MINUTES) * 60;
    let day = DateTime::from_timestamp(local, 0).unwrap_or_default().date_naive();
    format!("{:02}.{:02}", day.day(), day.month())
}

#[component]
fn KpiReportView(report: KpiReport) -> impl IntoView {
    let i18n = use_i18n();
    let content = move || {
        let locale = i18n.locale();
        let r = &report;
        let percent = |d: &rust_decimal::Decimal| format_percent(locale, d);
        let nps = r.nps.map_or_else(|| "—".to_owned(), |n| n.to_string());
        let tiles = view! {
            {tile(locale, Key::KpiRevenue, "revenue", format_money(locale, &r.revenue), Some(format!("{}: {}", t(locale, Key::KpiTransactions), r.transactions)))}
            {tile(locale, Key::KpiOfferDiscounts, "offer-discounts", format_money(locale, &r.offer_discounts), None)}
            {tile(locale, Key::KpiAverageCheck, "average-check", format_money(locale, &r.average_check), None)}
            {tile(locale, Key::KpiPurchaseFrequency, "purchase-frequency", format_decimal(locale, &r.purchase_frequency), Some(format!("{}: {}", t(locale, Key::KpiBuyers), r.buyers)))}
            {tile(locale, Key::KpiParticipation, "participation", percent(&r.participation_rate), None)}
            {tile(locale, Key::KpiTenure, "tenure", format_decimal(locale, &r.average_tenure_days), None)}
            {tile(locale, Key::KpiRedemptionRate, "redemption-rate", percent(&r.redemption_rate), Some(format!("{} / {}", points_count(locale, r.points_redeemed), points_count(locale, r.points_issued))))}
            {tile(locale, Key::KpiBreakage, "breakage", percent(&r.breakage_rate), Some(points_count(locale, r.points_expired)))}
            {tile(locale, Key::KpiMemberSpend, "member-spend", format_money(locale, &r.average_member_spend), None)}
            {tile(locale, Key::KpiPointsPerTransaction, "points-per-transaction", format_decimal(locale, &r.points_redeemed_per_member_transaction), None)}
            {tile(locale, Key::KpiCostPerPoint, "cost-per-point", format_money(locale, &r.cost_per_point), None)}
            {tile(locale, Key::KpiChurn, "churn", percent(&r.churn_rate), None)}
            {tile(locale, Key::KpiNps, "nps", nps, Some(format!("{}: {}", t(locale, Key::KpiResponses), r.nps_responses)))}
        };
        let series = |pick: &dyn Fn(&vitrina_shared::kpis::WeekPoint) -> f64| -> Vec<(String, f64)> {
            r.weekly.iter().map(|w| (week_label(w.start), pick(w))).collect()
        };
        let money = |m: &vitrina_shared::Money| m.amount.to_f64().unwrap_or(0.0);
        let charts = [
            (Key::ChartRevenue, series(&|w| money(&w.revenue))),
            (Key::ChartTransactions, series(&|w| f64::from(w.transactions))),
            (Key::ChartAverageCheck, series(&|w| money(&w.average_check))),
            (Key::ChartPointsIssued, series(&|w| w.points_issued as f64)),
            (Key::ChartPointsRedeemed, series(&|w| w.points_redeemed as f64)),
        ]
        .into_iter()
        .map(|(title, points)| {
            // `bar_chart` escapes every text it puts into the SVG.
            let svg = bar_chart(t(locale, title), &points);
            view! { <figure class="kpi-chart" data-testid="kpi-chart" inner_html=svg></figure> }
        })
        .collect_view();
        let period = format!(
            "{} — {}",
            format_date(locale, r.from, BUSINESS_OFFSET_MINUTES),
            format_date(locale, r.to - 1, BUSINESS_OFFSET_MINUTES)
        );
        view! {
            <p class="kpi-period-shown" data-testid="kpi-period">{period}</p>
            <ul class="kpi-tiles">{tiles}</ul>
            <h3 class="section-title">{t(locale, Key::AdminChartsHeading)}</h3>
            <div class="kpi-charts">{charts}</div>
        }
    };
    view! { <div class="kpi-report" data-testid="kpi-report">{content}</div> }
}

#[component]
fn NpsBlock(summary: NpsSummary) -> impl IntoView {
    let i18n = use_i18n();
    let content = move || {
        let locale = i18n.locale();
        let s = &summary;
        let offset = local_utc_offset_minutes();
        let recent = if s.recent.is_empty() {
            view! { <p class="empty-state">{t(locale, Key::AdminNpsNoAnswers)}</p> }.into_any()
        } else {
            let items = s
                .recent
                .iter()
                .map(|a| {
                    let reason = a.reason.clone().filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "—".to_owned());
                    view! {
                        <li class="nps-answer" data-score=a.score>
                            <span class="nps-answer-score">{a.score}</span>
                            <span class="nps-answer-reason">{reason}</span>
                            <span class="nps-answer-meta">{format!("{} · {}", format_date(locale, a.at.timestamp(), offset), a.order_id)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="nps-answers">{items}</ul> }.into_any()
        };
        view! {
            <ul class="kpi-tiles nps-tiles">
                {tile(locale, Key::KpiNps, "nps-score", s.tally.score.to_string(), Some(format!("{}: {}", t(locale, Key::KpiResponses), s.responses)))}
                {tile(locale, Key::NpsPromoters, "nps-promoters", s.tally.promoters.to_string(), None)}
                {tile(locale, Key::NpsPassives, "nps-passives", s.tally.passives.to_string(), None)}
                {tile(locale, Key::NpsDetractors, "nps-detractors", s.tally.detractors.to_string(), None)}
            </ul>
            <h3 class="section-title">{t(locale, Key::AdminNpsRecent)}</h3>
            {recent}
        }
    };
    view! { <div class="nps-summary" data-testid="nps-summary">{content}</div> }
}
