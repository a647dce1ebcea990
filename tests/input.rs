//! Pinyin input with the real librime and Debian's Rime data: candidates, the keyboard's rules
//! over the real engine, privacy (nothing learnt, nothing kept after a reset), the engine
//! thread, and a kiosk without librime.
//!
//! The librime tests need `librime1`, `rime-prelude`, `rime-essay` and `rime-data-luna-pinyin`.
//! Without them they print a notice and pass, unless `LOBBY_REQUIRE_RIME=1` (set by `.ci/run`),
//! which makes a missing engine a failure.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use lobby_kiosk::input::engine::PinyinEngine;
use lobby_kiosk::input::rime::{Rime, RimeSettings};
use lobby_kiosk::input::{ChineseInput, Composer, Composition, Edit, Input, InputEngine, Mode};

/// librime on a user folder inside `dir`, or `None` (with a notice) where it is not installed.
fn rime(dir: &Path) -> Option<Rime> {
    match Rime::start(RimeSettings::for_data_dir(dir)) {
        Ok(rime) => Some(rime),
        Err(e) if std::env::var("LOBBY_REQUIRE_RIME").is_ok_and(|v| v == "1") => {
            panic!("LOBBY_REQUIRE_RIME=1 but the pinyin engine did not load: {e}")
        }
        Err(e) => {
            eprintln!(
                "SKIPPED: librime is not available here ({e}); LOBBY_REQUIRE_RIME=1 fails instead"
            );
            None
        }
    }
}

fn composer(dir: &Path) -> Option<Composer> {
    let rime = rime(dir)?;
    let mut composer = Composer::new(Ok(Box::new(rime)));
    composer.handle(Input::Mode(Mode::Pinyin));
    Some(composer)
}

fn type_pinyin(c: &mut Composer, letters: &str) -> Composition {
    let mut last = c.composition();
    for letter in letters.chars() {
        last = c.handle(Input::Key(letter.to_string()));
        assert!(last.edits.is_empty(), "pinyin never reaches the field");
    }
    last
}

fn inserted(c: &Composition) -> String {
    c.edits
        .iter()
        .map(|e| match e {
            Edit::Insert(text) => text.as_str(),
            other => panic!("unexpected edit {other:?}"),
        })
        .collect()
}

#[test]
fn everyday_words_are_among_the_first_candidates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut rime) = rime(dir.path()) else {
        return;
    };
    for (pinyin, word) in [
        ("zhongguo", "中国"),
        ("beijing", "北京"),
        ("weixin", "微信"),
        ("dalian", "大连"),
        ("zhongshan", "中山"),
        ("xinyuan", "心愿"),
    ] {
        for letter in pinyin.chars() {
            rime.type_letter(letter);
        }
        let state = rime.state();
        let position = state.candidates.iter().position(|c| c == word);
        assert!(
            position.is_some_and(|p| p < 3),
            "{pinyin}: {word} not among the first three of {:?}",
            state.candidates
        );
        rime.clear();
    }
}

#[test]
fn typing_picking_paging_and_deleting_over_librime() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut c) = composer(dir.path()) else {
        return;
    };

    let state = type_pinyin(&mut c, "beijing");
    assert_eq!(
        state.preedit, "bei jing",
        "the pinyin shows in the bar, segmented"
    );
    assert_eq!(state.candidates[0], "北京");
    assert_eq!(
        inserted(&c.handle(Input::Space)),
        "北京",
        "space picks the first"
    );

    // Paging: a second page that differs, and back.
    let first = type_pinyin(&mut c, "shi");
    assert!(first.has_next_page && !first.has_previous_page);
    let second = c.handle(Input::Page(true));
    assert_eq!(second.page, 1);
    assert!(second.has_previous_page);
    assert!(
        second
            .candidates
            .iter()
            .all(|w| !first.candidates.contains(w))
    );
    let back = c.handle(Input::Page(false));
    assert_eq!(back.candidates, first.candidates);
    // A tap on a candidate of a later page commits that candidate.
    c.handle(Input::Page(true));
    let picked = c.handle(Input::Candidate(1));
    assert_eq!(inserted(&picked), second.candidates[1]);

    // Backspace: the pinyin first, letter by letter, then the field.
    type_pinyin(&mut c, "dalian");
    let shorter = c.handle(Input::Backspace);
    assert!(shorter.edits.is_empty());
    assert_eq!(shorter.preedit.replace(' ', ""), "dalia");
    for _ in 0..5 {
        assert!(c.handle(Input::Backspace).edits.is_empty());
    }
    assert!(c.composition().preedit.is_empty());
    assert_eq!(c.handle(Input::Backspace).edits, vec![Edit::DeleteBackward]);

    // Chinese punctuation picks the first candidate, then types.
    type_pinyin(&mut c, "dalian");
    assert_eq!(inserted(&c.handle(Input::Key("，".into()))), "大连，");
}

