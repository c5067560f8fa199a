//! Demo data a retailer would recognise: a chain of 13 stores in Moscow and Saint Petersburg,
//! 12 categories, 312 products with Russian names, descriptions, attributes and RUB prices,
//! and stock that varies by store. Deterministic: the same data on every machine and start.

use crate::catalog::{Attribute, Category, Product};
use crate::stock::StockLevel;
use crate::store::{daily_hours, City, DayHours, Store};
use crate::{CategoryId, GeoPoint, Money, Sku, StoreId};
use rust_decimal::Decimal;

/// Products generated per category.
pub const PRODUCTS_PER_CATEGORY: usize = 26;

/// splitmix64: a small, well-known mixing function, so demo data needs no RNG crate (the
/// benchmark catalog's generator draws from it too).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(items: &[&'a str], seed: u64) -> &'a str {
    items[(mix(seed) % items.len() as u64) as usize]
}

fn id<T>(parse: fn(&str) -> Result<T, crate::DomainError>, raw: &str) -> T {
    match parse(raw) {
        Ok(v) => v,
        // The demo tables below are constants checked by the tests in this module.
        Err(e) => panic!("demo data constant is invalid: {e}"),
    }
}

struct StoreRow(&'static str, &'static str, City, &'static str, f64, f64, &'static str, u16, u16, u32);

const STORES: &[StoreRow] = &[
    StoreRow(
        "msk-tverskaya",
        "Витрина на Тверской",
        City::Moscow,
        "ул. Тверская, 15",
        55.7637,
        37.6057,
        "+7 495 120-15-01",
        9 * 60,
        23 * 60,
        20,
    ),
    StoreRow(
        "msk-novy-arbat",
        "Витрина на Новом Арбате",
        City::Moscow,
        "ул. Новый Арбат, 11, стр. 1",
        55.7526,
        37.5920,
        "+7 495 120-15-02",
        10 * 60,
        22 * 60,
        30,
    ),
    StoreRow(
        "msk-taganka",
        "Витрина Таганская",
        City::Moscow,
        "ул. Марксистская, 1, корп. 1",
        55.7405,
        37.6562,
        "+7 495 120-15-03",
        10 * 60,
        22 * 60,
        30,
    ),
    StoreRow(
        "msk-belorusskaya",
        "Витрина Белорусская",
        City::Moscow,
        "ул. Лесная, 20, стр. 3",
        55.7790,
        37.5884,
        "+7 495 120-15-04",
        10 * 60,
        22 * 60,
        25,
    ),
    StoreRow(
        "msk-sokolniki",
        "Витрина Сокольники",
        City::Moscow,
        "ул. Русаковская, 31",
        55.7887,
        37.6787,
        "+7 495 120-15-05",
        10 * 60,
        21 * 60,
        40,
    ),
    StoreRow(
        "msk-kolomenskaya",
        "Витрина Коломенская",
        City::Moscow,
        "пр-т Андропова, 8",
        55.6797,
        37.6640,
        "+7 495 120-15-06",
        10 * 60,
        22 * 60,
        45,
    ),
    StoreRow(
        "msk-vernadskogo",
        "Витрина на Вернадского",
        City::Moscow,
        "пр-т Вернадского, 86А",
        55.6668,
        37.4826,
        "+7 495 120-15-07",
        0,
        24 * 60,
        60,
    ),
    StoreRow(
        "spb-nevsky",
        "Витрина на Невском",
        City::SaintPetersburg,
        "Невский пр., 48",
        59.9346,
        30.3354,
        "+7 812 420-48-01",
        9 * 60,
        23 * 60,
        20,
    ),
    StoreRow(
        "spb-petrogradka",
        "Витрина Петроградская",
        City::SaintPetersburg,
        "Каменноостровский пр., 42",
        59.9663,
        30.3114,
        "+7 812 420-48-02",
        10 * 60,
        22 * 60,
        30,
    ),
    StoreRow(
        "spb-vasilievsky",
        "Витрина на Васильевском",
        City::SaintPetersburg,
        "Средний пр. В.О., 36/40",
        59.9419,
        30.2779,
        "+7 812 420-48-03",
        10 * 60,
        22 * 60,
        30,
    ),
    StoreRow(
        "spb-moskovsky",
        "Витрина Московская",
        City::SaintPetersburg,
        "Московский пр., 137",
        59.8716,
        30.3201,
        "+7 812 420-48-04",
        10 * 60,
        22 * 60,
        35,
    ),
    StoreRow(
        "spb-ozerki",
        "Витрина Озерки",
        City::SaintPetersburg,
        "пр. Энгельса, 154",
        60.0528,
        30.3372,
        "+7 812 420-48-05",
        10 * 60,
        22 * 60,
        40,
    ),
    StoreRow(
        "spb-kupchino",
        "Витрина Купчино",
        City::SaintPetersburg,
        "Балканская пл., 5",
        59.8296,
        30.3799,
        "+7 812 420-48-06",
        10 * 60,
        21 * 60,
        50,
    ),
];

