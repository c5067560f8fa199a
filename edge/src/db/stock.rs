//! Stock and holds. Stock is protected by conditional statements inside one batch: a hold is
//! inserted only if the store's units on hand less the active holds still cover it; a delivery
//! takes units from on hand under the same condition. Expired holds stop counting at read time;
//! later writes delete them.

use super::{all, corrupt, to_time, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use vitrina_shared::availability::{from_units, Availability, Chain};
use vitrina_shared::stock::StockLine;
use vitrina_shared::{GeoPoint, Sku, StoreId};

/// Units of `s.sku` held at `s.store_id` by holds that have not expired at the first parameter.
pub const ACTIVE_HOLDS: &str =
    "COALESCE((SELECT SUM(h.qty) FROM holds h WHERE h.store_id = s.store_id AND h.sku = s.sku AND h.expires_at > ?), 0)";

/// The units of the product under `alias` available across the chain, with one parameter (`now`):
/// its units on hand (`products.units_on_hand`, which triggers on `stock` keep) less, in each store
/// where it has holds, the active ones (at most what is on hand there). Only the few stores with
/// holds are looked at, so a chain of 1,000 stores costs what a chain of one does.
pub fn available_across_chain(alias: &str) -> String {
    format!(
        "({alias}.units_on_hand
          - COALESCE((SELECT SUM(MIN(s.on_hand, {ACTIVE_HOLDS})) FROM stock s
                      WHERE s.sku = {alias}.sku AND s.store_id IN (SELECT h.store_id FROM holds h WHERE h.sku = {alias}.sku)), 0))"
    )
}

fn stock_select() -> String {
    // The product's active holds summed per store once, not looked up for each of its stores.
    "SELECT s.store_id, MAX(0, s.on_hand - COALESCE(h.held, 0)) AS available
     FROM stock s LEFT JOIN (SELECT store_id, SUM(qty) AS held FROM holds WHERE sku = ?1 AND expires_at > ?2 GROUP BY store_id) h
       ON h.store_id = s.store_id
     WHERE s.sku = ?1 AND s.on_hand > 0"
        .to_owned()
}

struct Available(StoreId, u32);

impl FromRow for Available {
    const COLUMNS: &'static [&'static str] = &["store_id", "available"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let store = StoreId::parse(row.text("store_id")?).map_err(|e| corrupt("store id", e))?;
        Ok(Available(store, u32::try_from(row.int("available")?).unwrap_or(0)))
    }
}

/// Units available per store for one SKU at `now`: on hand less active holds. Stores with
/// nothing on the shelf are left out (a third of a chain of 1,000 stores, read for nothing).
pub async fn stock_for(sql: &dyn Sql, sku: &Sku, now: i64) -> Result<HashMap<StoreId, u32>, StorageError> {
    Ok(all::<Available>(sql, &stock_select(), vec![sku.as_str().into(), now.into()]).await?.into_iter().map(|a| (a.0, a.1)).collect())
}

/// The SKU's shelf (migration 18: `,store:units,…,` for every store with units on hand, one
/// row however many stores there are), `held` 0; then a row for each store with holds active at
/// the second parameter: its id, its units on hand and the units held (`held` > 0). One
/// statement: one snapshot.
const SHELVES: &str = "SELECT stores, 0 AS on_hand, 0 AS held FROM shelves WHERE sku = ?1
     UNION ALL
     SELECT h.store_id, MAX(s.on_hand), SUM(h.qty)
     FROM holds h JOIN stock s ON s.store_id = h.store_id AND s.sku = h.sku
     WHERE h.sku = ?1 AND h.expires_at > ?2 GROUP BY h.store_id";

struct Shelf {
    stores: String,
    on_hand: i64,
    held: i64,
}

impl FromRow for Shelf {
    const COLUMNS: &'static [&'static str] = &["stores", "on_hand", "held"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Shelf { stores: row.text("stores")?.to_owned(), on_hand: row.int("on_hand")?, held: row.int("held")? })
    }
}

