//! Stores: where they are, when they are open, how fast they prepare a pickup.

use crate::{GeoPoint, StoreId};
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// The cities the chain trades in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum City {
    Moscow,
    SaintPetersburg,
}

impl City {
    pub const ALL: [City; 2] = [City::Moscow, City::SaintPetersburg];

    /// The city centre, used when the shopper picks a city instead of sharing a position.
    pub fn centre(self) -> GeoPoint {
        match self {
            City::Moscow => GeoPoint { lat: 55.7558, lon: 37.6173 },
            City::SaintPetersburg => GeoPoint { lat: 59.9386, lon: 30.3141 },
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            City::Moscow => "moscow",
            City::SaintPetersburg => "saint_petersburg",
        }
    }
    pub fn from_slug(slug: &str) -> Option<City> {
        City::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

/// Opening hours of one weekday, in minutes after local midnight (`closes` may be 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub opens_min: u16,
    pub closes_min: u16,
}

/// A store of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Store {
    pub id: StoreId,
    pub name: String,
    pub city: City,
    pub address: String,
    pub location: GeoPoint,
    pub phone: String,
    /// Weekly opening hours; a weekday that is missing means closed that day.
    pub opening_hours: Vec<DayHours>,
    /// Minutes staff need to pick an order from the shelf for collection.
    pub pickup_lead_minutes: u32,
    /// The store's offset from UTC (Moscow time is +180, all year).
    pub utc_offset_minutes: i32,
}

impl Store {
    fn hours_on(&self, weekday: u8) -> Option<DayHours> {
        self.opening_hours.iter().copied().find(|h| h.weekday == weekday && h.opens_min < h.closes_min)
    }

    fn local(&self, t: DateTime<Utc>) -> (DateTime<Utc>, u8, u32) {
        let local = t + Duration::minutes(i64::from(self.utc_offset_minutes));
        let weekday = local.weekday().number_from_monday() as u8;
        (local, weekday, local.hour() * 60 + local.minute())
    }

    /// Whether the store is open at `t`.
    pub fn is_open_at(&self, t: DateTime<Utc>) -> bool {
        let (_, weekday, minute) = self.local(t);
        self.hours_on(weekday).is_some_and(|h| u32::from(h.opens_min) <= minute && minute < u32::from(h.closes_min))
    }

    /// The earliest time an order placed at `now` can be collected: `now` plus the lead time,
    /// rounded up to the next quarter hour (what a shopper is told), moved forward to the next
    /// opening if the store is closed then. `None` if the store has no opening hours at all.
    pub fn pickup_time(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let ready = now + Duration::minutes(i64::from(self.pickup_lead_minutes));
        self.next_open_at_or_after(round_up_to_quarter_hour(ready))
    }

    /// When a pickup reservation of `minutes` for an order placed at `ordered_at` ends.
    ///
    /// The hold starts at the promised pickup time ([`Store::pickup_time`]: the order is ready,
    /// the store is open) and counts the store's open time only, so the shopper and the staff
    /// always get the whole length to collect and prepare the order. An order placed at 01:44
    /// for a store opening at 09:00 is held until 11:00 with a two-hour hold; a hold that would
    /// run past closing stops at closing and its remainder starts again at the next opening.
    /// It therefore never ends while the store is closed, except exactly at a closing time.
    /// A store without opening hours holds `minutes` of wall-clock time from `ordered_at`.
    pub fn pickup_hold_until(&self, ordered_at: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut left = Duration::minutes(minutes.max(0));
        let Some(mut from) = self.pickup_time(ordered_at) else {
            return ordered_at + left;
        };
        // Each pass consumes one opening of at least a minute, so this ends.
        while let Some(closes) = self.closing_after(from) {
            if left <= closes - from {
                return from + left;
            }
            left -= closes - from;
            match self.next_open_at_or_after(closes) {
                Some(next) => from = next,
                None => return closes,
            }
        }
        from + left
    }

