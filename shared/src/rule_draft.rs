//! The marketer console's rule editor as plain data (a draft): every field as typed, how the draft
//! becomes a [`Rule`] (or the problems that stop it, each at the JSON pointer of its field), how a
//! stored rule fills it, and the check the server will make ([`offers::validate`]) run before
//! sending. No views and no framework types: the app's `pages/admin/editor.rs` holds the draft in a
//! signal and renders it; the tests below run on the host.
//!
//! Dates of a schedule are typed in the condition's own offset from UTC (Moscow, +03:00, unless
//! changed), the same offset its weekdays and hours are evaluated in.

use crate::account::Channel;
use crate::i18n::Key;
use crate::offers::{self, Condition, Effect, Known, Limits, Rule, RuleError, Stacking, Target, Tier, RULE_FORMAT};
use crate::{CategoryId, GeoPoint, Money, Sku, StoreId};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Where the problems of a form are: a JSON pointer into the rule (as the server names them) and
/// what to say there.
pub type Problems = Vec<(String, Key)>;

/// The channels a rule can be limited to, in the order the editor shows them.
pub const CHANNELS: [Channel; 4] = [Channel::Web, Channel::Pwa, Channel::Kiosk, Channel::Pos];
/// The loyalty tiers, lowest first.
pub const TIERS: [Tier; 3] = [Tier::Basic, Tier::Silver, Tier::Gold];
/// Moscow, where the stores are: the default offset of a schedule.
pub const DEFAULT_OFFSET_MINUTES: i32 = 180;

/// The kind of a condition (its `type` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CondKind {
    Schedule,
    Channels,
    Stores,
    Near,
    Tiers,
    PointsAtLeast,
    SpendAtLeast,
    OrderCount,
    BoughtCategory,
    NewCustomer,
    SignedIn,
    SubtotalAtLeast,
    ContainsSku,
    ContainsCategory,
}

impl CondKind {
    pub const ALL: [CondKind; 14] = [
        CondKind::Channels,
        CondKind::Stores,
        CondKind::Schedule,
        CondKind::Near,
        CondKind::Tiers,
        CondKind::PointsAtLeast,
        CondKind::SpendAtLeast,
        CondKind::OrderCount,
        CondKind::BoughtCategory,
        CondKind::NewCustomer,
        CondKind::SignedIn,
        CondKind::SubtotalAtLeast,
        CondKind::ContainsSku,
        CondKind::ContainsCategory,
    ];

    /// The `type` tag in the rule JSON (also the select's value).
    pub fn value(self) -> &'static str {
        match self {
            CondKind::Schedule => "schedule",
            CondKind::Channels => "channels",
            CondKind::Stores => "stores",
            CondKind::Near => "near",
            CondKind::Tiers => "tiers",
            CondKind::PointsAtLeast => "points_at_least",
            CondKind::SpendAtLeast => "spend_at_least",
            CondKind::OrderCount => "order_count",
            CondKind::BoughtCategory => "bought_category",
            CondKind::NewCustomer => "new_customer",
            CondKind::SignedIn => "signed_in",
            CondKind::SubtotalAtLeast => "subtotal_at_least",
            CondKind::ContainsSku => "contains_sku",
            CondKind::ContainsCategory => "contains_category",
        }
    }

    pub fn from_value(raw: &str) -> Option<CondKind> {
        CondKind::ALL.into_iter().find(|k| k.value() == raw)
    }

    pub fn label(self) -> Key {
        match self {
            CondKind::Schedule => Key::CondSchedule,
            CondKind::Channels => Key::CondChannels,
            CondKind::Stores => Key::CondStores,
            CondKind::Near => Key::CondNear,
            CondKind::Tiers => Key::CondTiers,
            CondKind::PointsAtLeast => Key::CondPointsAtLeast,
            CondKind::SpendAtLeast => Key::CondSpendAtLeast,
            CondKind::OrderCount => Key::CondOrderCount,
            CondKind::BoughtCategory => Key::CondBoughtCategory,
            CondKind::NewCustomer => Key::CondNewCustomer,
            CondKind::SignedIn => Key::CondSignedIn,
            CondKind::SubtotalAtLeast => Key::CondSubtotalAtLeast,
            CondKind::ContainsSku => Key::CondContainsSku,
            CondKind::ContainsCategory => Key::CondContainsCategory,
        }
    }

    /// The kind of a stored condition.
    pub fn of(condition: &Condition) -> CondKind {
        match condition {
            Condition::Schedule { .. } => CondKind::Schedule,
            Condition::Channels { .. } => CondKind::Channels,
            Condition::Stores { .. } => CondKind::Stores,
            Condition::Near { .. } => CondKind::Near,
            Condition::Tiers { .. } => CondKind::Tiers,
            Condition::PointsAtLeast { .. } => CondKind::PointsAtLeast,
            Condition::SpendAtLeast { .. } => CondKind::SpendAtLeast,
            Condition::OrderCount { .. } => CondKind::OrderCount,
            Condition::BoughtCategory { .. } => CondKind::BoughtCategory,
            Condition::NewCustomer { .. } => CondKind::NewCustomer,
            Condition::SignedIn { .. } => CondKind::SignedIn,
            Condition::SubtotalAtLeast { .. } => CondKind::SubtotalAtLeast,
            Condition::ContainsSku { .. } => CondKind::ContainsSku,
            Condition::ContainsCategory { .. } => CondKind::ContainsCategory,
        }
    }
}

/// A typed field of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CondText {
    Category,
    Sku,
    MinQty,
    Amount,
    Days,
    Min,
    Max,
    Points,
    Lat,
    Lon,
    Radius,
    From,
    To,
    FromTime,
    ToTime,
    Offset,
}

impl CondText {
    const COUNT: usize = 16;

