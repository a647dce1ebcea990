//! `Bundle::load` on the real demo bundle (`assets/demo`) and on broken bundles built in memory
//! or in a temporary folder: every problem must name its file, record and field, and all of
//! them must be reported at once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use protocol::bundle::{Issue, MANIFEST, MAX_IMAGE_SIDE, Target};
use protocol::{Bundle, BundleError, Category, Lang, Problem};
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
}

/// A source reading files under `dir`, as the kiosk and `kioskctl` do.
fn folder(dir: PathBuf) -> impl Fn(&str) -> std::io::Result<Vec<u8>> {
    move |path: &str| std::fs::read(dir.join(path))
}

fn png(width: u32, height: u32, noisy: bool) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        if noisy {
            let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(97);
            image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        } else {
            image::Rgb([200, 16, 46])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode test PNG");
    out
}

fn t(zh: &str, en: &str) -> Value {
    json!({ "zh": zh, "en": en })
}

/// The smallest bundle that uses every kind of record: two stations so events can point at a
/// room of the wrong one.
fn minimal() -> Value {
    json!({
        "format": 1,
        "district": { "id": "test", "name": t("测试街道", "Test Subdistrict"), "timezone": "Asia/Shanghai",
            "brand": { "kiosk_name": t("测试e站", "Test e-Station"), "welcome": t("欢迎", "Welcome"),
                       "intro": t("轻触开始", "Tap to start"), "venues": t("驿站", "Stations"), "accent": "#C8102E" } },
        "sections": [
            { "id": "s1", "order": 1, "title": t("美丽中山", "Beautiful Zhongshan"),
              "subtitle": t("广场", "Squares"), "icon": "city", "color": "#1B7FA6" }
        ],
        "stations": [
            { "id": "st1", "order": 1, "name": t("驿站一", "Station One"), "building": t("大厦", "Tower"),
              "floor": t("23层", "23rd floor"), "address": t("人民路", "Renmin Road"),
              "hours": t("9:00–17:00", "9:00–17:00"), "summary": t("简介", "Summary"),
              "serves": [t("甲楼", "Tower A")],
              "image": { "file": "images/station.png", "alt": t("驿站", "The station") } },
            { "id": "st2", "order": 2, "name": t("驿站二", "Station Two"), "building": t("大厦", "Tower"),
              "floor": t("1层", "Ground floor"), "address": t("人民路", "Renmin Road"),
              "hours": t("9:00–17:00", "9:00–17:00"), "summary": t("简介", "Summary") }
        ],
        "rooms": [
            { "id": "r1", "station": "st1", "order": 1, "name": t("阅览区", "Reading area"),
              "description": t("书", "Books"), "capacity": 20 },
            { "id": "r2", "station": "st2", "order": 1, "name": t("活动区", "Activity area"),
              "description": t("活动", "Activities") }
        ],
        "articles": [
            { "id": "a1", "section": "s1", "order": 1, "category": "learning",
              "title": t("中山广场", "Zhongshan Square"), "summary": t("圆形广场", "A round square"),
              "body": [t("第一段", "First paragraph")],
              "images": [{ "file": "images/a.png", "alt": t("广场", "The square") }],
              "link": "https://www.dl.gov.cn" }
        ],
        "events": [
            { "id": "e1", "station": "st1", "room": "r1", "title": t("读书会", "Reading hour"),
              "description": t("午间读书", "Lunchtime reading"),
              "start": "2026-11-23T12:10:00", "end": "2026-11-23T13:00:00",
              "capacity": 20, "signup_open": true },
            { "id": "e2", "station": "st2", "room": "r2", "title": t("手工课", "Craft class"),
              "description": t("剪纸", "Paper-cutting"),
              "start": "2026-11-24T12:10:00", "end": "2026-11-24T13:00:00",
              "recurrence": { "weekly": true } }
        ]
    })
}

fn files(manifest: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    f.insert(
        MANIFEST.to_string(),
        serde_json::to_vec_pretty(manifest).expect("serialise manifest"),
    );
    f.insert("images/a.png".to_string(), png(64, 48, false));
    f.insert("images/station.png".to_string(), png(64, 36, false));
    f
}

/// Loads a bundle that must be invalid and returns its problems.
fn problems(source: &BTreeMap<String, Vec<u8>>) -> Vec<Problem> {
    match Bundle::load(source) {
        Ok(_) => panic!("the broken bundle loaded"),
        Err(BundleError::Invalid(p)) => p,
        Err(other) => panic!("expected a list of problems, got: {other}"),
    }
}

fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut m = minimal();
    edit(&mut m);
    problems(&files(&m))
}

/// Finds the problem at `file` / `record` / `field`, or fails listing what was reported.
#[track_caller]
fn find<'a>(
    ps: &'a [Problem],
    file: &str,
    record: Option<&str>,
    field: Option<&str>,
) -> &'a Problem {
    ps.iter()
        .find(|p| p.file == file && p.record.as_deref() == record && p.field.as_deref() == field)
        .unwrap_or_else(|| {
            panic!(
                "no problem at {file} / {record:?} / {field:?}; reported:\n{}",
                ps.iter()
                    .map(|p| format!("  {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
}

// ---------------------------------------------------------------- the demo bundle

/// The demo bundle, loaded (and every image decoded) once for all tests.
fn demo() -> &'static Bundle {
    static DEMO: OnceLock<Bundle> = OnceLock::new();
    DEMO.get_or_init(|| {
        Bundle::load(&folder(demo_dir()))
            .unwrap_or_else(|e| panic!("the demo bundle must load: {e}"))
    })
}

#[test]
fn demo_bundle_has_the_eight_sections_in_order() {
    let c = &demo().content;
    assert_eq!(c.district.id, "zhongshan-renminlu");
    assert_eq!(c.district.timezone, "Asia/Shanghai");
    assert_eq!(c.district.name.zh, "大连市中山区人民路街道");
    let got: Vec<(&str, &str, &str)> = c
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.title.zh.as_str(), s.icon.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("beautiful-zhongshan", "美丽中山", "city"),
            ("somerset-harbour", "盛捷港湾", "harbour"),
            ("red-fort-stations", "红垒驿站", "station"),
            ("red-fort-e-station", "红垒e站", "screen"),
            ("partnership", "合作掠影", "handshake"),
            ("micro-wishes", "微心愿", "heart"),
            ("folk-culture", "民俗文化", "lantern"),
            ("daily-living", "衣食住行", "compass"),
        ]
    );
    let orders: Vec<u32> = c.sections.iter().map(|s| s.order).collect();
    assert_eq!(orders, (1..=8).collect::<Vec<_>>());
    let colours: BTreeSet<&str> = c.sections.iter().map(|s| s.color.as_str()).collect();
    assert_eq!(colours.len(), 8, "every section has its own accent colour");
}

#[test]
fn demo_bundle_has_enough_articles_in_every_section_and_category() {
    let c = &demo().content;
    assert!(
        (30..=40).contains(&c.articles.len()),
        "{} articles",
        c.articles.len()
    );
    for s in &c.sections {
        let n = c.articles.iter().filter(|a| a.section == s.id).count();
        assert!(n >= 3, "section {} has only {n} articles", s.id);
    }
    for cat in Category::ALL {
        assert!(
            c.articles.iter().any(|a| a.category == cat),
            "no article in category {}",
            cat.key()
        );
    }
    for a in &c.articles {
        assert!(
            (2..=5).contains(&a.body.len()),
            "{}: {} paragraphs",
            a.id,
            a.body.len()
        );
        assert!(a.images.len() <= 2, "{}: {} images", a.id, a.images.len());
        if let Some(link) = &a.link {
            assert!(link.starts_with("https://"), "{}: {link}", a.id);
        }
    }
    assert!(c.articles.iter().filter(|a| !a.images.is_empty()).count() >= 30);
}

#[test]
fn demo_bundle_stations_rooms_and_haizhiyun() {
    let c = &demo().content;
    assert_eq!(c.stations.len(), 5);
    for s in &c.stations {
        assert_eq!(s.serves.len(), 5, "station {} serves five buildings", s.id);
        assert!(s.image.is_some(), "station {} has a picture", s.id);
        let rooms = c.rooms.iter().filter(|r| r.station == s.id).count();
        assert!(rooms >= 2, "station {} has {rooms} rooms", s.id);
    }
    let centre = &c.stations[0];
    assert_eq!(centre.address.zh, "大连市中山区人民路55号");
    assert_eq!(centre.area_m2, Some(3000));
    assert_eq!(
        c.rooms.iter().filter(|r| r.station == centre.id).count(),
        10
    );
    for name in ["白领减压室", "企业家论坛", "形象设计", "艺术沙龙"] {
        assert!(
            c.rooms
                .iter()
                .any(|r| r.station == centre.id && r.name.zh == name),
            "the centre lacks {name}"
        );
    }
    let hzy = c
        .stations
        .iter()
        .find(|s| s.name.zh.contains("海之云"))
        .expect("the Haizhiyun station");
    assert_eq!(hzy.building.zh, "上方港景大厦");
    assert_eq!(hzy.floor.zh, "23层");
    assert_eq!(hzy.area_m2, Some(300));
    assert!(hzy.summary.zh.contains("海军广场街道"));
    let mut hzy_rooms: Vec<&str> = c
        .rooms
        .iter()
        .filter(|r| r.station == hzy.id)
        .map(|r| r.name.zh.as_str())
        .collect();
    hzy_rooms.sort();
    assert_eq!(hzy_rooms, ["休闲区", "活动区", "阅览区"]);
}

#[test]
fn demo_bundle_schedules_two_full_weeks_and_repeats_weekly() {
    let c = &demo().content;
    let first = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let last = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    assert_eq!(first.weekday(), Weekday::Mon);
    // Occurrences over the two weeks, weekly events counted in both.
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for e in &c.events {
        let day = e.start.date();
        assert!((first..=last).contains(&day), "{} starts on {day}", e.id);
        assert!(e.end > e.start, "{} ends before it starts", e.id);
        *per_day.entry(day).or_default() += 1;
        if e.recurrence.is_some() {
            assert!(
                day < first + chrono::Days::new(7),
                "{} repeats from week two",
                e.id
            );
            *per_day.entry(day + chrono::Days::new(7)).or_default() += 1;
        }
    }
    for day in first.iter_days().take_while(|d| *d <= last) {
        let n = per_day.get(&day).copied().unwrap_or(0);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        assert!(n >= if weekend { 1 } else { 3 }, "{day} has {n} events");
    }
    let stations: BTreeSet<&str> = c.events.iter().map(|e| e.station.as_str()).collect();
    assert_eq!(stations.len(), 5, "events happen at every station");
    // Weekly events without an end keep the schedule alive whenever the demo runs.
    let weekdays: BTreeSet<u32> = c
        .events
        .iter()
        .filter(|e| {
            e.recurrence
                .as_ref()
                .is_some_and(|r| r.weekly && r.until.is_none())
        })
        .map(|e| e.start.weekday().num_days_from_monday())
        .collect();
    for d in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ] {
        assert!(
            weekdays.contains(&d.num_days_from_monday()),
            "no open-ended weekly event on {d}"
        );
    }
    assert!(c.events.iter().filter(|e| e.signup_open).count() * 2 > c.events.len());
    let talk = c
        .events
        .iter()
        .find(|e| e.title.zh.contains("理财"))
        .expect("the personal-finance talk");
    assert_eq!(talk.station, "haizhiyun");
}

