//! Staff push: check submitted content with the same rules as a bundle import, compare it with
//! what the server publishes, and apply the difference as puts and deletes in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use protocol::bundle::{self, BundleImage, Manifest};
use protocol::content::{Article, Brand, Content, District, Kind, Record, Section, Station};

use chrono::{DateTime, Utc};

use crate::api::{KindDiff, PushPlan};
use crate::availability;
use crate::blobs::BlobStore;
use crate::storage::{self, DbError, ReadTx, WriteTx, records, time_text};

/// The kinds a bundle carries and a push replaces. Wishes come from kiosks, availability from
/// sign-ups and notices from staff posting them: a push never touches them.
pub const PUSHED_KINDS: [Kind; 6] = [
    Kind::District,
    Kind::Section,
    Kind::Station,
    Kind::Room,
    Kind::Article,
    Kind::Event,
];

/// The difference between what is published and what a push brings.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub kinds: Vec<KindDiff>,
    pub unchanged: u64,
    /// Records to put, in kind order (referenced before referencing), then id order.
    pub puts: Vec<Record>,
    /// Records to delete, in reverse kind order (referencing before referenced).
    pub deletes: Vec<(Kind, String)>,
}

/// Compares the live records of [`PUSHED_KINDS`] with `new`.
pub fn diff(current: &BTreeMap<(Kind, String), serde_json::Value>, new: &[Record]) -> Diff {
    let mut kinds: BTreeMap<Kind, KindDiff> = PUSHED_KINDS
        .iter()
        .map(|&kind| {
            (
                kind,
                KindDiff {
                    kind,
                    added: Vec::new(),
                    changed: Vec::new(),
                    removed: Vec::new(),
                },
            )
        })
        .collect();
    let mut sorted: Vec<&Record> = new
        .iter()
        .filter(|r| PUSHED_KINDS.contains(&r.kind()))
        .collect();
    sorted.sort_by(|a, b| (a.kind(), a.id()).cmp(&(b.kind(), b.id())));
    let mut seen = BTreeSet::new();
    let mut puts = Vec::new();
    let mut unchanged = 0;
    for record in sorted {
        let key = (record.kind(), record.id().to_string());
        let entry = kinds.entry(record.kind()).or_insert_with(|| KindDiff {
            kind: record.kind(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
        });
        match current.get(&key) {
            None => {
                entry.added.push(key.1.clone());
                puts.push(record.clone());
            }
            Some(old) if *old != record.to_json() => {
                entry.changed.push(key.1.clone());
                puts.push(record.clone());
            }
            Some(_) => unchanged += 1,
        }
        seen.insert(key);
    }
    let mut deletes = Vec::new();
    for (kind, id) in current.keys().rev() {
        if PUSHED_KINDS.contains(kind) && !seen.contains(&(*kind, id.clone())) {
            deletes.push((*kind, id.clone()));
        }
    }
    for (kind, id) in current.keys() {
        if PUSHED_KINDS.contains(kind)
            && !seen.contains(&(*kind, id.clone()))
            && let Some(entry) = kinds.get_mut(kind)
        {
            entry.removed.push(id.clone());
        }
    }
    Diff {
        kinds: kinds.into_values().collect(),
        unchanged,
        puts,
        deletes,
    }
}

/// What pushing `content` would change, without changing anything (a dry run).
pub fn plan(
    tx: &ReadTx<'_>,
    content: &Content,
    missing_blobs: Vec<String>,
) -> Result<PushPlan, DbError> {
    let (plan, _) = compare(tx, content, true, missing_blobs)?;
    Ok(plan)
}

fn compare(
    tx: &ReadTx<'_>,
    content: &Content,
    dry_run: bool,
    missing_blobs: Vec<String>,
) -> Result<(PushPlan, Diff), DbError> {
    let head = records::head(tx)?;
    let current = records::live(tx, &PUSHED_KINDS)?;
    let d = diff(&current, &content.records());
    let district_changed = storage::meta::district(tx)?.as_ref() != Some(&content.district);
    let plan = PushPlan {
        dry_run,
        head_before: head,
        head_after: head,
        kinds: d.kinds.clone(),
        unchanged: d.unchanged,
        district_changed,
        missing_blobs,
    };
    Ok((plan, d))
}

/// Compares `content` with what is published and applies the difference: each put and delete
/// takes the next sequence number in the caller's transaction. The seats in the feed follow
/// the events in the same transaction (a new capacity, a deleted event).
pub fn apply(tx: &WriteTx<'_>, content: &Content, now: DateTime<Utc>) -> Result<PushPlan, DbError> {
    let (mut plan, d) = compare(tx, content, false, Vec::new())?;
    let now_text = time_text(now);
    for record in &d.puts {
        records::put(tx, record, &now_text)?;
    }
    for (kind, id) in &d.deletes {
        records::delete(tx, *kind, id, &now_text)?;
    }
    if plan.district_changed {
        storage::meta::set_district(tx, &content.district)?;
    }
    if !d.puts.is_empty() || !d.deletes.is_empty() || plan.district_changed {
        availability::refresh_all(tx, now)?;
    }
    plan.head_after = records::head(tx)?;
    Ok(plan)
}

/// Every image a content references, sorted, without repeats.
pub fn referenced_blobs(content: &Content) -> Vec<String> {
    let set: BTreeSet<String> = content
        .records()
        .iter()
        .flat_map(|r| {
            r.blobs()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    set.into_iter().collect()
}

fn image_file(sha: &str) -> String {
    format!("images/{sha}")
}

/// `content` as a bundle manifest, each image named by `file_of(sha256)`.
pub fn manifest_of(content: &Content, file_of: impl Fn(&str) -> String) -> Manifest {
    let to_file = |img: &protocol::ImageRef| BundleImage {
        file: file_of(&img.sha256),
        alt: img.alt.clone(),
    };
    Manifest {
        format: bundle::FORMAT,
        district: District {
            id: content.district.id.clone(),
            name: content.district.name.clone(),
            timezone: content.district.timezone.clone(),
            brand: Brand {
                kiosk_name: content.district.brand.kiosk_name.clone(),
                welcome: content.district.brand.welcome.clone(),
                intro: content.district.brand.intro.clone(),
                venues: content.district.brand.venues.clone(),
                accent: content.district.brand.accent.clone(),
                logo: content.district.brand.logo.as_ref().map(to_file),
            },
        },
        sections: content
            .sections
            .iter()
            .map(|s| Section {
                id: s.id.clone(),
                order: s.order,
                title: s.title.clone(),
                subtitle: s.subtitle.clone(),
                icon: s.icon.clone(),
                icon_file: s.icon_file.as_ref().map(|i| file_of(&i.sha256)),
                color: s.color.clone(),
                scope: s.scope.clone(),
                wish_wall: s.wish_wall,
            })
            .collect(),
        articles: content
            .articles
            .iter()
            .map(|a| Article {
                id: a.id.clone(),
                section: a.section.clone(),
                order: a.order,
                category: a.category,
                title: a.title.clone(),
                summary: a.summary.clone(),
                body: a.body.clone(),
                images: a.images.iter().map(to_file).collect(),
                link: a.link.clone(),
                publish_at: a.publish_at,
                expire_at: a.expire_at,
                scope: a.scope.clone(),
            })
            .collect(),
        stations: content
            .stations
            .iter()
            .map(|s| Station {
                id: s.id.clone(),
                order: s.order,
                name: s.name.clone(),
                building: s.building.clone(),
                floor: s.floor.clone(),
                address: s.address.clone(),
                hours: s.hours.clone(),
                area_m2: s.area_m2,
                summary: s.summary.clone(),
                serves: s.serves.clone(),
                image: s.image.as_ref().map(to_file),
            })
            .collect(),
        rooms: content.rooms.clone(),
        events: content.events.clone(),
    }
}

/// Checks pushed content with the bundle rules of [`protocol::bundle::validate`], reading its
/// images from the blob store. Returns the content as validated (image sizes as decoded here),
/// or every problem found. Images listed in `missing` (allowed on a dry run) are not checked.
pub fn validate(
    content: &Content,
    blobs: &BlobStore,
    missing: &[String],
) -> Result<Content, Vec<String>> {
    validate_problems(content, blobs, missing)
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect())
}

/// [`validate`], keeping each problem's record and field (the console shows them next to the
/// field they concern).
pub fn validate_problems(
    content: &Content,
    blobs: &BlobStore,
    missing: &[String],
) -> Result<Content, Vec<bundle::Problem>> {
    if !content.wishes.is_empty() {
        return Err(vec![bundle::Problem::new(
            "content",
            None,
            Some("wishes".into()),
            bundle::Issue::WishesInContent,
        )]);
    }
    let manifest = manifest_of(content, image_file);
    let source = |path: &str| -> std::io::Result<Vec<u8>> {
        let sha = path.strip_prefix("images/").unwrap_or(path);
        match blobs.get(sha) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the server has no image with this sha256; upload it first",
            )),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    };
    match bundle::validate(manifest, &source) {
        Ok(valid) => Ok(valid.content),
        Err(e) => {
            // Images not uploaded yet are reported under their own file; a dry run skips them.
            let skipped: Vec<String> = missing.iter().map(|sha| image_file(sha)).collect();
            let problems: Vec<bundle::Problem> = e
                .problems()
                .into_iter()
                .filter(|p| !skipped.contains(&p.file))
                .collect();
            if problems.is_empty() {
                Ok(content.clone())
            } else {
                Err(problems)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::content::Room;
    use protocol::text::Text;

    fn room(id: &str, capacity: u32) -> Record {
        Record::Room(Room {
            id: id.into(),
            station: "s".into(),
            order: 1,
            name: Text::new("室", "Room"),
            description: Text::new("描述", "Description"),
            capacity: Some(capacity),
        })
    }

    #[test]
    fn diff_sorts_adds_changes_and_removals() {
        let mut current = BTreeMap::new();
        for r in [room("a", 1), room("b", 1), room("c", 1)] {
            current.insert((r.kind(), r.id().to_string()), r.to_json());
        }
        let new = [room("d", 1), room("b", 2), room("a", 1)];
        let d = diff(&current, &new);
        let rooms = d
            .kinds
            .iter()
            .find(|k| k.kind == Kind::Room)
            .expect("rooms");
        assert_eq!(rooms.added, ["d"]);
        assert_eq!(rooms.changed, ["b"]);
        assert_eq!(rooms.removed, ["c"]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(
            d.puts.iter().map(Record::id).collect::<Vec<_>>(),
            ["b", "d"]
        );
        assert_eq!(d.deletes, [(Kind::Room, "c".to_string())]);
        assert_eq!(d.kinds.len(), PUSHED_KINDS.len());
    }
}
