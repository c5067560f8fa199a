//! Catalog import files read into rows (issue 13): JSON Lines, CSV and CommerceML 2 (the
//! `import.xml` and `offers.xml` that 1C's standard site exchange sends), and the plan for one row
//! against the catalog as it is. Pure: the edge loads the catalog, plans every row and applies a
//! file's accepted rows in one transaction (`edge/src/imports.rs`).
//!
//! Every format reads into the same [`ImportRecord`]: a SKU and the fields the file gives. A field
//! the file leaves out (or leaves empty) keeps the catalog's value; a new product needs a name, a
//! brand, a category and a price. A row that cannot be read or does not fit is refused with where
//! it is, its SKU when known, a reason code and a message; the other rows go on.

use crate::catalog::{
    check_attributes, check_family, check_image, check_price, check_text, Attribute, Category, FieldError, Product, MAX_BRAND_CHARS,
    MAX_DESCRIPTION_CHARS, MAX_PRODUCT_NAME_CHARS,
};
use crate::{CategoryId, Money, Sku, StoreId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Most rows in one import (all of its files together).
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// Largest file of an import, in bytes.
pub const MAX_IMPORT_FILE_BYTES: usize = 128 * 1024 * 1024;
/// Most files in one import.
pub const MAX_IMPORT_FILES: usize = 8;
/// Deepest nesting of elements a CommerceML file may have (1C's go about ten deep; a deeper one
/// would only exhaust the stack of the code that walks it).
pub const MAX_XML_DEPTH: usize = 64;
/// Largest quantity one stock cell may set.
pub const MAX_IMPORT_QUANTITY: u32 = 1_000_000;

/// What an import's files are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportFormat {
    /// One JSON object per line: `{"sku": "PHN-9001", "name": …, "price": "8690.00", "stock": {"msk-tverskaya": 5}}`.
    Jsonl,
    /// A header row and one product per row; `,` or `;` between cells (see [`CSV_COLUMNS`]).
    Csv,
    /// 1C's CommerceML 2: `import.xml` (groups, properties, products) and/or `offers.xml`
    /// (prices and stock per warehouse).
    Commerceml,
}

impl ImportFormat {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "jsonl" => Some(ImportFormat::Jsonl),
            "csv" => Some(ImportFormat::Csv),
            "commerceml" => Some(ImportFormat::Commerceml),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Jsonl => "jsonl",
            ImportFormat::Csv => "csv",
            ImportFormat::Commerceml => "commerceml",
        }
    }

    /// The format a file name suggests (`catalog.csv`, `products.jsonl`, `import0_1.xml`).
    pub fn of_file(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(ImportFormat::Csv)
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            Some(ImportFormat::Jsonl)
        } else if lower.ends_with(".xml") {
            Some(ImportFormat::Commerceml)
        } else {
            None
        }
    }

    /// Whether a file called `name` can be part of an import of this format. CommerceML files are
    /// `import*.xml` and `offers*.xml`, as 1C names them.
    pub fn accepts(self, name: &str) -> bool {
        let plain = !name.is_empty() && name.len() <= 100 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        plain
            && !name.starts_with('.')
            && match self {
                ImportFormat::Commerceml => {
                    let lower = name.to_ascii_lowercase();
                    lower.ends_with(".xml") && (lower.starts_with("import") || lower.starts_with("offers"))
                }
                other => ImportFormat::of_file(name) == Some(other),
            }
    }
}

/// One product row as its file gives it. `None` keeps the catalog's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportRecord {
    /// Where the row is: `catalog.csv line 12`, `import.xml Товар 3`.
    pub at: String,
    /// As written (checked by [`plan`]); empty when a CommerceML product has no article number
    /// and is known only by `external_id`.
    pub sku: String,
    pub name: Option<String>,
    pub brand: Option<String>,
    /// A category id; for CommerceML the group's `Ид`, which the edge maps to a category.
    pub category: Option<String>,
    pub description: Option<String>,
    /// Roubles as written (`8690.00`, `8690,00`, `8 690`).
    pub price: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub family: Option<String>,
    pub image: Option<String>,
    /// Units on hand per store (for CommerceML per warehouse `Ид`, which the edge maps).
    pub stock: Vec<(String, u32)>,
    /// CommerceML's `Ид` of the product.
    pub external_id: Option<String>,
}

/// A row that was not applied, and why.
pub use crate::api::ImportRefusal as Refusal;

impl Refusal {
    pub fn new(at: &str, sku: Option<&str>, reason: &str, message: impl Into<String>) -> Self {
        Refusal {
            at: at.to_owned(),
            sku: sku.filter(|s| !s.is_empty()).map(|s| s.chars().take(64).collect()),
            field: None,
            reason: reason.to_owned(),
            message: message.into(),
        }
    }

    fn at_field(at: &str, sku: &str, e: FieldError) -> Self {
        Refusal { field: Some(e.field.clone()), ..Refusal::new(at, Some(sku), e.reason, e.to_string()) }
    }
}

/// A whole file that cannot be read (not UTF-8 or Windows-1251, XML that is not well formed, a
/// CSV without the `sku` column): nothing of the import is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct FileError {
    pub file: String,
    pub code: &'static str,
    pub message: String,
}

impl FileError {
    fn new(file: &str, code: &'static str, message: impl Into<String>) -> Self {
        FileError { file: file.to_owned(), code, message: message.into() }
    }
}

/// A CommerceML group (a category in 1C), its parent's `Ид` when nested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub external_id: String,
    pub name: String,
    pub parent: Option<String>,
}

/// A CommerceML warehouse (`Склад`): mapped to a store by the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warehouse {
    pub external_id: String,
    pub name: String,
}

/// Everything read from an import's files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub records: Vec<ImportRecord>,
    pub refused: Vec<Refusal>,
    pub groups: Vec<Group>,
    pub warehouses: Vec<Warehouse>,
}

