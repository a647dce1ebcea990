//! The pinyin engine's own thread. Starting librime reads and may write its user folder, and
//! every key goes through it, so none of it runs on the UI thread: the UI sends taps
//! ([`InputEngine::send`]) and gets each resulting [`Composition`] through the callback it gave
//! (the app routes it into its channel to the UI thread). Taps are handled strictly in order;
//! taps made while the engine is still starting wait for it (it takes well under a second, at
//! the kiosk's start, before anyone types).

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::composer::{Composer, Composition, Input, Mode};
use super::engine::PinyinEngine;
use super::rime::{Rime, RimeSettings};

enum Command {
    Input(Input),
    DefaultMode(Mode),
    /// Starts an engine spawned on demand (a form opened): taps will follow.
    Wake,
    /// Ends the thread even while [`InputEngine::sender`] clones are alive.
    Stop,
}

/// The handle the UI thread keeps. Dropping it ends the thread after the taps already sent and
/// waits for it (milliseconds; up to the start-up time if the engine is still starting): librime
/// must be shut down before the process exits, as its static destructors crash on a live
/// session.
#[derive(Debug)]
pub struct InputEngine {
    commands: mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl InputEngine {
    /// librime with the kiosk's settings, on its own thread. If librime or its data is missing,
    /// the compositions say [`super::ChineseInput::Unavailable`] and English and digits work.
    pub fn spawn_rime(
        settings: RimeSettings,
        on_update: impl Fn(Composition) + Send + 'static,
    ) -> std::io::Result<InputEngine> {
        let on_demand = settings.on_demand;
        InputEngine::spawn_with(
            on_demand,
            move || {
                if !settings.start_after.is_zero() {
                    std::thread::sleep(settings.start_after);
                }
                Rime::start(settings)
                    .map(|rime| Box::new(rime) as Box<dyn PinyinEngine>)
                    .map_err(|e| {
                        tracing::warn!(error = %e, "pinyin input unavailable");
                        e.to_string()
                    })
            },
            on_update,
        )
    }

    /// Any engine, started by `start` on the new thread. The first composition reports whether
    /// the engine started; every tap sent afterwards yields one more.
    pub fn spawn(
        start: impl FnOnce() -> Result<Box<dyn PinyinEngine>, String> + Send + 'static,
        on_update: impl Fn(Composition) + Send + 'static,
    ) -> std::io::Result<InputEngine> {
        InputEngine::spawn_with(false, start, on_update)
    }

    /// Like [`InputEngine::spawn`], but `start` runs only once the engine is needed: when
    /// [`InputEngine::wake`] is called (a form opened) or a key is tapped. Until then the
    /// thread only waits, and what it was sent (a layout, a reset between visitors) is handled
    /// after the start, in order. A kiosk nobody types on never loads the engine.
    pub fn spawn_on_demand(
        start: impl FnOnce() -> Result<Box<dyn PinyinEngine>, String> + Send + 'static,
        on_update: impl Fn(Composition) + Send + 'static,
    ) -> std::io::Result<InputEngine> {
        InputEngine::spawn_with(true, start, on_update)
    }

    fn spawn_with(
        on_demand: bool,
        start: impl FnOnce() -> Result<Box<dyn PinyinEngine>, String> + Send + 'static,
        on_update: impl Fn(Composition) + Send + 'static,
    ) -> std::io::Result<InputEngine> {
        let (commands, receiver) = mpsc::channel::<Command>();
        let thread = std::thread::Builder::new()
            .name("pinyin-engine".into())
            .spawn(move || {
                let mut waiting = Vec::new();
                if on_demand {
                    loop {
                        match receiver.recv() {
                            Ok(Command::Wake) => break,
                            Ok(Command::Input(input)) if needs_engine(&input) => {
                                waiting.push(Command::Input(input));
                                break;
                            }
                            // Ended before anyone typed: the engine was never loaded.
                            Ok(Command::Stop) | Err(_) => return,
                            Ok(other) => wait_with(&mut waiting, other),
                        }
                    }
                }
                let mut composer = Composer::new(start());
                on_update(composer.composition());
                for command in waiting.into_iter().chain(receiver) {
                    match command {
                        Command::Input(input) => on_update(composer.handle(input)),
                        Command::DefaultMode(mode) => composer.set_default_mode(mode),
                        Command::Wake => {}
                        Command::Stop => break,
                    }
                }
            })?;
        Ok(InputEngine {
            commands,
            thread: Some(thread),
        })
    }

    /// One tap, handled after those sent before it.
    pub fn send(&self, input: Input) {
        if self.commands.send(Command::Input(input)).is_err() {
            tracing::error!("pinyin engine thread has ended; tap dropped");
        }
    }

    /// Starts an engine spawned on demand, if it has not started: a form opened, taps will
    /// follow. Does nothing otherwise.
    pub fn wake(&self) {
        let _ = self.commands.send(Command::Wake);
    }

    /// The layout a reset returns to (from the kiosk's default language).
    pub fn set_default_mode(&self, mode: Mode) {
        let _ = self.commands.send(Command::DefaultMode(mode));
    }

    /// A sender usable from callbacks (cheap to clone, `Send`).
    pub fn sender(&self) -> impl Fn(Input) + Clone + Send + 'static {
        let commands = self.commands.clone();
        move |input| {
            if commands.send(Command::Input(input)).is_err() {
                tracing::error!("pinyin engine thread has ended; tap dropped");
            }
        }
    }

    /// Ends the thread after the taps already sent and waits for it; the same as dropping.
    pub fn shut_down(self) {}
}

impl Drop for InputEngine {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take()
            && thread.thread().id() != std::thread::current().id()
            && thread.join().is_err()
        {
            tracing::error!("pinyin engine thread panicked");
        }
    }
}

/// Adds `command` to those waiting for an engine spawned on demand, keeping only the latest of
/// each kind, in the order of their latest: with nothing typed, the state they leave is the
/// same (the last layout after the last reset, or the reset's), and a kiosk nobody types on
/// for months does not pile up a reset per visitor.
fn wait_with(waiting: &mut Vec<Command>, command: Command) {
    let kind = std::mem::discriminant(&command);
    let input_kind = match &command {
        Command::Input(input) => Some(std::mem::discriminant(input)),
        _ => None,
    };
    waiting.retain(|earlier| {
        std::mem::discriminant(earlier) != kind
            || match earlier {
                Command::Input(input) => Some(std::mem::discriminant(input)) != input_kind,
                _ => false,
            }
    });
    waiting.push(command);
}

/// Whether `input` is a tap on the keyboard, which an engine spawned on demand starts for. A
/// layout or a reset between visitors can wait.
fn needs_engine(input: &Input) -> bool {
    !matches!(input, Input::Mode(_) | Input::Reset)
}
