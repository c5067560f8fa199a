//! Error codes in words: every code the edge answers (and the few the app makes itself) has a
//! Russian and an English text here, filled in from the error's `params`. The app shows these and
//! never the server's English `message`.
//!
//! A text is a template: `{name}` is the parameter `name`; a part in `[…]` is left out when a
//! parameter in it is missing, so a text never shows a hole. An error whose `reason` parameter
//! names a more precise case (`invalid_rule` with `reason: "percent_off"`) uses the text of
//! `code.reason` when there is one.

use super::Locale;
use crate::api::ErrorParams;

/// One error code's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorText {
    /// The code, or `code.reason` for a more precise case of it.
    pub code: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

const fn e(code: &'static str, ru: &'static str, en: &'static str) -> ErrorText {
    ErrorText { code, ru, en }
}

/// The texts of what writing a cart line can come to (`PUT /api/cart/lines/…`): the storefront's
/// islands word these themselves ([`CART_WRITE_ERRORS`]) and carry no other error text, so the
/// whole table stays out of the first page load. Each is in [`ERROR_TEXTS`] too.
const CART_CONFLICT: ErrorText = e(
    "cart_conflict",
    "Корзина изменилась на другом устройстве. Проверьте её и попробуйте ещё раз.",
    "The cart changed on another device. Check it and try again.",
);
const CART_FULL: ErrorText =
    e("cart_full", "В корзине уже максимум разных товаров[ ({max})].", "The cart already holds the most different products[ ({max})].");
const CHECKOUT_IN_PROGRESS: ErrorText = e(
    "checkout_in_progress",
    "Эту корзину уже оплачивают на другом устройстве или в другой вкладке. Дождитесь окончания оплаты.",
    "This cart is already being paid for on another device or in another tab. Wait for that payment to finish.",
);
const INSUFFICIENT_STOCK: ErrorText = e(
    "insufficient_stock",
    "Товара[ {sku}] не хватает[ (осталось {left} шт.)]. Измените количество или магазин.",
    "Not enough[ {sku}] in stock[ ({left} left)]. Change the quantity or the store.",
);
const LINE_QUANTITY_TOO_LARGE: ErrorText = e(
    "line_quantity_too_large",
    "Слишком много[ {sku}] в одной позиции[ (не больше {max} шт.)].",
    "Too many[ {sku}] in one line[ (at most {max})].",
);
const NEGATIVE_QUANTITY: ErrorText = e("negative_quantity", "Количество указано неверно[: {sku}].", "The quantity is not valid[: {sku}].");
const STORAGE_UNAVAILABLE: ErrorText = e(
    "storage_unavailable",
    "Магазин временно недоступен. Попробуйте через минуту.",
    "The store is temporarily unavailable. Please try again in a moment.",
);
const TOO_MANY_REQUESTS: ErrorText = e(
    "too_many_requests",
    "Слишком много попыток[ — попробуйте через {retry_after} с].",
    "Too many attempts[ — try again in {retry_after} s].",
);
const UNKNOWN_SKU: ErrorText = e("unknown_sku", "Товар[ {sku}] не найден.", "Product[ {sku}] not found.");

/// What writing a cart line can come to, in words (a subset of [`ERROR_TEXTS`]).
pub const CART_WRITE_ERRORS: &[ErrorText] = &[
    CART_CONFLICT,
    CART_FULL,
    CHECKOUT_IN_PROGRESS,
    INSUFFICIENT_STOCK,
    LINE_QUANTITY_TOO_LARGE,
    NEGATIVE_QUANTITY,
    STORAGE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    UNKNOWN_SKU,
];

