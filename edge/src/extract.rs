//! Extractors that turn axum's rejections into Vitrina's JSON errors.

use crate::error::ApiError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// Query string parsed with serde; a malformed one is a 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(|e: QueryRejection| {
            ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code: "invalid_query", message: e.body_text() }
        })
    }
}

/// Path parameters; a malformed one is a 400 `invalid_path`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(|e: PathRejection| {
            ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code: "invalid_path", message: e.body_text() }
        })
    }
}

/// A JSON body. Oversized → 413 `payload_too_large`; wrong content type → 415; syntax → 400
/// `malformed_json`; wrong shape → 422 `invalid_body`.
///
/// Numbers are read as JSON Schema reads them: `2.0` is the integer 2 (see [`whole_numbers`]), so
/// an integer field takes any number the OpenAPI document's `"type": "integer"` allows.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let value = json_value(req, state).await?;
        strict_from_value(whole_numbers(value)).map(ApiJson).map_err(|e| ApiError::BadRequest {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_body",
            message: format!("Failed to deserialize the JSON body into the target type: {}: {}", e.path(), e.inner),
        })
    }
}

/// The body as a JSON value: the part of [`ApiJson`] that does not depend on the type read (so it
/// is compiled once), and written here rather than taken from `axum::Json`, which would also
/// compile `serde_path_to_error` into the Spin component.
async fn json_value<S: Send + Sync>(req: Request, state: &S) -> Result<Value, ApiError> {
    if !is_json(req.headers()) {
        return Err(ApiError::BadRequest {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message: "Expected request with `Content-Type: application/json`".into(),
        });
    }
    let ApiBytes(bytes) = ApiBytes::from_request(req, state).await?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
        status: StatusCode::BAD_REQUEST,
        code: "malformed_json",
        message: format!("Failed to parse the request body as JSON: {e}"),
    })
}

/// Whether the body is declared JSON: `application/json` or `application/<anything>+json`, with
/// any parameters (`; charset=utf-8`), as `axum::Json` decides.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A raw body (a file upload). Over the route's limit → 413 `payload_too_large`; a body that
/// cannot be read → 400 `unreadable_body`.
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(req, state).await.map(ApiBytes).map_err(|e| {
            let status = e.status();
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "unreadable_body" };
            ApiError::BadRequest { status, code, message: e.body_text() }
        })
    }
}

/// A body that does not fit its type: where (the fields and indexes leading to the value at
/// fault) and why.
#[derive(Debug)]
pub struct BodyError {
    trail: Vec<Segment>,
    pub inner: serde_json::Error,
}

#[derive(Debug, Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

impl BodyError {
    /// The path as it reads in a message: `lines[1].qty`, or `.` for the body itself.
    pub fn path(&self) -> String {
        if self.trail.is_empty() {
            return ".".to_owned();
        }
        let mut out = String::new();
        for segment in &self.trail {
            match segment {
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
            }
        }
        out
    }

    /// The path as a JSON pointer (RFC 6901): `/lines/1/qty`, or `/` for the body itself.
    pub fn pointer(&self) -> String {
        if self.trail.is_empty() {
            return "/".to_owned();
        }
        self.trail
            .iter()
            .map(|segment| match segment {
                Segment::Index(i) => format!("/{i}"),
                Segment::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            })
            .collect()
    }
}

/// Reads `value` as a `T` the way the OpenAPI document reads it (see [`Strict`]), and says where
/// it does not fit.
///
/// The trail is kept by [`Strict`] itself rather than by wrapping every visitor (as the
/// `serde_path_to_error` crate does), which kept 360 KB of generic code out of the Spin component.
pub fn strict_from_value<T: DeserializeOwned>(value: Value) -> Result<T, BodyError> {
    let trail = Rc::new(RefCell::new(Vec::new()));
    T::deserialize(Strict { value, segment: None, trail: trail.clone() }).map_err(|inner| BodyError { trail: trail.take(), inner })
}

