//! The visitors' forms through the real Slint UI (`i-slint-backend-testing`), with the real
//! outbox thread and `outbox.db` on disk: a wish typed on the on-screen keyboard in pinyin (the
//! real librime) is queued exactly once though "submit" is tapped twice; field errors are said
//! next to their fields in Chinese and in English (also characters the screens cannot draw, which
//! are not queued); a sign-up with a phone number written with
//! spaces and +86 is queued normalised and, offline, the visitor is told staff will confirm by
//! phone; the idle warning keeps a half-filled form on a tap and the reset wipes it (and the
//! pinyin engine's composition) without one. A double tap queues one item for each of the
//! three forms; the reset also wipes pinyin typed on the real keyboard, in librime and on disk.
//!
//! Without librime the pinyin test types English and prints a notice, unless
//! `LOBBY_REQUIRE_RIME=1` makes that a failure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use lobby_kiosk::app::App;
use lobby_kiosk::app::idle::{IdleTimes, Ticks};
use lobby_kiosk::clock::{Clock, DEFAULT_TZ};
use lobby_kiosk::i18n::Localizer;
use lobby_kiosk::input::rime::{Rime, RimeSettings};
use lobby_kiosk::store::{ContentStore, Op, Outbox};
use lobby_kiosk::submitter::Submitter;
use lobby_kiosk::ui;
use lobby_kiosk::view::{FormKind, Screen};
use lobby_kiosk::worker::{ContentSource, Worker};
use protocol::content::{Record, Wish, WishStatus};
use protocol::text::Lang;
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

/// A kiosk on the demo content at 10:00 on Tuesday 24 November 2026, in `lang`, with its real
/// outbox thread; offline (no sync attached).
fn kiosk(dir: &std::path::Path, lang: Lang) -> App {
    i_slint_backend_testing::init_no_event_loop();
    let loc = Arc::new(Localizer::new().expect("locales"));
    let worker = Worker::open(dir, loc.clone()).expect("cache");
    let at = NaiveDateTime::parse_from_str("2026-11-24T10:00", "%Y-%m-%dT%H:%M").expect("time");
    let app = App::new(
        ContentSource::inline(worker),
        loc,
        Clock::fixed(DEFAULT_TZ, at),
        lang,
    )
    .expect("window");
    app.window()
        .window()
        .set_size(slint::LogicalSize::new(1080.0, 1920.0));
    app.window().show().expect("shows");
    app.attach_outbox(Submitter::spawn(dir.to_path_buf()).expect("outbox thread"));
    app
}

/// Handles what other threads sent until `done` holds (the engine and the outbox answer on
/// their own threads).
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

fn find(app: &App, label: &str, role: AccessibleRole) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(app.window(), label)
        .filter(|e| e.accessible_role() == Some(role))
        .collect()
}

/// A finger on the element labelled `label` (a key, a button, a field).
fn tap(app: &App, label: &str, role: AccessibleRole) {
    let found = find(app, label, role);
    assert_eq!(found.len(), 1, "one {role:?} labelled {label:?}");
    found[0].mock_single_click(PointerEventButton::Left);
}

fn key(app: &App, label: &str) {
    tap(app, label, AccessibleRole::Button);
}

fn shows(app: &App, text: &str) -> bool {
    ElementHandle::find_by_accessible_label(app.window(), text)
        .next()
        .is_some()
}

fn pending(dir: &std::path::Path) -> Vec<lobby_kiosk::store::outbox::Item> {
    Outbox::open(dir)
        .expect("outbox")
        .pending(100)
        .expect("pending")
}

fn rime_available(dir: &std::path::Path) -> bool {
    // librime is process-wide: this probe is shut down before the kiosk starts its own.
    match Rime::start(RimeSettings::for_data_dir(&dir.join("probe"))) {
        Ok(_) => true,
        Err(e) if std::env::var("LOBBY_REQUIRE_RIME").is_ok_and(|v| v == "1") => {
            panic!("LOBBY_REQUIRE_RIME=1 but the pinyin engine did not load: {e}")
        }
        Err(e) => {
            eprintln!("NOTICE: librime is not available here ({e}); typing English instead");
            false
        }
    }
}

