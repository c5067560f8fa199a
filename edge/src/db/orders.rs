//! Orders (from every channel), their lines, events, payments and refunds, returns, NPS answers,
//! and the idempotency keys of checkouts.

use super::{all, to_time, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};
use vitrina_shared::api::NpsAnswer;
use vitrina_shared::kpis::Sale;
use vitrina_shared::offers::PastOrder;
use vitrina_shared::orders::OrderStatus;
use vitrina_shared::{CategoryId, Currency, Money};

/// Orders placed as a guest in session `session` join `customer`'s history.
pub(crate) fn adopt_guest_orders(customer: &str, session: &str) -> Statement {
    Statement::new("UPDATE orders SET customer_id = ? WHERE session_id = ? AND customer_id IS NULL", vec![customer.into(), session.into()])
}

/// The SQL predicate "the order in `status_column` counts as a purchase", rendered from
/// [`OrderStatus::NOT_COUNTING`] (the one definition of which orders count):
/// `status NOT IN ('cancelled', 'payment_failed', 'pending_payment')`.
pub(crate) fn counting_orders(status_column: &str) -> String {
    let listed: Vec<String> = OrderStatus::NOT_COUNTING.iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("{status_column} NOT IN ({})", listed.join(", "))
}

struct PastOrderRow(PastOrder);

impl FromRow for PastOrderRow {
    const COLUMNS: &'static [&'static str] = &["created_at", "goods_minor", "categories"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(PastOrderRow(PastOrder {
            at: to_time(row.int("created_at")?),
            total: Money::from_minor_units(row.int("goods_minor")?, Currency::Rub),
            categories: row.opt_text("categories")?.unwrap_or("").split(',').filter_map(|c| CategoryId::parse(c).ok()).collect(),
        }))
    }
}

fn purchase_history_select() -> String {
    format!(
        "SELECT o.created_at, o.total_minor - o.delivery_minor AS goods_minor, GROUP_CONCAT(DISTINCT p.category_id) AS categories
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
         WHERE o.customer_id = ? AND {}
         GROUP BY o.id ORDER BY o.created_at DESC LIMIT 1000",
        counting_orders("o.status")
    )
}

/// A customer's orders that count as purchases (not cancelled, failed or awaiting payment), with
/// the categories bought in each.
pub(crate) async fn purchase_history(sql: &dyn Sql, customer: &str) -> Result<Vec<PastOrder>, StorageError> {
    Ok(all::<PastOrderRow>(sql, &purchase_history_select(), vec![customer.into()]).await?.into_iter().map(|p| p.0).collect())
}

struct SaleRow(Sale);

impl FromRow for SaleRow {
    const COLUMNS: &'static [&'static str] = &["customer_id", "created_at", "goods_minor", "discount_minor"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SaleRow(Sale {
            customer: row.opt_text("customer_id")?.map(str::to_owned),
            at: row.int("created_at")?,
            goods_minor: row.int("goods_minor")?,
            offer_discount_minor: row.int("discount_minor")?,
        }))
    }
}

fn sales_select() -> String {
    format!(
        "SELECT customer_id, created_at, subtotal_minor - discount_minor AS goods_minor, discount_minor FROM orders
         WHERE {} AND created_at >= ? AND created_at < ?",
        counting_orders("status")
    )
}

/// The purchases made in [`from`, `to`).
pub(crate) async fn sales(sql: &dyn Sql, from: i64, to: i64) -> Result<Vec<Sale>, StorageError> {
    Ok(all::<SaleRow>(sql, &sales_select(), vec![from.into(), to.into()]).await?.into_iter().map(|s| s.0).collect())
}

struct Score(i64, u8);

impl FromRow for Score {
    const COLUMNS: &'static [&'static str] = &["created_at", "score"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Score(row.int("created_at")?, u8::try_from(row.int("score")?).unwrap_or(0)))
    }
}

const SCORES_BETWEEN: &str = "SELECT created_at, score FROM nps_answers WHERE created_at >= ? AND created_at < ?";

/// The NPS scores given in [`from`, `to`), with when.
pub(crate) async fn nps_between(sql: &dyn Sql, from: i64, to: i64) -> Result<Vec<(i64, u8)>, StorageError> {
    Ok(all::<Score>(sql, SCORES_BETWEEN, vec![from.into(), to.into()]).await?.into_iter().map(|s| (s.0, s.1)).collect())
}

struct ScoreOnly(u8);

impl FromRow for ScoreOnly {
    const COLUMNS: &'static [&'static str] = &["score"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ScoreOnly(u8::try_from(row.int("score")?).unwrap_or(0)))
    }
}

const SCORES: &str = "SELECT score FROM nps_answers";

/// Every NPS score given.
pub(crate) async fn nps_scores(sql: &dyn Sql) -> Result<Vec<u8>, StorageError> {
    Ok(all::<ScoreOnly>(sql, SCORES, vec![]).await?.into_iter().map(|s| s.0).collect())
}

struct AnswerRow(NpsAnswer);

impl FromRow for AnswerRow {
    const COLUMNS: &'static [&'static str] = &["order_id", "score", "reason", "created_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(AnswerRow(NpsAnswer {
            order_id: row.text("order_id")?.to_owned(),
            score: u8::try_from(row.int("score")?).unwrap_or(0),
            reason: row.opt_text("reason")?.map(str::to_owned),
            at: to_time(row.int("created_at")?),
        }))
    }
}

const RECENT_ANSWERS: &str = "SELECT order_id, score, reason, created_at FROM nps_answers ORDER BY created_at DESC, order_id LIMIT 50";

/// The latest 50 NPS answers.
pub(crate) async fn recent_nps_answers(sql: &dyn Sql) -> Result<Vec<NpsAnswer>, StorageError> {
    Ok(all::<AnswerRow>(sql, RECENT_ANSWERS, vec![]).await?.into_iter().map(|a| a.0).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<PastOrderRow>(purchase_history_select()),
        checked::<SaleRow>(sales_select()),
        checked::<Score>(SCORES_BETWEEN),
        checked::<ScoreOnly>(SCORES),
        checked::<AnswerRow>(RECENT_ANSWERS),
    ]
}

#[cfg(test)]
mod tests {
    use super::counting_orders;

    #[test]
    fn the_counting_orders_predicate_leaves_out_cancelled_failed_and_unpaid_orders() {
        assert_eq!(counting_orders("o.status"), "o.status NOT IN ('cancelled', 'payment_failed', 'pending_payment')");
    }
}