/// Every error code with its texts, in alphabetical order.
pub const ERROR_TEXTS: &[ErrorText] = &[
    e("already_received", "Возврат[ {return}] уже принят.", "Return[ {return}] was already received."),
    e("already_returned", "Товар[ {sku}] из этого заказа уже возвращён.", "This product[ ({sku})] from the order was already returned."),
    e("bad_credentials", "Неверная почта или пароль.", "Wrong e-mail or password."),
    e("cart_busy", "Корзина менялась во время входа. Попробуйте ещё раз.", "The cart kept changing during sign-in. Please try again."),
    CART_CONFLICT,
    e("cart_empty", "Корзина пуста — сначала добавьте товар.", "The cart is empty — add something first."),
    CART_FULL,
    e(
        "category_changed",
        "Категорию[ {category}] изменил кто-то другой — загрузите её заново.",
        "Category[ {category}] was changed by someone else — reload it.",
    ),
    e("category_exists", "Категория[ {category}] уже есть.", "Category[ {category}] already exists."),
    CHECKOUT_IN_PROGRESS,
    e("decode_error", "Не удалось прочитать ответ сервера.", "The server's answer could not be read."),
    e("duplicate_sku", "Товар[ {sku}] указан дважды.", "The product[ {sku}] appears twice."),
    e("email_taken", "Аккаунт с этой почтой уже есть — войдите.", "An account with this e-mail exists — sign in instead."),
    e("empty_cart", "В корзине нет товаров, передавать нечего.", "There is nothing in the cart to hand off."),
    e("empty_file", "Файл[ {name}] пустой.", "The file[ {name}] is empty."),
    e(
        "enrolment_code_expired",
        "Срок действия кода подключения истёк. Получите новый у сотрудника магазина.",
        "This enrolment code has expired. Ask the store's staff for a new one.",
    ),
    e("enrolment_code_used", "Этот код подключения уже использован.", "This enrolment code has already been used."),
    e("file_not_in_format", "Файл[ {name}] — для другого вида импорта.", "The file[ {name}] belongs to another kind of import."),
    e("forbidden", "Для этого действия не хватает прав.", "You are not allowed to do this."),
    e(
        "handoff_empty",
        "Корзина по этому коду уже пуста — попросите новый код.",
        "The cart behind this code is empty now — ask for a new code.",
    ),
    e("handoff_expired", "Срок действия кода истёк — попросите новый.", "This code has expired — ask for a new one."),
    e("handoff_used", "Этот код уже использован.", "This code has already been used."),
    e(
        "idempotency_key_required",
        "В запросе не хватает служебного ключа. Обновите страницу и попробуйте ещё раз.",
        "The request has no Idempotency-Key. Reload the page and try again.",
    ),
    e(
        "idempotency_key_reused",
        "Этот запрос уже отправляли с другими данными. Обновите страницу и оформите заказ заново.",
        "This Idempotency-Key was used with a different request. Reload the page and place the order again.",
    ),
    e("import_has_no_files", "Сначала загрузите файлы импорта.", "Upload the import's files first."),
    e(
        "import_started",
        "Импорт уже запущен[ ({status})] — файлы можно добавлять только до запуска.",
        "The import has started[ ({status})]; files can only be added before it starts.",
    ),
    INSUFFICIENT_STOCK,
    e("invalid_address", "Проверьте адрес доставки.", "Check the delivery address."),
    e("invalid_amount", "Сумма указана неверно.", "The amount is not valid."),
    e("invalid_body", "Запрос не прошёл проверку.", "The request body is not valid."),
    e("invalid_body.too_long", "Текст слишком длинный[: не больше {max} символов].", "The text is too long[: at most {max} characters]."),
    e("invalid_card", "Проверьте номер карты.", "Check the card number."),
    e("invalid_card_number", "Номер карты лояльности — 13 цифр.", "A loyalty card number has 13 digits."),
    e("invalid_category", "Категория[ «{category}»] не найдена.", "Category[ “{category}”] not found."),
    e("invalid_category_data", "Проверьте поле категории[ {field}].", "Check the category field[ {field}]."),
    e("invalid_contact", "Проверьте контактные данные.", "Check the contact details."),
    e(
        "invalid_coordinates",
        "Широта — от −90 до 90, долгота — от −180 до 180, и нужны обе.",
        "Latitude is −90 to 90 and longitude −180 to 180, and both are needed.",
    ),
    e("invalid_customer", "Укажите покупателя: номер карты, телефон или почту.", "Name the customer by card, phone or e-mail."),
    e("invalid_date", "Дата указана неверно.", "The date is not valid."),
    e("invalid_email", "Проверьте адрес электронной почты.", "Check the e-mail address."),
    e(
        "invalid_email.invisible",
        "В адресе почты есть невидимый символ[ ({char})]. Наберите адрес заново, а не вставляйте его.",
        "The e-mail address contains an invisible character[ ({char})]. Type the address again instead of pasting it.",
    ),
    e(
        "invalid_email.look_alike",
        "В адресе почты есть буквы, которые только похожи на латинские[ ({letters})]. Наберите их обычными латинскими буквами.",
        "The e-mail address uses letters that only look like plain Latin ones[ ({letters})]. Type them as plain Latin letters.",
    ),
    e(
        "invalid_email.mixed_scripts",
        "В адресе почты смешаны буквы разных алфавитов. Напишите его буквами одного алфавита.",
        "The e-mail address mixes letters of different alphabets. Write it in one alphabet.",
    ),
    e(
        "invalid_endpoint",
        "Браузер передал неподходящий адрес подписки на уведомления.",
        "The browser gave a push endpoint that cannot be used.",
    ),
    e("invalid_file_name", "Имя файла[ {name}] не подходит для этого формата импорта.", "The file name[ {name}] does not suit this import's format."),
    e(
        "invalid_handoff_code",
        "Код — 6 букв и цифр, как на другом экране.",
        "A hand-off code is 6 letters and digits, as shown on the other screen.",
    ),
    e("invalid_id", "Неверный номер уведомления.", "Not a valid notification id."),
    e(
        "invalid_idempotency_key",
        "Служебный ключ запроса неверен. Обновите страницу и попробуйте ещё раз.",
        "The Idempotency-Key is not valid. Reload the page and try again.",
    ),
    e("invalid_if_match", "В запросе неверная версия. Обновите страницу.", "The If-Match version is not valid. Reload the page."),
    e("invalid_import", "Такой формат импорта не поддерживается.", "The import format is csv, jsonl or commerceml."),
    e("invalid_keys", "Браузер передал неподходящие ключи подписки.", "The browser gave subscription keys that cannot be used."),
    e("invalid_limit", "Можно показать от 1 до 1000 магазинов.", "List between 1 and 1,000 stores."),
    e("invalid_lines", "Неверное число позиций[: не больше {max}].", "Wrong number of lines[: at most {max}]."),
    e("invalid_multipart", "Файл не получен: отправьте форму с файлом фотографии.", "No file received: send a multipart form with the photo in its `file` part."),
    e("invalid_name", "Проверьте имя[: не больше {max} символов].", "Check the name[: at most {max} characters]."),
    e("invalid_page", "Такой страницы нет[: их не больше {max}].", "There is no such page[: at most {max}]."),
    e("invalid_path", "Адрес запроса указан неверно.", "The address of the request is not valid."),
    e("invalid_payment", "Оплата — картой или наличными.", "Payment is by card or in cash."),
    e(
        "invalid_period",
        "Неверный период: начало не позже конца, не больше 366 дней.",
        "Not a valid period: the start on or before the end, at most 366 days.",
    ),
    e("invalid_phone", "Укажите российский номер, например +7 912 345-67-89.", "Enter a Russian phone number, e.g. +7 912 345-67-89."),
    e(
        "invalid_points",
        "Начисление — от −100 000 до 100 000 баллов, но не 0.",
        "An adjustment is between −100,000 and 100,000 points, not 0.",
    ),
    e("invalid_product", "Проверьте поле[ {field}].", "Check the field[ {field}]."),
    e("invalid_profile", "Проверьте имя и телефон.", "Check the name and the phone number."),
    e("invalid_query", "Параметры запроса указаны неверно.", "The query parameters are not valid."),
    e("invalid_rating", "Оценка — от 1 до 5 звёзд.", "A rating is 1 to 5 stars."),
    e("invalid_reason", "Текст слишком длинный[: не больше {max} символов].", "The text is too long[: at most {max} characters]."),
    e("invalid_receipt_id", "Номер чека — от 1 до 64 знаков без пробелов.", "A receipt id is 1 to 64 visible ASCII characters."),
    e("invalid_request", "Запрос не удалось отправить.", "The request could not be sent."),
    e("invalid_rule", "Правило не сохранено: проверьте это поле.", "The rule was not saved: check this field."),
    e("invalid_rule.at_least_one", "Не меньше 1.", "At least 1."),
    e("invalid_rule.coordinates", "Широта от −90 до 90, долгота от −180 до 180.", "Latitude −90 to 90, longitude −180 to 180."),
    e("invalid_rule.days", "Период — от 1 до 3650 дней.", "A window of 1 to 3650 days."),
    e("invalid_rule.end_before_start", "Конец должен быть позже начала.", "The end must be after the start."),
    e("invalid_rule.id_changed", "Идентификатор правила менять нельзя[: он «{id}»].", "The rule's id cannot change[: it is “{id}”]."),
    e(
        "invalid_rule.id_format",
        "Идентификатор — 2–40 символов: латинские строчные буквы, цифры и «-».",
        "Use 2–40 characters a–z, 0–9 and '-'.",
    ),
    e("invalid_rule.length", "Нужно[ от {min} до {max}] символов.", "Use[ {min}–{max}] characters."),
    e("invalid_rule.malformed", "Значение не подходит для этого поля.", "This value does not fit this field."),
    e("invalid_rule.max_below_min", "Максимум не может быть меньше минимума.", "The maximum cannot be below the minimum."),
    e("invalid_rule.minute_of_day", "Время суток — от 00:00 до 24:00.", "A time of day from 00:00 to 24:00."),
    e("invalid_rule.multiplier", "Множитель — больше 1 и не больше 10.", "A multiplier above 1 and at most 10."),
    e("invalid_rule.none_chosen", "Отметьте хотя бы один вариант.", "Tick at least one."),
    e("invalid_rule.not_positive", "Сумма должна быть больше нуля.", "An amount above zero."),
    e(
        "invalid_rule.not_weekday",
        "Такого дня недели нет[: {weekday}]. Дни — от 1 (понедельник) до 7 (воскресенье).",
        "Not a weekday[: {weekday}]. Days are 1 (Monday) to 7 (Sunday).",
    ),
    e("invalid_rule.percent_off", "Процент — больше 0 и не больше 100.", "A percentage above 0 and at most 100."),
    e("invalid_rule.percentage", "Процент — от 0 до 100.", "A percentage from 0 to 100."),
    e("invalid_rule.radius", "Радиус — от 1 м до 500 км.", "A radius of 1 m to 500 km."),
    e("invalid_rule.too_many", "Слишком много условий[: не больше {max}].", "Too many conditions[: at most {max}]."),
    e("invalid_rule.units", "Нужно[ от {min} до {max}] шт.", "Use[ {min}–{max}] units."),
    e("invalid_rule.unknown_category", "Такой категории нет[: «{category}»].", "There is no such category[: “{category}”]."),
    e("invalid_rule.unknown_sku", "Такого товара нет[: {sku}].", "There is no such product[: {sku}]."),
    e("invalid_rule.unknown_store", "Такого магазина нет[: «{store}»].", "There is no such store[: “{store}”]."),
    e(
        "invalid_rule.unsupported_format",
        "Этот формат правила не поддерживается[: нужен формат {supported}].",
        "This rule format is not supported[: use format {supported}].",
    ),
    e("invalid_rule.utc_offset", "Сдвиг часового пояса — от −840 до 840 минут.", "An offset between −840 and 840 minutes."),
    e("invalid_score", "Оценка — целое число от 0 до 10.", "The score is a whole number from 0 to 10."),
    e("invalid_sku", "Такого товара нет[: {sku}].", "There is no such product[: {sku}]."),
    e("invalid_store_id", "Такого магазина нет[: «{store}»].", "There is no such store[: “{store}”]."),
    e(
        "invalid_synonyms",
        "Синонимы не сохранены: слово — одно, из букв и цифр; замена — одно–три таких слова, не то же слово и без повторов.",
        "The synonyms were not saved: a term is one word of letters and digits; it expands to one to three such words, not itself, no pair twice.",
    ),
    e("invalid_time", "Момент — не дальше десяти лет от сегодняшнего дня.", "A moment within ten years of now."),
    e("invalid_title", "Заголовок — от 1 до 80 символов.", "The title has 1 to 80 characters."),
    e("invalid_topic", "На это подписаться нельзя[: товара {sku} нет].", "Cannot subscribe to this[: there is no product {sku}]."),
    e("invalid_topics", "Слишком много подписок[: не больше {max}].", "Too many subscriptions[: at most {max}]."),
    e(
        "invalid_transition",
        "Заказ изменился или не может перейти в этот статус. Обновите страницу.",
        "The order changed or cannot take this step. Reload it.",
    ),
    e(
        "invalid_url",
        "Ссылка должна вести на страницу этого сайта и начинаться с «/».",
        "The link must be a path on this site, starting with “/”.",
    ),
    e(
        "kiosk_device",
        "Это витринный планшет магазина: здесь не входят в аккаунт. Кнопка «Продолжить на телефоне» перенесёт корзину на ваш телефон.",
        "This tablet is a store's showroom kiosk: nobody signs in here. “Continue on my phone” takes the cart to your own phone.",
    ),
    e(
        "kiosk_enrolment_required",
        "Планшет становится киоском магазина, только когда его подключает сотрудник магазина.",
        "A device becomes a store's kiosk only when the store's staff enrol it.",
    ),
    LINE_QUANTITY_TOO_LARGE,
    e(
        "loyalty_changed",
        "Баланс баллов изменился. Проверьте, сколько списать, и подтвердите снова.",
        "Your points balance changed. Check how many to spend and confirm again.",
    ),
    e("malformed_json", "Запрос не удалось прочитать.", "The request could not be read."),
    e("method_not_allowed", "Этот адрес не принимает такой запрос.", "This address does not accept that request."),
    e(
        "more_than_bought",
        "Нельзя вернуть больше, чем куплено[ ({sku}: не больше {left} шт.)].",
        "You cannot return more than you bought[ (at most {left} of {sku})].",
    ),
    e("negative_points", "Число баллов не может быть отрицательным.", "Points cannot be negative."),
    NEGATIVE_QUANTITY,
    e("network_error", "Нет связи с сервером.", "Cannot reach the server."),
    e("not_a_buyer", "Оценить товар[ {sku}] может только тот, кто его купил.", "Only a shopper who bought[ {sku}] can rate it."),
    e("not_enough_points", "Столько баллов на счёте нет.", "There are not that many points on the account."),
    e("not_found", "Такого адреса нет.", "There is no such address."),
    e("not_fulfilled", "Оценить заказ можно, когда он у вас.", "You can rate the order once it is in your hands."),
    e("not_in_order", "Этого товара нет в заказе[: {sku}].", "This product is not in the order[: {sku}]."),
    e(
        "not_returnable",
        "Этот заказ нельзя вернуть: он ещё не получен. Его можно отменить.",
        "This order cannot be returned: it has not been received yet. Cancel it instead.",
    ),
    e("nps_already_answered", "Вы уже оценили этот заказ — спасибо!", "You already rated this order — thank you!"),
    e(
        "offer_unavailable",
        "Акция[ «{offer}»] только что закончилась. Корзина показывает новую цену — подтвердите заказ снова.",
        "The offer[ “{offer}”] has just run out. The cart shows the new price — confirm again.",
    ),
    e(
        "order_expired",
        "Резерв закончился во время оплаты; деньги вернутся на карту.",
        "The reservation ran out while paying; the payment will be refunded.",
    ),
    e(
        "outside_delivery_regions",
        "Сюда мы пока не доставляем[ (индекс {postcode})]. Выберите самовывоз или другой адрес.",
        "We do not deliver there yet[ (postcode {postcode})]. Choose pickup or another address.",
    ),
    e(
        "password_policy",
        "Пароль не подходит[: нужно от {min} до {max} символов].",
        "The password does not fit[: it needs {min} to {max} characters].",
    ),
    e("payload_too_large", "Запрос слишком большой.", "The request is too large."),
    e("payment_declined", "Оплата не прошла.", "The payment did not go through."),
    e(
        "payment_declined.card_declined",
        "Банк отклонил карту. Попробуйте другую карту или оплату при получении.",
        "The card was declined. Try another card or pay on collection.",
    ),
    e(
        "payment_declined.idempotency_key_reused",
        "Платёжная система уже видела этот платёж с другой суммой. Обновите страницу.",
        "The payment provider saw this payment with another amount. Reload the page.",
    ),
    e("payment_declined.invalid_card", "Номер карты неверен.", "The card number is not valid."),
    e(
        "payment_failed",
        "Оплата не завершилась вовремя: заказ не оформлен, корзина осталась прежней.",
        "The payment did not complete in time: no order was placed and your cart is as it was.",
    ),
    e(
        "picture_too_large",
        "Фотография слишком велика[: {width}×{height} пикселей]. Можно не больше 10 000 пикселей по стороне и 40 мегапикселей.",
        "The photo is too large[: {width}×{height} pixels]. At most 10,000 pixels a side and 40 megapixels.",
    ),
    e(
        "picture_too_small",
        "Фотография слишком мала[: {width}×{height} пикселей]. Нужно не меньше 160 пикселей по каждой стороне.",
        "The photo is too small[: {width}×{height} pixels]. At least 160 pixels a side.",
    ),
    e(
        "points_above_cap",
        "Столько баллов на этот заказ не списать[: не больше {max}].",
        "This order cannot take that many points[: at most {max}].",
    ),
    e("product_archived", "Товар[ {sku}] в архиве — его нельзя менять.", "Product[ {sku}] is archived and cannot be changed."),
    e(
        "product_changed",
        "Товар[ {sku}] изменил кто-то другой[ (теперь версия {version})] — загрузите его заново.",
        "Product[ {sku}] was changed by someone else[ (now version {version})] — reload it.",
    ),
    e("product_exists", "Товар[ {sku}] уже есть (возможно, в архиве).", "Product[ {sku}] already exists (perhaps archived)."),
    e("quantity_too_large", "Слишком большое количество[: не больше {max}].", "The quantity is too large[: at most {max}]."),
    e("query_too_long", "Слишком длинный запрос[: не больше {max} символов].", "The search text is too long[: at most {max} characters]."),
    e("receipt_already_recorded", "Этот чек уже записан; ничего не изменилось.", "This receipt is already recorded; nothing was changed."),
    e(
        "request_in_progress",
        "Этот заказ уже оформляется. Подождите немного и обновите страницу.",
        "This order is already being placed. Wait a moment and reload the page.",
    ),
    e(
        "return_window_closed",
        "Срок возврата истёк[ ({days} дн.)]. Неисправный товар принесите в магазин.",
        "The return period has passed[ ({days} days)]. Bring a faulty product to a store.",
    ),
    e("rule_changed", "Правило[ «{rule}»] изменилось — загрузите его заново.", "The rule[ “{rule}”] changed meanwhile — reload it."),
    e("rule_exists", "Правило[ «{rule}»] уже есть — измените его.", "The rule[ “{rule}”] exists — edit it instead."),
    e("same_cart", "Этот код — для корзины этого же устройства.", "This code is for this device's own cart."),
    e(
        "session_ended",
        "Сеанс закончился: вход или выход был на другой вкладке. Обновите страницу и попробуйте ещё раз.",
        "This session has ended (signed in or out elsewhere). Reload and try again.",
    ),
    e("sign_in_required", "Сначала войдите в аккаунт.", "Please sign in first."),
    e(
        "stock_mismatch",
        "По учёту в магазине товара меньше, чем нужно[: {sku}]. Сначала исправьте остатки.",
        "The store's stock record has fewer units than needed[: {sku}]. Correct the stock first.",
    ),
    e("stock_update_size", "В обновлении остатков — от 1 до[ {max}] строк.", "A stock update has 1 to[ {max}] lines."),
    STORAGE_UNAVAILABLE,
    e("store_not_allowed", "Магазин указывают только у подключённого киоска.", "Only an enrolled kiosk belongs to a store."),
    e("store_required", "Для киоска нужно указать магазин.", "A kiosk belongs to a store: name it."),
    e(
        "subscription_taken",
        "Эта подписка на уведомления принадлежит другому браузеру.",
        "This push subscription belongs to another browser.",
    ),
    e("synonyms_changed", "Синонимы уже изменил кто-то другой — загрузите их заново.", "Someone else changed the synonyms meanwhile — reload them."),
    e("timeout", "Сервер не ответил вовремя.", "The server took too long to answer."),
    e("too_many_files", "В одном импорте не больше 8 файлов.", "An import has at most 8 files."),
    e("too_many_pictures", "У товара уже[ {max}] фотографий — сначала удалите одну.", "The product has[ {max}] photos already; remove one first."),
    TOO_MANY_REQUESTS,
    e("unknown_category", "Категория[ «{category}»] не найдена.", "Category[ “{category}”] not found."),
    e("unknown_customer", "Покупатель не найден.", "No such customer."),
    e("unknown_device", "В аккаунте нет такого устройства.", "This account has no such signed-in device."),
    e(
        "unknown_enrolment_code",
        "По этому коду подключения ничего не ждёт — проверьте код у сотрудника.",
        "No enrolment is waiting under this code — check it with the staff.",
    ),
    e(
        "unknown_handoff_code",
        "По этому коду корзины нет — проверьте код на другом экране.",
        "No cart is waiting under this code — check it on the other screen.",
    ),
    e("unknown_import", "Такого импорта нет.", "There is no such import."),
    e("unknown_kiosk", "Киоск не найден.", "No such kiosk."),
    e("unknown_order", "Заказ[ {order}] не найден.", "Order[ {order}] not found."),
    e("unknown_pickup_point", "Такого пункта выдачи нет.", "There is no such pickup point."),
    e("unknown_picture", "Такой фотографии у товара нет.", "The product has no such photo."),
    e(
        "unknown_price",
        "Такой запланированной цены[ у товара {sku}] нет — возможно, она уже действует.",
        "There is no such scheduled price[ for {sku}]; it may be in force already.",
    ),
    e("unknown_return", "Возврат[ {return}] не найден.", "Return[ {return}] not found."),
    e("unknown_rule", "Правило[ «{rule}»] не найдено.", "Rule[ “{rule}”] not found."),
    e("unknown_segment", "Сегмент[ «{segment}»] не найден.", "Segment[ “{segment}”] not found."),
    UNKNOWN_SKU,
    e("unknown_store", "Магазин[ «{store}»] не найден.", "Store[ “{store}”] not found."),
    e("unknown_subscription", "На этом устройстве нет такой подписки.", "This device has no such subscription."),
    e("unreadable_picture", "Файл фотографии повреждён и не читается.", "The photo file is damaged and cannot be read."),
    e("unsupported_media_type", "Запрос в неподходящем формате.", "The request is in a format this address does not take."),
    e("unsupported_picture", "Подходят только фотографии[ в форматах {formats}].", "Only photos[ in {formats}] are accepted."),
];

