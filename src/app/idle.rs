//! What an untouched kiosk does, and when (WCAG 2.2.1): warn when a form holds typed text,
//! return home in the default language wiping everything typed, then start the slideshow.
//!
//! Plain Rust without Slint: [`Idle::due`] says what is due at an instant, so every step of the
//! timeline is unit-tested; the app runs one single-shot timer to the next step. [`Ticks`] is
//! the monotonic time it reads, which tests move by hand (with Slint's mock time) instead of
//! sleeping. [`TypedInputs`] is where everything that holds typed text registers.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::config::IdleConfig;

/// The idle timeline, from the config's `[idle]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleTimes {
    /// No touch this long: home, default language, typed text wiped.
    pub reset: Duration,
    /// How long before the reset the "Still there?" notice shows, when something is typed.
    pub warning: Duration,
    /// No touch this long: the slideshow; `None`: never.
    pub attract: Option<Duration>,
    /// How long each slide stays.
    pub slide: Duration,
}

impl From<&IdleConfig> for IdleTimes {
    fn from(c: &IdleConfig) -> IdleTimes {
        IdleTimes {
            reset: Duration::from_secs(c.reset_seconds),
            warning: Duration::from_secs(c.warning_seconds.min(c.reset_seconds)),
            attract: (c.attract_after_seconds > 0)
                .then(|| Duration::from_secs(c.attract_after_seconds)),
            slide: Duration::from_secs(c.slide_seconds),
        }
    }
}

impl Default for IdleTimes {
    fn default() -> IdleTimes {
        IdleTimes::from(&IdleConfig::default())
    }
}

/// The monotonic clock idle times are measured on: the system's, or one a test moves by hand.
#[derive(Debug, Clone, Default)]
pub struct Ticks(Option<Rc<Cell<Instant>>>);

impl Ticks {
    pub fn system() -> Ticks {
        Ticks(None)
    }

    /// A clock that stands still until [`Ticks::advance`] moves it.
    pub fn manual() -> Ticks {
        Ticks(Some(Rc::new(Cell::new(Instant::now()))))
    }

    pub fn now(&self) -> Instant {
        match &self.0 {
            Some(manual) => manual.get(),
            None => Instant::now(),
        }
    }

    /// Moves a manual clock on (a system clock moves by itself).
    pub fn advance(&self, by: Duration) {
        if let Some(manual) = &self.0 {
            manual.set(manual.get() + by);
        }
    }
}

/// What is due at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing before `at`.
    Wait(Instant),
    /// The "Still there?" notice, showing `left` whole seconds; it changes at `next`.
    Warn { left: u64, next: Instant },
    /// Home in the default language, everything typed wiped.
    Reset,
    /// The slideshow.
    Attract,
    /// Nothing more happens until somebody touches the screen.
    Rest,
}

/// The idle timeline since the last touch.
#[derive(Debug, Clone)]
pub struct Idle {
    times: IdleTimes,
    last_touch: Instant,
    /// The reset since the last touch has happened.
    reset_done: bool,
}

impl Idle {
    pub fn new(times: IdleTimes, now: Instant) -> Idle {
        Idle {
            times,
            last_touch: now,
            reset_done: false,
        }
    }

    pub fn times(&self) -> IdleTimes {
        self.times
    }

    /// Somebody touched the screen: the timeline starts again.
    pub fn touch(&mut self, now: Instant) {
        self.last_touch = now;
        self.reset_done = false;
    }

    /// The reset is done; next comes the slideshow, if any.
    pub fn reset_done(&mut self) {
        self.reset_done = true;
    }

    /// What is due at `now`; `typed`: whether anything holds typed text.
    pub fn due(&self, now: Instant, typed: bool) -> Due {
        let t = self.times;
        let idle = now.saturating_duration_since(self.last_touch);
        if !self.reset_done {
            let warn_from = t.reset.saturating_sub(t.warning);
            if idle < warn_from {
                // Typed text or not, look again when a warning could be due: a form may
                // have been filled in the meantime.
                return Due::Wait(self.last_touch + warn_from);
            }
            if idle < t.reset {
                if !typed {
                    return Due::Wait(self.last_touch + t.reset);
                }
                let left = t.reset - idle;
                let whole = left.as_millis().div_ceil(1000) as u64;
                // The number changes when `left` drops to `whole - 1` seconds.
                let next = now + (left - Duration::from_secs(whole - 1));
                return Due::Warn { left: whole, next };
            }
            return Due::Reset;
        }
        match t.attract {
            Some(after) if idle >= after => Due::Attract,
            Some(after) => Due::Wait(self.last_touch + after),
            None => Due::Rest,
        }
    }
}

/// Something that holds what a visitor typed: a form's fields, the keyboard's composition and
/// candidates, the pinyin engine's state. Registered with [`TypedInputs`], so the idle
/// warning knows there is something to lose and the reset wipes it.
pub trait TypedInput {
    /// Whether it holds anything a visitor typed.
    fn has_input(&self) -> bool;
    /// Forgets all of it.
    fn wipe(&self);
}

/// A [`TypedInput`] made of two closures.
pub struct InputHooks<H, W> {
    pub has_input: H,
    pub wipe: W,
}

