//! Renders the visitors' screens (the 微心愿 wall, the three forms with the keyboard open in
//! English and in 拼音 with candidates, a field error, the confirmations, an event's details
//! with its sign-up button, a sign-up the district confirmed with the seats left and one it
//! answered "full", both from the real district server on 127.0.0.1) in both languages, in a child process whose fontconfig knows only
//! the embedded font, so a character the kiosk cannot draw would show as blank space; each
//! picture's heading area is checked for ink. `FORMS_SCREENSHOTS=docs/screenshots` writes the
//! pictures there (how `docs/screenshots/forms-*.png` are made); otherwise to a temp folder.
//!
//! The wall's wishes are written into the cache as a sync page from the district server would
//! (`apply_synced`): they are examples, as the demo bundle carries no wishes.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use lobby_kiosk::app::App;
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::input::rime::RimeSettings;
use lobby_kiosk::store::{ContentStore, Op};
use lobby_kiosk::submitter::Submitter;
use lobby_kiosk::ui;
use lobby_kiosk::view::{FormKind, Screen};
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::{Record, Wish, WishStatus};
use protocol::text::Lang;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, Model};

const NAMES: [&str; 16] = [
    "wall",
    "wish-form-english",
    "wish-form-pinyin",
    "claim-form",
    "signup-form",
    "field-error",
    "wish-received",
    "signup-by-phone",
    "signup-confirmed",
    "signup-full",
    "event-detail",
    "wall",
    "claim-form",
    "signup-form",
    "field-error",
    "wish-received",
];

#[test]
fn the_forms_render_in_both_languages_with_the_embedded_font_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = match std::env::var_os("FORMS_SCREENSHOTS") {
        Some(out) => PathBuf::from(out),
        None => dir.path().join("pictures"),
    };
    std::fs::create_dir_all(&out).expect("mkdir");
    let fonts = dir.path().join("fonts");
    std::fs::create_dir_all(&fonts).expect("mkdir");
    std::fs::write(
        fonts.join("wqy-microhei.ttc"),
        lobby_kiosk::fonts::EMBEDDED_FONT,
    )
    .expect("font");
    let conf = fonts.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<fontconfig>\n  <dir>{0}</dir>\n  <cachedir>{0}/cache</cachedir>\n</fontconfig>\n",
            fonts.display()
        ),
    )
    .expect("fonts.conf");
    for lang in ["zh", "en"] {
        let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "render_form_screens", "--ignored", "--nocapture"])
            .env("FONTCONFIG_FILE", &conf)
            .env("FORMS_RENDER_TO", &out)
            .env("FORMS_RENDER_LANG", lang)
            .env("FORMS_DATA_DIR", dir.path().join(lang))
            .status()
            .expect("child runs");
        assert!(status.success(), "rendering in {lang} failed");
    }
    let mut seen = 0;
    for lang in ["zh", "en"] {
        for name in NAMES {
            let path = out.join(format!("forms-{name}-{lang}.png"));
            if !path.exists() {
                continue;
            }
            seen += 1;
            let img = image::open(&path).expect("a PNG").to_rgb8();
            assert_eq!((img.width(), img.height()), (1080, 1920), "{name}");
            // The page's heading, under the status band: pixels far from the band's most common
            // colour (the background, white or the section's colour) are the text's ink.
            // The event's details: the title on the card over the dimmed schedule.
            let rows = if name == "event-detail" {
                650..740
            } else {
                130..260
            };
            let region: Vec<[u8; 3]> = (40..1040)
                .flat_map(|x| rows.clone().map(move |y| (x, y)))
                .map(|(x, y)| img.get_pixel(x, y).0)
                .collect();
            let mut counts = std::collections::HashMap::new();
            for p in &region {
                *counts.entry(*p).or_insert(0) += 1;
            }
            let background = counts
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(p, _)| p)
                .unwrap_or_default();
            let ink = region
                .iter()
                .filter(|p| {
                    p.iter()
                        .zip(background)
                        .map(|(a, b)| (i32::from(*a) - i32::from(b)).abs())
                        .sum::<i32>()
                        > 200
                })
                .count();
            assert!(ink > 200, "{name} {lang}: the heading draws no ink ({ink})");
        }
    }
    assert!(seen >= 20, "only {seen} pictures");
    for lang in ["zh", "en"] {
        let path = out.join(format!("forms-signup-form-landscape-{lang}.png"));
        let img = image::open(&path).expect("a PNG").to_rgb8();
        assert_eq!((img.width(), img.height()), (1920, 1080), "{lang}");
    }
}

fn wish(id: &str, text: &str, lang: Lang, name: Option<&str>, status: WishStatus, at: &str) -> Op {
    Op::Put(Record::Wish(Wish {
        id: id.into(),
        text: text.into(),
        lang,
        display_name: name.map(str::to_string),
        status,
        created_at: DateTime::parse_from_rfc3339(at).expect("time"),
        scope: None,
    }))
}

