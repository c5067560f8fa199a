//! Who may sign in, and as whom: sign-in limits that stop guessing without locking out a store
//! behind one address, and e-mail addresses that cannot pass for someone else's.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{error_code, TestApp, STAFF_EMAIL, STAFF_PASSWORD};
use serde_json::{json, Value};
use std::net::SocketAddr;
use vitrina_edge::accounts::{LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS, LOGIN_ATTEMPTS_PER_CLIENT, LOGIN_WINDOW_SECONDS};

const PASSWORD: &str = "correct horse battery";

/// One sign-in from a fresh device (no cookie) at the client address `from`.
async fn sign_in_from(app: &TestApp, from: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let peer: SocketAddr = format!("{from}:40000").parse().expect("address");
    let request = Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .extension(ConnectInfo(peer))
        .body(Body::from(json!({"email": email, "password": password}).to_string()))
        .expect("request");
    let (status, _, body) = app.send(request).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn register(app: &TestApp, email: &str) -> (StatusCode, Value) {
    app.device().post("/api/auth/register", json!({"email": email, "password": PASSWORD, "name": "Анна"})).await
}

#[tokio::test]
async fn a_store_behind_one_address_signs_in_100_times_without_being_locked_out() {
    // Regression (issue 10): successful sign-ins counted against the per-address limit, so the 21st till was refused.
    let app = TestApp::new().await;
    let store = "198.51.100.7";
    for till in 1..=100 {
        if till % 10 == 0 {
            // A typo now and then: failures still count, but far fewer than the limit.
            let (status, _) = sign_in_from(&app, store, STAFF_EMAIL, "not the password").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "typo before till {till}");
        }
        let (status, body) = sign_in_from(&app, store, STAFF_EMAIL, STAFF_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "till {till}: {body}");
        assert_eq!(body["profile"]["role"], "staff");
    }
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_are_still_limited() {
    let app = TestApp::new().await;
    let attacker = "203.0.113.9";
    // Different accounts each time, so only the per-address limit can trip.
    for n in 0..LOGIN_ATTEMPTS_PER_CLIENT {
        let (status, _) = sign_in_from(&app, attacker, &format!("victim{n}@example.ru"), "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let (status, body) = sign_in_from(&app, attacker, STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"), "even a right password waits");
    let (status, _) = sign_in_from(&app, "198.51.100.7", STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "another address is not affected");
    app.advance(LOGIN_WINDOW_SECONDS + 1);
    let (status, _) = sign_in_from(&app, attacker, STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the window passes");
}

#[tokio::test]
async fn guessing_one_account_from_many_addresses_is_still_capped() {
    let app = TestApp::new().await;
    for n in 0..LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS {
        let (status, _) = sign_in_from(&app, &format!("203.0.113.{}", n + 1), STAFF_EMAIL, "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let (status, body) = sign_in_from(&app, "198.51.100.7", STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"), "the per-account cap holds");
}

#[tokio::test]
async fn look_alike_e_mails_are_refused_at_registration_with_the_reason() {
    // Regression (issue 10): a Cyrillic а, a Cyrillic ѕ and a zero-width space each made a second "staff" account.
    let app = TestApp::new().await;
    let cases = [
        ("staff@vitrin\u{430}.test", "the domain after the @ mixes Latin and Cyrillic letters"),
        ("\u{455}taff@vitrina.test", "the name before the @ mixes Cyrillic and Latin letters"),
        ("sta\u{200B}ff@vitrina.test", "invisible character (U+200B)"),
        ("staff@vitrina.test\u{202E}", "invisible character (U+202E)"),
        ("st\u{251}ff@vitrina.test", "look-alike letters"),
    ];
    for (email, why) in cases {
        let (status, body) = register(&app, email).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"), "{email:?}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains(why), "{email:?}: {message:?} should say {why:?}");
    }
    // None of them can sign in as anyone either.
    for (email, _) in cases {
        let (status, _) = sign_in_from(&app, "198.51.100.7", email, STAFF_PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{email:?}");
    }
}

#[tokio::test]
async fn another_spelling_of_a_registered_address_is_the_same_account() {
    // Regression (issue 10): e-mails were only trimmed and lower-cased, so compatibility forms made new accounts.
    let app = TestApp::new().await;
    let (status, body) = register(&app, "anna@example.ru").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let fullwidth = "\u{FF41}\u{FF4E}\u{FF4E}\u{FF41}\u{FF20}Example.RU";
    let (status, body) = register(&app, fullwidth).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "email_taken"), "{body}");
    let (status, body) = sign_in_from(&app, "198.51.100.7", fullwidth, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["profile"]["email"], "anna@example.ru");
}

#[tokio::test]
async fn an_international_address_is_found_in_either_form() {
    let app = TestApp::new().await;
    // АННА@ПОЧТА.РФ is stored with its domain in punycode.
    let (status, body) = register(&app, "\u{410}\u{41D}\u{41D}\u{410}@\u{41F}\u{41E}\u{427}\u{422}\u{410}.\u{420}\u{424}").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["profile"]["email"], "\u{430}\u{43D}\u{43D}\u{430}@xn--80a1acny.xn--p1ai");
    for spelling in [
        "\u{430}\u{43D}\u{43D}\u{430}@xn--80a1acny.xn--p1ai",
        "\u{430}\u{43D}\u{43D}\u{430}@\u{43F}\u{43E}\u{447}\u{442}\u{430}.\u{440}\u{444}",
    ] {
        let (status, body) = sign_in_from(&app, "198.51.100.7", spelling, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{spelling}: {body}");
    }
}

#[tokio::test]
async fn existing_accounts_sign_in_as_before() {
    let app = TestApp::new().await;
    // The bootstrap staff account was stored before e-mails were normalised this way.
    let (status, body) = sign_in_from(&app, "198.51.100.7", " Staff@Vitrina.TEST ", STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["profile"]["email"], STAFF_EMAIL);
}