#[test]
fn demo_bundle_images_are_all_used_and_small() {
    let bundle = demo();
    let c = &bundle.content;
    let refs: BTreeSet<&str> = c
        .articles
        .iter()
        .flat_map(|a| a.images.iter())
        .chain(c.stations.iter().filter_map(|s| s.image.as_ref()))
        .map(|i| i.sha256.as_str())
        .collect();
    assert_eq!(refs.len(), bundle.blobs.len(), "every blob is referenced");
    for (sha, blob) in &bundle.blobs {
        assert!(refs.contains(sha.as_str()));
        assert_eq!(blob.mime, "image/png");
        assert!(
            blob.bytes.len() < 200 * 1024,
            "{sha}: {} bytes",
            blob.bytes.len()
        );
        assert!(blob.width >= 1200 && blob.height >= 675);
    }
    // No stray files: everything in images/ is named by the manifest.
    let on_disk = std::fs::read_dir(demo_dir().join("images"))
        .expect("images folder")
        .count();
    assert_eq!(
        on_disk,
        bundle.blobs.len(),
        "files in images/ that the manifest does not use"
    );
}

// ---------------------------------------------------------------- broken bundles

#[test]
fn minimal_bundle_loads_and_resolves_images() {
    let bundle = Bundle::load(&files(&minimal())).expect("the minimal bundle is valid");
    let img = &bundle.content.articles[0].images[0];
    assert_eq!((img.width, img.height), (64, 48));
    assert!(bundle.blobs.contains_key(&img.sha256));
    let station = bundle.content.stations[0]
        .image
        .as_ref()
        .expect("station image");
    assert_eq!((station.width, station.height), (64, 36));
    assert_eq!(bundle.blobs.len(), 2);
}

