//! `/`: hero, category grid and a few products.

use crate::api;
use crate::components::error::LoadBoundary;
use crate::components::product_grid::ProductGrid;
use crate::i18n::{category_name, product_count, use_i18n, Key};
use crate::use_categories;
use leptos::prelude::*;

/// How many products the home page shows.
const FEATURED: usize = 8;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let categories = use_categories().0;
    let featured = LocalResource::new(|| api::products(None, None, 1));

    let category_tiles = move || {
        categories.get().map(|result| {
            result.map(|categories| {
                categories
                    .into_iter()
                    .map(|info| {
                        let count = info.product_count;
                        let category = info.category;
                        let href = format!("/c/{}", category.id);
                        let image = category.image.clone();
                        view! {
                            <li class="category-tile" data-testid="category-tile">
                                <a class="category-tile-link" href=href>
                                    <img
                                        class="category-tile-image"
                                        src=image
                                        alt=""
                                        width="160"
                                        height="120"
                                        loading="lazy"
                                    />
                                    <span class="category-tile-name">
                                        {move || category_name(i18n.locale(), &category).to_owned()}
                                    </span>
                                    <span class="category-tile-count">
                                        {move || product_count(i18n.locale(), count)}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()
            })
        })
    };

    let featured_products = move || {
        featured.get().map(|result| {
            result.map(|page| {
                let products = page.items.into_iter().take(FEATURED).collect::<Vec<_>>();
                view! { <ProductGrid products /> }
            })
        })
    };

    view! {
        <section class="hero">
            <h1 class="hero-title">{move || i18n.t(Key::HeroTitle)}</h1>
            <p class="hero-text">{move || i18n.t(Key::HeroText)}</p>
        </section>
        <section class="home-section" aria-labelledby="home-categories">
            <h2 id="home-categories" class="section-title">{move || i18n.t(Key::CategoriesHeading)}</h2>
            <LoadBoundary on_retry=move |_| categories.refetch()>
                <ul class="category-grid">{category_tiles}</ul>
            </LoadBoundary>
        </section>
        <section class="home-section" aria-labelledby="home-featured">
            <h2 id="home-featured" class="section-title">{move || i18n.t(Key::FeaturedHeading)}</h2>
            <LoadBoundary on_retry=move |_| featured.refetch()>
                <div class="featured-results">{featured_products}</div>
            </LoadBoundary>
        </section>
    }
}
