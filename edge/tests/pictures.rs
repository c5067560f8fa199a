//! Product photos (issue 13, item 4): a merchandiser uploads a photo as a multipart form; it is
//! stored in several widths, becomes the product's picture everywhere, is served with long-lived
//! caching and a `srcset`; bad files are refused with the reason and change nothing. Products
//! without photos have generated pictures of their own.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{error_code, Device, TestApp};
use serde_json::Value;
use std::io::Cursor;

const SKU: &str = "PHN-0001";
const BOUNDARY: &str = "vitrina-test-boundary";

/// A PNG of `width` × `height` with a gradient (so that its widths differ).
fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 120]));
    let mut out = Vec::new();
    picture.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).expect("a PNG");
    out
}

fn form(file: &[u8]) -> Vec<u8> {
    let mut body =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"phone.png\"\r\nContent-Type: image/png\r\n\r\n")
            .into_bytes();
    body.extend(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `POST /api/admin/products/{sku}/pictures` with `body` as `content_type`, signed in as `who`.
async fn upload(app: &TestApp, who: Option<&Device<'_>>, sku: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/admin/products/{sku}/pictures"))
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = who.and_then(|d| d.cookie.lock().expect("cookie").clone()) {
        request = request.header(header::COOKIE, c);
    }
    let (status, _, body) = app.send(request.body(Body::from(body)).expect("request")).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn fetch(app: &TestApp, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    app.send(Request::get(uri).header(header::HOST, "shop.example").body(Body::empty()).expect("request")).await
}

async fn product_image(app: &TestApp) -> String {
    let (status, product) = app.get(&format!("/api/products/{SKU}")).await;
    assert_eq!(status, StatusCode::OK);
    product["image"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_uploaded_photo_is_stored_in_its_widths_and_becomes_the_products_picture_until_removed() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    assert_eq!(product_image(&app).await, format!("/img/p/{SKU}.svg"), "a generated picture before any photo");

    let (status, photo) = upload(&app, Some(&staff), SKU, &format!("multipart/form-data; boundary={BOUNDARY}"), form(&png(900, 600))).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let id = photo["id"].as_str().expect("an id").to_owned();
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(900), Some(600)));
    assert_eq!(photo["widths"], serde_json::json!([320, 640, 900]));
    assert_eq!(product_image(&app).await, format!("/pictures/{id}/640"), "the first photo is the product's picture");

    // Each width is served as itself, cached for a year; a width between two is the next wider.
    for (asked, served) in [(320, 320), (640, 640), (641, 900), (1280, 900), (1, 320)] {
        let (status, headers, bytes) = fetch(&app, &format!("/pictures/{id}/{asked}")).await;
        assert_eq!(status, StatusCode::OK, "{asked}");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        let kind = headers[header::CONTENT_TYPE].to_str().expect("a type").to_owned();
        assert!(kind == "image/webp" || kind == "image/jpeg", "{kind}");
        let decoded = image::load_from_memory(&bytes).expect("it decodes");
        assert_eq!(decoded.width(), served, "asked for {asked}");
    }
    assert_eq!(fetch(&app, "/pictures/F2345678/640").await.0, StatusCode::NOT_FOUND);

    let (status, _, html) = fetch(&app, &format!("/p/{SKU}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains(&format!("/pictures/{id}/320 320w")), "the page offers the widths in a srcset");
    let (_, _, listing) = fetch(&app, "/c/smartphones").await;
    assert!(String::from_utf8(listing).expect("utf-8").contains(&format!("/pictures/{id}/640")), "the listing shows the photo");

    let (status, listed) = staff.get(&format!("/api/admin/products/{SKU}/pictures")).await;
    assert_eq!((status, listed.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    let (status, _, _) = staff.call(Method::DELETE, &format!("/api/admin/products/{SKU}/pictures/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(product_image(&app).await, format!("/img/p/{SKU}.svg"), "the generated picture comes back");
    assert_eq!(fetch(&app, &format!("/pictures/{id}/640")).await.0, StatusCode::NOT_FOUND);
    let (status, _, body) = staff.call(Method::DELETE, &format!("/api/admin/products/{SKU}/pictures/{id}"), None, &[]).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "unknown_picture"));
}

/// What is sent, by whom, as what; the status and error code expected.
type Case<'a, 'd> = (&'a str, Option<&'a Device<'d>>, &'a str, Vec<u8>, StatusCode, &'a str);

#[tokio::test]
async fn bad_uploads_are_refused_with_the_reason_and_change_nothing() {
    let app = TestApp::new().await;
    let staff = app.staff().await;
    let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let mut damaged = png(400, 300);
    damaged.truncate(80);
    let cases: Vec<Case<'_, '_>> = vec![
        ("a guest", None, &multipart, form(&png(400, 300)), StatusCode::UNAUTHORIZED, "sign_in_required"),
        ("not a form", Some(&staff), "image/png", png(400, 300), StatusCode::BAD_REQUEST, "invalid_multipart"),
        (
            "a form without the file",
            Some(&staff),
            &multipart,
            format!("--{BOUNDARY}--\r\n").into_bytes(),
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
        ),
        ("a GIF", Some(&staff), &multipart, form(&gif), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_picture"),
        ("a damaged PNG", Some(&staff), &multipart, form(&damaged), StatusCode::UNPROCESSABLE_ENTITY, "unreadable_picture"),
        ("a thumbnail", Some(&staff), &multipart, form(&png(120, 90)), StatusCode::UNPROCESSABLE_ENTITY, "picture_too_small"),
        ("over 10 MB", Some(&staff), &multipart, form(&vec![0xFF; 11 * 1024 * 1024]), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
    ];
    for (what, who, content_type, body, status, code) in cases {
        let (got, answer) = upload(&app, who, SKU, content_type, body).await;
        assert_eq!((got, error_code(&answer)), (status, code), "{what}: {answer}");
    }
    let (status, answer) = upload(&app, Some(&staff), "NOPE-0001", &multipart, form(&png(400, 300))).await;
    assert_eq!((status, error_code(&answer)), (StatusCode::NOT_FOUND, "unknown_sku"));
    let (status, listed) = staff.get(&format!("/api/admin/products/{SKU}/pictures")).await;
    assert_eq!((status, listed), (StatusCode::OK, serde_json::json!([])), "nothing was stored");
    assert_eq!(product_image(&app).await, format!("/img/p/{SKU}.svg"));
}

#[tokio::test]
async fn a_product_without_photos_has_three_generated_pictures_of_its_own() {
    let app = TestApp::new().await;
    let (status, _, html) = fetch(&app, &format!("/p/{SKU}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).expect("utf-8");
    for view in ["", "-detail", "-box"] {
        assert!(html.contains(&format!("/img/p/{SKU}{view}.svg")), "the page shows {view:?}");
        let (status, headers, svg) = fetch(&app, &format!("/img/p/{SKU}{view}.svg")).await;
        assert_eq!((status, headers[header::CONTENT_TYPE].to_str().ok()), (StatusCode::OK, Some("image/svg+xml")));
        assert!(String::from_utf8(svg).expect("utf-8").contains("Nova"), "drawn with the product's brand");
    }
    let (_, _, other) = fetch(&app, "/img/p/PHN-0002.svg").await;
    let (_, _, first) = fetch(&app, &format!("/img/p/{SKU}.svg")).await;
    assert_ne!(first, other, "two phones get pictures of their own");
    assert_eq!(fetch(&app, "/img/p/NOPE-0001.svg").await.0, StatusCode::NOT_FOUND);
}
