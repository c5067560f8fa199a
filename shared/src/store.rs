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
}
