//! Push notification texts in the subscriber's language.

use super::Locale;
use crate::push::PushText;

/// The title and body of a notification in `locale`. A campaign is sent as the marketer wrote it.
pub fn push_text(locale: Locale, text: &PushText) -> (String, String) {
    match (locale, text) {
        (Locale::Ru, PushText::OrderReady { order, store }) => {
            ("Заказ готов к выдаче".into(), format!("Заказ {order} ждёт вас в магазине «{store}»."))
        }
        (Locale::En, PushText::OrderReady { order, store }) => {
            ("Your order is ready for pickup".into(), format!("Order {order} is waiting for you at {store}."))
        }
        (Locale::Ru, PushText::NpsQuestion) => {
            ("Как вам покупка?".into(), "Оцените, насколько вероятно, что вы порекомендуете нас друзьям — это займёт 10 секунд.".into())
        }
        (Locale::En, PushText::NpsQuestion) => {
            ("How was your purchase?".into(), "How likely are you to recommend us to a friend? It takes 10 seconds.".into())
        }
        (Locale::Ru, PushText::BackInStock { product, store }) => {
            ("Снова в наличии".into(), format!("{product} снова есть в магазине «{store}»."))
        }
        (Locale::En, PushText::BackInStock { product, store }) => {
            ("Back in stock".into(), format!("{product} is back in stock at {store}."))
        }
        (Locale::Ru, PushText::CartReminder) => {
            ("Товары ждут в корзине".into(), "Вы оставили товары в корзине — они ещё в наличии. Оформим заказ?".into())
        }
        (Locale::En, PushText::CartReminder) => {
            ("Your cart is waiting".into(), "You left items in your cart — they are still in stock. Shall we place the order?".into())
        }
        (_, PushText::Campaign { title, body }) => (title.clone(), body.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_text() -> Vec<PushText> {
        let all = vec![
            PushText::OrderReady { order: "O-7K2M9".into(), store: "Тверская".into() },
            PushText::NpsQuestion,
            PushText::BackInStock { product: "Наушники Sony WH-1000XM5".into(), store: "Тверская".into() },
            PushText::CartReminder,
        ];
        for t in &all {
            // A new kind of notification fails to compile here until it is added above.
            match t {
                PushText::OrderReady { .. } | PushText::NpsQuestion | PushText::BackInStock { .. } | PushText::CartReminder => {}
                PushText::Campaign { .. } => unreachable!("a campaign is sent as written"),
            }
        }
        all
    }

    #[test]
    fn every_notification_has_a_russian_and_an_english_text() {
        for text in every_text() {
            let (ru_title, ru_body) = push_text(Locale::Ru, &text);
            let (en_title, en_body) = push_text(Locale::En, &text);
            let latin = |s: &str| s.replace("O-7K2M9", "").replace("Sony WH-1000XM5", "").chars().any(|c| c.is_ascii_alphabetic());
            assert!(!latin(&ru_title) && !latin(&ru_body), "{text:?}: {ru_title} / {ru_body}");
            assert!(en_title.is_ascii() && en_title != ru_title && en_body != ru_body, "{text:?}");
        }
    }

    #[test]
    fn a_campaign_is_sent_as_the_marketer_wrote_it() {
        let campaign = PushText::Campaign { title: "Распродажа".into(), body: "Только сегодня".into() };
        assert_eq!(push_text(Locale::En, &campaign), ("Распродажа".to_owned(), "Только сегодня".to_owned()));
    }
}
