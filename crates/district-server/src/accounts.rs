//! Staff accounts as rules, without storage: the three roles, what a name and a password must
//! be, argon2 password hashes, personal API tokens and session secrets. `storage::accounts`
//! keeps them; the console and `district-server user …` use both.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// What a staff member may do. Admins may do everything editors and moderators may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StaffRole {
    /// Manages people and kiosks, and everything else.
    Admin,
    /// Edits content and the schedule.
    Editor,
    /// Handles wishes, claims and sign-ups (sees visitors' contacts).
    Moderator,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Admin, StaffRole::Editor, StaffRole::Moderator];

    pub fn key(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Editor => "editor",
            StaffRole::Moderator => "moderator",
        }
    }
}

impl std::str::FromStr for StaffRole {
    type Err = AccountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(StaffRole::Admin),
            "editor" => Ok(StaffRole::Editor),
            "moderator" => Ok(StaffRole::Moderator),
            other => Err(AccountError::BadRole(other.chars().take(40).collect())),
        }
    }
}

impl std::fmt::Display for StaffRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Who may use a route. The route tables of the console and the staff API carry one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the login page, the stylesheet).
    Public,
    /// Any signed-in staff member (their own account, the overview).
    Staff,
    /// Only these roles (admins are always among them).
    Roles(&'static [StaffRole]),
}

pub const ADMINS: Access = Access::Roles(&[StaffRole::Admin]);
pub const EDITORS: Access = Access::Roles(&[StaffRole::Admin, StaffRole::Editor]);
pub const MODERATORS: Access = Access::Roles(&[StaffRole::Admin, StaffRole::Moderator]);

impl Access {
    /// Whether a signed-in member of `role` may pass.
    pub fn allows(self, role: StaffRole) -> bool {
        match self {
            Access::Public | Access::Staff => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Shortest and longest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest account name and token label.
pub const MAX_NAME_CHARS: usize = 40;
pub const MAX_LABEL_CHARS: usize = 60;

/// Prefix of personal API tokens (kiosk tokens are `lkk_`, the operator's staff tokens `lks_`).
pub const PERSONAL_TOKEN_PREFIX: &str = "lkp_";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("`{0}` is not a valid account name: use 1 to 40 of a-z, 0-9, `.`, `-` and `_`")]
    BadName(String),
    #[error("`{0}` is not a role: use admin, editor or moderator")]
    BadRole(String),
    #[error("the password is too short: use at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("the password is too long: use at most {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    #[error("a token needs a label of 1 to {MAX_LABEL_CHARS} characters saying what it is for")]
    BadLabel,
    #[error("an account named `{0}` already exists")]
    NameTaken(String),
    #[error("no account named `{0}`")]
    NoSuchUser(String),
    #[error("the last active admin cannot lose the admin role or be disabled")]
    LastAdmin,
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
}

/// Checks an account name: short, lower-case, safe in URLs, logs and file names.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadName(name.chars().take(60).collect()))
    }
}

/// Checks a new password's length (in characters, so Chinese passphrases count fairly).
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooLong);
    }
    Ok(())
}

/// A token label, trimmed and checked.
pub fn check_label(label: &str) -> Result<String, AccountError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(AccountError::BadLabel);
    }
    Ok(label.to_string())
}

/// The argon2id hash (PHC string, with its own random salt) stored for a password.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a stored hash. A damaged hash matches nothing.
pub fn verify_password(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash is damaged");
            false
        }
    }
}

/// Spends the time of one password check, for names that have no account: an answer that
/// comes back faster would tell an attacker which names exist.
pub fn waste_password_check(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash_password("not a password anyone has").ok()) {
        let _ = verify_password(hash, password);
    }
}

/// 256 random bits in hex.
pub fn random_secret() -> Result<String, AccountError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// A new personal API token (shown once; only its [`secret_hash`] is stored).
pub fn new_personal_token() -> Result<String, AccountError> {
    Ok(format!("{PERSONAL_TOKEN_PREFIX}{}", random_secret()?))
}

/// What is stored for a session id or token: they carry 256 random bits, so a plain hash
/// suffices (argon2 is for low-entropy passwords).
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session (or of a login form's pre-session): derived from its secret,
/// so it needs no storage, differs per session, and dies with it.
pub fn csrf_token(secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"lobby-kiosk console csrf\0");
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Compares two strings in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_passwords_and_roles() {
        assert!(check_name("wang.fang-2").is_ok());
        for bad in ["", "Wang", "a b", "王芳", &"x".repeat(41)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(check_password("short"), Err(AccountError::PasswordTooShort));
        assert!(check_password("海之云驿站的长密码口令").is_ok());
        assert_eq!(
            check_password(&"x".repeat(129)),
            Err(AccountError::PasswordTooLong)
        );
        assert_eq!("editor".parse::<StaffRole>(), Ok(StaffRole::Editor));
        assert!("root".parse::<StaffRole>().is_err());
        assert!(MODERATORS.allows(StaffRole::Admin));
        assert!(!MODERATORS.allows(StaffRole::Editor));
        assert!(!ADMINS.allows(StaffRole::Moderator));
    }

    #[test]
    fn passwords_hash_with_salt_and_verify() {
        let a = hash_password("correct horse battery").expect("hash");
        let b = hash_password("correct horse battery").expect("hash");
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(!a.contains("correct horse"));
        assert!(verify_password(&a, "correct horse battery"));
        assert!(!verify_password(&a, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn csrf_tokens_are_per_secret() {
        assert_ne!(csrf_token("a"), csrf_token("b"));
        assert_eq!(csrf_token("a"), csrf_token("a"));
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
