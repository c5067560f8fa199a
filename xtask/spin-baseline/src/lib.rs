//! The yardstick for Vitrina's speed on Spin (issue 14): the least a spin-sdk 6 component with an
//! axum Router does per request — route, answer a constant JSON. `cargo xtask bench` serves it and
//! Vitrina with the same `spin` and reports Vitrina's requests per second as a ratio to this one.

#[cfg(target_arch = "wasm32")]
mod component {
    use axum::routing::get;
    use axum::Router;
    use spin_sdk::http::Request;
    use spin_sdk::http_service;
    use std::convert::Infallible;
    use tower_service::Service;

    #[http_service]
    async fn handle(req: Request) -> Result<axum::response::Response, Infallible> {
        let mut router: Router = Router::new().route(
            "/api/products/{sku}",
            get(|| async { ([("content-type", "application/json")], r#"{"sku":"PHN-0001","name":"baseline"}"#) }),
        );
        router.call(req).await
    }
}
