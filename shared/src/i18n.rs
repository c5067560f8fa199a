//! UI strings in Russian (the default) and English, and the pure formatting of prices, distances
//! and pickup times for each locale.
//!
//! Everything here is a pure function of its arguments (no clock, no browser, no storage): the app
//! keeps the locale as reactive context and persists it, and calls these to render text.

use crate::account::Channel;
use crate::cart::{Adjustment, AdjustmentReason};
use crate::catalog::Category;
use crate::loyalty::EntryKind;
use crate::offers::Tier;
use crate::orders::{FulfilmentKind, OrderStatus};
use crate::store::City;
use crate::{Currency, Money};
use chrono::{DateTime, Datelike, Timelike, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod errors;
mod explain;
mod notify;

pub use errors::{error_codes, error_text, error_text_among, is_known_error, ErrorText, CART_WRITE_ERRORS, ERROR_TEXTS};
pub use explain::{ab_group_name, applied_text, rejected_text, Names};
pub use notify::push_text;

/// A UI language; on the wire its BCP 47 tag (`"ru"`, `"en"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    /// The BCP 47 tag, as used in `<html lang>` and in storage.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim() {
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language the switch button offers.
    pub fn other(self) -> Locale {
        match self {
            Locale::Ru => Locale::En,
            Locale::En => Locale::Ru,
        }
    }
}

/// A fixed UI string: its Russian and English text. Each string is an associated constant, so a
/// bundle links only the strings it uses (the storefront's islands carry a few dozen, not all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    ru: &'static str,
    en: &'static str,
}

impl Key {
    const fn of(ru: &'static str, en: &'static str) -> Key {
        Key { ru, en }
    }
}

