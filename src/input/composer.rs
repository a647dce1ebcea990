//! The keyboard's state machine: which layout shows, what the candidate bar holds, and which
//! edits a tap makes to the focused text field. Plain Rust over a [`PinyinEngine`], so it is
//! tested without Slint and (with a small table engine) without librime.
//!
//! Rules a visitor can rely on:
//! - The pinyin being composed lives in the candidate bar, never in the text field.
//! - Space picks the first candidate; a tap on a candidate picks it; arrows page.
//! - Backspace deletes pinyin first (or undoes a partial pick) and only then text in the field.
//! - Enter with pinyin pending commits the letters as typed (after any partial picks);
//!   without, it is the field's Enter.
//! - Switching layout or hiding the keyboard with pinyin pending commits the letters as typed,
//!   like Enter: nothing typed is lost, and nothing is turned into characters the visitor did
//!   not pick. Chinese punctuation typed while composing first picks the first candidate, as
//!   desktop input methods do.
//! - A reset (the idle timeout, the next visitor) drops the composition unseen, returns to the
//!   default layout and makes the engine forget everything ([`PinyinEngine::wipe`]).

use super::engine::{EngineState, PinyinEngine};

/// The keyboard's layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// QWERTY letters, Latin text.
    #[default]
    English,
    /// QWERTY letters typed as pinyin, Chinese text from the candidate bar.
    Pinyin,
    /// Digits and the punctuation names, phone numbers and e-mail addresses need.
    Symbols,
}

/// The shift key of the English layout: off, for the next letter, or locked (a second tap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shift {
    #[default]
    Off,
    Once,
    Locked,
}

/// One tap on the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A key that types its label: a letter, a digit, a punctuation mark.
    Key(String),
    Space,
    Backspace,
    Enter,
    /// A candidate of the current page, by its position in the bar.
    Candidate(usize),
    /// The next (`true`) or previous page of candidates.
    Page(bool),
    /// A layout; [`Mode::Pinyin`] is refused while Chinese input is unavailable.
    Mode(Mode),
    Shift,
    /// The keyboard is being hidden: a pending composition is committed as typed.
    Hide,
    /// The next visitor: forget everything.
    Reset,
}

/// What a tap does to the focused text field; the app turns these into key events
/// (`Window::dispatch_event`), so the field behaves exactly as with a hardware keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Inserts text at the cursor (replacing a selection).
    Insert(String),
    /// Deletes the character before the cursor (Backspace).
    DeleteBackward,
    /// The Return key: a single-line field's `accepted` (next field, submit).
    Enter,
}

/// Whether Chinese input can be offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChineseInput {
    /// The engine is still starting (the kiosk's first second).
    Starting,
    Ready,
    /// librime or its data is missing or broken; the reason is for the log, not the visitor.
    Unavailable(String),
}

/// The keyboard's state after a tap, and the edits that tap made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    pub mode: Mode,
    /// The letter layout the symbols layout returns to (and whose punctuation it offers).
    pub letters: Mode,
    pub shift: Shift,
    /// The pinyin being composed, as the engine formats it (`zhong guo`); empty when none.
    pub preedit: String,
    /// The current page of candidates.
    pub candidates: Vec<String>,
    /// The page's index, from 0.
    pub page: usize,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    /// Edits for the focused field, in order; applied once.
    pub edits: Vec<Edit>,
    /// The hide key was tapped: after the edits are typed, the focus leaves the field (which
    /// hides the keyboard). Not earlier, or letters committed on hiding would miss the field.
    pub hide: bool,
    pub chinese: ChineseInput,
}

/// Pinyin longer than this is not taken: no name or wish needs it, and the engine's sentence
/// search grows with it.
pub const MAX_PINYIN: usize = 40;

/// The state machine; owns the engine.
pub struct Composer {
    engine: Option<Box<dyn PinyinEngine>>,
    chinese: ChineseInput,
    mode: Mode,
    letters: Mode,
    shift: Shift,
    default_mode: Mode,
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("chinese", &self.chinese)
            .field("mode", &self.mode)
            .field("shift", &self.shift)
            .finish()
    }
}

