//! Accounts below the handlers: password hashing, the sign-in attempt limits, and the configured
//! first accounts.
//!
//! Passwords are hashed with Argon2id (RFC 9106), m = 19 MiB, t = 2, p = 1 (OWASP's minimum
//! recommendation), in PHC string format with a 16-byte random salt.

use crate::db::customers;
use crate::ports::{Sql, StorageError};
use crate::session::random_hex;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use vitrina_shared::account::{check_password_policy, Email};

/// Failed sign-in attempts allowed in one window: per account from one client address (reset by
/// a successful sign-in), per account from everywhere (a cap on distributed guessing that an
/// attacker would need 100 tries to trip), and per client address. Only failures count: each
/// attempt is counted before the password is checked (so concurrent guesses cannot slip past)
/// and handed back when the password is right, so a store or office behind one address is never
/// locked out by its own sign-ins.
pub const LOGIN_ATTEMPTS_PER_ACCOUNT: i64 = 5;
pub const LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_CLIENTS: i64 = 100;
pub const LOGIN_ATTEMPTS_PER_CLIENT: i64 = 20;
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;

fn argon2() -> Argon2<'static> {
    // The parameters are constants inside the library's accepted ranges.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, StorageError> {
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StorageError(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StorageError(format!("salt: {e}")))?;
    argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| StorageError(format!("hashing: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Runs CPU-heavy work (Argon2 takes tens of milliseconds and 19 MiB) off the async workers
/// where the host has threads, so a burst of sign-ins does not stall other requests.
async fn off_the_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StorageError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::task::spawn_blocking(work).await.map_err(|e| StorageError(format!("password hashing task failed: {e}")))
    }
    #[cfg(target_arch = "wasm32")]
    {
        Ok(work())
    }
}

pub async fn hash_password_off(password: String) -> Result<String, StorageError> {
    off_the_runtime(move || hash_password(&password)).await?
}

pub async fn verify_password_off(hash: String, password: String) -> Result<bool, StorageError> {
    off_the_runtime(move || verify_password(&hash, &password)).await
}

/// A hash of a random password, verified against when the e-mail is unknown so that a wrong
/// e-mail takes as long as a wrong password.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Y4r6Dg0PvGTvkVmkzI9CHRVDzKbOzN4Ks6PxnwGUQ2M";

/// Creates the configured first staff/marketer accounts whose e-mails are not registered yet.
/// An existing account is left as it is (its password may have been changed since).
pub async fn bootstrap(sql: &dyn Sql, accounts: &[crate::BootstrapAccount], now: i64) -> Result<(), StorageError> {
    for account in accounts {
        let email = Email::parse(&account.email).map_err(|e| StorageError(format!("configured account: {e}")))?;
        check_password_policy(&account.password).map_err(|e| StorageError(format!("configured password for {}: {e}", email.as_str())))?;
        if customers::email_exists(sql, email.as_str()).await? {
            continue;
        }
        let hash = hash_password_off(account.password.clone()).await?;
        sql.batch(vec![customers::create(&random_hex(16)?, email.as_str(), &hash, account.role, "", now)]).await?;
    }
    Ok(())
}
