//! SQLite access: one writer connection (every write is `BEGIN IMMEDIATE`), a small pool of
//! readers (each read is one transaction, so it sees one consistent snapshot), WAL,
//! `synchronous=FULL`, and versioned migrations ([`super::schema`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, TransactionBehavior};

/// Readers kept open between requests.
const MAX_IDLE_READERS: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot migrate the database: {0}")]
    Migration(rusqlite_migration::Error),
    #[error("cannot create {path}: {cause}")]
    Create {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("corrupt row in the database: {0}")]
    Corrupt(String),
    #[error("database task failed: {0}")]
    Task(String),
}

/// Makes sure `path` exists and only its owner can read it (and the folders it creates).
fn private_file(path: &Path) -> Result<(), DbError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| DbError::Create { path, cause }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(failed(dir))?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // An empty file is an empty SQLite database.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mode = std::fs::metadata(path)
                .map_err(failed(path))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                tracing::info!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "narrowing the database file to 0600");
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(failed(path))?;
            }
            Ok(())
        }
        Err(e) => Err(failed(path)(e)),
    }
}

impl From<rusqlite_migration::Error> for DbError {
    fn from(e: rusqlite_migration::Error) -> Self {
        DbError::Migration(e)
    }
}

/// The database: cheap to clone, safe to share.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock rolled its transaction back on unwind; the connection is fine.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite refused WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// The database holds the names and phone numbers of people who signed up: a folder this
    /// creates is `0700` and the file `0600` (SQLite gives its `-wal` and `-shm` files the
    /// database file's mode); an existing file readable by others is narrowed to `0600`.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        private_file(path)?;
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        super::schema::migrations().to_latest(&mut writer)?;
        let db = Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
        };
        db.write_blocking(|tx| super::meta::publish_district_record(tx, &super::now_text()))?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction on the writer; commits when it returns Ok,
    /// rolls back otherwise. Blocking: call from a blocking thread ([`Db::write`] does that).
    pub fn write_blocking<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut conn = lock(&self.inner.writer);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(DbError::from)?;
        let out = f(&WriteTx {
            read: ReadTx { conn: &tx },
        })?;
        tx.commit().map_err(DbError::from)?;
        Ok(out)
    }

    /// Runs `f` in one read transaction: everything it reads comes from one snapshot.
    pub fn read_blocking<T, E>(&self, f: impl FnOnce(&ReadTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let pooled = lock(&self.inner.readers).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open(&self.inner.path).map_err(DbError::from)?;
                configure(&c).map_err(DbError::from)?;
                c
            }
        };
        let out = {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .map_err(DbError::from)?;
            let out = f(&ReadTx { conn: &tx });
            // Read-only: ending it either way is the same.
            tx.rollback().map_err(DbError::from)?;
            out
        };
        let mut readers = lock(&self.inner.readers);
        if readers.len() < MAX_IDLE_READERS {
            readers.push(conn);
        }
        out
    }

    /// [`Db::write_blocking`] on tokio's blocking pool.
    pub async fn write<T, E>(
        &self,
        f: impl FnOnce(&WriteTx<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// [`Db::read_blocking`] on tokio's blocking pool.
    pub async fn read<T, E>(
        &self,
        f: impl FnOnce(&ReadTx<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }
}

/// A read-only connection of its own that can tell, without waiting for anything, whether any
/// other connection committed since it last looked: this server's writer, or another process
/// (`district-server kiosk remove`, `kioskctl` through the server, a second server by mistake).
/// What is read (on any connection) between two equal [`Watch::version`]s can be kept in memory
/// and trusted while the version stays the same. SQLite's `PRAGMA data_version` answers that from the WAL index in shared memory
/// (no disk I/O, microseconds); the connection's busy timeout is zero, so the check never
/// sleeps on a lock: a busy database is an error, and the caller goes the slow way.
pub struct Watch {
    conn: Connection,
}

impl Db {
    /// Opens a [`Watch`] on this database.
    pub fn watch(&self) -> Result<Watch, DbError> {
        let conn = Connection::open(&self.inner.path)?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(Watch { conn })
    }
}

impl Watch {
    /// The database's version as this connection sees it now. It changes whenever another
    /// connection commits (never for a transaction that only read), so two equal versions mean
    /// nothing was committed between them. Does not wait: `SQLITE_BUSY` is returned instead.
    pub fn version(&self) -> Result<i64, DbError> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?)
    }
}

/// An open transaction, for reading. Only this module's functions can use it: it carries no
/// SQL surface of its own.
pub struct ReadTx<'c> {
    conn: &'c Connection,
}

impl ReadTx<'_> {
    /// The connection, for the storage functions.
    pub(in crate::storage) fn conn(&self) -> &Connection {
        self.conn
    }
}

