//! Customers: accounts of shoppers, staff and marketers, their profiles and loyalty cards.

use super::orders::counting_orders;
use super::{all, exists, first, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError};
use vitrina_shared::account::Role;
use vitrina_shared::api::Profile;
use vitrina_shared::kpis::Member;
use vitrina_shared::store::City;
use vitrina_shared::StoreId;

struct ProfileRow(Profile);

impl FromRow for ProfileRow {
    const COLUMNS: &'static [&'static str] = &["id", "email", "role", "name", "phone", "city", "preferred_store", "language"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(ProfileRow(Profile {
            id: row.text("id")?.to_owned(),
            email: row.text("email")?.to_owned(),
            role: Role::parse(row.text("role")?).ok_or_else(|| StorageError("unknown role".into()))?,
            name: row.text("name")?.to_owned(),
            phone: row.text("phone")?.to_owned(),
            city: row.opt_text("city")?.and_then(City::from_slug),
            preferred_store: row.opt_text("preferred_store")?.and_then(|s| StoreId::parse(s).ok()),
            language: row.text("language")?.to_owned(),
        }))
    }
}

const PROFILE: &str = "SELECT id, email, role, name, phone, city, preferred_store, language FROM customers WHERE id = ?";

/// The profile of account `id`, if it exists.
pub(crate) async fn profile(sql: &dyn Sql, id: &str) -> Result<Option<Profile>, StorageError> {
    Ok(first::<ProfileRow>(sql, PROFILE, vec![id.into()]).await?.map(|p| p.0))
}

/// An account's id and password hash, found by e-mail.
pub(crate) struct Credentials {
    pub id: String,
    pub password_hash: String,
}

impl FromRow for Credentials {
    const COLUMNS: &'static [&'static str] = &["id", "password_hash"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(Credentials { id: row.text("id")?.to_owned(), password_hash: row.text("password_hash")?.to_owned() })
    }
}

const CREDENTIALS: &str = "SELECT id, password_hash FROM customers WHERE email = ?";

pub(crate) async fn credentials(sql: &dyn Sql, email: &str) -> Result<Option<Credentials>, StorageError> {
    first(sql, CREDENTIALS, vec![email.into()]).await
}

/// Whether an account has this (normalised) e-mail.
pub(crate) async fn email_exists(sql: &dyn Sql, email: &str) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM customers WHERE email = ?", vec![email.into()]).await
}

/// A new account, unless the e-mail has one (then nothing changes: guard it).
pub(crate) fn create(id: &str, email: &str, password_hash: &str, role: Role, name: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO customers (id, email, password_hash, role, name, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING",
        vec![id.into(), email.into(), password_hash.into(), role.as_str().into(), name.into(), now.into()],
    )
}

/// What a customer may change of their profile.
pub(crate) struct ProfileChange {
    pub name: String,
    pub phone: String,
    pub city: Option<String>,
    pub preferred_store: Option<String>,
    pub language: String,
}

pub(crate) fn update_profile(id: &str, change: ProfileChange) -> Statement {
    Statement::new(
        "UPDATE customers SET name = ?, phone = ?, city = ?, preferred_store = ?, language = ? WHERE id = ?",
        vec![change.name.into(), change.phone.into(), change.city.into(), change.preferred_store.into(), change.language.into(), id.into()],
    )
}

struct CardRow(Option<String>);

impl FromRow for CardRow {
    const COLUMNS: &'static [&'static str] = &["loyalty_card"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(CardRow(row.opt_text("loyalty_card")?.map(str::to_owned)))
    }
}

const CARD: &str = "SELECT loyalty_card FROM customers WHERE id = ?";

/// The customer's loyalty card number, if issued.
pub(crate) async fn card(sql: &dyn Sql, customer: &str) -> Result<Option<String>, StorageError> {
    Ok(first::<CardRow>(sql, CARD, vec![customer.into()]).await?.and_then(|c| c.0))
}