impl<H: Fn() -> bool, W: Fn()> TypedInput for InputHooks<H, W> {
    fn has_input(&self) -> bool {
        (self.has_input)()
    }

    fn wipe(&self) {
        (self.wipe)()
    }
}

/// Everything that holds typed text, registered once (a page when it binds, the keyboard, the
/// pinyin engine). Cloning shares it.
#[derive(Clone, Default)]
pub struct TypedInputs(Rc<RefCell<Vec<Rc<dyn TypedInput>>>>);

impl TypedInputs {
    pub fn register(&self, input: Rc<dyn TypedInput>) {
        self.0.borrow_mut().push(input);
    }

    /// Whether anything holds typed text.
    pub fn has_input(&self) -> bool {
        self.all().iter().any(|i| i.has_input())
    }

    /// Wipes everything typed, everywhere.
    pub fn wipe(&self) {
        for input in self.all() {
            input.wipe();
        }
    }

    /// A copy of the list, so a hook may register another without a double borrow.
    fn all(&self) -> Vec<Rc<dyn TypedInput>> {
        self.0.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn times() -> IdleTimes {
        IdleTimes {
            reset: 90 * S,
            warning: 20 * S,
            attract: Some(300 * S),
            slide: 8 * S,
        }
    }

    #[test]
    fn without_typed_text_the_reset_comes_without_a_warning() {
        let t0 = Instant::now();
        let idle = Idle::new(times(), t0);
        assert_eq!(idle.due(t0, false), Due::Wait(t0 + 70 * S));
        assert_eq!(idle.due(t0 + 70 * S, false), Due::Wait(t0 + 90 * S));
        assert_eq!(idle.due(t0 + 89 * S, false), Due::Wait(t0 + 90 * S));
        assert_eq!(idle.due(t0 + 90 * S, false), Due::Reset);
    }

    #[test]
    fn typed_text_gets_a_counted_down_warning_first() {
        let t0 = Instant::now();
        let idle = Idle::new(times(), t0);
        assert_eq!(idle.due(t0 + 69 * S, true), Due::Wait(t0 + 70 * S));
        assert_eq!(
            idle.due(t0 + 70 * S, true),
            Due::Warn {
                left: 20,
                next: t0 + 71 * S
            }
        );
        // Between whole seconds the number is rounded up and changes on the next second.
        let half = Duration::from_millis(500);
        assert_eq!(
            idle.due(t0 + 70 * S + half, true),
            Due::Warn {
                left: 20,
                next: t0 + 71 * S
            }
        );
        assert_eq!(
            idle.due(t0 + 89 * S, true),
            Due::Warn {
                left: 1,
                next: t0 + 90 * S
            }
        );
        assert_eq!(idle.due(t0 + 90 * S, true), Due::Reset);
    }

    #[test]
    fn a_touch_starts_the_timeline_again() {
        let t0 = Instant::now();
        let mut idle = Idle::new(times(), t0);
        assert!(matches!(
            idle.due(t0 + 80 * S, true),
            Due::Warn { left: 10, .. }
        ));
        idle.touch(t0 + 80 * S);
        assert_eq!(idle.due(t0 + 81 * S, true), Due::Wait(t0 + 150 * S));
        assert_eq!(idle.due(t0 + 170 * S, true), Due::Reset);
    }

    #[test]
    fn after_the_reset_comes_the_slideshow_or_rest() {
        let t0 = Instant::now();
        let mut idle = Idle::new(times(), t0);
        assert_eq!(idle.due(t0 + 90 * S, false), Due::Reset);
        idle.reset_done();
        assert_eq!(idle.due(t0 + 90 * S, false), Due::Wait(t0 + 300 * S));
        assert_eq!(idle.due(t0 + 300 * S, false), Due::Attract);

        let mut calm = Idle::new(
            IdleTimes {
                attract: None,
                ..times()
            },
            t0,
        );
        calm.reset_done();
        assert_eq!(calm.due(t0 + 1000 * S, false), Due::Rest);
    }

    #[test]
    fn times_come_from_the_config() {
        let t = IdleTimes::from(&IdleConfig {
            attract_after_seconds: 0,
            ..IdleConfig::default()
        });
        assert_eq!(t.attract, None);
        assert_eq!(IdleTimes::default(), times());
    }

    #[test]
    fn typed_inputs_report_and_wipe_all() {
        let inputs = TypedInputs::default();
        assert!(!inputs.has_input());
        let text = Rc::new(RefCell::new(String::from("你好")));
        let (a, b) = (text.clone(), text.clone());
        inputs.register(Rc::new(InputHooks {
            has_input: move || !a.borrow().is_empty(),
            wipe: move || b.borrow_mut().clear(),
        }));
        assert!(inputs.has_input());
        inputs.wipe();
        assert!(text.borrow().is_empty());
        assert!(!inputs.has_input());
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let ticks = Ticks::manual();
        let start = ticks.now();
        assert_eq!(ticks.now(), start);
        ticks.advance(5 * S);
        assert_eq!(ticks.now(), start + 5 * S);
    }
}