/// A demo product's ratings from its buyers, as (sum of stars, number of ratings): a fifth of the
/// catalog not rated yet, the rest 1–60 ratings averaging 3.4–4.9.
pub fn rating(sku: &crate::Sku) -> (i64, i64) {
    let seed = sku.as_str().bytes().fold(0xA11CE_u64, |h, b| mix(h ^ u64::from(b)));
    if seed % 5 == 0 {
        return (0, 0);
    }
    let count = 1 + (mix(seed) % 60) as i64;
    let tenths = 34 + (mix(seed ^ 7) % 16) as i64;
    ((count * tenths + 5) / 10, count)
}

/// The chain's stores.
pub fn stores() -> Vec<Store> {
    STORES
        .iter()
        .map(|r| {
            let mut hours: Vec<DayHours> = daily_hours(r.7, r.8);
            if r.0 == "msk-sokolniki" {
                // Shorter Sunday, as a real neighbourhood store would have.
                if let Some(sunday) = hours.iter_mut().find(|h| h.weekday == 7) {
                    sunday.closes_min = 20 * 60;
                }
            }
            Store {
                id: id(StoreId::parse, r.0),
                name: r.1.to_owned(),
                city: r.2,
                address: r.3.to_owned(),
                location: GeoPoint { lat: r.4, lon: r.5 },
                phone: r.6.to_owned(),
                opening_hours: hours,
                pickup_lead_minutes: r.9,
                utc_offset_minutes: 180,
            }
        })
        .collect()
}

/// How one category's products are made up.
struct CategorySpec {
    slug: &'static str,
    name_ru: &'static str,
    name_en: &'static str,
    prefix: &'static str,
    noun: &'static str,
    brands: &'static [&'static str],
    models: &'static [&'static str],
    /// (attribute name, possible values); the first attribute goes into the product name.
    attrs: &'static [(&'static str, &'static [&'static str])],
    /// Price range in whole roubles.
    price: (u32, u32),
    pitch: &'static [&'static str],
}