/// `kiosk run` loads the pinyin engine on demand: not while visitors read, but as soon as a
/// form opens, so it is ready for the first tap; the form then types as always.
#[test]
fn the_pinyin_engine_loads_when_a_form_opens_not_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pinyin = rime_available(dir.path());
    let app = kiosk(dir.path(), Lang::Zh);
    app.start_keyboard(RimeSettings {
        on_demand: true,
        ..RimeSettings::for_data_dir(dir.path())
    })
    .expect("engine thread");
    let keyboard = app.window().global::<ui::KeyboardAdapter>();
    // Reading: sections, an article, the language switched and back. No engine.
    app.navigate(Screen::Section("micro-wishes".into()));
    app.navigate(Screen::Section("folk-culture".into()));
    app.set_lang(Lang::En);
    app.set_lang(Lang::Zh);
    app.navigate(Screen::Section("micro-wishes".into()));
    let waited = Instant::now();
    while waited.elapsed() < std::time::Duration::from_millis(500) {
        app.process_events();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        keyboard.get_chinese(),
        ui::ChineseState::Starting,
        "no engine while visitors only read"
    );
    assert!(
        !std::path::Path::new(&dir.path().join("rime")).exists(),
        "librime has not even made its user folder"
    );

    key(&app, "许个心愿");
    assert_eq!(app.current(), Screen::Form(FormKind::Wish));
    settle(&app, "the engine started by the form", || {
        keyboard.get_chinese() != ui::ChineseState::Starting
    });
    let expected = if pinyin {
        ui::ChineseState::Ready
    } else {
        ui::ChineseState::Unavailable
    };
    assert_eq!(keyboard.get_chinese(), expected);
    tap(&app, "您的心愿", AccessibleRole::TextInput);
    let form = app.window().global::<ui::FormAdapter>();
    if pinyin {
        settle(&app, "the pinyin layout", || {
            keyboard.get_active_mode() == ui::KeyboardMode::Pinyin
        });
        for letter in ["w", "e", "i", "x", "i", "n"] {
            key(&app, letter);
        }
        settle(&app, "微信 among the candidates", || {
            keyboard.get_candidates().iter().any(|c| c == "微信")
        });
        key(&app, "微信");
        settle(&app, "微信 in the field", || form.get_first() == "微信");
    } else {
        for letter in ["h", "i"] {
            key(&app, letter);
        }
        settle(&app, "the letters in the field", || {
            form.get_first() == "hi"
        });
    }
}

#[test]
fn a_wish_typed_in_pinyin_is_queued_once_though_submit_is_tapped_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pinyin = rime_available(dir.path());
    let app = kiosk(dir.path(), Lang::Zh);
    app.start_keyboard(RimeSettings::for_data_dir(dir.path()))
        .expect("engine thread");
    let keyboard = app.window().global::<ui::KeyboardAdapter>();
    let form = app.window().global::<ui::FormAdapter>();

    // From the wall: "make a wish".
    app.navigate(Screen::Section("micro-wishes".into()));
    assert!(shows(&app, "许个心愿"));
    key(&app, "许个心愿");
    assert_eq!(app.current(), Screen::Form(FormKind::Wish));
    let id = app
        .open_form_id()
        .expect("the form took its id when it opened");
    assert!(!app.window().get_keyboard_shown(), "no keyboard yet");

    tap(&app, "您的心愿", AccessibleRole::TextInput);
    assert!(
        app.window().get_keyboard_shown(),
        "the keyboard shows for the focused field"
    );
    let expected = if pinyin {
        settle(&app, "the pinyin layout (the UI is Chinese)", || {
            keyboard.get_active_mode() == ui::KeyboardMode::Pinyin
        });
        for letter in ["w", "e", "i", "x", "i", "n"] {
            key(&app, letter);
        }
        settle(&app, "微信 among the candidates", || {
            keyboard.get_candidates().iter().any(|c| c == "微信")
        });
        assert_eq!(form.get_first(), "", "the pinyin stays out of the field");
        key(&app, "微信");
        settle(&app, "微信 in the field", || form.get_first() == "微信");
        "微信"
    } else {
        for letter in ["h", "i"] {
            key(&app, letter);
        }
        settle(&app, "the letters in the field", || {
            form.get_first() == "hi"
        });
        "hi"
    };
    assert_eq!(
        form.get_first_counter(),
        format!("{} / 200", expected.chars().count())
    );

    // A double tap: the second lands while the first is being saved.
    let submit = find(&app, "提交", AccessibleRole::Button);
    assert_eq!(submit.len(), 1);
    submit[0].invoke_accessible_default_action();
    submit[0].invoke_accessible_default_action();
    settle(&app, "the confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    assert_eq!(form.get_result_title(), "已收到，工作人员将进行审核");
    // (The keyboard moves the focus in a change handler, which the event loop runs.)
    slint::platform::update_timers_and_animations();
    assert!(
        !app.window().get_keyboard_shown(),
        "the keyboard goes with the fields"
    );
    assert!(
        form.get_result_body().contains("还没有上墙"),
        "says it is not on the wall yet"
    );

    let items = pending(dir.path());
    assert_eq!(items.len(), 1, "one outbox item for two taps");
    assert_eq!(items[0].id, id);
    assert_eq!(items[0].kind, "wish");
    assert_eq!(items[0].payload["text"], expected);
    assert_eq!(items[0].payload["lang"], "zh");
    assert!(items[0].payload.get("display_name").is_none());

    // Done: back to the wall, where the wish is NOT (staff have not approved it).
    key(&app, "完成");
    assert_eq!(app.current(), Screen::Section("micro-wishes".into()));
    assert!(
        !shows(&app, expected),
        "not on the wall before staff approve it"
    );

    // A new form is a new submission.
    key(&app, "许个心愿");
    assert_ne!(app.open_form_id(), Some(id));
}

