//! Extractors that turn axum's rejections into Vitrina's JSON errors.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde_json::Value;

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
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await.map_err(|e: JsonRejection| {
            let status = e.status();
            let code = match status {
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
                _ => "malformed_json",
            };
            ApiError::BadRequest { status, code, message: e.body_text() }
        })?;
        serde_path_to_error::deserialize(Strict(whole_numbers(value))).map(ApiJson).map_err(|e| ApiError::BadRequest {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_body",
            message: format!("Failed to deserialize the JSON body into the target type: {}: {}", e.path(), e.inner()),
        })
    }
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

/// A JSON value read the way the OpenAPI document reads it: an object type is a JSON object and an
/// enum tag is the variant's name. serde alone also reads a struct from an array of its fields in
/// order (`[null, null]` for `{"per_customer": null, "total_uses": null}`) and a tag from the
/// variant's index (`{"type": 0}`), which the document does not allow. Values inside an internally
/// tagged enum are read from serde's buffered content and keep both leniencies (the document
/// says so where it matters, e.g. a discount target's `kind`).
pub struct Strict(pub Value);

impl<'de> IntoDeserializer<'de, serde_json::Error> for Strict {
    type Deserializer = Strict;
    fn into_deserializer(self) -> Strict {
        self
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
        match self.0 {
            Value::Array(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter().map(Strict))),
            Value::Object(fields) => visitor.visit_map(MapDeserializer::new(fields.into_iter().map(|(k, v)| (k, Strict(v))))),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        match &self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(serde::de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Only enum tags reach here (object keys are read as strings): a tag is its name, never the
    /// variant's index that serde would also take (`{"type": 0}` for the first variant).
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.0 {
            Value::String(name) => visitor.visit_string(name),
            other => Err(serde::de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        self.0.deserialize_enum(name, variants, visitor)
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
