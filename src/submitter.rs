//! The outbox thread: what visitors submit is written to `outbox.db` here, never on the UI
//! thread (the outbox is SQLite, and a write waits for `fsync`). The UI thread hands over a
//! checked payload with its submission id and hears back through a callback (the app routes it
//! into its channel) only once the item is committed, so "received" is said only of what
//! survives a power cut.
//!
//! Jobs run strictly in order on one connection. The thread opens the outbox itself, so a
//! kiosk whose data folder cannot hold one still starts: each job then answers with the error.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use protocol::visitor::Checked;
use protocol::wire::{ClaimSubmission, SignupSubmission, WishSubmission};
use uuid::Uuid;

use crate::store::Outbox;
use crate::store::outbox::{Enqueued, Tracked};

/// A checked submission, ready to queue.
#[derive(Debug, Clone)]
pub enum Payload {
    Wish(Checked<WishSubmission>),
    Claim(Checked<ClaimSubmission>),
    Signup(Checked<SignupSubmission>),
}

type EnqueueReply = Box<dyn FnOnce(Result<Enqueued, String>) + Send>;
type TrackReply = Box<dyn FnOnce(Result<Option<Tracked>, String>) + Send>;

enum Job {
    Enqueue(Uuid, Payload, EnqueueReply),
    Track(Uuid, TrackReply),
}

/// The handle the UI thread keeps. Dropping it lets the thread finish the jobs already sent
/// (so nothing a visitor submitted is dropped) and waits for it.
pub struct Submitter {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Submitter {
    /// Starts the thread on the outbox in `data_dir`.
    pub fn spawn(data_dir: PathBuf) -> std::io::Result<Submitter> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("outbox".into())
            .spawn(move || {
                let outbox = Outbox::open(&data_dir).map_err(|e| {
                    tracing::error!(error = %e, dir = %data_dir.display(), "cannot open the outbox");
                    e.to_string()
                });
                for job in receiver {
                    match job {
                        Job::Enqueue(id, payload, reply) => {
                            reply(match &outbox {
                                Ok(outbox) => enqueue(outbox, id, &payload),
                                Err(e) => Err(e.clone()),
                            });
                        }
                        Job::Track(id, reply) => reply(match &outbox {
                            Ok(outbox) => outbox.item(id).map_err(|e| e.to_string()),
                            Err(e) => Err(e.clone()),
                        }),
                    }
                }
            })?;
        Ok(Submitter {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Queues `payload` under `id` (the id the form took when it opened: a second call with it
    /// creates nothing). `reply` runs on the outbox thread once the item is committed, or with
    /// the reason it could not be.
    pub fn enqueue(
        &self,
        id: Uuid,
        payload: Payload,
        reply: impl FnOnce(Result<Enqueued, String>) + Send + 'static,
    ) {
        self.send(Job::Enqueue(id, payload, Box::new(reply)));
    }

    /// Reads where item `id` stands (waiting, or the server's answer).
    pub fn track(
        &self,
        id: Uuid,
        reply: impl FnOnce(Result<Option<Tracked>, String>) + Send + 'static,
    ) {
        self.send(Job::Track(id, Box::new(reply)));
    }

    fn send(&self, job: Job) {
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if !sent {
            tracing::error!("the outbox thread has ended; a submission could not be handed over");
        }
    }
}

fn enqueue(outbox: &Outbox, id: Uuid, payload: &Payload) -> Result<Enqueued, String> {
    let done = match payload {
        Payload::Wish(p) => outbox.enqueue_wish(id, p),
        Payload::Claim(p) => outbox.enqueue_claim(id, p),
        Payload::Signup(p) => outbox.enqueue_signup(id, p),
    };
    done.map_err(|e| {
        tracing::error!(error = %e, %id, "a visitor's submission could not be saved");
        e.to_string()
    })
}

impl Drop for Submitter {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the jobs already sent.
        self.jobs.take();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the outbox thread panicked");
        }
    }
}