/// Whether `code` has texts (a top-level code, not a `code.reason` case).
pub fn is_known_error(code: &str) -> bool {
    !code.contains('.') && ERROR_TEXTS.iter().any(|t| t.code == code)
}

/// The error codes that have texts.
pub fn error_codes() -> impl Iterator<Item = &'static str> {
    ERROR_TEXTS.iter().map(|t| t.code).filter(|c| !c.contains('.'))
}

/// The error in `locale`'s words: the text of `code.reason` (when `params` names a `reason` that
/// has one) or of `code`, filled in from `params`; for a code without texts, a general sentence
/// that names the code.
pub fn error_text(locale: Locale, code: &str, params: &ErrorParams) -> String {
    error_text_among(ERROR_TEXTS, locale, code, params)
}

/// [`error_text`] with only `texts` to choose from (e.g. [`CART_WRITE_ERRORS`]): a code not among
/// them gets the general sentence that names it.
pub fn error_text_among(texts: &[ErrorText], locale: Locale, code: &str, params: &ErrorParams) -> String {
    let find = |code: &str| texts.iter().find(|t| t.code == code);
    let reason = params.get("reason").map(ToString::to_string);
    let precise = reason.and_then(|r| find(&format!("{code}.{r}")));
    match precise.or_else(|| find(code)) {
        Some(text) => fill(pick(locale, text), params),
        None => match locale {
            Locale::Ru => format!("Что-то пошло не так (код: {code})."),
            Locale::En => format!("Something went wrong (code: {code})."),
        },
    }
}