#[allow(non_upper_case_globals)]
impl Key {
    pub const PopularHeading: Key = Key::of("Популярное в наличии", "Popular and in stock");
    pub const SearchDidYouMean: Key = Key::of("Возможно, вы искали", "Did you mean");
    pub const SearchCorrected: Key = Key::of("Показаны результаты по запросу", "Showing results for");
    pub const SearchPopularCategories: Key = Key::of("Популярные категории", "Popular categories");
    pub const StoresTitle: Key = Key::of("Магазины", "Stores");
    pub const StoresIntro: Key = Key::of(
        "Заберите заказ в удобном магазине: адреса, часы работы и наличие товаров.",
        "Collect your order at a store that suits you: addresses, opening hours and what is in stock.",
    );
    pub const StoreHours: Key = Key::of("Часы работы", "Opening hours");
    pub const StoreOnMap: Key = Key::of("Открыть на карте", "Open on the map");
    pub const StoreInStockHeading: Key = Key::of("Сейчас в наличии в этом магазине", "In stock at this store now");
    pub const StoreClosedDay: Key = Key::of("выходной", "closed");
    pub const StoreAllStores: Key = Key::of("Все магазины", "All stores");
    pub const CityShow: Key = Key::of("Показать", "Show");
    pub const AvailabilityInCity: Key = Key::of("Наличие в магазинах города", "Stock in the stores of");
    pub const FooterShop: Key = Key::of("Магазин", "Shop");
    pub const FooterHelp: Key = Key::of("Покупателям", "Help");
    pub const DeliveryTitle: Key = Key::of("Доставка и самовывоз", "Delivery and pickup");
    pub const DeliveryText: Key = Key::of("Заказ можно забрать в любом магазине сети в Москве и Санкт-Петербурге — бесплатно, обычно в тот же день: время, когда заказ будет готов, показано у каждого магазина. Курьер привезёт заказ по Москве и Санкт-Петербургу; стоимость и срок доставки видны при оформлении заказа до оплаты. Отложенный товар ждёт вас в магазине два рабочих дня.", "Collect your order at any of our stores in Moscow and Saint Petersburg — free, usually the same day: each store shows when your order will be ready. A courier delivers in Moscow and Saint Petersburg; the price and date are shown at checkout before you pay. A reserved item waits for you at the store for two working days.");
    pub const ReturnsTitle: Key = Key::of("Возврат и обмен", "Returns and exchanges");
    pub const ReturnsText: Key = Key::of("Товар надлежащего качества можно вернуть в течение 14 дней, если он не был в употреблении и сохранены упаковка и чек (статья 25 Закона «О защите прав потребителей»). Возврат оформляется в личном кабинете или в любом магазине сети; деньги возвращаются тем же способом, которым был оплачен заказ, в течение 10 дней.", "Items in good condition can be returned within 14 days if unused, in their packaging and with the receipt (Article 25 of the Russian Consumer Protection Law). Start a return in your account or at any of our stores; the money goes back the way you paid within 10 days.");
    pub const ContactsTitle: Key = Key::of("Контакты", "Contacts");
    pub const ContactsText: Key = Key::of("Служба поддержки: 8 800 000-00-00 (бесплатно по России, ежедневно с 9:00 до 21:00), support@vitrina.example. Адреса и телефоны магазинов — на странице «Магазины».", "Customer service: 8 800 000-00-00 (free within Russia, daily 9:00–21:00), support@vitrina.example. Store addresses and phone numbers are on the Stores page.");
    pub const LegalTitle: Key = Key::of("Правовая информация", "Legal information");
    pub const LegalText: Key = Key::of("Витрина — демонстрационный магазин проекта с открытым исходным кодом. Персональные данные обрабатываются только для оформления и выдачи заказов (152-ФЗ); платежи в демо-режиме не списываются. Цены указаны в рублях с учётом НДС.", "Vitrina is the demo shop of an open-source project. Personal data is processed only to place and hand over orders (Russian Federal Law 152-FZ); no payment is taken in demo mode. Prices are in roubles including VAT.");
    pub const SearchResultsFor: Key = Key::of("Результаты поиска", "Search results");
    pub const AddToCartNoScript: Key = Key::of("В корзину", "Add to cart");
    pub const FiltersLabel: Key = Key::of("Фильтры и сортировка", "Filters and sorting");
    pub const FilterBrand: Key = Key::of("Бренд", "Brand");
    pub const FilterPrice: Key = Key::of("Цена, ₽", "Price, ₽");
    pub const FilterPriceFrom: Key = Key::of("от", "from");
    pub const FilterPriceTo: Key = Key::of("до", "to");
    pub const FilterInStock: Key = Key::of("В наличии", "In stock");
    pub const FilterAnyCity: Key = Key::of("в любом городе", "in any city");
    pub const SortLabel: Key = Key::of("Сортировка", "Sort by");
    pub const SortDefault: Key = Key::of("по умолчанию", "default");
    pub const SortBestMatch: Key = Key::of("сначала подходящие", "best match");
    pub const SortPopular: Key = Key::of("популярные", "most popular");
    pub const SortPriceAsc: Key = Key::of("сначала дешевле", "price: low to high");
    pub const SortPriceDesc: Key = Key::of("сначала дороже", "price: high to low");
    pub const SortNew: Key = Key::of("новинки", "newest");
    pub const SortRating: Key = Key::of("с высоким рейтингом", "top rated");
    pub const RatingOf: Key = Key::of("оценок", "ratings");
    pub const Rating: Key = Key::of("Рейтинг", "Rating");
    pub const StoresShown: Key = Key::of("Показано магазинов", "Stores shown");
    pub const StoresShownOf: Key = Key::of("из", "of");
    pub const StoresShownHint: Key =
        Key::of("выберите город или покажите, где вы, чтобы увидеть ближайшие", "choose a city or share your location to see the nearest");
    pub const FiltersApply: Key = Key::of("Показать", "Show");
    pub const FiltersReset: Key = Key::of("Сбросить фильтры", "Clear filters");
    pub const EmptyFiltered: Key = Key::of("С этими фильтрами ничего не нашлось.", "Nothing matches these filters.");
    pub const SiteName: Key = Key::of("Витрина", "Vitrina");
    pub const Tagline: Key =
        Key::of("Электроника с самовывозом в Москве и Санкт-Петербурге", "Electronics with in-store pickup in Moscow and Saint Petersburg");
    pub const HeroTitle: Key = Key::of("Проверьте наличие до поездки в магазин", "Check stock before you go");
    pub const HeroText: Key = Key::of(
        "Найдите товар и узнайте, в каких магазинах рядом с вами он есть и когда его можно забрать.",
        "Find a product and see which stores near you have it and when you can pick it up.",
    );
    pub const SearchLabel: Key = Key::of("Поиск товаров", "Search products");
    pub const SearchPlaceholder: Key = Key::of("Например, наушники", "e.g. headphones");
    pub const SearchSubmit: Key = Key::of("Найти", "Search");
    pub const CategoriesHeading: Key = Key::of("Категории", "Categories");
    pub const CategoryNavLabel: Key = Key::of("Категории товаров", "Product categories");
    pub const FeaturedHeading: Key = Key::of("Популярные товары", "Featured products");
    pub const Loading: Key = Key::of("Загрузка…", "Loading…");
    pub const LangSwitchText: Key = Key::of("EN", "RU");
    pub const LangSwitchLabel: Key = Key::of("Switch to English", "Переключить на русский");
    pub const PagerLabel: Key = Key::of("Страницы", "Pages");
    pub const PagerPrev: Key = Key::of("Назад", "Previous");
    pub const PagerNext: Key = Key::of("Вперёд", "Next");
    pub const SearchHeading: Key = Key::of("Поиск", "Search");
    pub const SearchPrompt: Key = Key::of("Введите запрос, чтобы найти товары.", "Type a query to find products.");
    pub const NoResults: Key = Key::of("Ничего не нашлось. Попробуйте другой запрос.", "Nothing found. Try a different query.");
    pub const EmptyCategory: Key = Key::of("В этой категории пока нет товаров.", "There are no products in this category yet.");
    pub const CategoryFallbackTitle: Key = Key::of("Категория", "Category");
    pub const Home: Key = Key::of("Главная", "Home");
    pub const BreadcrumbLabel: Key = Key::of("Навигационная цепочка", "Breadcrumb");
    pub const Brand: Key = Key::of("Бренд", "Brand");
    pub const Sku: Key = Key::of("Артикул", "SKU");
    pub const Description: Key = Key::of("Описание", "Description");
    pub const Specifications: Key = Key::of("Характеристики", "Specifications");
    pub const InStock: Key = Key::of("В наличии", "In stock");
    pub const OutOfStock: Key = Key::of("Нет в наличии", "Out of stock");
    pub const AvailabilityHeading: Key = Key::of("Наличие в магазинах", "Store availability");
    pub const CheckingAvailability: Key = Key::of("Проверяем наличие…", "Checking availability…");
    pub const UseMyLocation: Key = Key::of("Использовать моё местоположение", "Use my location");
    pub const Locating: Key = Key::of("Определяем местоположение…", "Finding your location…");
    pub const CityLabel: Key = Key::of("Ваш город", "Your city");
    pub const CityPlaceholder: Key = Key::of("Выберите город", "Choose a city");
    pub const GeoDenied: Key = Key::of(
        "Доступ к местоположению запрещён. Выберите город из списка.",
        "Location access was denied. Choose your city from the list.",
    );
    pub const GeoUnavailable: Key = Key::of(
        "Не удалось определить местоположение. Выберите город из списка.",
        "Your location is unavailable. Choose your city from the list.",
    );
    pub const GeoTimeout: Key = Key::of(
        "Местоположение не определилось вовремя. Выберите город из списка.",
        "Finding your location took too long. Choose your city from the list.",
    );
    pub const GeoUnsupported: Key = Key::of(
        "Браузер не умеет определять местоположение. Выберите город из списка.",
        "This browser cannot share its location. Choose your city from the list.",
    );
    pub const GeoUsingLocation: Key = Key::of("Расстояния — от вашего местоположения.", "Distances are from your location.");
    pub const GeoUsingCity: Key = Key::of("Расстояния — от центра выбранного города.", "Distances are from the centre of your city.");
    pub const GeoNoPosition: Key = Key::of(
        "Укажите местоположение или город, чтобы увидеть ближайшие магазины.",
        "Share your location or choose a city to see the nearest stores.",
    );
    pub const ShowCity: Key = Key::of("Показать", "Show");
    pub const AvailabilityNotUpdated: Key = Key::of(
        "Не удалось обновить список магазинов — показан прежний.",
        "Could not update the list of stores; the one shown is from before.",
    );
    pub const OpenNow: Key = Key::of("Открыт сейчас", "Open now");
    pub const ClosedNow: Key = Key::of("Сейчас закрыт", "Closed now");
    pub const Pickup: Key = Key::of("Самовывоз", "Pickup");
    pub const ErrNetwork: Key = Key::of("Нет связи с сервером", "Cannot reach the server");
    pub const ErrTimeout: Key = Key::of("Сервер не ответил вовремя", "The server took too long to answer");
    pub const ErrServer: Key = Key::of("Ошибка на сервере", "The server ran into a problem");
    pub const ErrDecode: Key = Key::of("Не удалось прочитать ответ сервера", "The server's answer could not be read");
    pub const ErrProductNotFound: Key = Key::of("Товар не найден", "Product not found");
    pub const ErrCategoryNotFound: Key = Key::of("Категория не найдена", "Category not found");
    pub const ErrNotFound: Key = Key::of("Не найдено", "Not found");
    pub const ErrBadRequest: Key = Key::of("Некорректный запрос", "The request was not valid");
    pub const ErrUnknown: Key = Key::of("Что-то пошло не так", "Something went wrong");
    pub const ErrHint: Key = Key::of("Проверьте подключение к интернету и попробуйте ещё раз.", "Check your connection and try again.");
    pub const Retry: Key = Key::of("Повторить", "Retry");
    pub const OfflineBanner: Key =
        Key::of("Нет подключения к интернету. Данные могут быть неактуальны.", "You are offline. What you see may be out of date.");
    pub const NotFoundTitle: Key = Key::of("Страница не найдена", "Page not found");
    pub const NotFoundText: Key = Key::of(
        "Такой страницы нет. Вернитесь на главную или воспользуйтесь поиском.",
        "There is no such page. Go back to the home page or use the search.",
    );
    pub const ToHome: Key = Key::of("На главную", "Go to the home page");
    pub const FooterNote: Key =
        Key::of("Цены в рублях. Наличие обновляется в течение дня.", "Prices in roubles. Stock is updated throughout the day.");
    pub const CartLink: Key = Key::of("Корзина", "Cart");
    pub const CartLinkLabel: Key = Key::of("Корзина, товаров:", "Cart, items:");
    pub const AddToCart: Key = Key::of("В корзину", "Add to cart");
    pub const AddOneMore: Key = Key::of("Добавить ещё", "Add one more");
    pub const InCartPrefix: Key = Key::of("В корзине:", "In your cart:");
    pub const GoToCart: Key = Key::of("Перейти в корзину", "Go to the cart");
    pub const CartLineMaxReached: Key = Key::of("Это максимум для одной позиции.", "That is the most for one line.");
    pub const CartTitle: Key = Key::of("Корзина", "Your cart");
    pub const CartEmpty: Key = Key::of("В корзине пока ничего нет.", "Your cart is empty.");
    pub const ContinueShopping: Key = Key::of("Перейти к покупкам", "Continue shopping");
    pub const UnitPrice: Key = Key::of("Цена", "Price");
    pub const Quantity: Key = Key::of("Количество", "Quantity");
    pub const LineTotal: Key = Key::of("Сумма", "Amount");
    pub const QtyDecrease: Key = Key::of("Уменьшить количество", "Decrease quantity");
    pub const QtyIncrease: Key = Key::of("Увеличить количество", "Increase quantity");
    pub const RemoveLine: Key = Key::of("Удалить", "Remove");
    pub const CartSubtotal: Key = Key::of("Сумма товаров", "Subtotal");
    pub const CartTotal: Key = Key::of("Итого", "Total");
    pub const CartSummary: Key = Key::of("Итог заказа", "Order summary");
    pub const CartUpdatedElsewhere: Key = Key::of("Корзина обновлена на другом устройстве", "Cart updated on another device");
    pub const CartConflict: Key = Key::of(
        "Корзина изменилась на другом устройстве. Показываем её текущее состояние — проверьте и повторите действие.",
        "The cart changed on another device. This is how it stands now — check it and try again.",
    );
    pub const CartInsufficientStock: Key =
        Key::of("Столько нет в наличии во всех наших магазинах.", "We do not have that many in stock across our stores.");
    pub const CartLineTooLarge: Key =
        Key::of("Больше этого количества в одну позицию добавить нельзя.", "You cannot add more of this product to one line.");
    pub const CartFull: Key = Key::of("В корзине слишком много разных товаров.", "The cart holds too many different products.");
    pub const CartWriteFailed: Key =
        Key::of("Не удалось изменить корзину. Попробуйте ещё раз.", "The cart could not be changed. Please try again.");
    pub const CartQueuedOffline: Key = Key::of(
        "Нет сети: изменение сохранено на этом устройстве и уйдёт в корзину, когда связь появится.",
        "You are offline: the change is kept on this device and reaches your cart once you are back online.",
    );
    pub const CartSyncedOffline: Key =
        Key::of("Изменения, сделанные без сети, добавлены в корзину.", "The changes made offline are in your cart now.");
    pub const CartSyncedAdjusted: Key = Key::of(
        "Изменения, сделанные без сети, отправлены, но не все поместились: столько нет в наличии или больше нельзя.",
        "The changes made offline were sent, but not all fit: there is not that much in stock, or no more is allowed.",
    );
    pub const OfflineTitle: Key = Key::of("Нет сети", "You are offline");
    pub const ActionNeedsNetwork: Key =
        Key::of("нет сети: это можно сделать, когда связь появится", "you are offline: this can be done once you are back online");
    pub const OfflineText: Key = Key::of(
        "Это откроется само, как только связь появится. Страницы, которые вы уже видели, доступны и без сети.",
        "This opens by itself once you are back online. Pages you have seen before work offline too.",
    );
    pub const CartRepriced: Key = Key::of(
        "Цены изменились с тех пор, как вы положили товары в корзину; корзина считается по новым:",
        "Prices changed since you put these in your cart; the cart is priced at the new ones:",
    );
    pub const CartOffline: Key = Key::of(
        "Нет сети: корзина не изменилась. Повторите, когда связь появится.",
        "You are offline: the cart did not change. Try again once you are back online.",
    );
    pub const SignIn: Key = Key::of("Войти", "Sign in");
    pub const AccountLink: Key = Key::of("Личный кабинет", "My account");
    pub const SignInTitle: Key = Key::of("Вход", "Sign in");
    pub const SignInHeading: Key = Key::of("Уже есть аккаунт", "I have an account");
    pub const RegisterHeading: Key = Key::of("Новый покупатель", "New customer");
    pub const Email: Key = Key::of("Эл. почта", "Email");
    pub const Password: Key = Key::of("Пароль", "Password");
    pub const PasswordHint: Key = Key::of("Не меньше 8 символов.", "At least 8 characters.");
    pub const Name: Key = Key::of("Имя", "Name");
    pub const SignInSubmit: Key = Key::of("Войти", "Sign in");
    pub const RegisterSubmit: Key = Key::of("Зарегистрироваться", "Create an account");
    pub const Working: Key = Key::of("Подождите…", "Please wait…");
    pub const ErrBadCredentials: Key = Key::of("Неверная почта или пароль.", "Wrong email or password.");
    pub const ErrEmailTaken: Key =
        Key::of("Аккаунт с этой почтой уже есть. Войдите в него.", "There is already an account with this email. Sign in instead.");
    pub const ErrInvalidEmail: Key = Key::of("Проверьте адрес электронной почты.", "Check the email address.");
    pub const ErrPasswordPolicy: Key = Key::of("Пароль должен быть от 8 до 128 символов.", "The password needs 8 to 128 characters.");
    pub const ErrTooManyRequests: Key =
        Key::of("Слишком много попыток. Подождите немного и попробуйте снова.", "Too many attempts. Wait a little and try again.");
    pub const ErrAuthFailed: Key = Key::of("Не получилось. Попробуйте ещё раз.", "That did not work. Please try again.");
    pub const CartMergeHeading: Key = Key::of("Мы объединили корзины", "We merged your carts");
    pub const AccountTitle: Key = Key::of("Личный кабинет", "My account");
    pub const ProfileHeading: Key = Key::of("Профиль", "Profile");
    pub const Phone: Key = Key::of("Телефон", "Phone");
    pub const CityNone: Key = Key::of("Не выбран", "Not chosen");
    pub const Language: Key = Key::of("Язык", "Language");
    pub const Save: Key = Key::of("Сохранить", "Save");
    pub const Saved: Key = Key::of("Сохранено.", "Saved.");
    pub const ErrInvalidProfile: Key = Key::of("Проверьте имя и телефон.", "Check the name and the phone number.");
    pub const DevicesHeading: Key = Key::of("Устройства, где вы вошли", "Devices you are signed in on");
    pub const ThisDevice: Key = Key::of("Это устройство", "This device");
    pub const LastSeen: Key = Key::of("Последняя активность:", "Last active:");
    pub const SignOut: Key = Key::of("Выйти", "Sign out");
    pub const SignOutDevice: Key = Key::of("Выйти на этом устройстве", "Sign out on that device");
    pub const SignInRequired: Key = Key::of("Войдите, чтобы открыть личный кабинет.", "Sign in to open your account.");
    pub const KioskAllProducts: Key = Key::of("Все товары", "All products");
    pub const KioskCategoriesLabel: Key = Key::of("Категории на витрине", "Showroom categories");
    pub const KioskBack: Key = Key::of("← Ко всем товарам", "← Back to all products");
    pub const KioskCartLabel: Key = Key::of("Корзина на витрине", "Showroom cart");
    pub const KioskItems: Key = Key::of("Товаров в корзине:", "Items in the cart:");
    pub const OrderElsewhere: Key = Key::of("Заказать с самовывозом или доставкой", "Order for pickup or delivery");
    pub const KioskResetNotice: Key = Key::of("Витрина готова для следующего покупателя", "Ready for the next shopper");
    pub const KioskEnrolTitle: Key = Key::of("Подключение планшета-витрины", "Setting up the showroom tablet");
    pub const KioskEnrolIntro: Key = Key::of("Этот планшет ещё не подключён как витрина магазина. Сотрудник магазина получает код подключения на странице «Выдача заказов» и вводит его здесь.", "This tablet is not yet a showroom tablet of the store. A member of staff gets an enrolment code at the pickup desk and types it here.");
    pub const KioskEnrolCodeLabel: Key = Key::of("Код подключения", "Enrolment code");
    pub const KioskEnrolCodeHint: Key =
        Key::of("8 символов со страницы «Выдача заказов», действует 10 минут", "8 characters from the pickup desk, valid for 10 minutes");
    pub const KioskEnrolSubmit: Key = Key::of("Подключить планшет", "Enrol this tablet");
    pub const KioskEnrolSelf: Key = Key::of(
        "Подключить сейчас как сотрудник (вы выйдете из учётной записи на этом планшете)",
        "Enrol now as staff (you will be signed out on this tablet)",
    );
    pub const KioskEnrolFailed: Key = Key::of("Не удалось подключить планшет.", "Could not enrol this tablet.");
    pub const KioskEnrolUnknown: Key =
        Key::of("Такого кода нет. Проверьте код на странице «Выдача заказов».", "There is no such code. Check it at the pickup desk.");
    pub const KioskEnrolUsed: Key = Key::of("Этот код уже использован. Получите новый.", "This code has already been used. Get a new one.");
    pub const KioskEnrolExpired: Key = Key::of("Срок действия кода истёк. Получите новый.", "This code has expired. Get a new one.");
    pub const ErrStoreNotFound: Key = Key::of("Магазин не найден", "Store not found");
    pub const HandoffButton: Key = Key::of("Продолжить на телефоне", "Continue on my phone");
    pub const HandoffTitle: Key = Key::of("Заберите корзину на телефон", "Take the cart to your phone");
    pub const HandoffScan: Key = Key::of(
        "Наведите камеру телефона на QR-код. Или откройте на телефоне страницу /handoff и введите код.",
        "Point your phone's camera at the QR code, or open /handoff on your phone and type the code.",
    );
    pub const HandoffCodeLabel: Key = Key::of("Код", "Code");
    pub const HandoffQrLabel: Key = Key::of("QR-код со ссылкой на корзину", "QR code linking to the cart");
    pub const HandoffClose: Key = Key::of("Закрыть", "Close");
    pub const HandoffEmptyCart: Key = Key::of("Сначала добавьте товары в корзину.", "Add something to the cart first.");
    pub const HandoffFailed: Key = Key::of("Не удалось получить код. Попробуйте ещё раз.", "Could not get a code. Please try again.");
    pub const HandoffPageTitle: Key = Key::of("Корзина с витрины", "A cart from the showroom");
    pub const HandoffPageIntro: Key = Key::of(
        "Заберите корзину, собранную на планшете в магазине, на это устройство.",
        "Move the cart you filled on the showroom tablet to this device.",
    );
    pub const ClaimButton: Key = Key::of("Забрать корзину", "Take the cart");
    pub const ClaimedHeading: Key = Key::of("Корзина теперь у вас", "The cart is yours now");
    pub const ClaimUnknown: Key = Key::of(
        "Такого кода нет. Проверьте его на экране витрины или попросите там новый.",
        "There is no such code. Check it on the showroom screen, or ask it for a new one.",
    );
    pub const ClaimUsed: Key = Key::of(
        "Этот код уже использован. Попросите новый код на экране витрины.",
        "This code has already been used. Ask the showroom screen for a new one.",
    );
    pub const ClaimExpired: Key = Key::of(
        "Срок действия кода истёк. Попросите новый код на экране витрины.",
        "This code has expired. Ask the showroom screen for a new one.",
    );
    pub const ClaimSameCart: Key = Key::of("Это код корзины этого же устройства.", "This code is for this device's own cart.");
    pub const ClaimFailed: Key =
        Key::of("Не удалось забрать корзину. Попробуйте ещё раз.", "The cart could not be taken. Please try again.");
    pub const HandoffEnterHeading: Key = Key::of("Введите код с экрана витрины", "Type the code from the showroom screen");
    pub const HandoffInputLabel: Key = Key::of("Код из 6 символов", "6-character code");
    pub const HandoffInputHint: Key =
        Key::of("Например, ABC DEF. Регистр, пробелы и дефисы не важны.", "For example ABC DEF. Case, spaces and dashes do not matter.");
    pub const HandoffInvalidCode: Key =
        Key::of("Код — это 6 букв и цифр с экрана витрины.", "A code is 6 letters and digits from the showroom screen.");
    pub const HandoffOpen: Key = Key::of("Продолжить", "Continue");
    pub const CheckoutButton: Key = Key::of("Оформить заказ", "Check out");
    pub const CheckoutTitle: Key = Key::of("Оформление заказа", "Checkout");
    pub const CheckoutEmpty: Key =
        Key::of("В корзине нет товаров — оформлять пока нечего.", "Your cart is empty — there is nothing to order yet.");
    pub const FulfilmentHeading: Key = Key::of("Как получить заказ", "How to get your order");
    pub const WayPickup: Key = Key::of("Забрать в магазине", "Pick up in a store");
    pub const WayPickupHint: Key = Key::of(
        "Бесплатно. Подходят магазины, где есть все товары из корзины.",
        "Free. Stores that have everything in your cart can take the order.",
    );
    pub const WayDelivery: Key = Key::of("Доставка курьером", "Courier delivery");
    pub const WayDeliveryHint: Key = Key::of("Москва, Санкт-Петербург и их области.", "Moscow, Saint Petersburg and their regions.");
    pub const WayPickupPoint: Key = Key::of("Пункт выдачи", "Pickup point");
    pub const WayPickupPointHint: Key = Key::of("Постаматы и пункты выдачи партнёров.", "Parcel lockers and partner counters.");
    pub const PickupStoreLegend: Key = Key::of("Магазин для самовывоза", "Store to pick up from");
    pub const StoreAllInStock: Key = Key::of("Всё в наличии", "Everything in stock");
    pub const NoStoreHasAll: Key = Key::of(
        "Ни в одном магазине нет сразу всех товаров корзины. Выберите доставку или уберите часть товаров.",
        "No store has everything in your cart. Choose delivery, or remove some items.",
    );
    pub const AddressLegend: Key = Key::of("Адрес доставки", "Delivery address");
    pub const Postcode: Key = Key::of("Индекс", "Postcode");
    pub const AddressCity: Key = Key::of("Город или населённый пункт", "City or town");
    pub const Street: Key = Key::of("Улица", "Street");
    pub const House: Key = Key::of("Дом, корпус", "House");
    pub const Apartment: Key = Key::of("Квартира или офис", "Flat or office");
    pub const CourierComment: Key = Key::of("Комментарий для курьера", "Note for the courier");
    pub const Optional: Key = Key::of("Необязательно.", "Optional.");
    pub const PickupPointLegend: Key = Key::of("Пункт выдачи", "Pickup point");
    pub const ContactLegend: Key = Key::of("Получатель", "Recipient");
    pub const PhoneHint: Key = Key::of("Позвоним, если с заказом что-то изменится.", "We will call if anything about the order changes.");
    pub const PaymentLegend: Key = Key::of("Оплата", "Payment");
    pub const PayOnPickup: Key = Key::of("При получении", "On collection");
    pub const PayOnPickupHint: Key = Key::of(
        "Картой или наличными — в магазине, курьеру или в пункте выдачи.",
        "By card or in cash — in the store, to the courier or at the pickup point.",
    );
    pub const TestCardOption: Key = Key::of("Картой сейчас — тестовый платёжный провайдер", "By card now — the test payment provider");
    pub const TestCardNotice: Key = Key::of("Тестовая оплата — деньги не списываются.", "Test payment — no money is charged.");
    pub const TestCardNumbers: Key = Key::of(
        "Тестовые карты: 4242 4242 4242 4242 — оплата пройдёт, 4000 0000 0000 0002 — банк откажет.",
        "Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.",
    );
    pub const CardNumber: Key = Key::of("Номер карты", "Card number");
    pub const PointsLegend: Key = Key::of("Баллы", "Points");
    pub const PointsToRedeem: Key = Key::of("Списать баллов", "Points to spend");
    pub const SummaryGoods: Key = Key::of("Товары", "Goods");
    pub const SummaryDelivery: Key = Key::of("Доставка", "Delivery");
    pub const SummaryPoints: Key = Key::of("Оплачено баллами", "Paid with points");
    pub const SummaryTotal: Key = Key::of("К оплате", "To pay");
    pub const DeliveryFree: Key = Key::of("Бесплатно", "Free");
    pub const DeliveryUnknown: Key = Key::of("Укажите адрес", "Enter the address");
    pub const PlaceOrder: Key = Key::of("Подтвердить заказ", "Place the order");
    pub const ErrRequired: Key = Key::of("Заполните это поле.", "Please fill this in.");
    pub const ErrPostcode: Key = Key::of("Индекс — 6 цифр, например 125009.", "A postcode is 6 digits, e.g. 125009.");
    pub const ErrOutsideRegions: Key = Key::of(
        "По этому индексу мы пока не доставляем. Выберите самовывоз или пункт выдачи.",
        "We do not deliver to this postcode yet. Choose pickup in a store or a pickup point.",
    );
    pub const ErrPhone: Key =
        Key::of("Укажите российский номер, например +7 912 345-67-89.", "Enter a Russian phone number, e.g. +7 912 345-67-89.");
    pub const ErrCardNumber: Key = Key::of("Проверьте номер карты.", "Check the card number.");
    pub const ErrChooseStore: Key = Key::of("Выберите магазин.", "Choose a store.");
    pub const ErrChoosePoint: Key = Key::of("Выберите пункт выдачи.", "Choose a pickup point.");
    pub const ErrFieldInvalid: Key = Key::of("Проверьте это поле.", "Check this field.");
    pub const ErrCheckFields: Key = Key::of("Проверьте выделенные поля.", "Check the highlighted fields.");
    pub const ErrPaymentDeclined: Key = Key::of(
        "Банк отклонил тестовую оплату. Попробуйте другую карту или оплату при получении.",
        "The bank declined the test payment. Try another card, or pay on collection.",
    );
    pub const ErrStockChanged: Key = Key::of(
        "Части товаров уже нет в выбранном месте. Выберите другой магазин или способ получения.",
        "Some items are no longer available there. Choose another store or way to get them.",
    );
    pub const ErrCartChanged: Key = Key::of(
        "Корзина изменилась. Проверьте состав заказа и подтвердите его ещё раз.",
        "Your cart changed. Check the order and place it again.",
    );
    pub const ErrLoyaltyChanged: Key = Key::of(
        "Баланс баллов изменился. Проверьте, сколько списать, и подтвердите заказ ещё раз.",
        "Your points balance changed. Check how many to spend and place the order again.",
    );
    pub const ErrSignInForPoints: Key = Key::of("Чтобы списать баллы, войдите в аккаунт.", "Sign in to spend points.");
    pub const ErrUnknownPoint: Key =
        Key::of("Такого пункта выдачи нет. Выберите другой.", "There is no such pickup point. Choose another.");
    pub const ErrCartEmptyAtCheckout: Key = Key::of("Корзина пуста — заказ не оформлен.", "The cart is empty — no order was placed.");
    pub const ErrOrderFailed: Key =
        Key::of("Не удалось оформить заказ. Попробуйте ещё раз.", "The order could not be placed. Please try again.");
    pub const OrderPlaced: Key = Key::of("Спасибо! Заказ оформлен.", "Thank you! Your order is placed.");
    pub const OrderCreatedAt: Key = Key::of("Заказ от", "Ordered on");
    pub const OrderLinesHeading: Key = Key::of("Товары", "Items");
    pub const OrderReturned: Key = Key::of("возвращено", "returned");
    pub const OrderReceiveHeading: Key = Key::of("Получение", "Getting it");
    pub const PromisedPickup: Key = Key::of("Можно забрать", "Ready to collect");
    pub const PromisedDelivery: Key = Key::of("Доставим", "Arrives");
    pub const OrderRecipient: Key = Key::of("Получатель", "Recipient");
    pub const OrderPaymentHeading: Key = Key::of("Оплата", "Payment");
    pub const CardEnding: Key = Key::of("карта •••• ", "card •••• ");
    pub const OrderHistoryHeading: Key = Key::of("История заказа", "Order history");
    pub const PointsEarned: Key = Key::of("Начислено баллов", "Points earned");
    pub const CancelOrder: Key = Key::of("Отменить заказ", "Cancel the order");
    pub const CancelConfirm: Key =
        Key::of("Отменить заказ? Отложенные товары вернутся в продажу.", "Cancel the order? The items held for you go back on sale.");
    pub const CancelYes: Key = Key::of("Да, отменить", "Yes, cancel it");
    pub const CancelNo: Key = Key::of("Нет", "No");
    pub const ErrActionFailed: Key = Key::of("Не удалось изменить заказ.", "The order could not be changed.");
    pub const ReturnsHeading: Key = Key::of("Возврат товаров", "Return items");
    pub const ReturnIntro: Key = Key::of(
        "Выберите товары и магазин, куда вы их принесёте. Деньги вернём, когда магазин примет товар.",
        "Choose the items and the store you will bring them to. We refund you once the store receives them.",
    );
    pub const ReturnQty: Key = Key::of("Сколько вернуть", "How many to return");
    pub const ReturnStore: Key = Key::of("Магазин для возврата", "Store to bring them to");
    pub const ReturnReason: Key = Key::of("Причина", "Reason");
    pub const ReturnSubmit: Key = Key::of("Оформить возврат", "Request the return");
    pub const ReturnNothingChosen: Key = Key::of("Выберите хотя бы один товар.", "Choose at least one item.");
    pub const ReturnRequested: Key = Key::of(
        "Заявка на возврат принята. Принесите товар в выбранный магазин.",
        "Return requested. Bring the items to the store you chose.",
    );
    pub const ReturnFailed: Key = Key::of("Не удалось оформить возврат.", "The return could not be requested.");
    pub const ReturnRefund: Key = Key::of("К возврату", "Refund");
    pub const ReturnsListHeading: Key = Key::of("Возвраты по заказу", "Returns of this order");
    pub const NpsQuestion: Key =
        Key::of("Насколько вероятно, что вы порекомендуете «Витрину» друзьям?", "How likely are you to recommend Vitrina to a friend?");
    pub const NpsScale: Key = Key::of("0 — точно нет, 10 — обязательно порекомендую.", "0 — not at all, 10 — definitely.");
    pub const NpsFollowUp: Key = Key::of("Что нам сделать лучше?", "What should we do better?");
    pub const NpsSend: Key = Key::of("Отправить", "Send");
    pub const NpsThanks: Key =
        Key::of("Спасибо за ответ! Он поможет нам стать лучше.", "Thank you for your answer! It helps us get better.");
    pub const NpsFailed: Key =
        Key::of("Не удалось отправить ответ. Попробуйте ещё раз.", "Your answer could not be sent. Please try again.");
    pub const MyOrdersHeading: Key = Key::of("Мои заказы", "My orders");
    pub const NoOrders: Key = Key::of("Заказов пока нет.", "No orders yet.");
    pub const LoyaltyHeading: Key = Key::of("Карта лояльности", "Loyalty card");
    pub const LoyaltyCardNumber: Key = Key::of("Номер карты", "Card number");
    pub const LoyaltyBalance: Key = Key::of("Баланс", "Balance");
    pub const LoyaltyExpiringSoon: Key = Key::of("Скоро сгорят", "Expiring soon");
    pub const LoyaltyNothingExpiring: Key = Key::of("В ближайшее время баллы не сгорают.", "No points expire soon.");
    pub const LoyaltyHistory: Key = Key::of("Последние операции", "Recent activity");
    pub const StaffLink: Key = Key::of("Выдача заказов", "Pickup desk");
    pub const StaffTitle: Key = Key::of("Выдача заказов", "Pickup desk");
    pub const StaffSignIn: Key = Key::of("Войдите под учётной записью сотрудника магазина.", "Sign in with a store staff account.");
    pub const StaffRoleRequired: Key = Key::of(
        "Эта страница — для сотрудников магазина. Для неё нужна роль «сотрудник» (staff), а у этой учётной записи её нет.",
        "This page is for store staff. It needs the staff role, which this account does not have.",
    );
    pub const StaffStoreLabel: Key = Key::of("Магазин", "Store");
    pub const StaffChooseStore: Key = Key::of("Выберите магазин", "Choose a store");
    pub const StaffToPrepare: Key = Key::of("Собрать", "To prepare");
    pub const StaffWaiting: Key = Key::of("Ждут покупателя", "Waiting for the shopper");
    pub const StaffDone: Key = Key::of("Выданы и закрыты сегодня", "Handed over and closed today");
    pub const StaffNone: Key = Key::of("Здесь пока пусто.", "Nothing here yet.");
    pub const StaffReady: Key = Key::of("Готов к выдаче", "Ready");
    pub const StaffCollected: Key = Key::of("Выдан покупателю", "Collected");
    pub const StaffCancel: Key = Key::of("Отменить", "Cancel");
    pub const PushCardTitle: Key = Key::of("Уведомления о важном", "Notifications that matter");
    pub const PushCardIntro: Key = Key::of(
        "Включите уведомления на этом устройстве — пришлём только то, что вы выберете:",
        "Turn on notifications on this device — we only send what you choose:",
    );
    pub const PushTopicsLegend: Key = Key::of("Что присылать", "What to send");
    pub const PushTopicCart: Key = Key::of("Напоминание о корзине", "Cart reminder");
    pub const PushTopicCartHint: Key = Key::of(
        "Если вы оставите товары в корзине — не больше одного, примерно через 20 минут.",
        "If you leave items in the cart — at most one, about 20 minutes later.",
    );
    pub const PushTopicOrders: Key = Key::of("Статус заказа", "Order status");
    pub const PushTopicOrdersHint: Key =
        Key::of("Когда заказ готов к выдаче в магазине.", "When your order is ready for pickup in the store.");
    pub const PushTopicPromotions: Key = Key::of("Акции и скидки", "Promotions");
    pub const PushTopicPromotionsHint: Key = Key::of("Только если отметите.", "Only if you tick this.");
    pub const PushTurnOn: Key = Key::of("Включить уведомления", "Turn on notifications");
    pub const PushNotNow: Key = Key::of("Не сейчас", "Not now");
    pub const PushOffNote: Key = Key::of(
        "Выключить их можно в любой момент в личном кабинете или в настройках браузера.",
        "You can turn them off any time in your account or in the browser's settings.",
    );
    pub const PushTurnedOn: Key =
        Key::of("Уведомления включены. Изменить их можно в личном кабинете.", "Notifications are on. You can change them in your account.");
    pub const PushNeedsHomeScreen: Key = Key::of("На iPhone и iPad уведомления работают, только если Витрина добавлена на экран «Домой» (iOS 16.4 и новее). Нажмите «Поделиться» → «На экран „Домой“», откройте Витрину оттуда и включите уведомления.", "On iPhone and iPad, notifications work only when Vitrina is on the Home Screen (iOS 16.4 or later). Tap Share → Add to Home Screen, open Vitrina from there and turn notifications on.");
    pub const PushUnsupported: Key =
        Key::of("Этот браузер не умеет показывать уведомления сайтов.", "This browser cannot show notifications from websites.");
    pub const PushDenied: Key = Key::of(
        "Уведомления от этого сайта запрещены в настройках браузера. Разрешите их там, и здесь можно будет их включить.",
        "Notifications from this site are blocked in the browser's settings. Allow them there to turn them on here.",
    );
    pub const PushPromptDismissed: Key = Key::of(
        "Браузер не получил разрешения на уведомления. Нажмите кнопку ещё раз и выберите «Разрешить».",
        "The browser was not given permission to show notifications. Press the button again and choose Allow.",
    );
    pub const PushFailed: Key =
        Key::of("Не удалось включить уведомления. Попробуйте ещё раз.", "Notifications could not be turned on. Please try again.");
    pub const PushSaveFailed: Key = Key::of("Не удалось сохранить настройки уведомлений.", "The notification settings could not be saved.");
    pub const PushSettingsHeading: Key = Key::of("Уведомления", "Notifications");
    pub const PushOnHere: Key = Key::of("На этом устройстве уведомления включены.", "Notifications are on for this device.");
    pub const PushOffHere: Key = Key::of("На этом устройстве уведомления выключены.", "Notifications are off on this device.");
    pub const PushTurnOff: Key = Key::of("Выключить на этом устройстве", "Turn off on this device");
    pub const PushTurnOffFailed: Key = Key::of("Не удалось выключить уведомления.", "Notifications could not be turned off.");
    pub const PushWatchingHeading: Key = Key::of("Сообщить о поступлении", "Back-in-stock alerts");
    pub const PushNotifyBack: Key = Key::of("Сообщить, когда появится", "Notify me when it's back");
    pub const PushNotifyBackOn: Key = Key::of("Сообщим, когда товар снова появится.", "We will let you know when it is back.");
    pub const PushWatchRemove: Key = Key::of("Не сообщать", "Stop the alert");
    pub const ErrOrderInProgress: Key = Key::of(
        "Заказ ещё оформляется. Подождите немного и нажмите «Подтвердить заказ» ещё раз — второй заказ не появится.",
        "The order is still being placed. Wait a moment and press “Place the order” again — it will not be placed twice.",
    );
    pub const ErrOrderNotFound: Key = Key::of("Заказ не найден", "Order not found");
    pub const DeliveryChoosePoint: Key = Key::of("Выберите пункт", "Choose a point");
    pub const SummaryDiscount: Key = Key::of("Скидка по акциям", "Offers discount");
    pub const StaffAutoRefresh: Key = Key::of("Список обновляется каждые 10 секунд.", "The list refreshes every 10 seconds.");
    pub const StaffKiosksTitle: Key = Key::of("Планшеты-витрины", "Showroom tablets");
    pub const StaffKiosksIntro: Key = Key::of(
        "Планшет становится витриной магазина только по коду подключения: откройте на нём страницу витрины магазина и введите код.",
        "A tablet becomes the store's showroom tablet only with an enrolment code: open the store's showroom page on it and type the code.",
    );
    pub const StaffKioskIssue: Key = Key::of("Получить код подключения", "Get an enrolment code");
    pub const StaffKioskCodeLabel: Key = Key::of("Код подключения:", "Enrolment code:");
    pub const StaffKioskCodeHelp: Key = Key::of("Он подключает один планшет.", "It enrols one tablet.");
    pub const StaffKioskNone: Key = Key::of("Подключённых планшетов нет.", "No tablets are enrolled.");
    pub const StaffKioskEnrolled: Key = Key::of("Подключён", "Enrolled");
    pub const StaffKioskUnenrol: Key = Key::of("Отключить", "Un-enrol");
    pub const StaffKioskFailed: Key = Key::of("Не получилось.", "That did not work.");
    pub const AdminLink: Key = Key::of("Маркетинг", "Marketing");
    pub const AdminTitle: Key = Key::of("Маркетинг: акции и аналитика", "Marketing: offers and analytics");
    pub const AdminSignIn: Key = Key::of("Войдите под учётной записью маркетолога.", "Sign in with a marketer account.");
    pub const AdminRoleRequired: Key = Key::of(
        "Эта страница — для маркетологов. Для неё нужна роль «маркетолог» (marketer), а у этой учётной записи её нет.",
        "This page is for marketers. It needs the marketer role, which this account does not have.",
    );
    pub const AdminTabsLabel: Key = Key::of("Разделы", "Sections");
    pub const AdminTabRules: Key = Key::of("Правила акций", "Offer rules");
    pub const AdminTabSegments: Key = Key::of("Сегменты", "Segments");
    pub const AdminTabKpis: Key = Key::of("Показатели", "KPIs");
    pub const AdminTabCampaigns: Key = Key::of("Рассылки", "Campaigns");
    pub const AdminRulesHeading: Key = Key::of("Правила акций", "Offer rules");
    pub const AdminNewRule: Key = Key::of("Новое правило", "New rule");
    pub const AdminEditRule: Key = Key::of("Правило", "Rule");
    pub const AdminNoRules: Key = Key::of("Правил пока нет.", "No rules yet.");
    pub const AdminColStatus: Key = Key::of("Статус", "Status");
    pub const AdminColRule: Key = Key::of("Правило", "Rule");
    pub const AdminColPriority: Key = Key::of("Приоритет", "Priority");
    pub const AdminColStacking: Key = Key::of("Сочетание", "Combines");
    pub const AdminColUsage: Key = Key::of("Использование", "Usage");
    pub const AdminColVersion: Key = Key::of("Версия", "Version");
    pub const AdminColActions: Key = Key::of("Действия", "Actions");
    pub const AdminEnabled: Key = Key::of("Включено", "Enabled");
    pub const AdminDisabled: Key = Key::of("Выключено", "Disabled");
    pub const AdminEnable: Key = Key::of("Включить", "Enable");
    pub const AdminDisable: Key = Key::of("Выключить", "Disable");
    pub const AdminEdit: Key = Key::of("Изменить", "Edit");
    pub const AdminDelete: Key = Key::of("Удалить", "Delete");
    pub const AdminDeleteConfirm: Key = Key::of("Удалить правило? История версий сохранится.", "Delete the rule? Its history stays.");
    pub const AdminDeleteYes: Key = Key::of("Да, удалить", "Yes, delete");
    pub const AdminRuleChanged: Key = Key::of(
        "Правило только что изменил кто-то другой — список обновлён, посмотрите и повторите.",
        "Someone else has just changed the rule — the list is reloaded; check it and try again.",
    );
    pub const AdminActionFailed: Key = Key::of("Не удалось изменить правило.", "The rule could not be changed.");
    pub const AdminStackable: Key = Key::of("Суммируется с другими", "Stackable");
    pub const AdminStackableHint: Key =
        Key::of("Применяется вместе со всеми подходящими правилами.", "Applies together with every other applicable rule.");
    pub const AdminExclusive: Key = Key::of("Исключающее", "Exclusive");
    pub const AdminExclusiveHint: Key = Key::of(
        "Из подходящих правил одной группы применяется только самое выгодное для покупателя.",
        "Of the applicable rules in one group, only the best for the customer applies.",
    );
    pub const AdminStackingHeading: Key = Key::of("Сочетание с другими акциями", "Combining with other offers");
    pub const AdminGroup: Key = Key::of("Группа", "Group");
    pub const AdminGroupHint: Key =
        Key::of("Например, welcome: правила с одной группой не суммируются.", "For example welcome: rules of one group do not add up.");
    pub const AdminHoldout: Key = Key::of("Контрольная группа, %", "Holdout, %");
    pub const AdminHoldoutHint: Key = Key::of(
        "Доля покупателей (0–100), которые не получают акцию — для A/B-теста.",
        "The share of shoppers (0–100) who do not get the offer, for an A/B test.",
    );
    pub const AdminBasics: Key = Key::of("Основное", "Basics");
    pub const AdminRuleId: Key = Key::of("Идентификатор", "Id");
    pub const AdminRuleIdHint: Key = Key::of(
        "2–40 символов: a–z, 0–9 и «-». Изменить потом нельзя.",
        "2–40 characters: a–z, 0–9 and \"-\". It cannot be changed later.",
    );
    pub const AdminRuleIdFixed: Key = Key::of("Идентификатор сохранённого правила не меняется.", "A saved rule keeps its id.");
    pub const AdminRuleName: Key = Key::of("Название", "Name");
    pub const AdminRuleDescription: Key = Key::of("Описание", "Description");
    pub const AdminRuleDescriptionHint: Key =
        Key::of("Покупатель видит его в подсказках «добавьте … и получите».", "Shoppers see it in the \"add … to get\" hints.");
    pub const AdminRuleEnabled: Key = Key::of("Включено", "Enabled");
    pub const AdminPriority: Key = Key::of("Приоритет", "Priority");
    pub const AdminPriorityHint: Key =
        Key::of("Правила с большим приоритетом применяются раньше.", "Rules with a higher priority apply first.");
    pub const AdminLimitsHeading: Key = Key::of("Ограничения", "Limits");
    pub const AdminLimitsHint: Key = Key::of("Пустое поле — без ограничения.", "Leave a field empty for no limit.");
    pub const AdminPerCustomer: Key = Key::of("Раз на покупателя", "Uses per customer");
    pub const AdminTotalUses: Key = Key::of("Всего использований", "Total uses");
    pub const AdminBudget: Key = Key::of("Бюджет скидок, ₽", "Discount budget, ₽");
    pub const AdminConditionsHeading: Key = Key::of("Условия", "Conditions");
    pub const AdminConditionsHint: Key = Key::of(
        "Правило применяется, только когда выполнены все условия. Без условий — всегда.",
        "The rule applies only when every condition holds. With none, always.",
    );
    pub const AdminAddCondition: Key = Key::of("Добавить условие", "Add a condition");
    pub const AdminCondition: Key = Key::of("Условие", "Condition");
    pub const AdminConditionType: Key = Key::of("Тип условия", "Condition type");
    pub const AdminRemove: Key = Key::of("Убрать", "Remove");
    pub const AdminFrom: Key = Key::of("С", "From");
    pub const AdminTo: Key = Key::of("По", "Until");
    pub const AdminWeekdays: Key = Key::of("Дни недели (ни одного — каждый день)", "Weekdays (none = every day)");
    pub const AdminFromTime: Key = Key::of("С (время)", "From (time)");
    pub const AdminToTime: Key = Key::of("До (время)", "Until (time)");
    pub const AdminUtcOffset: Key = Key::of("Смещение от UTC, мин", "UTC offset, min");
    pub const AdminUtcOffsetHint: Key =
        Key::of("180 — московское время. В нём же даты и часы выше.", "180 is Moscow time. The dates and hours above are in it too.");
    pub const AdminLatitude: Key = Key::of("Широта", "Latitude");
    pub const AdminLongitude: Key = Key::of("Долгота", "Longitude");
    pub const AdminRadius: Key = Key::of("Радиус, м", "Radius, m");
    pub const AdminPoints: Key = Key::of("Баллов не меньше", "At least this many points");
    pub const AdminAmount: Key = Key::of("Сумма, ₽", "Amount, ₽");
    pub const AdminDays: Key = Key::of("За сколько дней", "Within days");
    pub const AdminMinOrders: Key = Key::of("Заказов не меньше", "At least orders");
    pub const AdminMaxOrders: Key = Key::of("Заказов не больше", "At most orders");
    pub const AdminCategory: Key = Key::of("Категория", "Category");
    pub const AdminChooseCategory: Key = Key::of("Выберите категорию", "Choose a category");
    pub const AdminSku: Key = Key::of("Артикул (SKU)", "SKU");
    pub const AdminMinQty: Key = Key::of("Штук не меньше", "At least units");
    pub const AdminQty: Key = Key::of("Количество", "Quantity");
    pub const AdminNewCustomerYes: Key = Key::of("Новый покупатель (ещё нет заказов)", "New customer (no orders yet)");
    pub const AdminNewCustomerNo: Key = Key::of("Постоянный покупатель", "Returning customer");
    pub const AdminSignedInYes: Key = Key::of("Вошёл в аккаунт", "Signed in");
    pub const AdminSignedInNo: Key = Key::of("Гость", "Guest");
    pub const AdminEffectHeading: Key = Key::of("Что даёт правило", "What the rule gives");
    pub const AdminEffectType: Key = Key::of("Тип скидки", "Kind of offer");
    pub const AdminTarget: Key = Key::of("На что", "Applies to");
    pub const AdminPercent: Key = Key::of("Скидка, %", "Discount, %");
    pub const AdminPercentHint: Key = Key::of("Больше 0 и не больше 100.", "Above 0 and at most 100.");
    pub const AdminAmountOff: Key = Key::of("Скидка, ₽", "Discount, ₽");
    pub const AdminBuy: Key = Key::of("Купить, шт.", "Buy, units");
    pub const AdminGet: Key = Key::of("Получить бесплатно, шт.", "Get free, units");
    pub const AdminFactor: Key = Key::of("Множитель баллов", "Points multiplier");
    pub const AdminFactorHint: Key = Key::of("Больше 1 и не больше 10, например 2.", "Above 1 and at most 10, e.g. 2.");
    pub const AdminJsonSummary: Key = Key::of("Правило в JSON", "The rule as JSON");
    pub const AdminJsonIncomplete: Key =
        Key::of("Заполните поля правила — здесь появится его JSON.", "Fill in the rule's fields to see its JSON here.");
    pub const AdminSaveRule: Key = Key::of("Сохранить правило", "Save the rule");
    pub const AdminSaved: Key = Key::of("Сохранено:", "Saved:");
    pub const AdminSaveFailed: Key = Key::of("Не удалось сохранить правило.", "The rule could not be saved.");
    pub const AdminRuleRefused: Key =
        Key::of("Сервер не принял правило — исправьте отмеченное поле.", "The server refused the rule — fix the marked field.");
    pub const AdminRuleExists: Key =
        Key::of("Правило с таким идентификатором уже есть — выберите другой.", "A rule with this id exists — choose another.");
    pub const AdminRuleChangedEditing: Key = Key::of(
        "Пока вы редактировали, правило изменил кто-то другой. Загрузите новую версию (ваши изменения пропадут) и повторите.",
        "Someone else changed the rule while you were editing. Load the latest version (your changes will be lost) and try again.",
    );
    pub const AdminLoadLatest: Key = Key::of("Загрузить новую версию", "Load the latest version");
    pub const AdminBackToRules: Key = Key::of("← Все правила", "← All rules");
    pub const AdminHistory: Key = Key::of("История версий", "Version history");
    pub const AdminLoadVersion: Key = Key::of("Загрузить в редактор", "Load into the editor");
    pub const AdminVersionDeleted: Key = Key::of("удалено", "deleted");
    pub const AdminErrWholeNumber: Key = Key::of("Введите целое число.", "Enter a whole number.");
    pub const AdminErrNumber: Key = Key::of("Введите число.", "Enter a number.");
    pub const AdminErrAmount: Key = Key::of("Введите сумму, например 1500 или 1500,50.", "Enter an amount, e.g. 1500 or 1500.50.");
    pub const AdminErrPercent: Key = Key::of("Процент от 0 до 100.", "A percentage from 0 to 100.");
    pub const AdminErrSku: Key = Key::of(
        "Артикул — заглавные латинские буквы, цифры и «-», например AUD-0001.",
        "A SKU is capital letters, digits and \"-\", e.g. AUD-0001.",
    );
    pub const AdminErrChooseCategory: Key = Key::of("Выберите категорию.", "Choose a category.");
    pub const AdminErrChooseOne: Key = Key::of("Отметьте хотя бы один вариант.", "Tick at least one.");
    pub const AdminErrCoordinates: Key =
        Key::of("Широта от −90 до 90, долгота от −180 до 180.", "Latitude −90 to 90, longitude −180 to 180.");
    pub const AdminErrDateTime: Key = Key::of("Укажите дату и время.", "Enter a date and time.");
    pub const AdminErrTime: Key = Key::of("Время в формате ЧЧ:ММ.", "A time as HH:MM.");
    pub const AdminErrRuleId: Key =
        Key::of("2–40 символов: строчные латинские буквы, цифры и «-».", "2–40 characters: lower-case letters, digits and \"-\".");
    pub const AdminErrRuleNotFound: Key = Key::of("Правило не найдено", "Rule not found");
    pub const AdminPreviewHeading: Key = Key::of("Проверка правила", "Preview");
    pub const AdminPreviewHint: Key = Key::of(
        "Посчитаем корзину с правилом из редактора вместо сохранённого. Ничего не сохраняется.",
        "Prices a cart with the rule from the editor in place of the saved one. Nothing is saved.",
    );
    pub const AdminPreviewCustomer: Key = Key::of("E-mail покупателя", "Customer's e-mail");
    pub const AdminPreviewCustomerHint: Key = Key::of("Необязательно: без него — гость.", "Optional: a guest without it.");
    pub const AdminPreviewChannel: Key = Key::of("Канал", "Channel");
    pub const AdminPreviewStore: Key = Key::of("Магазин", "Store");
    pub const AdminPreviewNoStore: Key = Key::of("Без магазина", "No store");
    pub const AdminPreviewCart: Key = Key::of("Корзина", "Cart");
    pub const AdminPreviewAddLine: Key = Key::of("Добавить товар", "Add a product");
    pub const AdminPreviewAt: Key = Key::of("Дата и время", "Date and time");
    pub const AdminPreviewAtHint: Key =
        Key::of("Необязательно: по умолчанию — сейчас. Время вашего устройства.", "Optional: now if empty. In this device's time.");
    pub const AdminPreviewAsEnabled: Key = Key::of("Считать правило включённым", "Treat the rule as enabled");
    pub const AdminPreviewRun: Key = Key::of("Проверить", "Preview");
    pub const AdminPreviewFixRule: Key = Key::of("Сначала исправьте отмеченные поля правила.", "First fix the marked fields of the rule.");
    pub const AdminPreviewNeedsLine: Key = Key::of("Добавьте в корзину хотя бы один товар.", "Add at least one product to the cart.");
    pub const AdminPreviewUnknownCustomer: Key = Key::of("Покупатель не найден.", "No such customer.");
    pub const AdminPreviewUnknownSku: Key = Key::of("Такого товара нет.", "There is no such product.");
    pub const AdminPreviewFailed: Key = Key::of("Не удалось посчитать корзину.", "The cart could not be priced.");
    pub const AdminPreviewApplied: Key = Key::of("Сработали", "Applied");
    pub const AdminPreviewRejected: Key = Key::of("Не сработали", "Not applied");
    pub const AdminPreviewNoneApplied: Key = Key::of("Ни одна акция не сработала.", "No offer applies.");
    pub const AdminPreviewFreeDelivery: Key = Key::of("Бесплатная доставка", "Free delivery");
    pub const AdminPreviewPoints: Key = Key::of("Баллы", "Points");
    pub const AdminPreviewGroups: Key = Key::of("A/B-группы", "A/B groups");
    pub const AdminSegmentsHeading: Key = Key::of("Сегменты покупателей", "Customer segments");
    pub const AdminSegmentsHint: Key = Key::of(
        "Условие сегмента можно скопировать в правило (тип условия и его поля).",
        "A segment's condition can be copied into a rule (the condition type and its fields).",
    );
    pub const AdminColSegment: Key = Key::of("Сегмент", "Segment");
    pub const AdminColCustomers: Key = Key::of("Покупателей", "Customers");
    pub const AdminColCondition: Key = Key::of("Условие для правила", "Rule condition");
    pub const AdminCopy: Key = Key::of("Копировать", "Copy");
    pub const AdminCopied: Key = Key::of("Скопировано", "Copied");
    pub const AdminCopyFailed: Key =
        Key::of("Не удалось скопировать — выделите текст вручную.", "Could not copy — select the text instead.");
    pub const AdminKpisHeading: Key = Key::of("Показатели за период", "KPIs for a period");
    pub const AdminPeriodFrom: Key = Key::of("С", "From");
    pub const AdminPeriodTo: Key = Key::of("По", "To");
    pub const AdminPeriodApply: Key = Key::of("Показать", "Show");
    pub const AdminChartsHeading: Key = Key::of("По неделям", "By week");
    pub const AdminNpsHeading: Key = Key::of("NPS: готовность рекомендовать", "NPS: likelihood to recommend");
    pub const AdminNpsRecent: Key = Key::of("Последние ответы", "Recent answers");
    pub const AdminNpsNoAnswers: Key = Key::of("Ответов пока нет.", "No answers yet.");
    pub const AdminCampaignsHeading: Key = Key::of("Новая рассылка", "New campaign");
    pub const AdminCampaignsSent: Key = Key::of("Рассылки", "Campaigns");
    pub const AdminCampaignTitle: Key = Key::of("Заголовок", "Title");
    pub const AdminCampaignBody: Key = Key::of("Текст", "Text");
    pub const AdminCampaignUrl: Key = Key::of("Ссылка", "Link");
    pub const AdminCampaignUrlHint: Key =
        Key::of("Адрес на этом сайте, например /c/headphones.", "A path on this site, e.g. /c/headphones.");
    pub const AdminCampaignAudience: Key = Key::of("Кому", "Audience");
    pub const AdminCampaignAllSubscribers: Key = Key::of("Все подписчики на акции", "All promotions subscribers");
    pub const AdminCampaignCount: Key = Key::of("Посчитать получателей", "Count recipients");
    pub const AdminCampaignSend: Key = Key::of("Отправить", "Send");
    pub const AdminCampaignSendYes: Key = Key::of("Да, отправить", "Yes, send");
    pub const AdminCampaignConfirm: Key = Key::of("Отправить рассылку? Получателей:", "Send the campaign? Recipients:");
    pub const AdminCampaignSentOk: Key = Key::of("Рассылка создана. Получателей:", "The campaign is created. Recipients:");
    pub const AdminCampaignFailed: Key = Key::of("Не удалось отправить рассылку.", "The campaign could not be sent.");
    pub const AdminNoCampaigns: Key = Key::of("Рассылок пока не было.", "No campaigns yet.");
    pub const AdminColRecipients: Key = Key::of("Получателей", "Recipients");
    pub const AdminColSent: Key = Key::of("Доставлено", "Sent");
    pub const AdminColFailed: Key = Key::of("Ошибки", "Failed");
    pub const AdminColPending: Key = Key::of("В очереди", "Pending");
    pub const AdminColClicked: Key = Key::of("Переходы", "Clicked");
    pub const CondSchedule: Key = Key::of("Расписание", "Schedule");
    pub const CondChannels: Key = Key::of("Каналы продаж", "Channels");
    pub const CondStores: Key = Key::of("Магазины", "Stores");
    pub const CondNear: Key = Key::of("Рядом с местом", "Near a place");
    pub const CondTiers: Key = Key::of("Уровень лояльности", "Loyalty tiers");
    pub const CondPointsAtLeast: Key = Key::of("Баллов на счёте не меньше", "Points balance at least");
    pub const CondSpendAtLeast: Key = Key::of("Потратил не меньше", "Spent at least");
    pub const CondOrderCount: Key = Key::of("Число заказов", "Number of orders");
    pub const CondBoughtCategory: Key = Key::of("Покупал в категории", "Bought in a category");
    pub const CondNewCustomer: Key = Key::of("Новый или постоянный покупатель", "New or returning customer");
    pub const CondSignedIn: Key = Key::of("Вошёл или гость", "Signed in or guest");
    pub const CondSubtotalAtLeast: Key = Key::of("Сумма корзины не меньше", "Cart subtotal at least");
    pub const CondContainsSku: Key = Key::of("В корзине есть товар", "Cart contains a product");
    pub const CondContainsCategory: Key = Key::of("В корзине есть товары категории", "Cart contains a category");
    pub const EffectPercentOff: Key = Key::of("Скидка в процентах", "Percent off");
    pub const EffectAmountOff: Key = Key::of("Скидка в рублях", "Amount off");
    pub const EffectBuyXGetY: Key = Key::of("Купи X — получи Y бесплатно", "Buy X get Y free");
    pub const EffectFreeDelivery: Key = Key::of("Бесплатная доставка", "Free delivery");
    pub const EffectPointsMultiplier: Key = Key::of("Больше баллов", "Points multiplier");
    pub const EffectGift: Key = Key::of("Подарок", "Gift");
    pub const TargetCart: Key = Key::of("Вся корзина", "The whole cart");
    pub const TargetCategory: Key = Key::of("Категория", "A category");
    pub const TargetSku: Key = Key::of("Товар", "A product");
    pub const KpiRevenue: Key = Key::of("Выручка", "Revenue");
    pub const KpiTransactions: Key = Key::of("покупок", "transactions");
    pub const KpiOfferDiscounts: Key = Key::of("Скидки по акциям", "Offer discounts");
    pub const KpiAverageCheck: Key = Key::of("Средний чек", "Average check");
    pub const KpiPurchaseFrequency: Key = Key::of("Частота покупок", "Purchase frequency");
    pub const KpiBuyers: Key = Key::of("покупателей", "buyers");
    pub const KpiParticipation: Key = Key::of("Доля участников программы", "Participation rate");
    pub const KpiTenure: Key = Key::of("Средний стаж участника, дней", "Average member tenure, days");
    pub const KpiRedemptionRate: Key = Key::of("Доля списанных баллов", "Redemption rate");
    pub const KpiBreakage: Key = Key::of("Сгоревшие баллы", "Breakage");
    pub const KpiMemberSpend: Key = Key::of("Средний чек участника", "Average member spend per transaction");
    pub const KpiPointsPerTransaction: Key = Key::of("Баллов списано на покупку участника", "Points redeemed per member transaction");
    pub const KpiCostPerPoint: Key = Key::of("Стоимость балла", "Cost per point");
    pub const KpiChurn: Key = Key::of("Отток", "Churn");
    pub const KpiNps: Key = Key::of("NPS", "NPS");
    pub const KpiResponses: Key = Key::of("ответов", "responses");
    pub const NpsPromoters: Key = Key::of("Промоутеры (9–10)", "Promoters (9–10)");
    pub const NpsPassives: Key = Key::of("Нейтральные (7–8)", "Passives (7–8)");
    pub const NpsDetractors: Key = Key::of("Критики (0–6)", "Detractors (0–6)");
    pub const ChartRevenue: Key = Key::of("Выручка по неделям, ₽", "Revenue by week, ₽");
    pub const ChartTransactions: Key = Key::of("Покупки по неделям", "Transactions by week");
    pub const ChartAverageCheck: Key = Key::of("Средний чек по неделям, ₽", "Average check by week, ₽");
    pub const ChartPointsIssued: Key = Key::of("Начислено баллов по неделям", "Points issued by week");
    pub const ChartPointsRedeemed: Key = Key::of("Списано баллов по неделям", "Points redeemed by week");
    pub const CheckingOffers: Key = Key::of("Проверяем персональные предложения…", "Checking offers for you…");
    pub const OffersApplied: Key = Key::of("Акции в корзине", "Offers in the cart");
    pub const PriceForYou: Key = Key::of("Для вас:", "For you:");
}

