//! Carts: one per owner (`c:<customer>` when signed in, else `s:<session>`), versioned so that two
//! devices writing at once cannot overwrite each other silently.

use super::catalog::{price_at, product};
use super::{all, corrupt, exists, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};
use std::collections::HashMap;
use vitrina_shared::cart::{merge_carts, Adjustment, CartLine};
use vitrina_shared::Sku;

const VERSION: &str = "SELECT version FROM carts WHERE owner = ?";

struct Version(i64);

impl FromRow for Version {
    const COLUMNS: &'static [&'static str] = &["version"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        row.int("version").map(Version)
    }
}

/// The cart's version (0 before its first write).
pub async fn version(sql: &dyn Sql, owner: &str) -> Result<i64, StorageError> {
    Ok(first::<Version>(sql, VERSION, vec![owner.into()]).await?.map_or(0, |v| v.0))
}

const CHECKOUT_ORDER: &str =
    "SELECT c.checkout_order FROM carts c JOIN orders o ON o.id = c.checkout_order AND o.status = 'pending_payment' WHERE c.owner = ?";

struct CheckoutOrder(Option<String>);

impl FromRow for CheckoutOrder {
    const COLUMNS: &'static [&'static str] = &["checkout_order"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(CheckoutOrder(row.opt_text("checkout_order")?.map(str::to_owned)))
    }
}

/// The pending card order that has claimed this cart for checkout, if any.
pub async fn checkout_order(sql: &dyn Sql, owner: &str) -> Result<Option<String>, StorageError> {
    Ok(first::<CheckoutOrder>(sql, CHECKOUT_ORDER, vec![owner.into()]).await?.and_then(|c| c.0))
}

const LINES: &str = "SELECT sku, qty, priced_minor FROM cart_lines WHERE owner = ? ORDER BY position";

/// A line and the unit price (kopecks) it had when the cart was last written, if known.
struct LineRow(CartLine, Option<i64>);

impl FromRow for LineRow {
    const COLUMNS: &'static [&'static str] = &["sku", "qty", "priced_minor"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        let sku = Sku::parse(row.text("sku")?).map_err(|e| corrupt("sku", e))?;
        Ok(LineRow(CartLine { sku, qty: u32::try_from(row.int("qty")?).unwrap_or(0) }, row.opt_int("priced_minor")?))
    }
}

pub async fn lines(sql: &dyn Sql, owner: &str) -> Result<Vec<CartLine>, StorageError> {
    Ok(all::<LineRow>(sql, LINES, vec![owner.into()]).await?.into_iter().map(|l| l.0).collect())
}

/// The lines, each with the unit price (kopecks) it had when the cart was last written (`None`
/// for lines written before prices were recorded).
pub async fn lines_with_prices(sql: &dyn Sql, owner: &str) -> Result<Vec<(CartLine, Option<i64>)>, StorageError> {
    Ok(all::<LineRow>(sql, LINES, vec![owner.into()]).await?.into_iter().map(|l| (l.0, l.1)).collect())
}

/// Units on hand across the chain for each SKU (missing = not in the catalog).
async fn chain_stock(sql: &dyn Sql, skus: &[&Sku], now: i64) -> Result<HashMap<Sku, u32>, StorageError> {
    let mut out = HashMap::new();
    for sku in skus {
        if let Some((_, total)) = product(sql, sku, now).await? {
            out.insert((*sku).clone(), total);
        }
    }
    Ok(out)
}

/// Bumps `owner`'s cart version if it is still `expected` (guarded).
fn bump(owner: &str, expected: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE carts SET version = version + 1, updated_at = ? WHERE owner = ? AND version = ?",
        vec![now.into(), owner.into(), expected.into()],
    )
    .guarded()
}

/// Removes every line of `owner`'s cart.
pub(crate) fn clear_lines(owner: &str) -> Statement {
    Statement::new("DELETE FROM cart_lines WHERE owner = ?", vec![owner.into()])
}

/// Removes `owner`'s cart: its lines, then the cart.
pub(crate) fn delete(owner: &str) -> [Statement; 2] {
    [clear_lines(owner), Statement::new("DELETE FROM carts WHERE owner = ?", vec![owner.into()])]
}

/// Removes the carts of every session of kiosk `kiosk`.
pub(crate) fn delete_of_kiosk(kiosk: &str) -> [Statement; 2] {
    let owners = "SELECT 's:' || id FROM sessions WHERE kiosk_id = ?";
    [
        Statement::new(format!("DELETE FROM cart_lines WHERE owner IN ({owners})"), vec![kiosk.into()]),
        Statement::new(format!("DELETE FROM carts WHERE owner IN ({owners})"), vec![kiosk.into()]),
    ]
}

/// The checkout claim: `owner`'s cart at `version` now belongs to `order` (for a card payment; no
/// order for pay-on-pickup), unless another pending payment holds it (guard it).
pub(crate) fn claim(owner: &str, version: i64, order: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "UPDATE carts SET version = version + 1, checkout_order = ?, updated_at = ?
         WHERE owner = ? AND version = ?
           AND (checkout_order IS NULL OR checkout_order NOT IN (SELECT id FROM orders WHERE status = 'pending_payment'))",
        vec![order.into(), now.into(), owner.into(), version.into()],
    )
}

