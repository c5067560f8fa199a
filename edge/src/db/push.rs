//! Web Push: the VAPID key, subscriptions, the outbox and its attempts, campaigns.

use crate::ports::Statement;

/// A signed-in device's subscriptions follow it to its new session and the account.
pub(crate) fn move_to_account(customer: &str, new_session: &str, old_session: &str) -> Statement {
    Statement::new(
        "UPDATE push_subscriptions SET customer_id = ?, session_id = ? WHERE session_id = ?",
        vec![customer.into(), new_session.into(), old_session.into()],
    )
}

/// A device starting a new session keeps its subscriptions as a guest's.
pub(crate) fn move_to_guest(new_session: &str, old_session: &str) -> Statement {
    Statement::new(
        "UPDATE push_subscriptions SET customer_id = NULL, session_id = ? WHERE session_id = ?",
        vec![new_session.into(), old_session.into()],
    )
}

/// A device signed out remotely stops receiving the account's notices.
pub(crate) fn detach_account(session: &str) -> Statement {
    Statement::new("UPDATE push_subscriptions SET customer_id = NULL WHERE session_id = ?", vec![session.into()])
}