    /// When the opening that `t` falls in ends on `t`'s local day (`None` if closed at `t`); a
    /// store open past midnight continues with the next day's opening at 00:00.
    fn closing_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.is_open_at(t) {
            return None;
        }
        let (local, weekday, _) = self.local(t);
        let hours = self.hours_on(weekday)?;
        let local_midnight = Utc.with_ymd_and_hms(local.year(), local.month(), local.day(), 0, 0, 0).single()?;
        Some(local_midnight + Duration::minutes(i64::from(hours.closes_min) - i64::from(self.utc_offset_minutes)))
    }

    fn next_open_at_or_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open_at(t) {
            return Some(t);
        }
        let (local, weekday, minute) = self.local(t);
        let local_midnight = Utc.with_ymd_and_hms(local.year(), local.month(), local.day(), 0, 0, 0).single()?;
        for day_offset in 0..8_u8 {
            let wd = (weekday - 1 + day_offset) % 7 + 1;
            if let Some(h) = self.hours_on(wd) {
                if day_offset > 0 || minute < u32::from(h.opens_min) {
                    let local_open = local_midnight + Duration::days(i64::from(day_offset)) + Duration::minutes(i64::from(h.opens_min));
                    return Some(local_open - Duration::minutes(i64::from(self.utc_offset_minutes)));
                }
            }
        }
        None
    }
}

/// Rounds up to the next multiple of 15 minutes (unchanged if already on one, to the second).
fn round_up_to_quarter_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    const QUARTER: i64 = 15 * 60;
    let secs = t.timestamp();
    let rounded = secs + (QUARTER - secs.rem_euclid(QUARTER)) % QUARTER;
    DateTime::from_timestamp(rounded, 0).unwrap_or(t)
}