impl Parsed {
    /// Rows read, accepted or not.
    pub fn rows(&self) -> usize {
        self.records.len() + self.refused.len()
    }
}

/// Reads an import's files (name and bytes, in upload order).
pub fn parse(format: ImportFormat, files: &[(String, Vec<u8>)]) -> Result<Parsed, FileError> {
    let mut parsed = Parsed::default();
    match format {
        ImportFormat::Jsonl | ImportFormat::Csv => {
            for (name, bytes) in files {
                let text = decode_text(name, bytes)?;
                if format == ImportFormat::Jsonl {
                    read_jsonl(name, &text, &mut parsed)?;
                } else {
                    read_csv(name, &text, &mut parsed)?;
                }
            }
        }
        ImportFormat::Commerceml => read_commerceml(files, &mut parsed)?,
    }
    if parsed.rows() > MAX_IMPORT_ROWS {
        let file = files.last().map_or("", |(n, _)| n.as_str());
        return Err(FileError::new(file, "too_many_rows", format!("an import has at most {MAX_IMPORT_ROWS} rows; split the file")));
    }
    Ok(parsed)
}

/// Puts refused rows in file order (the order `files` names them, CommerceML's `import*.xml`
/// first), then by line or element number, as a merchandiser reads down the files.
pub fn sort_refusals(refusals: &mut [Refusal], files: &[String]) {
    let key = |r: &Refusal| {
        let file = files.iter().position(|f| r.at.starts_with(&format!("{f} "))).unwrap_or(usize::MAX);
        let offers = r.at.to_ascii_lowercase().starts_with("offers");
        let number: u64 = r.at.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (offers, file, number)
    };
    refusals.sort_by_key(key);
}

// ---- text ---------------------------------------------------------------------------------------

/// Windows-1251's upper half (0x80–0xFF); 0x98 is unassigned.
const CP1251_HIGH: &str = "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\u{FFFD}™љ›њќћџ\u{A0}ЎўЈ¤Ґ¦§Ё©Є«¬\u{AD}®Ї°±Ііґµ¶·ё№є»јЅѕїАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя";

/// A file's text: UTF-8 (a byte-order mark dropped) or, failing that, Windows-1251 (what Excel and
/// older 1C configurations write in Russia).
pub fn decode_text(file: &str, bytes: &[u8]) -> Result<String, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let high: Vec<char> = CP1251_HIGH.chars().collect();
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        match b {
            0..=0x7F => out.push(char::from(b)),
            0x98 => return Err(FileError::new(file, "unreadable_text", "the file is neither UTF-8 nor Windows-1251 text")),
            _ => out.push(high[usize::from(b - 0x80)]),
        }
    }
    Ok(out)
}

/// A cell's text, `None` when empty (empty keeps the catalog's value).
fn cell(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Roubles as people write them: `8690.00`, `8690,00`, `8 690`, `8 690,50 ₽` (spaces and the sign
/// dropped, a comma read as the decimal point).
pub fn price_text(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '₽').map(|c| if c == ',' { '.' } else { c }).collect()
}

/// `Память=128 ГБ; Цвет=чёрный` as attributes (`;` or `|` between pairs).
fn attribute_cell(raw: &str) -> Result<Vec<Attribute>, String> {
    raw.split([';', '|'])
        .filter(|p| !p.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => Ok(Attribute { name: name.trim().to_owned(), value: value.trim().to_owned() }),
            None => Err(format!("{:?} is not Name=Value", pair.trim().chars().take(60).collect::<String>())),
        })
        .collect()
}

/// A quantity cell: a whole number ≥ 0 (`5`, `5.000` as 1C writes it). A negative balance, which
/// 1C allows, is read as none on hand.
fn quantity(raw: &str) -> Result<u32, String> {
    let shown = || raw.chars().take(20).collect::<String>();
    let number = rust_decimal::Decimal::from_str_exact(&price_text(raw)).map_err(|_| format!("{:?} is not a quantity", shown()))?;
    if !number.fract().is_zero() {
        return Err(format!("{:?} is not a whole number of units", shown()));
    }
    if number.is_sign_negative() {
        return Ok(0);
    }
    rust_decimal::prelude::ToPrimitive::to_u32(&number)
        .filter(|n| *n <= MAX_IMPORT_QUANTITY)
        .ok_or_else(|| format!("at most {MAX_IMPORT_QUANTITY} units per store"))
}

// ---- JSON Lines ---------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    sku: String,
    name: Option<String>,
    brand: Option<String>,
    category: Option<String>,
    description: Option<String>,
    price: Option<serde_json::Value>,
    attributes: Option<Vec<Attribute>>,
    family: Option<String>,
    image: Option<String>,
    #[serde(default)]
    stock: BTreeMap<String, u32>,
}

fn read_jsonl(file: &str, text: &str, parsed: &mut Parsed) -> Result<(), FileError> {
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file} line {}", i + 1);
        let row: JsonRow = match serde_json::from_str(line) {
            Ok(row) => row,
            Err(e) => {
                let sku = serde_json::from_str::<serde_json::Value>(line).ok().and_then(|v| v["sku"].as_str().map(str::to_owned));
                parsed.refused.push(Refusal::new(&at, sku.as_deref(), "malformed", e.to_string()));
                continue;
            }
        };
        let price = match row.price {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => cell(&s),
            Some(_) => {
                let refusal = Refusal {
                    field: Some("/price".into()),
                    ..Refusal::new(&at, Some(&row.sku), "malformed", "a price is a string of roubles, e.g. \"8690.00\"")
                };
                parsed.refused.push(refusal);
                continue;
            }
        };
        parsed.records.push(ImportRecord {
            at,
            sku: row.sku,
            name: row.name,
            brand: row.brand,
            category: row.category,
            description: row.description,
            price,
            attributes: row.attributes,
            family: row.family.and_then(|f| cell(&f)),
            image: row.image.and_then(|f| cell(&f)),
            stock: row.stock.into_iter().collect(),
            external_id: None,
        });
    }
    Ok(())
}