/// Whether a card number is someone's.
pub(crate) async fn card_taken(sql: &dyn Sql, card: &str) -> Result<bool, StorageError> {
    exists(sql, "SELECT 1 FROM customers WHERE loyalty_card = ?", vec![card.into()]).await
}

/// Issues `card` to the customer, unless they have one.
pub(crate) fn issue_card(customer: &str, card: &str) -> Statement {
    Statement::new("UPDATE customers SET loyalty_card = ? WHERE id = ? AND loyalty_card IS NULL", vec![card.into(), customer.into()])
}

/// How a till or a marketer names a customer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    Card,
    Phone,
    Email,
}

impl Key {
    /// The column, and how an error message names it.
    pub fn column(self) -> &'static str {
        match self {
            Key::Card => "loyalty_card",
            Key::Phone => "phone",
            Key::Email => "email",
        }
    }
}

struct IdRow(String);

impl FromRow for IdRow {
    const COLUMNS: &'static [&'static str] = &["id"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(IdRow(row.text("id")?.to_owned()))
    }
}

fn find_select(key: Key) -> String {
    format!("SELECT id FROM customers WHERE {} = ? AND role = 'customer' ORDER BY created_at LIMIT 1", key.column())
}

/// The (first) customer whose card, phone or e-mail is `value`.
pub(crate) async fn find(sql: &dyn Sql, key: Key, value: &str) -> Result<Option<String>, StorageError> {
    Ok(first::<IdRow>(sql, &find_select(key), vec![value.into()]).await?.map(|r| r.0))
}

struct MemberRow(Member);

impl FromRow for MemberRow {
    const COLUMNS: &'static [&'static str] = &["id", "created_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(MemberRow(Member { id: row.text("id")?.to_owned(), joined_at: row.int("created_at")? }))
    }
}

const MEMBERS: &str = "SELECT id, created_at FROM customers WHERE role = 'customer'";

/// Every customer (not staff or marketers), with when they joined.
pub(crate) async fn members(sql: &dyn Sql) -> Result<Vec<Member>, StorageError> {
    Ok(all::<MemberRow>(sql, MEMBERS, vec![]).await?.into_iter().map(|m| m.0).collect())
}

/// What segments are made of, per customer.
pub(crate) struct SegmentRow {
    pub id: String,
    /// Goods bought in the year before `now`, in kopecks.
    pub spent_year_minor: i64,
    pub orders: i64,
    pub last_order_at: Option<i64>,
}

impl FromRow for SegmentRow {
    const COLUMNS: &'static [&'static str] = &["id", "spent_year_minor", "orders", "last_order_at"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SegmentRow {
            id: row.text("id")?.to_owned(),
            spent_year_minor: row.int("spent_year_minor")?,
            orders: row.int("orders")?,
            last_order_at: row.opt_int("last_order_at")?,
        })
    }
}

fn segments_select() -> String {
    format!(
        "SELECT c.id,
                COALESCE((SELECT SUM(o.total_minor - o.delivery_minor) FROM orders o WHERE o.customer_id = c.id
                          AND {counting} AND o.created_at > ?), 0) AS spent_year_minor,
                (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id AND {counting}) AS orders,
                (SELECT MAX(o.created_at) FROM orders o WHERE o.customer_id = c.id AND {counting}) AS last_order_at
         FROM customers c WHERE c.role = 'customer'",
        counting = counting_orders("o.status")
    )
}

/// Every customer's purchases as segments see them, the year's spend counted from `year_ago`.
pub(crate) async fn segment_rows(sql: &dyn Sql, year_ago: i64) -> Result<Vec<SegmentRow>, StorageError> {
    all(sql, &segments_select(), vec![year_ago.into()]).await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<ProfileRow>(PROFILE),
        checked::<Credentials>(CREDENTIALS),
        checked::<IdRow>(find_select(Key::Card)),
        checked::<IdRow>(find_select(Key::Phone)),
        checked::<IdRow>(find_select(Key::Email)),
        checked::<CardRow>(CARD),
        checked::<MemberRow>(MEMBERS),
        checked::<SegmentRow>(segments_select()),
    ]
}