#[test]
fn the_brand_is_required_and_checked() {
    let ps = problems_after(|m| {
        m["district"]["brand"]["welcome"] = t("欢迎", "");
        m["district"]["brand"]["venues"] = t("", "Stations");
        m["district"]["brand"]["accent"] = json!("red");
        m["district"]["brand"]["logo"] =
            json!({ "file": "images/missing.png", "alt": t("标志", "Logo") });
    });
    find(&ps, MANIFEST, Some("district"), Some("brand.welcome.en"));
    find(&ps, MANIFEST, Some("district"), Some("brand.venues.zh"));
    find(&ps, MANIFEST, Some("district"), Some("brand.accent"));
    find(
        &ps,
        "images/missing.png",
        Some("district"),
        Some("brand.logo.file"),
    );

    // A bundle without any brand is refused too: no deployment shows another one's name.
    let ps = problems_after(|m| {
        m["district"]
            .as_object_mut()
            .expect("district")
            .remove("brand");
    });
    find(&ps, MANIFEST, Some("district"), Some("brand.kiosk_name.zh"));
    find(&ps, MANIFEST, Some("district"), Some("brand.accent"));
}

#[test]
fn a_brand_logo_is_an_image_of_the_bundle() {
    let mut m = minimal();
    m["district"]["brand"]["logo"] = json!({ "file": "images/a.png", "alt": t("标志", "Logo") });
    let bundle = Bundle::load(&files(&m)).expect("a bundle with a logo is valid");
    let logo = bundle.content.district.brand.logo.as_ref().expect("logo");
    assert_eq!((logo.width, logo.height), (64, 48));
    assert!(bundle.blobs.contains_key(&logo.sha256));
    let records = bundle.content.records();
    let district = records
        .iter()
        .find(|r| r.kind() == protocol::Kind::District)
        .expect("the district is a record of the content");
    assert_eq!(district.blobs(), [logo.sha256.as_str()]);
    assert_eq!(district.scope(), None);

    let mut m = minimal();
    m["district"]["brand"]["logo"] = json!({ "file": "images/a.png", "alt": t("", "Logo") });
    find(
        &problems(&files(&m)),
        MANIFEST,
        Some("district"),
        Some("brand.logo.alt.zh"),
    );
}

#[test]
fn the_demo_brand_is_dalians() {
    let brand = &demo().content.district.brand;
    assert_eq!(brand.kiosk_name.zh, "红垒e站");
    assert_eq!(brand.welcome.en, "Welcome to the Red Fort Stations");
    assert_eq!(brand.venues.zh, "红垒驿站");
    assert_eq!(brand.accent, "#C8102E");
}

#[test]
fn missing_english_is_reported_with_its_field() {
    let ps = problems_after(|m| m["articles"][0]["title"]["en"] = json!("  "));
    let p = find(&ps, MANIFEST, Some("articles[0] \"a1\""), Some("title.en"));
    assert!(p.message.contains("Chinese and English"), "{}", p.message);
    assert_eq!(p.issue, Issue::MissingLanguage { lang: Lang::En });
    assert_eq!(p.issue.code(), "missing-language");
    let ps = problems_after(|m| m["stations"][0]["serves"][0]["zh"] = json!(""));
    find(
        &ps,
        MANIFEST,
        Some("stations[0] \"st1\""),
        Some("serves[0].zh"),
    );
    let ps = problems_after(|m| m["articles"][0]["body"][0]["en"] = json!(""));
    find(
        &ps,
        MANIFEST,
        Some("articles[0] \"a1\""),
        Some("body[0].en"),
    );
}

#[test]
fn duplicate_and_malformed_ids_are_reported() {
    let ps = problems_after(|m| m["events"][1]["id"] = json!("e1"));
    let p = find(&ps, MANIFEST, Some("events[1] \"e1\""), Some("id"));
    assert!(p.message.contains("used twice"), "{}", p.message);
    let ps = problems_after(|m| m["articles"][0]["id"] = json!("Harbour Walk"));
    let p = find(
        &ps,
        MANIFEST,
        Some("articles[0] \"Harbour Walk\""),
        Some("id"),
    );
    assert!(p.message.contains("not a valid id"), "{}", p.message);
}