// ---- CSV ----------------------------------------------------------------------------------------

/// The CSV columns, in any order; only `sku` is required. `attributes` is `Name=Value; Name=Value`;
/// each `stock:<store-id>` column sets that store's units on hand.
pub const CSV_COLUMNS: [&str; 9] = ["sku", "name", "brand", "category", "price", "description", "attributes", "family", "image"];

/// RFC 4180 records: quoted cells may hold the separator, line breaks and `""` for a quote. Each
/// record comes with the line it starts on.
fn csv_records(text: &str, separator: char) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            c if c == separator => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].trim().is_empty()) {
                    records.push((start_line, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(start_line);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start_line, fields));
    }
    Ok(records)
}

fn read_csv(file: &str, text: &str, parsed: &mut Parsed) -> Result<(), FileError> {
    let first_line = text.lines().next().unwrap_or("");
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() { ';' } else { ',' };
    let records = csv_records(text, separator)
        .map_err(|line| FileError::new(file, "malformed_csv", format!("a quoted cell that starts on line {line} never ends")))?;
    let Some((_, header)) = records.first() else { return Err(FileError::new(file, "empty_file", "the file has no header row")) };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for h in &header {
        if !CSV_COLUMNS.contains(&h.as_str()) && !h.starts_with("stock:") {
            return Err(FileError::new(
                file,
                "unknown_column",
                format!(
                    "unknown column {:?}; the columns are {} and stock:<store-id>",
                    h.chars().take(40).collect::<String>(),
                    CSV_COLUMNS.join(", ")
                ),
            ));
        }
        if header.iter().filter(|o| *o == h).count() > 1 {
            return Err(FileError::new(file, "duplicate_column", format!("the column {h:?} is named twice")));
        }
    }
    let Some(sku_column) = header.iter().position(|h| h == "sku") else {
        return Err(FileError::new(file, "missing_column", "the header has no sku column"));
    };
    for (line, cells) in records.into_iter().skip(1) {
        let at = format!("{file} line {line}");
        let sku = cells.get(sku_column).map(|s| s.trim().to_owned()).unwrap_or_default();
        if cells.len() != header.len() {
            let message = format!("{} cells where the header has {}", cells.len(), header.len());
            parsed.refused.push(Refusal::new(&at, Some(&sku), "malformed", message));
            continue;
        }
        let mut record = ImportRecord { at: at.clone(), sku: sku.clone(), ..ImportRecord::default() };
        let mut refusal = None;
        for (name, raw) in header.iter().zip(&cells) {
            let value = cell(raw);
            match name.as_str() {
                "name" => record.name = value,
                "brand" => record.brand = value,
                "category" => record.category = value,
                "price" => record.price = value,
                "description" => record.description = value,
                "family" => record.family = value,
                "image" => record.image = value,
                "attributes" => match value.as_deref().map(attribute_cell) {
                    None => {}
                    Some(Ok(list)) => record.attributes = Some(list),
                    Some(Err(message)) => {
                        refusal = Some(Refusal { field: Some("/attributes".into()), ..Refusal::new(&at, Some(&sku), "malformed", message) })
                    }
                },
                store if store.starts_with("stock:") => match value.as_deref().map(quantity) {
                    None => {}
                    Some(Ok(units)) => record.stock.push((store["stock:".len()..].trim().to_owned(), units)),
                    Some(Err(message)) => {
                        refusal = Some(Refusal { field: Some(format!("/{store}")), ..Refusal::new(&at, Some(&sku), "malformed", message) })
                    }
                },
                _ => {}
            }
        }
        match refusal {
            Some(r) => parsed.refused.push(r),
            None => parsed.records.push(record),
        }
    }
    Ok(())
}

// ---- CommerceML 2 -------------------------------------------------------------------------------

/// An XML element with its attributes, text and children (only the parts of a CommerceML file
/// that describe one group, property, product, price type, warehouse or offer are built so).
#[derive(Debug, Default, Clone)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// The trimmed text of the child `name`, if it has any.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).and_then(|c| cell(&c.text))
    }
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Walks `text`, handing each element named in `wanted` (outside another wanted one) to `each`
/// whole, with the names of the elements around it.
fn xml_elements(file: &str, text: &str, wanted: &[&str], mut each: impl FnMut(&[String], Element)) -> Result<(), FileError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    // The element being built and its open descendants, innermost last.
    let mut open: Vec<Element> = Vec::new();
    let malformed = |reader: &quick_xml::Reader<&[u8]>, e: &dyn std::fmt::Display| {
        FileError::new(file, "malformed_xml", format!("not well-formed XML at byte {}: {e}", reader.error_position()))
    };
    let start = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, String> {
        let mut element = Element { name: e.name().as_ref().to_owned(), ..Element::default() };
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
            element.attributes.push((a.key.as_ref().to_owned(), value.into_owned()));
        }
        Ok(element)
    };
    let mut finish = |path: &[String], open: &mut Vec<Element>, element: Element| {
        if let Some(parent) = open.last_mut() {
            parent.children.push(element);
        } else {
            each(path, element);
        }
    };
    loop {
        let event = reader.read_event().map_err(|e| malformed(&reader, &e))?;
        if path.len() + open.len() > MAX_XML_DEPTH {
            return Err(FileError::new(file, "malformed_xml", format!("elements nested deeper than {MAX_XML_DEPTH} levels")));
        }
        match event {
            Event::Start(e) => {
                let element = start(&e).map_err(|m| malformed(&reader, &m))?;
                if !open.is_empty() || wanted.contains(&element.name.as_str()) {
                    open.push(element);
                } else {
                    path.push(element.name);
                }
            }
            Event::Empty(e) => {
                let element = start(&e).map_err(|m| malformed(&reader, &m))?;
                if !open.is_empty() || wanted.contains(&element.name.as_str()) {
                    finish(&path, &mut open, element);
                }
            }
            Event::End(_) => {
                if let Some(element) = open.pop() {
                    finish(&path, &mut open, element);
                } else {
                    path.pop();
                }
            }
            Event::Text(t) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => return Err(malformed(&reader, &format!("unknown entity &{name};"))),
                        }
                    }
                };
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() || !open.is_empty() {
        return Err(FileError::new(file, "malformed_xml", "the file ends inside an element"));
    }
    Ok(())
}