const CATEGORIES: &[CategorySpec] = &[
    CategorySpec {
        slug: "smartphones",
        name_ru: "Смартфоны",
        name_en: "Smartphones",
        prefix: "PHN",
        noun: "Смартфон",
        brands: &["Nova", "Helio", "Orbita", "Kvant", "Sever"],
        models: &["X5", "X7 Pro", "Lite 3", "Max 12", "Neo 8", "S23", "Mini 4"],
        attrs: &[
            ("Память", &["64 ГБ", "128 ГБ", "256 ГБ", "512 ГБ"]),
            ("Экран", &["6,1″ OLED", "6,5″ IPS", "6,7″ AMOLED", "5,8″ OLED"]),
            ("Цвет", &["чёрный", "синий", "зелёный", "серебристый"]),
            ("Аккумулятор", &["4000 мА·ч", "4500 мА·ч", "5000 мА·ч"]),
        ],
        price: (8_000, 120_000),
        pitch: &[
            "Быстрая зарядка и камера, которая не подводит вечером.",
            "Две SIM-карты, NFC для оплаты и защита от брызг.",
            "Лёгкий корпус и экран, который хорошо читается на солнце.",
        ],
    },
    CategorySpec {
        slug: "laptops",
        name_ru: "Ноутбуки",
        name_en: "Laptops",
        prefix: "LAP",
        noun: "Ноутбук",
        brands: &["Delta", "Kvant", "Aurora", "Polus"],
        models: &["Book 14", "Air 13", "Pro 16", "Studio 15", "Go 11"],
        attrs: &[
            ("Процессор", &["8 ядер", "6 ядер", "12 ядер", "4 ядра"]),
            ("ОЗУ", &["8 ГБ", "16 ГБ", "32 ГБ"]),
            ("SSD", &["256 ГБ", "512 ГБ", "1 ТБ"]),
            ("Вес", &["1,2 кг", "1,4 кг", "1,9 кг", "2,3 кг"]),
        ],
        price: (35_000, 220_000),
        pitch: &[
            "Тихое охлаждение и клавиатура с подсветкой.",
            "Весь день без розетки и быстрый SSD.",
            "Матовый экран и порты на все случаи.",
        ],
    },
    CategorySpec {
        slug: "headphones",
        name_ru: "Наушники",
        name_en: "Headphones",
        prefix: "AUD",
        noun: "Наушники",
        brands: &["Zvuk", "Helio", "Bass&Co", "Tishina"],
        models: &["Buds 2", "Pods Pro", "Studio", "Run", "Over 700"],
        attrs: &[
            ("Тип", &["беспроводные", "накладные", "полноразмерные", "вкладыши"]),
            ("Шумоподавление", &["активное", "пассивное", "нет"]),
            ("Время работы", &["6 ч", "24 ч", "30 ч", "40 ч"]),
        ],
        price: (1_500, 45_000),
        pitch: &[
            "Чистый звук в метро и удобная посадка.",
            "Кейс с быстрой зарядкой и датчик уха.",
            "Мягкие амбушюры и кабель в комплекте.",
        ],
    },
    CategorySpec {
        slug: "tv",
        name_ru: "Телевизоры",
        name_en: "TVs",
        prefix: "TVS",
        noun: "Телевизор",
        brands: &["Orbita", "Ekran", "Aurora", "Polus"],
        models: &["Vision", "Cinema", "Smart", "QLED Q7", "OLED O9"],
        attrs: &[
            ("Диагональ", &["43″", "50″", "55″", "65″", "75″"]),
            ("Разрешение", &["4K UHD", "Full HD", "8K"]),
            ("Smart TV", &["да", "нет"]),
        ],
        price: (18_000, 350_000),
        pitch: &[
            "Яркая картинка, голосовой пульт и приложения онлайн-кинотеатров.",
            "Тонкая рамка и звук с поддержкой объёма.",
            "Игровой режим с низкой задержкой.",
        ],
    },
    CategorySpec {
        slug: "kitchen",
        name_ru: "Техника для кухни",
        name_en: "Kitchen appliances",
        prefix: "KIT",
        noun: "",
        brands: &["Kuhnya", "Vkus", "Teplo", "Samovar"],
        models: &["Чайник электрический", "Кофемашина", "Блендер", "Мультиварка", "Микроволновая печь", "Тостер"],
        attrs: &[
            ("Мощность", &["800 Вт", "1200 Вт", "1800 Вт", "2200 Вт"]),
            ("Цвет", &["белый", "чёрный", "стальной", "красный"]),
            ("Гарантия", &["1 год", "2 года", "3 года"]),
        ],
        price: (1_800, 90_000),
        pitch: &[
            "Простое управление и детали, которые можно мыть в посудомойке.",
            "Защита от перегрева и автоотключение.",
            "Компактный корпус для небольшой кухни.",
        ],
    },
    CategorySpec {
        slug: "vacuum",
        name_ru: "Пылесосы",
        name_en: "Vacuum cleaners",
        prefix: "VAC",
        noun: "Пылесос",
        brands: &["Chisto", "Vikhr", "Helio", "Dom"],
        models: &["Robot R5", "Stick S9", "Cyclone C3", "Aqua W2", "Mini M1"],
        attrs: &[
            ("Тип", &["робот", "вертикальный", "с контейнером", "моющий"]),
            ("Мощность всасывания", &["120 Вт", "180 Вт", "250 Вт", "400 Вт"]),
            ("Время работы", &["40 мин", "60 мин", "90 мин", "от сети"]),
        ],
        price: (4_500, 75_000),
        pitch: &["Справляется с шерстью питомцев и коврами.", "Тихий режим и HEPA-фильтр.", "Лёгкий, помещается в шкаф."],
    },
    CategorySpec {
        slug: "smart-home",
        name_ru: "Умный дом",
        name_en: "Smart home",
        prefix: "SMH",
        noun: "",
        brands: &["Dom", "Iskra", "Signal"],
        models: &["Умная лампа", "Умная розетка", "Датчик протечки", "Видеодомофон", "Умная колонка", "Датчик движения"],
        attrs: &[
            ("Протокол", &["Wi-Fi", "Zigbee", "Bluetooth", "Matter"]),
            ("Питание", &["от сети", "батарейки", "аккумулятор"]),
            ("Голосовой помощник", &["да", "нет"]),
        ],
        price: (690, 25_000),
        pitch: &[
            "Настраивается за пять минут в приложении.",
            "Работает со сценариями и расписаниями.",
            "Уведомления на телефон, где бы вы ни были.",
        ],
    },
    CategorySpec {
        slug: "sport",
        name_ru: "Спорт и фитнес",
        name_en: "Sport & fitness",
        prefix: "SPT",
        noun: "",
        brands: &["Start", "Rekord", "Olimp", "Finish"],
        models: &["Гантели разборные", "Коврик для йоги", "Фитнес-браслет", "Беговая дорожка", "Скакалка", "Эспандер"],
        attrs: &[
            ("Уровень", &["начальный", "средний", "профи"]),
            ("Материал", &["сталь", "TPE", "резина", "пластик"]),
            ("Цвет", &["чёрный", "оранжевый", "синий"]),
        ],
        price: (390, 95_000),
        pitch: &["Для тренировок дома и в зале.", "Прочные материалы и гарантия производителя.", "Компактно хранится."],
    },
    CategorySpec {
        slug: "bikes",
        name_ru: "Велосипеды и самокаты",
        name_en: "Bikes & scooters",
        prefix: "BIK",
        noun: "",
        brands: &["Veter", "Strela", "Kolesa"],
        models: &["Велосипед городской", "Велосипед горный", "Электросамокат", "Самокат детский", "Велосипед складной"],
        attrs: &[
            ("Колёса", &["12″", "20″", "26″", "28″", "10″"]),
            ("Рама", &["алюминий", "сталь", "карбон"]),
            ("Скорости", &["1", "7", "21", "24"]),
        ],
        price: (3_500, 120_000),
        pitch: &[
            "Для города и парков, с крыльями и подножкой.",
            "Лёгкая рама и надёжные тормоза.",
            "Складывается и помещается в багажник.",
        ],
    },
    CategorySpec {
        slug: "cookware",
        name_ru: "Посуда",
        name_en: "Cookware",
        prefix: "CKW",
        noun: "",
        brands: &["Babushka", "Chugun", "Farfor", "Stal"],
        models: &["Сковорода", "Кастрюля", "Набор ножей", "Сервиз чайный", "Форма для запекания", "Казан"],
        attrs: &[
            ("Материал", &["чугун", "нержавеющая сталь", "алюминий с покрытием", "фарфор", "керамика"]),
            ("Размер", &["20 см", "24 см", "28 см", "3 л", "5 л"]),
            ("Индукция", &["да", "нет"]),
        ],
        price: (450, 18_000),
        pitch: &["Ровно прогревается и легко моется.", "Подходит для всех типов плит.", "Прочная ручка, которая не нагревается."],
    },
    CategorySpec {
        slug: "home-textile",
        name_ru: "Текстиль для дома",
        name_en: "Home textiles",
        prefix: "TXT",
        noun: "",
        brands: &["Len", "Uyut", "Son", "Teplo"],
        models: &["Комплект постельного белья", "Плед", "Подушка", "Одеяло", "Полотенце банное", "Шторы"],
        attrs: &[
            ("Материал", &["хлопок", "лён", "сатин", "микрофибра", "бамбук"]),
            ("Размер", &["1,5-спальный", "2-спальный", "евро", "70×140 см", "150×200 см"]),
            ("Цвет", &["белый", "серый", "бежевый", "голубой", "терракотовый"]),
        ],
        price: (390, 14_000),
        pitch: &[
            "Мягкий на ощупь, не теряет цвет после стирок.",
            "Натуральные волокна и плотное плетение.",
            "Сертифицирован для детской комнаты.",
        ],
    },
    CategorySpec {
        slug: "toys",
        name_ru: "Игрушки",
        name_en: "Toys",
        prefix: "TOY",
        noun: "",
        brands: &["Igra", "Kubik", "Zabava", "Mishka"],
        models: &["Конструктор", "Настольная игра", "Мягкая игрушка", "Радиоуправляемая машина", "Пазл", "Набор для творчества"],
        attrs: &[
            ("Возраст", &["от 3 лет", "от 6 лет", "от 8 лет", "от 12 лет"]),
            ("Деталей", &["50", "250", "500", "1000"]),
            ("Материал", &["пластик", "дерево", "текстиль", "картон"]),
        ],
        price: (290, 16_000),
        pitch: &["Развивает моторику и воображение.", "Безопасные материалы, яркая упаковка для подарка.", "Можно играть всей семьёй."],
    },
];

