//! Where the visitor is: the stack of screens, the language, and every way they change.
//!
//! Plain Rust with no Slint types, so every transition is unit-tested on its own. A transition
//! only changes this state and says what changed ([`Change`]); the app then re-reads the screen,
//! opens or closes the event overlay, or switches the UI strings.

use protocol::text::Lang;

use crate::view::{FormKind, Range, Screen};

/// What a visitor's tap asks of navigation. Pages send these; [`Nav::apply`] carries them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Opens a screen on top of the current one. An event overlay open on the screen it covers
    /// closes, so coming back shows the list, not a stale dialog.
    Open(Screen),
    /// An open event overlay closes first, like a dialog; otherwise the previous screen.
    Back,
    /// Home, closing everything.
    Home,
    /// Today's schedule (navigation bar), unless a schedule is already on top.
    OpenSchedule,
    /// The first station (navigation bar), unless a station is already on top.
    OpenStations,
    /// Another station on the station screen.
    SelectStation(String),
    /// The schedule's day/week switch. Closes the overlay: its event may not be listed any more.
    SetRange(Range),
    /// The schedule's station filter (`None`: every station). Closes the overlay.
    FilterStation(Option<String>),
    /// Opens the details of an event listed on the schedule on top (`EVENT@START`).
    OpenEvent(String),
    /// Closes the event details.
    CloseEvent,
    /// Opens the sign-up form of the event whose details are open (they close underneath).
    SignUp,
    /// The language button: Chinese ⇄ English.
    ToggleLanguage,
}

/// What a transition changed, so the app does only the work that needs doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Change {
    /// Nothing: the tap asked for what is already shown.
    None,
    /// Only the event overlay of the schedule on top opened or closed; no re-read.
    Overlay,
    /// Another screen is on top (or the same one with other parameters): read it.
    Screen,
    /// The language changed (and possibly the screen): UI strings follow, the screen is read
    /// again in the new language.
    Language,
}

/// The navigation state: a stack of screens that never runs empty, and the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nav {
    stack: Vec<Screen>,
    lang: Lang,
    default_lang: Lang,
}

impl Nav {
    /// Home, in the kiosk's default language.
    pub fn new(default_lang: Lang) -> Nav {
        Nav {
            stack: vec![Screen::Home],
            lang: default_lang,
            default_lang,
        }
    }

    /// The screen on top.
    pub fn current(&self) -> &Screen {
        // The stack is never empty: every transition leaves at least one screen.
        self.stack.last().unwrap_or(&Screen::Home)
    }