fn groups_of(element: &Element, parent: Option<&str>, out: &mut Vec<Group>) {
    let Some(id) = element.text_of("Ид") else { return };
    out.push(Group {
        external_id: id.clone(),
        name: element.text_of("Наименование").unwrap_or_else(|| id.clone()),
        parent: parent.map(str::to_owned),
    });
    for nested in element.children("Группы").flat_map(|g| g.children("Группа")) {
        groups_of(nested, Some(&id), out);
    }
}

/// The article number as a SKU: trimmed and upper-cased (`sm-a546e` → `SM-A546E`).
fn sku_of(article: &str) -> String {
    article.trim().to_uppercase()
}

/// A property's value: the directory entry its `Ид` names, or the text itself.
fn property_value(
    properties: &HashMap<String, (String, HashMap<String, String>)>,
    property: &str,
    value: &str,
) -> Option<(String, String)> {
    let (name, directory) = properties.get(property)?;
    Some((name.clone(), directory.get(value).cloned().unwrap_or_else(|| value.to_owned())))
}

fn read_commerceml(files: &[(String, Vec<u8>)], parsed: &mut Parsed) -> Result<(), FileError> {
    // import.xml first: offers refer to its products by Ид.
    let mut ordered: Vec<&(String, Vec<u8>)> = files.iter().collect();
    ordered.sort_by_key(|(name, _)| !name.to_ascii_lowercase().starts_with("import"));
    let mut by_external: HashMap<String, usize> = HashMap::new();
    for (file, bytes) in ordered {
        let text = decode_text(file, bytes)?;
        if !text.contains("КоммерческаяИнформация") {
            return Err(FileError::new(file, "not_commerceml", "the file is not CommerceML (no КоммерческаяИнформация element)"));
        }
        if file.to_ascii_lowercase().starts_with("import") {
            read_import_xml(file, &text, parsed, &mut by_external)?;
        } else {
            read_offers_xml(file, &text, parsed, &by_external)?;
        }
    }
    Ok(())
}

fn read_import_xml(file: &str, text: &str, parsed: &mut Parsed, by_external: &mut HashMap<String, usize>) -> Result<(), FileError> {
    let mut properties: HashMap<String, (String, HashMap<String, String>)> = HashMap::new();
    let mut products = Vec::new();
    xml_elements(file, text, &["Группа", "Свойство", "Товар"], |path, element| match element.name.as_str() {
        "Группа" if path.last().map(String::as_str) == Some("Группы") => groups_of(&element, None, &mut parsed.groups),
        "Свойство" => {
            let Some(id) = element.text_of("Ид") else { return };
            let name = element.text_of("Наименование").unwrap_or_else(|| id.clone());
            let directory = element
                .children("ВариантыЗначений")
                .flat_map(|v| v.children("Справочник"))
                .filter_map(|d| Some((d.text_of("ИдЗначения")?, d.text_of("Значение")?)))
                .collect();
            properties.insert(id, (name, directory));
        }
        "Товар" => products.push(element),
        _ => {}
    })?;
    for (i, product) in products.into_iter().enumerate() {
        let at = format!("{file} Товар {}", i + 1);
        let external_id = product.text_of("Ид");
        let mut attributes = Vec::new();
        let mut brand = product.child("Изготовитель").and_then(|m| m.text_of("Наименование"));
        for value in product.children("ЗначенияСвойств").flat_map(|v| v.children("ЗначенияСвойства")) {
            let (Some(property), Some(raw)) = (value.text_of("Ид"), value.text_of("Значение")) else { continue };
            let Some((name, value)) = property_value(&properties, &property, &raw) else { continue };
            if ["бренд", "производитель", "марка"].contains(&name.to_lowercase().as_str()) {
                brand.get_or_insert(value);
            } else {
                attributes.push(Attribute { name, value });
            }
        }
        let mut family = None;
        for requisite in product.children("ЗначенияРеквизитов").flat_map(|v| v.children("ЗначениеРеквизита"))
        {
            if requisite.text_of("Наименование").is_some_and(|n| n.eq_ignore_ascii_case("family") || n == "Модель") {
                family = requisite.text_of("Значение");
            }
        }
        let record = ImportRecord {
            at,
            sku: product.text_of("Артикул").map(|a| sku_of(&a)).unwrap_or_default(),
            name: product.text_of("Наименование"),
            brand,
            category: product.children("Группы").flat_map(|g| g.children("Ид")).find_map(|g| cell(&g.text)),
            description: product.child("Описание").map(|d| d.text.trim().to_owned()),
            price: None,
            attributes: Some(attributes),
            family,
            image: None,
            stock: Vec::new(),
            external_id: external_id.clone(),
        };
        if record.sku.is_empty() && record.external_id.is_none() {
            parsed.refused.push(Refusal::new(&record.at, None, "missing_field", "a Товар needs an Артикул (its SKU) or an Ид"));
            continue;
        }
        if let Some(id) = external_id {
            by_external.insert(id, parsed.records.len());
        }
        parsed.records.push(record);
    }
    Ok(())
}

