//! The rule editor's form as plain data: every field as typed, how the form becomes a
//! [`Rule`] (or the problems that stop it, each at the JSON pointer of its field), and how a stored
//! rule fills the form. No views here; `editor.rs` renders it.
//!
//! Dates of a schedule are typed in the condition's own offset from UTC (Moscow, +03:00, unless
//! changed), the same offset its weekdays and hours are evaluated in.

use crate::i18n::Key;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use vitrina_shared::account::Channel;
use vitrina_shared::offers::{Condition, Effect, Limits, Rule, Stacking, Target, Tier, RULE_FORMAT};
use vitrina_shared::{CategoryId, GeoPoint, Money, Sku, StoreId};

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
pub struct CondForm {
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

impl CondForm {
    pub fn new(key: u64, kind: CondKind) -> Self {
        let mut form = CondForm {
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
        let mut form = CondForm::new(key, CondKind::of(condition));
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
pub struct EffectForm {
    pub kind: EffectKind,
    pub target: TargetKind,
    texts: [String; EffectText::COUNT],
}

impl Default for EffectForm {
    fn default() -> Self {
        let mut form = EffectForm { kind: EffectKind::PercentOff, target: TargetKind::Cart, texts: Default::default() };
        form.texts[EffectText::Buy as usize] = "2".into();
        form.texts[EffectText::Get as usize] = "1".into();
        form.texts[EffectText::Factor as usize] = "2".into();
        form.texts[EffectText::GiftQty as usize] = "1".into();
        form
    }
}

impl EffectForm {
    pub fn text(&self, field: EffectText) -> &str {
        &self.texts[field as usize]
    }

    pub fn set_text(&mut self, field: EffectText, value: String) {
        self.texts[field as usize] = value;
    }

    fn from_effect(effect: &Effect) -> Self {
        fn target_of(form: &mut EffectForm, target: &Target) {
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
        let mut form = EffectForm::default();
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
pub struct RuleForm {
    texts: [String; RuleText::COUNT],
    pub enabled: bool,
    pub exclusive: bool,
    pub conditions: Vec<CondForm>,
    pub effect: EffectForm,
    next_key: u64,
    format: u32,
}

impl Default for RuleForm {
    fn default() -> Self {
        let mut form = RuleForm {
            texts: Default::default(),
            enabled: true,
            exclusive: false,
            conditions: Vec::new(),
            effect: EffectForm::default(),
            next_key: 0,
            format: RULE_FORMAT,
        };
        form.texts[RuleText::Priority as usize] = "0".into();
        form.texts[RuleText::Holdout as usize] = "0".into();
        form
    }
}

impl RuleForm {
    pub fn from_rule(rule: &Rule) -> Self {
        let mut form = RuleForm::default();
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
        form.effect = EffectForm::from_effect(&rule.effect);
        for condition in &rule.conditions {
            let key = form.take_key();
            form.conditions.push(CondForm::from_condition(key, condition));
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
        self.conditions.push(CondForm::new(key, kind));
    }

    pub fn remove_condition(&mut self, key: u64) {
        self.conditions.retain(|c| c.key != key);
    }

    pub fn condition(&self, key: u64) -> Option<&CondForm> {
        self.conditions.iter().find(|c| c.key == key)
    }

    pub fn condition_mut(&mut self, key: u64) -> Option<&mut CondForm> {
        self.conditions.iter_mut().find(|c| c.key == key)
    }

    /// The index of the condition `key` (its place in the rule's JSON).
    pub fn condition_index(&self, key: u64) -> Option<usize> {
        self.conditions.iter().position(|c| c.key == key)
    }

    /// The offset a schedule condition's dates are typed in.
    pub fn condition_offset(&self, key: u64) -> i32 {
        self.condition(key).map_or(DEFAULT_OFFSET_MINUTES, CondForm::offset)
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
}

/// Whether the problem at `pointer` (the server's or the form's) belongs to the field at `field`:
/// the same pointer, or one inside it (`/conditions/1/stores/0` is about `/conditions/1/stores`).
pub fn pointer_within(pointer: &str, field: &str) -> bool {
    pointer == field || pointer.strip_prefix(field).is_some_and(|rest| rest.starts_with('/'))
}