impl Composer {
    /// A composer whose engine is still starting: English and digits work already.
    pub fn starting() -> Composer {
        Composer {
            engine: None,
            chinese: ChineseInput::Starting,
            mode: Mode::English,
            letters: Mode::English,
            shift: Shift::Off,
            default_mode: Mode::English,
        }
    }

    /// A composer with its engine (or the reason there is none).
    pub fn new(engine: Result<Box<dyn PinyinEngine>, String>) -> Composer {
        let mut composer = Composer::starting();
        composer.set_engine(engine);
        composer
    }

    /// The engine finished starting, or failed to.
    pub fn set_engine(&mut self, engine: Result<Box<dyn PinyinEngine>, String>) {
        match engine {
            Ok(engine) => {
                self.engine = Some(engine);
                self.chinese = ChineseInput::Ready;
            }
            Err(reason) => {
                self.engine = None;
                self.chinese = ChineseInput::Unavailable(reason);
                if self.mode == Mode::Pinyin {
                    self.mode = Mode::English;
                }
                if self.letters == Mode::Pinyin {
                    self.letters = Mode::English;
                }
            }
        }
    }

    /// The layout a reset returns to (the app sets it from the kiosk's default language);
    /// pinyin falls back to English while Chinese input is unavailable.
    pub fn set_default_mode(&mut self, mode: Mode) {
        self.default_mode = mode;
    }

    pub fn chinese(&self) -> &ChineseInput {
        &self.chinese
    }

    /// The current state, with no edits.
    pub fn composition(&self) -> Composition {
        self.snapshot(Vec::new())
    }

    /// Applies one tap.
    pub fn handle(&mut self, input: Input) -> Composition {
        let mut edits = Vec::new();
        let hide = input == Input::Hide;
        match input {
            Input::Key(text) => self.key(text, &mut edits),
            Input::Space => {
                if self.composing() {
                    self.with_engine(|e| e.confirm());
                } else {
                    edits.push(Edit::Insert(" ".into()));
                }
            }
            Input::Backspace => {
                if self.composing() {
                    self.with_engine(|e| e.backspace());
                } else {
                    edits.push(Edit::DeleteBackward);
                }
            }
            Input::Enter => {
                if self.composing() {
                    self.with_engine(|e| e.enter());
                } else {
                    edits.push(Edit::Enter);
                }
            }
            Input::Candidate(index) => {
                if self.composing() {
                    self.with_engine(|e| e.select(index));
                }
            }
            Input::Page(forward) => {
                if self.composing() {
                    self.with_engine(|e| e.page(forward));
                }
            }
            Input::Mode(mode) => self.switch(mode),
            Input::Shift => {
                if self.mode == Mode::English {
                    self.shift = match self.shift {
                        Shift::Off => Shift::Once,
                        Shift::Once => Shift::Locked,
                        Shift::Locked => Shift::Off,
                    };
                }
            }
            Input::Hide => {
                self.commit_as_typed();
                if self.shift == Shift::Once {
                    self.shift = Shift::Off;
                }
            }
            Input::Reset => self.reset(),
        }
        self.collect_commit(&mut edits);
        let mut composition = self.snapshot(edits);
        composition.hide = hide;
        composition
    }

    fn key(&mut self, text: String, edits: &mut Vec<Edit>) {
        match self.mode {
            Mode::English => {
                let text = match self.shift {
                    Shift::Off => text,
                    Shift::Once | Shift::Locked => text.to_uppercase(),
                };
                if self.shift == Shift::Once && text.chars().any(char::is_alphabetic) {
                    self.shift = Shift::Off;
                }
                edits.push(Edit::Insert(text));
            }
            Mode::Symbols => edits.push(Edit::Insert(text)),
            Mode::Pinyin => {
                let letter = single_char(&text).filter(|c| c.is_ascii_lowercase() || *c == '\'');
                match letter {
                    // The separator only means something between letters.
                    Some('\'') if !self.composing() => edits.push(Edit::Insert(text)),
                    Some(letter) => {
                        if self.engine_state().input.chars().count() < MAX_PINYIN {
                            self.with_engine(|e| e.type_letter(letter));
                        }
                    }
                    None => {
                        self.pick_first_candidates();
                        self.collect_commit(edits);
                        edits.push(Edit::Insert(text));
                    }
                }
            }
        }
    }

