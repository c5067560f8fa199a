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

pub use errors::{error_codes, error_text, is_known_error, ErrorText, ERROR_TEXTS};
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

/// A fixed UI string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    SiteName,
    Tagline,
    HeroTitle,
    HeroText,
    SearchLabel,
    SearchPlaceholder,
    SearchSubmit,
    CategoriesHeading,
    CategoryNavLabel,
    FeaturedHeading,
    Loading,
    LangSwitchText,
    LangSwitchLabel,
    PagerLabel,
    PagerPrev,
    PagerNext,
    SearchHeading,
    SearchPrompt,
    NoResults,
    EmptyCategory,
    CategoryFallbackTitle,
    Home,
    BreadcrumbLabel,
    Brand,
    Sku,
    Description,
    Specifications,
    InStock,
    OutOfStock,
    AvailabilityHeading,
    CheckingAvailability,
    UseMyLocation,
    Locating,
    CityLabel,
    CityPlaceholder,
    GeoDenied,
    GeoUnavailable,
    GeoTimeout,
    GeoUnsupported,
    GeoUsingLocation,
    GeoUsingCity,
    GeoNoPosition,
    ShowCity,
    AvailabilityNotUpdated,
    OpenNow,
    ClosedNow,
    Pickup,
    ErrNetwork,
    ErrTimeout,
    ErrServer,
    ErrDecode,
    ErrProductNotFound,
    ErrCategoryNotFound,
    ErrNotFound,
    ErrBadRequest,
    ErrUnknown,
    ErrHint,
    Retry,
    OfflineBanner,
    NotFoundTitle,
    NotFoundText,
    ToHome,
    FooterNote,
    CartLink,
    CartLinkLabel,
    AddToCart,
    AddOneMore,
    InCartPrefix,
    GoToCart,
    CartLineMaxReached,
    CartTitle,
    CartEmpty,
    ContinueShopping,
    UnitPrice,
    Quantity,
    LineTotal,
    QtyDecrease,
    QtyIncrease,
    RemoveLine,
    CartSubtotal,
    CartTotal,
    CartSummary,
    CartUpdatedElsewhere,
    CartConflict,
    CartInsufficientStock,
    CartLineTooLarge,
    CartFull,
    CartWriteFailed,
    CartOffline,
    CartRepriced,
    OfflineTitle,
    ActionNeedsNetwork,
    OfflineText,
    CartQueuedOffline,
    CartSyncedOffline,
    CartSyncedAdjusted,
    SignIn,
    AccountLink,
    SignInTitle,
    SignInHeading,
    RegisterHeading,
    Email,
    Password,
    PasswordHint,
    Name,
    SignInSubmit,
    RegisterSubmit,
    Working,
    ErrBadCredentials,
    ErrEmailTaken,
    ErrInvalidEmail,
    ErrPasswordPolicy,
    ErrTooManyRequests,
    ErrAuthFailed,
    CartMergeHeading,
    AccountTitle,
    ProfileHeading,
    Phone,
    CityNone,
    Language,
    Save,
    Saved,
    ErrInvalidProfile,
    DevicesHeading,
    ThisDevice,
    LastSeen,
    SignOut,
    SignOutDevice,
    SignInRequired,
    KioskAllProducts,
    KioskCategoriesLabel,
    KioskBack,
    KioskCartLabel,
    KioskItems,
    OrderElsewhere,
    KioskResetNotice,
    KioskEnrolTitle,
    KioskEnrolIntro,
    KioskEnrolCodeLabel,
    KioskEnrolCodeHint,
    KioskEnrolSubmit,
    KioskEnrolSelf,
    KioskEnrolFailed,
    KioskEnrolUnknown,
    KioskEnrolUsed,
    KioskEnrolExpired,
    ErrStoreNotFound,
    HandoffButton,
    HandoffTitle,
    HandoffScan,
    HandoffCodeLabel,
    HandoffQrLabel,
    HandoffClose,
    HandoffEmptyCart,
    HandoffFailed,
    HandoffPageTitle,
    HandoffPageIntro,
    ClaimButton,
    ClaimedHeading,
    ClaimUnknown,
    ClaimUsed,
    ClaimExpired,
    ClaimSameCart,
    ClaimFailed,
    HandoffEnterHeading,
    HandoffInputLabel,
    HandoffInputHint,
    HandoffInvalidCode,
    HandoffOpen,
    CheckoutButton,
    CheckoutTitle,
    CheckoutEmpty,
    FulfilmentHeading,
    WayPickup,
    WayPickupHint,
    WayDelivery,
    WayDeliveryHint,
    WayPickupPoint,
    WayPickupPointHint,
    PickupStoreLegend,
    StoreAllInStock,
    NoStoreHasAll,
    AddressLegend,
    Postcode,
    AddressCity,
    Street,
    House,
    Apartment,
    CourierComment,
    Optional,
    PickupPointLegend,
    ContactLegend,
    PhoneHint,
    PaymentLegend,
    PayOnPickup,
    PayOnPickupHint,
    TestCardOption,
    TestCardNotice,
    TestCardNumbers,
    CardNumber,
    PointsLegend,
    PointsToRedeem,
    SummaryGoods,
    SummaryDelivery,
    SummaryPoints,
    SummaryTotal,
    DeliveryFree,
    DeliveryUnknown,
    PlaceOrder,
    ErrRequired,
    ErrPostcode,
    ErrOutsideRegions,
    ErrPhone,
    ErrCardNumber,
    ErrChooseStore,
    ErrChoosePoint,
    ErrFieldInvalid,
    ErrCheckFields,
    ErrPaymentDeclined,
    ErrStockChanged,
    ErrCartChanged,
    ErrLoyaltyChanged,
    ErrSignInForPoints,
    ErrUnknownPoint,
    ErrCartEmptyAtCheckout,
    ErrOrderFailed,
    OrderPlaced,
    OrderCreatedAt,
    OrderLinesHeading,
    OrderReturned,
    OrderReceiveHeading,
    PromisedPickup,
    PromisedDelivery,
    OrderRecipient,
    OrderPaymentHeading,
    CardEnding,
    OrderHistoryHeading,
    PointsEarned,
    CancelOrder,
    CancelConfirm,
    CancelYes,
    CancelNo,
    ErrActionFailed,
    ReturnsHeading,
    ReturnIntro,
    ReturnQty,
    ReturnStore,
    ReturnReason,
    ReturnSubmit,
    ReturnNothingChosen,
    ReturnRequested,
    ReturnFailed,
    ReturnRefund,
    ReturnsListHeading,
    NpsQuestion,
    NpsScale,
    NpsFollowUp,
    NpsSend,
    NpsThanks,
    NpsFailed,
    MyOrdersHeading,
    NoOrders,
    LoyaltyHeading,
    LoyaltyCardNumber,
    LoyaltyBalance,
    LoyaltyExpiringSoon,
    LoyaltyNothingExpiring,
    LoyaltyHistory,
    StaffLink,
    StaffTitle,
    StaffSignIn,
    StaffRoleRequired,
    StaffStoreLabel,
    StaffChooseStore,
    StaffToPrepare,
    StaffWaiting,
    StaffDone,
    StaffNone,
    StaffReady,
    StaffCollected,
    StaffCancel,
    StaffAutoRefresh,
    StaffKiosksTitle,
    StaffKiosksIntro,
    StaffKioskIssue,
    StaffKioskCodeLabel,
    StaffKioskCodeHelp,
    StaffKioskNone,
    StaffKioskEnrolled,
    StaffKioskUnenrol,
    StaffKioskFailed,
    PushCardTitle,
    PushCardIntro,
    PushTopicsLegend,
    PushTopicCart,
    PushTopicCartHint,
    PushTopicOrders,
    PushTopicOrdersHint,
    PushTopicPromotions,
    PushTopicPromotionsHint,
    PushTurnOn,
    PushNotNow,
    PushOffNote,
    PushTurnedOn,
    PushNeedsHomeScreen,
    PushUnsupported,
    PushDenied,
    PushPromptDismissed,
    PushFailed,
    PushSaveFailed,
    PushSettingsHeading,
    PushOnHere,
    PushOffHere,
    PushTurnOff,
    PushTurnOffFailed,
    PushWatchingHeading,
    PushNotifyBack,
    PushNotifyBackOn,
    PushWatchRemove,
    ErrOrderInProgress,
    ErrOrderNotFound,
    DeliveryChoosePoint,
    SummaryDiscount,
    // The marketer console (`/admin…`) and offers shown to shoppers.
    AdminLink,
    AdminTitle,
    AdminSignIn,
    AdminRoleRequired,
    AdminTabsLabel,
    AdminTabRules,
    AdminTabSegments,
    AdminTabKpis,
    AdminTabCampaigns,
    AdminRulesHeading,
    AdminNewRule,
    AdminEditRule,
    AdminNoRules,
    AdminColStatus,
    AdminColRule,
    AdminColPriority,
    AdminColStacking,
    AdminColUsage,
    AdminColVersion,
    AdminColActions,
    AdminEnabled,
    AdminDisabled,
    AdminEnable,
    AdminDisable,
    AdminEdit,
    AdminDelete,
    AdminDeleteConfirm,
    AdminDeleteYes,
    AdminRuleChanged,
    AdminActionFailed,
    AdminStackable,
    AdminStackableHint,
    AdminExclusive,
    AdminExclusiveHint,
    AdminStackingHeading,
    AdminGroup,
    AdminGroupHint,
    AdminHoldout,
    AdminHoldoutHint,
    AdminBasics,
    AdminRuleId,
    AdminRuleIdHint,
    AdminRuleIdFixed,
    AdminRuleName,
    AdminRuleDescription,
    AdminRuleDescriptionHint,
    AdminRuleEnabled,
    AdminPriority,
    AdminPriorityHint,
    AdminLimitsHeading,
    AdminLimitsHint,
    AdminPerCustomer,
    AdminTotalUses,
    AdminBudget,
    AdminConditionsHeading,
    AdminConditionsHint,
    AdminAddCondition,
    AdminCondition,
    AdminConditionType,
    AdminRemove,
    AdminFrom,
    AdminTo,
    AdminWeekdays,
    AdminFromTime,
    AdminToTime,
    AdminUtcOffset,
    AdminUtcOffsetHint,
    AdminLatitude,
    AdminLongitude,
    AdminRadius,
    AdminPoints,
    AdminAmount,
    AdminDays,
    AdminMinOrders,
    AdminMaxOrders,
    AdminCategory,
    AdminChooseCategory,
    AdminSku,
    AdminMinQty,
    AdminQty,
    AdminNewCustomerYes,
    AdminNewCustomerNo,
    AdminSignedInYes,
    AdminSignedInNo,
    AdminEffectHeading,
    AdminEffectType,
    AdminTarget,
    AdminPercent,
    AdminPercentHint,
    AdminAmountOff,
    AdminBuy,
    AdminGet,
    AdminFactor,
    AdminFactorHint,
    AdminJsonSummary,
    AdminJsonIncomplete,
    AdminSaveRule,
    AdminSaved,
    AdminSaveFailed,
    AdminRuleRefused,
    AdminRuleExists,
    AdminRuleChangedEditing,
    AdminLoadLatest,
    AdminBackToRules,
    AdminHistory,
    AdminLoadVersion,
    AdminVersionDeleted,
    AdminErrWholeNumber,
    AdminErrNumber,
    AdminErrAmount,
    AdminErrPercent,
    AdminErrSku,
    AdminErrChooseCategory,
    AdminErrChooseOne,
    AdminErrCoordinates,
    AdminErrDateTime,
    AdminErrTime,
    AdminErrRuleId,
    AdminErrRuleNotFound,
    AdminPreviewHeading,
    AdminPreviewHint,
    AdminPreviewCustomer,
    AdminPreviewCustomerHint,
    AdminPreviewChannel,
    AdminPreviewStore,
    AdminPreviewNoStore,
    AdminPreviewCart,
    AdminPreviewAddLine,
    AdminPreviewAt,
    AdminPreviewAtHint,
    AdminPreviewAsEnabled,
    AdminPreviewRun,
    AdminPreviewFixRule,
    AdminPreviewNeedsLine,
    AdminPreviewUnknownCustomer,
    AdminPreviewUnknownSku,
    AdminPreviewFailed,
    AdminPreviewApplied,
    AdminPreviewRejected,
    AdminPreviewNoneApplied,
    AdminPreviewFreeDelivery,
    AdminPreviewPoints,
    AdminPreviewGroups,
    AdminSegmentsHeading,
    AdminSegmentsHint,
    AdminColSegment,
    AdminColCustomers,
    AdminColCondition,
    AdminCopy,
    AdminCopied,
    AdminCopyFailed,
    AdminKpisHeading,
    AdminPeriodFrom,
    AdminPeriodTo,
    AdminPeriodApply,
    AdminChartsHeading,
    AdminNpsHeading,
    AdminNpsRecent,
    AdminNpsNoAnswers,
    AdminCampaignsHeading,
    AdminCampaignsSent,
    AdminCampaignTitle,
    AdminCampaignBody,
    AdminCampaignUrl,
    AdminCampaignUrlHint,
    AdminCampaignAudience,
    AdminCampaignAllSubscribers,
    AdminCampaignCount,
    AdminCampaignSend,
    AdminCampaignSendYes,
    AdminCampaignConfirm,
    AdminCampaignSentOk,
    AdminCampaignFailed,
    AdminNoCampaigns,
    AdminColRecipients,
    AdminColSent,
    AdminColFailed,
    AdminColPending,
    AdminColClicked,
    CondSchedule,
    CondChannels,
    CondStores,
    CondNear,
    CondTiers,
    CondPointsAtLeast,
    CondSpendAtLeast,
    CondOrderCount,
    CondBoughtCategory,
    CondNewCustomer,
    CondSignedIn,
    CondSubtotalAtLeast,
    CondContainsSku,
    CondContainsCategory,
    EffectPercentOff,
    EffectAmountOff,
    EffectBuyXGetY,
    EffectFreeDelivery,
    EffectPointsMultiplier,
    EffectGift,
    TargetCart,
    TargetCategory,
    TargetSku,
    KpiRevenue,
    KpiTransactions,
    KpiOfferDiscounts,
    KpiAverageCheck,
    KpiPurchaseFrequency,
    KpiBuyers,
    KpiParticipation,
    KpiTenure,
    KpiRedemptionRate,
    KpiBreakage,
    KpiMemberSpend,
    KpiPointsPerTransaction,
    KpiCostPerPoint,
    KpiChurn,
    KpiNps,
    KpiResponses,
    NpsPromoters,
    NpsPassives,
    NpsDetractors,
    ChartRevenue,
    ChartTransactions,
    ChartAverageCheck,
    ChartPointsIssued,
    ChartPointsRedeemed,
    CheckingOffers,
    OffersApplied,
    PriceForYou,
    PopularHeading,
    StoresTitle,
    StoresIntro,
    StoreHours,
    StoreOnMap,
    StoreInStockHeading,
    StoreClosedDay,
    StoreAllStores,
    CityShow,
    AvailabilityInCity,
    FooterShop,
    FooterHelp,
    DeliveryTitle,
    DeliveryText,
    ReturnsTitle,
    ReturnsText,
    ContactsTitle,
    ContactsText,
    LegalTitle,
    LegalText,
    SearchResultsFor,
    AddToCartNoScript,
    SearchDidYouMean,
    SearchPopularCategories,
    SearchCorrected,
}