/// An open `BEGIN IMMEDIATE` transaction on the writer: what every storage function that
/// changes something takes. Reads work through [`std::ops::Deref`].
pub struct WriteTx<'c> {
    read: ReadTx<'c>,
}

impl<'c> std::ops::Deref for WriteTx<'c> {
    type Target = ReadTx<'c>;

    fn deref(&self) -> &ReadTx<'c> {
        &self.read
    }
}

/// Now, as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub fn now_text() -> String {
    time_text(chrono::Utc::now())
}

pub fn time_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_with_full_sync_and_rolls_back_failures() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("d.db")).expect("opens");
        let (mode, sync): (String, i64) = db
            .read_blocking(|tx| {
                let conn = tx.conn();
                Ok::<_, DbError>((
                    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                ))
            })
            .expect("reads");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "FULL");
        let failed: Result<(), DbError> = db.write_blocking(|tx| {
            tx.conn()
                .execute("UPDATE counters SET value = 5 WHERE name = 'head'", [])?;
            Err(DbError::Corrupt("stop".into()))
        });
        assert!(failed.is_err());
        let head = db
            .read_blocking(super::super::records::head)
            .expect("reads");
        assert_eq!(head, 0, "the failed write was rolled back");
        // Reopening runs no migration twice.
        drop(db);
        Db::open(&dir.path().join("d.db")).expect("reopens");
    }

    #[test]
    fn a_watch_sees_every_commit_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.db");
        let db = Db::open(&path).expect("opens");
        let watch = db.watch().expect("watch");
        let v0 = watch.version().expect("version");
        db.read_blocking(super::super::records::head)
            .expect("reads");
        assert_eq!(
            watch.version().expect("version"),
            v0,
            "a read commits nothing"
        );
        let bump = |db: &Db| {
            db.write_blocking(|tx| {
                tx.conn().execute(
                    "UPDATE counters SET value = value + 1 WHERE name = 'head'",
                    [],
                )?;
                Ok::<_, DbError>(())
            })
            .expect("writes")
        };
        bump(&db);
        let v1 = watch.version().expect("version");
        assert_ne!(v1, v0, "this server's writer committed");
        assert_eq!(watch.version().expect("version"), v1, "and nothing since");
        // Another connection, as `district-server kiosk remove` in another process has.
        bump(&Db::open(&path).expect("opens again"));
        assert_ne!(
            watch.version().expect("version"),
            v1,
            "another connection committed"
        );
    }

    #[test]
    fn the_database_and_its_folder_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        let root = tempfile::tempdir().expect("tempdir");
        let data = root.path().join("data").join("district");
        let path = data.join("district.db");
        let db = Db::open(&path).expect("opens");
        db.write_blocking(|tx| {
            tx.conn()
                .execute("UPDATE counters SET value = 1 WHERE name = 'head'", [])?;
            Ok::<_, DbError>(())
        })
        .expect("writes");
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&root.path().join("data")), 0o700);
        for file in ["district.db", "district.db-wal", "district.db-shm"] {
            assert_eq!(mode(&data.join(file)), 0o600, "{file}");
        }
        drop(db);

        // A database an older server left world-readable is narrowed when it is opened.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let db = Db::open(&path).expect("reopens");
        assert_eq!(mode(&path), 0o600);
        let head = db
            .read_blocking(super::super::records::head)
            .expect("reads");
        assert_eq!(head, 1, "the content is untouched");
    }

    #[test]
    fn a_district_from_before_schema_3_is_published_as_a_record_on_open() {
        use protocol::content::{District, Kind, Record};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.db");
        let db = Db::open(&path).expect("opens");
        // What a schema 2 server held: the district in `meta` only, without brand.
        let old: District = serde_json::from_value(serde_json::json!({
            "id": "zhongshan", "name": {"zh": "中山区", "en": "Zhongshan"},
            "timezone": "Asia/Shanghai"}))
        .expect("an old district");
        db.write_blocking(|tx| super::super::meta::set_district(tx, &old))
            .expect("writes");
        let live = |db: &Db| {
            db.read_blocking(|tx| super::super::records::live(tx, &[Kind::District]))
                .expect("reads")
        };
        assert!(live(&db).is_empty());
        drop(db);

        let db = Db::open(&path).expect("reopens");
        let records = live(&db);
        let data = records
            .get(&(Kind::District, "zhongshan".to_string()))
            .expect("the district is in the feed");
        assert_eq!(
            Record::from_json(Kind::District, data.clone()).expect("parses"),
            Record::District(old)
        );
        let head = db.read_blocking(super::super::records::head).expect("head");
        drop(db);
        let db = Db::open(&path).expect("reopens again");
        assert_eq!(
            db.read_blocking(super::super::records::head).expect("head"),
            head,
            "published once, not at every open"
        );
    }
}
