//! Urgent notices (a typhoon warning, a closed station): staff post them straight into the feed
//! as [`Kind::Notice`] records, no draft, district-wide or for one station. A kiosk shows a
//! notice from its start to its end by itself; ending one early withdraws it from the feed.
//! Notices that ended a while ago leave the feed when the next one is posted.

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use protocol::content::{Kind, Notice, Record};

use crate::api::NoticePost;
use crate::storage::{self, DbError, ReadTx, WriteTx, records, time_text};

/// How long an ended notice stays in the feed (and in `notice list`) before it is withdrawn.
pub const ENDED_KEPT: Duration = Duration::days(7);

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("the notice was refused: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error(
        "station `{0}` is not published; post the notice district-wide or for a published station"
    )]
    UnknownStation(String),
    #[error("notice `{0}` was already posted with other content; use a new id")]
    IdTaken(String),
    #[error("no notice `{0}` is in the feed")]
    NotFound(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

fn parse(id: &str, data: serde_json::Value) -> Result<Notice, DbError> {
    match Record::from_json(Kind::Notice, data) {
        Ok(Record::Notice(n)) => Ok(n),
        Ok(_) | Err(_) => Err(DbError::Corrupt(format!("notice `{id}` does not parse"))),
    }
}

/// The notices in the feed (running, coming and recently ended), newest first.
pub fn list(tx: &ReadTx<'_>) -> Result<Vec<Notice>, DbError> {
    let mut out = Vec::new();
    for ((_, id), data) in records::live(tx, &[Kind::Notice])? {
        out.push(parse(&id, data)?);
    }
    out.sort_by(|a, b| (b.posted_at, &b.id).cmp(&(a.posted_at, &a.id)));
    Ok(out)
}

/// A fresh notice id (a UUIDv7), as `kioskctl` and the console name what they post.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Checks and publishes a notice in the caller's transaction; returns it and whether it is
/// new (`false`: the same post was made before, nothing changed).
pub fn post(
    tx: &WriteTx<'_>,
    post: &NoticePost,
    now: DateTime<Utc>,
) -> Result<(Notice, bool), NoticeError> {
    let offset = post.ends_at.offset().fix();
    let starts_at = post.starts_at.unwrap_or_else(|| now.with_timezone(&offset));
    let well_formed =
        protocol::wire::SubmissionId::parse(&post.id).is_ok_and(|id| id.as_str() == post.id);
    let mut problems = Vec::new();
    if !well_formed {
        problems.push(format!("id: `{}` is not a lower-case UUIDv7", post.id));
    }
    let station = post.station.clone().filter(|s| !s.is_empty());
    if let Some(existing) = records::live(tx, &[Kind::Notice])?
        .remove(&(Kind::Notice, post.id.clone()))
        .map(|data| parse(&post.id, data))
        .transpose()?
    {
        // A retry of the same post (its answer was lost) gets the notice it made.
        let same = existing.title == post.title
            && existing.text == post.text
            && existing.ends_at == post.ends_at
            && post.starts_at.is_none_or(|s| s == existing.starts_at)
            && existing.scope == station;
        return if same {
            Ok((existing, false))
        } else {
            Err(NoticeError::IdTaken(post.id.clone()))
        };
    }
    let notice = Notice {
        id: post.id.clone(),
        title: post.title.clone(),
        text: post.text.clone(),
        starts_at,
        ends_at: post.ends_at,
        posted_at: now.with_timezone(&offset),
        scope: station.clone(),
    };
    problems.extend(notice.problems());
    if notice.ends_at <= now {
        problems.push("ends_at: is already past".into());
    }
    if !problems.is_empty() {
        return Err(NoticeError::Invalid(problems));
    }
    if let Some(s) = &station
        && !records::live(tx, &[Kind::Station])?.contains_key(&(Kind::Station, s.clone()))
    {
        return Err(NoticeError::UnknownStation(s.clone()));
    }
    let now_text = time_text(now);
    retire_ended(tx, now)?;
    records::put(tx, &Record::Notice(notice.clone()), &now_text)?;
    Ok((notice, true))
}

/// Ends a notice now: it leaves the feed, and kiosks take it down with their next poll.
pub fn end(tx: &WriteTx<'_>, id: &str, now: DateTime<Utc>) -> Result<Notice, NoticeError> {
    let notice = records::live(tx, &[Kind::Notice])?
        .remove(&(Kind::Notice, id.to_string()))
        .map(|data| parse(id, data))
        .transpose()?
        .ok_or_else(|| NoticeError::NotFound(id.to_string()))?;
    records::delete(tx, Kind::Notice, id, &time_text(now))?;
    Ok(notice)
}

/// Withdraws notices that ended more than [`ENDED_KEPT`] ago, so the feed does not grow.
pub fn retire_ended(tx: &WriteTx<'_>, now: DateTime<Utc>) -> Result<usize, DbError> {
    let horizon: DateTime<FixedOffset> = (now - ENDED_KEPT).fixed_offset();
    let mut retired = 0;
    for n in list(tx)? {
        if n.ends_at < horizon {
            records::delete(tx, Kind::Notice, &n.id, &time_text(now))?;
            retired += 1;
        }
    }
    Ok(retired)
}

/// The audit log's picture of a notice.
pub fn audit_json(n: &Notice) -> serde_json::Value {
    serde_json::to_value(n).unwrap_or_default()
}

/// Records a notice change in the audit log (who, what, before and after).
pub fn audit(
    tx: &WriteTx<'_>,
    actor: &str,
    action: &str,
    before: Option<&Notice>,
    after: Option<&Notice>,
    now: &str,
) -> Result<(), DbError> {
    let target = after.or(before).map(|n| n.id.clone()).unwrap_or_default();
    storage::audit::record(
        tx,
        storage::audit::Change {
            actor,
            kind: "notice",
            action,
            target: &target,
            before: before.map(audit_json).as_ref(),
            after: after.map(audit_json).as_ref(),
        },
        now,
    )
}
