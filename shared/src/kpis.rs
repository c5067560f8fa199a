//! Loyalty and business KPIs over a period, computed from orders, customers, the loyalty ledger and
//! NPS answers (the seeds' list: participation rate, tenure, redemption rate, breakage, average member
//! spend per transaction, cost per point; plus average check, purchase frequency, churn and NPS).
//!
//! Definitions (periods are `[from, to)` in Unix seconds):
//! - participation rate: buyers in the period who are programme members ÷ all buyers (each guest
//!   order counts as one buyer, as a guest cannot be recognised twice);
//! - tenure: average days from joining to the end of the period, over members who bought;
//! - redemption rate: points redeemed ÷ points issued in the period;
//! - breakage: points that expired unspent in the period, and that ÷ points issued;
//! - average member spend per transaction: members' goods revenue ÷ members' transactions; the
//!   seeds' variant, points redeemed per member transaction, is reported next to it;
//! - cost per point: the roubles the programme gave away in the period (redeemed points at face
//!   value) ÷ points issued — what an issued point ends up costing;
//! - churn: customers who bought in the previous period of the same length but not in this one ÷
//!   customers who bought in the previous period.

use crate::loyalty::{replay, Entry, EntryKind, LoyaltyPolicy};
use crate::money::Money;
use crate::nps::tally;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A registered customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub joined_at: i64,
}

/// A purchase (an order that was not cancelled or failed), from any channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    /// `None` for a guest or an anonymous till sale.
    pub customer: Option<String>,
    pub at: i64,
    /// Goods after discounts, before delivery and points.
    pub goods_minor: i64,
    pub offer_discount_minor: i64,
}

/// Everything the report is computed from.
pub struct KpiInput<'a> {
    pub from: i64,
    pub to: i64,
    pub members: &'a [Member],
    /// All sales up to `to` (earlier ones are needed for churn).
    pub sales: &'a [Sale],
    /// Every member's ledger, oldest first.
    pub ledgers: &'a HashMap<String, Vec<Entry>>,
    pub nps: &'a [(i64, u8)],
    pub policy: &'a LoyaltyPolicy,
}

/// One week of the period, for the charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekPoint {
    /// Unix seconds of the week's first day (weeks start on the period's start).
    pub start: i64,
    pub transactions: u32,
    pub revenue: Money,
    pub average_check: Money,
    pub points_issued: i64,
    pub points_redeemed: i64,
}

/// The report (`GET /api/admin/kpis`). Rates are percentages with two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiReport {
    pub from: i64,
    pub to: i64,
    pub transactions: u32,
    pub buyers: u32,
    pub revenue: Money,
    pub offer_discounts: Money,
    pub average_check: Money,
    pub purchase_frequency: Decimal,
    pub participation_rate: Decimal,
    pub average_tenure_days: Decimal,
    pub points_issued: i64,
    pub points_redeemed: i64,
    pub points_expired: i64,
    pub redemption_rate: Decimal,
    pub breakage_rate: Decimal,
    pub average_member_spend: Money,
    pub points_redeemed_per_member_transaction: Decimal,
    pub cost_per_point: Money,
    pub churn_rate: Decimal,
    pub nps: Option<i32>,
    pub nps_responses: u32,
    pub weekly: Vec<WeekPoint>,
}

fn percent(part: i64, whole: i64) -> Decimal {
    if whole <= 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole)).round_dp(2)
    }
}

fn ratio(part: i64, whole: i64) -> Decimal {
    if whole <= 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(part) / Decimal::from(whole)).round_dp(2)
    }
}

fn rub_minor(m: i64) -> Money {
    Money::from_minor_units(m, crate::Currency::Rub)
}

/// Money per unit, rounded by the one rule.
fn per(total_minor: i64, n: i64) -> Money {
    if n <= 0 {
        rub_minor(0)
    } else {
        Money::rub(Decimal::new(total_minor, 2) / Decimal::from(n))
    }
}