fn read_offers_xml(file: &str, text: &str, parsed: &mut Parsed, by_external: &HashMap<String, usize>) -> Result<(), FileError> {
    let mut price_types: Vec<(String, String)> = Vec::new();
    let mut offers = Vec::new();
    xml_elements(file, text, &["ТипЦены", "Склад", "Предложение"], |path, element| match element.name.as_str() {
        "ТипЦены" => {
            if let Some(id) = element.text_of("Ид") {
                price_types.push((id, element.text_of("Наименование").unwrap_or_default()));
            }
        }
        "Склад" if path.last().map(String::as_str) == Some("Склады") => {
            if let Some(id) = element.text_of("Ид") {
                let name = element.text_of("Наименование").unwrap_or_else(|| id.clone());
                parsed.warehouses.push(Warehouse { external_id: id, name });
            }
        }
        "Предложение" => offers.push(element),
        _ => {}
    })?;
    // The retail price type ("Розничная"), else the only or first one.
    let retail = price_types
        .iter()
        .find(|(_, name)| name.to_lowercase().contains("розничн") || name.to_lowercase().contains("retail"))
        .or(price_types.first())
        .map(|(id, _)| id.clone());
    for (i, offer) in offers.into_iter().enumerate() {
        let at = format!("{file} Предложение {}", i + 1);
        let external_id = offer.text_of("Ид").unwrap_or_default();
        let article = offer.text_of("Артикул").map(|a| sku_of(&a));
        let price = offer
            .children("Цены")
            .flat_map(|p| p.children("Цена"))
            .find(|p| retail.is_none() || p.text_of("ИдТипаЦены") == retail)
            .map(|p| (p.text_of("ЦенаЗаЕдиницу"), p.text_of("Валюта")));
        let mut record = ImportRecord {
            at: at.clone(),
            sku: article.clone().unwrap_or_default(),
            external_id: Some(external_id.clone()),
            ..ImportRecord::default()
        };
        if let Some((amount, currency)) = price {
            if let Some(c) = currency.filter(|c| !["руб", "руб.", "rub", "643", "₽"].contains(&c.to_lowercase().as_str())) {
                parsed.refused.push(Refusal::new(
                    &at,
                    article.as_deref(),
                    "unsupported_currency",
                    format!("the price is in {c}; the shop sells in roubles"),
                ));
                continue;
            }
            record.price = amount;
        }
        let mut bad_quantity = None;
        // `<Склад ИдСклада="…" КоличествоНаСкладе="5"/>` (2.05–2.08) or `<Остатки><Остаток><Склад><Ид/><Количество/>` (2.10).
        for store in offer.children("Склад") {
            if let (Some(id), Some(units)) = (store.attribute("ИдСклада"), store.attribute("КоличествоНаСкладе"))
            {
                match quantity(units) {
                    Ok(units) => record.stock.push((id.to_owned(), units)),
                    Err(m) => bad_quantity = Some(m),
                }
            }
        }
        for store in offer.children("Остатки").flat_map(|o| o.children("Остаток")).flat_map(|o| o.children("Склад")) {
            if let (Some(id), Some(units)) = (store.text_of("Ид"), store.text_of("Количество")) {
                match quantity(&units) {
                    Ok(units) => record.stock.push((id, units)),
                    Err(m) => bad_quantity = Some(m),
                }
            }
        }
        if let Some(message) = bad_quantity {
            parsed.refused.push(Refusal::new(&at, article.as_deref(), "malformed", message));
            continue;
        }
        // An offer of a product in this import's import.xml completes that row; a characteristic
        // (`product#variant`) without an article of its own is its product.
        let base = external_id.split('#').next().unwrap_or_default();
        let same = by_external.get(&external_id).or_else(|| if article.is_none() { by_external.get(base) } else { None });
        match same {
            Some(&i) => {
                let product = &mut parsed.records[i];
                if record.price.is_some() {
                    product.price = record.price;
                }
                product.stock.extend(record.stock);
            }
            None if record.sku.is_empty() && external_id.is_empty() => {
                parsed.refused.push(Refusal::new(&at, None, "missing_field", "a Предложение needs an Ид or an Артикул"));
            }
            None => parsed.records.push(record),
        }
    }
    Ok(())
}

// ---- planning -----------------------------------------------------------------------------------

/// A product as the catalog holds it, for planning a row against.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub product: Product,
    pub family: Option<String>,
    pub version: i64,
    pub archived: bool,
}

/// What one accepted row does.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new product, with its first list price.
    Create { product: Product, family: Option<String> },
    /// An existing product at `version`: its descriptive fields (`fields`) and/or its price
    /// (`price`, the new list price in kopecks) change.
    Update { product: Product, family: Option<String>, version: i64, fields: bool, price: Option<i64> },
    /// Nothing about the product changes (its stock may).
    Unchanged,
}

/// One accepted row: what happens to the product and the units on hand it sets per store.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub sku: Sku,
    pub change: Change,
    pub stock: Vec<(StoreId, u32)>,
}