/// The string for `key` in `locale`.
pub fn t(locale: Locale, key: Key) -> &'static str {
    match locale {
        Locale::Ru => key.ru,
        Locale::En => key.en,
    }
}

/// A city's name.
pub fn city_name(locale: Locale, city: City) -> &'static str {
    match (city, locale) {
        (City::Moscow, Locale::Ru) => "Москва",
        (City::Moscow, Locale::En) => "Moscow",
        (City::SaintPetersburg, Locale::Ru) => "Санкт-Петербург",
        (City::SaintPetersburg, Locale::En) => "Saint Petersburg",
    }
}

/// A category's name in `locale`.
pub fn category_name(locale: Locale, category: &Category) -> &str {
    match locale {
        Locale::Ru => &category.name_ru,
        Locale::En => &category.name_en,
    }
}

/// Picks the Russian plural form for `n`: `one` (1, 21, 101…), `few` (2–4, 22–24…) or `many`.
pub fn plural_ru<'a>(n: u32, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (last, last_two) = (n % 10, n % 100);
    if last == 1 && last_two != 11 {
        one
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        few
    } else {
        many
    }
}

/// "В наличии в 3 магазинах рядом с вами" / "In stock in 3 stores near you", or "Нет в наличии".
pub fn availability_headline(locale: Locale, in_stock_stores: u32, near_you: bool) -> String {
    if in_stock_stores == 0 {
        return t(locale, Key::OutOfStock).to_owned();
    }
    let n = in_stock_stores;
    match locale {
        Locale::Ru => {
            // Prepositional case: "в 1 магазине", "в 21 магазине", otherwise "в N магазинах".
            let noun = if n % 10 == 1 && n % 100 != 11 { "магазине" } else { "магазинах" };
            let near = if near_you { " рядом с вами" } else { "" };
            format!("В наличии в {n} {noun}{near}")
        }
        Locale::En => {
            let noun = if n == 1 { "store" } else { "stores" };
            let near = if near_you { " near you" } else { "" };
            format!("In stock in {n} {noun}{near}")
        }
    }
}