#[test]
fn dangling_references_are_reported() {
    let ps = problems_after(|m| m["articles"][0]["section"] = json!("nowhere"));
    let p = find(&ps, MANIFEST, Some("articles[0] \"a1\""), Some("section"));
    assert!(p.message.contains("`nowhere`"), "{}", p.message);

    let ps = problems_after(|m| m["events"][0]["room"] = json!("attic"));
    let p = find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("room"));
    assert!(p.message.contains("`attic`"), "{}", p.message);
    assert_eq!(
        p.issue,
        Issue::UnknownReference {
            target: Target::Room,
            id: "attic".into()
        }
    );
    assert_eq!(
        p.issue.args(),
        vec![("target", "room".to_string()), ("id", "attic".to_string())]
    );

    let ps = problems_after(|m| m["rooms"][1]["station"] = json!("st9"));
    find(&ps, MANIFEST, Some("rooms[1] \"r2\""), Some("station"));

    let ps = problems_after(|m| m["events"][0]["station"] = json!("st9"));
    find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("station"));

    let ps = problems_after(|m| m["articles"][0]["scope"] = json!("st9"));
    find(&ps, MANIFEST, Some("articles[0] \"a1\""), Some("scope"));
}

#[test]
fn event_in_a_room_of_another_station_is_reported() {
    let ps = problems_after(|m| m["events"][0]["room"] = json!("r2"));
    let p = find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("room"));
    assert!(
        p.message.contains("belongs to station `st2`"),
        "{}",
        p.message
    );
    assert_eq!(ps.len(), 1, "{ps:?}");
}

#[test]
fn event_ending_before_it_starts_is_reported() {
    let ps = problems_after(|m| m["events"][0]["end"] = json!("2026-11-23T12:00:00"));
    let p = find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("end"));
    assert!(p.message.contains("later than start"), "{}", p.message);
    assert_eq!(p.issue, Issue::EndsBeforeStart);
    let ps = problems_after(|m| m["events"][0]["end"] = json!("2026-12-23T12:00:00"));
    let p = find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("end"));
    assert_eq!(p.issue, Issue::EventTooLong { max_days: 7 });
    assert_eq!(p.message, "an event may last at most 7 days");
    let ps = problems_after(|m| m["events"][1]["recurrence"]["until"] = json!("2026-11-01"));
    find(
        &ps,
        MANIFEST,
        Some("events[1] \"e2\""),
        Some("recurrence.until"),
    );
}

#[test]
fn unknown_icon_and_bad_colour_are_reported() {
    let ps = problems_after(|m| {
        m["sections"][0]["icon"] = json!("rocket");
        m["sections"][0]["color"] = json!("#12345");
    });
    let p = find(&ps, MANIFEST, Some("sections[0] \"s1\""), Some("icon"));
    assert!(
        p.message.contains("`rocket`") && p.message.contains("lantern"),
        "{}",
        p.message
    );
    let p = find(&ps, MANIFEST, Some("sections[0] \"s1\""), Some("color"));
    assert!(p.message.contains("#RRGGBB"), "{}", p.message);
    let ps = problems_after(|m| m["sections"][0]["color"] = json!("red"));
    find(&ps, MANIFEST, Some("sections[0] \"s1\""), Some("color"));
}

#[test]
fn one_section_at_most_shows_the_wish_wall() {
    // The demo's 微心愿 section is the one; the flag is omitted where false.
    let c = &demo().content;
    let walls: Vec<&str> = c
        .sections
        .iter()
        .filter(|s| s.wish_wall)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(walls, ["micro-wishes"]);
    let plain = serde_json::to_value(&c.sections[0]).expect("serialise a section");
    assert!(plain.get("wish_wall").is_none(), "{plain}");
    let wall = c.sections.iter().find(|s| s.wish_wall).expect("the wall");
    assert_eq!(
        serde_json::to_value(wall).expect("serialise")["wish_wall"],
        json!(true)
    );

    let ps = problems_after(|m| {
        let mut second = m["sections"][0].clone();
        second["id"] = json!("s2");
        second["order"] = json!(2);
        m["sections"][0]["wish_wall"] = json!(true);
        second["wish_wall"] = json!(true);
        m["sections"].as_array_mut().expect("sections").push(second);
    });
    let p = find(&ps, MANIFEST, Some("sections[1] \"s2\""), Some("wish_wall"));
    assert!(p.message.contains("`s1`"), "{}", p.message);
    assert_eq!(ps.len(), 1, "{ps:?}");
}

#[test]
fn image_paths_must_stay_inside_the_bundle() {
    for bad in [
        "../secret.png",
        "/etc/passwd",
        "images/../../x.png",
        "images\\a.png",
        "",
    ] {
        let ps = problems_after(|m| m["articles"][0]["images"][0]["file"] = json!(bad));
        let p = find(
            &ps,
            MANIFEST,
            Some("articles[0] \"a1\""),
            Some("images[0].file"),
        );
        assert!(p.message.contains("relative path"), "{bad}: {}", p.message);
    }
}