/// The string for `key` in `locale`.
pub fn t(locale: Locale, key: Key) -> &'static str {
    let (ru, en) = match key {
        Key::PopularHeading => ("Популярное в наличии", "Popular and in stock"),
        Key::SearchDidYouMean => ("Возможно, вы искали", "Did you mean"),
        Key::SearchCorrected => ("Показаны результаты по запросу", "Showing results for"),
        Key::SearchPopularCategories => ("Популярные категории", "Popular categories"),
        Key::StoresTitle => ("Магазины", "Stores"),
        Key::StoresIntro => ("Заберите заказ в удобном магазине: адреса, часы работы и наличие товаров.", "Collect your order at a store that suits you: addresses, opening hours and what is in stock."),
        Key::StoreHours => ("Часы работы", "Opening hours"),
        Key::StoreOnMap => ("Открыть на карте", "Open on the map"),
        Key::StoreInStockHeading => ("Сейчас в наличии в этом магазине", "In stock at this store now"),
        Key::StoreClosedDay => ("выходной", "closed"),
        Key::StoreAllStores => ("Все магазины", "All stores"),
        Key::CityShow => ("Показать", "Show"),
        Key::AvailabilityInCity => ("Наличие в магазинах города", "Stock in the stores of"),
        Key::FooterShop => ("Магазин", "Shop"),
        Key::FooterHelp => ("Покупателям", "Help"),
        Key::DeliveryTitle => ("Доставка и самовывоз", "Delivery and pickup"),
        Key::DeliveryText => ("Заказ можно забрать в любом магазине сети в Москве и Санкт-Петербурге — бесплатно, обычно в тот же день: время, когда заказ будет готов, показано у каждого магазина. Курьер привезёт заказ по Москве и Санкт-Петербургу; стоимость и срок доставки видны при оформлении заказа до оплаты. Отложенный товар ждёт вас в магазине два рабочих дня.", "Collect your order at any of our stores in Moscow and Saint Petersburg — free, usually the same day: each store shows when your order will be ready. A courier delivers in Moscow and Saint Petersburg; the price and date are shown at checkout before you pay. A reserved item waits for you at the store for two working days."),
        Key::ReturnsTitle => ("Возврат и обмен", "Returns and exchanges"),
        Key::ReturnsText => ("Товар надлежащего качества можно вернуть в течение 14 дней, если он не был в употреблении и сохранены упаковка и чек (статья 25 Закона «О защите прав потребителей»). Возврат оформляется в личном кабинете или в любом магазине сети; деньги возвращаются тем же способом, которым был оплачен заказ, в течение 10 дней.", "Items in good condition can be returned within 14 days if unused, in their packaging and with the receipt (Article 25 of the Russian Consumer Protection Law). Start a return in your account or at any of our stores; the money goes back the way you paid within 10 days."),
        Key::ContactsTitle => ("Контакты", "Contacts"),
        Key::ContactsText => ("Служба поддержки: 8 800 000-00-00 (бесплатно по России, ежедневно с 9:00 до 21:00), support@vitrina.example. Адреса и телефоны магазинов — на странице «Магазины».", "Customer service: 8 800 000-00-00 (free within Russia, daily 9:00–21:00), support@vitrina.example. Store addresses and phone numbers are on the Stores page."),
        Key::LegalTitle => ("Правовая информация", "Legal information"),
        Key::LegalText => ("Витрина — демонстрационный магазин проекта с открытым исходным кодом. Персональные данные обрабатываются только для оформления и выдачи заказов (152-ФЗ); платежи в демо-режиме не списываются. Цены указаны в рублях с учётом НДС.", "Vitrina is the demo shop of an open-source project. Personal data is processed only to place and hand over orders (Russian Federal Law 152-FZ); no payment is taken in demo mode. Prices are in roubles including VAT."),
        Key::SearchResultsFor => ("Результаты поиска", "Search results"),
        Key::AddToCartNoScript => ("В корзину", "Add to cart"),
        Key::SiteName => ("Витрина", "Vitrina"),
        Key::Tagline => {
            ("Электроника с самовывозом в Москве и Санкт-Петербурге", "Electronics with in-store pickup in Moscow and Saint Petersburg")
        }
        Key::HeroTitle => ("Проверьте наличие до поездки в магазин", "Check stock before you go"),
        Key::HeroText => (
            "Найдите товар и узнайте, в каких магазинах рядом с вами он есть и когда его можно забрать.",
            "Find a product and see which stores near you have it and when you can pick it up.",
        ),
        Key::SearchLabel => ("Поиск товаров", "Search products"),
        Key::SearchPlaceholder => ("Например, наушники", "e.g. headphones"),
        Key::SearchSubmit => ("Найти", "Search"),
        Key::CategoriesHeading => ("Категории", "Categories"),
        Key::CategoryNavLabel => ("Категории товаров", "Product categories"),
        Key::FeaturedHeading => ("Популярные товары", "Featured products"),
        Key::Loading => ("Загрузка…", "Loading…"),
        Key::LangSwitchText => ("EN", "RU"),
        Key::LangSwitchLabel => ("Switch to English", "Переключить на русский"),
        Key::PagerLabel => ("Страницы", "Pages"),
        Key::PagerPrev => ("Назад", "Previous"),
        Key::PagerNext => ("Вперёд", "Next"),
        Key::SearchHeading => ("Поиск", "Search"),
        Key::SearchPrompt => ("Введите запрос, чтобы найти товары.", "Type a query to find products."),
        Key::NoResults => ("Ничего не нашлось. Попробуйте другой запрос.", "Nothing found. Try a different query."),
        Key::EmptyCategory => ("В этой категории пока нет товаров.", "There are no products in this category yet."),
        Key::CategoryFallbackTitle => ("Категория", "Category"),
        Key::Home => ("Главная", "Home"),
        Key::BreadcrumbLabel => ("Навигационная цепочка", "Breadcrumb"),
        Key::Brand => ("Бренд", "Brand"),
        Key::Sku => ("Артикул", "SKU"),
        Key::Description => ("Описание", "Description"),
        Key::Specifications => ("Характеристики", "Specifications"),
        Key::InStock => ("В наличии", "In stock"),
        Key::OutOfStock => ("Нет в наличии", "Out of stock"),
        Key::AvailabilityHeading => ("Наличие в магазинах", "Store availability"),
        Key::CheckingAvailability => ("Проверяем наличие…", "Checking availability…"),
        Key::UseMyLocation => ("Использовать моё местоположение", "Use my location"),
        Key::Locating => ("Определяем местоположение…", "Finding your location…"),
        Key::CityLabel => ("Ваш город", "Your city"),
        Key::CityPlaceholder => ("Выберите город", "Choose a city"),
        Key::GeoDenied => {
            ("Доступ к местоположению запрещён. Выберите город из списка.", "Location access was denied. Choose your city from the list.")
        }
        Key::GeoUnavailable => (
            "Не удалось определить местоположение. Выберите город из списка.",
            "Your location is unavailable. Choose your city from the list.",
        ),
        Key::GeoTimeout => (
            "Местоположение не определилось вовремя. Выберите город из списка.",
            "Finding your location took too long. Choose your city from the list.",
        ),
        Key::GeoUnsupported => (
            "Браузер не умеет определять местоположение. Выберите город из списка.",
            "This browser cannot share its location. Choose your city from the list.",
        ),
        Key::GeoUsingLocation => ("Расстояния — от вашего местоположения.", "Distances are from your location."),
        Key::GeoUsingCity => ("Расстояния — от центра выбранного города.", "Distances are from the centre of your city."),
        Key::GeoNoPosition => (
            "Укажите местоположение или город, чтобы увидеть ближайшие магазины.",
            "Share your location or choose a city to see the nearest stores.",
        ),
        Key::ShowCity => ("Показать", "Show"),
        Key::AvailabilityNotUpdated => (
            "Не удалось обновить список магазинов — показан прежний.",
            "Could not update the list of stores; the one shown is from before.",
        ),
        Key::OpenNow => ("Открыт сейчас", "Open now"),
        Key::ClosedNow => ("Сейчас закрыт", "Closed now"),
        Key::Pickup => ("Самовывоз", "Pickup"),
        Key::ErrNetwork => ("Нет связи с сервером", "Cannot reach the server"),
        Key::ErrTimeout => ("Сервер не ответил вовремя", "The server took too long to answer"),
        Key::ErrServer => ("Ошибка на сервере", "The server ran into a problem"),
        Key::ErrDecode => ("Не удалось прочитать ответ сервера", "The server's answer could not be read"),
        Key::ErrProductNotFound => ("Товар не найден", "Product not found"),
        Key::ErrCategoryNotFound => ("Категория не найдена", "Category not found"),
        Key::ErrNotFound => ("Не найдено", "Not found"),
        Key::ErrBadRequest => ("Некорректный запрос", "The request was not valid"),
        Key::ErrUnknown => ("Что-то пошло не так", "Something went wrong"),
        Key::ErrHint => ("Проверьте подключение к интернету и попробуйте ещё раз.", "Check your connection and try again."),
        Key::Retry => ("Повторить", "Retry"),
        Key::OfflineBanner => {
            ("Нет подключения к интернету. Данные могут быть неактуальны.", "You are offline. What you see may be out of date.")
        }
        Key::NotFoundTitle => ("Страница не найдена", "Page not found"),
        Key::NotFoundText => (
            "Такой страницы нет. Вернитесь на главную или воспользуйтесь поиском.",
            "There is no such page. Go back to the home page or use the search.",
        ),
        Key::ToHome => ("На главную", "Go to the home page"),
        Key::FooterNote => ("Цены в рублях. Наличие обновляется в течение дня.", "Prices in roubles. Stock is updated throughout the day."),
        Key::CartLink => ("Корзина", "Cart"),
        Key::CartLinkLabel => ("Корзина, товаров:", "Cart, items:"),
        Key::AddToCart => ("В корзину", "Add to cart"),
        Key::AddOneMore => ("Добавить ещё", "Add one more"),
        Key::InCartPrefix => ("В корзине:", "In your cart:"),
        Key::GoToCart => ("Перейти в корзину", "Go to the cart"),
        Key::CartLineMaxReached => ("Это максимум для одной позиции.", "That is the most for one line."),
        Key::CartTitle => ("Корзина", "Your cart"),
        Key::CartEmpty => ("В корзине пока ничего нет.", "Your cart is empty."),
        Key::ContinueShopping => ("Перейти к покупкам", "Continue shopping"),
        Key::UnitPrice => ("Цена", "Price"),
        Key::Quantity => ("Количество", "Quantity"),
        Key::LineTotal => ("Сумма", "Amount"),
        Key::QtyDecrease => ("Уменьшить количество", "Decrease quantity"),
        Key::QtyIncrease => ("Увеличить количество", "Increase quantity"),
        Key::RemoveLine => ("Удалить", "Remove"),
        Key::CartSubtotal => ("Сумма товаров", "Subtotal"),
        Key::CartTotal => ("Итого", "Total"),
        Key::CartSummary => ("Итог заказа", "Order summary"),
        Key::CartUpdatedElsewhere => ("Корзина обновлена на другом устройстве", "Cart updated on another device"),
        Key::CartConflict => (
            "Корзина изменилась на другом устройстве. Показываем её текущее состояние — проверьте и повторите действие.",
            "The cart changed on another device. This is how it stands now — check it and try again.",
        ),
        Key::CartInsufficientStock => {
            ("Столько нет в наличии во всех наших магазинах.", "We do not have that many in stock across our stores.")
        }
        Key::CartLineTooLarge => {
            ("Больше этого количества в одну позицию добавить нельзя.", "You cannot add more of this product to one line.")
        }
        Key::CartFull => ("В корзине слишком много разных товаров.", "The cart holds too many different products."),
        Key::CartWriteFailed => ("Не удалось изменить корзину. Попробуйте ещё раз.", "The cart could not be changed. Please try again."),
        Key::CartQueuedOffline => (
            "Нет сети: изменение сохранено на этом устройстве и уйдёт в корзину, когда связь появится.",
            "You are offline: the change is kept on this device and reaches your cart once you are back online.",
        ),
        Key::CartSyncedOffline => ("Изменения, сделанные без сети, добавлены в корзину.", "The changes made offline are in your cart now."),
        Key::CartSyncedAdjusted => (
            "Изменения, сделанные без сети, отправлены, но не все поместились: столько нет в наличии или больше нельзя.",
            "The changes made offline were sent, but not all fit: there is not that much in stock, or no more is allowed.",
        ),
        Key::OfflineTitle => ("Нет сети", "You are offline"),
        Key::ActionNeedsNetwork => ("нет сети: это можно сделать, когда связь появится", "you are offline: this can be done once you are back online"),
        Key::OfflineText => (
            "Это откроется само, как только связь появится. Страницы, которые вы уже видели, доступны и без сети.",
            "This opens by itself once you are back online. Pages you have seen before work offline too.",
        ),
        Key::CartRepriced => (
            "Цены изменились с тех пор, как вы положили товары в корзину; корзина считается по новым:",
            "Prices changed since you put these in your cart; the cart is priced at the new ones:",
        ),
        Key::CartOffline => (
            "Нет сети: корзина не изменилась. Повторите, когда связь появится.",
            "You are offline: the cart did not change. Try again once you are back online.",
        ),
        Key::SignIn => ("Войти", "Sign in"),
        Key::AccountLink => ("Личный кабинет", "My account"),
        Key::SignInTitle => ("Вход", "Sign in"),
        Key::SignInHeading => ("Уже есть аккаунт", "I have an account"),
        Key::RegisterHeading => ("Новый покупатель", "New customer"),
        Key::Email => ("Эл. почта", "Email"),
        Key::Password => ("Пароль", "Password"),
        Key::PasswordHint => ("Не меньше 8 символов.", "At least 8 characters."),
        Key::Name => ("Имя", "Name"),
        Key::SignInSubmit => ("Войти", "Sign in"),
        Key::RegisterSubmit => ("Зарегистрироваться", "Create an account"),
        Key::Working => ("Подождите…", "Please wait…"),
        Key::ErrBadCredentials => ("Неверная почта или пароль.", "Wrong email or password."),
        Key::ErrEmailTaken => {
            ("Аккаунт с этой почтой уже есть. Войдите в него.", "There is already an account with this email. Sign in instead.")
        }
        Key::ErrInvalidEmail => ("Проверьте адрес электронной почты.", "Check the email address."),
        Key::ErrPasswordPolicy => ("Пароль должен быть от 8 до 128 символов.", "The password needs 8 to 128 characters."),
        Key::ErrTooManyRequests => {
            ("Слишком много попыток. Подождите немного и попробуйте снова.", "Too many attempts. Wait a little and try again.")
        }
        Key::ErrAuthFailed => ("Не получилось. Попробуйте ещё раз.", "That did not work. Please try again."),
        Key::CartMergeHeading => ("Мы объединили корзины", "We merged your carts"),
        Key::AccountTitle => ("Личный кабинет", "My account"),
        Key::ProfileHeading => ("Профиль", "Profile"),
        Key::Phone => ("Телефон", "Phone"),
        Key::CityNone => ("Не выбран", "Not chosen"),
        Key::Language => ("Язык", "Language"),
        Key::Save => ("Сохранить", "Save"),
        Key::Saved => ("Сохранено.", "Saved."),
        Key::ErrInvalidProfile => ("Проверьте имя и телефон.", "Check the name and the phone number."),
        Key::DevicesHeading => ("Устройства, где вы вошли", "Devices you are signed in on"),
        Key::ThisDevice => ("Это устройство", "This device"),
        Key::LastSeen => ("Последняя активность:", "Last active:"),
        Key::SignOut => ("Выйти", "Sign out"),
        Key::SignOutDevice => ("Выйти на этом устройстве", "Sign out on that device"),
        Key::SignInRequired => ("Войдите, чтобы открыть личный кабинет.", "Sign in to open your account."),
        Key::KioskAllProducts => ("Все товары", "All products"),
        Key::KioskCategoriesLabel => ("Категории на витрине", "Showroom categories"),
        Key::KioskBack => ("← Ко всем товарам", "← Back to all products"),
        Key::KioskCartLabel => ("Корзина на витрине", "Showroom cart"),
        Key::KioskItems => ("Товаров в корзине:", "Items in the cart:"),
        Key::OrderElsewhere => ("Заказать с самовывозом или доставкой", "Order for pickup or delivery"),
        Key::KioskResetNotice => ("Витрина готова для следующего покупателя", "Ready for the next shopper"),
        Key::KioskEnrolTitle => ("Подключение планшета-витрины", "Setting up the showroom tablet"),
        Key::KioskEnrolIntro => (
            "Этот планшет ещё не подключён как витрина магазина. Сотрудник магазина получает код подключения на странице «Выдача заказов» и вводит его здесь.",
            "This tablet is not yet a showroom tablet of the store. A member of staff gets an enrolment code at the pickup desk and types it here.",
        ),
        Key::KioskEnrolCodeLabel => ("Код подключения", "Enrolment code"),
        Key::KioskEnrolCodeHint => ("8 символов со страницы «Выдача заказов», действует 10 минут", "8 characters from the pickup desk, valid for 10 minutes"),
        Key::KioskEnrolSubmit => ("Подключить планшет", "Enrol this tablet"),
        Key::KioskEnrolSelf => (
            "Подключить сейчас как сотрудник (вы выйдете из учётной записи на этом планшете)",
            "Enrol now as staff (you will be signed out on this tablet)",
        ),
        Key::KioskEnrolFailed => ("Не удалось подключить планшет.", "Could not enrol this tablet."),
        Key::KioskEnrolUnknown => (
            "Такого кода нет. Проверьте код на странице «Выдача заказов».",
            "There is no such code. Check it at the pickup desk.",
        ),
        Key::KioskEnrolUsed => ("Этот код уже использован. Получите новый.", "This code has already been used. Get a new one."),
        Key::KioskEnrolExpired => ("Срок действия кода истёк. Получите новый.", "This code has expired. Get a new one."),
        Key::ErrStoreNotFound => ("Магазин не найден", "Store not found"),
        Key::HandoffButton => ("Продолжить на телефоне", "Continue on my phone"),
        Key::HandoffTitle => ("Заберите корзину на телефон", "Take the cart to your phone"),
        Key::HandoffScan => (
            "Наведите камеру телефона на QR-код. Или откройте на телефоне страницу /handoff и введите код.",
            "Point your phone's camera at the QR code, or open /handoff on your phone and type the code.",
        ),
        Key::HandoffCodeLabel => ("Код", "Code"),
        Key::HandoffQrLabel => ("QR-код со ссылкой на корзину", "QR code linking to the cart"),
        Key::HandoffClose => ("Закрыть", "Close"),
        Key::HandoffEmptyCart => ("Сначала добавьте товары в корзину.", "Add something to the cart first."),
        Key::HandoffFailed => ("Не удалось получить код. Попробуйте ещё раз.", "Could not get a code. Please try again."),
        Key::HandoffPageTitle => ("Корзина с витрины", "A cart from the showroom"),
        Key::HandoffPageIntro => (
            "Заберите корзину, собранную на планшете в магазине, на это устройство.",
            "Move the cart you filled on the showroom tablet to this device.",
        ),
        Key::ClaimButton => ("Забрать корзину", "Take the cart"),
        Key::ClaimedHeading => ("Корзина теперь у вас", "The cart is yours now"),
        Key::ClaimUnknown => (
            "Такого кода нет. Проверьте его на экране витрины или попросите там новый.",
            "There is no such code. Check it on the showroom screen, or ask it for a new one.",
        ),
        Key::ClaimUsed => (
            "Этот код уже использован. Попросите новый код на экране витрины.",
            "This code has already been used. Ask the showroom screen for a new one.",
        ),
        Key::ClaimExpired => (
            "Срок действия кода истёк. Попросите новый код на экране витрины.",
            "This code has expired. Ask the showroom screen for a new one.",
        ),
        Key::ClaimSameCart => ("Это код корзины этого же устройства.", "This code is for this device's own cart."),
        Key::ClaimFailed => ("Не удалось забрать корзину. Попробуйте ещё раз.", "The cart could not be taken. Please try again."),
        Key::HandoffEnterHeading => ("Введите код с экрана витрины", "Type the code from the showroom screen"),
        Key::HandoffInputLabel => ("Код из 6 символов", "6-character code"),
        Key::HandoffInputHint => {
            ("Например, ABC DEF. Регистр, пробелы и дефисы не важны.", "For example ABC DEF. Case, spaces and dashes do not matter.")
        }
        Key::HandoffInvalidCode => {
            ("Код — это 6 букв и цифр с экрана витрины.", "A code is 6 letters and digits from the showroom screen.")
        }
        Key::HandoffOpen => ("Продолжить", "Continue"),
        Key::CheckoutButton => ("Оформить заказ", "Check out"),
        Key::CheckoutTitle => ("Оформление заказа", "Checkout"),
        Key::CheckoutEmpty => ("В корзине нет товаров — оформлять пока нечего.", "Your cart is empty — there is nothing to order yet."),
        Key::FulfilmentHeading => ("Как получить заказ", "How to get your order"),
        Key::WayPickup => ("Забрать в магазине", "Pick up in a store"),
        Key::WayPickupHint => (
            "Бесплатно. Подходят магазины, где есть все товары из корзины.",
            "Free. Stores that have everything in your cart can take the order.",
        ),
        Key::WayDelivery => ("Доставка курьером", "Courier delivery"),
        Key::WayDeliveryHint => ("Москва, Санкт-Петербург и их области.", "Moscow, Saint Petersburg and their regions."),
        Key::WayPickupPoint => ("Пункт выдачи", "Pickup point"),
        Key::WayPickupPointHint => ("Постаматы и пункты выдачи партнёров.", "Parcel lockers and partner counters."),
        Key::PickupStoreLegend => ("Магазин для самовывоза", "Store to pick up from"),
        Key::StoreAllInStock => ("Всё в наличии", "Everything in stock"),
        Key::NoStoreHasAll => (
            "Ни в одном магазине нет сразу всех товаров корзины. Выберите доставку или уберите часть товаров.",
            "No store has everything in your cart. Choose delivery, or remove some items.",
        ),
        Key::AddressLegend => ("Адрес доставки", "Delivery address"),
        Key::Postcode => ("Индекс", "Postcode"),
        Key::AddressCity => ("Город или населённый пункт", "City or town"),
        Key::Street => ("Улица", "Street"),
        Key::House => ("Дом, корпус", "House"),
        Key::Apartment => ("Квартира или офис", "Flat or office"),
        Key::CourierComment => ("Комментарий для курьера", "Note for the courier"),
        Key::Optional => ("Необязательно.", "Optional."),
        Key::PickupPointLegend => ("Пункт выдачи", "Pickup point"),
        Key::ContactLegend => ("Получатель", "Recipient"),
        Key::PhoneHint => ("Позвоним, если с заказом что-то изменится.", "We will call if anything about the order changes."),
        Key::PaymentLegend => ("Оплата", "Payment"),
        Key::PayOnPickup => ("При получении", "On collection"),
        Key::PayOnPickupHint => (
            "Картой или наличными — в магазине, курьеру или в пункте выдачи.",
            "By card or in cash — in the store, to the courier or at the pickup point.",
        ),
        Key::TestCardOption => ("Картой сейчас — тестовый платёжный провайдер", "By card now — the test payment provider"),
        Key::TestCardNotice => ("Тестовая оплата — деньги не списываются.", "Test payment — no money is charged."),
        Key::TestCardNumbers => (
            "Тестовые карты: 4242 4242 4242 4242 — оплата пройдёт, 4000 0000 0000 0002 — банк откажет.",
            "Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.",
        ),
        Key::CardNumber => ("Номер карты", "Card number"),
        Key::PointsLegend => ("Баллы", "Points"),
        Key::PointsToRedeem => ("Списать баллов", "Points to spend"),
        Key::SummaryGoods => ("Товары", "Goods"),
        Key::SummaryDelivery => ("Доставка", "Delivery"),
        Key::SummaryPoints => ("Оплачено баллами", "Paid with points"),
        Key::SummaryTotal => ("К оплате", "To pay"),
        Key::DeliveryFree => ("Бесплатно", "Free"),
        Key::DeliveryUnknown => ("Укажите адрес", "Enter the address"),
        Key::PlaceOrder => ("Подтвердить заказ", "Place the order"),
        Key::ErrRequired => ("Заполните это поле.", "Please fill this in."),
        Key::ErrPostcode => ("Индекс — 6 цифр, например 125009.", "A postcode is 6 digits, e.g. 125009."),
        Key::ErrOutsideRegions => (
            "По этому индексу мы пока не доставляем. Выберите самовывоз или пункт выдачи.",
            "We do not deliver to this postcode yet. Choose pickup in a store or a pickup point.",
        ),
        Key::ErrPhone => ("Укажите российский номер, например +7 912 345-67-89.", "Enter a Russian phone number, e.g. +7 912 345-67-89."),
        Key::ErrCardNumber => ("Проверьте номер карты.", "Check the card number."),
        Key::ErrChooseStore => ("Выберите магазин.", "Choose a store."),
        Key::ErrChoosePoint => ("Выберите пункт выдачи.", "Choose a pickup point."),
        Key::ErrFieldInvalid => ("Проверьте это поле.", "Check this field."),
        Key::ErrCheckFields => ("Проверьте выделенные поля.", "Check the highlighted fields."),
        Key::ErrPaymentDeclined => (
            "Банк отклонил тестовую оплату. Попробуйте другую карту или оплату при получении.",
            "The bank declined the test payment. Try another card, or pay on collection.",
        ),
        Key::ErrStockChanged => (
            "Части товаров уже нет в выбранном месте. Выберите другой магазин или способ получения.",
            "Some items are no longer available there. Choose another store or way to get them.",
        ),
        Key::ErrCartChanged => (
            "Корзина изменилась. Проверьте состав заказа и подтвердите его ещё раз.",
            "Your cart changed. Check the order and place it again.",
        ),
        Key::ErrLoyaltyChanged => (
            "Баланс баллов изменился. Проверьте, сколько списать, и подтвердите заказ ещё раз.",
            "Your points balance changed. Check how many to spend and place the order again.",
        ),
        Key::ErrSignInForPoints => ("Чтобы списать баллы, войдите в аккаунт.", "Sign in to spend points."),
        Key::ErrUnknownPoint => ("Такого пункта выдачи нет. Выберите другой.", "There is no such pickup point. Choose another."),
        Key::ErrCartEmptyAtCheckout => ("Корзина пуста — заказ не оформлен.", "The cart is empty — no order was placed."),
        Key::ErrOrderFailed => ("Не удалось оформить заказ. Попробуйте ещё раз.", "The order could not be placed. Please try again."),
        Key::OrderPlaced => ("Спасибо! Заказ оформлен.", "Thank you! Your order is placed."),
        Key::OrderCreatedAt => ("Заказ от", "Ordered on"),
        Key::OrderLinesHeading => ("Товары", "Items"),
        Key::OrderReturned => ("возвращено", "returned"),
        Key::OrderReceiveHeading => ("Получение", "Getting it"),
        Key::PromisedPickup => ("Можно забрать", "Ready to collect"),
        Key::PromisedDelivery => ("Доставим", "Arrives"),
        Key::OrderRecipient => ("Получатель", "Recipient"),
        Key::OrderPaymentHeading => ("Оплата", "Payment"),
        Key::CardEnding => ("карта •••• ", "card •••• "),
        Key::OrderHistoryHeading => ("История заказа", "Order history"),
        Key::PointsEarned => ("Начислено баллов", "Points earned"),
        Key::CancelOrder => ("Отменить заказ", "Cancel the order"),
        Key::CancelConfirm => {
            ("Отменить заказ? Отложенные товары вернутся в продажу.", "Cancel the order? The items held for you go back on sale.")
        }
        Key::CancelYes => ("Да, отменить", "Yes, cancel it"),
        Key::CancelNo => ("Нет", "No"),
        Key::ErrActionFailed => ("Не удалось изменить заказ.", "The order could not be changed."),
        Key::ReturnsHeading => ("Возврат товаров", "Return items"),
        Key::ReturnIntro => (
            "Выберите товары и магазин, куда вы их принесёте. Деньги вернём, когда магазин примет товар.",
            "Choose the items and the store you will bring them to. We refund you once the store receives them.",
        ),
        Key::ReturnQty => ("Сколько вернуть", "How many to return"),
        Key::ReturnStore => ("Магазин для возврата", "Store to bring them to"),
        Key::ReturnReason => ("Причина", "Reason"),
        Key::ReturnSubmit => ("Оформить возврат", "Request the return"),
        Key::ReturnNothingChosen => ("Выберите хотя бы один товар.", "Choose at least one item."),
        Key::ReturnRequested => {
            ("Заявка на возврат принята. Принесите товар в выбранный магазин.", "Return requested. Bring the items to the store you chose.")
        }
        Key::ReturnFailed => ("Не удалось оформить возврат.", "The return could not be requested."),
        Key::ReturnRefund => ("К возврату", "Refund"),
        Key::ReturnsListHeading => ("Возвраты по заказу", "Returns of this order"),
        Key::NpsQuestion => {
            ("Насколько вероятно, что вы порекомендуете «Витрину» друзьям?", "How likely are you to recommend Vitrina to a friend?")
        }
        Key::NpsScale => ("0 — точно нет, 10 — обязательно порекомендую.", "0 — not at all, 10 — definitely."),
        Key::NpsFollowUp => ("Что нам сделать лучше?", "What should we do better?"),
        Key::NpsSend => ("Отправить", "Send"),
        Key::NpsThanks => ("Спасибо за ответ! Он поможет нам стать лучше.", "Thank you for your answer! It helps us get better."),
        Key::NpsFailed => ("Не удалось отправить ответ. Попробуйте ещё раз.", "Your answer could not be sent. Please try again."),
        Key::MyOrdersHeading => ("Мои заказы", "My orders"),
        Key::NoOrders => ("Заказов пока нет.", "No orders yet."),
        Key::LoyaltyHeading => ("Карта лояльности", "Loyalty card"),
        Key::LoyaltyCardNumber => ("Номер карты", "Card number"),
        Key::LoyaltyBalance => ("Баланс", "Balance"),
        Key::LoyaltyExpiringSoon => ("Скоро сгорят", "Expiring soon"),
        Key::LoyaltyNothingExpiring => ("В ближайшее время баллы не сгорают.", "No points expire soon."),
        Key::LoyaltyHistory => ("Последние операции", "Recent activity"),
        Key::StaffLink => ("Выдача заказов", "Pickup desk"),
        Key::StaffTitle => ("Выдача заказов", "Pickup desk"),
        Key::StaffSignIn => ("Войдите под учётной записью сотрудника магазина.", "Sign in with a store staff account."),
        Key::StaffRoleRequired => (
            "Эта страница — для сотрудников магазина. Для неё нужна роль «сотрудник» (staff), а у этой учётной записи её нет.",
            "This page is for store staff. It needs the staff role, which this account does not have.",
        ),
        Key::StaffStoreLabel => ("Магазин", "Store"),
        Key::StaffChooseStore => ("Выберите магазин", "Choose a store"),
        Key::StaffToPrepare => ("Собрать", "To prepare"),
        Key::StaffWaiting => ("Ждут покупателя", "Waiting for the shopper"),
        Key::StaffDone => ("Выданы и закрыты сегодня", "Handed over and closed today"),
        Key::StaffNone => ("Здесь пока пусто.", "Nothing here yet."),
        Key::StaffReady => ("Готов к выдаче", "Ready"),
        Key::StaffCollected => ("Выдан покупателю", "Collected"),
        Key::StaffCancel => ("Отменить", "Cancel"),
        Key::PushCardTitle => ("Уведомления о важном", "Notifications that matter"),
        Key::PushCardIntro => (
            "Включите уведомления на этом устройстве — пришлём только то, что вы выберете:",
            "Turn on notifications on this device — we only send what you choose:",
        ),
        Key::PushTopicsLegend => ("Что присылать", "What to send"),
        Key::PushTopicCart => ("Напоминание о корзине", "Cart reminder"),
        Key::PushTopicCartHint => (
            "Если вы оставите товары в корзине — не больше одного, примерно через 20 минут.",
            "If you leave items in the cart — at most one, about 20 minutes later.",
        ),
        Key::PushTopicOrders => ("Статус заказа", "Order status"),
        Key::PushTopicOrdersHint => ("Когда заказ готов к выдаче в магазине.", "When your order is ready for pickup in the store."),
        Key::PushTopicPromotions => ("Акции и скидки", "Promotions"),
        Key::PushTopicPromotionsHint => ("Только если отметите.", "Only if you tick this."),
        Key::PushTurnOn => ("Включить уведомления", "Turn on notifications"),
        Key::PushNotNow => ("Не сейчас", "Not now"),
        Key::PushOffNote => (
            "Выключить их можно в любой момент в личном кабинете или в настройках браузера.",
            "You can turn them off any time in your account or in the browser's settings.",
        ),
        Key::PushTurnedOn => {
            ("Уведомления включены. Изменить их можно в личном кабинете.", "Notifications are on. You can change them in your account.")
        }
        Key::PushNeedsHomeScreen => (
            "На iPhone и iPad уведомления работают, только если Витрина добавлена на экран «Домой» (iOS 16.4 и новее). Нажмите «Поделиться» → «На экран „Домой“», откройте Витрину оттуда и включите уведомления.",
            "On iPhone and iPad, notifications work only when Vitrina is on the Home Screen (iOS 16.4 or later). Tap Share → Add to Home Screen, open Vitrina from there and turn notifications on.",
        ),
        Key::PushUnsupported => ("Этот браузер не умеет показывать уведомления сайтов.", "This browser cannot show notifications from websites."),
        Key::PushDenied => (
            "Уведомления от этого сайта запрещены в настройках браузера. Разрешите их там, и здесь можно будет их включить.",
            "Notifications from this site are blocked in the browser's settings. Allow them there to turn them on here.",
        ),
        Key::PushPromptDismissed => (
            "Браузер не получил разрешения на уведомления. Нажмите кнопку ещё раз и выберите «Разрешить».",
            "The browser was not given permission to show notifications. Press the button again and choose Allow.",
        ),
        Key::PushFailed => ("Не удалось включить уведомления. Попробуйте ещё раз.", "Notifications could not be turned on. Please try again."),
        Key::PushSaveFailed => ("Не удалось сохранить настройки уведомлений.", "The notification settings could not be saved."),
        Key::PushSettingsHeading => ("Уведомления", "Notifications"),
        Key::PushOnHere => ("На этом устройстве уведомления включены.", "Notifications are on for this device."),
        Key::PushOffHere => ("На этом устройстве уведомления выключены.", "Notifications are off on this device."),
        Key::PushTurnOff => ("Выключить на этом устройстве", "Turn off on this device"),
        Key::PushTurnOffFailed => ("Не удалось выключить уведомления.", "Notifications could not be turned off."),
        Key::PushWatchingHeading => ("Сообщить о поступлении", "Back-in-stock alerts"),
        Key::PushNotifyBack => ("Сообщить, когда появится", "Notify me when it's back"),
        Key::PushNotifyBackOn => ("Сообщим, когда товар снова появится.", "We will let you know when it is back."),
        Key::PushWatchRemove => ("Не сообщать", "Stop the alert"),
        Key::ErrOrderInProgress => (
            "Заказ ещё оформляется. Подождите немного и нажмите «Подтвердить заказ» ещё раз — второй заказ не появится.",
            "The order is still being placed. Wait a moment and press “Place the order” again — it will not be placed twice.",
        ),
        Key::ErrOrderNotFound => ("Заказ не найден", "Order not found"),
        Key::DeliveryChoosePoint => ("Выберите пункт", "Choose a point"),
        Key::SummaryDiscount => ("Скидка по акциям", "Offers discount"),
        Key::StaffAutoRefresh => ("Список обновляется каждые 10 секунд.", "The list refreshes every 10 seconds."),
        Key::StaffKiosksTitle => ("Планшеты-витрины", "Showroom tablets"),
        Key::StaffKiosksIntro => (
            "Планшет становится витриной магазина только по коду подключения: откройте на нём страницу витрины магазина и введите код.",
            "A tablet becomes the store's showroom tablet only with an enrolment code: open the store's showroom page on it and type the code.",
        ),
        Key::StaffKioskIssue => ("Получить код подключения", "Get an enrolment code"),
        Key::StaffKioskCodeLabel => ("Код подключения:", "Enrolment code:"),
        Key::StaffKioskCodeHelp => ("Он подключает один планшет.", "It enrols one tablet."),
        Key::StaffKioskNone => ("Подключённых планшетов нет.", "No tablets are enrolled."),
        Key::StaffKioskEnrolled => ("Подключён", "Enrolled"),
        Key::StaffKioskUnenrol => ("Отключить", "Un-enrol"),
        Key::StaffKioskFailed => ("Не получилось.", "That did not work."),
        Key::AdminLink => ("Маркетинг", "Marketing"),
        Key::AdminTitle => ("Маркетинг: акции и аналитика", "Marketing: offers and analytics"),
        Key::AdminSignIn => ("Войдите под учётной записью маркетолога.", "Sign in with a marketer account."),
        Key::AdminRoleRequired => (
            "Эта страница — для маркетологов. Для неё нужна роль «маркетолог» (marketer), а у этой учётной записи её нет.",
            "This page is for marketers. It needs the marketer role, which this account does not have.",
        ),
        Key::AdminTabsLabel => ("Разделы", "Sections"),
        Key::AdminTabRules => ("Правила акций", "Offer rules"),
        Key::AdminTabSegments => ("Сегменты", "Segments"),
        Key::AdminTabKpis => ("Показатели", "KPIs"),
        Key::AdminTabCampaigns => ("Рассылки", "Campaigns"),
        Key::AdminRulesHeading => ("Правила акций", "Offer rules"),
        Key::AdminNewRule => ("Новое правило", "New rule"),
        Key::AdminEditRule => ("Правило", "Rule"),
        Key::AdminNoRules => ("Правил пока нет.", "No rules yet."),
        Key::AdminColStatus => ("Статус", "Status"),
        Key::AdminColRule => ("Правило", "Rule"),
        Key::AdminColPriority => ("Приоритет", "Priority"),
        Key::AdminColStacking => ("Сочетание", "Combines"),
        Key::AdminColUsage => ("Использование", "Usage"),
        Key::AdminColVersion => ("Версия", "Version"),
        Key::AdminColActions => ("Действия", "Actions"),
        Key::AdminEnabled => ("Включено", "Enabled"),
        Key::AdminDisabled => ("Выключено", "Disabled"),
        Key::AdminEnable => ("Включить", "Enable"),
        Key::AdminDisable => ("Выключить", "Disable"),
        Key::AdminEdit => ("Изменить", "Edit"),
        Key::AdminDelete => ("Удалить", "Delete"),
        Key::AdminDeleteConfirm => ("Удалить правило? История версий сохранится.", "Delete the rule? Its history stays."),
        Key::AdminDeleteYes => ("Да, удалить", "Yes, delete"),
        Key::AdminRuleChanged => (
            "Правило только что изменил кто-то другой — список обновлён, посмотрите и повторите.",
            "Someone else has just changed the rule — the list is reloaded; check it and try again.",
        ),
        Key::AdminActionFailed => ("Не удалось изменить правило.", "The rule could not be changed."),
        Key::AdminStackable => ("Суммируется с другими", "Stackable"),
        Key::AdminStackableHint => {
            ("Применяется вместе со всеми подходящими правилами.", "Applies together with every other applicable rule.")
        }
        Key::AdminExclusive => ("Исключающее", "Exclusive"),
        Key::AdminExclusiveHint => (
            "Из подходящих правил одной группы применяется только самое выгодное для покупателя.",
            "Of the applicable rules in one group, only the best for the customer applies.",
        ),
        Key::AdminStackingHeading => ("Сочетание с другими акциями", "Combining with other offers"),
        Key::AdminGroup => ("Группа", "Group"),
        Key::AdminGroupHint => {
            ("Например, welcome: правила с одной группой не суммируются.", "For example welcome: rules of one group do not add up.")
        }
        Key::AdminHoldout => ("Контрольная группа, %", "Holdout, %"),
        Key::AdminHoldoutHint => (
            "Доля покупателей (0–100), которые не получают акцию — для A/B-теста.",
            "The share of shoppers (0–100) who do not get the offer, for an A/B test.",
        ),
        Key::AdminBasics => ("Основное", "Basics"),
        Key::AdminRuleId => ("Идентификатор", "Id"),
        Key::AdminRuleIdHint => {
            ("2–40 символов: a–z, 0–9 и «-». Изменить потом нельзя.", "2–40 characters: a–z, 0–9 and \"-\". It cannot be changed later.")
        }
        Key::AdminRuleIdFixed => ("Идентификатор сохранённого правила не меняется.", "A saved rule keeps its id."),
        Key::AdminRuleName => ("Название", "Name"),
        Key::AdminRuleDescription => ("Описание", "Description"),
        Key::AdminRuleDescriptionHint => {
            ("Покупатель видит его в подсказках «добавьте … и получите».", "Shoppers see it in the \"add … to get\" hints.")
        }
        Key::AdminRuleEnabled => ("Включено", "Enabled"),
        Key::AdminPriority => ("Приоритет", "Priority"),
        Key::AdminPriorityHint => ("Правила с большим приоритетом применяются раньше.", "Rules with a higher priority apply first."),
        Key::AdminLimitsHeading => ("Ограничения", "Limits"),
        Key::AdminLimitsHint => ("Пустое поле — без ограничения.", "Leave a field empty for no limit."),
        Key::AdminPerCustomer => ("Раз на покупателя", "Uses per customer"),
        Key::AdminTotalUses => ("Всего использований", "Total uses"),
        Key::AdminBudget => ("Бюджет скидок, ₽", "Discount budget, ₽"),
        Key::AdminConditionsHeading => ("Условия", "Conditions"),
        Key::AdminConditionsHint => (
            "Правило применяется, только когда выполнены все условия. Без условий — всегда.",
            "The rule applies only when every condition holds. With none, always.",
        ),
        Key::AdminAddCondition => ("Добавить условие", "Add a condition"),
        Key::AdminCondition => ("Условие", "Condition"),
        Key::AdminConditionType => ("Тип условия", "Condition type"),
        Key::AdminRemove => ("Убрать", "Remove"),
        Key::AdminFrom => ("С", "From"),
        Key::AdminTo => ("По", "Until"),
        Key::AdminWeekdays => ("Дни недели (ни одного — каждый день)", "Weekdays (none = every day)"),
        Key::AdminFromTime => ("С (время)", "From (time)"),
        Key::AdminToTime => ("До (время)", "Until (time)"),
        Key::AdminUtcOffset => ("Смещение от UTC, мин", "UTC offset, min"),
        Key::AdminUtcOffsetHint => {
            ("180 — московское время. В нём же даты и часы выше.", "180 is Moscow time. The dates and hours above are in it too.")
        }
        Key::AdminLatitude => ("Широта", "Latitude"),
        Key::AdminLongitude => ("Долгота", "Longitude"),
        Key::AdminRadius => ("Радиус, м", "Radius, m"),
        Key::AdminPoints => ("Баллов не меньше", "At least this many points"),
        Key::AdminAmount => ("Сумма, ₽", "Amount, ₽"),
        Key::AdminDays => ("За сколько дней", "Within days"),
        Key::AdminMinOrders => ("Заказов не меньше", "At least orders"),
        Key::AdminMaxOrders => ("Заказов не больше", "At most orders"),
        Key::AdminCategory => ("Категория", "Category"),
        Key::AdminChooseCategory => ("Выберите категорию", "Choose a category"),
        Key::AdminSku => ("Артикул (SKU)", "SKU"),
        Key::AdminMinQty => ("Штук не меньше", "At least units"),
        Key::AdminQty => ("Количество", "Quantity"),
        Key::AdminNewCustomerYes => ("Новый покупатель (ещё нет заказов)", "New customer (no orders yet)"),
        Key::AdminNewCustomerNo => ("Постоянный покупатель", "Returning customer"),
        Key::AdminSignedInYes => ("Вошёл в аккаунт", "Signed in"),
        Key::AdminSignedInNo => ("Гость", "Guest"),
        Key::AdminEffectHeading => ("Что даёт правило", "What the rule gives"),
        Key::AdminEffectType => ("Тип скидки", "Kind of offer"),
        Key::AdminTarget => ("На что", "Applies to"),
        Key::AdminPercent => ("Скидка, %", "Discount, %"),
        Key::AdminPercentHint => ("Больше 0 и не больше 100.", "Above 0 and at most 100."),
        Key::AdminAmountOff => ("Скидка, ₽", "Discount, ₽"),
        Key::AdminBuy => ("Купить, шт.", "Buy, units"),
        Key::AdminGet => ("Получить бесплатно, шт.", "Get free, units"),
        Key::AdminFactor => ("Множитель баллов", "Points multiplier"),
        Key::AdminFactorHint => ("Больше 1 и не больше 10, например 2.", "Above 1 and at most 10, e.g. 2."),
        Key::AdminJsonSummary => ("Правило в JSON", "The rule as JSON"),
        Key::AdminJsonIncomplete => {
            ("Заполните поля правила — здесь появится его JSON.", "Fill in the rule's fields to see its JSON here.")
        }
        Key::AdminSaveRule => ("Сохранить правило", "Save the rule"),
        Key::AdminSaved => ("Сохранено:", "Saved:"),
        Key::AdminSaveFailed => ("Не удалось сохранить правило.", "The rule could not be saved."),
        Key::AdminRuleRefused => {
            ("Сервер не принял правило — исправьте отмеченное поле.", "The server refused the rule — fix the marked field.")
        }
        Key::AdminRuleExists => {
            ("Правило с таким идентификатором уже есть — выберите другой.", "A rule with this id exists — choose another.")
        }
        Key::AdminRuleChangedEditing => (
            "Пока вы редактировали, правило изменил кто-то другой. Загрузите новую версию (ваши изменения пропадут) и повторите.",
            "Someone else changed the rule while you were editing. Load the latest version (your changes will be lost) and try again.",
        ),
        Key::AdminLoadLatest => ("Загрузить новую версию", "Load the latest version"),
        Key::AdminBackToRules => ("← Все правила", "← All rules"),
        Key::AdminHistory => ("История версий", "Version history"),
        Key::AdminLoadVersion => ("Загрузить в редактор", "Load into the editor"),
        Key::AdminVersionDeleted => ("удалено", "deleted"),
        Key::AdminErrWholeNumber => ("Введите целое число.", "Enter a whole number."),
        Key::AdminErrNumber => ("Введите число.", "Enter a number."),
        Key::AdminErrAmount => ("Введите сумму, например 1500 или 1500,50.", "Enter an amount, e.g. 1500 or 1500.50."),
        Key::AdminErrPercent => ("Процент от 0 до 100.", "A percentage from 0 to 100."),
        Key::AdminErrSku => (
            "Артикул — заглавные латинские буквы, цифры и «-», например AUD-0001.",
            "A SKU is capital letters, digits and \"-\", e.g. AUD-0001.",
        ),
        Key::AdminErrChooseCategory => ("Выберите категорию.", "Choose a category."),
        Key::AdminErrChooseOne => ("Отметьте хотя бы один вариант.", "Tick at least one."),
        Key::AdminErrCoordinates => ("Широта от −90 до 90, долгота от −180 до 180.", "Latitude −90 to 90, longitude −180 to 180."),
        Key::AdminErrDateTime => ("Укажите дату и время.", "Enter a date and time."),
        Key::AdminErrTime => ("Время в формате ЧЧ:ММ.", "A time as HH:MM."),
        Key::AdminErrRuleId => {
            ("2–40 символов: строчные латинские буквы, цифры и «-».", "2–40 characters: lower-case letters, digits and \"-\".")
        }
        Key::AdminErrRuleNotFound => ("Правило не найдено", "Rule not found"),
        Key::AdminPreviewHeading => ("Проверка правила", "Preview"),
        Key::AdminPreviewHint => (
            "Посчитаем корзину с правилом из редактора вместо сохранённого. Ничего не сохраняется.",
            "Prices a cart with the rule from the editor in place of the saved one. Nothing is saved.",
        ),
        Key::AdminPreviewCustomer => ("E-mail покупателя", "Customer's e-mail"),
        Key::AdminPreviewCustomerHint => ("Необязательно: без него — гость.", "Optional: a guest without it."),
        Key::AdminPreviewChannel => ("Канал", "Channel"),
        Key::AdminPreviewStore => ("Магазин", "Store"),
        Key::AdminPreviewNoStore => ("Без магазина", "No store"),
        Key::AdminPreviewCart => ("Корзина", "Cart"),
        Key::AdminPreviewAddLine => ("Добавить товар", "Add a product"),
        Key::AdminPreviewAt => ("Дата и время", "Date and time"),
        Key::AdminPreviewAtHint => {
            ("Необязательно: по умолчанию — сейчас. Время вашего устройства.", "Optional: now if empty. In this device's time.")
        }
        Key::AdminPreviewAsEnabled => ("Считать правило включённым", "Treat the rule as enabled"),
        Key::AdminPreviewRun => ("Проверить", "Preview"),
        Key::AdminPreviewFixRule => ("Сначала исправьте отмеченные поля правила.", "First fix the marked fields of the rule."),
        Key::AdminPreviewNeedsLine => ("Добавьте в корзину хотя бы один товар.", "Add at least one product to the cart."),
        Key::AdminPreviewUnknownCustomer => ("Покупатель не найден.", "No such customer."),
        Key::AdminPreviewUnknownSku => ("Такого товара нет.", "There is no such product."),
        Key::AdminPreviewFailed => ("Не удалось посчитать корзину.", "The cart could not be priced."),
        Key::AdminPreviewApplied => ("Сработали", "Applied"),
        Key::AdminPreviewRejected => ("Не сработали", "Not applied"),
        Key::AdminPreviewNoneApplied => ("Ни одна акция не сработала.", "No offer applies."),
        Key::AdminPreviewFreeDelivery => ("Бесплатная доставка", "Free delivery"),
        Key::AdminPreviewPoints => ("Баллы", "Points"),
        Key::AdminPreviewGroups => ("A/B-группы", "A/B groups"),
        Key::AdminSegmentsHeading => ("Сегменты покупателей", "Customer segments"),
        Key::AdminSegmentsHint => (
            "Условие сегмента можно скопировать в правило (тип условия и его поля).",
            "A segment's condition can be copied into a rule (the condition type and its fields).",
        ),
        Key::AdminColSegment => ("Сегмент", "Segment"),
        Key::AdminColCustomers => ("Покупателей", "Customers"),
        Key::AdminColCondition => ("Условие для правила", "Rule condition"),
        Key::AdminCopy => ("Копировать", "Copy"),
        Key::AdminCopied => ("Скопировано", "Copied"),
        Key::AdminCopyFailed => ("Не удалось скопировать — выделите текст вручную.", "Could not copy — select the text instead."),
        Key::AdminKpisHeading => ("Показатели за период", "KPIs for a period"),
        Key::AdminPeriodFrom => ("С", "From"),
        Key::AdminPeriodTo => ("По", "To"),
        Key::AdminPeriodApply => ("Показать", "Show"),
        Key::AdminChartsHeading => ("По неделям", "By week"),
        Key::AdminNpsHeading => ("NPS: готовность рекомендовать", "NPS: likelihood to recommend"),
        Key::AdminNpsRecent => ("Последние ответы", "Recent answers"),
        Key::AdminNpsNoAnswers => ("Ответов пока нет.", "No answers yet."),
        Key::AdminCampaignsHeading => ("Новая рассылка", "New campaign"),
        Key::AdminCampaignsSent => ("Рассылки", "Campaigns"),
        Key::AdminCampaignTitle => ("Заголовок", "Title"),
        Key::AdminCampaignBody => ("Текст", "Text"),
        Key::AdminCampaignUrl => ("Ссылка", "Link"),
        Key::AdminCampaignUrlHint => ("Адрес на этом сайте, например /c/headphones.", "A path on this site, e.g. /c/headphones."),
        Key::AdminCampaignAudience => ("Кому", "Audience"),
        Key::AdminCampaignAllSubscribers => ("Все подписчики на акции", "All promotions subscribers"),
        Key::AdminCampaignCount => ("Посчитать получателей", "Count recipients"),
        Key::AdminCampaignSend => ("Отправить", "Send"),
        Key::AdminCampaignSendYes => ("Да, отправить", "Yes, send"),
        Key::AdminCampaignConfirm => ("Отправить рассылку? Получателей:", "Send the campaign? Recipients:"),
        Key::AdminCampaignSentOk => ("Рассылка создана. Получателей:", "The campaign is created. Recipients:"),
        Key::AdminCampaignFailed => ("Не удалось отправить рассылку.", "The campaign could not be sent."),
        Key::AdminNoCampaigns => ("Рассылок пока не было.", "No campaigns yet."),
        Key::AdminColRecipients => ("Получателей", "Recipients"),
        Key::AdminColSent => ("Доставлено", "Sent"),
        Key::AdminColFailed => ("Ошибки", "Failed"),
        Key::AdminColPending => ("В очереди", "Pending"),
        Key::AdminColClicked => ("Переходы", "Clicked"),
        Key::CondSchedule => ("Расписание", "Schedule"),
        Key::CondChannels => ("Каналы продаж", "Channels"),
        Key::CondStores => ("Магазины", "Stores"),
        Key::CondNear => ("Рядом с местом", "Near a place"),
        Key::CondTiers => ("Уровень лояльности", "Loyalty tiers"),
        Key::CondPointsAtLeast => ("Баллов на счёте не меньше", "Points balance at least"),
        Key::CondSpendAtLeast => ("Потратил не меньше", "Spent at least"),
        Key::CondOrderCount => ("Число заказов", "Number of orders"),
        Key::CondBoughtCategory => ("Покупал в категории", "Bought in a category"),
        Key::CondNewCustomer => ("Новый или постоянный покупатель", "New or returning customer"),
        Key::CondSignedIn => ("Вошёл или гость", "Signed in or guest"),
        Key::CondSubtotalAtLeast => ("Сумма корзины не меньше", "Cart subtotal at least"),
        Key::CondContainsSku => ("В корзине есть товар", "Cart contains a product"),
        Key::CondContainsCategory => ("В корзине есть товары категории", "Cart contains a category"),
        Key::EffectPercentOff => ("Скидка в процентах", "Percent off"),
        Key::EffectAmountOff => ("Скидка в рублях", "Amount off"),
        Key::EffectBuyXGetY => ("Купи X — получи Y бесплатно", "Buy X get Y free"),
        Key::EffectFreeDelivery => ("Бесплатная доставка", "Free delivery"),
        Key::EffectPointsMultiplier => ("Больше баллов", "Points multiplier"),
        Key::EffectGift => ("Подарок", "Gift"),
        Key::TargetCart => ("Вся корзина", "The whole cart"),
        Key::TargetCategory => ("Категория", "A category"),
        Key::TargetSku => ("Товар", "A product"),
        Key::KpiRevenue => ("Выручка", "Revenue"),
        Key::KpiTransactions => ("покупок", "transactions"),
        Key::KpiOfferDiscounts => ("Скидки по акциям", "Offer discounts"),
        Key::KpiAverageCheck => ("Средний чек", "Average check"),
        Key::KpiPurchaseFrequency => ("Частота покупок", "Purchase frequency"),
        Key::KpiBuyers => ("покупателей", "buyers"),
        Key::KpiParticipation => ("Доля участников программы", "Participation rate"),
        Key::KpiTenure => ("Средний стаж участника, дней", "Average member tenure, days"),
        Key::KpiRedemptionRate => ("Доля списанных баллов", "Redemption rate"),
        Key::KpiBreakage => ("Сгоревшие баллы", "Breakage"),
        Key::KpiMemberSpend => ("Средний чек участника", "Average member spend per transaction"),
        Key::KpiPointsPerTransaction => ("Баллов списано на покупку участника", "Points redeemed per member transaction"),
        Key::KpiCostPerPoint => ("Стоимость балла", "Cost per point"),
        Key::KpiChurn => ("Отток", "Churn"),
        Key::KpiNps => ("NPS", "NPS"),
        Key::KpiResponses => ("ответов", "responses"),
        Key::NpsPromoters => ("Промоутеры (9–10)", "Promoters (9–10)"),
        Key::NpsPassives => ("Нейтральные (7–8)", "Passives (7–8)"),
        Key::NpsDetractors => ("Критики (0–6)", "Detractors (0–6)"),
        Key::ChartRevenue => ("Выручка по неделям, ₽", "Revenue by week, ₽"),
        Key::ChartTransactions => ("Покупки по неделям", "Transactions by week"),
        Key::ChartAverageCheck => ("Средний чек по неделям, ₽", "Average check by week, ₽"),
        Key::ChartPointsIssued => ("Начислено баллов по неделям", "Points issued by week"),
        Key::ChartPointsRedeemed => ("Списано баллов по неделям", "Points redeemed by week"),
        Key::CheckingOffers => ("Проверяем персональные предложения…", "Checking offers for you…"),
        Key::OffersApplied => ("Акции в корзине", "Offers in the cart"),
        Key::PriceForYou => ("Для вас:", "For you:"),
    };
    match locale {
        Locale::Ru => ru,
        Locale::En => en,
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