    /// The field's name in the condition JSON (the last part of its pointer).
    pub fn name(self) -> &'static str {
        match self {
            CondText::Category => "category",
            CondText::Sku => "sku",
            CondText::MinQty => "min_qty",
            CondText::Amount => "amount",
            CondText::Days => "days",
            CondText::Min => "min",
            CondText::Max => "max",
            CondText::Points => "points",
            CondText::Lat | CondText::Lon => "center",
            CondText::Radius => "radius_m",
            CondText::From => "from",
            CondText::To => "to",
            CondText::FromTime => "from_minute",
            CondText::ToTime => "to_minute",
            CondText::Offset => "utc_offset_minutes",
        }
    }
}

/// One condition of the form. Switching its kind keeps what was typed for the other kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct CondDraft {
    /// Tells the rows apart while conditions are added and removed.
    pub key: u64,
    pub kind: CondKind,
    pub channels: Vec<Channel>,
    pub stores: Vec<String>,
    pub tiers: Vec<Tier>,
    /// 1 = Monday … 7 = Sunday; none = every day.
    pub weekdays: Vec<u8>,
    /// `new` of "new customer", `signed_in` of "signed in".
    pub flag: bool,
    texts: [String; CondText::COUNT],
}

impl CondDraft {
    pub fn new(key: u64, kind: CondKind) -> Self {
        let mut form = CondDraft {
            key,
            kind,
            channels: Vec::new(),
            stores: Vec::new(),
            tiers: Vec::new(),
            weekdays: Vec::new(),
            flag: true,
            texts: Default::default(),
        };
        form.texts[CondText::MinQty as usize] = "1".into();
        form.texts[CondText::Days as usize] = "30".into();
        form.texts[CondText::Offset as usize] = DEFAULT_OFFSET_MINUTES.to_string();
        form
    }

    pub fn text(&self, field: CondText) -> &str {
        &self.texts[field as usize]
    }

    pub fn set_text(&mut self, field: CondText, value: String) {
        self.texts[field as usize] = value;
    }

    fn offset(&self) -> i32 {
        self.text(CondText::Offset).trim().parse().unwrap_or(DEFAULT_OFFSET_MINUTES)
    }

    fn from_condition(key: u64, condition: &Condition) -> Self {
        let mut form = CondDraft::new(key, CondKind::of(condition));
        let mut put = |field: CondText, value: String| form.texts[field as usize] = value;
        match condition {
            Condition::Schedule { from, to, weekdays, from_minute, to_minute, utc_offset_minutes } => {
                put(CondText::Offset, utc_offset_minutes.to_string());
                put(CondText::From, from.map(|t| local_input(t, *utc_offset_minutes)).unwrap_or_default());
                put(CondText::To, to.map(|t| local_input(t, *utc_offset_minutes)).unwrap_or_default());
                put(CondText::FromTime, from_minute.map(time_input).unwrap_or_default());
                put(CondText::ToTime, to_minute.map(time_input).unwrap_or_default());
                form.weekdays = weekdays.clone();
            }
            Condition::Channels { channels } => form.channels = channels.clone(),
            Condition::Stores { stores } => form.stores = stores.iter().map(ToString::to_string).collect(),
            Condition::Near { center, radius_m } => {
                put(CondText::Lat, center.lat.to_string());
                put(CondText::Lon, center.lon.to_string());
                put(CondText::Radius, radius_m.to_string());
            }
            Condition::Tiers { tiers } => form.tiers = tiers.clone(),
            Condition::PointsAtLeast { points } => put(CondText::Points, points.to_string()),
            Condition::SpendAtLeast { amount, days } => {
                put(CondText::Amount, amount_input(amount));
                put(CondText::Days, days.to_string());
            }
            Condition::OrderCount { min, max, days } => {
                put(CondText::Min, min.to_string());
                put(CondText::Max, max.map(|m| m.to_string()).unwrap_or_default());
                put(CondText::Days, days.to_string());
            }
            Condition::BoughtCategory { category, days } => {
                put(CondText::Category, category.to_string());
                put(CondText::Days, days.to_string());
            }
            Condition::NewCustomer { new } => form.flag = *new,
            Condition::SignedIn { signed_in } => form.flag = *signed_in,
            Condition::SubtotalAtLeast { amount } => put(CondText::Amount, amount_input(amount)),
            Condition::ContainsSku { sku, min_qty } => {
                put(CondText::Sku, sku.to_string());
                put(CondText::MinQty, min_qty.to_string());
            }
            Condition::ContainsCategory { category, min_qty } => {
                put(CondText::Category, category.to_string());
                put(CondText::MinQty, min_qty.to_string());
            }
        }
        form
    }

