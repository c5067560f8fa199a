//! `/admin…`: the marketer console, for accounts with the marketer role. Tabs lead to the offer
//! rules (list, editor with a preview), the customer segments, the KPIs with charts and NPS, and
//! push campaigns; each tab is a child route rendered under the tabs.

pub mod campaigns;
pub mod editor;
pub mod editor_state;
pub mod kpis;
pub mod preview;
pub mod rules;
pub mod segments;

use crate::components::error::Loading;
use crate::i18n::{use_i18n, Key};
use crate::session::{use_session, SignedInAs};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use vitrina_shared::account::Role;

/// The console's tabs: where each leads, its name, and which addresses belong to it.
const TABS: [(&str, Key, &str); 4] = [
    ("/admin", Key::AdminTabRules, "rules"),
    ("/admin/segments", Key::AdminTabSegments, "segments"),
    ("/admin/kpis", Key::AdminTabKpis, "kpis"),
    ("/admin/campaigns", Key::AdminTabCampaigns, "campaigns"),
];

/// Which tab an address belongs to (`/admin/rules/…` is the rules tab).
fn tab_of(path: &str) -> &'static str {
    let rest = path.strip_prefix("/admin").unwrap_or_default().trim_start_matches('/');
    match rest.split('/').next().unwrap_or_default() {
        "segments" => "segments",
        "kpis" => "kpis",
        "campaigns" => "campaigns",
        _ => "rules",
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Only who may see the console matters here: a profile edit does not rebuild it.
    let access = Memo::new(move |_| match session.who() {
        SignedInAs::Unknown => None,
        SignedInAs::Guest => Some(Err(false)),
        SignedInAs::Customer(profile) if profile.role != Role::Marketer => Some(Err(true)),
        SignedInAs::Customer(_) => Some(Ok(())),
    });
    let body = move || match access.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(false)) => view! {
            <p class="empty-state" data-testid="admin-signin">
                {move || i18n.t(Key::AdminSignIn)} " "
                <a class="button" href="/signin">{move || i18n.t(Key::SignIn)}</a>
            </p>
        }
        .into_any(),
        Some(Err(true)) => view! {
            <p class="empty-state" role="alert" data-testid="admin-role-required">
                {move || i18n.t(Key::AdminRoleRequired)}
            </p>
        }
        .into_any(),
        Some(Ok(())) => view! {
            <AdminTabs />
            <div class="admin-view">
                <Outlet />
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="admin-page" aria-labelledby="admin-title">
            <h1 id="admin-title" class="page-title">{move || i18n.t(Key::AdminTitle)}</h1>
            <div class="admin-contents">{body}</div>
        </section>
    }
}

#[component]
fn AdminTabs() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = Memo::new(move |_| location.pathname.with(|p| tab_of(p)));
    let tabs = TABS
        .into_iter()
        .map(|(href, label, slug)| {
            view! {
                <li>
                    <a
                        class="admin-tab"
                        href=href
                        data-testid=format!("admin-tab-{slug}")
                        aria-current=move || (current.get() == slug).then_some("page")
                    >
                        {move || i18n.t(label)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="admin-tabs" aria-label=move || i18n.t(Key::AdminTabsLabel)>
            <ul class="admin-tab-list">{tabs}</ul>
        </nav>
    }
}
