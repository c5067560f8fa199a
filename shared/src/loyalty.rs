//! The loyalty programme: points earned per purchase, redeemed at checkout (one point = one rouble,
//! capped at a share of the order), expiring after a period (breakage), adjusted by staff.
//!
//! The ledger is append-only; balances, lots and expiry are computed from it by [`replay`], so no
//! background job is needed and every KPI can be recomputed from history.

use crate::money::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The programme's rules. Configurable per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyPolicy {
    /// Points earned per 100 roubles paid (so 5 = 5% back).
    pub earn_percent: u32,
    /// At most this share of an order's goods may be paid with points, in percent.
    pub redeem_cap_percent: u32,
    /// Points expire this many days after they were earned.
    pub expiry_days: i64,
    /// "Expiring soon" in the account means within this many days.
    pub expiring_soon_days: i64,
}

impl Default for LoyaltyPolicy {
    fn default() -> Self {
        LoyaltyPolicy { earn_percent: 5, redeem_cap_percent: 30, expiry_days: 365, expiring_soon_days: 30 }
    }
}

/// One point is worth one rouble.
pub fn points_value(points: i64) -> Money {
    Money::from_minor_units(points.saturating_mul(100), crate::Currency::Rub)
}

/// Whole points earned on `paid` (rounded down).
pub fn points_earned(policy: &LoyaltyPolicy, paid: Money) -> i64 {
    let points = paid.amount * Decimal::from(policy.earn_percent) / Decimal::from(100);
    i64::try_from(points.floor()).unwrap_or(0).max(0)
}

/// The most points an order with `goods` (after discounts, before delivery) may redeem.
pub fn redeem_cap(policy: &LoyaltyPolicy, goods: Money) -> i64 {
    let cap = goods.amount * Decimal::from(policy.redeem_cap_percent) / Decimal::from(100);
    i64::try_from(cap.floor()).unwrap_or(0).max(0)
}

/// A ledger entry's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Points for a purchase (positive).
    Earn,
    /// Points spent at checkout (negative).
    Redeem,
    /// Redeemed points given back when an order is cancelled or returned (positive).
    Refund,
    /// Earned points taken back when goods are returned (negative).
    Reverse,
    /// A staff correction (either sign).
    Adjust,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Earn => "earn",
            EntryKind::Redeem => "redeem",
            EntryKind::Refund => "refund",
            EntryKind::Reverse => "reverse",
            EntryKind::Adjust => "adjust",
        }
    }
    pub fn parse(raw: &str) -> Option<EntryKind> {
        [EntryKind::Earn, EntryKind::Redeem, EntryKind::Refund, EntryKind::Reverse, EntryKind::Adjust]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// One ledger row. `at` is Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub points: i64,
    pub at: i64,
}

/// A batch of points that expires together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub remaining: i64,
    pub expires_at: i64,
}

/// The state of an account at some moment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyState {
    /// Points that can be spent now (never negative: see `debt`).
    pub balance: i64,
    /// Points taken back (returns, corrections) that exceeded the balance; paid off by the next earnings.
    pub debt: i64,
    /// Live lots, oldest first.
    pub lots: Vec<Lot>,
    pub earned: i64,
    pub redeemed: i64,
    /// Points that expired unspent (breakage).
    pub expired: i64,
}

impl LoyaltyState {
    /// Lots expiring within `days` of `now`.
    pub fn expiring_within(&self, now: i64, days: i64) -> Vec<Lot> {
        self.lots.iter().copied().filter(|l| l.remaining > 0 && l.expires_at <= now + days * 86_400).collect()
    }
}

fn expire_until(state: &mut LoyaltyState, t: i64) {
    while let Some(lot) = state.lots.first().copied() {
        if lot.expires_at > t {
            break;
        }
        state.expired += lot.remaining;
        state.lots.remove(0);
    }
}