#[test]
fn missing_image_file_is_reported() {
    let mut f = files(&minimal());
    f.remove("images/station.png");
    let ps = problems(&f);
    let p = find(
        &ps,
        "images/station.png",
        Some("stations[0] \"st1\""),
        Some("image.file"),
    );
    assert!(p.message.contains("cannot read the image"), "{}", p.message);
}

#[test]
fn broken_images_are_reported_against_the_image_file() {
    let record = Some("articles[0] \"a1\"");
    let field = Some("images[0].file");

    let mut f = files(&minimal());
    let whole = png(256, 256, true);
    f.insert("images/a.png".into(), whole[..whole.len() / 2].to_vec());
    let ps = problems(&f);
    let p = find(&ps, "images/a.png", record, field);
    assert!(
        p.message.contains("decode") || p.message.contains("readable"),
        "{}",
        p.message
    );

    let mut f = files(&minimal());
    f.insert(
        "images/a.png".into(),
        b"<html>not a picture</html>".to_vec(),
    );
    let p = find(&problems(&f), "images/a.png", record, field).clone();
    assert!(p.message.contains("not a PNG or JPEG"), "{}", p.message);

    let mut f = files(&minimal());
    f.insert("images/a.png".into(), png(MAX_IMAGE_SIDE + 1, 16, false));
    let p = find(&problems(&f), "images/a.png", record, field).clone();
    assert!(p.message.contains("4096"), "{}", p.message);

    let mut f = files(&minimal());
    f.insert("images/a.png".into(), png(8, 8, false));
    let p = find(&problems(&f), "images/a.png", record, field).clone();
    assert!(p.message.contains("at least"), "{}", p.message);
}

#[test]
fn unsupported_format_is_reported() {
    let ps = problems_after(|m| m["format"] = json!(2));
    let p = find(&ps, MANIFEST, None, Some("format"));
    assert!(p.message.contains("format 2"), "{}", p.message);
}

#[test]
fn bad_timezone_and_zero_capacity_are_reported() {
    let ps = problems_after(|m| {
        m["district"]["timezone"] = json!("Asia/Dalian");
        m["rooms"][0]["capacity"] = json!(0);
        m["articles"][0]["link"] = json!("ftp://example.org");
        m["events"][1]["link"] = json!("javascript:alert(1)");
    });
    find(&ps, MANIFEST, Some("district"), Some("timezone"));
    find(&ps, MANIFEST, Some("rooms[0] \"r1\""), Some("capacity"));
    find(&ps, MANIFEST, Some("articles[0] \"a1\""), Some("link"));
    find(&ps, MANIFEST, Some("events[1] \"e2\""), Some("link"));
}

#[test]
fn an_event_link_is_kept() {
    let mut m = minimal();
    m["events"][0]["link"] = json!("https://example.org/reading-hour");
    let bundle = Bundle::load(&files(&m)).expect("valid");
    assert_eq!(
        bundle.content.events[0].link.as_deref(),
        Some("https://example.org/reading-hour")
    );
}

#[test]
fn malformed_json_names_line_column_and_path() {
    // A value of the wrong type: the JSON path says where.
    let mut m = minimal();
    m["articles"][0]["order"] = json!("first");
    let text = serde_json::to_string_pretty(&m).expect("json");
    let line = text
        .lines()
        .position(|l| l.contains("\"first\""))
        .expect("line")
        + 1;
    let mut f = files(&minimal());
    f.insert(MANIFEST.into(), text.into_bytes());
    match Bundle::load(&f) {
        Err(BundleError::Manifest {
            file,
            path,
            line: l,
            column,
            ..
        }) => {
            assert_eq!(file, MANIFEST);
            assert_eq!(path, "articles[0].order");
            assert_eq!(l, line);
            assert!(column > 1);
        }
        other => panic!("expected a manifest error, got {other:?}"),
    }

    // A syntax error: a missing comma on a known line.
    let text = serde_json::to_string_pretty(&minimal()).expect("json");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"timezone\""))
        .expect("timezone line");
    // The line before `timezone` ends with a comma; drop it.
    lines[at - 1] = lines[at - 1].trim_end_matches(',').to_string();
    let mut f = files(&minimal());
    f.insert(MANIFEST.into(), lines.join("\n").into_bytes());
    let err = Bundle::load(&f).expect_err("missing comma");
    match &err {
        BundleError::Manifest { line, path, .. } => {
            assert_eq!(*line, at + 1, "error on the line after the missing comma");
            assert!(path.starts_with("district"), "{path}");
        }
        other => panic!("expected a manifest error, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("bundle.json") && shown.contains(&format!("line {}", at + 1)),
        "{shown}"
    );
    let ps = err.problems();
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].file, MANIFEST);
}