fn pick(locale: Locale, text: &ErrorText) -> &'static str {
    match locale {
        Locale::Ru => text.ru,
        Locale::En => text.en,
    }
}

/// Fills `{name}` from `params`; a `[…]` part with a missing parameter is left out.
fn fill(template: &str, params: &ErrorParams) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        out.push_str(&substitute(&rest[..open], params).unwrap_or_default());
        let after = &rest[open + 1..];
        let close = after.find(']').unwrap_or(after.len());
        if let Some(part) = substitute(&after[..close], params) {
            out.push_str(&part);
        }
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(&substitute(rest, params).unwrap_or_default());
    out
}

/// `text` with every `{name}` replaced, or `None` when a parameter is missing.
fn substitute(text: &str, params: &ErrorParams) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        out.push_str(&params.get(&after[..close])?.to_string());
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ParamValue;

    #[test]
    fn a_cart_write_error_reads_the_same_from_the_islands_subset_as_from_the_whole_table() {
        let p = params(&[("sku", ParamValue::Text("PHN-0001".into())), ("available", ParamValue::Int(2)), ("max", ParamValue::Int(50))]);
        for text in CART_WRITE_ERRORS {
            assert!(ERROR_TEXTS.contains(text), "{} is in the whole table", text.code);
            for locale in [Locale::Ru, Locale::En] {
                assert_eq!(error_text_among(CART_WRITE_ERRORS, locale, text.code, &p), error_text(locale, text.code, &p));
            }
        }
        assert_eq!(error_text_among(CART_WRITE_ERRORS, Locale::En, "email_taken", &p), "Something went wrong (code: email_taken).");
    }

    fn params(pairs: &[(&str, ParamValue)]) -> ErrorParams {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    /// The placeholders of a template, and whether each sits inside `[…]`.
    fn placeholders(template: &str) -> Vec<(String, bool)> {
        let mut found = Vec::new();
        let mut optional = false;
        let mut name: Option<String> = None;
        for c in template.chars() {
            match (c, &mut name) {
                ('[', None) => optional = true,
                (']', None) => optional = false,
                ('{', None) => name = Some(String::new()),
                ('}', Some(n)) => {
                    found.push((n.clone(), optional));
                    name = None;
                }
                (c, Some(n)) => n.push(c),
                _ => {}
            }
        }
        found
    }

    #[test]
    fn every_error_code_has_a_russian_and_an_english_text_once() {
        let mut seen = std::collections::HashSet::new();
        for t in ERROR_TEXTS {
            assert!(seen.insert(t.code), "{} is listed twice", t.code);
            assert!(!t.ru.trim().is_empty() && !t.en.trim().is_empty(), "{}", t.code);
            assert_ne!(t.ru, t.en, "{} is not translated", t.code);
            if let Some((base, _)) = t.code.split_once('.') {
                assert!(is_known_error(base), "{} refines a code without its own text", t.code);
            }
        }
        let codes: Vec<&str> = ERROR_TEXTS.iter().map(|t| t.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted, "keep the table in alphabetical order");
    }

    #[test]
    fn russian_error_texts_have_no_latin_words_outside_their_parameters() {
        for t in ERROR_TEXTS {
            let mut bare = t.ru.to_owned();
            for (name, _) in placeholders(t.ru) {
                bare = bare.replace(&format!("{{{name}}}"), "");
            }
            assert!(!bare.chars().any(|c| c.is_ascii_alphabetic()), "{}: {:?}", t.code, t.ru);
        }
    }

    #[test]
    fn both_languages_name_the_same_parameters_and_only_in_optional_parts() {
        for t in ERROR_TEXTS {
            let (mut ru, mut en) = (placeholders(t.ru), placeholders(t.en));
            ru.sort();
            en.sort();
            assert_eq!(ru, en, "{}", t.code);
            assert!(ru.iter().all(|(_, optional)| *optional), "{}: a parameter outside […] could leave a hole", t.code);
            for text in [t.ru, t.en] {
                assert_eq!(text.matches('[').count(), text.matches(']').count(), "{}: {text}", t.code);
            }
        }
    }

    #[test]
    fn an_unknown_product_names_its_sku_in_the_shoppers_language() {
        let p = params(&[("sku", "TV-0003".into())]);
        assert_eq!(error_text(Locale::Ru, "unknown_sku", &p), "Товар TV-0003 не найден.");
        assert_eq!(error_text(Locale::En, "unknown_sku", &p), "Product TV-0003 not found.");
        assert_eq!(error_text(Locale::Ru, "unknown_sku", &ErrorParams::new()), "Товар не найден.");
    }

    #[test]
    fn a_missing_parameter_drops_its_optional_part_only() {
        let left = params(&[("sku", "AUD-0001".into()), ("left", ParamValue::Int(2))]);
        assert_eq!(
            error_text(Locale::Ru, "insufficient_stock", &left),
            "Товара AUD-0001 не хватает (осталось 2 шт.). Измените количество или магазин."
        );
        let no_left = params(&[("sku", "AUD-0001".into())]);
        assert_eq!(
            error_text(Locale::En, "insufficient_stock", &no_left),
            "Not enough AUD-0001 in stock. Change the quantity or the store."
        );
        let retry = params(&[("retry_after", ParamValue::Int(30))]);
        assert_eq!(error_text(Locale::Ru, "too_many_requests", &retry), "Слишком много попыток — попробуйте через 30 с.");
    }

    #[test]
    fn a_reason_picks_the_more_precise_text_and_an_unknown_one_falls_back_to_the_code() {
        let declined = params(&[("reason", "card_declined".into())]);
        assert_eq!(
            error_text(Locale::Ru, "payment_declined", &declined),
            "Банк отклонил карту. Попробуйте другую карту или оплату при получении."
        );
        let odd = params(&[("reason", "stolen".into())]);
        assert_eq!(error_text(Locale::En, "payment_declined", &odd), "The payment did not go through.");
    }

    #[test]
    fn an_unknown_code_gets_a_general_sentence_naming_it() {
        assert_eq!(error_text(Locale::Ru, "http_502", &ErrorParams::new()), "Что-то пошло не так (код: http_502).");
        assert_eq!(error_text(Locale::En, "http_502", &ErrorParams::new()), "Something went wrong (code: http_502).");
        assert!(!is_known_error("http_502"));
        assert!(!is_known_error("payment_declined.card_declined"), "a precise case is not a code of its own");
    }
}
