//! The maintenance PIN: only its argon2 hash (a PHC string) is stored in the config file, made
//! by `kiosk pin-hash`; the kiosk checks a typed PIN against it.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Fewest and most digits a maintenance PIN may have.
pub const MIN_DIGITS: usize = 4;
pub const MAX_DIGITS: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PinError {
    #[error("a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits (0-9), nothing else")]
    Format,
    #[error("`{0}` is not an argon2 PHC string (make one with `kiosk pin-hash`)")]
    NotAHash(String),
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// A configured PIN hash, checked for shape when the config is read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct PinHash(String);

impl TryFrom<String> for PinHash {
    type Error = PinError;

    fn try_from(phc: String) -> Result<PinHash, PinError> {
        PinHash::parse(&phc)
    }
}

impl PinHash {
    /// Parses an argon2 PHC string (`$argon2id$v=19$m=…,t=…,p=…$SALT$HASH`).
    pub fn parse(phc: &str) -> Result<PinHash, PinError> {
        let phc = phc.trim();
        let parsed = PasswordHash::new(phc).map_err(|_| PinError::NotAHash(short(phc)))?;
        if !parsed.algorithm.as_str().starts_with("argon2") || parsed.hash.is_none() {
            return Err(PinError::NotAHash(short(phc)));
        }
        Ok(PinHash(phc.to_string()))
    }

    /// Whether `pin` is the PIN this hash was made of. Takes tens of milliseconds on purpose
    /// (argon2): call it off the UI thread.
    pub fn verify(&self, pin: &str) -> bool {
        match PasswordHash::new(&self.0) {
            Ok(hash) => Argon2::default()
                .verify_password(pin.as_bytes(), &hash)
                .is_ok(),
            Err(_) => false,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `pin` has the shape of a PIN: [`MIN_DIGITS`]..=[`MAX_DIGITS`] ASCII digits.
pub fn check_format(pin: &str) -> Result<(), PinError> {
    if (MIN_DIGITS..=MAX_DIGITS).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Format)
    }
}

/// The argon2id PHC string of `pin` with a fresh random salt, for `maintenance_pin_hash`.
pub fn hash(pin: &str) -> Result<String, PinError> {
    check_format(pin)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PinError::Hash(e.to_string()))
}

/// A config value quoted in an error: never the whole of a long string.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_pin_and_no_other() {
        let phc = hash("246810").expect("hashes");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        let pin = PinHash::parse(&phc).expect("parses");
        assert!(pin.verify("246810"));
        assert!(!pin.verify("246811"));
        assert!(!pin.verify(""));
        assert_ne!(
            hash("246810").expect("hashes"),
            phc,
            "a fresh salt each time"
        );
    }

    #[test]
    fn only_digit_pins_of_sensible_length_are_hashed() {
        assert_eq!(hash("123"), Err(PinError::Format));
        assert_eq!(hash("12ab56"), Err(PinError::Format));
        assert_eq!(hash("1234567890123"), Err(PinError::Format));
        assert_eq!(check_format("1234"), Ok(()));
    }

    #[test]
    fn anything_but_an_argon2_phc_string_is_refused() {
        assert!(matches!(PinHash::parse("1234"), Err(PinError::NotAHash(_))));
        assert!(matches!(
            PinHash::parse("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA"),
            Err(PinError::NotAHash(_))
        ));
    }
}
