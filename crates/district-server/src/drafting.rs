//! Content edits as a draft: edits collect (one drafted record per kind and id), and
//! publishing applies the whole draft as one push — validated with the bundle's rules, then in
//! one transaction as the next changes of the feed. With approval required, a second person
//! publishes what the first submitted.

use std::collections::BTreeMap;

use protocol::bundle::Problem;
use protocol::content::{Content, Kind, Record};
use serde_json::json;

use crate::api::PushPlan;
use crate::blobs::BlobStore;
use crate::push::{self, PUSHED_KINDS};
use crate::storage::drafts::{self, DraftRow};
use crate::storage::{self, DbError, ReadTx, audit, records};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("nothing has been published yet: push a first bundle with kioskctl")]
    NoContent,
    #[error("the draft is empty")]
    Empty,
    #[error("the draft has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    #[error("the draft or the published content changed meanwhile; look again and retry")]
    Changed,
    #[error("a second person must approve this draft first")]
    NeedsApproval,
    #[error("the person who submitted the draft cannot also approve it")]
    OwnApproval,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What is published now, as content (`None` before the first push: there is no district).
pub fn published(tx: &ReadTx<'_>) -> Result<Option<Content>, DbError> {
    let Some(district) = storage::meta::district(tx)? else {
        return Ok(None);
    };
    let mut content = Content {
        district,
        sections: Vec::new(),
        articles: Vec::new(),
        stations: Vec::new(),
        rooms: Vec::new(),
        events: Vec::new(),
        wishes: Vec::new(),
    };
    for ((kind, _), data) in records::live(tx, &PUSHED_KINDS)? {
        let record = Record::from_json(kind, data)
            .map_err(|e| DbError::Corrupt(format!("published {}: {e}", kind.key())))?;
        add(&mut content, record);
    }
    Ok(Some(content))
}

fn add(content: &mut Content, record: Record) {
    match record {
        // One district: a drafted or published record replaces the one from `meta`.
        Record::District(r) => content.district = r,
        Record::Section(r) => content.sections.push(r),
        Record::Station(r) => content.stations.push(r),
        Record::Room(r) => content.rooms.push(r),
        Record::Article(r) => content.articles.push(r),
        Record::Event(r) => content.events.push(r),
        Record::Wish(r) => content.wishes.push(r),
        // Seats are the server's own record and notices are posted, not pushed: neither is
        // part of pushed content.
        Record::Availability(_) | Record::Notice(_) => {}
    }
}

/// `base` with the drafted changes applied.
pub fn with_drafts(base: &Content, drafts: &[DraftRow]) -> Result<Content, DbError> {
    let mut all: BTreeMap<(Kind, String), Record> = base
        .records()
        .into_iter()
        .map(|r| ((r.kind(), r.id().to_string()), r))
        .collect();
    for d in drafts {
        match &d.data {
            Some(data) => {
                let record = Record::from_json(d.kind, data.clone()).map_err(|e| {
                    DbError::Corrupt(format!("drafted {} `{}`: {e}", d.kind.key(), d.id))
                })?;
                all.insert((d.kind, d.id.clone()), record);
            }
            None => {
                all.remove(&(d.kind, d.id.clone()));
            }
        }
    }
    let mut content = Content {
        district: base.district.clone(),
        sections: Vec::new(),
        articles: Vec::new(),
        stations: Vec::new(),
        rooms: Vec::new(),
        events: Vec::new(),
        wishes: Vec::new(),
    };
    for record in all.into_values() {
        add(&mut content, record);
    }
    Ok(content)
}

/// The draft as it would be published, checked with the bundle's rules; `Err` lists every
/// problem with its record and field.
pub fn check(content: &Content, blobs: &BlobStore) -> Result<Content, Vec<Problem>> {
    push::validate_problems(content, blobs, &[])
}

/// Whether a problem concerns the record `kind`/`id` (the bundle names records like
/// `articles[3] "harbour-walk"`).
pub fn concerns(problem: &Problem, id: &str) -> bool {
    problem
        .record
        .as_deref()
        .is_some_and(|r| r.ends_with(&format!("\"{id}\"")))
}

/// Publishes the draft: blocking (validation decodes images); run it on a blocking thread.
pub fn publish(
    db: &storage::Db,
    blobs: &BlobStore,
    actor: &str,
    require_approval: bool,
) -> Result<PushPlan, PublishError> {
    let (head, drafted, review, base) = db.read_blocking(|tx| {
        Ok::<_, DbError>((
            records::head(tx)?,
            drafts::list(tx)?,
            drafts::review(tx)?,
            published(tx)?,
        ))
    })?;
    let base = base.ok_or(PublishError::NoContent)?;
    if drafted.is_empty() {
        return Err(PublishError::Empty);
    }
    if require_approval {
        match &review {
            None => return Err(PublishError::NeedsApproval),
            Some((by, _)) if by == actor => return Err(PublishError::OwnApproval),
            Some(_) => {}
        }
    }
    let content = check(&with_drafts(&base, &drafted)?, blobs).map_err(PublishError::Invalid)?;
    db.write_blocking(|tx| {
        // What was checked must still be what is applied.
        if records::head(tx)? != head || drafts::list(tx)? != drafted || drafts::review(tx)? != review
        {
            return Err(PublishError::Changed);
        }
        let at = chrono::Utc::now();
        let now = storage::time_text(at);
        let plan = push::apply(tx, &content, at)?;
        drafts::clear(tx)?;
        let changes: Vec<serde_json::Value> = drafted
            .iter()
            .map(|d| json!({ "kind": d.kind.key(), "id": d.id, "removed": d.data.is_none(), "by": d.author }))
            .collect();
        audit::record(
            tx,
            audit::Change {
                actor,
                kind: "content",
                action: "published",
                target: "draft",
                before: None,
                after: Some(&json!({
                    "changes": changes,
                    "submitted_by": review.as_ref().map(|(by, _)| by),
                    "head_before": plan.head_before,
                    "head_after": plan.head_after,
                })),
            },
            &now,
        )?;
        Ok(plan)
    })
}