/// Plans `record` (its SKU, category and store keys already the catalog's own) against the
/// product as it is, if any. `category` finds a category by id; `store_exists` tells a store.
pub fn plan(
    record: &ImportRecord,
    current: Option<&Current>,
    category: &dyn Fn(&CategoryId) -> Option<Category>,
    store_exists: &dyn Fn(&StoreId) -> bool,
) -> Result<Plan, Refusal> {
    let at = record.at.as_str();
    let raw_sku = record.sku.trim();
    let sku = Sku::parse(raw_sku)
        .map_err(|e| Refusal { field: Some("/sku".into()), ..Refusal::new(at, Some(raw_sku), "invalid_sku", e.to_string()) })?;
    let field = |e: FieldError| Refusal::at_field(at, raw_sku, e);
    if current.is_some_and(|c| c.archived) {
        return Err(Refusal::new(
            at,
            Some(raw_sku),
            "product_archived",
            format!("product {sku} is archived; restore it before importing it"),
        ));
    }
    let mut stock = Vec::with_capacity(record.stock.len());
    for (store, units) in &record.stock {
        match StoreId::parse(store) {
            Ok(id) if store_exists(&id) => stock.push((id, *units)),
            _ => {
                let message = format!("there is no store {:?}", store.chars().take(40).collect::<String>());
                return Err(Refusal {
                    field: Some(format!("/stock/{}", store.chars().take(40).collect::<String>())),
                    ..Refusal::new(at, Some(raw_sku), "unknown_store", message)
                });
            }
        }
    }
    let price = match &record.price {
        Some(raw) => {
            let money = Money::parse_rub(&price_text(raw)).map_err(|e| field(FieldError::new("/price", "malformed", e.to_string())))?;
            Some(check_price("/price", &money).map_err(field)?)
        }
        None => None,
    };
    let category = match &record.category {
        Some(raw) => {
            let id = CategoryId::parse(raw.trim()).map_err(|e| field(FieldError::new("/category", "invalid_category", e.to_string())))?;
            Some(
                category(&id)
                    .ok_or_else(|| field(FieldError::new("/category", "unknown_category", format!("there is no category {id}"))))?,
            )
        }
        None => None,
    };
    let text = |pointer: &str, raw: &Option<String>, max: usize, multiline: bool| -> Result<Option<String>, Refusal> {
        raw.as_deref().map(|r| check_text(pointer, r, max, multiline, multiline)).transpose().map_err(field)
    };
    let name = text("/name", &record.name, MAX_PRODUCT_NAME_CHARS, false)?;
    let brand = text("/brand", &record.brand, MAX_BRAND_CHARS, false)?;
    let description = text("/description", &record.description, MAX_DESCRIPTION_CHARS, true)?;
    let attributes = record.attributes.as_deref().map(|a| check_attributes("/attributes", a)).transpose().map_err(field)?;
    let image = record.image.as_deref().map(|i| check_image("/image", i)).transpose().map_err(field)?;
    let family = record.family.as_deref().map(|f| check_family("/family", f)).transpose().map_err(field)?;
    let Some(current) = current else {
        let missing: Vec<&str> =
            [("name", name.is_none()), ("brand", brand.is_none()), ("category", category.is_none()), ("price", price.is_none())]
                .into_iter()
                .filter_map(|(f, m)| m.then_some(f))
                .collect();
        if let Some(first) = missing.first() {
            let message = format!("a new product needs {}", missing.join(", "));
            return Err(Refusal { field: Some(format!("/{first}")), ..Refusal::new(at, Some(raw_sku), "missing_field", message) });
        }
        let category = category.unwrap_or_else(|| unreachable!("checked above"));
        let product = Product {
            sku: sku.clone(),
            name: name.unwrap_or_default(),
            brand: brand.unwrap_or_default(),
            category: category.id.clone(),
            description: description.unwrap_or_default(),
            price: price.unwrap_or_else(|| unreachable!("checked above")),
            attributes: attributes.unwrap_or_default(),
            image: image.unwrap_or_else(|| crate::art::image_path(&sku, crate::art::View::Front)),
        };
        return Ok(Plan { sku, change: Change::Create { product, family }, stock });
    };
    let mut product = current.product.clone();
    product.name = name.unwrap_or(product.name);
    product.brand = brand.unwrap_or(product.brand);
    product.category = category.map_or(product.category, |c| c.id);
    product.description = description.unwrap_or(product.description);
    product.attributes = attributes.unwrap_or(product.attributes);
    product.image = image.unwrap_or(product.image);
    let family = family.or_else(|| current.family.clone());
    let new_price = price.map(|p| p.minor_units()).filter(|p| *p != current.product.price.minor_units());
    if let Some(p) = price {
        product.price = p;
    }
    let fields = product != Product { price: product.price, ..current.product.clone() } || family != current.family;
    let change = if fields || new_price.is_some() {
        Change::Update { product, family, version: current.version, fields, price: new_price }
    } else {
        Change::Unchanged
    };
    Ok(Plan { sku, change, stock })
}