/// Units on hand in one store: "В наличии: 2 шт." / "2 in stock".
pub fn units_available(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("В наличии: {n} шт."),
        Locale::En => format!("{n} in stock"),
    }
}

/// "Страница 2 из 5" / "Page 2 of 5".
pub fn page_of(locale: Locale, page: u32, total_pages: u32) -> String {
    match locale {
        Locale::Ru => format!("Страница {page} из {total_pages}"),
        Locale::En => format!("Page {page} of {total_pages}"),
    }
}

/// "37 товаров" / "37 products".
pub fn product_count(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("{n} {}", plural_ru(n, "товар", "товара", "товаров")),
        Locale::En => format!("{n} {}", if n == 1 { "product" } else { "products" }),
    }
}

/// Heading of the search page: "Результаты по запросу «телефон»" / "Results for “phone”".
pub fn search_results_heading(locale: Locale, query: &str) -> String {
    match locale {
        Locale::Ru => format!("Результаты по запросу «{query}»"),
        Locale::En => format!("Results for “{query}”"),
    }
}

/// A sales channel as shown in the device list.
pub fn channel_name(locale: Locale, channel: Channel) -> &'static str {
    match (channel, locale) {
        (Channel::Web, Locale::Ru) => "Сайт",
        (Channel::Web, Locale::En) => "Website",
        (Channel::Pwa, Locale::Ru) => "Приложение",
        (Channel::Pwa, Locale::En) => "App",
        (Channel::Kiosk, Locale::Ru) => "Планшет в магазине",
        (Channel::Kiosk, Locale::En) => "In-store tablet",
        (Channel::Pos, Locale::Ru) => "Касса",
        (Channel::Pos, Locale::En) => "Till",
    }
}