fn add_lot(state: &mut LoyaltyState, points: i64, expires_at: i64) {
    let pay_debt = points.min(state.debt);
    state.debt -= pay_debt;
    let rest = points - pay_debt;
    if rest > 0 {
        // Lots stay ordered by expiry so the first to expire is spent first.
        let at = state.lots.iter().position(|l| l.expires_at > expires_at).unwrap_or(state.lots.len());
        state.lots.insert(at, Lot { remaining: rest, expires_at });
    }
}

fn take(state: &mut LoyaltyState, mut points: i64) {
    while points > 0 {
        let Some(lot) = state.lots.first_mut() else {
            state.debt += points;
            return;
        };
        let used = points.min(lot.remaining);
        lot.remaining -= used;
        points -= used;
        if lot.remaining == 0 {
            state.lots.remove(0);
        }
    }
}

/// The account state at `now` from its ledger (in the order it was written). Earned points form lots
/// that expire `expiry_days` later; spending takes from the lot that expires first.
pub fn replay(policy: &LoyaltyPolicy, entries: &[Entry], now: i64) -> LoyaltyState {
    let mut state = LoyaltyState::default();
    let life = policy.expiry_days * 86_400;
    for e in entries {
        expire_until(&mut state, e.at);
        if e.points >= 0 {
            add_lot(&mut state, e.points, e.at + life);
        } else {
            take(&mut state, -e.points);
        }
        match e.kind {
            EntryKind::Earn => state.earned += e.points,
            EntryKind::Redeem => state.redeemed -= e.points,
            EntryKind::Refund => state.redeemed -= e.points,
            EntryKind::Reverse => state.earned += e.points,
            EntryKind::Adjust => {}
        }
    }
    expire_until(&mut state, now);
    state.balance = state.lots.iter().map(|l| l.remaining).sum();
    state
}

/// Why points cannot be redeemed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("points to redeem cannot be negative")]
    Negative,
    #[error("you have {balance} points; {asked} cannot be redeemed")]
    MoreThanBalance { asked: i64, balance: i64 },
    #[error("at most {cap} points can pay for this order ({percent}% of the goods)")]
    AboveCap { asked: i64, cap: i64, percent: u32 },
}

/// Checks a redemption against the balance and the cap.
pub fn check_redeem(policy: &LoyaltyPolicy, asked: i64, balance: i64, goods: Money) -> Result<i64, RedeemError> {
    if asked < 0 {
        return Err(RedeemError::Negative);
    }
    if asked > balance {
        return Err(RedeemError::MoreThanBalance { asked, balance });
    }
    let cap = redeem_cap(policy, goods);
    if asked > cap {
        return Err(RedeemError::AboveCap { asked, cap, percent: policy.redeem_cap_percent });
    }
    Ok(asked)
}

/// A loyalty card number: 13 digits starting with `2` (the in-store range of EAN-13) with a valid
/// EAN-13 check digit, so a till's scanner reads it.
pub fn card_number(seed: u64) -> String {
    let body = format!("2{:011}", seed % 100_000_000_000);
    format!("{body}{}", ean13_check(&body))
}

fn ean13_check(first12: &str) -> u32 {
    let sum: u32 = first12.chars().filter_map(|c| c.to_digit(10)).enumerate().map(|(i, d)| if i % 2 == 0 { d } else { d * 3 }).sum();
    (10 - sum % 10) % 10
}