/// A category id made from a 1C group's name: Latin letters for Cyrillic ones, `-` between words
/// (`Смартфоны и гаджеты` → `smartfony-i-gadzhety`), at most 40 characters; `taken` moves it on
/// to `-2`, `-3`, … until it is free.
pub fn category_slug(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    const LATIN: [&str; 33] = [
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh",
        "shch", "", "y", "", "e", "yu", "ya", "e",
    ];
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let piece = match c {
            'а'..='я' => LATIN[(c as usize) - ('а' as usize)].to_owned(),
            'ё' => LATIN[32].to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        slug.push_str(&piece);
    }
    let mut slug: String = slug.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    slug.truncate(34);
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() < 2 {
        slug = "group".to_owned();
    }
    let mut candidate = slug.clone();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> (String, Vec<u8>) {
        (name.to_owned(), text.as_bytes().to_vec())
    }

    #[test]
    fn a_csv_with_semicolons_quotes_and_line_breaks_reads_every_row() {
        let csv = "sku;name;price;attributes;stock:msk-tverskaya\r\nPHN-9001;\"Телефон \"\"Нова\"\"; 5G\";8 690,50;\"Память=128 ГБ; Цвет=чёрный\";5\r\nPHN-9002;\"Две\nстроки\";;;\r\n";
        let parsed = parse(ImportFormat::Csv, &[file("catalog.csv", csv)]).expect("parsed");
        assert_eq!(parsed.refused, vec![]);
        assert_eq!(parsed.records.len(), 2);
        let first = &parsed.records[0];
        assert_eq!(first.name.as_deref(), Some("Телефон \"Нова\"; 5G"));
        assert_eq!(first.price.as_deref(), Some("8 690,50"));
        assert_eq!(first.attributes.as_ref().map(Vec::len), Some(2));
        assert_eq!(first.stock, vec![("msk-tverskaya".to_owned(), 5)]);
        assert_eq!(parsed.records[1].name.as_deref(), Some("Две\nстроки"));
        assert_eq!(parsed.records[1].price, None, "an empty cell keeps the catalog's value");
        assert_eq!(parsed.records[1].at, "catalog.csv line 3");
    }

    #[test]
    fn a_csv_with_an_unknown_column_is_refused_whole() {
        let err = parse(ImportFormat::Csv, &[file("c.csv", "sku,colour\nA-1,red\n")]).expect_err("refused");
        assert_eq!(err.code, "unknown_column");
        let err = parse(ImportFormat::Csv, &[file("c.csv", "name\nX\n")]).expect_err("refused");
        assert_eq!(err.code, "missing_column");
    }

    #[test]
    fn a_windows_1251_csv_reads_as_cyrillic() {
        let bytes: Vec<u8> = b"sku,name\nPHN-9001,".iter().copied().chain([0xD2, 0xE5, 0xEB, 0xE5, 0xF4, 0xEE, 0xED, b'\n']).collect();
        let parsed = parse(ImportFormat::Csv, &[("c.csv".into(), bytes)]).expect("parsed");
        assert_eq!(parsed.records[0].name.as_deref(), Some("Телефон"));
    }

    #[test]
    fn a_broken_jsonl_line_is_refused_and_the_others_are_read() {
        let text = "{\"sku\":\"PHN-9001\",\"price\":\"10.00\",\"stock\":{\"spb-nevsky\":2}}\n{\"sku\":\"PHN-9002\",\"colour\":1}\n\n{\"sku\":\"PHN-9003\",\"price\":10}\n";
        let parsed = parse(ImportFormat::Jsonl, &[file("p.jsonl", text)]).expect("parsed");
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.records[0].stock, vec![("spb-nevsky".to_owned(), 2)]);
        let reasons: Vec<(&str, Option<&str>)> = parsed.refused.iter().map(|r| (r.at.as_str(), r.sku.as_deref())).collect();
        assert_eq!(reasons, vec![("p.jsonl line 2", Some("PHN-9002")), ("p.jsonl line 4", Some("PHN-9003"))]);
    }

    const IMPORT_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.10">
 <Классификатор><Ид>cls</Ид><Наименование>Классификатор</Наименование>
  <Группы><Группа><Ид>g1</Ид><Наименование>Электроника</Наименование>
    <Группы><Группа><Ид>g2</Ид><Наименование>Смартфоны</Наименование></Группа></Группы></Группа></Группы>
  <Свойства><Свойство><Ид>p-mem</Ид><Наименование>Память</Наименование><ТипЗначений>Справочник</ТипЗначений>
    <ВариантыЗначений><Справочник><ИдЗначения>v128</ИдЗначения><Значение>128 ГБ</Значение></Справочник></ВариантыЗначений></Свойство>
   <Свойство><Ид>p-brand</Ид><Наименование>Бренд</Наименование></Свойство></Свойства>
 </Классификатор>
 <Каталог><Ид>cat</Ид><Товары>
  <Товар><Ид>guid-1</Ид><Артикул>nx-128</Артикул><Наименование>Смартфон Nova X &amp; 5G</Наименование>
   <Группы><Ид>g2</Ид></Группы><Описание>Хороший</Описание>
   <ЗначенияСвойств><ЗначенияСвойства><Ид>p-mem</Ид><Значение>v128</Значение></ЗначенияСвойства>
    <ЗначенияСвойства><Ид>p-brand</Ид><Значение>Nova</Значение></ЗначенияСвойства></ЗначенияСвойств></Товар>
  <Товар><Ид>guid-2</Ид><Наименование>Без артикула</Наименование></Товар>
 </Товары></Каталог>
