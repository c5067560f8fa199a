//! The loyalty ledger: every change of a customer's points, replayed into balances by `shared`.

use super::{all, corrupt, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};
use vitrina_shared::loyalty::{Entry, EntryKind};

/// An entry of the ledger.
pub(crate) fn entry(
    customer: &str,
    kind: EntryKind,
    points: i64,
    order: Option<&str>,
    note: &str,
    actor: Option<&str>,
    now: i64,
) -> Statement {
    Statement::new(
        "INSERT INTO loyalty_ledger (customer_id, kind, points, order_id, note, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![customer.into(), kind.as_str().into(), points.into(), order.into(), note.into(), actor.into(), now.into()],
    )
}

/// Redeems `points` for `order`, only while the customer's newest entry is still `last_entry`
/// (the one the balance was checked against): guard it.
pub(crate) fn redeem(customer: &str, points: i64, order: &str, last_entry: i64, now: i64) -> Statement {
    let mut redeem = entry(customer, EntryKind::Redeem, -points, Some(order), "", None, now);
    redeem.sql = "INSERT INTO loyalty_ledger (customer_id, kind, points, order_id, note, actor, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ? WHERE COALESCE((SELECT MAX(id) FROM loyalty_ledger WHERE customer_id = ?), 0) = ?"
        .into();
    redeem.params.push(customer.into());
    redeem.params.push(last_entry.into());
    redeem
}

/// An entry as stored.
pub(crate) struct LedgerRow {
    pub id: i64,
    pub kind: EntryKind,
    pub points: i64,
    pub created_at: i64,
    pub order_id: Option<String>,
    pub note: String,
}

impl FromRow for LedgerRow {
    const COLUMNS: &'static [&'static str] = &["id", "kind", "points", "created_at", "order_id", "note"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let kind = row.text("kind")?;
        Ok(LedgerRow {
            id: row.int("id")?,
            kind: EntryKind::parse(kind).ok_or_else(|| corrupt("ledger kind", kind))?,
            points: row.int("points")?,
            created_at: row.int("created_at")?,
            order_id: row.opt_text("order_id")?.map(str::to_owned),
            note: row.text("note")?.to_owned(),
        })
    }
}

const LEDGER_OF: &str = "SELECT id, kind, points, created_at, order_id, note FROM loyalty_ledger WHERE customer_id = ? ORDER BY id";

/// The ledger of a customer, oldest first: its entries for `shared::loyalty::replay`, the id of
/// its newest entry, and the rows themselves.
pub(crate) async fn ledger_of(sql: &dyn Sql, customer: &str) -> Result<(Vec<Entry>, i64, Vec<LedgerRow>), StorageError> {
    let rows: Vec<LedgerRow> = all(sql, LEDGER_OF, vec![customer.into()]).await?;
    let entries = rows.iter().map(|r| Entry { kind: r.kind, points: r.points, at: r.created_at }).collect();
    let last = rows.last().map_or(0, |r| r.id);
    Ok((entries, last, rows))
}

struct CustomerEntry(String, Entry);

impl FromRow for CustomerEntry {
    const COLUMNS: &'static [&'static str] = &["customer_id", "kind", "points", "created_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let kind = EntryKind::parse(row.text("kind")?).ok_or_else(|| StorageError("stored ledger kind".into()))?;
        Ok(CustomerEntry(row.text("customer_id")?.to_owned(), Entry { kind, points: row.int("points")?, at: row.int("created_at")? }))
    }
}

const ENTRIES_BEFORE: &str = "SELECT customer_id, kind, points, created_at FROM loyalty_ledger WHERE created_at < ? ORDER BY id";

/// Every customer's entries made before `before`, in order.
pub(crate) async fn entries_before(sql: &dyn Sql, before: i64) -> Result<Vec<(String, Entry)>, StorageError> {
    Ok(all::<CustomerEntry>(sql, ENTRIES_BEFORE, vec![before.into()]).await?.into_iter().map(|e| (e.0, e.1)).collect())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<LedgerRow>(LEDGER_OF), checked::<CustomerEntry>(ENTRIES_BEFORE)]
}
