//! Offers: the rules (current and every version), and the uses orders made of them.

use super::{all, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use std::collections::HashMap;
use vitrina_shared::offers::{Priced, Rule, RuleBook, Usage};

const RULES: &str = "SELECT data FROM offer_rules ORDER BY id";

struct RuleRow(Rule);

impl FromRow for RuleRow {
    const COLUMNS: &'static [&'static str] = &["data"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        serde_json::from_str(row.text("data")?).map(RuleRow).map_err(|e| StorageError(format!("stored rule is unreadable: {e}")))
    }
}

/// Every rule, by id.
pub(crate) async fn rules(sql: &dyn Sql) -> Result<Vec<Rule>, StorageError> {
    Ok(all::<RuleRow>(sql, RULES, vec![]).await?.into_iter().map(|r| r.0).collect())
}

struct UsageRow(String, Usage);

impl FromRow for UsageRow {
    const COLUMNS: &'static [&'static str] = &["rule_id", "uses", "spent_minor", "customer_uses"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(UsageRow(
            row.text("rule_id")?.to_owned(),
            Usage {
                total_uses: u32::try_from(row.int("uses")?).unwrap_or(u32::MAX),
                spent_minor: row.int("spent_minor")?,
                customer_uses: u32::try_from(row.int("customer_uses")?).unwrap_or(u32::MAX),
            },
        ))
    }
}

fn usage_select(marks: &str) -> String {
    format!(
        "SELECT rule_id, COUNT(*) AS uses, COALESCE(SUM(amount_minor), 0) AS spent_minor, COALESCE(SUM(subject = ?), 0) AS customer_uses
         FROM offer_redemptions WHERE rule_id IN ({marks}) GROUP BY rule_id"
    )
}

/// Use so far of the rules `rules`, overall and by `subject`.
pub(crate) async fn usage(sql: &dyn Sql, rules: &[&str], subject: &str) -> Result<HashMap<String, Usage>, StorageError> {
    let mut out = HashMap::new();
    for chunk in rules.chunks(200) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut params: Vec<Value> = vec![subject.into()];
        params.extend(chunk.iter().map(|id| Value::from(*id)));
        out.extend(all::<UsageRow>(sql, &usage_select(&marks), params).await?.into_iter().map(|u| (u.0, u.1)));
    }
    Ok(out)
}

/// Statements that record an order's use of its offers, each guarded so that no limit can be
/// exceeded however many checkouts run at once. Returns (statement, rule id) pairs.
pub(crate) fn redemptions(book: &RuleBook, priced: &Priced, order: &str, subject: &str, now: i64) -> Vec<(Statement, String)> {
    priced
        .applied
        .iter()
        .filter_map(|a| book.rules().iter().find(|r| r.id == a.rule_id).map(|r| (r, a)))
        .map(|(rule, applied)| {
            let amount = applied.discount.minor_units();
            let mut conditions = vec!["1 = 1".to_owned()];
            let mut params: Vec<Value> = vec![rule.id.clone().into(), order.into(), subject.into(), amount.into(), now.into()];
            if let Some(n) = rule.limits.per_customer {
                conditions.push("(SELECT COUNT(*) FROM offer_redemptions WHERE rule_id = ? AND subject = ?) < ?".into());
                params.extend([rule.id.clone().into(), subject.into(), n.into()]);
            }
            if let Some(n) = rule.limits.total_uses {
                conditions.push("(SELECT COUNT(*) FROM offer_redemptions WHERE rule_id = ?) < ?".into());
                params.extend([rule.id.clone().into(), n.into()]);
            }
            if let Some(b) = &rule.limits.budget {
                conditions.push("(SELECT COALESCE(SUM(amount_minor), 0) FROM offer_redemptions WHERE rule_id = ?) + ? <= ?".into());
                params.extend([rule.id.clone().into(), amount.into(), b.minor_units().into()]);
            }
            let sql = format!(
                "INSERT INTO offer_redemptions (rule_id, order_id, subject, amount_minor, created_at) SELECT ?, ?, ?, ?, ? WHERE {}",
                conditions.join(" AND ")
            );
            (Statement::new(sql, params).guarded(), rule.id.clone())
        })
        .collect()
}

/// Gives back the uses an order made of its offers (cancelled, or its payment failed).
pub(crate) fn release_redemptions(order: &str) -> Statement {
    Statement::new("DELETE FROM offer_redemptions WHERE order_id = ?", vec![order.into()])
}

/// A rule with its version, who changed it last, and its use.
pub(crate) struct SummaryRow {
    pub rule: Rule,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: String,
    pub uses: i64,
    pub spent_minor: i64,
}

impl FromRow for SummaryRow {
    const COLUMNS: &'static [&'static str] = &["data", "version", "updated_at", "updated_by", "uses", "spent_minor"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SummaryRow {
            rule: serde_json::from_str(row.text("data")?).map_err(|e| StorageError(format!("stored rule: {e}")))?,
            version: row.int("version")?,
            updated_at: row.int("updated_at")?,
            updated_by: row.text("updated_by")?.to_owned(),
            uses: row.int("uses")?,
            spent_minor: row.int("spent_minor")?,
        })
    }
}