/// What a cart merge changed about one line: "Телефон X: оставили 10 из 12 — максимум на одну
/// позицию" / "Phone X: kept 10 of 12 — the most for one line".
pub fn cart_adjustment_text(locale: Locale, name: &str, adjustment: &Adjustment) -> String {
    let Adjustment { requested, kept, reason, .. } = *adjustment;
    match (locale, kept, reason) {
        (Locale::Ru, _, AdjustmentReason::Discontinued) => format!("{name}: убрали из корзины — товар больше не продаётся"),
        (Locale::Ru, 0, _) => format!("{name}: убрали из корзины — нет в наличии"),
        (Locale::Ru, _, AdjustmentReason::LineMaximum) => format!("{name}: оставили {kept} из {requested} — максимум на одну позицию"),
        (Locale::Ru, _, AdjustmentReason::Availability) => format!("{name}: оставили {kept} из {requested} — больше нет в наличии"),
        (Locale::En, _, AdjustmentReason::Discontinued) => format!("{name}: removed — no longer sold"),
        (Locale::En, 0, _) => format!("{name}: removed — out of stock"),
        (Locale::En, _, AdjustmentReason::LineMaximum) => format!("{name}: kept {kept} of {requested} — the most for one line"),
        (Locale::En, _, AdjustmentReason::Availability) => format!("{name}: kept {kept} of {requested} — all we have in stock"),
    }
}