/// The catalog's categories.
pub fn categories() -> Vec<Category> {
    CATEGORIES
        .iter()
        .map(|c| Category {
            id: id(CategoryId::parse, c.slug),
            name_ru: c.name_ru.to_owned(),
            name_en: c.name_en.to_owned(),
            image: format!("/img/cat/{}.svg", c.slug),
        })
        .collect()
}

/// A price in the spec's range that ends in 90 roubles, as retail prices do.
fn price_for(spec: &CategorySpec, seed: u64) -> Money {
    let (lo, hi) = spec.price;
    let span = u64::from((hi - lo) / 100).max(1);
    // Skew towards the cheaper end: most of a range's products are mid-market.
    let r = mix(seed) % span;
    let skewed = r * (mix(seed ^ 0xABCD) % span) / span;
    let hundreds = u64::from(lo / 100) + skewed;
    Money::rub(Decimal::from(hundreds * 100 + 90))
}

/// The catalog's products.
pub fn products() -> Vec<Product> {
    let mut out = Vec::with_capacity(CATEGORIES.len() * PRODUCTS_PER_CATEGORY);
    for (ci, spec) in CATEGORIES.iter().enumerate() {
        for n in 1..=PRODUCTS_PER_CATEGORY {
            let seed = ((ci as u64) << 32) | n as u64;
            let brand = pick(spec.brands, seed ^ 1);
            let model = spec.models[(n - 1) % spec.models.len()];
            let series = 1 + (n - 1) / spec.models.len();
            let attributes: Vec<Attribute> = spec
                .attrs
                .iter()
                .enumerate()
                .map(|(k, (name, values))| Attribute {
                    name: (*name).to_owned(),
                    value: pick(values, seed ^ ((k as u64 + 7) * 31)).to_owned(),
                })
                .collect();
            let key = attributes.first().map(|a| a.value.as_str()).unwrap_or_default();
            let name = if spec.noun.is_empty() {
                format!("{model} {brand} {}{series}, {key}", if series > 1 { "серия " } else { "" }).replace(" 1, ", ", ")
            } else {
                format!(
                    "{} {brand} {model}{}, {key}",
                    spec.noun,
                    if series > 1 { format!(" ({series}-е поколение)") } else { String::new() }
                )
            };
            let details: Vec<String> = attributes.iter().map(|a| format!("{}: {}", a.name.to_lowercase(), a.value)).collect();
            let description = format!(
                "{} {} {}. Характеристики: {}. Гарантия и возврат в любом магазине сети или через личный кабинет.",
                pick(spec.pitch, seed ^ 3),
                brand,
                "— бренд, который выбирают за надёжность",
                details.join("; ")
            );
            let sku = id(Sku::parse, &format!("{}-{:04}", spec.prefix, n));
            let image = crate::art::image_path(&sku, crate::art::View::Front);
            out.push(Product {
                sku,
                name,
                brand: brand.to_owned(),
                category: id(CategoryId::parse, spec.slug),
                description,
                price: price_for(spec, seed),
                attributes,
                image,
            });
        }
    }
    out
}