/// Whether `raw` is a well-formed card number (spaces allowed).
pub fn parse_card_number(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| *c != ' ').collect();
    (digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()) && ean13_check(&digits[..12]).to_string() == digits[12..])
        .then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;

    fn policy() -> LoyaltyPolicy {
        LoyaltyPolicy { expiry_days: 10, ..LoyaltyPolicy::default() }
    }

    fn e(kind: EntryKind, points: i64, day: i64) -> Entry {
        Entry { kind, points, at: day * DAY }
    }

    #[test]
    fn five_percent_back_rounded_down() {
        assert_eq!(points_earned(&LoyaltyPolicy::default(), Money::parse_rub("1999.99").unwrap()), 99);
        assert_eq!(points_earned(&LoyaltyPolicy::default(), Money::parse_rub("0").unwrap()), 0);
    }

    #[test]
    fn points_pay_at_most_thirty_percent_of_the_goods() {
        let p = LoyaltyPolicy::default();
        let goods = Money::parse_rub("1000").unwrap();
        assert_eq!(check_redeem(&p, 300, 500, goods), Ok(300));
        assert!(matches!(check_redeem(&p, 301, 500, goods), Err(RedeemError::AboveCap { cap: 300, .. })));
        assert!(matches!(check_redeem(&p, 200, 100, goods), Err(RedeemError::MoreThanBalance { .. })));
        assert_eq!(check_redeem(&p, -1, 100, goods), Err(RedeemError::Negative));
    }

    #[test]
    fn unspent_points_expire_and_count_as_breakage() {
        let s = replay(&policy(), &[e(EntryKind::Earn, 100, 0), e(EntryKind::Redeem, -30, 5)], 11 * DAY);
        assert_eq!(s.balance, 0);
        assert_eq!(s.expired, 70);
        assert_eq!(s.redeemed, 30);
    }

    #[test]
    fn spending_takes_the_points_that_expire_first() {
        let entries = [e(EntryKind::Earn, 100, 0), e(EntryKind::Earn, 50, 5), e(EntryKind::Redeem, -120, 6)];
        let s = replay(&policy(), &entries, 11 * DAY);
        assert_eq!(s.balance, 30, "the first lot was spent, 30 of the second remain");
        assert_eq!(s.expired, 0);
        let soon = replay(&policy(), &entries, 7 * DAY).expiring_within(7 * DAY, 10);
        assert_eq!(soon, vec![Lot { remaining: 30, expires_at: 15 * DAY }]);
    }

    #[test]
    fn points_taken_back_beyond_the_balance_become_debt_paid_by_the_next_earnings() {
        let entries = [e(EntryKind::Earn, 10, 0), e(EntryKind::Reverse, -25, 1), e(EntryKind::Earn, 40, 2)];
        let s = replay(&policy(), &entries, 3 * DAY);
        assert_eq!((s.balance, s.debt), (25, 0));
    }

    #[test]
    fn card_numbers_carry_a_valid_ean13_check_digit() {
        let n = card_number(42);
        assert_eq!(n.len(), 13);
        assert_eq!(parse_card_number(&n).as_deref(), Some(n.as_str()));
        let mut wrong = n.clone();
        wrong.replace_range(12.., if n.ends_with('0') { "1" } else { "0" });
        assert_eq!(parse_card_number(&wrong), None);
    }

    proptest! {
        #[test]
        fn the_balance_is_never_negative_and_points_are_conserved(raw in proptest::collection::vec((0_u8..5, -500_i64..500, 0_i64..40), 0..40)) {
            let mut day = 0;
            let entries: Vec<Entry> = raw.iter().map(|(k, p, step)| {
                day += step;
                let kind = [EntryKind::Earn, EntryKind::Redeem, EntryKind::Refund, EntryKind::Reverse, EntryKind::Adjust][usize::from(*k)];
                Entry { kind, points: *p, at: day * DAY }
            }).collect();
            let s = replay(&policy(), &entries, (day + 100) * DAY);
            prop_assert!(s.balance >= 0 && s.debt >= 0);
            let added: i64 = entries.iter().filter(|e| e.points > 0).map(|e| e.points).sum();
            let taken: i64 = entries.iter().filter(|e| e.points < 0).map(|e| -e.points).sum();
            // Everything added is spent, expired, still live, or cancelled against debt.
            prop_assert_eq!(added - taken, s.balance + s.expired - s.debt);
        }
    }
}