    /// The condition, or the problems of its fields (pointers under `/conditions/{index}`).
    fn build(&self, index: usize, problems: &mut Problems) -> Option<Condition> {
        let at = |name: &str| format!("/conditions/{index}/{name}");
        let mut read = Reader { problems, at: &at, texts: &self.texts };
        let condition = match self.kind {
            CondKind::Schedule => {
                let offset = read.int::<i32>(CondText::Offset, Some(DEFAULT_OFFSET_MINUTES));
                let offset_value = offset.unwrap_or(DEFAULT_OFFSET_MINUTES);
                let from = read.date_time(CondText::From, offset_value);
                let to = read.date_time(CondText::To, offset_value);
                let from_minute = read.time(CondText::FromTime);
                let to_minute = read.time(CondText::ToTime);
                Condition::Schedule {
                    from: from?,
                    to: to?,
                    weekdays: self.weekdays.clone(),
                    from_minute: from_minute?,
                    to_minute: to_minute?,
                    utc_offset_minutes: offset?,
                }
            }
            CondKind::Channels => {
                if self.channels.is_empty() {
                    read.problems.push((at("channels"), Key::AdminErrChooseOne));
                    return None;
                }
                Condition::Channels { channels: CHANNELS.into_iter().filter(|c| self.channels.contains(c)).collect() }
            }
            CondKind::Stores => {
                if self.stores.is_empty() {
                    read.problems.push((at("stores"), Key::AdminErrChooseOne));
                    return None;
                }
                let stores: Result<Vec<StoreId>, _> = self.stores.iter().map(|s| StoreId::parse(s)).collect();
                match stores {
                    Ok(stores) => Condition::Stores { stores },
                    Err(_) => {
                        read.problems.push((at("stores"), Key::AdminErrChooseOne));
                        return None;
                    }
                }
            }
            CondKind::Near => {
                let (lat, lon) = (read.float(CondText::Lat), read.float(CondText::Lon));
                let radius = read.int::<u32>(CondText::Radius, None);
                let Ok(center) = GeoPoint::new(lat?, lon?) else {
                    read.problems.push((at("center"), Key::AdminErrCoordinates));
                    return None;
                };
                Condition::Near { center, radius_m: radius? }
            }
            CondKind::Tiers => {
                if self.tiers.is_empty() {
                    read.problems.push((at("tiers"), Key::AdminErrChooseOne));
                    return None;
                }
                Condition::Tiers { tiers: TIERS.into_iter().filter(|t| self.tiers.contains(t)).collect() }
            }
            CondKind::PointsAtLeast => Condition::PointsAtLeast { points: read.int::<i64>(CondText::Points, None)? },
            CondKind::SpendAtLeast => {
                let amount = read.money(CondText::Amount);
                let days = read.int::<u32>(CondText::Days, None);
                Condition::SpendAtLeast { amount: amount?, days: days? }
            }
            CondKind::OrderCount => {
                let min = read.int::<u32>(CondText::Min, Some(0));
                let max = read.optional_int::<u32>(CondText::Max);
                let days = read.int::<u32>(CondText::Days, None);
                Condition::OrderCount { min: min?, max: max?, days: days? }
            }
            CondKind::BoughtCategory => {
                let category = read.category(CondText::Category);
                let days = read.int::<u32>(CondText::Days, None);
                Condition::BoughtCategory { category: category?, days: days? }
            }
            CondKind::NewCustomer => Condition::NewCustomer { new: self.flag },
            CondKind::SignedIn => Condition::SignedIn { signed_in: self.flag },
            CondKind::SubtotalAtLeast => Condition::SubtotalAtLeast { amount: read.money(CondText::Amount)? },
            CondKind::ContainsSku => {
                let sku = read.sku(CondText::Sku);
                let min_qty = read.int::<u32>(CondText::MinQty, Some(1));
                Condition::ContainsSku { sku: sku?, min_qty: min_qty? }
            }
            CondKind::ContainsCategory => {
                let category = read.category(CondText::Category);
                let min_qty = read.int::<u32>(CondText::MinQty, Some(1));
                Condition::ContainsCategory { category: category?, min_qty: min_qty? }
            }
        };
        Some(condition)
    }
}

/// Reads typed fields, recording each one's problem at its pointer.
struct Reader<'a, F: Fn(&str) -> String, T: AsRef<str>> {
    problems: &'a mut Problems,
    at: &'a F,
    texts: &'a [T],
}

trait Named: Copy {
    fn index(self) -> usize;
    fn name(self) -> &'static str;
}

impl Named for CondText {
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        CondText::name(self)
    }
}

impl Named for EffectText {
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        EffectText::name(self)
    }
}

/// Digits as typed, with spaces (and the Russian decimal comma) allowed.
fn normalized(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).map(|c| if c == ',' { '.' } else { c }).collect()
}

impl<F: Fn(&str) -> String, T: AsRef<str>> Reader<'_, F, T> {
    fn raw<N: Named>(&self, field: N) -> String {
        self.texts[field.index()].as_ref().trim().to_owned()
    }

    fn problem<N: Named>(&mut self, field: N, key: Key) {
        self.problems.push(((self.at)(field.name()), key));
    }

    /// A whole number; `default` when left empty (else the field is required).
    fn int<I: FromStr>(&mut self, field: impl Named, default: Option<I>) -> Option<I> {
        let raw = normalized(&self.raw(field));
        if raw.is_empty() {
            if default.is_none() {
                self.problem(field, Key::ErrRequired);
            }
            return default;
        }
        let parsed = raw.parse().ok();
        if parsed.is_none() {
            self.problem(field, Key::AdminErrWholeNumber);
        }
        parsed
    }

    /// A whole number or nothing.
    fn optional_int<I: FromStr>(&mut self, field: impl Named) -> Option<Option<I>> {
        if self.raw(field).is_empty() {
            Some(None)
        } else {
            self.int(field, None).map(Some)
        }
    }

    fn float(&mut self, field: impl Named) -> Option<f64> {
        let raw = normalized(&self.raw(field));
        if raw.is_empty() {
            self.problem(field, Key::ErrRequired);
            return None;
        }
        let parsed = raw.parse::<f64>().ok().filter(|v| v.is_finite());
        if parsed.is_none() {
            self.problem(field, Key::AdminErrNumber);
        }
        parsed
    }

    fn decimal(&mut self, field: impl Named) -> Option<Decimal> {
        let raw = normalized(&self.raw(field));
        if raw.is_empty() {
            self.problem(field, Key::ErrRequired);
            return None;
        }
        let parsed = Decimal::from_str(&raw).ok();
        if parsed.is_none() {
            self.problem(field, Key::AdminErrNumber);
        }
        parsed
    }

    fn money(&mut self, field: impl Named) -> Option<Money> {
        let raw = normalized(&self.raw(field));
        if raw.is_empty() {
            self.problem(field, Key::ErrRequired);
            return None;
        }
        let parsed = Money::parse_rub(&raw).ok();
        if parsed.is_none() {
            self.problem(field, Key::AdminErrAmount);
        }
        parsed
    }

    fn sku(&mut self, field: impl Named) -> Option<Sku> {
        let raw = self.raw(field).to_uppercase();
        if raw.is_empty() {
            self.problem(field, Key::ErrRequired);
            return None;
        }
        let parsed = Sku::parse(&raw).ok();
        if parsed.is_none() {
            self.problem(field, Key::AdminErrSku);
        }
        parsed
    }

    fn category(&mut self, field: impl Named) -> Option<CategoryId> {
        let parsed = CategoryId::parse(&self.raw(field)).ok();
        if parsed.is_none() {
            self.problem(field, Key::AdminErrChooseCategory);
        }
        parsed
    }

    /// A moment typed in a `datetime-local` input, in the offset `offset_minutes`; `None` inside
    /// when left empty.
    fn date_time(&mut self, field: impl Named, offset_minutes: i32) -> Option<Option<DateTime<Utc>>> {
        let raw = self.raw(field);
        if raw.is_empty() {
            return Some(None);
        }
        let parsed = parse_local_input(&raw, offset_minutes);
        if parsed.is_none() {
            self.problem(field, Key::AdminErrDateTime);
        }
        parsed.map(Some)
    }

    /// Minutes of the day typed as `HH:MM`; `None` inside when left empty.
    fn time(&mut self, field: impl Named) -> Option<Option<u16>> {
        let raw = self.raw(field);
        if raw.is_empty() {
            return Some(None);
        }
        let parsed = raw
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u16>().ok()?, m.get(..2).unwrap_or(m).parse::<u16>().ok()?)))
            .filter(|(h, m)| *h <= 24 && *m < 60 && h * 60 + m <= 24 * 60)
            .map(|(h, m)| h * 60 + m);
        if parsed.is_none() {
            self.problem(field, Key::AdminErrTime);
        }
        parsed.map(Some)
    }
}