/// This showroom's own stock of a product: "На полке здесь: 3 шт." / "On the shelf here: 3".
pub fn shelf_here(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("На полке здесь: {n}{NBSP}шт."),
        Locale::En => format!("On the shelf here: {n}"),
    }
}

/// Until when a hand-off code works, in the viewer's time: "Код действует до 14:30" /
/// "The code is valid until 14:30". `unix` is seconds since the epoch; `utc_offset_minutes` the
/// viewer's offset from UTC.
pub fn handoff_valid_until(locale: Locale, unix: i64, utc_offset_minutes: i32) -> String {
    let local = unix.saturating_add(i64::from(utc_offset_minutes) * 60);
    let at = DateTime::from_timestamp(local, 0).unwrap_or(if local < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC });
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    match locale {
        Locale::Ru => format!("Код действует до {time}"),
        Locale::En => format!("The code is valid until {time}"),
    }
}

/// A moment in local time: "25 ноября 2026, 14:30" / "25 Nov 2026, 14:30". `unix` is seconds
/// since the epoch; `utc_offset_minutes` the viewer's offset from UTC.
pub fn format_date_time(locale: Locale, unix: i64, utc_offset_minutes: i32) -> String {
    let local = unix.saturating_add(i64::from(utc_offset_minutes) * 60);
    let at = DateTime::from_timestamp(local, 0).unwrap_or(if local < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC });
    let (day, month, year) = (at.day(), at.month0() as usize, at.year());
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    match locale {
        Locale::Ru => format!("{day} {} {year}, {time}", MONTHS_RU[month]),
        Locale::En => format!("{day} {} {year}, {time}", MONTHS_EN[month]),
    }
}

const NBSP: char = '\u{a0}';

/// A moment's date in local time: "25 ноября 2026" / "25 Nov 2026".
pub fn format_date(locale: Locale, unix: i64, utc_offset_minutes: i32) -> String {
    let local = unix.saturating_add(i64::from(utc_offset_minutes) * 60);
    let at = DateTime::from_timestamp(local, 0).unwrap_or(if local < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC });
    let (day, month, year) = (at.day(), at.month0() as usize, at.year());
    match locale {
        Locale::Ru => format!("{day} {} {year}", MONTHS_RU[month]),
        Locale::En => format!("{day} {} {year}", MONTHS_EN[month]),
    }
}

/// An order's status as the shopper and staff read it.
pub fn order_status_name(locale: Locale, status: OrderStatus) -> &'static str {
    let (ru, en) = match status {
        OrderStatus::PendingPayment => ("Ожидает оплаты", "Awaiting payment"),
        OrderStatus::PaymentFailed => ("Оплата не прошла", "Payment failed"),
        OrderStatus::Placed => ("Оформлен", "Placed"),
        OrderStatus::ReadyForPickup => ("Готов к выдаче", "Ready for pickup"),
        OrderStatus::Collected => ("Получен", "Collected"),
        OrderStatus::Shipped => ("Передан в доставку", "Shipped"),
        OrderStatus::Delivered => ("Доставлен", "Delivered"),
        OrderStatus::Cancelled => ("Отменён", "Cancelled"),
        OrderStatus::Expired => ("Срок хранения истёк", "Hold expired"),
        OrderStatus::Completed => ("Покупка в магазине", "Bought in store"),
    };
    match locale {
        Locale::Ru => ru,
        Locale::En => en,
    }
}

/// How an order reaches the customer.
pub fn fulfilment_name(locale: Locale, kind: FulfilmentKind) -> &'static str {
    match (kind, locale) {
        (FulfilmentKind::Pickup, Locale::Ru) => "Самовывоз из магазина",
        (FulfilmentKind::Pickup, Locale::En) => "Pickup in a store",
        (FulfilmentKind::Delivery, Locale::Ru) => "Доставка курьером",
        (FulfilmentKind::Delivery, Locale::En) => "Courier delivery",
        (FulfilmentKind::PickupPoint, Locale::Ru) => "Пункт выдачи",
        (FulfilmentKind::PickupPoint, Locale::En) => "Pickup point",
        (FulfilmentKind::InStore, Locale::Ru) => "Покупка на кассе",
        (FulfilmentKind::InStore, Locale::En) => "Bought at the till",
    }
}

/// Who changed an order's status (`customer`, `staff`, `system`, `till`, `kiosk`); anything else as sent.
pub fn order_actor_name(locale: Locale, by: &str) -> String {
    let known = match (by, locale) {
        ("customer", Locale::Ru) => "покупатель",
        ("customer", Locale::En) => "customer",
        ("staff", Locale::Ru) => "магазин",
        ("staff", Locale::En) => "store",
        ("system", Locale::Ru) => "автоматически",
        ("system", Locale::En) => "automatically",
        ("till", Locale::Ru) => "касса",
        ("till", Locale::En) => "till",
        ("kiosk", Locale::Ru) => "планшет в магазине",
        ("kiosk", Locale::En) => "showroom tablet",
        _ => return by.to_owned(),
    };
    known.to_owned()
}

/// A payment method (`pay_on_pickup`, `test_card`, `pos_card`, `pos_cash`); anything else as sent.
pub fn payment_method_name(locale: Locale, method: &str) -> String {
    let known = match (method, locale) {
        ("pay_on_pickup", Locale::Ru) => "Оплата при получении",
        ("pay_on_pickup", Locale::En) => "Pay on collection",
        ("test_card", Locale::Ru) => "Картой онлайн (тестовый провайдер)",
        ("test_card", Locale::En) => "Card online (test provider)",
        ("pos_card", Locale::Ru) => "Картой на кассе",
        ("pos_card", Locale::En) => "Card at the till",
        ("pos_cash", Locale::Ru) => "Наличными на кассе",
        ("pos_cash", Locale::En) => "Cash at the till",
        _ => return method.to_owned(),
    };
    known.to_owned()
}

/// A payment status (`due`, `paid`, `declined`); anything else as sent.
pub fn payment_status_name(locale: Locale, status: &str) -> String {
    let known = match (status, locale) {
        ("due", Locale::Ru) => "к оплате при получении",
        ("due", Locale::En) => "due on collection",
        ("paid", Locale::Ru) => "оплачен",
        ("paid", Locale::En) => "paid",
        ("declined", Locale::Ru) => "отклонён",
        ("declined", Locale::En) => "declined",
        _ => return status.to_owned(),
    };
    known.to_owned()
}

/// A return's status (`requested`, `received`); anything else as sent.
pub fn return_status_name(locale: Locale, status: &str) -> String {
    let known = match (status, locale) {
        ("requested", Locale::Ru) => "ждём товар в магазине",
        ("requested", Locale::En) => "waiting for the items in the store",
        ("received", Locale::Ru) => "товар принят, деньги возвращены",
        ("received", Locale::En) => "received and refunded",
        _ => return status.to_owned(),
    };
    known.to_owned()
}

/// A loyalty ledger entry's kind.
pub fn loyalty_entry_name(locale: Locale, kind: EntryKind) -> &'static str {
    match (kind, locale) {
        (EntryKind::Earn, Locale::Ru) => "Начислено за покупку",
        (EntryKind::Earn, Locale::En) => "Earned on a purchase",
        (EntryKind::Redeem, Locale::Ru) => "Списано при оплате",
        (EntryKind::Redeem, Locale::En) => "Spent on an order",
        (EntryKind::Refund, Locale::Ru) => "Возвращено",
        (EntryKind::Refund, Locale::En) => "Given back",
        (EntryKind::Reverse, Locale::Ru) => "Отменено начисление",
        (EntryKind::Reverse, Locale::En) => "Taken back",
        (EntryKind::Adjust, Locale::Ru) => "Корректировка",
        (EntryKind::Adjust, Locale::En) => "Adjustment",
    }
}

/// "120 баллов" / "120 points" (negative counts keep their sign).
pub fn points_count(locale: Locale, n: i64) -> String {
    let abs = u32::try_from(n.unsigned_abs() % 1000).unwrap_or(0);
    match locale {
        Locale::Ru => format!("{n}{NBSP}{}", plural_ru(abs, "балл", "балла", "баллов")),
        Locale::En => format!("{n}{NBSP}{}", if n.abs() == 1 { "point" } else { "points" }),
    }
}

/// The points a signed-in shopper has and may spend on this order.
pub fn points_balance_text(locale: Locale, balance: i64, max: i64) -> String {
    match locale {
        Locale::Ru => format!(
            "На карте {}. Для этого заказа можно списать до {} (1 балл = 1 ₽).",
            points_count(locale, balance),
            points_count(locale, max)
        ),
        Locale::En => format!(
            "You have {}. Up to {} can pay for this order (1 point = RUB 1).",
            points_count(locale, balance),
            points_count(locale, max)
        ),
    }
}

/// The error when the points to spend are out of range.
pub fn points_range_text(locale: Locale, max: i64) -> String {
    match locale {
        Locale::Ru => format!("Можно списать от 0 до {}.", points_count(locale, max)),
        Locale::En => format!("You can spend 0 to {}.", points_count(locale, max)),
    }
}

/// "120 баллов сгорят 25 ноября 2026" / "120 points expire on 25 Nov 2026".
pub fn points_expiring_text(locale: Locale, points: i64, unix: i64, utc_offset_minutes: i32) -> String {
    let date = format_date(locale, unix, utc_offset_minutes);
    match locale {
        Locale::Ru => {
            let verb = plural_ru(u32::try_from(points.unsigned_abs() % 1000).unwrap_or(0), "сгорит", "сгорят", "сгорят");
            format!("{} {verb} {date}", points_count(locale, points))
        }
        Locale::En => format!("{} expire on {date}", points_count(locale, points)),
    }
}

/// How many units a store lacks for the cart: "Не хватает 2 шт." / "2 items missing".
pub fn missing_units(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("Не хватает {n}{NBSP}шт."),
        Locale::En => format!("{n} {} missing", if n == 1 { "item" } else { "items" }),
    }
}