/// Gives back the cart `order` claimed, as it was.
pub(crate) fn release_claim(order: &str, now: i64) -> Statement {
    Statement::new("UPDATE carts SET checkout_order = NULL, updated_at = ? WHERE checkout_order = ?", vec![now.into(), order.into()])
}

/// Empties the cart `order` claimed (it was paid for) and ends the claim.
pub(crate) fn empty_claimed(order: &str, now: i64) -> [Statement; 2] {
    [
        Statement::new("DELETE FROM cart_lines WHERE owner IN (SELECT owner FROM carts WHERE checkout_order = ?)", vec![order.into()]),
        Statement::new(
            "UPDATE carts SET version = version + 1, checkout_order = NULL, updated_at = ? WHERE checkout_order = ?",
            vec![now.into(), order.into()],
        ),
    ]
}

/// Statements that replace `owner`'s lines with `lines` if its version is still `expected`.
pub(crate) fn replace_lines(owner: &str, expected: i64, lines: &[CartLine], now: i64) -> Vec<Statement> {
    let mut out = vec![
        Statement::new(
            "INSERT INTO carts (owner, version, updated_at) VALUES (?, 0, ?) ON CONFLICT (owner) DO NOTHING",
            vec![owner.into(), now.into()],
        ),
        bump(owner, expected, now),
        clear_lines(owner),
    ];
    // Each line remembers the list price in force as it is written: a later price change is then
    // told to the shopper on the next read (`pricing::view`).
    let insert = format!(
        "INSERT INTO cart_lines (owner, sku, qty, position, priced_minor) VALUES (?, ?, ?, ?, (SELECT {} FROM products p WHERE p.sku = ?))",
        price_at("p")
    );
    out.extend(lines.iter().enumerate().map(|(i, l)| {
        Statement::new(
            insert.clone(),
            vec![owner.into(), l.sku.as_str().into(), l.qty.into(), (i as i64).into(), now.into(), l.sku.as_str().into()],
        )
    }));
    out
}

/// A merge of `from`'s cart into `into`'s, ready to commit: the merged lines replace `into`'s
/// (guarded by its version) and `from`'s cart is emptied.
pub struct MergePlan {
    pub statements: Vec<Statement>,
    pub adjustments: Vec<Adjustment>,
}

pub async fn plan_merge(sql: &dyn Sql, into: &str, from: &str, now: i64) -> Result<MergePlan, StorageError> {
    // The source's version is read before its lines and guarded at commit, so a line added to it
    // meanwhile, or a second merge of the same cart, rolls the whole batch back.
    let from_version = version(sql, from).await?;
    let from_lines = lines(sql, from).await?;
    if from_lines.is_empty() {
        return Ok(MergePlan { statements: vec![], adjustments: vec![] });
    }
    let into_version = version(sql, into).await?;
    let into_lines = lines(sql, into).await?;
    let skus: Vec<&Sku> = into_lines.iter().chain(&from_lines).map(|l| &l.sku).collect();
    let stock = chain_stock(sql, &skus, now).await?;
    let merge = merge_carts(&into_lines, &from_lines, &stock);
    let mut statements = replace_lines(into, into_version, &merge.lines, now);
    statements.push(bump(from, from_version, now));
    statements.push(clear_lines(from));
    Ok(MergePlan { statements, adjustments: merge.adjustments })
}

/// A cart's owner and version.
pub(crate) struct Quiet {
    pub owner: String,
    pub version: i64,
}

impl FromRow for Quiet {
    const COLUMNS: &'static [&'static str] = &["owner", "version"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Quiet { owner: row.text("owner")?.to_owned(), version: row.int("version")? })
    }
}

const ABANDONED: &str = "SELECT c.owner, c.version FROM carts c
     WHERE c.updated_at <= ? AND c.updated_at > ? AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.owner = c.owner)
       AND NOT EXISTS (SELECT 1 FROM push_outbox o WHERE o.dedupe_key LIKE 'cart:' || c.owner || ':' || c.version || ':%')
     LIMIT 500";

/// Carts with lines, unchanged since `quiet_since` (but changed after `not_before`), whose version
/// got no reminder yet (at most 500).
pub(crate) async fn abandoned(sql: &dyn Sql, quiet_since: i64, not_before: i64) -> Result<Vec<Quiet>, StorageError> {
    all(sql, ABANDONED, vec![quiet_since.into(), not_before.into()]).await
}

/// Whether `owner`'s cart is still at `version` and has lines.
pub(crate) async fn unchanged(sql: &dyn Sql, owner: &str, version: i64) -> Result<bool, StorageError> {
    exists(
        sql,
        "SELECT 1 FROM carts c WHERE c.owner = ? AND c.version = ? AND EXISTS (SELECT 1 FROM cart_lines l WHERE l.owner = c.owner)",
        vec![owner.into(), version.into()],
    )
    .await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![checked::<Version>(VERSION), checked::<CheckoutOrder>(CHECKOUT_ORDER), checked::<LineRow>(LINES), checked::<Quiet>(ABANDONED)]
}
