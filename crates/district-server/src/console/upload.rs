//! Why an uploaded file could not be stored, said to staff in the page's language: a full disk
//! and a folder the server cannot write are told apart (the first is staff's to report, the
//! second the operator's to fix); the cause itself goes to the log, not to the page.

use std::io::ErrorKind;

use axum::http::StatusCode;
use protocol::text::Lang;

use super::i18n::tr;
use crate::blobs::BlobError;

/// What went wrong storing an upload, as much as staff need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFailure {
    /// No space left (or over the disk quota).
    DiskFull,
    /// The storage folder cannot be written (permissions, read-only, not a folder).
    Unwritable,
    /// The bytes on disk did not read back as written.
    Damaged,
}

impl StoreFailure {
    pub fn of_io(e: &std::io::Error) -> StoreFailure {
        // ENOSPC and EDQUOT by number too, for errors that reach here without their kind.
        if e.kind() == ErrorKind::StorageFull || matches!(e.raw_os_error(), Some(28 | 122)) {
            StoreFailure::DiskFull
        } else {
            StoreFailure::Unwritable
        }
    }

    pub fn of_blob(e: &BlobError) -> StoreFailure {
        match e {
            BlobError::Io { cause, .. } => StoreFailure::of_io(cause),
            BlobError::Mismatch { .. } | BlobError::BadName(_) => StoreFailure::Damaged,
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            StoreFailure::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            StoreFailure::Unwritable | StoreFailure::Damaged => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown next to the upload field.
    pub fn message(self, lang: Lang) -> String {
        tr(
            lang,
            match self {
                StoreFailure::DiskFull => "upload-disk-full",
                StoreFailure::Unwritable => "upload-store-unwritable",
                StoreFailure::Damaged => "upload-store-damaged",
            },
        )
    }
}

/// The failure of storing an uploaded image, logged with its cause.
pub fn blob_failure(e: &BlobError) -> StoreFailure {
    tracing::error!(error = %e, "storing an uploaded file failed");
    StoreFailure::of_blob(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_an_unwritable_folder() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(StoreFailure::of_io(&full), StoreFailure::DiskFull);
        let quota = std::io::Error::from_raw_os_error(122);
        assert_eq!(StoreFailure::of_io(&quota), StoreFailure::DiskFull);
        let denied = std::io::Error::from(ErrorKind::PermissionDenied);
        assert_eq!(StoreFailure::of_io(&denied), StoreFailure::Unwritable);
        for f in [
            StoreFailure::DiskFull,
            StoreFailure::Unwritable,
            StoreFailure::Damaged,
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let m = f.message(lang);
                assert!(!m.starts_with("upload-"), "{m} is a message, not its id");
            }
        }
        assert!(
            StoreFailure::DiskFull
                .message(Lang::Zh)
                .contains("磁盘已满")
        );
    }
}