#[test]
fn field_errors_are_said_next_to_their_fields_in_the_visitors_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::Zh);
    let form = app.window().global::<ui::FormAdapter>();
    app.navigate(Screen::Form(FormKind::Wish));

    key(&app, "提交");
    assert_eq!(form.get_first_error(), "请填写此项。");
    assert!(shows(&app, "请填写此项。"), "shown on screen");
    assert_eq!(form.get_stage(), ui::FormStage::Editing);

    // The other language says the same error, from its code.
    app.set_lang(Lang::En);
    assert_eq!(form.get_first_error(), "Please fill this in.");
    assert!(shows(&app, "Please fill this in."));

    // Over-long: said while typing, against the counter.
    form.set_first("愿".repeat(201).into());
    form.invoke_edited(0);
    assert_eq!(form.get_first_counter(), "201 / 200");
    assert_eq!(form.get_first_error(), "Too long: at most 200 characters.");
    // An emoji the kiosk's fonts cannot draw would be blank on the wall: the field says so
    // while typing, and the wish is not queued until it is removed.
    form.set_first("Hope for an English 读书角 📚 in our building".into());
    form.invoke_edited(0);
    assert_eq!(
        form.get_first_error(),
        "One character (an emoji or a rare character) cannot be shown on the kiosk screens. Please remove it."
    );
    key(&app, "Send");
    assert_eq!(form.get_stage(), ui::FormStage::Editing);
    assert!(pending(dir.path()).is_empty(), "nothing queued");
    app.set_lang(Lang::Zh);
    assert!(
        form.get_first_error().starts_with("有 1 个字符"),
        "{}",
        form.get_first_error()
    );
    app.set_lang(Lang::En);
    // Mixed scripts are a person's words: accepted.
    form.set_first("Hope for an English 读书角 in our building".into());
    form.invoke_edited(0);
    assert_eq!(form.get_first_error(), "");
    form.set_second("L.W. 李".into());
    key(&app, "Send");
    settle(&app, "the confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    let items = pending(dir.path());
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].payload["text"],
        "Hope for an English 读书角 in our building"
    );
    assert_eq!(items[0].payload["display_name"], "L.W. 李");
    assert_eq!(items[0].payload["lang"], "en");
    assert!(pending(dir.path()).len() == 1, "nothing else queued");

    // A sign-up's contact: neither a phone nor an e-mail, in Chinese.
    app.set_lang(Lang::Zh);
    app.navigate(Screen::Form(
        FormKind::signup_of("social-insurance-qa@2026-11-24T14:00").expect("key"),
    ));
    form.set_first("王芳".into());
    form.set_second("12345".into());
    key(&app, "提交");
    assert_eq!(form.get_first_error(), "");
    assert!(
        form.get_second_error().starts_with("电话号码不完整"),
        "{}",
        form.get_second_error()
    );
    assert_eq!(
        pending(dir.path()).len(),
        1,
        "nothing queued for a refused form"
    );
}