fn settle(app: &App, what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    loop {
        app.process_events();
        if done() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "waited in vain for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A finger on `element`: press and release at its centre (the headless platform has no mock
/// time for `mock_single_click`).
fn click(app: &App, element: &ElementHandle) {
    let (p, size) = (element.absolute_position(), element.size());
    let position = slint::LogicalPosition::new(p.x + size.width / 2.0, p.y + size.height / 2.0);
    let window = app.window().window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    window.dispatch_event(WindowEvent::PointerExited);
}

fn key(app: &App, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app.window(), label)
        .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .collect();
    assert_eq!(found.len(), 1, "one button labelled {label:?}");
    click(app, &found[0]);
}

fn focus(app: &App, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app.window(), label)
        .filter(|e| e.accessible_role() == Some(AccessibleRole::TextInput))
        .collect();
    assert_eq!(found.len(), 1, "one field labelled {label:?}");
    click(app, &found[0]);
}

/// The child of the test above (needs its environment).
#[test]
#[ignore = "run by the_forms_render_in_both_languages_with_the_embedded_font_only"]
fn render_form_screens() {
    let (Some(out), Some(lang), Some(data)) = (
        std::env::var_os("FORMS_RENDER_TO"),
        std::env::var("FORMS_RENDER_LANG").ok(),
        std::env::var_os("FORMS_DATA_DIR"),
    ) else {
        panic!("run through the_forms_render_in_both_languages_with_the_embedded_font_only");
    };
    let (out, data) = (Path::new(&out), Path::new(&data));
    let lang: Lang = lang.parse().expect("zh or en");
    let window = lobby_kiosk::headless::install(1080, 1920).expect("headless");
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(data, loc.clone()).expect("cache");
    let mut store = ContentStore::open(data).expect("cache");
    store
        .apply_synced(
            &[
                wish(
                    "w1",
                    "希望有人能陪我妈妈每周去一次医院复查，她腿脚不方便。",
                    Lang::Zh,
                    Some("李女士"),
                    WishStatus::Approved,
                    "2026-11-21T09:30:00+08:00",
                ),
                wish(
                    "w2",
                    "Looking for a Chinese conversation partner, I can teach English in return 🙂",
                    Lang::En,
                    Some("Tom W."),
                    WishStatus::Claimed,
                    "2026-11-18T12:00:00+08:00",
                ),
                wish(
                    "w3",
                    "想给楼里的孩子们办一个周末读书角。",
                    Lang::Zh,
                    None,
                    WishStatus::Fulfilled,
                    "2026-11-02T16:00:00+08:00",
                ),
            ],
            1,
            &[],
        )
        .expect("wishes");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        lang,
    )
    .expect("window");
    app.attach_outbox(Submitter::spawn(data.to_path_buf()).expect("outbox"));
    app.start_keyboard(RimeSettings::for_data_dir(data))
        .expect("engine");
    app.window().show().expect("shows");
    let form = app.window().global::<ui::FormAdapter>();
    let kb = app.window().global::<ui::KeyboardAdapter>();
    let shoot = |name: &str| {
        app.process_events();
        let path = out.join(format!("forms-{name}-{}.png", lang.code()));
        lobby_kiosk::headless::write_png(&window, &path).expect("PNG");
        println!("rendered {}", path.display());
    };
    let zh = lang == Lang::Zh;

    app.navigate(Screen::Section("micro-wishes".into()));
    shoot("wall");

    // The wish form, typing on the keyboard in the UI language's layout.
    key(&app, if zh { "许个心愿" } else { "Make a wish" });
    focus(&app, if zh { "您的心愿" } else { "Your wish" });
    if zh {
        settle(&app, "the pinyin layout", || {
            kb.get_active_mode() == ui::KeyboardMode::Pinyin
                || kb.get_chinese() == ui::ChineseState::Unavailable
        });
        if kb.get_active_mode() == ui::KeyboardMode::Pinyin {
            for letter in "xiwangyouren".chars() {
                key(&app, &letter.to_string());
            }
            settle(&app, "candidates", || kb.get_candidates().row_count() > 0);
            shoot("wish-form-pinyin");
        }
    } else {
        settle(&app, "the English layout", || {
            kb.get_active_mode() == ui::KeyboardMode::English
        });
        for k in [
            "A", "space", "b", "o", "o", "k", "space", "c", "l", "u", "b",
        ] {
            if k == "A" {
                key(&app, "Shift");
                key(&app, "a");
            } else {
                key(&app, k);
            }
        }
        settle(&app, "typed text", || form.get_first() == "A book club");
        shoot("wish-form-english");
    }
    // The confirmation.
    form.set_first(
        if zh {
            "希望楼里有一个读书角"
        } else {
            "A book club for the building"
        }
        .into(),
    );
    form.invoke_edited(0);
    form.invoke_submit();
    settle(&app, "received", || form.get_stage() == ui::FormStage::Done);
    shoot("wish-received");

    // The claim form for the first wish.
    app.navigate(Screen::Form(FormKind::Claim("w1".into())));
    form.set_first(
        if zh {
            "大连海港科技"
        } else {
            "Harbour Tech Ltd"
        }
        .into(),
    );
    form.set_second("0411-8888 1234".into());
    shoot("claim-form");

    // An event's details with the sign-up button, then its form.
    app.navigate(Screen::schedule());
    app.window()
        .global::<ui::ScheduleAdapter>()
        .invoke_open_event("social-insurance-qa@2026-11-24T14:00".into());
    shoot("event-detail");
    key(&app, if zh { "我要报名" } else { "Sign up" });
    key(
        &app,
        if zh {
            "增加一人"
        } else {
            "One person more"
        },
    );
    form.set_first(if zh { "王芳" } else { "Wang Fang" }.into());
    form.set_second("+86 138 0013 8000".into());
    shoot("signup-form");
    // On a landscape screen, the contact field tapped: it scrolls into sight above the keyboard.
    window.set_size(slint::PhysicalSize::new(1920, 1080));
    app.process_events();
    focus(
        &app,
        if zh {
            "电话或电子邮箱"
        } else {
            "Phone or e-mail"
        },
    );
    slint::platform::update_timers_and_animations();
    shoot("signup-form-landscape");
    key(&app, if zh { "收起键盘" } else { "Hide keyboard" });
    slint::platform::update_timers_and_animations();
    window.set_size(slint::PhysicalSize::new(1080, 1920));
    app.process_events();
    // A field error.
    form.set_second("12345".into());
    form.invoke_submit();
    shoot("field-error");
    // Offline: staff will call.
    form.set_second("138 0013 8000".into());
    form.invoke_edited(1);
    form.invoke_submit();
    settle(&app, "received", || form.get_stage() == ui::FormStage::Done);
    shoot("signup-by-phone");

    // The district's answers, from the real district server on 127.0.0.1: an event of 3 seats.
    let server = support::Server::start();
    let token = server.kiosk("lobby-1");
    let other = server.kiosk("lobby-2");
    let mut bundle = support::generated(0, 0, 1, 1);
    let event = bundle
        .content
        .events
        .iter_mut()
        .find(|e| e.id == "gen-event-000")
        .expect("a one-off event");
    event.capacity = Some(3);
    event.title = protocol::text::Text::new(
        "英语角：和外国朋友聊聊大连",
        "English corner: talk about Dalian",
    );
    let event = event.clone();
    server.push(&bundle);
    let settings = lobby_kiosk::sync::Settings {
        poll: Duration::from_secs(3600),
        ..support::Server::settings(&server.base, &token)
    };
    app.attach_sync(
        lobby_kiosk::sync::schedule::spawn(data.to_path_buf(), settings, app.handle())
            .expect("sync thread"),
    );
    // Online once the first cycle ended (an offline kiosk says "staff will confirm by phone"
    // at once).
    settle(&app, "the first sync", || {
        support::cache_state(data).cursor == server.head()
            && app.window().global::<ui::Status>().get_online()
    });
    let open_signup = || {
        app.navigate(Screen::Home);
        app.navigate(Screen::Form(FormKind::Signup {
            event: event.id.clone(),
            start: event.start,
        }));
        form.set_first(if zh { "王芳" } else { "Wang Fang" }.into());
        form.set_second("138 0013 8000".into());
        form.invoke_edited(1);
    };

    // Two of the three seats: confirmed, and the seats left as the feed has them after it.
    open_signup();
    assert_eq!(form.get_max_party(), 3);
    key(
        &app,
        if zh {
            "增加一人"
        } else {
            "One person more"
        },
    );
    form.invoke_submit();
    let (confirmed, left) = if zh {
        ("报名成功：2 个名额", "剩余 1 个名额")
    } else {
        ("Confirmed: 2 seats", "1 seat left")
    };
    settle(
        &app,
        "the district's confirmation with the seats left",
        || form.get_result_title() == confirmed && form.get_result_body().ends_with(left),
    );
    assert!(form.get_result_good());
    shoot("signup-confirmed");

    // Another kiosk takes the last seat before this one hears of it: "full", truthfully.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let outbox = lobby_kiosk::store::Outbox::open(elsewhere.path()).expect("outbox");
    support::queue_signup(&outbox, &event.id, "李雷", 1);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut syncer = lobby_kiosk::sync::Syncer::open(
        elsewhere.path(),
        support::Server::settings(&server.base, &other),
    )
    .expect("syncer");
    rt.block_on(syncer.cycle()).expect("the other kiosk syncs");
    open_signup();
    assert_eq!(
        form.get_max_party(),
        1,
        "this kiosk still counts 1 seat left"
    );
    form.invoke_submit();
    let full = if zh {
        "抱歉，活动名额已满"
    } else {
        "Sorry, the event is full"
    };
    settle(&app, "the district's answer: full", || {
        form.get_result_title() == full
    });
    assert!(!form.get_result_good());
    shoot("signup-full");
    drop(app);
}