/// A `datetime-local` value (`2026-11-25T14:30`) read in the offset `offset_minutes`.
pub fn parse_local_input(raw: &str, offset_minutes: i32) -> Option<DateTime<Utc>> {
    let naive =
        NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")).ok()?;
    Some((naive - Duration::minutes(i64::from(offset_minutes))).and_utc())
}

/// The `datetime-local` value of `at` in the offset `offset_minutes`.
pub fn local_input(at: DateTime<Utc>, offset_minutes: i32) -> String {
    (at.naive_utc() + Duration::minutes(i64::from(offset_minutes))).format("%Y-%m-%dT%H:%M").to_string()
}

fn time_input(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// An amount as typed: `1500` or `1500.50`.
fn amount_input(money: &Money) -> String {
    let text = money.amount.to_string();
    text.strip_suffix(".00").map(str::to_owned).unwrap_or(text)
}

/// What a rule gives (its effect's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    PercentOff,
    AmountOff,
    BuyXGetY,
    FreeDelivery,
    PointsMultiplier,
    Gift,
}

impl EffectKind {
    pub const ALL: [EffectKind; 6] = [
        EffectKind::PercentOff,
        EffectKind::AmountOff,
        EffectKind::BuyXGetY,
        EffectKind::FreeDelivery,
        EffectKind::PointsMultiplier,
        EffectKind::Gift,
    ];

    pub fn value(self) -> &'static str {
        match self {
            EffectKind::PercentOff => "percent_off",
            EffectKind::AmountOff => "amount_off",
            EffectKind::BuyXGetY => "buy_x_get_y",
            EffectKind::FreeDelivery => "free_delivery",
            EffectKind::PointsMultiplier => "points_multiplier",
            EffectKind::Gift => "gift",
        }
    }

    pub fn from_value(raw: &str) -> Option<EffectKind> {
        EffectKind::ALL.into_iter().find(|k| k.value() == raw)
    }

    pub fn label(self) -> Key {
        match self {
            EffectKind::PercentOff => Key::EffectPercentOff,
            EffectKind::AmountOff => Key::EffectAmountOff,
            EffectKind::BuyXGetY => Key::EffectBuyXGetY,
            EffectKind::FreeDelivery => Key::EffectFreeDelivery,
            EffectKind::PointsMultiplier => Key::EffectPointsMultiplier,
            EffectKind::Gift => Key::EffectGift,
        }
    }

    /// Whether the effect applies to a target (the cart, a category or a product).
    pub fn has_target(self) -> bool {
        matches!(self, EffectKind::PercentOff | EffectKind::AmountOff | EffectKind::BuyXGetY)
    }
}

/// What a discount applies to (its target's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Cart,
    Category,
    Sku,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [TargetKind::Cart, TargetKind::Category, TargetKind::Sku];

    pub fn value(self) -> &'static str {
        match self {
            TargetKind::Cart => "cart",
            TargetKind::Category => "category",
            TargetKind::Sku => "sku",
        }
    }

    pub fn from_value(raw: &str) -> Option<TargetKind> {
        TargetKind::ALL.into_iter().find(|k| k.value() == raw)
    }

    pub fn label(self) -> Key {
        match self {
            TargetKind::Cart => Key::TargetCart,
            TargetKind::Category => Key::TargetCategory,
            TargetKind::Sku => Key::TargetSku,
        }
    }
}

/// A typed field of the effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectText {
    Percent,
    Amount,
    Buy,
    Get,
    Factor,
    GiftSku,
    GiftQty,
    TargetCategory,
    TargetSku,
}

impl EffectText {
    const COUNT: usize = 9;

    /// The field's pointer under `/effect`.
    pub fn name(self) -> &'static str {
        match self {
            EffectText::Percent => "percent",
            EffectText::Amount => "amount",
            EffectText::Buy => "buy",
            EffectText::Get => "get",
            EffectText::Factor => "factor",
            EffectText::GiftSku => "sku",
            EffectText::GiftQty => "qty",
            EffectText::TargetCategory => "target/category",
            EffectText::TargetSku => "target/sku",
        }
    }
}

/// The effect of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectDraft {
    pub kind: EffectKind,
    pub target: TargetKind,
    texts: [String; EffectText::COUNT],
}