#[test]
fn a_sign_up_offline_is_queued_normalised_and_the_visitor_hears_staff_will_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    let form = app.window().global::<ui::FormAdapter>();

    // From the event's details on the schedule.
    app.navigate(Screen::schedule());
    let schedule = app.window().global::<ui::ScheduleAdapter>();
    schedule.invoke_open_event("social-insurance-qa@2026-11-24T14:00".into());
    assert!(
        schedule.get_detail().can_sign_up,
        "open, in the future, seats left"
    );
    key(&app, "Sign up");
    assert!(matches!(
        app.current(),
        Screen::Form(FormKind::Signup { .. })
    ));
    assert_eq!(form.get_max_party(), 10, "30 seats, at most 10 a party");
    assert_eq!(form.get_seats(), "30 seats left");

    key(&app, "One person more");
    key(&app, "One person more");
    key(&app, "One person fewer");
    assert_eq!(form.get_party(), 2);
    form.set_first("Wang Fang".into());
    form.set_second("+86 138 0013 8000".into());
    key(&app, "Send");
    settle(&app, "the confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    assert_eq!(form.get_result_title(), "Sign-up received");
    assert!(
        form.get_result_body()
            .contains("confirm your place by phone"),
        "offline: no answer can come, and the screen says so: {}",
        form.get_result_body()
    );
    let items = pending(dir.path());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].kind, "signup");
    assert_eq!(items[0].payload["event"], "social-insurance-qa");
    assert_eq!(items[0].payload["party_size"], 2);
    assert_eq!(items[0].payload["contact"], "+8613800138000");
}

#[test]
fn the_idle_warning_keeps_a_half_filled_form_on_a_tap_and_the_reset_wipes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::Zh);
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    app.set_idle_times(IdleTimes {
        reset: Duration::from_secs(90),
        warning: Duration::from_secs(20),
        attract: None,
        slide: Duration::from_secs(8),
    });
    let wait = |secs: u64| {
        for _ in 0..secs {
            ticks.advance(Duration::from_secs(1));
            i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
        }
    };
    let form = app.window().global::<ui::FormAdapter>();
    let idle = app.window().global::<ui::Idle>();
    app.set_lang(Lang::En);
    app.navigate(Screen::Form(FormKind::Wish));
    form.set_first("A reading corner for chil".into());
    form.invoke_edited(0);

    wait(71);
    assert!(idle.get_warning(), "a half-filled form gets the warning");
    idle.invoke_still_here();
    assert!(!idle.get_warning());
    assert_eq!(
        form.get_first(),
        "A reading corner for chil",
        "the tap keeps it"
    );
    assert!(matches!(app.current(), Screen::Form(_)));

    wait(91);
    assert!(!idle.get_warning());
    assert_eq!(app.current(), Screen::Home, "home for the next visitor");
    assert_eq!(app.lang(), Lang::Zh, "in the default language");
    assert_eq!(form.get_first(), "", "every typed character wiped");
    assert_eq!(app.open_form_id(), None);
    assert!(pending(dir.path()).is_empty(), "nothing was sent");
}

/// Puts an approved wish on the wall, as a sync page from the district server would.
fn approved_wish(dir: &std::path::Path, id: &str, text: &str) {
    let mut store = ContentStore::open(dir).expect("cache");
    store
        .apply_synced(
            &[Op::Put(Record::Wish(Wish {
                id: id.into(),
                text: text.into(),
                lang: Lang::Zh,
                display_name: Some("李女士".into()),
                status: WishStatus::Approved,
                created_at: chrono::DateTime::parse_from_rfc3339("2026-11-21T09:30:00+08:00")
                    .expect("time"),
                scope: None,
            }))],
            1,
            &[],
        )
        .expect("the wish");
}

/// Two quick real taps on the button labelled `label`: the second lands before the outbox
/// thread has answered the first.
fn double_tap(app: &App, label: &str) {
    let found = find(app, label, AccessibleRole::Button);
    assert_eq!(found.len(), 1, "one button labelled {label:?}");
    found[0].mock_single_click(PointerEventButton::Left);
    found[0].mock_single_click(PointerEventButton::Left);
}