fn summaries_select(filter: &str) -> String {
    format!(
        "SELECT r.data, r.version, r.updated_at,
                COALESCE((SELECT email FROM customers c WHERE c.id = r.updated_by), r.updated_by) AS updated_by,
                (SELECT COUNT(*) FROM offer_redemptions x WHERE x.rule_id = r.id) AS uses,
                (SELECT COALESCE(SUM(amount_minor), 0) FROM offer_redemptions x WHERE x.rule_id = r.id) AS spent_minor
         FROM offer_rules r {filter} ORDER BY r.id"
    )
}

/// Every rule's summary, or only rule `only`'s.
pub(crate) async fn summaries(sql: &dyn Sql, only: Option<&str>) -> Result<Vec<SummaryRow>, StorageError> {
    let (filter, params): (&str, Vec<Value>) = match only {
        Some(id) => ("WHERE r.id = ?", vec![id.into()]),
        None => ("", vec![]),
    };
    all(sql, &summaries_select(filter), params).await
}

/// A new rule at version 1, unless a rule has this id (guard it).
pub(crate) fn create(id: &str, data: &str, now: i64, by: &str) -> Statement {
    Statement::new(
        "INSERT INTO offer_rules (id, version, data, updated_at, updated_by) VALUES (?, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        vec![id.into(), data.into(), now.into(), by.into()],
    )
}

/// The next version of rule `id` in its history (a deleted rule's id may come back; its history continues).
pub(crate) fn record_next_version(id: &str, data: &str, now: i64, by: &str) -> Statement {
    Statement::new(
        "INSERT INTO offer_rule_versions (rule_id, version, data, changed_at, changed_by)
         SELECT ?, COALESCE((SELECT MAX(version) FROM offer_rule_versions WHERE rule_id = ?), 0) + 1, ?, ?, ?",
        vec![id.into(), id.into(), data.into(), now.into(), by.into()],
    )
}

/// Sets rule `id`'s version to the newest of its history.
pub(crate) fn sync_version(id: &str) -> Statement {
    Statement::new(
        "UPDATE offer_rules SET version = (SELECT MAX(version) FROM offer_rule_versions WHERE rule_id = ?) WHERE id = ?",
        vec![id.into(), id.into()],
    )
}

/// Version `version` of rule `id` in its history (`None`: deleted).
pub(crate) fn record_version(id: &str, version: i64, data: Option<&str>, now: i64, by: &str) -> Statement {
    Statement::new(
        "INSERT INTO offer_rule_versions (rule_id, version, data, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
        vec![id.into(), version.into(), data.map(str::to_owned).into(), now.into(), by.into()],
    )
}

/// Replaces rule `id` while its version is still `expected` (guard it).
pub(crate) fn update(id: &str, expected: i64, data: &str, now: i64, by: &str) -> Statement {
    Statement::new(
        "UPDATE offer_rules SET version = version + 1, data = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?",
        vec![data.into(), now.into(), by.into(), id.into(), expected.into()],
    )
}

/// Deletes rule `id` while its version is still `expected` (guard it).
pub(crate) fn delete(id: &str, expected: i64) -> Statement {
    Statement::new("DELETE FROM offer_rules WHERE id = ? AND version = ?", vec![id.into(), expected.into()])
}

/// A version of a rule in its history (`rule` is `None` for a deletion).
pub(crate) struct VersionRow {
    pub version: i64,
    pub rule: Option<Rule>,
    pub changed_at: i64,
    pub changed_by: String,
}

impl FromRow for VersionRow {
    const COLUMNS: &'static [&'static str] = &["version", "data", "changed_at", "changed_by"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(VersionRow {
            version: row.int("version")?,
            rule: row.opt_text("data")?.map(serde_json::from_str).transpose().map_err(|e| StorageError(format!("stored rule: {e}")))?,
            changed_at: row.int("changed_at")?,
            changed_by: row.text("changed_by")?.to_owned(),
        })
    }
}

const VERSIONS: &str = "SELECT v.version, v.data, v.changed_at,
            COALESCE((SELECT email FROM customers c WHERE c.id = v.changed_by), v.changed_by) AS changed_by
     FROM offer_rule_versions v WHERE v.rule_id = ? ORDER BY v.version DESC";

/// Rule `id`'s history, newest first.
pub(crate) async fn versions(sql: &dyn Sql, id: &str) -> Result<Vec<VersionRow>, StorageError> {
    all(sql, VERSIONS, vec![id.into()]).await
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<RuleRow>(RULES),
        checked::<UsageRow>(usage_select("?,?")),
        checked::<SummaryRow>(summaries_select("")),
        checked::<SummaryRow>(summaries_select("WHERE r.id = ?")),
        checked::<VersionRow>(VERSIONS),
    ]
}