impl Default for EffectDraft {
    fn default() -> Self {
        let mut form = EffectDraft { kind: EffectKind::PercentOff, target: TargetKind::Cart, texts: Default::default() };
        form.texts[EffectText::Buy as usize] = "2".into();
        form.texts[EffectText::Get as usize] = "1".into();
        form.texts[EffectText::Factor as usize] = "2".into();
        form.texts[EffectText::GiftQty as usize] = "1".into();
        form
    }
}

impl EffectDraft {
    pub fn text(&self, field: EffectText) -> &str {
        &self.texts[field as usize]
    }

    pub fn set_text(&mut self, field: EffectText, value: String) {
        self.texts[field as usize] = value;
    }

    fn from_effect(effect: &Effect) -> Self {
        fn target_of(form: &mut EffectDraft, target: &Target) {
            match target {
                Target::Cart => form.target = TargetKind::Cart,
                Target::Category { category } => {
                    form.target = TargetKind::Category;
                    form.texts[EffectText::TargetCategory as usize] = category.to_string();
                }
                Target::Sku { sku } => {
                    form.target = TargetKind::Sku;
                    form.texts[EffectText::TargetSku as usize] = sku.to_string();
                }
            }
        }
        let mut form = EffectDraft::default();
        match effect {
            Effect::PercentOff { target, percent } => {
                form.kind = EffectKind::PercentOff;
                target_of(&mut form, target);
                form.texts[EffectText::Percent as usize] = percent.normalize().to_string();
            }
            Effect::AmountOff { target, amount } => {
                form.kind = EffectKind::AmountOff;
                target_of(&mut form, target);
                form.texts[EffectText::Amount as usize] = amount_input(amount);
            }
            Effect::BuyXGetY { target, buy, get } => {
                form.kind = EffectKind::BuyXGetY;
                target_of(&mut form, target);
                form.texts[EffectText::Buy as usize] = buy.to_string();
                form.texts[EffectText::Get as usize] = get.to_string();
            }
            Effect::FreeDelivery => form.kind = EffectKind::FreeDelivery,
            Effect::PointsMultiplier { factor } => {
                form.kind = EffectKind::PointsMultiplier;
                form.texts[EffectText::Factor as usize] = factor.normalize().to_string();
            }
            Effect::Gift { sku, qty } => {
                form.kind = EffectKind::Gift;
                form.texts[EffectText::GiftSku as usize] = sku.to_string();
                form.texts[EffectText::GiftQty as usize] = qty.to_string();
            }
        }
        form
    }

    fn build(&self, problems: &mut Problems) -> Option<Effect> {
        let at = |name: &str| format!("/effect/{name}");
        let mut read = Reader { problems, at: &at, texts: &self.texts };
        let target = if self.kind.has_target() {
            match self.target {
                TargetKind::Cart => Some(Target::Cart),
                TargetKind::Category => read.category(EffectText::TargetCategory).map(|category| Target::Category { category }),
                TargetKind::Sku => read.sku(EffectText::TargetSku).map(|sku| Target::Sku { sku }),
            }
        } else {
            None
        };
        let effect = match self.kind {
            EffectKind::PercentOff => {
                let percent = read.decimal(EffectText::Percent);
                Effect::PercentOff { target: target?, percent: percent? }
            }
            EffectKind::AmountOff => {
                let amount = read.money(EffectText::Amount);
                Effect::AmountOff { target: target?, amount: amount? }
            }
            EffectKind::BuyXGetY => {
                let buy = read.int::<u32>(EffectText::Buy, None);
                let get = read.int::<u32>(EffectText::Get, None);
                Effect::BuyXGetY { target: target?, buy: buy?, get: get? }
            }
            EffectKind::FreeDelivery => Effect::FreeDelivery,
            EffectKind::PointsMultiplier => Effect::PointsMultiplier { factor: read.decimal(EffectText::Factor)? },
            EffectKind::Gift => {
                let sku = read.sku(EffectText::GiftSku);
                let qty = read.int::<u32>(EffectText::GiftQty, None);
                Effect::Gift { sku: sku?, qty: qty? }
            }
        };
        Some(effect)
    }
}

/// A typed field of the rule itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleText {
    Id,
    Name,
    Description,
    Priority,
    Group,
    Holdout,
    PerCustomer,
    TotalUses,
    Budget,
}

impl RuleText {
    const COUNT: usize = 9;

    /// The field's JSON pointer.
    pub fn pointer(self) -> &'static str {
        match self {
            RuleText::Id => "/id",
            RuleText::Name => "/name",
            RuleText::Description => "/description",
            RuleText::Priority => "/priority",
            RuleText::Group => "/stacking/group",
            RuleText::Holdout => "/holdout_percent",
            RuleText::PerCustomer => "/limits/per_customer",
            RuleText::TotalUses => "/limits/total_uses",
            RuleText::Budget => "/limits/budget",
        }
    }
}

impl Named for RuleText {
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        self.pointer()
    }
}

/// The whole rule as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    texts: [String; RuleText::COUNT],
    pub enabled: bool,
    pub exclusive: bool,
    pub conditions: Vec<CondDraft>,
    pub effect: EffectDraft,
    next_key: u64,
    format: u32,
}

impl Default for RuleDraft {
    fn default() -> Self {
        let mut form = RuleDraft {
            texts: Default::default(),
            enabled: true,
            exclusive: false,
            conditions: Vec::new(),
            effect: EffectDraft::default(),
            next_key: 0,
            format: RULE_FORMAT,
        };
        form.texts[RuleText::Priority as usize] = "0".into();
        form.texts[RuleText::Holdout as usize] = "0".into();
        form
    }
}