/// A delivery's lead time: "доставка за 2 дня" / "delivered in 2 days".
pub fn delivery_days(locale: Locale, days: u32) -> String {
    match locale {
        Locale::Ru => format!("доставка за {days}{NBSP}{}", plural_ru(days, "день", "дня", "дней")),
        Locale::En => format!("delivered in {days} {}", if days == 1 { "day" } else { "days" }),
    }
}

/// How long goods are held while the store prepares a pay-on-collection order.
pub fn reserve_note(locale: Locale, minutes: i64) -> String {
    let span = match (locale, minutes % 60 == 0 && minutes >= 60) {
        (Locale::Ru, true) => format!("{}{NBSP}ч", minutes / 60),
        (Locale::Ru, false) => format!("{minutes}{NBSP}мин"),
        (Locale::En, true) => format!("{}{NBSP}h", minutes / 60),
        (Locale::En, false) => format!("{minutes}{NBSP}min"),
    };
    match locale {
        Locale::Ru => {
            format!("Товары отложим для вас сразу. Бронь действует {span} работы магазина с того часа, когда заказ можно забрать.")
        }
        Locale::En => {
            format!("We hold the items for you at once, for {span} of the store's opening hours from when the order can be collected.")
        }
    }
}

/// An order's heading: "Заказ № 1A2B" / "Order 1A2B".
pub fn order_title(locale: Locale, id: &str) -> String {
    match locale {
        Locale::Ru => format!("Заказ №{NBSP}{id}"),
        Locale::En => format!("Order {id}"),
    }
}

/// Until when an order's goods are held, in local time: "Ждёт вас до 14:30" (today) or
/// "Ждёт вас до 26 ноября, 14:30" / "Held until 14:30", "Held until 26 Nov, 14:30". Times are Unix
/// seconds; `utc_offset_minutes` is the viewer's offset.
pub fn held_until(locale: Locale, until_unix: i64, now_unix: i64, utc_offset_minutes: i32) -> String {
    let offset = i64::from(utc_offset_minutes) * 60;
    let local = until_unix.saturating_add(offset);
    let same_day = local.div_euclid(86_400) == now_unix.saturating_add(offset).div_euclid(86_400);
    let at = DateTime::from_timestamp(local, 0).unwrap_or(if local < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC });
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    let (day, month) = (at.day(), at.month0() as usize);
    match (locale, same_day) {
        (Locale::Ru, true) => format!("Ждёт вас до {time}"),
        (Locale::Ru, false) => format!("Ждёт вас до {day} {}, {time}", MONTHS_RU[month]),
        (Locale::En, true) => format!("Held until {time}"),
        (Locale::En, false) => format!("Held until {day} {}, {time}", MONTHS_EN[month]),
    }
}

/// How many other devices of the account get notifications: "Уведомления включены ещё на 2
/// устройствах" / "Notifications are also on for 2 other devices".
pub fn push_other_devices(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => {
            // Prepositional case: "на 1 устройстве", "на 21 устройстве", otherwise "на N устройствах".
            let noun = if n % 10 == 1 && n % 100 != 11 { "устройстве" } else { "устройствах" };
            format!("Уведомления включены ещё на {n} {noun}")
        }
        Locale::En => format!("Notifications are also on for {n} other {}", if n == 1 { "device" } else { "devices" }),
    }
}

/// The accessible name of an NPS score button: "3 из 10" / "3 out of 10".
pub fn nps_score_label(locale: Locale, score: u8) -> String {
    match locale {
        Locale::Ru => format!("{score} из 10"),
        Locale::En => format!("{score} out of 10"),
    }
}

/// How often an offer rule was used and what it gave: "12 использований · скидок на 3 400 ₽" /
/// "12 uses · RUB 3,400 given".
pub fn rule_uses(locale: Locale, uses: u32, spent: &Money) -> String {
    match locale {
        Locale::Ru => format!(
            "{uses}{NBSP}{} · скидок на {}",
            plural_ru(uses, "использование", "использования", "использований"),
            format_money(locale, spent)
        ),
        Locale::En => format!("{uses} {} · {} given", if uses == 1 { "use" } else { "uses" }, format_money(locale, spent)),
    }
}

/// A rule's uses against its limit: "12 из 100 использований" / "12 of 100 uses".
pub fn rule_uses_of(locale: Locale, uses: u32, total: u32) -> String {
    match locale {
        Locale::Ru => format!("{uses} из {total}{NBSP}{}", plural_ru(total, "использования", "использований", "использований")),
        Locale::En => format!("{uses} of {total} {}", if total == 1 { "use" } else { "uses" }),
    }
}

/// How much of a rule's budget is spent, with the share in whole percent:
/// "бюджет: 3 400 ₽ из 10 000 ₽ (34 %)" / "budget: RUB 3,400 of RUB 10,000 (34%)".
pub fn rule_budget_used(locale: Locale, spent: &Money, budget: &Money) -> String {
    let share = if budget.amount > Decimal::ZERO { (spent.amount * Decimal::from(100) / budget.amount).round() } else { Decimal::ZERO };
    match locale {
        Locale::Ru => format!("бюджет: {} из {} ({share}{NBSP}%)", format_money(locale, spent), format_money(locale, budget)),
        Locale::En => format!("budget: {} of {} ({share}%)", format_money(locale, spent), format_money(locale, budget)),
    }
}

/// A rule's limit per customer: "не больше 2 раз на покупателя" / "at most 2 per customer".
pub fn rule_per_customer(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("не больше {n}{NBSP}{} на покупателя", plural_ru(n, "раза", "раз", "раз")),
        Locale::En => format!("at most {n} per customer"),
    }
}

/// A rule's version: "версия 3" / "version 3".
pub fn rule_version(locale: Locale, version: i64) -> String {
    match locale {
        Locale::Ru => format!("версия {version}"),
        Locale::En => format!("version {version}"),
    }
}

/// A loyalty tier's name.
pub fn tier_name(locale: Locale, tier: Tier) -> &'static str {
    match (tier, locale) {
        (Tier::Basic, Locale::Ru) => "Базовый",
        (Tier::Basic, Locale::En) => "Basic",
        (Tier::Silver, Locale::Ru) => "Серебряный",
        (Tier::Silver, Locale::En) => "Silver",
        (Tier::Gold, Locale::Ru) => "Золотой",
        (Tier::Gold, Locale::En) => "Gold",
    }
}

/// A weekday's short name, 1 = Monday … 7 = Sunday.
pub fn weekday_short(locale: Locale, day: u8) -> &'static str {
    const RU: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let names = match locale {
        Locale::Ru => RU,
        Locale::En => EN,
    };
    day.checked_sub(1).and_then(|i| names.get(usize::from(i))).copied().unwrap_or("?")
}

