//! Coordinates and great-circle distance.
//!
//! Coordinates are the one place Vitrina uses floating point: they are measurements, not money
//! or quantities, and distances are reported in whole metres.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// A point made ready for [`Place::distance_m`] ([`GeoPoint::place`]): the same distances as
/// [`GeoPoint::distance_m`] to the last bit, with one cosine fewer for each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    lat_rad: f64,
    cos_lat: f64,
    lon: f64,
}

impl Place {
    /// Haversine distance in whole metres.
    pub fn distance_m(&self, other: &Place) -> u32 {
        let dp = other.lat_rad - self.lat_rad;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2);
        let c = 2.0 * a.sqrt().min(1.0).asin();
        // At most half the Earth's circumference (~20,000 km), well inside u32.
        (EARTH_RADIUS_M * c).round() as u32
    }
}

/// WGS-84 latitude and longitude in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Result<Self, DomainError> {
        let ok = lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
        if ok {
            Ok(GeoPoint { lat, lon })
        } else {
            Err(DomainError::InvalidCoordinates)
        }
    }

    /// Haversine distance in whole metres.
    pub fn distance_m(&self, other: &GeoPoint) -> u32 {
        self.place().distance_m(&other.place())
    }

    /// The point with its latitude in radians and that latitude's cosine worked out once, for
    /// measuring from it (or to it) many times.
    pub fn place(&self) -> Place {
        let lat_rad = self.lat.to_radians();
        Place { lat_rad, cos_lat: lat_rad.cos(), lon: self.lon }
    }

    /// `lat=…&lon=…` with five decimals each (about a metre), for an address's query.
    pub fn query(&self) -> String {
        format!("lat={}&lon={}", five_decimals(self.lat), five_decimals(self.lon))
    }
}

/// `degrees` with five decimals, as `format!("{:.5}")` would write it to within its last digit,
/// in integer arithmetic. For coordinates (|degrees| ≤ 180).
fn five_decimals(degrees: f64) -> String {
    // `as` saturates; coordinates are far inside i64.
    let scaled = (degrees * 100_000.0).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    format!("{sign}{}.{:05}", magnitude / 100_000, magnitude % 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn moscow_to_saint_petersburg_is_about_634_km() {
        let msk = GeoPoint::new(55.7558, 37.6173).unwrap();
        let spb = GeoPoint::new(59.9343, 30.3351).unwrap();
        let d = msk.distance_m(&spb);
        assert!((630_000..640_000).contains(&d), "{d}");
    }

    #[test]
    fn a_point_as_a_query_has_five_decimals() {
        assert_eq!(GeoPoint::new(55.75, 37.61).unwrap().query(), "lat=55.75000&lon=37.61000");
        assert_eq!(GeoPoint::new(-33.868_82, -151.209_29).unwrap().query(), "lat=-33.86882&lon=-151.20929");
        assert_eq!(GeoPoint::new(0.000_004, -0.000_006).unwrap().query(), "lat=0.00000&lon=-0.00001");
    }

    #[test]
    fn coordinates_out_of_range_are_rejected() {
        assert!(GeoPoint::new(91.0, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -181.0).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
    }

    proptest! {
        #[test]
        fn five_decimals_reads_back_as_the_coordinate_to_within_its_last_digit(degrees in -180.0_f64..=180.0) {
            let written: f64 = five_decimals(degrees).parse().unwrap();
            prop_assert!((written - degrees).abs() <= 0.000_005 + 1e-9, "{degrees} → {written}");
            let std: f64 = format!("{degrees:.5}").parse().unwrap();
            prop_assert!((written - std).abs() <= 0.000_010 + 1e-9, "{degrees}: {written} vs {std}");
        }

        #[test]
        fn distance_is_symmetric_and_zero_to_itself(a in -89.0..89.0_f64, b in -179.0..179.0_f64, c in -89.0..89.0_f64, d in -179.0..179.0_f64) {
            let p = GeoPoint::new(a, b).unwrap();
            let q = GeoPoint::new(c, d).unwrap();
            prop_assert_eq!(p.distance_m(&p), 0);
            prop_assert_eq!(p.distance_m(&q), q.distance_m(&p));
            prop_assert!(p.distance_m(&q) <= 20_016_000);
        }
    }
}