#[test]
fn enter_and_switching_layouts_keep_the_letters_as_typed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut c) = composer(dir.path()) else {
        return;
    };

    let state = type_pinyin(&mut c, "zhongguorenmin");
    let zhongguo = state
        .candidates
        .iter()
        .position(|w| w == "中国")
        .expect("中国 offered for the first part");
    let partial = c.handle(Input::Candidate(zhongguo));
    assert!(
        partial.edits.is_empty(),
        "only part of the pinyin is picked"
    );
    assert!(partial.preedit.starts_with("中国"), "{}", partial.preedit);
    assert_eq!(inserted(&c.handle(Input::Enter)), "中国renmin");
    assert_eq!(c.handle(Input::Enter).edits, vec![Edit::Enter]);

    type_pinyin(&mut c, "weixin");
    let english = c.handle(Input::Mode(Mode::English));
    assert_eq!(inserted(&english), "weixin");
    assert_eq!(english.mode, Mode::English);
    c.handle(Input::Mode(Mode::Pinyin));
    assert!(c.composition().preedit.is_empty());
    type_pinyin(&mut c, "ni");
    let symbols = c.handle(Input::Mode(Mode::Symbols));
    assert_eq!(inserted(&symbols), "ni");
    assert_eq!(inserted(&c.handle(Input::Key("@".into()))), "@");
}

/// The position of `word` among the first `pages` pages of candidates for `pinyin`.
fn rank(c: &mut Composer, pinyin: &str, word: &str, pages: usize) -> Option<usize> {
    let mut all = type_pinyin(c, pinyin).candidates;
    for _ in 1..pages {
        all.extend(c.handle(Input::Page(true)).candidates);
    }
    drop_pinyin(c);
    all.iter().position(|w| w == word)
}

/// Backspaces the pending pinyin away, leaving the field alone.
fn drop_pinyin(c: &mut Composer) {
    while !c.composition().preedit.is_empty() {
        assert!(c.handle(Input::Backspace).edits.is_empty());
    }
}

#[test]
fn a_word_picked_low_on_the_list_does_not_move_up_for_the_next_visitor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut c) = composer(dir.path()) else {
        return;
    };

    // A visitor picks the fourth candidate of the second page of "shi", three times.
    type_pinyin(&mut c, "shi");
    let page = c.handle(Input::Page(true));
    let word = page.candidates[3].clone();
    drop_pinyin(&mut c);
    let before = rank(&mut c, "shi", &word, 3).expect("the word is offered");
    assert!(before >= 6, "{word} starts on the second page");
    for _ in 0..3 {
        type_pinyin(&mut c, "shi");
        c.handle(Input::Page(true));
        assert_eq!(inserted(&c.handle(Input::Candidate(3))), word);
    }
    // Not even for the same visitor, and not after the reset for the next one.
    assert_eq!(
        rank(&mut c, "shi", &word, 3),
        Some(before),
        "{word} moved up"
    );
    c.handle(Input::Reset);
    c.handle(Input::Mode(Mode::Pinyin));
    assert_eq!(
        rank(&mut c, "shi", &word, 3),
        Some(before),
        "{word} moved up"
    );
    assert!(
        !has_user_dictionary(dir.path()),
        "no user dictionary was created"
    );
}