/// A number without trailing zeros: "2,5" / "2.5".
pub fn format_decimal(locale: Locale, value: &Decimal) -> String {
    let text = value.normalize().to_string();
    match locale {
        Locale::Ru => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A percentage: "12,5 %" / "12.5%".
pub fn format_percent(locale: Locale, value: &Decimal) -> String {
    match locale {
        Locale::Ru => format!("{}{NBSP}%", format_decimal(locale, value)),
        Locale::En => format!("{}%", format_decimal(locale, value)),
    }
}

/// How many people a campaign reaches: "12 получателей" / "12 recipients".
pub fn recipients_count(locale: Locale, n: u32) -> String {
    match locale {
        Locale::Ru => format!("{n}{NBSP}{}", plural_ru(n, "получатель", "получателя", "получателей")),
        Locale::En => format!("{n} {}", if n == 1 { "recipient" } else { "recipients" }),
    }
}

/// Digits of `n` in groups of three separated by `sep`: `group_thousands(12990, ',') == "12,990"`.
fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn currency_symbol(currency: Currency) -> &'static str {
    match currency {
        Currency::Rub => "₽",
    }
}

/// A price: "12 990 ₽" / "12 990,50 ₽" in Russian (no-break spaces), "RUB 12,990" /
/// "RUB 12,990.50" in English. Minor units are shown only when non-zero. Works on the decimal
/// amount's minor units, never on floating point.
pub fn format_money(locale: Locale, money: &Money) -> String {
    let minor_digits = money.currency.minor_digits();
    let scale = 10_u64.pow(minor_digits);
    let minor = money.minor_units();
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    let (major, fraction) = (minor / scale, minor % scale);
    let width = minor_digits as usize;
    match locale {
        Locale::Ru => {
            let mut s = format!("{sign}{}", group_thousands(major, NBSP));
            if fraction != 0 {
                s.push_str(&format!(",{fraction:0width$}"));
            }
            s.push(NBSP);
            s.push_str(currency_symbol(money.currency));
            s
        }
        Locale::En => {
            let mut s = format!("{}{NBSP}{sign}{}", money.currency.code(), group_thousands(major, ','));
            if fraction != 0 {
                s.push_str(&format!(".{fraction:0width$}"));
            }
            s
        }
    }
}

/// A distance: "350 м" / "350 m" under a kilometre, "4,2 км" / "4.2 km" under ten, then whole
/// kilometres ("634 км").
pub fn format_distance(locale: Locale, metres: u32) -> String {
    let (m, km, decimal) = match locale {
        Locale::Ru => ("м", "км", ','),
        Locale::En => ("m", "km", '.'),
    };
    if metres < 1000 {
        return format!("{metres}{NBSP}{m}");
    }
    let tenths = (u64::from(metres) + 50) / 100;
    if tenths < 100 {
        let (whole, tenth) = (tenths / 10, tenths % 10);
        if tenth == 0 {
            format!("{whole}{NBSP}{km}")
        } else {
            format!("{whole}{decimal}{tenth}{NBSP}{km}")
        }
    } else {
        let whole = (u64::from(metres) + 500) / 1000;
        let sep = match locale {
            Locale::Ru => NBSP,
            Locale::En => ',',
        };
        format!("{}{NBSP}{km}", group_thousands(whole, sep))
    }
}

const MONTHS_RU: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// When an order can be collected, in the store's local time: "сегодня с 14:30" /
/// "today from 14:30", "завтра с 10:00" / "tomorrow from 10:00", else "28 ноября с 10:00" /
/// "28 Nov from 10:00". Times are Unix seconds; `utc_offset_minutes` is the store's offset.
/// `now_unix` is a parameter: nothing here reads a clock.
pub fn format_pickup(locale: Locale, pickup_unix: i64, now_unix: i64, utc_offset_minutes: i32) -> String {
    let offset = i64::from(utc_offset_minutes) * 60;
    let local = pickup_unix + offset;
    let day = local.div_euclid(86_400);
    let today = (now_unix + offset).div_euclid(86_400);
    // The store's wall clock, read as UTC. Beyond chrono's range (some 262 000 years from 1970)
    // the nearest representable instant stands in, rather than failing.
    let at = DateTime::from_timestamp(local, 0).unwrap_or(if local < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC });
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    let (month_index, month_day) = (at.month0() as usize, at.day());
    match (locale, day - today) {
        (Locale::Ru, ..=0) => format!("сегодня с {time}"),
        (Locale::Ru, 1) => format!("завтра с {time}"),
        (Locale::Ru, _) => format!("{month_day} {} с {time}", MONTHS_RU[month_index]),
        (Locale::En, ..=0) => format!("today from {time}"),
        (Locale::En, 1) => format!("tomorrow from {time}"),
        (Locale::En, _) => format!("{month_day} {} from {time}", MONTHS_EN[month_index]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn rub(s: &str) -> Money {
        Money::rub(Decimal::from_str(s).expect("test amount is a decimal"))
    }

    /// Unix seconds of the UTC instant (y, m, d, h, min).
    fn unix(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).expect("test date is valid").and_utc().timestamp()
    }

    #[test]
    fn russian_prices_group_thousands_with_no_break_spaces_and_hide_zero_kopecks() {
        assert_eq!(format_money(Locale::Ru, &rub("12990")), "12\u{a0}990\u{a0}₽");
        assert_eq!(format_money(Locale::Ru, &rub("12990.5")), "12\u{a0}990,50\u{a0}₽");
        assert_eq!(format_money(Locale::Ru, &rub("990.00")), "990\u{a0}₽");
        assert_eq!(format_money(Locale::Ru, &rub("1234567.05")), "1\u{a0}234\u{a0}567,05\u{a0}₽");
        assert_eq!(format_money(Locale::Ru, &rub("0")), "0\u{a0}₽");
    }

    #[test]
    fn english_prices_lead_with_the_currency_code_and_use_commas() {
        assert_eq!(format_money(Locale::En, &rub("12990")), "RUB\u{a0}12,990");
        assert_eq!(format_money(Locale::En, &rub("12990.50")), "RUB\u{a0}12,990.50");
        assert_eq!(format_money(Locale::En, &rub("100000")), "RUB\u{a0}100,000");
    }

    #[test]
    fn prices_round_to_kopecks_before_formatting() {
        assert_eq!(format_money(Locale::Ru, &rub("9.995")), "10\u{a0}₽");
        assert_eq!(format_money(Locale::En, &rub("-5.5")), "RUB\u{a0}-5.50");
    }

    #[test]
    fn distances_switch_from_metres_to_kilometres() {
        assert_eq!(format_distance(Locale::Ru, 350), "350\u{a0}м");
        assert_eq!(format_distance(Locale::En, 350), "350\u{a0}m");
        assert_eq!(format_distance(Locale::Ru, 4_200), "4,2\u{a0}км");
        assert_eq!(format_distance(Locale::En, 4_249), "4.2\u{a0}km");
        assert_eq!(format_distance(Locale::Ru, 1_000), "1\u{a0}км");
        assert_eq!(format_distance(Locale::Ru, 9_960), "10\u{a0}км");
        assert_eq!(format_distance(Locale::En, 634_400), "634\u{a0}km");
        assert_eq!(format_distance(Locale::En, 1_634_400), "1,634\u{a0}km");
    }

    #[test]
    fn pickup_today_tomorrow_or_a_date_in_moscow_time() {
        let now = unix(2026, 11, 25, 9, 0); // 12:00 in Moscow
        assert_eq!(format_pickup(Locale::Ru, unix(2026, 11, 25, 11, 30), now, 180), "сегодня с 14:30");
        assert_eq!(format_pickup(Locale::En, unix(2026, 11, 25, 11, 30), now, 180), "today from 14:30");
        assert_eq!(format_pickup(Locale::Ru, unix(2026, 11, 26, 7, 0), now, 180), "завтра с 10:00");
        assert_eq!(format_pickup(Locale::En, unix(2026, 11, 26, 7, 0), now, 180), "tomorrow from 10:00");
        assert_eq!(format_pickup(Locale::Ru, unix(2026, 11, 28, 7, 0), now, 180), "28 ноября с 10:00");
        assert_eq!(format_pickup(Locale::En, unix(2026, 12, 1, 7, 0), now, 180), "1 Dec from 10:00");
    }

    #[test]
    fn pickup_after_local_midnight_is_tomorrow_even_on_the_same_utc_day() {
        let now = unix(2026, 11, 25, 20, 0); // 23:00 in Moscow
        assert_eq!(format_pickup(Locale::Ru, unix(2026, 11, 25, 21, 30), now, 180), "завтра с 00:30");
    }

    #[test]
    fn pickup_dates_cross_month_year_and_leap_day_boundaries() {
        let now = unix(2028, 2, 26, 9, 0);
        assert_eq!(format_pickup(Locale::Ru, unix(2028, 2, 29, 7, 0), now, 180), "29 февраля с 10:00");
        assert_eq!(format_pickup(Locale::En, unix(2028, 3, 1, 7, 0), now, 180), "1 Mar from 10:00");
        let now = unix(2026, 12, 29, 9, 0);
        assert_eq!(format_pickup(Locale::Ru, unix(2026, 12, 31, 20, 59), now, 180), "31 декабря с 23:59");
        assert_eq!(format_pickup(Locale::En, unix(2026, 12, 31, 21, 0), now, 180), "1 Jan from 00:00");
    }

    #[test]
    fn pickup_before_1970_and_west_of_greenwich_uses_the_local_date() {
        let now = unix(1969, 7, 18, 12, 0);
        assert_eq!(format_pickup(Locale::En, unix(1969, 7, 21, 2, 56), now, -300), "20 Jul from 21:56");
        assert_eq!(format_pickup(Locale::Ru, unix(1969, 7, 21, 2, 56), now, 0), "21 июля с 02:56");
    }

    #[test]
    fn pickup_beyond_the_calendar_range_still_formats() {
        assert!(format_pickup(Locale::Ru, i64::MAX / 2, 0, 0).ends_with(" с 23:59"));
        assert!(format_pickup(Locale::En, i64::MIN / 2, 0, 0).starts_with("today from "));
    }

    #[test]
    fn headline_counts_stores_with_russian_plurals() {
        assert_eq!(availability_headline(Locale::Ru, 3, true), "В наличии в 3 магазинах рядом с вами");
        assert_eq!(availability_headline(Locale::Ru, 21, false), "В наличии в 21 магазине");
        assert_eq!(availability_headline(Locale::En, 1, true), "In stock in 1 store near you");
        assert_eq!(availability_headline(Locale::En, 3, false), "In stock in 3 stores");
        assert_eq!(availability_headline(Locale::Ru, 0, true), "Нет в наличии");
        assert_eq!(availability_headline(Locale::En, 0, false), "Out of stock");
    }

    #[test]
    fn russian_plural_forms() {
        let forms = |n| plural_ru(n, "товар", "товара", "товаров");
        assert_eq!(
            [forms(1), forms(2), forms(5), forms(11), forms(12), forms(21), forms(24)],
            ["товар", "товара", "товаров", "товаров", "товаров", "товар", "товара"]
        );
    }

    #[test]
    fn cart_adjustments_say_what_was_kept_and_why() {
        let sku = crate::Sku::parse("PHN-0001").expect("test sku");
        let capped = Adjustment { sku: sku.clone(), requested: 12, kept: 10, reason: AdjustmentReason::LineMaximum };
        assert_eq!(cart_adjustment_text(Locale::Ru, "Телефон X", &capped), "Телефон X: оставили 10 из 12 — максимум на одну позицию");
        assert_eq!(cart_adjustment_text(Locale::En, "Phone X", &capped), "Phone X: kept 10 of 12 — the most for one line");
        let sold_out = Adjustment { sku: sku.clone(), requested: 2, kept: 0, reason: AdjustmentReason::Availability };
        assert_eq!(cart_adjustment_text(Locale::Ru, "X", &sold_out), "X: убрали из корзины — нет в наличии");
        let gone = Adjustment { sku, requested: 1, kept: 0, reason: AdjustmentReason::Discontinued };
        assert_eq!(cart_adjustment_text(Locale::En, "X", &gone), "X: removed — no longer sold");
    }

    #[test]
    fn shelf_stock_and_code_validity_read_naturally() {
        assert_eq!(shelf_here(Locale::Ru, 3), "На полке здесь: 3\u{a0}шт.");
        assert_eq!(shelf_here(Locale::En, 3), "On the shelf here: 3");
        let at = unix(2026, 11, 25, 11, 30);
        assert_eq!(handoff_valid_until(Locale::Ru, at, 180), "Код действует до 14:30");
        assert_eq!(handoff_valid_until(Locale::En, at, -60), "The code is valid until 10:30");
    }

    #[test]
    fn date_times_are_shown_in_the_viewers_time_zone() {
        let at = unix(2026, 11, 25, 11, 30);
        assert_eq!(format_date_time(Locale::Ru, at, 180), "25 ноября 2026, 14:30");
        assert_eq!(format_date_time(Locale::En, at, -60), "25 Nov 2026, 10:30");
        assert!(format_date_time(Locale::En, i64::MAX, 180).ends_with(":59"));
    }

    #[test]
    fn every_order_status_has_a_name_in_both_languages() {
        for status in OrderStatus::ALL {
            assert!(!order_status_name(Locale::Ru, status).is_empty() && !order_status_name(Locale::En, status).is_empty());
        }
        assert_eq!(order_status_name(Locale::Ru, OrderStatus::ReadyForPickup), "Готов к выдаче");
        assert_eq!(order_status_name(Locale::En, OrderStatus::ReadyForPickup), "Ready for pickup");
    }

    #[test]
    fn points_take_russian_plurals() {
        assert_eq!(points_count(Locale::Ru, 1), "1\u{a0}балл");
        assert_eq!(points_count(Locale::Ru, 3), "3\u{a0}балла");
        assert_eq!(points_count(Locale::Ru, 120), "120\u{a0}баллов");
        assert_eq!(points_count(Locale::Ru, 1021), "1021\u{a0}балл");
        assert_eq!(points_count(Locale::En, 1), "1\u{a0}point");
        assert_eq!(points_count(Locale::En, -5), "-5\u{a0}points");
        assert_eq!(points_expiring_text(Locale::Ru, 21, unix(2026, 11, 25, 11, 30), 180), "21\u{a0}балл сгорит 25 ноября 2026");
        assert_eq!(points_expiring_text(Locale::En, 40, unix(2026, 11, 25, 11, 30), 180), "40\u{a0}points expire on 25 Nov 2026");
    }

    #[test]
    fn a_hold_says_only_the_time_today_and_the_date_otherwise() {
        let now = unix(2026, 11, 25, 9, 0);
        assert_eq!(held_until(Locale::Ru, unix(2026, 11, 25, 11, 30), now, 180), "Ждёт вас до 14:30");
        assert_eq!(held_until(Locale::En, unix(2026, 11, 25, 11, 30), now, 180), "Held until 14:30");
        assert_eq!(held_until(Locale::Ru, unix(2026, 11, 26, 7, 0), now, 180), "Ждёт вас до 26 ноября, 10:00");
        assert_eq!(held_until(Locale::En, unix(2026, 11, 28, 7, 0), now, 180), "Held until 28 Nov, 10:00");
    }

    #[test]
    fn unknown_actors_and_methods_are_shown_as_sent() {
        assert_eq!(order_actor_name(Locale::Ru, "staff"), "магазин");
        assert_eq!(order_actor_name(Locale::En, "robot"), "robot");
        assert_eq!(payment_method_name(Locale::En, "test_card"), "Card online (test provider)");
        assert_eq!(payment_status_name(Locale::Ru, "refunded"), "refunded");
        assert_eq!(return_status_name(Locale::En, "requested"), "waiting for the items in the store");
    }

    #[test]
    fn lead_times_holds_and_shortfalls_read_naturally() {
        assert_eq!(delivery_days(Locale::Ru, 1), "доставка за 1\u{a0}день");
        assert_eq!(delivery_days(Locale::Ru, 2), "доставка за 2\u{a0}дня");
        assert_eq!(delivery_days(Locale::En, 5), "delivered in 5 days");
        assert!(reserve_note(Locale::Ru, 120).contains("2\u{a0}ч"));
        assert!(reserve_note(Locale::En, 90).contains("90\u{a0}min"));
        assert_eq!(missing_units(Locale::Ru, 2), "Не хватает 2\u{a0}шт.");
        assert_eq!(missing_units(Locale::En, 1), "1 item missing");
        assert_eq!(format_date(Locale::En, unix(2026, 11, 25, 23, 30), 180), "26 Nov 2026");
    }

    #[test]
    fn other_devices_with_notifications_take_the_russian_prepositional() {
        assert_eq!(push_other_devices(Locale::Ru, 1), "Уведомления включены ещё на 1 устройстве");
        assert_eq!(push_other_devices(Locale::Ru, 3), "Уведомления включены ещё на 3 устройствах");
        assert_eq!(push_other_devices(Locale::Ru, 11), "Уведомления включены ещё на 11 устройствах");
        assert_eq!(push_other_devices(Locale::Ru, 21), "Уведомления включены ещё на 21 устройстве");
        assert_eq!(push_other_devices(Locale::En, 1), "Notifications are also on for 1 other device");
        assert_eq!(push_other_devices(Locale::En, 2), "Notifications are also on for 2 other devices");
    }

    #[test]
    fn every_channel_has_a_name_in_both_languages() {
        for c in [Channel::Web, Channel::Pwa, Channel::Kiosk, Channel::Pos] {
            assert!(!channel_name(Locale::Ru, c).is_empty() && !channel_name(Locale::En, c).is_empty());
        }
    }

    #[test]
    fn locale_codes_round_trip() {
        for l in [Locale::Ru, Locale::En] {
            assert_eq!(Locale::from_code(l.code()), Some(l));
            assert_eq!(l.other().other(), l);
        }
        assert_eq!(Locale::from_code("de"), None);
    }

    #[test]
    fn offer_rule_usage_reads_naturally_in_both_languages() {
        assert_eq!(rule_uses(Locale::Ru, 12, &rub("3400")), "12\u{a0}использований · скидок на 3\u{a0}400\u{a0}₽");
        assert_eq!(rule_uses(Locale::Ru, 1, &rub("0")), "1\u{a0}использование · скидок на 0\u{a0}₽");
        assert_eq!(rule_uses(Locale::En, 1, &rub("3400")), "1 use · RUB\u{a0}3,400 given");
        assert_eq!(rule_uses_of(Locale::Ru, 3, 21), "3 из 21\u{a0}использования");
        assert_eq!(rule_uses_of(Locale::En, 3, 100), "3 of 100 uses");
        assert_eq!(rule_budget_used(Locale::En, &rub("3400"), &rub("10000")), "budget: RUB\u{a0}3,400 of RUB\u{a0}10,000 (34%)");
        assert_eq!(rule_budget_used(Locale::Ru, &rub("1"), &rub("3")), "бюджет: 1\u{a0}₽ из 3\u{a0}₽ (33\u{a0}%)");
        assert_eq!(rule_per_customer(Locale::Ru, 1), "не больше 1\u{a0}раза на покупателя");
        assert_eq!(rule_per_customer(Locale::Ru, 5), "не больше 5\u{a0}раз на покупателя");
        assert_eq!(rule_version(Locale::En, 3), "version 3");
    }

    #[test]
    fn kpi_numbers_use_the_locales_decimal_mark() {
        let d = |s: &str| Decimal::from_str(s).expect("test decimal");
        assert_eq!(format_percent(Locale::Ru, &d("12.50")), "12,5\u{a0}%");
        assert_eq!(format_percent(Locale::En, &d("12.50")), "12.5%");
        assert_eq!(format_decimal(Locale::Ru, &d("2.00")), "2");
        assert_eq!(recipients_count(Locale::Ru, 2), "2\u{a0}получателя");
        assert_eq!(recipients_count(Locale::En, 1), "1 recipient");
        assert_eq!((weekday_short(Locale::Ru, 1), weekday_short(Locale::En, 7), weekday_short(Locale::En, 0)), ("Пн", "Sun", "?"));
        assert_eq!(tier_name(Locale::Ru, Tier::Gold), "Золотой");
    }

    proptest! {
        #[test]
        fn russian_prices_never_show_a_decimal_point_and_end_with_the_rouble_sign(minor in any::<i64>()) {
            let text = format_money(Locale::Ru, &Money::from_minor_units(minor, Currency::Rub));
            prop_assert!(!text.contains('.'), "{text:?}");
            prop_assert!(text.ends_with("\u{a0}₽"), "{text:?}");
        }

        #[test]
        fn grouped_thousands_give_back_the_digits_without_their_separators(
            n in any::<u64>(),
            sep in prop_oneof![Just(NBSP), Just(','), Just(' ')],
        ) {
            let grouped = group_thousands(n, sep);
            prop_assert_eq!(grouped.replace(sep, ""), n.to_string());
            let groups: Vec<&str> = grouped.split(sep).collect();
            prop_assert!((1..=3).contains(&groups[0].len()), "{grouped:?}");
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{grouped:?}");
        }
    }
}
