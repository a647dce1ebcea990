//! The media library: images uploaded in the console, by sha256 (the bytes are in the blob
//! store; images that arrived in bundles are in the store only).

use rusqlite::{OptionalExtension, params};

use super::{DbError, ReadTx, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    pub sha256: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// The uploaded file's name, for people to recognise it.
    pub name: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// Adds an image; `false` when the same bytes were uploaded before.
pub fn insert(tx: &WriteTx<'_>, m: &MediaRow) -> Result<bool, DbError> {
    Ok(tx.conn().execute(
        "INSERT INTO media (sha256, mime, width, height, bytes, name, uploaded_by, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (sha256) DO NOTHING",
        params![
            m.sha256,
            m.mime,
            m.width,
            m.height,
            i64::try_from(m.bytes).unwrap_or(i64::MAX),
            m.name,
            m.uploaded_by,
            m.uploaded_at
        ],
    )? == 1)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MediaRow> {
    Ok(MediaRow {
        sha256: r.get(0)?,
        mime: r.get(1)?,
        width: r.get(2)?,
        height: r.get(3)?,
        bytes: r.get::<_, i64>(4)?.max(0) as u64,
        name: r.get(5)?,
        uploaded_by: r.get(6)?,
        uploaded_at: r.get(7)?,
    })
}

const COLUMNS: &str = "sha256, mime, width, height, bytes, name, uploaded_by, uploaded_at";

/// Every uploaded image, newest first.
pub fn list(tx: &ReadTx<'_>) -> Result<Vec<MediaRow>, DbError> {
    let mut stmt = tx.conn().prepare(&format!(
        "SELECT {COLUMNS} FROM media ORDER BY uploaded_at DESC, sha256"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(tx: &ReadTx<'_>, sha: &str) -> Result<Option<MediaRow>, DbError> {
    Ok(tx
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM media WHERE sha256 = ?1"),
            [sha],
            row,
        )
        .optional()?)
}

pub fn delete(tx: &WriteTx<'_>, sha: &str) -> Result<bool, DbError> {
    Ok(tx
        .conn()
        .execute("DELETE FROM media WHERE sha256 = ?1", [sha])?
        == 1)
}
