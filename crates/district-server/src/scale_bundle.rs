//! `kioskctl gen-bundle`: a scale data set for benchmarks. It multiplies the embedded demo
//! bundle (`assets/demo`) into a valid bundle of N articles, M images, K events and S stations,
//! with the demo's real bilingual texts and real decodable 1920×1080 pictures (JPEGs like photos,
//! PNGs like illustrations), the same bytes for the same seed.
//!
//! How records are made (so a benchmark knows what it measures):
//! - sections: the demo's eight, unchanged; article `i` copies demo article `i mod 39` (its
//!   section, category, texts; its title numbered), with one or two extra paragraphs of another
//!   article picked by the seed;
//! - images: picture `j` is demo picture `j mod 43` cropped to 16:9, scaled to 1920×1080, tinted
//!   by the seed and marked with its number (so no two share bytes); two in three are JPEGs with
//!   film grain, the rest PNGs. Article `i` shows picture `i mod M` and, when M > N, pictures
//!   `i + N`, `i + 2N`, … as well; station `k` shows picture `k mod M`;
//! - stations: station `k` copies demo station `k mod 5` with its rooms; event `e` copies demo
//!   event `e mod 37` into a copy of its station (or, with fewer than five stations, into one
//!   of them), a week later per round.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use include_dir::{Dir, include_dir};
use protocol::bundle::{self, BundleImage, Manifest};
use protocol::content::{Article, Event, Room, Station};
use protocol::text::Text;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/demo");

/// Width and height of every generated picture: a 1080p frame.
pub const PICTURE_SIZE: (u32, u32) = (1920, 1080);

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleSpec {
    pub articles: usize,
    pub images: usize,
    pub events: usize,
    pub stations: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub dir: PathBuf,
    pub jpegs: usize,
    pub pngs: usize,
    pub image_bytes: u64,
    pub rooms: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error(
        "{0} exists and is not an empty folder; gen-bundle writes only into a new or empty one"
    )]
    NotEmpty(PathBuf),
    #[error("a bundle needs at least one station when it has events")]
    EventsWithoutStations,
    #[error("an id would be longer than {max} characters with {count} records", max = bundle::MAX_ID_LEN)]
    TooMany { count: usize },
    #[error("the embedded demo bundle is unusable: {0}")]
    Demo(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot make picture {index}: {source}")]
    Picture {
        index: usize,
        #[source]
        source: image::ImageError,
    },
}