#[test]
fn missing_manifest_is_a_read_error() {
    let mut f = files(&minimal());
    f.remove(MANIFEST);
    match Bundle::load(&f) {
        Err(BundleError::Read { file, .. }) => assert_eq!(file, MANIFEST),
        other => panic!("expected a read error, got {other:?}"),
    }
}

#[test]
fn several_problems_are_reported_at_once() {
    let mut m = minimal();
    m["articles"][0]["summary"]["en"] = json!("");
    m["sections"][0]["icon"] = json!("rocket");
    m["events"][0]["room"] = json!("r2");
    m["events"][1]["end"] = json!("2026-11-24T12:00:00");
    m["articles"][0]["images"][0]["file"] = json!("../a.png");
    let mut f = files(&m);
    f.insert("images/station.png".into(), b"GIF89a".to_vec());
    let ps = problems(&f);
    assert_eq!(ps.len(), 6, "{ps:#?}");
    find(
        &ps,
        MANIFEST,
        Some("articles[0] \"a1\""),
        Some("summary.en"),
    );
    find(&ps, MANIFEST, Some("sections[0] \"s1\""), Some("icon"));
    find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("room"));
    find(&ps, MANIFEST, Some("events[1] \"e2\""), Some("end"));
    find(
        &ps,
        MANIFEST,
        Some("articles[0] \"a1\""),
        Some("images[0].file"),
    );
    find(
        &ps,
        "images/station.png",
        Some("stations[0] \"st1\""),
        Some("image.file"),
    );
    // What a person reads lists every one of them, located.
    let shown = BundleError::Invalid(ps).to_string();
    assert!(shown.starts_with("the bundle has 6 problem(s)"), "{shown}");
    assert!(
        shown.contains("bundle.json: sections[0] \"s1\": field `icon`: `rocket`"),
        "{shown}"
    );
}

#[test]
fn bundle_in_a_folder_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files(&minimal()) {
        let target = dir.path().join(&path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, bytes).expect("write");
    }
    let source = folder(dir.path().to_path_buf());
    let bundle = Bundle::load(&source).expect("valid folder bundle");
    assert_eq!(bundle.content.events.len(), 2);

    std::fs::remove_file(dir.path().join("images/a.png")).expect("remove");
    let err = Bundle::load(&source).expect_err("image missing on disk");
    let ps = err.problems();
    let p = find(
        &ps,
        "images/a.png",
        Some("articles[0] \"a1\""),
        Some("images[0].file"),
    );
    assert!(p.message.contains("cannot read the image"), "{}", p.message);
}

#[test]
fn the_example_in_docs_bundle_md_is_valid() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/BUNDLE.md"))
            .expect("docs/BUNDLE.md");
    let example = doc
        .split("```json\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("\"format\""))
        .expect("a complete bundle.json example");
    let mut f = BTreeMap::new();
    f.insert(MANIFEST.to_string(), example.as_bytes().to_vec());
    // The example's pictures are the demo bundle's.
    let v: Value = serde_json::from_str(example).expect("the example is JSON");
    let pictures = v["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|a| a["images"].as_array().into_iter().flatten())
        .chain(
            v["stations"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| &s["image"]),
        )
        .filter_map(|img| img["file"].as_str());
    for file in pictures {
        let bytes = std::fs::read(demo_dir().join(file)).expect("demo image");
        f.insert(file.to_string(), bytes);
    }
    let bundle =
        Bundle::load(&f).unwrap_or_else(|e| panic!("the documented example must load: {e}"));
    assert_eq!(bundle.content.sections.len(), 1);
    assert_eq!(bundle.content.events.len(), 1);
}

#[test]
fn misspelt_fields_are_errors_not_silently_dropped() {
    let mut m = minimal();
    m["articles"][0]["expires_at"] = json!("2027-01-01T00:00:00+08:00");
    let err = Bundle::load(&files(&m)).expect_err("unknown field");
    match err {
        BundleError::Manifest { path, message, .. } => {
            assert_eq!(path, "articles[0].expires_at");
            assert!(message.contains("unknown field `expires_at`"), "{message}");
        }
        other => panic!("expected a manifest error, got {other}"),
    }
}

#[test]
fn another_format_is_named_before_its_shape_is_parsed() {
    let m = json!({"format": 2, "content": {"anything": "else"}});
    let err = Bundle::load(&files(&m)).expect_err("format 2");
    let ps = err.problems();
    let p = find(&ps, MANIFEST, None, Some("format"));
    assert!(
        p.message.contains("format 2 is not supported"),
        "{}",
        p.message
    );
}