/// Initial stock: most products in several stores, every 17th out of stock everywhere,
/// every 11th only in one store, and the rest varying by store.
pub fn stock(products: &[Product], stores: &[Store]) -> Vec<StockLevel> {
    let mut out = Vec::new();
    for (pi, product) in products.iter().enumerate() {
        let seed = pi as u64 * 7919;
        if pi % 17 == 5 {
            continue;
        }
        if pi % 11 == 3 {
            let store = &stores[(mix(seed) % stores.len() as u64) as usize];
            out.push(StockLevel { store_id: store.id.clone(), sku: product.sku.clone(), on_hand: 1 + (mix(seed ^ 9) % 3) as u32 });
            continue;
        }
        for (si, store) in stores.iter().enumerate() {
            let h = mix(seed ^ ((si as u64 + 1) * 104_729));
            let on_hand = if pi == 0 || h % 10 >= 3 { (h >> 8) % 12 + u64::from(pi == 0) } else { 0 };
            if on_hand > 0 {
                out.push(StockLevel { store_id: store.id.clone(), sku: product.sku.clone(), on_hand: on_hand as u32 });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_chain_has_at_least_twelve_stores_in_two_cities() {
        let stores = stores();
        assert!(stores.len() >= 12);
        let cities: HashSet<City> = stores.iter().map(|s| s.city).collect();
        assert_eq!(cities.len(), 2);
        for s in &stores {
            assert!(s.location.distance_m(&s.city.centre()) < 25_000, "{} is in its city", s.id);
        }
    }

    #[test]
    fn the_catalog_has_300_products_in_ten_categories_with_unique_skus() {
        let products = products();
        assert!(products.len() >= 300);
        assert!(categories().len() >= 10);
        let skus: HashSet<&Sku> = products.iter().map(|p| &p.sku).collect();
        assert_eq!(skus.len(), products.len());
        let names: HashSet<&str> = products.iter().map(|p| p.name.as_str()).collect();
        assert!(names.len() > products.len() * 9 / 10, "names are varied: {}", names.len());
        assert!(products.iter().all(|p| p.price.amount > Decimal::ZERO && p.attributes.len() >= 3));
    }

    #[test]
    fn stock_varies_some_products_out_everywhere_some_in_one_store_only() {
        let products = products();
        let stores = stores();
        let stock = stock(&products, &stores);
        let mut per_sku: HashMap<&Sku, usize> = HashMap::new();
        for level in &stock {
            assert!(level.on_hand > 0);
            *per_sku.entry(&level.sku).or_default() += 1;
        }
        let out_everywhere = products.iter().filter(|p| !per_sku.contains_key(&p.sku)).count();
        let single_store = per_sku.values().filter(|&&n| n == 1).count();
        let many_stores = per_sku.values().filter(|&&n| n >= 5).count();
        assert!(out_everywhere >= 10, "{out_everywhere}");
        assert!(single_store >= 10, "{single_store}");
        assert!(many_stores >= 200, "{many_stores}");
        assert_eq!(per_sku.get(&Sku::parse("PHN-0001").unwrap()), Some(&stores.len()), "the showcase product is everywhere");
    }
}