/// Writes the bundle `spec` describes into `out` (created; must be new or empty).
pub fn generate(out: &Path, spec: &ScaleSpec) -> Result<Generated, GenError> {
    if spec.events > 0 && spec.stations == 0 {
        return Err(GenError::EventsWithoutStations);
    }
    let largest = spec
        .articles
        .max(spec.images)
        .max(spec.events)
        .max(spec.stations);
    if largest >= 100_000_000 {
        return Err(GenError::TooMany { count: largest });
    }
    prepare_dir(out)?;
    let demo = demo_manifest()?;
    let alts = demo_alts(&demo);
    let sources: Vec<&str> = alts.keys().map(String::as_str).collect();
    if sources.is_empty() || demo.articles.is_empty() || demo.stations.is_empty() {
        return Err(GenError::Demo(
            "it has no pictures, articles or stations".into(),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(spec.seed);

    let images_dir = out.join("images");
    std::fs::create_dir_all(&images_dir).map_err(|source| GenError::Write {
        path: images_dir.clone(),
        source,
    })?;
    let mut pictures = Vec::with_capacity(spec.images);
    let (mut jpegs, mut pngs, mut image_bytes) = (0, 0, 0u64);
    for index in 0..spec.images {
        let source = sources[index % sources.len()];
        let as_jpeg = index % 3 != 2;
        let bytes = picture(source, index, as_jpeg, &mut rng)?;
        let file = format!(
            "images/gen-{index:05}.{}",
            if as_jpeg { "jpg" } else { "png" }
        );
        write(&out.join(&file), &bytes)?;
        if as_jpeg {
            jpegs += 1;
        } else {
            pngs += 1;
        }
        image_bytes += bytes.len() as u64;
        let alt = alts.get(source).cloned().unwrap_or_default();
        pictures.push(BundleImage { file, alt });
    }

    let articles = articles(&demo, spec, &pictures, &mut rng);
    let (stations, rooms) = stations_and_rooms(&demo, spec.stations, &pictures);
    let events = events(&demo, spec.events, &stations, &rooms);
    let rooms: Vec<Room> = rooms.into_iter().flatten().collect();
    let room_count = rooms.len();
    let manifest = Manifest {
        format: bundle::FORMAT,
        district: demo.district.clone(),
        sections: demo.sections.clone(),
        articles,
        stations,
        rooms,
        events,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| GenError::Demo(format!("cannot serialise the manifest: {e}")))?;
    write(&out.join(bundle::MANIFEST), &json)?;
    Ok(Generated {
        dir: out.to_path_buf(),
        jpegs,
        pngs,
        image_bytes,
        rooms: room_count,
    })
}

fn prepare_dir(out: &Path) -> Result<(), GenError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(GenError::NotEmpty(out.to_path_buf()));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|source| GenError::Write {
                path: out.to_path_buf(),
                source,
            })
        }
        Err(source) => Err(GenError::Write {
            path: out.to_path_buf(),
            source,
        }),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), GenError> {
    std::fs::write(path, bytes).map_err(|source| GenError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn demo_manifest() -> Result<Manifest, GenError> {
    let bytes = DEMO
        .get_file(bundle::MANIFEST)
        .ok_or_else(|| GenError::Demo("no bundle.json".into()))?
        .contents();
    bundle::parse_manifest(bytes).map_err(|e| GenError::Demo(e.to_string()))
}

/// Every picture of the demo with the words that describe it, by file (sorted: deterministic).
fn demo_alts(demo: &Manifest) -> BTreeMap<String, Text> {
    let mut alts = BTreeMap::new();
    let images = demo
        .articles
        .iter()
        .flat_map(|a| a.images.iter())
        .chain(demo.stations.iter().filter_map(|s| s.image.as_ref()));
    for image in images {
        if DEMO.get_file(&image.file).is_some() {
            alts.entry(image.file.clone())
                .or_insert_with(|| image.alt.clone());
        }
    }
    alts
}

/// Demo picture `source` as a 1080p frame of its own: cropped to 16:9, scaled, tinted, marked
/// with `index` in its bottom row, grain added for a JPEG (photos are never flat).
fn picture(
    source: &str,
    index: usize,
    as_jpeg: bool,
    rng: &mut fastrand::Rng,
) -> Result<Vec<u8>, GenError> {
    let err = |source| GenError::Picture { index, source };
    let bytes = DEMO
        .get_file(source)
        .ok_or_else(|| GenError::Demo(format!("{source} is missing")))?
        .contents();
    let decoded = image::load_from_memory(bytes).map_err(err)?.into_rgb8();
    let (w, h) = decoded.dimensions();
    let (cw, ch) = if w * 9 >= h * 16 {
        (h * 16 / 9, h)
    } else {
        (w, w * 9 / 16)
    };
    let cropped =
        image::imageops::crop_imm(&decoded, (w - cw) / 2, (h - ch) / 2, cw, ch).to_image();
    let (width, height) = PICTURE_SIZE;
    let mut frame = image::imageops::resize(&cropped, width, height, FilterType::Triangle);
    let tint = [rng.i16(-24..=24), rng.i16(-24..=24), rng.i16(-24..=24)];
    let grain = if as_jpeg { 10 } else { 0 };
    for pixel in frame.pixels_mut() {
        for (c, t) in pixel.0.iter_mut().zip(tint) {
            let noise = if grain > 0 {
                rng.i16(-grain..=grain)
            } else {
                0
            };
            *c = (i16::from(*c) + t + noise).clamp(0, 255) as u8;
        }
    }
    // The picture's number as 32 black or white squares of 8 px: no two pictures are alike.
    for bit in 0..32u32 {
        let on = (index >> bit) & 1 == 1;
        let v = if on { 255 } else { 0 };
        for y in height - 8..height {
            for x in bit * 8..bit * 8 + 8 {
                frame.put_pixel(x, y, image::Rgb([v, v, v]));
            }
        }
    }
    let mut out = Vec::new();
    let mut cursor = std::io::Cursor::new(&mut out);
    if as_jpeg {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut cursor, 82)
            .encode_image(&frame)
            .map_err(err)?;
    } else {
        frame
            .write_to(&mut cursor, image::ImageFormat::Png)
            .map_err(err)?;
    }
    Ok(out)
}

fn articles(
    demo: &Manifest,
    spec: &ScaleSpec,
    pictures: &[BundleImage],
    rng: &mut fastrand::Rng,
) -> Vec<Article<BundleImage>> {
    let n = spec.articles;
    (0..n)
        .map(|i| {
            let source = &demo.articles[i % demo.articles.len()];
            let number = i + 1;
            let mut body = source.body.clone();
            let other = &demo.articles[rng.usize(..demo.articles.len())];
            let extra = rng.usize(1..=2).min(other.body.len());
            body.extend(other.body.iter().take(extra).cloned());
            let images = if pictures.is_empty() {
                Vec::new()
            } else {
                (i..pictures.len().max(i + 1))
                    .step_by(n.max(1))
                    .map(|j| pictures[j % pictures.len()].clone())
                    .collect()
            };
            Article {
                id: format!("gen-{number:05}-{}", trim_id(&source.id, 40)),
                section: source.section.clone(),
                order: u32::try_from(i).unwrap_or(u32::MAX),
                category: source.category,
                title: Text::new(
                    format!("{}（第{number}篇）", source.title.zh),
                    format!("{} (no. {number})", source.title.en),
                ),
                summary: source.summary.clone(),
                body,
                images,
                link: source.link.clone(),
                publish_at: source.publish_at,
                expire_at: source.expire_at,
                scope: None,
            }
        })
        .collect()
}

fn trim_id(id: &str, max: usize) -> &str {
    // Ids are ASCII (bundle rules), so any byte index is a character boundary.
    &id[..id.len().min(max)]
}

/// Station `k` copies demo station `k mod 5`; round 0 keeps the demo's ids.
fn station_id(source: &str, round: usize) -> String {
    if round == 0 {
        source.to_string()
    } else {
        format!("{}-{round}", trim_id(source, 50))
    }
}

fn stations_and_rooms(
    demo: &Manifest,
    count: usize,
    pictures: &[BundleImage],
) -> (Vec<Station<BundleImage>>, Vec<Vec<Room>>) {
    let per_round = demo.stations.len();
    let mut stations = Vec::with_capacity(count);
    let mut rooms = Vec::with_capacity(count);
    for k in 0..count {
        let source = &demo.stations[k % per_round];
        let round = k / per_round;
        let id = station_id(&source.id, round);
        let mut station = source.clone();
        station.order = u32::try_from(k).unwrap_or(u32::MAX);
        if round > 0 {
            station.name = Text::new(
                format!("{}（{}号）", source.name.zh, round + 1),
                format!("{} (no. {})", source.name.en, round + 1),
            );
        }
        station.image = (!pictures.is_empty()).then(|| pictures[k % pictures.len()].clone());
        rooms.push(
            demo.rooms
                .iter()
                .filter(|r| r.station == source.id)
                .map(|r| Room {
                    id: station_id(&r.id, round),
                    station: id.clone(),
                    ..r.clone()
                })
                .collect(),
        );
        station.id = id;
        stations.push(station);
    }
    (stations, rooms)
}

fn events(
    demo: &Manifest,
    count: usize,
    stations: &[Station<BundleImage>],
    rooms: &[Vec<Room>],
) -> Vec<Event> {
    let with_rooms: Vec<usize> = (0..stations.len())
        .filter(|&k| !rooms[k].is_empty())
        .collect();
    if demo.events.is_empty() || with_rooms.is_empty() {
        return Vec::new();
    }
    (0..count)
        .map(|e| {
            let source = &demo.events[e % demo.events.len()];
            let round = e / demo.events.len();
            // A copy of the event's own station in this round when there is one, else any.
            let demo_index = demo
                .stations
                .iter()
                .position(|s| s.id == source.station)
                .unwrap_or(0);
            let copies: Vec<usize> = with_rooms
                .iter()
                .copied()
                .filter(|&k| k % demo.stations.len() == demo_index)
                .collect();
            let k = if copies.is_empty() {
                with_rooms[e % with_rooms.len()]
            } else {
                copies[round % copies.len()]
            };
            let station_rooms = &rooms[k];
            let demo_rooms: Vec<&Room> = demo
                .rooms
                .iter()
                .filter(|r| r.station == source.station)
                .collect();
            let room_pos = demo_rooms
                .iter()
                .position(|r| r.id == source.room)
                .unwrap_or(0);
            let room = &station_rooms[room_pos % station_rooms.len()];
            let shift = chrono::Duration::weeks(i64::try_from(round).unwrap_or(0));
            Event {
                id: format!("gen-{:05}-{}", e + 1, trim_id(&source.id, 40)),
                station: stations[k].id.clone(),
                room: room.id.clone(),
                start: source.start + shift,
                end: source.end + shift,
                recurrence: source.recurrence.clone().map(|mut r| {
                    r.until = r.until.map(|d| d + shift);
                    r
                }),
                scope: None,
                ..source.clone()
            }
        })
        .collect()
}