</КоммерческаяИнформация>"#;

    const OFFERS_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.10"><ПакетПредложений>
 <ТипыЦен><ТипЦены><Ид>opt</Ид><Наименование>Оптовая</Наименование></ТипЦены><ТипЦены><Ид>rt</Ид><Наименование>Розничная</Наименование></ТипЦены></ТипыЦен>
 <Склады><Склад><Ид>w1</Ид><Наименование>Тверская</Наименование></Склад></Склады>
 <Предложения>
  <Предложение><Ид>guid-1</Ид><Цены><Цена><ИдТипаЦены>opt</ИдТипаЦены><ЦенаЗаЕдиницу>100</ЦенаЗаЕдиницу></Цена>
    <Цена><ИдТипаЦены>rt</ИдТипаЦены><ЦенаЗаЕдиницу>29990.00</ЦенаЗаЕдиницу><Валюта>руб</Валюта></Цена></Цены>
   <Склад ИдСклада="w1" КоличествоНаСкладе="4"/></Предложение>
  <Предложение><Ид>other</Ид><Артикул>PHN-0001</Артикул><Цены><Цена><ИдТипаЦены>rt</ИдТипаЦены><ЦенаЗаЕдиницу>1,5</ЦенаЗаЕдиницу><Валюта>USD</Валюта></Цена></Цены></Предложение>
 </Предложения></ПакетПредложений></КоммерческаяИнформация>"#;

    #[test]
    fn a_commerceml_pair_reads_groups_properties_the_retail_price_and_stock_per_warehouse() {
        let parsed = parse(ImportFormat::Commerceml, &[file("offers.xml", OFFERS_XML), file("import.xml", IMPORT_XML)]).expect("parsed");
        let groups: Vec<(&str, Option<&str>)> = parsed.groups.iter().map(|g| (g.name.as_str(), g.parent.as_deref())).collect();
        assert_eq!(groups, vec![("Электроника", None), ("Смартфоны", Some("g1"))]);
        assert_eq!(parsed.warehouses, vec![Warehouse { external_id: "w1".into(), name: "Тверская".into() }]);
        let nova = &parsed.records[0];
        assert_eq!(nova.sku, "NX-128");
        assert_eq!(nova.name.as_deref(), Some("Смартфон Nova X & 5G"));
        assert_eq!(nova.brand.as_deref(), Some("Nova"));
        assert_eq!(nova.category.as_deref(), Some("g2"));
        assert_eq!(nova.attributes, Some(vec![Attribute { name: "Память".into(), value: "128 ГБ".into() }]));
        assert_eq!(nova.price.as_deref(), Some("29990.00"), "the retail price, not the wholesale one");
        assert_eq!(nova.stock, vec![("w1".to_owned(), 4)]);
        assert_eq!(parsed.records[1].sku, "", "known by its Ид only");
        assert_eq!(parsed.refused.len(), 1);
        assert_eq!(parsed.refused[0].reason, "unsupported_currency");
    }

    #[test]
    fn xml_nested_too_deep_refuses_the_file_instead_of_exhausting_the_stack() {
        let deep =
            format!("<КоммерческаяИнформация>{}{}</КоммерческаяИнформация>", "<Группа>".repeat(100_000), "</Группа>".repeat(100_000));
        let err = parse(ImportFormat::Commerceml, &[file("import.xml", &deep)]).expect_err("refused");
        assert_eq!(err.code, "malformed_xml");
        assert!(err.message.contains("nested deeper"), "{err}");
    }

    #[test]
    fn xml_that_is_not_well_formed_refuses_the_file() {
        let err = parse(ImportFormat::Commerceml, &[file("import.xml", "<КоммерческаяИнформация><Каталог></КоммерческаяИнформация>")])
            .expect_err("refused");
        assert_eq!(err.code, "malformed_xml");
        let err = parse(ImportFormat::Commerceml, &[file("import.xml", "<a/>")]).expect_err("refused");
        assert_eq!(err.code, "not_commerceml");
    }

    fn phone() -> Current {
        Current {
            product: Product {
                sku: Sku::parse("PHN-0001").unwrap(),
                name: "Phone".into(),
                brand: "Nova".into(),
                category: CategoryId::parse("smartphones").unwrap(),
                description: String::new(),
                price: Money::parse_rub("100.00").unwrap(),
                attributes: vec![],
                image: "/img/cat/smartphones.svg".into(),
            },
            family: None,
            version: 3,
            archived: false,
        }
    }

    fn categories(id: &CategoryId) -> Option<Category> {
        (id.as_str() == "smartphones").then(|| Category {
            id: id.clone(),
            name_ru: "Смартфоны".into(),
            name_en: "Smartphones".into(),
            image: "/img/cat/smartphones.svg".into(),
        })
    }

    fn record(sku: &str) -> ImportRecord {
        ImportRecord { at: "f line 2".into(), sku: sku.into(), ..ImportRecord::default() }
    }

    #[test]
    fn a_row_plans_a_create_an_update_a_price_change_or_nothing() {
        let stores = |s: &StoreId| s.as_str() == "msk-tverskaya";
        let new = ImportRecord {
            name: Some("Новый".into()),
            brand: Some("Nova".into()),
            category: Some("smartphones".into()),
            price: Some("1 990,00".into()),
            stock: vec![("msk-tverskaya".into(), 3)],
            ..record("PHN-9001")
        };
        let planned = plan(&new, None, &categories, &stores).expect("planned");
        assert!(matches!(&planned.change, Change::Create { product, .. } if product.price.minor_units() == 199_000));
        assert_eq!(planned.stock.len(), 1);
        let current = phone();
        let same = ImportRecord { price: Some("100".into()), name: Some("Phone".into()), ..record("PHN-0001") };
        assert_eq!(plan(&same, Some(&current), &categories, &stores).expect("planned").change, Change::Unchanged);
        let cheaper = ImportRecord { price: Some("90".into()), ..record("PHN-0001") };
        assert!(matches!(
            plan(&cheaper, Some(&current), &categories, &stores).unwrap().change,
            Change::Update { fields: false, price: Some(9_000), version: 3, .. }
        ));
        let renamed = ImportRecord { name: Some("Phone 2".into()), ..record("PHN-0001") };
        assert!(matches!(
            plan(&renamed, Some(&current), &categories, &stores).unwrap().change,
            Change::Update { fields: true, price: None, .. }
        ));
    }

    #[test]
    fn a_row_that_does_not_fit_is_refused_with_its_field_and_reason() {
        let stores = |_: &StoreId| false;
        let reason = |r: ImportRecord, current: Option<&Current>| {
            let refusal = plan(&r, current, &categories, &stores).expect_err("refused");
            (refusal.reason, refusal.field)
        };
        assert_eq!(reason(record("phn 1"), None), ("invalid_sku".into(), Some("/sku".into())));
        assert_eq!(reason(ImportRecord { name: Some("X".into()), ..record("PHN-9001") }, None).0, "missing_field");
        assert_eq!(
            reason(ImportRecord { price: Some("-5".into()), ..record("PHN-0001") }, Some(&phone())),
            ("negative".into(), Some("/price/amount".into()))
        );
        assert_eq!(reason(ImportRecord { category: Some("boats".into()), ..record("PHN-0001") }, Some(&phone())).0, "unknown_category");
        assert_eq!(reason(ImportRecord { stock: vec![("nowhere".into(), 1)], ..record("PHN-0001") }, Some(&phone())).0, "unknown_store");
        let archived = Current { archived: true, ..phone() };
        assert_eq!(reason(record("PHN-0001"), Some(&archived)).0, "product_archived");
    }

    #[test]
    fn a_group_name_becomes_a_free_latin_category_id() {
        assert_eq!(category_slug("Смартфоны и гаджеты", &|_| false), "smartfony-i-gadzhety");
        assert_eq!(category_slug("Ёлки", &|s| s == "elki"), "elki-2");
        assert_eq!(category_slug("!!", &|_| false), "group");
    }

    #[test]
    fn quantities_are_whole_units_and_a_negative_balance_is_none() {
        assert_eq!(quantity("5.000"), Ok(5));
        assert_eq!(quantity("-3"), Ok(0));
        assert!(quantity("2.5").is_err());
        assert!(quantity("many").is_err());
    }
}