    pub fn stack(&self) -> &[Screen] {
        &self.stack
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn default_lang(&self) -> Lang {
        self.default_lang
    }

    pub fn can_go_back(&self) -> bool {
        self.stack.len() > 1
    }

    /// The key of the event whose details are open on the schedule on top.
    pub fn open_event(&self) -> Option<&str> {
        match self.current() {
            Screen::Schedule { open, .. } => open.as_deref(),
            _ => None,
        }
    }

    /// Home in the default language: what the next visitor should find.
    pub fn is_fresh(&self) -> bool {
        self.stack == [Screen::Home] && self.lang == self.default_lang
    }

    /// Carries out a visitor's tap.
    pub fn apply(&mut self, action: Action) -> Change {
        match action {
            Action::Open(screen) => self.push(screen),
            Action::Back => self.back(),
            Action::Home => self.home(),
            Action::OpenSchedule => match self.current() {
                Screen::Schedule { .. } => Change::None,
                _ => self.push(Screen::schedule()),
            },
            Action::OpenStations => match self.current() {
                Screen::Station(_) => Change::None,
                _ => self.push(Screen::Station(None)),
            },
            Action::SelectStation(id) => self.select_station(id),
            Action::SetRange(new) => self.change_schedule(|range, _| *range = new),
            Action::FilterStation(new) => self.change_schedule(|_, station| *station = new),
            Action::OpenEvent(key) => match self.top_mut() {
                Screen::Schedule { open, .. } if open.as_ref() != Some(&key) => {
                    *open = Some(key);
                    Change::Overlay
                }
                _ => Change::None,
            },
            Action::CloseEvent => self.close_event(),
            Action::SignUp => match self.open_event().and_then(FormKind::signup_of) {
                Some(form) => self.push(Screen::Form(form)),
                None => Change::None,
            },
            Action::ToggleLanguage => self.set_lang(self.lang.other()),
        }
    }

    /// Opens `screen` on top, closing an event overlay on the screen it covers.
    pub fn push(&mut self, screen: Screen) -> Change {
        let _ = self.close_event();
        self.stack.push(screen);
        Change::Screen
    }

    /// Closes an open event overlay, or else returns to the previous screen.
    pub fn back(&mut self) -> Change {
        match self.close_event() {
            Change::None if self.can_go_back() => {
                self.stack.pop();
                Change::Screen
            }
            change => change,
        }
    }

    /// Home, with everything closed.
    pub fn home(&mut self) -> Change {
        if self.stack == [Screen::Home] {
            return Change::None;
        }
        self.stack = vec![Screen::Home];
        Change::Screen
    }

    pub fn set_lang(&mut self, lang: Lang) -> Change {
        if lang == self.lang {
            return Change::None;
        }
        self.lang = lang;
        Change::Language
    }

    /// The screen on top showed content that no longer exists (a sync removed it): step back
    /// rather than show nothing.
    pub fn content_gone(&mut self) -> Change {
        if self.can_go_back() {
            self.stack.pop();
            Change::Screen
        } else if self.stack != [Screen::Home] {
            self.stack = vec![Screen::Home];
            Change::Screen
        } else {
            // Home is always there; nothing to step back to.
            Change::None
        }
    }

    /// Nobody is there any more: home, in the default language, so the next visitor starts
    /// fresh.
    pub fn reset(&mut self) -> Change {
        if self.is_fresh() {
            return Change::None;
        }
        let lang_changed = self.lang != self.default_lang;
        self.stack = vec![Screen::Home];
        self.lang = self.default_lang;
        if lang_changed {
            Change::Language
        } else {
            Change::Screen
        }
    }

    /// The slideshow of an untouched kiosk, over home in the default language: a touch ends it
    /// with [`Nav::home`].
    pub fn start_attract(&mut self) -> Change {
        if self.current() == &Screen::Attract {
            return Change::None;
        }
        let lang_changed = self.lang != self.default_lang;
        self.stack = vec![Screen::Home, Screen::Attract];
        self.lang = self.default_lang;
        if lang_changed {
            Change::Language
        } else {
            Change::Screen
        }
    }

    fn top_mut(&mut self) -> &mut Screen {
        if self.stack.is_empty() {
            self.stack.push(Screen::Home);
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn close_event(&mut self) -> Change {
        match self.top_mut() {
            Screen::Schedule { open, .. } if open.is_some() => {
                *open = None;
                Change::Overlay
            }
            _ => Change::None,
        }
    }

    fn select_station(&mut self, id: String) -> Change {
        let chosen = Screen::Station(Some(id));
        match self.top_mut() {
            top if *top == chosen => Change::None,
            top @ Screen::Station(_) => {
                *top = chosen;
                Change::Screen
            }
            _ => self.push(chosen),
        }
    }

    /// Changes the range or station filter of the schedule on top; its overlay closes.
    fn change_schedule(&mut self, edit: impl FnOnce(&mut Range, &mut Option<String>)) -> Change {
        let Screen::Schedule {
            range,
            station,
            open,
        } = self.top_mut()
        else {
            return Change::None;
        };
        let before = (*range, station.clone(), open.is_some());
        edit(range, station);
        *open = None;
        if before == (*range, station.clone(), false) {
            Change::None
        } else {
            Change::Screen
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(range: Range, station: Option<&str>, open: Option<&str>) -> Screen {
        Screen::Schedule {
            range,
            station: station.map(str::to_string),
            open: open.map(str::to_string),
        }
    }

    fn section(id: &str) -> Screen {
        Screen::Section(id.into())
    }

    /// A visitor on home → section → article, in Chinese.
    fn deep() -> Nav {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::Open(section("folk-culture")));
        let _ = nav.apply(Action::Open(Screen::Article("paper-cutting".into())));
        nav
    }

    #[test]
    fn starts_home_in_the_default_language() {
        let nav = Nav::new(Lang::En);
        assert_eq!(nav.current(), &Screen::Home);
        assert_eq!(nav.lang(), Lang::En);
        assert!(!nav.can_go_back());
        assert!(nav.is_fresh());
        assert_eq!(nav.open_event(), None);
    }

    #[test]
    fn open_pushes_and_back_pops_to_home_and_no_further() {
        let mut nav = deep();
        assert_eq!(nav.stack().len(), 3);
        assert!(nav.can_go_back());
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &section("folk-culture"));
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &Screen::Home);
        assert_eq!(nav.apply(Action::Back), Change::None, "home is the bottom");
        assert_eq!(nav.stack(), [Screen::Home]);
    }

    #[test]
    fn back_closes_an_open_event_overlay_first() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::OpenSchedule);
        assert_eq!(nav.apply(Action::OpenEvent("e@1".into())), Change::Overlay);
        assert_eq!(nav.open_event(), Some("e@1"));
        assert_eq!(nav.apply(Action::Back), Change::Overlay);
        assert_eq!(nav.open_event(), None);
        assert!(matches!(nav.current(), Screen::Schedule { .. }));
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &Screen::Home);
    }

    #[test]
    fn home_clears_the_stack_and_is_a_no_op_at_home() {
        let mut nav = deep();
        assert_eq!(nav.apply(Action::Home), Change::Screen);
        assert_eq!(nav.stack(), [Screen::Home]);
        assert_eq!(nav.apply(Action::Home), Change::None);
    }

    #[test]
    fn home_from_an_open_overlay_leaves_nothing_open() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::Open(schedule(Range::Week, None, Some("e@1"))));
        assert_eq!(nav.apply(Action::Home), Change::Screen);
        assert_eq!(nav.open_event(), None);
        assert_eq!(nav.stack(), [Screen::Home]);
    }

    #[test]
    fn navigation_bar_does_not_stack_the_same_screen_twice() {
        let mut nav = Nav::new(Lang::Zh);
        assert_eq!(nav.apply(Action::OpenSchedule), Change::Screen);
        assert_eq!(nav.current(), &Screen::schedule());
        assert_eq!(nav.apply(Action::OpenSchedule), Change::None);
        assert_eq!(nav.apply(Action::OpenStations), Change::Screen);
        assert_eq!(nav.current(), &Screen::Station(None));
        assert_eq!(nav.apply(Action::OpenStations), Change::None);
        assert_eq!(nav.stack().len(), 3);
    }

    #[test]
    fn selecting_a_station_replaces_the_station_on_top() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::OpenStations);
        assert_eq!(
            nav.apply(Action::SelectStation("haizhiyun".into())),
            Change::Screen
        );
        assert_eq!(nav.current(), &Screen::Station(Some("haizhiyun".into())));
        assert_eq!(nav.stack().len(), 2, "replaced, not stacked");
        assert_eq!(
            nav.apply(Action::SelectStation("haizhiyun".into())),
            Change::None
        );
        // Back leaves the stations altogether.
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &Screen::Home);
    }

    #[test]
    fn selecting_a_station_elsewhere_opens_it() {
        let mut nav = Nav::new(Lang::Zh);
        assert_eq!(
            nav.apply(Action::SelectStation("liyuan".into())),
            Change::Screen
        );
        assert_eq!(nav.stack().len(), 2);
        assert_eq!(nav.current(), &Screen::Station(Some("liyuan".into())));
    }

    #[test]
    fn schedule_range_and_filter_change_in_place_and_close_the_overlay() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::OpenSchedule);
        let _ = nav.apply(Action::OpenEvent("e@1".into()));
        assert_eq!(nav.apply(Action::SetRange(Range::Week)), Change::Screen);
        assert_eq!(nav.current(), &schedule(Range::Week, None, None));
        assert_eq!(nav.apply(Action::SetRange(Range::Week)), Change::None);

        let _ = nav.apply(Action::OpenEvent("e@2".into()));
        assert_eq!(
            nav.apply(Action::FilterStation(Some("haizhiyun".into()))),
            Change::Screen
        );
        assert_eq!(
            nav.current(),
            &schedule(Range::Week, Some("haizhiyun"), None)
        );
        assert_eq!(nav.apply(Action::FilterStation(None)), Change::Screen);
        assert_eq!(nav.current(), &schedule(Range::Week, None, None));
        assert_eq!(nav.stack().len(), 2, "changed in place");

        // The same filter with the overlay open only closes the overlay.
        let _ = nav.apply(Action::OpenEvent("e@3".into()));
        assert_eq!(nav.apply(Action::FilterStation(None)), Change::Screen);
        assert_eq!(nav.open_event(), None);
    }

    #[test]
    fn schedule_changes_elsewhere_do_nothing() {
        let mut nav = deep();
        let before = nav.clone();
        assert_eq!(nav.apply(Action::SetRange(Range::Week)), Change::None);
        assert_eq!(nav.apply(Action::FilterStation(None)), Change::None);
        assert_eq!(nav.apply(Action::OpenEvent("e@1".into())), Change::None);
        assert_eq!(nav.apply(Action::CloseEvent), Change::None);
        assert_eq!(nav, before);
    }

    #[test]
    fn event_overlay_opens_switches_and_closes() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::OpenSchedule);
        assert_eq!(nav.apply(Action::CloseEvent), Change::None, "nothing open");
        assert_eq!(nav.apply(Action::OpenEvent("e@1".into())), Change::Overlay);
        assert_eq!(nav.apply(Action::OpenEvent("e@1".into())), Change::None);
        assert_eq!(nav.apply(Action::OpenEvent("e@2".into())), Change::Overlay);
        assert_eq!(nav.open_event(), Some("e@2"));
        assert_eq!(nav.apply(Action::CloseEvent), Change::Overlay);
        assert_eq!(nav.open_event(), None);
    }

    #[test]
    fn opening_a_screen_from_the_overlay_closes_it_underneath() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::Open(schedule(Range::Today, None, Some("e@1"))));
        assert_eq!(nav.open_event(), Some("e@1"), "opened with its details");
        assert_eq!(
            nav.apply(Action::Open(Screen::Station(Some("liyuan".into())))),
            Change::Screen
        );
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &schedule(Range::Today, None, None));
    }

    #[test]
    fn sign_up_opens_the_form_of_the_open_event_and_back_returns_to_the_list() {
        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::OpenSchedule);
        assert_eq!(nav.apply(Action::SignUp), Change::None, "no event open");
        let _ = nav.apply(Action::OpenEvent("tea@2026-11-24T14:30".into()));
        assert_eq!(nav.apply(Action::SignUp), Change::Screen);
        assert_eq!(
            nav.current(),
            &Screen::Form(FormKind::Signup {
                event: "tea".into(),
                start: chrono::NaiveDateTime::parse_from_str("2026-11-24T14:30", "%Y-%m-%dT%H:%M")
                    .expect("time"),
            })
        );
        assert_eq!(nav.apply(Action::Back), Change::Screen);
        assert_eq!(nav.current(), &schedule(Range::Today, None, None));
    }

    #[test]
    fn language_toggles_and_keeps_the_place() {
        let mut nav = deep();
        let stack = nav.stack().to_vec();
        assert_eq!(nav.apply(Action::ToggleLanguage), Change::Language);
        assert_eq!(nav.lang(), Lang::En);
        assert_eq!(nav.stack(), stack);
        assert_eq!(nav.set_lang(Lang::En), Change::None);
        assert_eq!(nav.apply(Action::ToggleLanguage), Change::Language);
        assert_eq!(nav.lang(), Lang::Zh);
    }

    #[test]
    fn gone_content_steps_back_or_lands_home() {
        let mut nav = deep();
        assert_eq!(nav.content_gone(), Change::Screen);
        assert_eq!(nav.current(), &section("folk-culture"));
        assert_eq!(nav.content_gone(), Change::Screen);
        assert_eq!(nav.current(), &Screen::Home);
        assert_eq!(nav.content_gone(), Change::None, "home never goes away");
    }

    #[test]
    fn the_slideshow_covers_a_fresh_home_and_home_ends_it() {
        let mut nav = deep();
        let _ = nav.apply(Action::ToggleLanguage);
        assert_eq!(nav.start_attract(), Change::Language);
        assert_eq!(nav.current(), &Screen::Attract);
        assert_eq!(nav.lang(), Lang::Zh);
        assert_eq!(nav.start_attract(), Change::None, "already showing");
        assert!(!nav.is_fresh());
        assert_eq!(nav.apply(Action::Home), Change::Screen);
        assert!(nav.is_fresh());
        assert_eq!(Nav::new(Lang::Zh).start_attract(), Change::Screen);
    }

    #[test]
    fn idle_reset_goes_home_in_the_default_language() {
        let mut nav = deep();
        let _ = nav.apply(Action::ToggleLanguage);
        assert!(!nav.is_fresh());
        assert_eq!(nav.reset(), Change::Language);
        assert!(nav.is_fresh());
        assert_eq!(nav.stack(), [Screen::Home]);
        assert_eq!(nav.lang(), Lang::Zh);
        assert_eq!(nav.reset(), Change::None, "already fresh");

        let mut nav = deep();
        assert_eq!(
            nav.reset(),
            Change::Screen,
            "same language: only the screen"
        );

        let mut nav = Nav::new(Lang::Zh);
        let _ = nav.apply(Action::ToggleLanguage);
        assert_eq!(nav.reset(), Change::Language, "home, but in English");
    }
}