#[test]
fn district_id_station_alt_and_event_scope_are_checked() {
    let ps = problems_after(|m| {
        m["district"]["id"] = json!("Bad Id");
        m["stations"][0]["image"]["alt"]["en"] = json!("");
        // Event e1 takes place at st1 but would be shown only at st2's kiosks.
        m["events"][0]["scope"] = json!("st2");
    });
    find(&ps, MANIFEST, Some("district"), Some("id"));
    find(
        &ps,
        MANIFEST,
        Some("stations[0] \"st1\""),
        Some("image.alt.en"),
    );
    let p = find(&ps, MANIFEST, Some("events[0] \"e1\""), Some("scope"));
    assert!(p.message.contains("own station `st1`"), "{}", p.message);
}

#[test]
fn the_huanglong_bundle_is_another_district_with_its_own_brand() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/huanglong");
    let bundle =
        Bundle::load(&folder(dir)).unwrap_or_else(|e| panic!("the Huanglong bundle loads: {e}"));
    let d = &bundle.content.district;
    assert_eq!(d.id, "huanglong");
    assert_eq!(d.brand.kiosk_name.zh, "共·黄龙");
    assert_ne!(d.brand.accent, demo().content.district.brand.accent);
    assert_eq!(bundle.content.stations.len(), 3);
    assert!(bundle.content.sections.iter().any(|s| s.wish_wall));
}

// ---------------------------------------------------------------- sections' own icons

const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path d="M8 40h32L24 8z" fill="#fff"/></svg>"##;

#[test]
fn a_section_icon_file_is_checked_and_named_by_its_hash() {
    let mut m = minimal();
    m["sections"][0]["icon_file"] = json!("icons/tea.svg");
    let mut f = files(&m);
    f.insert("icons/tea.svg".into(), ICON_SVG.as_bytes().to_vec());
    let bundle = Bundle::load(&f).expect("a bundle with a section icon is valid");
    let section = &bundle.content.sections[0];
    let icon = section.icon_file.as_ref().expect("the icon is kept");
    assert_eq!(icon.format, protocol::IconFormat::Svg);
    assert_eq!(
        icon.sha256,
        protocol::content::sha256_hex(ICON_SVG.as_bytes())
    );
    assert_eq!(bundle.blobs[&icon.sha256].bytes, ICON_SVG.as_bytes());
    assert_eq!(
        section.icon, "city",
        "the built-in drawing stays as the fallback"
    );
    let record = protocol::Record::Section(section.clone());
    assert_eq!(record.blobs(), [icon.sha256.as_str()]);
    // The canonical form carries the reference, and a record without one has no field.
    let json = record.to_json();
    assert_eq!(json["icon_file"]["format"], "svg");
    let plain = minimal();
    let plain = Bundle::load(&files(&plain)).expect("valid");
    assert!(
        protocol::Record::Section(plain.content.sections[0].clone())
            .to_json()
            .get("icon_file")
            .is_none()
    );
}

#[test]
fn a_refused_section_icon_is_a_typed_problem_at_its_file() {
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "icons/bad.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>"#.to_vec(),
            "icon-forbidden-element",
        ),
        (
            "icons/bad.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>"#
                .to_vec(),
            "icon-external-reference",
        ),
        ("icons/bad.png", png(8, 8, false), "icon-bad-side"),
        ("icons/bad.gif", b"GIF89a....".to_vec(), "icon-not-svg-or-png"),
    ];
    for (file, bytes, code) in cases {
        let mut m = minimal();
        m["sections"][0]["icon_file"] = json!(file);
        let mut f = files(&m);
        f.insert(file.into(), bytes);
        let ps = problems(&f);
        let p = find(&ps, file, Some("sections[0] \"s1\""), Some("icon_file"));
        assert_eq!(p.issue.code(), code, "{p}");
    }
    // Missing, and outside the bundle.
    let ps = problems_after(|m| m["sections"][0]["icon_file"] = json!("icons/none.svg"));
    let p = find(
        &ps,
        "icons/none.svg",
        Some("sections[0] \"s1\""),
        Some("icon_file"),
    );
    assert_eq!(p.issue.code(), "image-missing");
    let ps = problems_after(|m| m["sections"][0]["icon_file"] = json!("../up.svg"));
    let p = find(&ps, MANIFEST, Some("sections[0] \"s1\""), Some("icon_file"));
    assert_eq!(p.issue.code(), "not-relative-path");
}
