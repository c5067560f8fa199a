//! The rule editor's state, which its fields (`editor.rs`) and the preview panel beside them
//! (`preview.rs`) share: the draft in a signal, its problems, the last refusal, and the stores and
//! categories on offer. Both files import it; neither imports the other's state.

use crate::api::ApiError;
use crate::i18n::{t, Locale};
use leptos::prelude::*;
use vitrina_shared::api::{CategoryInfo, StoreInfo};
use vitrina_shared::offers::{Known, Rule};
use vitrina_shared::rule_draft::{pointer_within, Problems, RuleDraft, Unsendable};
use vitrina_shared::{CategoryId, StoreId};
use wasm_bindgen::JsCast;

/// The stores and categories the editor offers, loaded once per editor.
#[derive(Debug, Clone, Copy)]
pub struct Choices {
    pub stores: StoredValue<Vec<StoreInfo>>,
    pub categories: StoredValue<Vec<CategoryInfo>>,
}

/// Why the rule was not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum NotSent {
    /// Fields are missing or malformed; their problems show (the first one is focused).
    Incomplete,
    /// The server's own check ([`vitrina_shared::offers::validate`]), run here, refuses the rule:
    /// the same `invalid_rule` error the server would answer, shown at its field.
    Refused(ApiError),
}

/// The editor's state, shared by its fields and the preview panel.
#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub form: RwSignal<RuleDraft>,
    /// Saving (or previewing) was tried: the form's own problems show.
    pub attempted: RwSignal<bool>,
    /// The last refusal of the rule (by the server, or by the same check run before sending): the
    /// JSON pointer it named (its `field` parameter) and the error, worded in the marketer's language
    /// where it is shown.
    pub server: RwSignal<Option<(String, ApiError)>>,
    /// The draft's own problems (tracked).
    pub client: Memo<Problems>,
    choices: Choices,
}

impl Editor {
    pub fn new(form: RuleDraft, choices: Choices) -> Self {
        let form = RwSignal::new(form);
        Editor {
            form,
            attempted: RwSignal::new(false),
            server: RwSignal::new(None),
            client: Memo::new(move |_| form.with(|f| f.build().err().unwrap_or_default())),
            choices,
        }
    }

    /// The problem shown at the field with the JSON pointer `pointer` (tracked).
    pub fn problem(&self, pointer: &str, locale: Locale) -> Option<String> {
        if self.attempted.get() {
            let key = self.client.with(|problems| problems.iter().find(|(p, _)| p == pointer).map(|(_, key)| *key));
            if let Some(key) = key {
                return Some(t(locale, key).to_owned());
            }
        }
        self.server.with(|s| s.as_ref().filter(|(p, _)| pointer_within(p, pointer)).map(|(_, err)| err.text(locale)))
    }

    /// Records a refusal: an `invalid_rule` (or a taken id) is shown at its field.
    pub fn refused(&self, err: &ApiError) {
        let at_field = match err.code.as_str() {
            "invalid_rule" => err.param("field").map(|field| (field, err.clone())),
            "rule_exists" => Some(("/id".to_owned(), err.clone())),
            _ => None,
        };
        self.server.try_set(at_field);
    }

    /// The rule as filled in, for saving or previewing, once it reads and passes the server's check
    /// for the stores and categories the console knows (products are left to the server). Otherwise
    /// the problems show at their fields and the first one is focused.
    pub fn rule(&self) -> Result<Rule, NotSent> {
        self.attempted.set(true);
        self.server.set(None);
        let stores: Vec<StoreId> = self.choices.stores.with_value(|stores| stores.iter().map(|s| s.id.clone()).collect());
        let categories: Vec<CategoryId> =
            self.choices.categories.with_value(|categories| categories.iter().map(|c| c.category.id.clone()).collect());
        let known = Known { categories: &categories, stores: &stores, skus: &|_| true };
        let checked = self.form.with_untracked(|form| form.checked(&known));
        match checked {
            Ok(rule) => Ok(rule),
            Err(Unsendable::Incomplete(_)) => {
                focus_first_invalid();
                Err(NotSent::Incomplete)
            }
            Err(Unsendable::Refused(error)) => {
                let err = ApiError::invalid_rule(&error);
                self.refused(&err);
                focus_first_invalid();
                Err(NotSent::Refused(err))
            }
        }
    }

    pub fn update(&self, change: impl FnOnce(&mut RuleDraft)) {
        self.form.update(change);
    }
}

/// Focuses the first field marked invalid, once the marks are on the page.
fn focus_first_invalid() {
    request_animation_frame(|| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let found = document.query_selector(".rule-editor [aria-invalid=\"true\"]").ok().flatten();
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            if let Err(err) = element.focus() {
                leptos::logging::warn!("could not focus the invalid field: {err:?}");
            }
        }
    });
}