#[test]
fn a_double_tap_queues_one_item_for_a_claim_and_for_a_sign_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    approved_wish(dir.path(), "w1", "希望有人能陪我妈妈每周去一次医院复查。");
    app.refresh();
    let form = app.window().global::<ui::FormAdapter>();

    // A claim, from the wall's "I can help".
    app.navigate(Screen::Section("micro-wishes".into()));
    key(&app, "I can help");
    assert_eq!(app.current(), Screen::Form(FormKind::Claim("w1".into())));
    let claim = app.open_form_id().expect("the claim's id");
    form.set_first("Harbour Tech Ltd".into());
    form.set_second("0411-8888 1234".into());
    double_tap(&app, "Send");
    settle(&app, "the claim's confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    assert_eq!(form.get_result_title(), "Received — staff will review it");
    let items = pending(dir.path());
    assert_eq!(items.len(), 1, "one outbox item for two taps");
    assert_eq!((items[0].id, items[0].kind.as_str()), (claim, "claim"));
    assert_eq!(items[0].payload["wish"], "w1");
    assert_eq!(items[0].payload["contact"], "+8641188881234");

    // A sign-up, from the event's details.
    app.navigate(Screen::schedule());
    app.window()
        .global::<ui::ScheduleAdapter>()
        .invoke_open_event("social-insurance-qa@2026-11-24T14:00".into());
    key(&app, "Sign up");
    let signup = app.open_form_id().expect("the sign-up's id");
    assert_ne!(signup, claim);
    form.set_first("Wang Fang".into());
    form.set_second("wang.fang@example.com".into());
    double_tap(&app, "Send");
    settle(&app, "the sign-up's confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    assert_eq!(form.get_result_title(), "Sign-up received");
    let items = pending(dir.path());
    assert_eq!(items.len(), 2, "one more outbox item for two more taps");
    let item = items.iter().find(|i| i.id == signup).expect("the sign-up");
    assert_eq!(item.kind, "signup");
    assert_eq!(item.payload["contact"], "wang.fang@example.com");
    assert!(
        find(&app, "Send", AccessibleRole::Button).is_empty(),
        "no submit button on the confirmation"
    );
}

/// Files under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .expect("readable file")
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_idle_reset_wipes_pinyin_typed_on_the_keyboard_in_the_engine_and_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    if !rime_available(dir.path()) {
        return;
    }
    std::fs::remove_dir_all(dir.path().join("probe")).expect("the probe's folder goes");
    let app = kiosk(dir.path(), Lang::Zh);
    let ticks = Ticks::manual();
    app.set_ticks(ticks.clone());
    app.set_idle_times(IdleTimes {
        reset: Duration::from_secs(90),
        warning: Duration::from_secs(20),
        attract: None,
        slide: Duration::from_secs(8),
    });
    app.start_keyboard(RimeSettings::for_data_dir(dir.path()))
        .expect("engine thread");
    let keyboard = app.window().global::<ui::KeyboardAdapter>();
    let form = app.window().global::<ui::FormAdapter>();
    let idle = app.window().global::<ui::Idle>();

    app.navigate(Screen::Form(FormKind::Wish));
    tap(&app, "您的心愿", AccessibleRole::TextInput);
    settle(&app, "the pinyin layout", || {
        keyboard.get_active_mode() == ui::KeyboardMode::Pinyin
    });
    // One word picked into the field, one still being composed in the candidate bar.
    for letter in "xiongmao".chars() {
        key(&app, &letter.to_string());
    }
    // Every letter's composition has arrived: the candidates are those of the whole pinyin.
    settle(&app, "candidates for xiongmao", || {
        keyboard.get_preedit().replace(' ', "") == "xiongmao"
            && keyboard.get_candidates().row_count() > 0
    });
    let word = keyboard.get_candidates().row_data(0).expect("a candidate");
    key(&app, &word);
    settle(&app, "the word in the field", || form.get_first() == word);
    for letter in "dongwuyuan".chars() {
        key(&app, &letter.to_string());
    }
    settle(&app, "dongwuyuan being composed", || {
        keyboard.get_preedit().replace(' ', "") == "dongwuyuan"
    });

    for _ in 0..70 {
        ticks.advance(Duration::from_secs(1));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
        app.process_events();
    }
    assert!(idle.get_warning(), "typed text gets the warning first");
    for _ in 0..20 {
        ticks.advance(Duration::from_secs(1));
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
        app.process_events();
    }
    assert_eq!(app.current(), Screen::Home, "reset to home");
    assert!(
        !app.window().get_keyboard_shown(),
        "no keyboard over home for the next visitor"
    );
    settle(&app, "the engine's reset", || {
        keyboard.get_preedit().is_empty() && keyboard.get_candidates().row_count() == 0
    });
    assert_eq!(form.get_first(), "", "the field is wiped");
    assert!(pending(dir.path()).is_empty(), "nothing was sent");
    for typed in [word.as_str(), "dongwuyuan", "dong wu yuan", "xiongmao"] {
        let found = files_containing(dir.path(), typed);
        assert!(found.is_empty(), "{typed} survived the reset in {found:?}");
    }

    // The next visitor starts from nothing: the engine composes afresh.
    app.navigate(Screen::Form(FormKind::Wish));
    tap(&app, "您的心愿", AccessibleRole::TextInput);
    key(&app, "d");
    settle(&app, "a fresh composition", || {
        keyboard.get_preedit() == "d"
    });
    assert_eq!(form.get_first(), "");
}

