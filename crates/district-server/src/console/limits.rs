//! Login throttling: failed attempts are counted per account name and per client address in a
//! sliding window; past the limit, logins are refused without checking the password.
//!
//! Written here rather than with a rate-limit crate (governor, tower_governor): those limit
//! *requests* per key, while this must count only *failures* and forgive an account once its
//! owner signs in. It lives in memory: a restart forgets it, which an attacker cannot cause.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account name within [`WINDOW`].
pub const PER_ACCOUNT: usize = 5;
/// Failures allowed per client address within [`WINDOW`] (an office shares one address).
pub const PER_ADDRESS: usize = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most; the oldest are forgotten first (a flood of made-up names cannot
/// exhaust memory).
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
struct Failures {
    accounts: HashMap<String, VecDeque<Instant>>,
    addresses: HashMap<IpAddr, VecDeque<Instant>>,
}

/// Shared by every request of one server.
#[derive(Default)]
pub struct LoginLimits {
    inner: Mutex<Failures>,
}

fn recent(q: &mut VecDeque<Instant>, now: Instant) -> usize {
    while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        q.pop_front();
    }
    q.len()
}

fn wait(q: &VecDeque<Instant>, now: Instant) -> Duration {
    q.front()
        .map(|t| WINDOW.saturating_sub(now.duration_since(*t)))
        .unwrap_or_default()
}

fn prune<K: Clone + Eq + std::hash::Hash>(map: &mut HashMap<K, VecDeque<Instant>>, now: Instant) {
    if map.len() < MAX_KEYS {
        return;
    }
    map.retain(|_, q| recent(q, now) > 0);
    while map.len() >= MAX_KEYS {
        let oldest = map
            .iter()
            .min_by_key(|(_, q)| q.back().copied())
            .map(|(k, _)| k.clone());
        match oldest {
            Some(k) => map.remove(&k),
            None => break,
        };
    }
}

impl LoginLimits {
    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Some(wait)` when this account or address must wait before trying again.
    pub fn blocked(&self, account: &str, address: IpAddr, now: Instant) -> Option<Duration> {
        let mut f = self.lock();
        let mut longest = None::<Duration>;
        if let Some(q) = f.accounts.get_mut(account)
            && recent(q, now) >= PER_ACCOUNT
        {
            longest = Some(wait(q, now));
        }
        if let Some(q) = f.addresses.get_mut(&address)
            && recent(q, now) >= PER_ADDRESS
        {
            let w = wait(q, now);
            longest = Some(longest.map_or(w, |l| l.max(w)));
        }
        longest
    }

    /// Counts a failed attempt.
    pub fn failed(&self, account: &str, address: IpAddr, now: Instant) {
        let mut f = self.lock();
        prune(&mut f.accounts, now);
        prune(&mut f.addresses, now);
        f.accounts
            .entry(account.to_string())
            .or_default()
            .push_back(now);
        f.addresses.entry(address).or_default().push_back(now);
    }

    /// Forgets an account's failures once its owner signed in (the address keeps its count).
    pub fn succeeded(&self, account: &str) {
        self.lock().accounts.remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_per_account_and_per_address_and_forgives() {
        let limits = LoginLimits::default();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let t0 = Instant::now();
        for _ in 0..PER_ACCOUNT {
            assert_eq!(limits.blocked("wang", a, t0), None);
            limits.failed("wang", a, t0);
        }
        let w = limits
            .blocked("wang", b, t0)
            .expect("account blocked everywhere");
        assert!(w <= WINDOW && w > Duration::from_secs(60));
        assert_eq!(
            limits.blocked("li", a, t0),
            None,
            "others on that address still may"
        );
        assert_eq!(
            limits.blocked("wang", a, t0 + WINDOW),
            None,
            "the window passes"
        );
        limits.succeeded("wang");
        assert_eq!(limits.blocked("wang", a, t0), None);
        for i in 0..PER_ADDRESS {
            limits.failed(&format!("name{i}"), b, t0);
        }
        assert!(limits.blocked("anyone", b, t0).is_some(), "address blocked");
        assert_eq!(limits.blocked("anyone", a, t0), None);
    }
}
