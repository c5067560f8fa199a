//! The one transaction idiom: a named batch whose guards each carry a typed reason.
//!
//! A guarded statement (a conditional write that must change a row) can only enter a [`Batch`]
//! through [`Batch::guard`] (or [`Batch::guard_all`] / [`Batch::live_session`]), which registers
//! the reason the caller will match when it fails. Nobody counts statement positions.

use crate::ports::{Sql, Statement, StorageError, TxError};
use crate::session::{live_statement, persist_statement, Session};

/// One multi-statement write: all of it commits or none of it does.
#[must_use = "a batch does nothing until it is run"]
pub(crate) struct Batch<W> {
    name: &'static str,
    statements: Vec<Statement>,
    guards: Vec<(usize, W)>,
}

impl<W> Batch<W> {
    /// An empty batch; `name` identifies it in logs and errors (`"checkout"`).
    pub fn named(name: &'static str) -> Self {
        Batch { name, statements: Vec::new(), guards: Vec::new() }
    }

    /// Adds an unguarded statement. A guarded statement needs a reason: use [`Batch::guard`].
    pub fn push(&mut self, statement: Statement) -> &mut Self {
        debug_assert!(!statement.guard, "batch {}: a guarded statement needs a reason; use Batch::guard", self.name);
        self.statements.push(statement);
        self
    }

    /// Adds unguarded statements.
    pub fn extend(&mut self, statements: impl IntoIterator<Item = Statement>) -> &mut Self {
        for statement in statements {
            self.push(statement);
        }
        self
    }

    /// Adds a guarded statement: if it changes no row, nothing is written and [`Batch::run`]
    /// answers `why`.
    pub fn guard(&mut self, statement: Statement, why: W) -> &mut Self {
        self.guards.push((self.statements.len(), why));
        self.statements.push(statement.guarded());
        self
    }

    /// Adds statements built elsewhere (a cart write, a merge plan): each guarded one among them
    /// fails as `why`, the others are added as they are.
    pub fn guard_all(&mut self, statements: impl IntoIterator<Item = Statement>, why: W) -> &mut Self
    where
        W: Clone,
    {
        for statement in statements {
            if statement.guard {
                self.guard(statement, why.clone());
            } else {
                self.push(statement);
            }
        }
        self
    }

    /// The statements every write of a session starts with: create its row if missing, then a
    /// guard that the session is still live (not revoked or expired) when the batch commits, so a
    /// write racing a sign-in or a remote sign-out cannot land in a cart nobody will see again.
    /// That guard fails as `ended`.
    pub fn live_session(&mut self, session: &Session, user_agent: &str, now: i64, ended: W) -> &mut Self {
        self.push(persist_statement(session, user_agent, now));
        self.guard(live_statement(session, now), ended)
    }

    /// Commits everything, or nothing: `Ok(Err(why))` names the guard that changed no row.
    pub async fn run(self, sql: &dyn Sql) -> Result<Result<(), W>, StorageError> {
        let Batch { name, statements, guards } = self;
        match sql.batch(statements).await {
            Ok(_) => Ok(Ok(())),
            Err(TxError::Storage(e)) => Err(StorageError(format!("batch {name}: {}", e.0))),
            Err(TxError::Guard(i)) => match guards.into_iter().find(|(at, _)| *at == i) {
                Some((_, why)) => {
                    tracing::debug!(batch = name, statement = i, "guard failed; nothing written");
                    Ok(Err(why))
                }
                None => Err(StorageError(format!("batch {name}: guarded statement {i} has no registered reason"))),
            },
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::Batch;
    use crate::db::scratch::{create, insert, insert_new, insert_nowhere, names, rename, rename_all};
    use crate::native::sqlite::SqliteStore;
    use crate::ports::Sql;

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Why {
        Missing,
        Taken,
    }

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("tx.db")).expect("open sqlite");
        (dir, store)
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
    }

    async fn table(sql: &dyn Sql) {
        sql.batch(vec![create()]).await.expect("create");
    }

    #[test]
    fn a_batch_whose_guards_all_hold_commits_every_statement() {
        let (_dir, sql) = store();
        block_on(async {
            table(&sql).await;
            let mut batch = Batch::named("test");
            batch.push(insert("a"));
            batch.guard(insert_new("b"), Why::Taken);
            assert_eq!(batch.run(&sql).await.expect("storage"), Ok(()));
            assert_eq!(names(&sql).await, ["a", "b"]);
        });
    }

    #[test]
    fn a_failed_guard_returns_its_reason_and_writes_nothing() {
        let (_dir, sql) = store();
        block_on(async {
            table(&sql).await;
            sql.batch(vec![insert("b")]).await.expect("seed");
            let mut batch = Batch::named("test");
            batch.push(insert("a"));
            batch.guard(rename("b", "c"), Why::Missing);
            batch.guard(insert_new("c"), Why::Taken);
            batch.push(insert("d"));
            assert_eq!(batch.run(&sql).await.expect("storage"), Err(Why::Taken));
            assert_eq!(names(&sql).await, ["b"], "the statements before and after the failed guard were rolled back");
        });
    }

    #[test]
    fn guard_all_registers_every_guarded_statement_with_the_one_reason() {
        let (_dir, sql) = store();
        block_on(async {
            table(&sql).await;
            let mut batch = Batch::named("test");
            batch.guard_all([insert("a"), rename("nobody", "z").guarded()], Why::Missing);
            assert_eq!(batch.run(&sql).await.expect("storage"), Err(Why::Missing));
            assert!(names(&sql).await.is_empty());
        });
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "a guarded statement needs a reason")]
    fn a_guarded_statement_pushed_without_a_reason_is_refused() {
        let mut batch: Batch<Why> = Batch::named("test");
        batch.push(rename_all("z").guarded());
    }

    #[test]
    fn a_storage_failure_names_the_batch() {
        let (_dir, sql) = store();
        block_on(async {
            let mut batch: Batch<Why> = Batch::named("checkout");
            batch.push(insert_nowhere());
            let error = batch.run(&sql).await.expect_err("no table");
            assert!(error.0.contains("batch checkout"), "{error}");
        });
    }
}
