//! Who is signed in on this device, as app-wide context.

use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use vitrina_shared::api::Profile;
use vitrina_shared::cart::Adjustment;

/// Whether someone is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedInAs {
    /// Not asked yet (the header then offers to sign in).
    Unknown,
    Guest,
    Customer(Profile),
}

/// The session context provided by `App`: read it with [`use_session`].
#[derive(Debug, Clone, Copy)]
pub struct SessionState {
    who: RwSignal<SignedInAs>,
    /// What the last sign-in's cart merge changed, shown on the account page.
    adjustments: RwSignal<Vec<Adjustment>>,
}

impl SessionState {
    /// Who is signed in (tracked).
    pub fn who(&self) -> SignedInAs {
        self.who.get()
    }

    /// Whether someone is signed in (tracked).
    pub fn signed_in(&self) -> bool {
        self.who.with(|w| matches!(w, SignedInAs::Customer(_)))
    }

    /// Records a sign-in and what its cart merge changed.
    pub fn signed_in_as(&self, profile: Profile, adjustments: Vec<Adjustment>) {
        self.who.set(SignedInAs::Customer(profile));
        self.adjustments.set(adjustments);
    }

    /// Records a profile change.
    pub fn profile_saved(&self, profile: Profile) {
        self.who.set(SignedInAs::Customer(profile));
    }

    /// Records that nobody is signed in any more.
    pub fn signed_out(&self) {
        self.who.set(SignedInAs::Guest);
        self.adjustments.set(Vec::new());
    }

    /// What the last sign-in's cart merge changed (tracked).
    pub fn adjustments(&self) -> Vec<Adjustment> {
        self.adjustments.get()
    }

    /// Forgets the merge report once it has been shown.
    pub fn clear_adjustments(&self) {
        self.adjustments.try_set(Vec::new());
    }
}

/// Creates the session context and asks the server who is signed in.
pub fn provide_session() -> SessionState {
    let state = SessionState { who: RwSignal::new(SignedInAs::Unknown), adjustments: RwSignal::new(Vec::new()) };
    provide_context(state);
    spawn_local(async move {
        match api::me().await {
            Ok(Some(profile)) => {
                // A sign-in that finished meanwhile knows better.
                if state.who.get_untracked() == SignedInAs::Unknown {
                    state.who.set(SignedInAs::Customer(profile));
                }
            }
            Ok(None) => {
                if state.who.get_untracked() == SignedInAs::Unknown {
                    state.who.set(SignedInAs::Guest);
                }
            }
            Err(err) => leptos::logging::warn!("could not tell who is signed in: {err}"),
        }
    });
    state
}

/// The session context provided by `App`.
pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}
