//! Offer explanations in words: why a rule applied (what it gives) and why one did not, from the
//! engine's typed reasons, with categories and stores by name, weekdays, money and counts in the
//! viewer's language.

use super::{channel_name, format_distance, format_money, format_percent, plural_ru, points_count, tier_name, Locale, NBSP};
use crate::api::{CategoryInfo, StoreInfo};
use crate::offers::{AppliedReason, RejectedReason, Target};
use crate::{CategoryId, StoreId};

/// The names of what explanations refer to, as the viewer has them loaded. An id that is not
/// found is shown as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Names<'a> {
    pub categories: &'a [CategoryInfo],
    pub stores: &'a [StoreInfo],
}

impl Names<'_> {
    fn category(&self, locale: Locale, id: &CategoryId) -> String {
        match self.categories.iter().find(|c| &c.category.id == id) {
            Some(c) => super::category_name(locale, &c.category).to_owned(),
            None => id.to_string(),
        }
    }

    fn store(&self, id: &StoreId) -> String {
        self.stores.iter().find(|s| &s.id == id).map_or_else(|| id.to_string(), |s| s.name.clone())
    }
}

/// What a discount applies to: "на категорию «Наушники»" / "the Headphones category".
fn target_text(locale: Locale, target: &Target, names: &Names<'_>) -> String {
    match (locale, target) {
        (Locale::Ru, Target::Cart) => "на всю корзину".to_owned(),
        (Locale::Ru, Target::Sku { sku }) => format!("на товар {sku}"),
        (Locale::Ru, Target::Category { category }) => format!("на категорию «{}»", names.category(locale, category)),
        (Locale::En, Target::Cart) => "the whole cart".to_owned(),
        (Locale::En, Target::Sku { sku }) => sku.to_string(),
        (Locale::En, Target::Category { category }) => format!("the {} category", names.category(locale, category)),
    }
}

/// What an applied offer gives: "Скидка 10 % на категорию «Наушники»" / "10% off the Headphones category".
pub fn applied_text(locale: Locale, reason: &AppliedReason, names: &Names<'_>) -> String {
    match (locale, reason) {
        (Locale::Ru, AppliedReason::PercentOff { percent, target }) => {
            format!("Скидка {} {}", format_percent(locale, percent), target_text(locale, target, names))
        }
        (Locale::En, AppliedReason::PercentOff { percent, target }) => {
            format!("{} off {}", format_percent(locale, percent), target_text(locale, target, names))
        }
        (Locale::Ru, AppliedReason::AmountOff { amount, target }) => {
            format!("Скидка {} {}", format_money(locale, amount), target_text(locale, target, names))
        }
        (Locale::En, AppliedReason::AmountOff { amount, target }) => {
            format!("{} off {}", format_money(locale, amount), target_text(locale, target, names))
        }
        (Locale::Ru, AppliedReason::BuyXGetY { buy, get, target }) => {
            format!("{buy} + {get} в подарок {}", target_text(locale, target, names))
        }
        (Locale::En, AppliedReason::BuyXGetY { buy, get, target }) => {
            format!("Buy {buy}, get {get} free on {}", target_text(locale, target, names))
        }
        (Locale::Ru, AppliedReason::FreeDelivery) => "Бесплатная доставка".to_owned(),
        (Locale::En, AppliedReason::FreeDelivery) => "Free delivery".to_owned(),
        (Locale::Ru, AppliedReason::PointsMultiplier { factor }) => format!("Баллы ×{}", super::format_decimal(locale, factor)),
        (Locale::En, AppliedReason::PointsMultiplier { factor }) => format!("×{} points", super::format_decimal(locale, factor)),
        (Locale::Ru, AppliedReason::Gift { sku, qty }) => format!("В подарок: {sku}, {qty}{NBSP}шт."),
        (Locale::En, AppliedReason::Gift { sku, qty }) => format!("Gift: {qty} × {sku}"),
    }
}

/// An A/B group of a shopper: `test` gets the offer, `control` does not; anything else as sent.
pub fn ab_group_name(locale: Locale, group: &str) -> String {
    match (locale, group) {
        (Locale::Ru, "test") => "тестовая группа".to_owned(),
        (Locale::Ru, "control") => "контрольная группа".to_owned(),
        (Locale::En, "test") => "test group".to_owned(),
        (Locale::En, "control") => "control group".to_owned(),
        (_, other) => other.to_owned(),
    }
}

/// "в среду" / "Wednesday", 1 = Monday … 7 = Sunday.
fn on_weekday(locale: Locale, day: u8) -> String {
    const RU: [&str; 7] = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"];
    const EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let names = match locale {
        Locale::Ru => RU,
        Locale::En => EN,
    };
    match day.checked_sub(1).and_then(|i| names.get(usize::from(i))) {
        Some(name) => (*name).to_owned(),
        None => match locale {
            Locale::Ru => format!("в день {day}"),
            Locale::En => format!("day {day}"),
        },
    }
}