/// A JSON value read the way the OpenAPI document reads it: an object type is a JSON object and an
/// enum tag is the variant's name. serde alone also reads a struct from an array of its fields in
/// order (`[null, null]` for `{"per_customer": null, "total_uses": null}`) and a tag from the
/// variant's index (`{"type": 0}`), which the document does not allow. Values inside an internally
/// tagged enum are read from serde's buffered content and keep both leniencies (the document
/// says so where it matters, e.g. a discount target's `kind`).
///
/// Each value knows its place in its parent (`segment`) and puts it on the shared `trail` when it
/// is read, taking it off again once it was read without error: after an error the trail leads
/// to the innermost value at fault (or to the object a field is missing from).
pub struct Strict {
    value: Value,
    segment: Option<Segment>,
    trail: Rc<RefCell<Vec<Segment>>>,
}

impl<'de> IntoDeserializer<'de, serde_json::Error> for Strict {
    type Deserializer = Strict;
    fn into_deserializer(self) -> Strict {
        self
    }
}

impl Strict {
    /// Puts this value's segment on the trail (once, however often it is re-entered), then reads
    /// it with `read`; on success takes the segment off again.
    fn read<T>(mut self, read: impl FnOnce(Strict) -> Result<T, serde_json::Error>) -> Result<T, serde_json::Error> {
        let entered = self.segment.take().map(|segment| self.trail.borrow_mut().push(segment)).is_some();
        let trail = self.trail.clone();
        let result = read(self);
        if entered && result.is_ok() {
            trail.borrow_mut().pop();
        }
        result
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            n.as_i64().map(Unexpected::Signed).or(n.as_u64().map(Unexpected::Unsigned)).unwrap_or(Unexpected::Other("number"))
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> Deserializer<'de> for Strict {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.read(|this| {
            let trail = this.trail;
            let child = |segment, value| Strict { value, segment: Some(segment), trail: trail.clone() };
            match this.value {
                Value::Array(items) => {
                    visitor.visit_seq(SeqDeserializer::new(items.into_iter().enumerate().map(|(i, v)| child(Segment::Index(i), v))))
                }
                Value::Object(fields) => {
                    visitor.visit_map(MapDeserializer::new(fields.into_iter().map(|(k, v)| (k.clone(), child(Segment::Key(k), v)))))
                }
                // By hand rather than through `Value::deserialize_any`, whose array and object
                // branches would be compiled again for every visitor (80 KB in the Spin component).
                Value::Null => visitor.visit_unit(),
                Value::Bool(b) => visitor.visit_bool(b),
                Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                    (Some(u), _) => visitor.visit_u64(u),
                    (None, Some(i)) => visitor.visit_i64(i),
                    (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
                },
                Value::String(s) => visitor.visit_string(s),
            }
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.read(|this| match &this.value {
            Value::Object(_) => this.deserialize_any(visitor),
            other => Err(serde::de::Error::invalid_type(unexpected(other), &visitor)),
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.read(|this| match this.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(this),
        })
    }

    /// Only enum tags reach here (object keys are read as strings): a tag is its name, never the
    /// variant's index that serde would also take (`{"type": 0}` for the first variant).
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.read(|this| match this.value {
            Value::String(name) => visitor.visit_string(name),
            other => Err(serde::de::Error::invalid_type(unexpected(&other), &visitor)),
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.read(|this| visitor.visit_newtype_struct(this))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.read(|this| this.value.deserialize_enum(name, variants, visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map ignored_any
    }
}

/// The version an `If-Match` value names: an entity tag of digits, `"3"` or `W/"3"`, or the bare
/// `3` older clients send, exactly as the OpenAPI document's pattern
/// `^(?:(?:W/)?"[0-9]{1,18}"|[0-9]{1,18})$` says. Anything else (`*`, a list, an empty value) is
/// `None`, for the caller's 400 `invalid_if_match`.
pub fn etag_version(raw: &str) -> Option<i64> {
    let digits = match raw.strip_prefix("W/").unwrap_or(raw).strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"')?,
        None => raw,
    };
    if (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Rewrites every number with no fractional part (`3.0`, `-1e2`) as an integer, recursively.
///
/// JSON has one number type, and JSON Schema's `integer` is any number whose fractional part is
/// zero, so `{"qty": 3.0}` is a valid body wherever `qty` is an integer; serde, though, reads `3.0`
/// as a float and refuses it for an `i64`. Floats of 2^52 or more stay as they are (they may not be
/// the integer that was written), and an integer field refuses them.
pub fn whole_numbers(value: Value) -> Value {
    match value {
        // Below 2^52 a whole float is the integer written (serde_json may read a float one unit in
        // the last place off, which there shows as a fraction); from 2^52 it might be a neighbour,
        // e.g. `9223372036854775809` (read as a float, being past i64), so such floats stay floats.
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 4_503_599_627_370_496.0 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

/// The client's address as the host saw it (`X-Vitrina-Client` is set by the host adapters).
pub fn client_address(headers: &HeaderMap) -> String {
    headers.get(crate::CLIENT_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_become_integers_and_everything_else_stays() {
        let raw: Value =
            serde_json::from_str(r#"{"qty": 3.0, "lines": [{"qty": -1e2}], "lat": 55.75, "huge": 1e30, "n": 7}"#).expect("JSON");
        assert_eq!(whole_numbers(raw), json!({"qty": 3, "lines": [{"qty": -100}], "lat": 55.75, "huge": 1e30, "n": 7}));
        // Regression: -9223372036854775809 (past i64, so read as a float) rounded to i64::MIN.
        let edge: Value = serde_json::from_str("[-9223372036854775809, 4503599627370495.0, 4503599627370496.0]").expect("JSON");
        assert_eq!(whole_numbers(edge), json!([-9.223372036854776e18, 4_503_599_627_370_495_i64, 4.503599627370496e15]));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        note: Option<String>,
        lines: Vec<Line>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        qty: u32,
    }

    fn where_it_fails(body: Value) -> (String, String) {
        let e = strict_from_value::<Order>(body).expect_err("the body does not fit");
        (e.path(), e.pointer())
    }

    #[test]
    fn a_body_that_does_not_fit_names_the_innermost_value_at_fault() {
        let wrong_qty = json!({"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": "two"}]});
        assert_eq!(where_it_fails(wrong_qty), ("lines[1].qty".to_owned(), "/lines/1/qty".to_owned()));
        let missing_sku = json!({"note": "x", "lines": [{"qty": 1}]});
        assert_eq!(where_it_fails(missing_sku), ("lines[0]".to_owned(), "/lines/0".to_owned()), "the object a field is missing from");
        assert_eq!(where_it_fails(json!({"note": 5, "lines": []})), ("note".to_owned(), "/note".to_owned()));
        assert_eq!(where_it_fails(json!([])), (".".to_owned(), "/".to_owned()), "an array is no object");
        assert_eq!(where_it_fails(json!({"lines": [], "a/b": 1})), (".".to_owned(), "/".to_owned()), "an unknown field");
        let ok = strict_from_value::<Order>(json!({"note": null, "lines": [{"sku": "A", "qty": 2}]})).expect("fits");
        assert_eq!(ok.lines[0].qty, 2);
    }

    #[test]
    fn an_etag_names_a_version_only_in_the_forms_the_document_allows() {
        for (raw, version) in [("\"3\"", Some(3)), ("W/\"3\"", Some(3)), ("3", Some(3)), ("\"000000000000000042\"", Some(42))] {
            assert_eq!(etag_version(raw), version, "{raw}");
        }
        for raw in ["", "*", "\"\"", "W/3", "\"3", "3\"", "\"-3\"", "+3", "\"3\", \"4\"", " \"3\"", "1234567890123456789"] {
            assert_eq!(etag_version(raw), None, "{raw}");
        }
    }
}