pub fn compute(input: &KpiInput<'_>) -> KpiReport {
    let (from, to) = (input.from, input.to);
    let in_period = |t: i64| t >= from && t < to;
    let sales: Vec<&Sale> = input.sales.iter().filter(|s| in_period(s.at)).collect();
    let transactions = sales.len() as i64;
    let revenue: i64 = sales.iter().map(|s| s.goods_minor).sum();
    let member_sales: Vec<&&Sale> = sales.iter().filter(|s| s.customer.is_some()).collect();
    let member_buyers: HashSet<&str> = member_sales.iter().filter_map(|s| s.customer.as_deref()).collect();
    let guest_sales = sales.len() - member_sales.len();
    let buyers = (member_buyers.len() + guest_sales) as i64;

    // Points in the period, from the ledger (issued = earned + positive adjustments).
    let mut issued = 0;
    let mut redeemed = 0;
    let mut expired = 0;
    for entries in input.ledgers.values() {
        for e in entries.iter().filter(|e| in_period(e.at)) {
            match e.kind {
                EntryKind::Earn => issued += e.points,
                EntryKind::Adjust if e.points > 0 => issued += e.points,
                EntryKind::Redeem => redeemed -= e.points,
                EntryKind::Refund => redeemed -= e.points,
                _ => {}
            }
        }
        let before: Vec<Entry> = entries.iter().filter(|e| e.at < from).cloned().collect();
        let until: Vec<Entry> = entries.iter().filter(|e| e.at < to).cloned().collect();
        expired += replay(input.policy, &until, to).expired - replay(input.policy, &before, from).expired;
    }

    let joined: HashMap<&str, i64> = input.members.iter().map(|m| (m.id.as_str(), m.joined_at)).collect();
    let tenure_days: Vec<i64> = member_buyers.iter().filter_map(|id| joined.get(id)).map(|j| (to - j).max(0) / 86_400).collect();
    let member_revenue: i64 = member_sales.iter().map(|s| s.goods_minor).sum();

    // Churn against the previous period of the same length.
    let length = to - from;
    let previous: HashSet<&str> =
        input.sales.iter().filter(|s| s.at >= from - length && s.at < from).filter_map(|s| s.customer.as_deref()).collect();
    let churned = previous.iter().filter(|c| !member_buyers.contains(*c)).count() as i64;

    let scores: Vec<u8> = input.nps.iter().filter(|(at, _)| in_period(*at)).map(|(_, s)| *s).collect();

    let mut weeks: BTreeMap<i64, (u32, i64, i64, i64)> = BTreeMap::new();
    let week_of = |t: i64| from + (t - from).div_euclid(7 * 86_400) * 7 * 86_400;
    let mut start = from;
    while start < to {
        weeks.insert(start, (0, 0, 0, 0));
        start += 7 * 86_400;
    }
    for s in &sales {
        if let Some(w) = weeks.get_mut(&week_of(s.at)) {
            w.0 += 1;
            w.1 += s.goods_minor;
        }
    }
    for entries in input.ledgers.values() {
        for e in entries.iter().filter(|e| in_period(e.at)) {
            if let Some(w) = weeks.get_mut(&week_of(e.at)) {
                match e.kind {
                    EntryKind::Earn => w.2 += e.points,
                    EntryKind::Adjust if e.points > 0 => w.2 += e.points,
                    EntryKind::Redeem | EntryKind::Refund => w.3 -= e.points,
                    _ => {}
                }
            }
        }
    }

    KpiReport {
        from,
        to,
        transactions: u32::try_from(transactions).unwrap_or(u32::MAX),
        buyers: u32::try_from(buyers).unwrap_or(u32::MAX),
        revenue: rub_minor(revenue),
        offer_discounts: rub_minor(sales.iter().map(|s| s.offer_discount_minor).sum()),
        average_check: per(revenue, transactions),
        purchase_frequency: ratio(transactions, buyers),
        participation_rate: percent(member_buyers.len() as i64, buyers),
        average_tenure_days: ratio(tenure_days.iter().sum(), tenure_days.len() as i64),
        points_issued: issued,
        points_redeemed: redeemed,
        points_expired: expired,
        redemption_rate: percent(redeemed, issued),
        breakage_rate: percent(expired, issued),
        average_member_spend: per(member_revenue, member_sales.len() as i64),
        points_redeemed_per_member_transaction: ratio(redeemed, member_sales.len() as i64),
        cost_per_point: per(redeemed * 100, issued),
        churn_rate: percent(churned, previous.len() as i64),
        nps: (!scores.is_empty()).then(|| tally(&scores).score),
        nps_responses: u32::try_from(scores.len()).unwrap_or(u32::MAX),
        weekly: weeks
            .into_iter()
            .map(|(start, (n, rev, iss, red))| WeekPoint {
                start,
                transactions: n,
                revenue: rub_minor(rev),
                average_check: per(rev, i64::from(n)),
                points_issued: iss,
                points_redeemed: red,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn sale(customer: Option<&str>, day: i64, rub: i64) -> Sale {
        Sale { customer: customer.map(str::to_owned), at: day * DAY, goods_minor: rub * 100, offer_discount_minor: 0 }
    }

    fn entry(kind: EntryKind, points: i64, day: i64) -> Entry {
        Entry { kind, points, at: day * DAY }
    }

    #[test]
    fn a_month_of_sales_gives_the_seeds_kpis() {
        let members = vec![Member { id: "anna".into(), joined_at: 0 }, Member { id: "boris".into(), joined_at: 20 * DAY }];
        let sales = vec![
            sale(Some("boris"), 5, 1000), // previous period: Boris bought, then not again → churned
            sale(Some("anna"), 31, 3000),
            sale(Some("anna"), 40, 1000),
            sale(None, 45, 2000),
        ];
        let ledgers = HashMap::from([
            ("anna".to_owned(), vec![entry(EntryKind::Earn, 200, 31), entry(EntryKind::Redeem, -50, 40)]),
            ("boris".to_owned(), vec![entry(EntryKind::Earn, 100, 5)]),
        ]);
        let policy = LoyaltyPolicy { expiry_days: 30, ..LoyaltyPolicy::default() };
        let report = compute(&KpiInput {
            from: 30 * DAY,
            to: 60 * DAY,
            members: &members,
            sales: &sales,
            ledgers: &ledgers,
            nps: &[(35 * DAY, 10), (36 * DAY, 3), (1, 0)],
            policy: &policy,
        });
        assert_eq!(report.transactions, 3);
        assert_eq!(report.buyers, 2, "Anna and one guest order");
        assert_eq!(report.participation_rate, Decimal::from(50));
        assert_eq!(report.average_check, Money::parse_rub("2000").unwrap());
        assert_eq!(report.average_member_spend, Money::parse_rub("2000").unwrap());
        assert_eq!(report.points_issued, 200);
        assert_eq!(report.points_redeemed, 50);
        assert_eq!(report.redemption_rate, Decimal::from(25));
        assert_eq!(report.points_expired, 100, "Boris's 100 points expired on day 35");
        assert_eq!(report.average_tenure_days, Decimal::from(60));
        assert_eq!(report.churn_rate, Decimal::from(100));
        assert_eq!(report.cost_per_point, Money::parse_rub("0.25").unwrap());
        assert_eq!(report.nps, Some(0), "one promoter, one detractor");
        assert_eq!(report.weekly.len(), 5);
        assert_eq!(report.weekly[0].transactions, 1);
    }

    #[test]
    fn an_empty_period_reports_zeros_not_errors() {
        let r = compute(&KpiInput {
            from: 0,
            to: 7 * DAY,
            members: &[],
            sales: &[],
            ledgers: &HashMap::new(),
            nps: &[],
            policy: &LoyaltyPolicy::default(),
        });
        assert_eq!((r.transactions, r.participation_rate, r.nps), (0, Decimal::ZERO, None));
    }
}