/// "09:00" from minutes after midnight.
fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// "за 30 дней" / "in 30 days".
fn in_days(locale: Locale, days: u32) -> String {
    match locale {
        Locale::Ru => format!("за {days}{NBSP}{}", plural_ru(days, "день", "дня", "дней")),
        Locale::En => format!("in {days} {}", if days == 1 { "day" } else { "days" }),
    }
}

/// "3 заказа" / "3 orders".
fn orders_count(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("{n}{NBSP}{}", plural_ru(n, "заказ", "заказа", "заказов")),
        Locale::En => format!("{n} {}", if n == 1 { "order" } else { "orders" }),
    }
}

/// Why an offer did not apply: "не действует в среду" / "not on Wednesday".
pub fn rejected_text(locale: Locale, reason: &RejectedReason, names: &Names<'_>) -> String {
    use RejectedReason as R;
    let ru = locale == Locale::Ru;
    let pick = |ru_text: &str, en_text: &str| if ru { ru_text.to_owned() } else { en_text.to_owned() };
    match reason {
        R::Disabled => pick("правило выключено", "the rule is switched off"),
        R::NotStarted => pick("акция ещё не началась", "the offer has not started yet"),
        R::Ended => pick("акция закончилась", "the offer has ended"),
        R::OutsideCalendar => pick("эта дата вне календаря", "the moment is outside the calendar"),
        R::NotOnWeekday { weekday } => {
            if ru {
                format!("не действует {}", on_weekday(locale, *weekday))
            } else {
                format!("not on {}", on_weekday(locale, *weekday))
            }
        }
        R::OnlyBetween { from_minute, to_minute } => {
            let (from, to) = (clock(*from_minute), clock(*to_minute));
            if ru {
                format!("только с {from} до {to}")
            } else {
                format!("only between {from} and {to}")
            }
        }
        R::NotForChannel { channel } => {
            let name = channel_name(locale, *channel);
            if ru {
                format!("не для канала «{name}»")
            } else {
                format!("not for the {name} channel")
            }
        }
        R::NotAtStore { store } => {
            let name = names.store(store);
            if ru {
                format!("не действует в магазине «{name}»")
            } else {
                format!("not at the {name} store")
            }
        }
        R::OnlyInStores => pick("только в выбранных магазинах", "only in selected stores"),
        R::TooFar { radius_m } => {
            let distance = format_distance(locale, *radius_m);
            if ru {
                format!("только в радиусе {distance} от места акции")
            } else {
                format!("only within {distance} of the offer's place")
            }
        }
        R::NotForTier { tier } => {
            let name = tier_name(locale, *tier);
            if ru {
                format!("не для уровня «{name}»")
            } else {
                format!("not for the {name} tier")
            }
        }
        R::NotEnoughPoints { needs, has } => {
            let (needs, has) = (points_count(locale, *needs), points_count(locale, *has));
            if ru {
                format!("нужно {needs}, у покупателя {has}")
            } else {
                format!("needs {needs}, has {has}")
            }
        }
        R::NotEnoughSpend { spent, needs, days } => {
            let (spent, needs, window) = (format_money(locale, spent), format_money(locale, needs), in_days(locale, *days));
            if ru {
                format!("покупки на {spent} {window}, нужно на {needs}")
            } else {
                format!("spent {spent} {window}, needs {needs}")
            }
        }
        R::OrderCount { orders, min, max, days } => {
            let (count, window) = (orders_count(locale, *orders), in_days(locale, *days));
            match (locale, max) {
                (Locale::Ru, Some(max)) => format!("{count} {window}, нужно от {min} до {max}"),
                (Locale::Ru, None) => format!("{count} {window}, нужно не меньше {min}"),
                (Locale::En, Some(max)) => format!("{count} {window}, needs {min} to {max}"),
                (Locale::En, None) => format!("{count} {window}, needs at least {min}"),
            }
        }
        R::NotBoughtCategory { category, days } => {
            let (name, window) = (names.category(locale, category), in_days(locale, *days));
            if ru {
                format!("нет покупок в категории «{name}» {window}")
            } else {
                format!("no purchase in the {name} category {window}")
            }
        }
        R::OnlyFirstOrder => pick("только на первый заказ", "only for a first order"),
        R::OnlyReturning => pick("только для тех, кто уже покупал", "only for returning customers"),
        R::OnlySignedIn => pick("только для вошедших в аккаунт", "only for signed-in customers"),
        R::OnlyGuests => pick("только для гостей", "only for guests"),
        R::SubtotalBelow { subtotal, needs } => {
            let (subtotal, needs) = (format_money(locale, subtotal), format_money(locale, needs));
            if ru {
                format!("в корзине на {subtotal}, нужно от {needs}")
            } else {
                format!("the cart is {subtotal}, needs {needs}")
            }
        }
        R::NeedsSku { sku, min_qty, has } => {
            if ru {
                format!("нужно {min_qty}{NBSP}шт. {sku} в корзине, сейчас {has}")
            } else {
                format!("needs {min_qty} × {sku} in the cart, has {has}")
            }
        }
        R::NeedsCategory { category, min_qty, has } => {
            let name = names.category(locale, category);
            if ru {
                format!("нужно {min_qty}{NBSP}шт. из категории «{name}» в корзине, сейчас {has}")
            } else {
                let items = if *min_qty == 1 { "item" } else { "items" };
                format!("needs {min_qty} {items} from the {name} category in the cart, has {has}")
            }
        }
        R::ControlGroup { percent } => {
            if ru {
                format!("покупатель в контрольной группе ({percent}{NBSP}%) сплит-теста")
            } else {
                format!("in the {percent}% control group of this A/B test")
            }
        }
        R::PerCustomerUsed => {
            pick("покупатель уже использовал акцию столько раз, сколько можно", "already used as many times as allowed per customer")
        }
        R::AllUsesTaken => pick("все использования акции исчерпаны", "all uses of this offer are taken"),
        R::OutdoneInGroup { group, winner_name, .. } => {
            if ru {
                format!("«{winner_name}» выгоднее в группе «{group}»")
            } else {
                format!("“{winner_name}” gives more in the exclusive group “{group}”")
            }
        }
        R::BudgetSpent => pick("бюджет акции исчерпан", "the offer's budget is spent"),
        R::NothingInCart => pick("в корзине нет товаров для этой акции", "nothing in the cart for this offer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Channel;
    use crate::catalog::Category;
    use crate::offers::Tier;
    use crate::{Money, Sku};
    use rust_decimal::Decimal;

    fn categories() -> Vec<CategoryInfo> {
        let category = Category {
            id: CategoryId::parse("headphones").unwrap(),
            name_ru: "Наушники".into(),
            name_en: "Headphones".into(),
            image: String::new(),
        };
        vec![CategoryInfo { category, parent: None, product_count: 3 }]
    }

    fn stores() -> Vec<StoreInfo> {
        crate::demo::stores().into_iter().map(StoreInfo::from).collect()
    }

    fn rub(s: &str) -> Money {
        Money::parse_rub(s).unwrap()
    }

    /// One of every reason; a new variant fails to compile in the match below until it is added.
    fn every_rejected_reason() -> Vec<RejectedReason> {
        use RejectedReason as R;
        let headphones = CategoryId::parse("headphones").unwrap();
        let store = stores()[0].id.clone();
        let all = vec![
            R::Disabled,
            R::NotStarted,
            R::Ended,
            R::OutsideCalendar,
            R::NotOnWeekday { weekday: 3 },
            R::OnlyBetween { from_minute: 9 * 60, to_minute: 18 * 60 },
            R::NotForChannel { channel: Channel::Web },
            R::NotAtStore { store },
            R::OnlyInStores,
            R::TooFar { radius_m: 1500 },
            R::NotForTier { tier: Tier::Basic },
            R::NotEnoughPoints { needs: 500, has: 21 },
            R::NotEnoughSpend { spent: rub("1000"), needs: rub("5000"), days: 30 },
            R::OrderCount { orders: 3, min: 1, max: Some(2), days: 30 },
            R::OrderCount { orders: 0, min: 1, max: None, days: 1 },
            R::NotBoughtCategory { category: headphones.clone(), days: 60 },
            R::OnlyFirstOrder,
            R::OnlyReturning,
            R::OnlySignedIn,
            R::OnlyGuests,
            R::SubtotalBelow { subtotal: rub("3000"), needs: rub("100000") },
            R::NeedsSku { sku: Sku::parse("AUD-0001").unwrap(), min_qty: 2, has: 0 },
            R::NeedsCategory { category: headphones, min_qty: 2, has: 1 },
            R::ControlGroup { percent: 20 },
            R::PerCustomerUsed,
            R::AllUsesTaken,
            R::OutdoneInGroup { group: "приветствие".into(), winner: "a-5pct".into(), winner_name: "Скидка 5 %".into() },
            R::BudgetSpent,
            R::NothingInCart,
        ];
        for r in &all {
            match r {
                R::Disabled
                | R::NotStarted
                | R::Ended
                | R::OutsideCalendar
                | R::NotOnWeekday { .. }
                | R::OnlyBetween { .. }
                | R::NotForChannel { .. }
                | R::NotAtStore { .. }
                | R::OnlyInStores
                | R::TooFar { .. }
                | R::NotForTier { .. }
                | R::NotEnoughPoints { .. }
                | R::NotEnoughSpend { .. }
                | R::OrderCount { .. }
                | R::NotBoughtCategory { .. }
                | R::OnlyFirstOrder
                | R::OnlyReturning
                | R::OnlySignedIn
                | R::OnlyGuests
                | R::SubtotalBelow { .. }
                | R::NeedsSku { .. }
                | R::NeedsCategory { .. }
                | R::ControlGroup { .. }
                | R::PerCustomerUsed
                | R::AllUsesTaken
                | R::OutdoneInGroup { .. }
                | R::BudgetSpent
                | R::NothingInCart => {}
            }
        }
        all
    }

    fn every_applied_reason() -> Vec<AppliedReason> {
        use AppliedReason as A;
        let headphones = Target::Category { category: CategoryId::parse("headphones").unwrap() };
        let sku = Sku::parse("AUD-0001").unwrap();
        let all = vec![
            A::PercentOff { percent: Decimal::from(15), target: headphones.clone() },
            A::PercentOff { percent: Decimal::new(125, 1), target: Target::Cart },
            A::AmountOff { amount: rub("500"), target: Target::Sku { sku: sku.clone() } },
            A::BuyXGetY { buy: 2, get: 1, target: headphones },
            A::FreeDelivery,
            A::PointsMultiplier { factor: Decimal::from(2) },
            A::Gift { sku, qty: 1 },
        ];
        for a in &all {
            match a {
                A::PercentOff { .. }
                | A::AmountOff { .. }
                | A::BuyXGetY { .. }
                | A::FreeDelivery
                | A::PointsMultiplier { .. }
                | A::Gift { .. } => {}
            }
        }
        all
    }

    /// The text with the product codes and the rule names the marketer typed taken out.
    fn without_names(text: &str) -> String {
        text.replace("AUD-0001", "")
    }

    #[test]
    fn every_offer_explanation_reads_in_russian_without_latin_words() {
        let (categories, stores) = (categories(), stores());
        let names = Names { categories: &categories, stores: &stores };
        for reason in every_rejected_reason() {
            let text = rejected_text(Locale::Ru, &reason, &names);
            assert!(!without_names(&text).chars().any(|c| c.is_ascii_alphabetic()), "{reason:?}: {text}");
            assert_ne!(text, rejected_text(Locale::En, &reason, &names), "{reason:?} is not translated");
        }
        for reason in every_applied_reason() {
            let text = applied_text(Locale::Ru, &reason, &names);
            assert!(!without_names(&text).chars().any(|c| c.is_ascii_alphabetic()), "{reason:?}: {text}");
            assert_ne!(text, applied_text(Locale::En, &reason, &names), "{reason:?} is not translated");
        }
    }

    #[test]
    fn explanations_name_categories_weekdays_and_channels_in_the_viewers_language() {
        let categories = categories();
        let names = Names { categories: &categories, stores: &[] };
        let fifteen = AppliedReason::PercentOff {
            percent: Decimal::from(15),
            target: Target::Category { category: CategoryId::parse("headphones").unwrap() },
        };
        assert_eq!(applied_text(Locale::Ru, &fifteen, &names), "Скидка 15\u{a0}% на категорию «Наушники»");
        assert_eq!(applied_text(Locale::En, &fifteen, &names), "15% off the Headphones category");
        let wednesday = RejectedReason::NotOnWeekday { weekday: 3 };
        assert_eq!(rejected_text(Locale::Ru, &wednesday, &names), "не действует в среду");
        assert_eq!(rejected_text(Locale::En, &wednesday, &names), "not on Wednesday");
        let web = RejectedReason::NotForChannel { channel: Channel::Web };
        assert_eq!(rejected_text(Locale::Ru, &web, &names), "не для канала «Сайт»");
        assert_eq!(rejected_text(Locale::En, &web, &names), "not for the Website channel");
        let spend = RejectedReason::SubtotalBelow { subtotal: rub("3000"), needs: rub("100000") };
        assert_eq!(rejected_text(Locale::Ru, &spend, &names), "в корзине на 3\u{a0}000\u{a0}₽, нужно от 100\u{a0}000\u{a0}₽");
    }

    #[test]
    fn ab_groups_are_named_in_the_viewers_language() {
        assert_eq!(ab_group_name(Locale::Ru, "control"), "контрольная группа");
        assert_eq!(ab_group_name(Locale::En, "test"), "test group");
    }

    #[test]
    fn an_unknown_category_or_store_is_shown_by_its_id() {
        let names = Names::default();
        let reason = RejectedReason::NotBoughtCategory { category: CategoryId::parse("drones").unwrap(), days: 1 };
        assert_eq!(rejected_text(Locale::Ru, &reason, &names), "нет покупок в категории «drones» за 1\u{a0}день");
    }
}