impl RuleDraft {
    pub fn from_rule(rule: &Rule) -> Self {
        let mut form = RuleDraft::default();
        let mut put = |field: RuleText, value: String| form.texts[field as usize] = value;
        put(RuleText::Id, rule.id.clone());
        put(RuleText::Name, rule.name.clone());
        put(RuleText::Description, rule.description.clone());
        put(RuleText::Priority, rule.priority.to_string());
        put(RuleText::Holdout, rule.holdout_percent.to_string());
        put(RuleText::PerCustomer, rule.limits.per_customer.map(|n| n.to_string()).unwrap_or_default());
        put(RuleText::TotalUses, rule.limits.total_uses.map(|n| n.to_string()).unwrap_or_default());
        put(RuleText::Budget, rule.limits.budget.as_ref().map(amount_input).unwrap_or_default());
        if let Stacking::Exclusive { group } = &rule.stacking {
            put(RuleText::Group, group.clone());
            form.exclusive = true;
        }
        form.enabled = rule.enabled;
        form.format = rule.format;
        form.effect = EffectDraft::from_effect(&rule.effect);
        for condition in &rule.conditions {
            let key = form.take_key();
            form.conditions.push(CondDraft::from_condition(key, condition));
        }
        form
    }

    pub fn text(&self, field: RuleText) -> &str {
        &self.texts[field as usize]
    }

    pub fn set_text(&mut self, field: RuleText, value: String) {
        self.texts[field as usize] = value;
    }

    fn take_key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// Adds a condition of `kind` at the end.
    pub fn add_condition(&mut self, kind: CondKind) {
        let key = self.take_key();
        self.conditions.push(CondDraft::new(key, kind));
    }

    pub fn remove_condition(&mut self, key: u64) {
        self.conditions.retain(|c| c.key != key);
    }

    pub fn condition(&self, key: u64) -> Option<&CondDraft> {
        self.conditions.iter().find(|c| c.key == key)
    }

    pub fn condition_mut(&mut self, key: u64) -> Option<&mut CondDraft> {
        self.conditions.iter_mut().find(|c| c.key == key)
    }

    /// The index of the condition `key` (its place in the rule's JSON).
    pub fn condition_index(&self, key: u64) -> Option<usize> {
        self.conditions.iter().position(|c| c.key == key)
    }

    /// The offset a schedule condition's dates are typed in.
    pub fn condition_offset(&self, key: u64) -> i32 {
        self.condition(key).map_or(DEFAULT_OFFSET_MINUTES, CondDraft::offset)
    }