/// The same hours every day, the chain's usual schedule.
pub fn daily_hours(opens_min: u16, closes_min: u16) -> Vec<DayHours> {
    (1..=7).map(|weekday| DayHours { weekday, opens_min, closes_min }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store {
            id: StoreId::parse("msk-test").unwrap(),
            name: "Test".into(),
            city: City::Moscow,
            address: "Тверская, 1".into(),
            location: City::Moscow.centre(),
            phone: "+7 495 000-00-00".into(),
            opening_hours: daily_hours(10 * 60, 22 * 60),
            pickup_lead_minutes: 30,
            utc_offset_minutes: 180,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn pickup_during_opening_hours_is_now_plus_lead_time() {
        // 12:00 Moscow time on a Wednesday.
        assert_eq!(store().pickup_time(utc("2026-11-25T09:00:00Z")), Some(utc("2026-11-25T09:30:00Z")));
    }

    #[test]
    fn pickup_times_are_rounded_up_to_the_quarter_hour() {
        // 12:07 Moscow + 30 min = 12:37 → 12:45.
        assert_eq!(store().pickup_time(utc("2026-11-25T09:07:00Z")), Some(utc("2026-11-25T09:45:00Z")));
    }

    #[test]
    fn pickup_after_closing_moves_to_next_morning_opening() {
        // 21:45 Moscow: ready at 22:15, store closed, so 10:00 next day.
        assert_eq!(store().pickup_time(utc("2026-11-25T18:45:00Z")), Some(utc("2026-11-26T07:00:00Z")));
    }

    #[test]
    fn pickup_before_opening_waits_for_opening_the_same_day() {
        // 03:00 Moscow.
        assert_eq!(store().pickup_time(utc("2026-11-25T00:00:00Z")), Some(utc("2026-11-25T07:00:00Z")));
    }

    #[test]
    fn a_store_closed_on_sunday_serves_sunday_orders_on_monday() {
        let mut s = store();
        s.opening_hours.retain(|h| h.weekday != 7);
        // Sunday 2026-11-29 12:00 Moscow.
        assert_eq!(s.pickup_time(utc("2026-11-29T09:00:00Z")), Some(utc("2026-11-30T07:00:00Z")));
    }

    #[test]
    fn a_store_without_hours_has_no_pickup_time() {
        let mut s = store();
        s.opening_hours.clear();
        assert_eq!(s.pickup_time(utc("2026-11-25T09:00:00Z")), None);
    }

    #[test]
    fn a_pickup_hold_placed_at_night_runs_from_the_morning_opening() {
        // Regression: an order placed at 01:44 Moscow time was held until 03:44, hours before opening.
        assert_eq!(store().pickup_hold_until(utc("2026-11-24T22:44:00Z"), 120), utc("2026-11-25T09:00:00Z"));
    }

    #[test]
    fn a_pickup_hold_placed_while_open_runs_from_the_promised_pickup_time() {
        // 12:00 Moscow: ready at 12:30, held until 14:30.
        assert_eq!(store().pickup_hold_until(utc("2026-11-25T09:00:00Z"), 120), utc("2026-11-25T11:30:00Z"));
    }

    #[test]
    fn a_pickup_hold_that_would_run_past_closing_resumes_at_the_next_opening() {
        // 21:00 Moscow: ready at 21:30, 30 minutes before closing and 90 after 10:00 next day.
        assert_eq!(store().pickup_hold_until(utc("2026-11-25T18:00:00Z"), 120), utc("2026-11-26T08:30:00Z"));
    }

    #[test]
    fn a_pickup_hold_that_fills_the_day_ends_at_closing() {
        // 19:30 Moscow: ready at 20:00, held until the 22:00 closing, not into the next morning.
        assert_eq!(store().pickup_hold_until(utc("2026-11-25T16:30:00Z"), 120), utc("2026-11-25T19:00:00Z"));
    }

    #[test]
    fn a_pickup_hold_skips_a_closed_day() {
        let mut s = store();
        s.opening_hours.retain(|h| h.weekday != 7);
        // Saturday 21:00 Moscow: 30 minutes on Saturday, the rest from Monday 10:00.
        assert_eq!(s.pickup_hold_until(utc("2026-11-28T18:00:00Z"), 120), utc("2026-11-30T08:30:00Z"));
    }

    #[test]
    fn a_pickup_hold_at_a_store_open_round_the_clock_runs_through_midnight() {
        let mut s = store();
        s.opening_hours = daily_hours(0, 24 * 60);
        // 23:00 Moscow: ready at 23:30, held until 01:30.
        assert_eq!(s.pickup_hold_until(utc("2026-11-25T20:00:00Z"), 120), utc("2026-11-25T22:30:00Z"));
    }

    #[test]
    fn a_store_without_hours_holds_for_the_length_from_the_order() {
        let mut s = store();
        s.opening_hours.clear();
        assert_eq!(s.pickup_hold_until(utc("2026-11-25T09:07:00Z"), 120), utc("2026-11-25T11:07:00Z"));
    }

    /// Minutes the store is open in `[from, to)`, counted one by one (both are whole minutes).
    fn open_minutes(store: &Store, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let mut t = from;
        let mut open = 0;
        while t < to {
            open += i64::from(store.is_open_at(t));
            t += Duration::minutes(1);
        }
        open
    }

    /// What must hold for every pickup hold: it is exactly `minutes` of open time from the
    /// promised pickup time, ends while the store is open (or exactly at closing), never ends
    /// before the first opening after the order plus its length, and is plain wall-clock time
    /// when the store stays open throughout.
    fn check_hold(store: &Store, ordered_at: DateTime<Utc>, minutes: i64) {
        let promised = store.pickup_time(ordered_at).expect("demo stores have hours");
        let until = store.pickup_hold_until(ordered_at, minutes);
        let case = format!("{} ordered at {ordered_at}, {minutes} min: promised {promised}, held until {until}", store.id);
        assert_eq!(open_minutes(store, promised, until), minutes, "{case}");
        assert!(store.is_open_at(until - Duration::seconds(1)), "ends inside closed hours: {case}");
        let first_opening = store.next_open_at_or_after(ordered_at).expect("demo stores have hours");
        assert!(until >= first_opening + Duration::minutes(minutes), "{case}");
        if open_minutes(store, promised, promised + Duration::minutes(minutes)) == minutes {
            assert_eq!(until, promised + Duration::minutes(minutes), "{case}");
        }
    }

    /// Monday 2026-11-23 00:00 Moscow time.
    fn week_start() -> DateTime<Utc> {
        utc("2026-11-22T21:00:00Z")
    }

    #[test]
    fn every_demo_store_holds_a_reservation_for_its_length_of_open_time_all_week() {
        let hold = crate::orders::HoldPolicy::default().reserve_minutes;
        for store in crate::demo::stores() {
            // Every 11 minutes: each hour of the week, at minutes that drift across the hour.
            for step in 0..(7 * 24 * 60) / 11 {
                check_hold(&store, week_start() + Duration::minutes(step * 11), hold);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_pickup_hold_at_any_demo_store_is_its_length_of_open_time(
            store in 0..crate::demo::stores().len(),
            second in 0..7 * 24 * 3600_i64,
            minutes in 1..3 * 24 * 60_i64,
        ) {
            check_hold(&crate::demo::stores()[store], week_start() + Duration::seconds(second), minutes);
        }
    }
}