/// The outbox cannot save the form (here another process holds `outbox.db` locked longer than
/// the kiosk waits; a full disk or a damaged file fails the same write the same way): the
/// visitor is told in their language to try again, everything typed stays in the form and
/// nothing is queued; once the outbox can write again, the same tap queues it, exactly once and
/// under the id the form took when it opened.
#[test]
fn a_form_the_outbox_cannot_save_keeps_what_was_typed_and_a_retry_queues_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    let form = app.window().global::<ui::FormAdapter>();
    assert!(
        pending(dir.path()).is_empty(),
        "the outbox exists and is empty"
    );
    app.navigate(Screen::Form(FormKind::Wish));
    let id = app.open_form_id().expect("the form took its id");
    let text = "A reading corner for English books";
    form.set_first(text.into());
    form.invoke_edited(0);
    form.set_second("L.W.".into());
    form.invoke_edited(1);

    let blocker = rusqlite::Connection::open(dir.path().join("outbox.db")).expect("opens");
    blocker
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("holds the write lock");
    key(&app, "Send");
    settle(&app, "the outbox's failure", || {
        !form.get_form_error().is_empty()
    });
    assert_eq!(
        form.get_form_error(),
        "This kiosk could not save your form just now. Please try again, or ask the staff at the desk."
    );
    assert_eq!(form.get_stage(), ui::FormStage::Editing, "not 'received'");
    assert_eq!(form.get_first(), text, "what was typed is still there");
    assert_eq!(form.get_second(), "L.W.");
    app.set_lang(Lang::Zh);
    assert!(
        form.get_form_error().starts_with("本终端暂时无法保存"),
        "{}",
        form.get_form_error()
    );
    app.set_lang(Lang::En);
    blocker.execute_batch("ROLLBACK").expect("lets go");
    drop(blocker);
    assert!(pending(dir.path()).is_empty(), "nothing was queued");

    key(&app, "Send");
    settle(&app, "the confirmation", || {
        form.get_stage() == ui::FormStage::Done
    });
    let items = pending(dir.path());
    assert_eq!(items.len(), 1, "queued once");
    assert_eq!(items[0].id, id);
    assert_eq!(items[0].payload["text"], text);
    assert_eq!(items[0].payload["display_name"], "L.W.");
}

#[test]
fn event_details_show_the_seats_left_where_the_cache_knows_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = kiosk(dir.path(), Lang::En);
    app.navigate(Screen::schedule());
    let schedule = app.window().global::<ui::ScheduleAdapter>();
    let key = "social-insurance-qa@2026-11-24T14:00";
    schedule.invoke_open_event(key.into());
    assert_eq!(
        schedule.get_detail().seats,
        "30 of 30 seats left",
        "nothing taken yet"
    );

    // The district says 27 are taken: the details, the form and its count agree.
    let start = NaiveDateTime::parse_from_str("2026-11-24T14:00", "%Y-%m-%dT%H:%M").expect("t");
    let taken = |taken| {
        Op::Put(Record::Availability(protocol::content::Availability {
            id: protocol::content::Availability::id_for("social-insurance-qa", start),
            event: "social-insurance-qa".into(),
            start,
            taken,
            capacity: Some(30),
            scope: None,
        }))
    };
    let mut store = ContentStore::open(dir.path()).expect("cache");
    store.apply_synced(&[taken(27)], 90, &[]).expect("applies");
    app.refresh();
    assert_eq!(schedule.get_detail().seats, "3 of 30 seats left");
    app.set_lang(Lang::Zh);
    assert_eq!(schedule.get_detail().seats, "剩余 3 个名额（共 30 人）");
    app.set_lang(Lang::En);
    store.apply_synced(&[taken(30)], 91, &[]).expect("applies");
    app.refresh();
    assert_eq!(schedule.get_detail().seats, "Full: all 30 seats taken");
    assert!(!schedule.get_detail().can_sign_up);
}
