//! Serves the built app from a directory: hashed assets `immutable`, `index.html` and the
//! service worker `no-cache`, precompressed `.br`/`.gz` siblings when the client accepts them, and the
//! SPA fallback to `index.html` for app routes. Plain `std::fs`, so the same code serves from the
//! native dist directory and from a Spin `files` mount.

use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The cache policy for a path relative to the site root.
pub fn cache_control(relative: &str) -> &'static str {
    if relative.starts_with("pkg/") {
        // Content-hashed by the build: a new build gets a new name.
        "public, max-age=31536000, immutable"
    } else if ["index.html", "console.html", "boot.js", "sw.js", "openapi.json"].contains(&relative) || relative.ends_with(".webmanifest") {
        // The shells and the script that starts them (it reads the shell's links) change together.
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

/// Maps a URL path to a file under `root`, refusing anything that could escape it.
fn resolve(root: &Path, url_path: &str) -> Option<(PathBuf, String)> {
    let relative = url_path.trim_start_matches('/');
    let relative = if relative.is_empty() { "index.html" } else { relative };
    let safe = relative.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains('\\') && !seg.starts_with('.'));
    safe.then(|| (root.join(relative), relative.to_owned()))
}

/// Whether the client lists `coding` in Accept-Encoding (without `;q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').any(|e| {
            let mut parts = e.split(';');
            parts.next().is_some_and(|name| name.trim() == coding) && !parts.any(|p| p.trim().replace(' ', "") == "q=0")
        })
    })
}

/// The best precompressed sibling the client accepts (`.br`, then `.gz`), else the file itself.
fn read_best(path: &Path, headers: &HeaderMap) -> Option<(Vec<u8>, Option<&'static str>)> {
    for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(headers, coding) {
            if let Ok(bytes) = std::fs::read(format!("{}.{ext}", path.display())) {
                return Some((bytes, Some(coding)));
            }
        }
    }
    std::fs::read(path).ok().map(|b| (b, None))
}

fn file_response(path: &Path, relative: &str, headers: &HeaderMap, head: bool) -> Option<Response> {
    let (bytes, encoding) = read_best(path, headers)?;
    let mut response = if head { Response::new(Body::empty()) } else { Response::new(Body::from(bytes)) };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(path)));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(relative)));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(coding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    Some(response)
}

/// The file at `relative` under `root` (a name the build puts there, not a request's path), as
/// [`serve`] would answer a GET for it.
pub fn file(root: &Path, relative: &str, headers: &HeaderMap) -> Option<Response> {
    file_response(&root.join(relative), relative, headers, false)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// The fallback for every non-API path.
pub async fn serve(State(app): State<AppState>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let Some(root) = app.config.site_dir.as_deref() else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    let head = method == Method::HEAD;
    let Some((path, relative)) = resolve(root, uri.path()) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    if path.is_file() {
        if let Some(response) = file_response(&path, &relative, &headers, head) {
            return response;
        }
    }
    // A path with a file extension is a missing asset; anything else is an app route.
    let last = relative.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return plain(StatusCode::NOT_FOUND, "not found");
    }
    // The staff and marketer pages have their own bundle, so shoppers never download it.
    let shell = if vitrina_shared::console_path(uri.path()) && root.join("console.html").is_file() { "console.html" } else { "index.html" };
    match file_response(&root.join(shell), shell, &headers, head) {
        Some(response) => response,
        None => plain(StatusCode::SERVICE_UNAVAILABLE, "the app is not built yet: run `cargo xtask build`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_escape_the_site_are_refused() {
        let root = Path::new("/srv/site");
        for bad in ["/../etc/passwd", "/pkg/../../x", "/.git/config", "/pkg//x", "/a\\b"] {
            assert!(resolve(root, bad).is_none(), "{bad}");
        }
        assert_eq!(resolve(root, "/").map(|r| r.1), Some("index.html".into()));
        assert_eq!(resolve(root, "/pkg/app-1.js").map(|r| r.1), Some("pkg/app-1.js".into()));
    }

    #[test]
    fn accept_encoding_is_read_by_coding_name_and_q_zero_refuses() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            h
        };
        assert!(accepts(&with("gzip, deflate, br"), "br"));
        assert!(accepts(&with("gzip;q=1.0, br;q=0.5"), "br"));
        assert!(!accepts(&with("gzip, br;q=0"), "br"));
        assert!(!accepts(&with("gzip"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn hashed_assets_are_immutable_and_the_shell_is_revalidated() {
        assert!(cache_control("pkg/vitrina_app-abcd.wasm").contains("immutable"));
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("sw.js"), "no-cache");
        assert_eq!(cache_control("boot.js"), "no-cache");
    }
}
