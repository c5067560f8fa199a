//! Browser hardening: the security headers on every answer (app shells, static files, API JSON and
//! error answers alike), set by one layer around the whole Router.
//!
//! The Content-Security-Policy allows scripts from this origin only, plus compiling WebAssembly
//! (`'wasm-unsafe-eval'`: the wasm-bindgen glue of the Leptos app compiles its module with
//! `WebAssembly.compileStreaming`/`instantiateStreaming`). No inline script and no inline style is
//! allowed, so none needs a nonce or a hash: the shells start the app from `/boot.js`, the offline
//! page has `/offline.js` and `/offline.css`, and the app sets no `style` attributes (its SVGs, the
//! hand-off QR code and the KPI charts, use presentation attributes). Images may be `data:` URIs
//! (the stylesheet's icons are). The page talks to this origin only: push services are reached by
//! the server, never by the page. Nothing may frame a page (`frame-ancestors 'none'` and, for older
//! browsers, `X-Frame-Options: DENY`): the shop, the staff desk and the marketer console alike.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every answer.
pub const CONTENT_SECURITY_POLICY: &str = concat!(
    "default-src 'self'; ",
    "script-src 'self' 'wasm-unsafe-eval'; ",
    "style-src 'self'; ",
    "img-src 'self' data:; ",
    "connect-src 'self'; ",
    "object-src 'none'; ",
    "base-uri 'self'; ",
    "form-action 'self'; ",
    "frame-ancestors 'none'",
);

/// Powerful features: geolocation for the shop itself (nearest stores), nothing else.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), geolocation=(self), gyroscope=(), \
     magnetometer=(), microphone=(), midi=(), payment=(), usb=()";

/// `Strict-Transport-Security` over https: a year, for this host only (whether subdomains are
/// https-only is the domain owner's decision, not the shop's).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Sets the hardening headers; `Strict-Transport-Security` only for a request that came over https.
pub fn apply(headers: &mut HeaderMap, https: bool) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
}

/// The layer: https is decided as for the session cookie ([`crate::session::secure`]).
pub async fn middleware(req: Request, next: Next) -> Response {
    let https = crate::session::secure(&req);
    let mut response = next.run(req).await;
    apply(response.headers_mut(), https);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_script_or_style_and_no_framing() {
        let directive = |name: &str| {
            CONTENT_SECURITY_POLICY
                .split(';')
                .map(str::trim)
                .find(|d| d.split(' ').next() == Some(name))
                .unwrap_or_else(|| panic!("no {name} directive"))
        };
        assert_eq!(directive("script-src"), "script-src 'self' 'wasm-unsafe-eval'");
        assert_eq!(directive("style-src"), "style-src 'self'");
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive("object-src"), "object-src 'none'");
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline") && !CONTENT_SECURITY_POLICY.contains("'unsafe-eval'"));
    }

    #[test]
    fn hsts_is_sent_only_over_https() {
        let mut plain = HeaderMap::new();
        apply(&mut plain, false);
        assert!(plain.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        assert_eq!(plain.get(header::X_FRAME_OPTIONS).map(HeaderValue::as_bytes), Some(&b"DENY"[..]));
        let mut secure = HeaderMap::new();
        apply(&mut secure, true);
        assert_eq!(secure.get(header::STRICT_TRANSPORT_SECURITY).map(HeaderValue::as_bytes), Some(STRICT_TRANSPORT_SECURITY.as_bytes()));
    }
}