    fn switch(&mut self, mode: Mode) {
        if mode == Mode::Pinyin && self.chinese != ChineseInput::Ready {
            return;
        }
        if mode != self.mode {
            self.commit_as_typed();
        }
        self.mode = mode;
        if mode != Mode::Symbols {
            self.letters = mode;
        }
        if mode != Mode::English {
            self.shift = Shift::Off;
        }
    }

    fn reset(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.clear();
            let _ = engine.take_commit();
            if let Err(reason) = engine.wipe() {
                // The engine could not be made to forget: it is not offered again.
                tracing::error!(%reason, "pinyin engine could not be reset; Chinese input is off");
                self.set_engine(Err(reason));
            }
        }
        self.shift = Shift::Off;
        self.mode = Mode::English;
        self.letters = Mode::English;
        self.switch(self.default_mode);
    }

    /// Enter's rule, also used on switching layout and hiding: the letters as typed.
    fn commit_as_typed(&mut self) {
        if self.composing() {
            self.with_engine(|e| e.enter());
        }
    }

    /// Picks first candidates until nothing is left to compose (a first candidate may cover only
    /// part of the pinyin).
    fn pick_first_candidates(&mut self) {
        for _ in 0..=MAX_PINYIN {
            let before = self.engine_state();
            if !before.is_composing() {
                return;
            }
            self.with_engine(|e| e.confirm());
            if self.engine_state() == before {
                // The engine took nothing (no candidate): keep the letters.
                self.with_engine(|e| e.enter());
            }
        }
    }

    fn collect_commit(&mut self, edits: &mut Vec<Edit>) {
        if let Some(engine) = self.engine.as_mut()
            && let Some(text) = engine.take_commit()
        {
            edits.push(Edit::Insert(text));
        }
    }

    fn with_engine(&mut self, f: impl FnOnce(&mut dyn PinyinEngine)) {
        if let Some(engine) = self.engine.as_mut() {
            f(engine.as_mut());
        }
    }

    fn engine_state(&self) -> EngineState {
        match (&self.engine, self.mode) {
            (Some(engine), Mode::Pinyin) => engine.state(),
            _ => EngineState::default(),
        }
    }

    fn composing(&self) -> bool {
        self.engine_state().is_composing()
    }

    fn snapshot(&self, edits: Vec<Edit>) -> Composition {
        let state = self.engine_state();
        let composing = state.is_composing();
        Composition {
            mode: self.mode,
            letters: self.letters,
            shift: self.shift,
            preedit: state.preedit,
            has_previous_page: composing && state.page > 0,
            has_next_page: composing && !state.last_page,
            candidates: state.candidates,
            page: state.page,
            edits,
            hide: false,
            chinese: self.chinese.clone(),
        }
    }
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A pinyin engine over a small table, for the state machine's rules. The real engine is
    /// tested in `tests/input.rs`.
    #[derive(Default)]
    pub struct TableEngine {
        input: String,
        picked: Vec<(String, usize)>,
        page: usize,
        commit: Option<String>,
        pub wiped: std::rc::Rc<std::cell::Cell<usize>>,
    }

    const PAGE: usize = 3;
    const TABLE: &[(&str, &[&str])] = &[
        ("zhongguo", &["中国", "种过", "中", "终古", "钟鼓"]),
        ("guo", &["国", "过", "果"]),
        ("beijing", &["北京", "背景"]),
        ("ni", &["你", "呢", "泥", "拟", "尼", "妮", "倪"]),
    ];

    impl TableEngine {
        fn rest(&self) -> &str {
            &self.input[self.picked.iter().map(|p| p.1).sum::<usize>()..]
        }
        fn all(&self) -> Vec<(String, usize)> {
            let rest = self.rest();
            TABLE
                .iter()
                .filter(|(py, _)| rest.starts_with(py) || py.starts_with(rest))
                .flat_map(|(py, words)| {
                    let used = py.len().min(rest.len());
                    words.iter().enumerate().map(move |(i, w)| {
                        // "中" of "zhongguo" covers "zhong" only.
                        let used = if py == &"zhongguo" && i == 2 { 5 } else { used };
                        (w.to_string(), used)
                    })
                })
                .collect()
        }
        fn page_items(&self) -> Vec<(String, usize)> {
            self.all()
                .into_iter()
                .skip(self.page * PAGE)
                .take(PAGE)
                .collect()
        }
    }

    impl PinyinEngine for TableEngine {
        fn type_letter(&mut self, letter: char) {
            self.input.push(letter);
            self.page = 0;
        }
        fn backspace(&mut self) {
            if self.picked.pop().is_none() {
                self.input.pop();
            }
            self.page = 0;
        }
        fn select(&mut self, index: usize) {
            if let Some(item) = self.page_items().get(index).cloned() {
                self.picked.push(item);
                self.page = 0;
                if self.rest().is_empty() {
                    self.commit = Some(self.picked.drain(..).map(|p| p.0).collect());
                    self.input.clear();
                }
            }
        }
        fn page(&mut self, forward: bool) {
            let pages = self.all().len().div_ceil(PAGE);
            if forward && self.page + 1 < pages {
                self.page += 1;
            } else if !forward && self.page > 0 {
                self.page -= 1;
            }
        }
        fn confirm(&mut self) {
            self.select(0);
        }
        fn enter(&mut self) {
            if !self.input.is_empty() {
                let picked: String = self.picked.iter().map(|p| p.0.as_str()).collect();
                self.commit = Some(picked + self.rest());
                self.picked.clear();
                self.input.clear();
            }
        }
        fn clear(&mut self) {
            self.input.clear();
            self.picked.clear();
            self.page = 0;
        }
        fn state(&self) -> EngineState {
            if self.input.is_empty() {
                return EngineState::default();
            }
            let picked: String = self.picked.iter().map(|p| p.0.as_str()).collect();
            EngineState {
                input: self.input.clone(),
                preedit: picked + self.rest(),
                candidates: self.page_items().into_iter().map(|c| c.0).collect(),
                page: self.page,
                last_page: (self.page + 1) * PAGE >= self.all().len(),
            }
        }
        fn take_commit(&mut self) -> Option<String> {
            self.commit.take()
        }
        fn wipe(&mut self) -> Result<(), String> {
            self.clear();
            self.wiped.set(self.wiped.get() + 1);
            Ok(())
        }
    }

    fn composer() -> Composer {
        let mut c = Composer::new(Ok(Box::new(TableEngine::default())));
        c.handle(Input::Mode(Mode::Pinyin));
        c
    }

    fn typed(c: &mut Composer, letters: &str) -> Composition {
        let mut last = c.composition();
        for l in letters.chars() {
            last = c.handle(Input::Key(l.to_string()));
            assert!(last.edits.is_empty(), "pinyin never reaches the field");
        }
        last
    }

    fn insert(text: &str) -> Vec<Edit> {
        vec![Edit::Insert(text.into())]
    }

    #[test]
    fn pinyin_stays_in_the_bar_until_a_candidate_is_picked() {
        let mut c = composer();
        let state = typed(&mut c, "zhongguo");
        assert_eq!(state.preedit, "zhongguo");
        assert_eq!(state.candidates, ["中国", "种过", "中"]);
        assert!(state.has_next_page && !state.has_previous_page);
        let picked = c.handle(Input::Candidate(1));
        assert_eq!(picked.edits, insert("种过"));
        assert!(picked.preedit.is_empty() && picked.candidates.is_empty());
    }

    #[test]
    fn space_picks_the_first_candidate_and_types_a_space_otherwise() {
        let mut c = composer();
        typed(&mut c, "beijing");
        assert_eq!(c.handle(Input::Space).edits, insert("北京"));
        assert_eq!(c.handle(Input::Space).edits, insert(" "));
    }

    #[test]
    fn paging_moves_through_candidates_and_picks_on_the_shown_page() {
        let mut c = composer();
        typed(&mut c, "ni");
        let second = c.handle(Input::Page(true));
        assert_eq!(second.page, 1);
        assert_eq!(second.candidates, ["拟", "尼", "妮"]);
        assert!(second.has_previous_page && second.has_next_page);
        let last = c.handle(Input::Page(true));
        assert_eq!(last.candidates, ["倪"]);
        assert!(!last.has_next_page);
        assert_eq!(
            c.handle(Input::Page(true)).page,
            2,
            "no page after the last"
        );
        let back = c.handle(Input::Page(false));
        assert_eq!(back.page, 1);
        assert_eq!(c.handle(Input::Candidate(1)).edits, insert("尼"));
    }

    #[test]
    fn backspace_edits_the_pinyin_first_then_the_field() {
        let mut c = composer();
        typed(&mut c, "ni");
        let one = c.handle(Input::Backspace);
        assert!(one.edits.is_empty());
        assert_eq!(one.preedit, "n");
        let none = c.handle(Input::Backspace);
        assert!(none.edits.is_empty() && none.preedit.is_empty());
        assert_eq!(c.handle(Input::Backspace).edits, vec![Edit::DeleteBackward]);
    }

    #[test]
    fn a_partial_pick_stays_in_the_bar_and_backspace_undoes_it() {
        let mut c = composer();
        typed(&mut c, "zhongguo");
        let partial = c.handle(Input::Candidate(2));
        assert!(partial.edits.is_empty(), "中 covers only zhong");
        assert_eq!(partial.preedit, "中guo");
        assert_eq!(partial.candidates[0], "国");
        let undone = c.handle(Input::Backspace);
        assert_eq!(undone.preedit, "zhongguo");
        c.handle(Input::Candidate(2));
        assert_eq!(c.handle(Input::Candidate(0)).edits, insert("中国"));
    }

    #[test]
    fn enter_commits_the_letters_as_typed_or_is_the_fields_enter() {
        let mut c = composer();
        typed(&mut c, "zhongguo");
        c.handle(Input::Candidate(2));
        assert_eq!(c.handle(Input::Enter).edits, insert("中guo"));
        assert_eq!(c.handle(Input::Enter).edits, vec![Edit::Enter]);
    }

    #[test]
    fn switching_layout_commits_pending_pinyin_as_typed() {
        let mut c = composer();
        typed(&mut c, "beijing");
        let english = c.handle(Input::Mode(Mode::English));
        assert_eq!(english.edits, insert("beijing"));
        assert_eq!(english.mode, Mode::English);
        assert!(english.preedit.is_empty());
        // English letters go straight into the field.
        assert_eq!(c.handle(Input::Key("b".into())).edits, insert("b"));

        c.handle(Input::Mode(Mode::Pinyin));
        typed(&mut c, "ni");
        let symbols = c.handle(Input::Mode(Mode::Symbols));
        assert_eq!(symbols.edits, insert("ni"));
        assert_eq!(symbols.letters, Mode::Pinyin, "123 returns to pinyin");
        assert_eq!(c.handle(Input::Key("@".into())).edits, insert("@"));
        assert_eq!(c.handle(Input::Mode(Mode::Pinyin)).mode, Mode::Pinyin);
    }

    #[test]
    fn hiding_commits_pending_pinyin_as_typed() {
        let mut c = composer();
        typed(&mut c, "ni");
        let hidden = c.handle(Input::Hide);
        assert_eq!(hidden.edits, insert("ni"));
        assert!(hidden.hide, "the focus leaves the field after the edits");
        assert!(c.composition().preedit.is_empty());
        assert!(!c.handle(Input::Key("n".into())).hide);
    }

    #[test]
    fn chinese_punctuation_picks_the_first_candidate_then_types() {
        let mut c = composer();
        typed(&mut c, "beijing");
        let done = c.handle(Input::Key("，".into()));
        assert_eq!(
            done.edits,
            vec![Edit::Insert("北京".into()), Edit::Insert("，".into())]
        );
        assert_eq!(c.handle(Input::Key("。".into())).edits, insert("。"));
    }

    #[test]
    fn letters_without_candidates_survive_punctuation() {
        let mut c = composer();
        typed(&mut c, "xq");
        let done = c.handle(Input::Key("？".into()));
        assert_eq!(
            done.edits,
            vec![Edit::Insert("xq".into()), Edit::Insert("？".into())]
        );
    }

    #[test]
    fn the_separator_is_pinyin_inside_a_composition_and_text_outside() {
        let mut c = composer();
        assert_eq!(c.handle(Input::Key("'".into())).edits, insert("'"));
        typed(&mut c, "ni'");
        assert_eq!(c.composition().preedit, "ni'");
    }

    #[test]
    fn pinyin_is_capped() {
        let mut c = composer();
        let long = typed(&mut c, &"n".repeat(MAX_PINYIN + 5));
        assert_eq!(long.preedit.len(), MAX_PINYIN);
    }

    #[test]
    fn shift_is_once_then_locked_then_off() {
        let mut c = Composer::new(Ok(Box::new(TableEngine::default())));
        assert_eq!(c.handle(Input::Shift).shift, Shift::Once);
        assert_eq!(c.handle(Input::Key("z".into())).edits, insert("Z"));
        assert_eq!(c.composition().shift, Shift::Off);
        c.handle(Input::Shift);
        c.handle(Input::Shift);
        assert_eq!(c.handle(Input::Key("w".into())).edits, insert("W"));
        assert_eq!(c.handle(Input::Key("a".into())).edits, insert("A"));
        assert_eq!(c.handle(Input::Shift).shift, Shift::Off);
        assert_eq!(c.handle(Input::Key("n".into())).edits, insert("n"));
        // Pinyin has no capitals.
        c.handle(Input::Shift);
        assert_eq!(c.handle(Input::Mode(Mode::Pinyin)).shift, Shift::Off);
        assert_eq!(c.handle(Input::Shift).shift, Shift::Off);
    }

    #[test]
    fn without_an_engine_only_english_and_symbols_are_offered() {
        let mut c = Composer::new(Err("librime.so.1: not found".into()));
        assert!(matches!(c.chinese(), ChineseInput::Unavailable(_)));
        let refused = c.handle(Input::Mode(Mode::Pinyin));
        assert_eq!(refused.mode, Mode::English);
        assert_eq!(c.handle(Input::Key("a".into())).edits, insert("a"));
        assert_eq!(c.handle(Input::Mode(Mode::Symbols)).mode, Mode::Symbols);
        assert_eq!(c.handle(Input::Key("8".into())).edits, insert("8"));
        c.set_default_mode(Mode::Pinyin);
        assert_eq!(c.handle(Input::Reset).mode, Mode::English);
    }

    #[test]
    fn a_starting_engine_offers_english_until_it_is_ready() {
        let mut c = Composer::starting();
        assert_eq!(c.composition().chinese, ChineseInput::Starting);
        assert_eq!(c.handle(Input::Mode(Mode::Pinyin)).mode, Mode::English);
        c.set_engine(Ok(Box::new(TableEngine::default())));
        assert_eq!(c.handle(Input::Mode(Mode::Pinyin)).mode, Mode::Pinyin);
    }

    #[test]
    fn reset_drops_the_composition_unseen_and_returns_to_the_default_layout() {
        let mut c = composer();
        c.set_default_mode(Mode::Pinyin);
        typed(&mut c, "zhongguo");
        c.handle(Input::Candidate(2));
        let reset = c.handle(Input::Reset);
        assert!(reset.edits.is_empty(), "nothing is committed on reset");
        assert_eq!(reset.mode, Mode::Pinyin);
        assert!(reset.preedit.is_empty() && reset.candidates.is_empty());

        let engine = TableEngine::default();
        let wiped = engine.wiped.clone();
        let mut c = Composer::new(Ok(Box::new(engine)));
        c.handle(Input::Mode(Mode::Pinyin));
        typed(&mut c, "ni");
        let reset = c.handle(Input::Reset);
        assert!(reset.edits.is_empty());
        assert_eq!(wiped.get(), 1, "the engine was told to forget");
        assert_eq!(reset.mode, Mode::English, "the default default is English");
        c.handle(Input::Mode(Mode::Pinyin));
        assert!(
            c.composition().preedit.is_empty(),
            "the engine forgot the pinyin"
        );
    }

    #[test]
    fn taps_that_mean_nothing_change_nothing() {
        let mut c = composer();
        let before = c.composition();
        for input in [Input::Candidate(0), Input::Page(true), Input::Page(false)] {
            assert_eq!(c.handle(input), before);
        }
        typed(&mut c, "ni");
        let state = c.composition();
        assert_eq!(c.handle(Input::Candidate(9)), state, "no such candidate");
    }
}