/// The availability of `sku` across `chain` at `now` for a shopper at `shopper`, listing the first
/// `listed` stores (in stock first, then nearest): every store's units available (on hand less
/// active holds) from one [`SHELVES`] read.
pub async fn availability(
    sql: &dyn Sql,
    chain: &Chain,
    sku: &Sku,
    shopper: Option<GeoPoint>,
    now: DateTime<Utc>,
    listed: usize,
) -> Result<Availability, StorageError> {
    let rows = all::<Shelf>(sql, SHELVES, vec![sku.as_str().into(), now.timestamp().into()]).await?;
    let mut units = vec![0_u32; chain.stores().len()];
    let (shelf, held): (Vec<Shelf>, Vec<Shelf>) = rows.into_iter().partition(|r| r.held == 0);
    for (id, on_hand) in shelf.iter().flat_map(|s| shelved(&s.stores)) {
        if let Some(i) = chain.index_of(id) {
            units[i] = on_hand;
        }
    }
    for hold in &held {
        if let Some(i) = chain.index_of(&hold.stores) {
            units[i] = u32::try_from((hold.on_hand - hold.held).max(0)).unwrap_or(0);
        }
    }
    Ok(from_units(sku, chain, &units, shopper, now, listed))
}

/// The entries of a shelf, `,store:units,…,`: store ids with their units (an entry that does not
/// read is left out).
fn shelved(shelf: &str) -> impl Iterator<Item = (&str, u32)> {
    shelf.split(',').filter_map(|entry| entry.split_once(':')).filter_map(|(id, units)| Some((id, units.parse().ok()?)))
}

/// Sets on-hand quantities for one store, all lines in one transaction.
pub async fn set_stock(sql: &dyn Sql, store: &StoreId, lines: &[StockLine], now: DateTime<Utc>) -> Result<u32, StorageError> {
    let statements = lines.iter().map(|l| set_on_hand(store, &l.sku, l.on_hand, now.timestamp())).collect();
    let changed = sql.batch(statements).await?;
    Ok(u32::try_from(changed.len()).unwrap_or(u32::MAX))
}

/// Sets the units of `sku` on hand at `store` (a count from the shelf, a till or an import).
pub(crate) fn set_on_hand(store: &StoreId, sku: &Sku, on_hand: u32, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at",
        vec![store.as_str().into(), sku.as_str().into(), on_hand.into(), stamp(now)],
    )
}

/// A stock row's `updated_at` (RFC 3339, as the rest of the stock table).
fn stamp(now: i64) -> Value {
    to_time(now).to_rfc3339().into()
}

/// Units of (`store`, `sku`) available at `now`: on hand less active holds. Parameters: store, sku, now, store, sku.
const AVAILABLE: &str = "(SELECT on_hand FROM stock WHERE store_id = ? AND sku = ?) - COALESCE((SELECT SUM(qty) FROM holds WHERE store_id = ? AND sku = ? AND expires_at > ?), 0)";

fn available_params(store: &StoreId, sku: &Sku, now: i64) -> Vec<Value> {
    vec![store.as_str().into(), sku.as_str().into(), store.as_str().into(), sku.as_str().into(), now.into()]
}

/// [`AVAILABLE`] as a row: `n`, never below 0 (no stock row reads as 0).
fn available_at_select() -> String {
    format!("SELECT MAX(0, COALESCE({AVAILABLE}, 0)) AS n")
}

/// Units of `sku` available at `store` at `now` (on hand less active holds): two point reads,
/// however many stores carry the SKU. For a question about one store, where [`stock_for`]
/// would read every store's row.
pub async fn available_at(sql: &dyn Sql, sku: &Sku, store: &StoreId, now: i64) -> Result<u32, StorageError> {
    let n = super::first::<super::Count>(sql, &available_at_select(), available_params(store, sku, now)).await?;
    Ok(n.map_or(0, |c| u32::try_from(c.0).unwrap_or(0)))
}

/// Holds `qty` of `sku` at `store` for `order` until `expires_at`, only if that many are available.
pub(crate) fn hold(order: &str, store: &StoreId, sku: &Sku, qty: u32, expires_at: i64, now: i64) -> Statement {
    let mut params: Vec<Value> = vec![order.into(), store.as_str().into(), sku.as_str().into(), qty.into(), expires_at.into()];
    params.extend(available_params(store, sku, now));
    params.push(qty.into());
    Statement::new(
        format!("INSERT INTO holds (order_id, store_id, sku, qty, expires_at) SELECT ?, ?, ?, ?, ? WHERE {AVAILABLE} >= ?"),
        params,
    )
    .guarded()
}

/// Takes `qty` of `sku` from `store`'s units on hand, only if that many are available (not held).
pub(crate) fn take(store: &StoreId, sku: &Sku, qty: u32, now: i64) -> Statement {
    let mut params: Vec<Value> = vec![qty.into(), stamp(now), store.as_str().into(), sku.as_str().into()];
    params.extend(available_params(store, sku, now));
    params.push(qty.into());
    Statement::new(
        format!("UPDATE stock SET on_hand = on_hand - ?, updated_at = ? WHERE store_id = ? AND sku = ? AND {AVAILABLE} >= ?"),
        params,
    )
    .guarded()
}

