//! What the composition state machine needs from a pinyin engine: librime in the kiosk
//! ([`super::rime::Rime`]), a small table in the state machine's own unit tests.

/// The engine's composition after an operation: what the candidate bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineState {
    /// The raw letters typed so far (`zhongguo`); empty when nothing is being composed.
    pub input: String,
    /// The composition as the engine shows it (`zhong guo`, or `中guo` after a partial pick).
    pub preedit: String,
    /// The current page of candidates.
    pub candidates: Vec<String>,
    /// The page's index, from 0.
    pub page: usize,
    /// No page follows this one.
    pub last_page: bool,
}

impl EngineState {
    pub fn is_composing(&self) -> bool {
        !self.input.is_empty()
    }
}

/// A pinyin engine driven by taps on the keyboard. Operations never fail visibly: a key the
/// engine does not take simply changes nothing, which [`EngineState`] then shows.
pub trait PinyinEngine {
    /// Appends a lowercase letter (or `'`, the syllable separator) to the pinyin.
    fn type_letter(&mut self, letter: char);
    /// Deletes the last letter of the pinyin (or undoes the last pick).
    fn backspace(&mut self);
    /// Picks a candidate of the current page; when it covers all the pinyin, the composition
    /// is committed ([`PinyinEngine::take_commit`]).
    fn select(&mut self, index_on_page: usize);
    /// The next or the previous page of candidates.
    fn page(&mut self, forward: bool);
    /// Picks the highlighted (first) candidate, as the space bar does.
    fn confirm(&mut self);
    /// Commits the composition as typed: the letters, after any candidates already picked.
    fn enter(&mut self);
    /// Drops the composition without committing anything.
    fn clear(&mut self);
    /// The current composition.
    fn state(&self) -> EngineState;
    /// Text committed by the last operations, once.
    fn take_commit(&mut self) -> Option<String>;
    /// Forgets everything: composition, session and anything the engine keeps on disk that
    /// could hold what was typed. The engine is ready for the next visitor afterwards.
    fn wipe(&mut self) -> Result<(), String>;
}
