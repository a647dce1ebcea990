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
        InputEngine::spawn(
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
        let (commands, receiver) = mpsc::channel::<Command>();
        let thread = std::thread::Builder::new()
            .name("pinyin-engine".into())
            .spawn(move || {
                let mut composer = Composer::new(start());
                on_update(composer.composition());
                for command in receiver {
                    match command {
                        Command::Input(input) => on_update(composer.handle(input)),
                        Command::DefaultMode(mode) => composer.set_default_mode(mode),
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