    /// The rule, or every problem that stops it (each at its field's pointer).
    pub fn build(&self) -> Result<Rule, Problems> {
        let mut problems = Problems::new();
        let at = |name: &str| name.to_owned();
        let mut read = Reader { problems: &mut problems, at: &at, texts: &self.texts };
        let id = read.raw(RuleText::Id);
        let id_ok = (2..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if id.is_empty() {
            read.problem(RuleText::Id, Key::ErrRequired);
        } else if !id_ok {
            read.problem(RuleText::Id, Key::AdminErrRuleId);
        }
        let name = read.raw(RuleText::Name);
        if name.is_empty() {
            read.problem(RuleText::Name, Key::ErrRequired);
        }
        let priority = read.int::<i32>(RuleText::Priority, Some(0));
        let holdout = match read.int::<u8>(RuleText::Holdout, Some(0)) {
            Some(h) if h > 100 => {
                read.problem(RuleText::Holdout, Key::AdminErrPercent);
                None
            }
            h => h,
        };
        let stacking = if self.exclusive {
            let group = read.raw(RuleText::Group);
            if group.is_empty() {
                read.problem(RuleText::Group, Key::ErrRequired);
            }
            Stacking::Exclusive { group }
        } else {
            Stacking::Stackable
        };
        let per_customer = read.optional_int::<u32>(RuleText::PerCustomer);
        let total_uses = read.optional_int::<u32>(RuleText::TotalUses);
        let budget = if read.raw(RuleText::Budget).is_empty() { Some(None) } else { read.money(RuleText::Budget).map(Some) };
        let description = self.text(RuleText::Description).trim().to_owned();
        let conditions: Vec<Option<Condition>> = self.conditions.iter().enumerate().map(|(i, c)| c.build(i, &mut problems)).collect();
        let effect = self.effect.build(&mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let rule = (|| {
            Some(Rule {
                id,
                format: self.format,
                name,
                description,
                enabled: self.enabled,
                priority: priority?,
                stacking,
                conditions: conditions.into_iter().collect::<Option<Vec<_>>>()?,
                effect: effect?,
                limits: Limits { per_customer: per_customer?, total_uses: total_uses?, budget: budget? },
                holdout_percent: holdout?,
            })
        })();
        // Every `None` above recorded a problem, so this is only a safety net.
        rule.ok_or_else(|| vec![("/".to_owned(), Key::ErrCheckFields)])
    }

    /// The rule as it may be sent: built from the draft, then checked with [`offers::validate`], the
    /// check the server makes before saving, so the marketer sees the server's refusal at its field
    /// without a round trip. `known` names what the rule may refer to, as far as the console knows.
    pub fn checked(&self, known: &Known<'_>) -> Result<Rule, Unsendable> {
        let rule = self.build().map_err(Unsendable::Incomplete)?;
        offers::validate(&rule, known).map_err(Unsendable::Refused)?;
        Ok(rule)
    }
}

/// Why a draft cannot be sent yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Unsendable {
    /// Fields are missing or do not read as their type (each problem at its field's pointer).
    Incomplete(Problems),
    /// The rule reads but the server would refuse it: [`RuleError::params`] gives the parameters of
    /// the `invalid_rule` error it would answer, so the same text shows at the same field.
    Refused(RuleError),
}

/// Whether the problem at `pointer` (the server's or the form's) belongs to the field at `field`:
/// the same pointer, or one inside it (`/conditions/1/stores/0` is about `/conditions/1/stores`).
pub fn pointer_within(pointer: &str, field: &str) -> bool {
    pointer == field || pointer.strip_prefix(field).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{error_text, Locale};
    use crate::offers::RuleProblem;

    fn rule(json: serde_json::Value) -> Rule {
        serde_json::from_value(json).expect("a rule in the rule format")
    }

    /// A rule with every kind of condition, in the orders the editor shows channels and tiers.
    fn every_condition() -> Rule {
        rule(serde_json::json!({
            "id": "every-condition",
            "name": "Всё сразу",
            "description": "Каждое условие по разу",
            "enabled": false,
            "priority": -5,
            "stacking": {"mode": "exclusive", "group": "autumn"},
            "conditions": [
                {"type": "schedule", "from": "2026-11-25T07:00:00Z", "to": "2026-11-30T20:59:00Z", "weekdays": [6, 7],
                 "from_minute": 540, "to_minute": 1320, "utc_offset_minutes": 180},
                {"type": "channels", "channels": ["web", "kiosk", "pos"]},
                {"type": "stores", "stores": ["msk-tverskaya"]},
                {"type": "near", "center": {"lat": 55.7601, "lon": 37.6186}, "radius_m": 1500},
                {"type": "tiers", "tiers": ["silver", "gold"]},
                {"type": "points_at_least", "points": 250},
                {"type": "spend_at_least", "amount": {"amount": "15000.50", "currency": "RUB"}, "days": 90},
                {"type": "order_count", "min": 1, "max": 3, "days": 365},
                {"type": "order_count", "min": 0, "days": 30},
                {"type": "bought_category", "category": "smartphones", "days": 180},
                {"type": "new_customer", "new": false},
                {"type": "signed_in", "signed_in": true},
                {"type": "subtotal_at_least", "amount": {"amount": "3000", "currency": "RUB"}},
                {"type": "contains_sku", "sku": "PHN-0001", "min_qty": 2},
                {"type": "contains_category", "category": "headphones", "min_qty": 1}
            ],
            "effect": {"type": "percent_off", "target": {"kind": "category", "category": "headphones"}, "percent": "12.5"},
            "limits": {"per_customer": 1, "total_uses": 500, "budget": {"amount": "100000", "currency": "RUB"}},
            "holdout_percent": 10
        }))
    }

    fn every_effect() -> Vec<Effect> {
        [
            serde_json::json!({"type": "percent_off", "target": {"kind": "cart"}, "percent": "5"}),
            serde_json::json!({"type": "amount_off", "target": {"kind": "sku", "sku": "AUD-0001"}, "amount": {"amount": "499.99", "currency": "RUB"}}),
            serde_json::json!({"type": "buy_x_get_y", "target": {"kind": "category", "category": "cases"}, "buy": 3, "get": 1}),
            serde_json::json!({"type": "free_delivery"}),
            serde_json::json!({"type": "points_multiplier", "factor": "1.5"}),
            serde_json::json!({"type": "gift", "sku": "ACC-0002", "qty": 2}),
        ]
        .into_iter()
        .map(|json| serde_json::from_value(json).expect("an effect in the rule format"))
        .collect()
    }

    fn known_categories() -> Vec<CategoryId> {
        ["headphones", "smartphones", "cases"].into_iter().map(|c| CategoryId::parse(c).expect("a category id")).collect()
    }

    fn known_stores() -> Vec<StoreId> {
        vec![StoreId::parse("msk-tverskaya").expect("a store id")]
    }

    /// A draft filled in as a marketer would: the basics and a percentage off the cart.
    fn typed(percent: &str) -> RuleDraft {
        let mut draft = RuleDraft::default();
        draft.set_text(RuleText::Id, "black-friday".into());
        draft.set_text(RuleText::Name, "Чёрная пятница".into());
        draft.effect.set_text(EffectText::Percent, percent.into());
        draft
    }

    fn problem_at<'a>(problems: &'a Problems, pointer: &str) -> Option<&'a Key> {
        problems.iter().find(|(p, _)| p == pointer).map(|(_, key)| key)
    }

    #[test]
    fn a_draft_made_from_a_rule_turns_back_into_the_same_rule() {
        let original = every_condition();
        assert_eq!(RuleDraft::from_rule(&original).build(), Ok(original.clone()));
        for effect in every_effect() {
            let with_effect = Rule { effect, ..original.clone() };
            assert_eq!(RuleDraft::from_rule(&with_effect).build(), Ok(with_effect));
        }
    }

    #[test]
    fn a_rule_that_passes_the_servers_check_passes_the_consoles_and_is_sent_unchanged() {
        let original = every_condition();
        let (categories, stores) = (known_categories(), known_stores());
        let known = Known { categories: &categories, stores: &stores, skus: &|_| true };
        assert_eq!(offers::validate(&original, &known), Ok(()));
        assert_eq!(RuleDraft::from_rule(&original).checked(&known), Ok(original));
    }

    #[test]
    fn an_empty_draft_names_each_missing_field_at_its_pointer() {
        let problems = RuleDraft::default().build().expect_err("an empty draft is not a rule");
        assert_eq!(problem_at(&problems, "/id"), Some(&Key::ErrRequired));
        assert_eq!(problem_at(&problems, "/name"), Some(&Key::ErrRequired));
        assert_eq!(problem_at(&problems, "/effect/percent"), Some(&Key::ErrRequired));
        assert_eq!(problem_at(&problems, "/priority"), None, "an empty priority is 0");
    }

    #[test]
    fn a_percent_above_100_is_refused_at_the_field_before_sending() {
        let (categories, stores) = (known_categories(), known_stores());
        let known = Known { categories: &categories, stores: &stores, skus: &|_| true };
        let draft = typed("150");
        assert!(draft.build().is_ok(), "150 reads as a number: the form itself has nothing to say");
        let Err(Unsendable::Refused(error)) = draft.checked(&known) else { panic!("150 % must be refused before sending") };
        assert_eq!(error, RuleError { field: "/effect/percent".into(), problem: RuleProblem::PercentOff });
        // The same words the server's `invalid_rule` answer is shown with.
        assert_eq!(error_text(Locale::Ru, "invalid_rule", &error.params()), "Процент — больше 0 и не больше 100.");
        assert_eq!(typed("100").checked(&known).map(|r| r.id), Ok("black-friday".to_owned()));
    }

    #[test]
    fn a_refusal_carries_the_field_reason_and_values_the_server_sends() {
        let mut draft = typed("10");
        draft.add_condition(CondKind::SignedIn);
        draft.add_condition(CondKind::BoughtCategory);
        let key = draft.conditions[1].key;
        draft.condition_mut(key).expect("the condition just added").set_text(CondText::Category, "toasters".into());
        let categories = known_categories();
        let known = Known { categories: &categories, stores: &[], skus: &|_| true };
        let Err(Unsendable::Refused(error)) = draft.checked(&known) else { panic!("an unknown category must be refused") };
        let params = error.params();
        assert_eq!(params.get("field").map(ToString::to_string).as_deref(), Some("/conditions/1/category"));
        assert_eq!(params.get("reason").map(ToString::to_string).as_deref(), Some("unknown_category"));
        assert_eq!(params.get("category").map(ToString::to_string).as_deref(), Some("toasters"));
    }

    #[test]
    fn a_problem_in_a_condition_is_at_that_conditions_index() {
        let mut draft = typed("10");
        draft.add_condition(CondKind::SignedIn);
        draft.add_condition(CondKind::ContainsSku);
        let problems = draft.build().expect_err("the product is missing");
        assert_eq!(problems, vec![("/conditions/1/sku".to_owned(), Key::ErrRequired)]);
        let second = draft.conditions[1].key;
        draft.remove_condition(draft.conditions[0].key);
        assert_eq!(draft.condition_index(second), Some(0), "the row moves up when the one above goes");
        assert_eq!(draft.build().expect_err("still missing"), vec![("/conditions/0/sku".to_owned(), Key::ErrRequired)]);
    }

    #[test]
    fn amounts_are_read_with_spaces_and_a_decimal_comma() {
        let mut draft = typed("10");
        draft.set_text(RuleText::Budget, " 1 500,50 ".into());
        let rule = draft.build().expect("a complete draft");
        assert_eq!(rule.limits.budget, Some(Money::parse_rub("1500.50").expect("an amount")));
    }

    #[test]
    fn words_in_a_number_field_are_refused_as_not_a_whole_number() {
        let mut draft = typed("10");
        draft.set_text(RuleText::Priority, "high".into());
        draft.set_text(RuleText::Holdout, "101".into());
        let problems = draft.build().expect_err("neither reads");
        assert_eq!(problem_at(&problems, "/priority"), Some(&Key::AdminErrWholeNumber));
        assert_eq!(problem_at(&problems, "/holdout_percent"), Some(&Key::AdminErrPercent));
    }

    #[test]
    fn a_schedule_is_typed_in_its_own_offset_from_utc() {
        let mut draft = typed("10");
        draft.add_condition(CondKind::Schedule);
        let key = draft.conditions[0].key;
        let condition = draft.condition_mut(key).expect("the condition just added");
        condition.set_text(CondText::From, "2026-11-25T10:00".into());
        condition.set_text(CondText::FromTime, "09:30".into());
        let rule = draft.build().expect("a complete draft");
        let Condition::Schedule { from, from_minute, utc_offset_minutes, .. } = &rule.conditions[0] else { panic!("a schedule") };
        assert_eq!(from.map(|t| t.to_rfc3339()), Some("2026-11-25T07:00:00+00:00".to_owned()), "10:00 in Moscow is 07:00 UTC");
        assert_eq!((*from_minute, *utc_offset_minutes), (Some(570), DEFAULT_OFFSET_MINUTES));
        let back = RuleDraft::from_rule(&rule);
        let back_key = back.conditions[0].key;
        assert_eq!(back.condition(back_key).map(|c| c.text(CondText::From).to_owned()).as_deref(), Some("2026-11-25T10:00"));
    }

    #[test]
    fn a_time_past_midnight_is_refused() {
        let mut draft = typed("10");
        draft.add_condition(CondKind::Schedule);
        let key = draft.conditions[0].key;
        draft.condition_mut(key).expect("the condition just added").set_text(CondText::ToTime, "24:30".into());
        assert_eq!(draft.build().expect_err("no such time"), vec![("/conditions/0/to_minute".to_owned(), Key::AdminErrTime)]);
    }

    #[test]
    fn switching_a_conditions_kind_keeps_what_was_typed_for_the_other() {
        let mut draft = typed("10");
        draft.add_condition(CondKind::SubtotalAtLeast);
        let key = draft.conditions[0].key;
        let condition = draft.condition_mut(key).expect("the condition just added");
        condition.set_text(CondText::Amount, "3000".into());
        condition.kind = CondKind::ContainsSku;
        condition.kind = CondKind::SubtotalAtLeast;
        let rule = draft.build().expect("a complete draft");
        assert_eq!(rule.conditions, vec![Condition::SubtotalAtLeast { amount: Money::parse_rub("3000").expect("an amount") }]);
    }

    #[test]
    fn a_problem_inside_a_field_belongs_to_that_field_only() {
        assert!(pointer_within("/conditions/1/stores", "/conditions/1/stores"));
        assert!(pointer_within("/conditions/1/stores/0", "/conditions/1/stores"));
        assert!(!pointer_within("/conditions/10/stores", "/conditions/1"));
        assert!(!pointer_within("/effect", "/effect/percent"));
    }

    #[test]
    fn every_kind_reads_back_from_its_json_tag() {
        for kind in CondKind::ALL {
            assert_eq!(CondKind::from_value(kind.value()), Some(kind));
        }
        for kind in EffectKind::ALL {
            assert_eq!(EffectKind::from_value(kind.value()), Some(kind));
        }
        for kind in TargetKind::ALL {
            assert_eq!(TargetKind::from_value(kind.value()), Some(kind));
        }
    }
}