fn has_user_dictionary(dir: &Path) -> bool {
    files(dir)
        .iter()
        .any(|f| f.to_string_lossy().contains(".userdb"))
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// Files under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| f.is_file())
        .filter(|f| {
            let bytes = std::fs::read(f).expect("readable file");
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .collect()
}

#[test]
fn a_reset_leaves_nothing_typed_in_the_engine_or_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(mut c) = composer(dir.path()) else {
        return;
    };
    let user_dir = dir.path().join("rime");

    // What a visitor typed: committed words, one left pending in the bar.
    type_pinyin(&mut c, "xinyuan");
    assert_eq!(inserted(&c.handle(Input::Space)), "心愿");
    type_pinyin(&mut c, "dalianzhongshan");
    c.handle(Input::Space);
    type_pinyin(&mut c, "weixin");
    // What an older configuration or a crash could have left in the user folder.
    std::fs::create_dir_all(user_dir.join("luna_pinyin.userdb")).expect("mkdir");
    std::fs::write(
        user_dir.join("luna_pinyin.userdb/000001.log"),
        "weixin 微信 心愿",
    )
    .expect("write");
    std::fs::write(user_dir.join("luna_pinyin.userdb.txt"), "dalian 大连").expect("write");
    std::fs::create_dir_all(user_dir.join("log")).expect("mkdir");
    std::fs::write(user_dir.join("log/rime.lobby-kiosk.ERROR"), "input: weixin").expect("write");

    let reset = c.handle(Input::Reset);
    assert!(
        reset.edits.is_empty(),
        "nothing pending is committed on reset"
    );
    assert!(reset.preedit.is_empty() && reset.candidates.is_empty());
    c.handle(Input::Mode(Mode::Pinyin));
    assert!(c.composition().preedit.is_empty(), "the session was wiped");

    for typed in [
        "心愿", "大连", "中山", "微信", "xinyuan", "weixin", "dalian",
    ] {
        let found = files_containing(dir.path(), typed);
        assert!(found.is_empty(), "{typed} survived the reset in {found:?}");
    }
    assert!(!has_user_dictionary(dir.path()));
    // The engine works for the next visitor, on the same folder.
    type_pinyin(&mut c, "weixin");
    assert_eq!(inserted(&c.handle(Input::Space)), "微信");
}

#[test]
fn the_engine_thread_answers_every_tap_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Probe first, so a machine without librime skips (or fails under LOBBY_REQUIRE_RIME).
    if rime(dir.path()).is_none() {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let engine = InputEngine::spawn_rime(RimeSettings::for_data_dir(dir.path()), move |c| {
        let _ = tx.send(c);
    })
    .expect("thread starts");
    let first = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("engine reports");
    assert_eq!(first.chinese, ChineseInput::Ready);
    engine.send(Input::Mode(Mode::Pinyin));
    for letter in "weixin".chars() {
        engine.send(Input::Key(letter.to_string()));
    }
    engine.send(Input::Space);
    let sender = engine.sender();
    sender(Input::Key("。".into()));
    engine.shut_down();
    let answers: Vec<Composition> = rx.iter().collect();
    assert_eq!(answers.len(), 9, "one composition per tap");
    assert_eq!(answers[6].preedit, "wei xin");
    let typed: String = answers
        .iter()
        .flat_map(|c| c.edits.clone())
        .map(|e| match e {
            Edit::Insert(t) => t,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(typed, "微信。");
}

#[test]
fn spawning_the_engine_never_waits_for_it_to_start() {
    let (release, wait) = mpsc::channel::<()>();
    let (tx, rx) = mpsc::channel();
    // An engine whose start blocks until released: spawning must return regardless.
    let engine = InputEngine::spawn(
        move || {
            let _ = wait.recv();
            Err("never started".into())
        },
        move |c| {
            let _ = tx.send(c);
        },
    )
    .expect("thread starts");
    assert!(rx.try_recv().is_err(), "the engine is still starting");
    engine.send(Input::Key("a".into()));
    release.send(()).expect("engine thread waits");
    let first = rx.recv_timeout(Duration::from_secs(10)).expect("reports");
    assert!(matches!(first.chinese, ChineseInput::Unavailable(_)));
    let typed = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("answers the tap");
    assert_eq!(typed.edits, vec![Edit::Insert("a".into())]);
    engine.shut_down();
}

#[test]
fn without_librime_the_keyboard_offers_english_and_digits() {
    let dir = tempfile::tempdir().expect("tempdir");
    for settings in [
        RimeSettings {
            library: PathBuf::from("/nonexistent/librime.so.1"),
            ..RimeSettings::for_data_dir(dir.path())
        },
        RimeSettings {
            shared_data_dir: dir.path().join("no-rime-data"),
            ..RimeSettings::for_data_dir(dir.path())
        },
    ] {
        let (tx, rx) = mpsc::channel();
        let engine = InputEngine::spawn_rime(settings, move |c| {
            let _ = tx.send(c);
        })
        .expect("thread starts");
        engine.send(Input::Mode(Mode::Pinyin));
        engine.send(Input::Key("a".into()));
        engine.send(Input::Mode(Mode::Symbols));
        engine.send(Input::Key("8".into()));
        engine.shut_down();
        let answers: Vec<Composition> = rx.iter().collect();
        let ChineseInput::Unavailable(reason) = &answers[0].chinese else {
            panic!("expected unavailable, got {:?}", answers[0].chinese);
        };
        assert!(!reason.is_empty());
        assert_eq!(answers[1].mode, Mode::English, "pinyin refused");
        assert_eq!(answers[2].edits, vec![Edit::Insert("a".into())]);
        assert_eq!(answers[4].edits, vec![Edit::Insert("8".into())]);
    }
}

/// A delayed start (`start_after`): taps sent before then wait for the engine and are
/// answered in order, none lost.
#[test]
fn taps_sent_before_a_delayed_start_are_answered_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = RimeSettings {
        // No librime here: the engine starts without Chinese, after the delay all the same.
        library: PathBuf::from("/nonexistent/librime.so.1"),
        start_after: Duration::from_millis(300),
        ..RimeSettings::for_data_dir(dir.path())
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::time::Instant::now();
    let engine = InputEngine::spawn_rime(settings, move |c| {
        let _ = tx.send((std::time::Instant::now(), c));
    })
    .expect("thread starts");
    engine.send(Input::Key("a".into()));
    engine.send(Input::Key("b".into()));
    let (started, first) = rx.recv_timeout(Duration::from_secs(10)).expect("reports");
    assert!(
        started.duration_since(spawned) >= Duration::from_millis(300),
        "the engine waited before starting"
    );
    assert!(matches!(first.chinese, ChineseInput::Unavailable(_)));
    let typed: Vec<_> = (0..2)
        .map(|_| rx.recv_timeout(Duration::from_secs(10)).expect("answers").1)
        .flat_map(|c| c.edits)
        .collect();
    assert_eq!(
        typed,
        vec![Edit::Insert("a".into()), Edit::Insert("b".into())]
    );
    engine.shut_down();
}

/// An engine spawned on demand that fails to start (no librime needed), with a flag telling
/// whether its start ran and the compositions it sends.
fn engine_on_demand() -> (
    InputEngine,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    mpsc::Receiver<Composition>,
) {
    let started = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = started.clone();
    let (tx, rx) = mpsc::channel();
    let engine = InputEngine::spawn_on_demand(
        move || {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Err("no engine in this test".into())
        },
        move |c| {
            let _ = tx.send(c);
        },
    )
    .expect("thread starts");
    (engine, started, rx)
}

/// The running kiosk loads librime on demand (`on_demand`): a layout or a reset between
/// visitors sent before it is needed waits, unanswered (the latest of each kind), and the
/// first tap starts the engine; then what waited is answered in order, and the tap.
#[test]
fn an_engine_on_demand_starts_at_the_first_tap_and_answers_what_waited() {
    let (engine, started, rx) = engine_on_demand();
    engine.send(Input::Mode(Mode::Symbols));
    engine.send(Input::Reset);
    engine.set_default_mode(Mode::English);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !started.load(std::sync::atomic::Ordering::SeqCst),
        "a layout and a reset do not start the engine"
    );
    assert!(
        rx.try_recv().is_err(),
        "nothing is answered before the start"
    );
    engine.send(Input::Mode(Mode::Symbols));
    engine.send(Input::Key("8".into()));
    engine.shut_down();
    assert!(started.load(std::sync::atomic::Ordering::SeqCst));
    let answers: Vec<Composition> = rx.iter().collect();
    // The start; the reset; the layout sent after it (the one before it is dropped: the
    // reset would undo it); the tap.
    assert_eq!(answers.len(), 4, "{answers:?}");
    assert!(matches!(answers[0].chinese, ChineseInput::Unavailable(_)));
    assert_eq!(answers[1].mode, Mode::English, "the reset that waited");
    assert_eq!(answers[2].mode, Mode::Symbols, "the layout that waited");
    assert_eq!(answers[3].mode, Mode::Symbols);
    assert_eq!(answers[3].edits, vec![Edit::Insert("8".into())]);
}

/// A kiosk nobody types on for months: a reset per visitor and a layout per language switch
/// wait for the engine, but only the latest of each is kept.
#[test]
fn what_waits_for_an_engine_on_demand_does_not_pile_up() {
    let (engine, started, rx) = engine_on_demand();
    for _ in 0..10_000 {
        engine.send(Input::Mode(Mode::Pinyin));
        engine.send(Input::Reset);
        engine.send(Input::Mode(Mode::Symbols));
    }
    engine.wake();
    engine.shut_down();
    assert!(started.load(std::sync::atomic::Ordering::SeqCst));
    let answers: Vec<Composition> = rx.iter().collect();
    // The start, the last reset, the last layout.
    assert_eq!(answers.len(), 3, "{} compositions", answers.len());
    assert_eq!(answers[2].mode, Mode::Symbols);
}

#[test]
fn waking_an_engine_on_demand_starts_it_once_and_one_never_needed_never_loads() {
    let (engine, _, rx) = engine_on_demand();
    engine.wake();
    let first = rx.recv_timeout(Duration::from_secs(10)).expect("started");
    assert!(matches!(first.chinese, ChineseInput::Unavailable(_)));
    engine.wake();
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "a second wake does nothing"
    );
    engine.shut_down();

    // Ended (the kiosk closed) before anyone typed: the start never ran.
    let (engine, started, rx) = engine_on_demand();
    engine.send(Input::Mode(Mode::Pinyin));
    engine.send(Input::Reset);
    engine.shut_down();
    assert!(!started.load(std::sync::atomic::Ordering::SeqCst));
    assert_eq!(rx.iter().count(), 0);
}
