//! Insights for marketers: segments and their sizes, loyalty and business KPIs, NPS.

use crate::db::{customers, ledger, orders};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::pricing::{segment_members, SEGMENTS};
use crate::session::Session;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::collections::HashMap;
use vitrina_shared::account::Role;
use vitrina_shared::api::{NpsSummary, SegmentView};
use vitrina_shared::loyalty;
use vitrina_shared::nps::tally;

/// `GET /api/admin/segments` (marketer): the segments rules and campaigns can target, and their sizes.
pub async fn admin_segments(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Json<Vec<SegmentView>>, ApiError> {
    session.require_role(Role::Marketer)?;
    let members = segment_members(&app).await?;
    Ok(Json(
        SEGMENTS
            .iter()
            .map(|(id, name, condition)| SegmentView {
                id: (*id).into(),
                name: (*name).into(),
                condition: (*condition).into(),
                customers: members.get(id).map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
            })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    from: Option<String>,
    to: Option<String>,
}

/// Moscow time, where the stores are (UTC+3 all year): a day starts at 21:00 UTC the day before.
const BUSINESS_OFFSET: i64 = 3 * 3600;

fn parse_day(raw: &str, field: &'static str) -> Result<i64, ApiError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp() - BUSINESS_OFFSET)
        .ok_or_else(|| ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_date",
            message: format!("{field} is a date like 2026-11-01"),
        })
}

/// `GET /api/admin/kpis?from=YYYY-MM-DD&to=YYYY-MM-DD` (marketer; both days included, Moscow time;
/// default the last 30 days, or the 30 days from `from` or up to `to` when only one is given):
/// loyalty and business KPIs with weekly series for the charts.
pub async fn admin_kpis(
    State(app): State<AppState>,
    Extension(session): Extension<Session>,
    ApiQuery(params): ApiQuery<KpiParams>,
) -> Result<Json<vitrina_shared::kpis::KpiReport>, ApiError> {
    use vitrina_shared::kpis::{compute, KpiInput};
    session.require_role(Role::Marketer)?;
    let now = app.clock.now().timestamp();
    let today = (now + BUSINESS_OFFSET).div_euclid(86_400) * 86_400 - BUSINESS_OFFSET;
    // A missing end is 30 days from the other one, so any one day names a period.
    let from = params.from.as_deref().map(|raw| parse_day(raw, "from")).transpose()?;
    let to = match (&params.to, from) {
        (Some(raw), _) => parse_day(raw, "to")? + 86_400,
        (None, Some(from)) => from + 30 * 86_400,
        (None, None) => today + 86_400,
    };
    let from = from.unwrap_or(to - 30 * 86_400);
    if from >= to || to - from > 366 * 86_400 {
        return Err(ApiError::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_period",
            message: "from must be on or before to, and the period at most 366 days".into(),
        });
    }
    let sql = app.sql.as_ref();
    let members = customers::members(sql).await?;
    let sales = orders::sales(sql, from - (to - from), to).await?;
    let mut ledgers: HashMap<String, Vec<loyalty::Entry>> = HashMap::new();
    for (customer, entry) in ledger::entries_before(sql, to).await? {
        ledgers.entry(customer).or_default().push(entry);
    }
    let nps = orders::nps_between(sql, from, to).await?;
    Ok(Json(compute(&KpiInput { from, to, members: &members, sales: &sales, ledgers: &ledgers, nps: &nps, policy: &app.config.loyalty })))
}

/// `GET /api/admin/nps` (marketer): the score and the latest answers.
pub async fn nps_summary(State(app): State<AppState>, Extension(session): Extension<Session>) -> Result<Json<NpsSummary>, ApiError> {
    session.require_role(Role::Marketer)?;
    let scores = orders::nps_scores(app.sql.as_ref()).await?;
    let recent = orders::recent_nps_answers(app.sql.as_ref()).await?;
    Ok(Json(NpsSummary { responses: u32::try_from(scores.len()).unwrap_or(u32::MAX), tally: tally(&scores), recent }))
}