/// Takes `qty` units that this order held (the hold is deleted in the same batch): only `on_hand >= qty` is required.
pub(crate) fn take_held(store: &StoreId, sku: &Sku, qty: u32, now: i64) -> Statement {
    Statement::new(
        "UPDATE stock SET on_hand = on_hand - ?, updated_at = ? WHERE store_id = ? AND sku = ? AND on_hand >= ?",
        vec![qty.into(), stamp(now), store.as_str().into(), sku.as_str().into(), qty.into()],
    )
    .guarded()
}

/// Puts `qty` units back on `store`'s shelf (a cancelled delivery, a return).
pub(crate) fn put_back(store: &StoreId, sku: &Sku, qty: u32, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO stock (store_id, sku, on_hand, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand, updated_at = excluded.updated_at",
        vec![store.as_str().into(), sku.as_str().into(), qty.into(), stamp(now)],
    )
}

/// Deletes holds that expired (the lazy clean-up; they stopped counting when they expired).
pub(crate) fn prune_holds(now: i64) -> Statement {
    Statement::new("DELETE FROM holds WHERE expires_at <= ?", vec![now.into()])
}

/// Releases every hold of an order.
pub(crate) fn release_holds(order: &str) -> Statement {
    Statement::new("DELETE FROM holds WHERE order_id = ?", vec![order.into()])
}

/// Keeps an order's holds until `until`.
pub(crate) fn extend_holds(order: &str, until: i64) -> Statement {
    Statement::new("UPDATE holds SET expires_at = ? WHERE order_id = ?", vec![until.into(), order.into()])
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    vec![
        super::checked::<Available>(stock_select()),
        super::checked::<Shelf>(SHELVES),
        super::checked::<super::Count>(available_at_select()),
    ]
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn one_store_asked_alone_has_the_units_every_store_read_together_gives_it() {
        let now = Utc::now();
        let (_dir, sql, runtime) = super::super::demo_db(now);
        runtime.block_on(async {
            let (ts, later, earlier) = (now.timestamp(), now.timestamp() + 600, now.timestamp() - 600);
            // Holds that take part of a shelf, more than all of one (a sale raced a count), and one
            // that has expired; and a product taken off every shelf.
            let holds = [
                ("T1", "msk-tverskaya", "PHN-0001", 1_u32, later),
                ("T2", "spb-nevsky", "PHN-0001", 500, later),
                ("T3", "msk-novy-arbat", "PHN-0002", 50, earlier),
            ];
            let mut writes: Vec<Statement> = holds
                .iter()
                .map(|(order, store, sku, qty, until)| {
                    Statement::new(
                        "INSERT INTO holds (order_id, store_id, sku, qty, expires_at) VALUES (?, ?, ?, ?, ?)",
                        vec![(*order).into(), (*store).into(), (*sku).into(), (*qty).into(), (*until).into()],
                    )
                })
                .collect();
            writes.push(Statement::new("UPDATE stock SET on_hand = 0 WHERE sku = 'PHN-0003'", vec![]));
            sql.batch(writes).await.expect("holds");
            let stores = super::super::catalog::stores(&sql).await.expect("stores");
            assert!(stores.len() > 1);
            let mut checked = 0;
            for sku in ["PHN-0001", "PHN-0002", "PHN-0003", "PHN-0004"] {
                let sku = Sku::parse(sku).expect("a sku");
                let together = stock_for(&sql, &sku, ts).await.expect("every store");
                for store in &stores {
                    let alone = available_at(&sql, &sku, &store.id, ts).await.expect("one store");
                    assert_eq!(alone, together.get(&store.id).copied().unwrap_or(0), "{sku} at {}", store.id);
                    checked += u32::from(alone > 0);
                }
            }
            assert!(checked > 10, "the demo's shelves have units to compare: {checked}");
            let held = available_at(&sql, &Sku::parse("PHN-0001").expect("a sku"), &StoreId::parse("spb-nevsky").expect("an id"), ts).await;
            assert_eq!(held, Ok(0), "a shelf held beyond what it has offers none, not less than none");
            let nowhere = available_at(&sql, &Sku::parse("PHN-0001").expect("a sku"), &StoreId::parse("nowhere").expect("an id"), ts).await;
            assert_eq!(nowhere, Ok(0), "a store without a stock row has none");
        });
    }
}
