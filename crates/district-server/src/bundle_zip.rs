//! Bundle folders as zip files, for the console's export and import. Export writes the
//! published content as a folder `kioskctl check` accepts (`bundle.json` and `images/`).
//! Import reads an uploaded zip into memory with hard limits (entries, sizes as actually
//! decompressed, names that stay inside the folder), so a zip bomb or a path like `../x`
//! is refused before anything is looked at; the bundle is then validated like any other.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use protocol::bundle::{self, Bundle, BundleError, MANIFEST};
use protocol::content::Content;

use crate::blobs::BlobStore;
use crate::push;

/// Largest zip accepted for upload.
pub const MAX_ZIP_BYTES: usize = 128 * 1024 * 1024;
/// Most entries (files and folders) in an uploaded zip.
pub const MAX_ENTRIES: usize = 4096;
/// Most bytes all entries of an uploaded zip may decompress to.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Largest `bundle.json`.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("not a zip file: {0}")]
    NotAZip(String),
    #[error("the zip has more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    #[error("`{0}` is larger than a bundle's file may be")]
    FileTooLarge(String),
    #[error("the zip unpacks to more than {} MB", MAX_UNPACKED_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("`{0}` is not a plain path inside the bundle folder")]
    BadPath(String),
    #[error("no bundle.json at the top of the zip (or in one folder at its top)")]
    NoManifest,
    #[error("cannot unpack `{name}`: {cause}")]
    Read { name: String, cause: String },
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("image {0} is referenced but missing from the server's store")]
    MissingImage(String),
    #[error("cannot read the image store: {0}")]
    Store(String),
    #[error("cannot write the zip: {0}")]
    Zip(String),
}

/// The file an image is exported as: its sha256 with the extension of its format.
fn export_name(sha: &str, bytes: &[u8]) -> String {
    let ext = if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpg"
    } else {
        // A section's own icon is the only other kind of blob.
        "svg"
    };
    format!("images/{sha}.{ext}")
}

/// The published `content` as a zip of one folder named `folder` (blocking: reads images).
pub fn export(content: &Content, blobs: &BlobStore, folder: &str) -> Result<Vec<u8>, ExportError> {
    let mut images = BTreeMap::new();
    for sha in push::referenced_blobs(content) {
        let bytes = blobs
            .get(&sha)
            .map_err(|e| ExportError::Store(e.to_string()))?
            .ok_or_else(|| ExportError::MissingImage(sha.clone()))?;
        images.insert(sha.clone(), (export_name(&sha, &bytes), bytes));
    }
    let manifest = push::manifest_of(content, |sha| {
        images
            .get(sha)
            .map(|(name, _)| name.clone())
            .unwrap_or_else(|| format!("images/{sha}"))
    });
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| ExportError::Zip(e.to_string()))?;
    let zip_err = |e: zip::result::ZipError| ExportError::Zip(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // Pictures are compressed already.
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file(format!("{folder}/{MANIFEST}"), deflated)
        .map_err(zip_err)?;
    zip.write_all(&json)
        .map_err(|e| ExportError::Zip(e.to_string()))?;
    for (name, bytes) in images.values() {
        zip.start_file(format!("{folder}/{name}"), stored)
            .map_err(zip_err)?;
        zip.write_all(bytes)
            .map_err(|e| ExportError::Zip(e.to_string()))?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Whether a name in a zip is a plain relative path: no `..`, no root, no backslashes, no
/// drive letters.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && name
            .trim_end_matches('/')
            .split('/')
            .all(|seg| !seg.is_empty() && seg != ".." && seg != ".")
}

/// The files of an uploaded zip, relative to the bundle folder (the zip's top, or its one
/// top folder).
pub fn unpack(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ZipError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipError::NotAZip(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ZipError::TooManyEntries);
    }
    let mut files = BTreeMap::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| ZipError::Read {
            name: format!("#{i}"),
            cause: e.to_string(),
        })?;
        let name = entry
            .name()
            .map_err(|e| ZipError::Read {
                name: format!("#{i}"),
                cause: e.to_string(),
            })?
            .to_string();
        if !plain(&name) || entry.enclosed_name().is_none() || entry.is_symlink() {
            return Err(ZipError::BadPath(name));
        }
        if entry.is_dir() {
            continue;
        }
        let limit = if name.ends_with(MANIFEST) {
            MAX_MANIFEST_BYTES
        } else {
            bundle::MAX_IMAGE_BYTES as u64
        };
        // The sizes a zip declares may lie: read at most one byte more than allowed.
        let mut data = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut data)
            .map_err(|e| ZipError::Read {
                name: name.clone(),
                cause: e.to_string(),
            })?;
        if data.len() as u64 > limit {
            return Err(ZipError::FileTooLarge(name));
        }
        total += data.len() as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(ZipError::TooLarge);
        }
        files.insert(name, data);
    }
    // The bundle folder: the top, or the one folder holding bundle.json.
    let prefix = if files.contains_key(MANIFEST) {
        String::new()
    } else {
        let tops: Vec<&String> = files
            .keys()
            .filter(|k| k.matches('/').count() == 1 && k.ends_with(&format!("/{MANIFEST}")))
            .collect();
        match tops.as_slice() {
            [one] => one.trim_end_matches(MANIFEST).to_string(),
            _ => return Err(ZipError::NoManifest),
        }
    };
    Ok(files
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|rest| (rest.to_string(), v)))
        .collect())
}

/// An uploaded zip read and validated as a bundle (blocking: decodes images).
pub fn load(bytes: &[u8]) -> Result<Bundle, ZipError> {
    let files = unpack(bytes)?;
    Ok(Bundle::load(&files)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn paths_leaving_the_folder_are_refused() {
        for bad in [
            "../bundle.json",
            "a/../../x",
            "/etc/passwd",
            "a\\b",
            "C:/x",
            "./x",
        ] {
            let z = zip_of(&[("bundle.json", b"{}"), (bad, b"x")]);
            assert!(
                matches!(unpack(&z), Err(ZipError::BadPath(_))),
                "{bad}: {:?}",
                unpack(&z).map(|f| f.keys().cloned().collect::<Vec<_>>())
            );
        }
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_decompresses_to() {
        // 9 MB of zeros compresses to a few kB; an image may be 8 MB at most.
        let zeros = vec![0u8; 9 * 1024 * 1024];
        let z = zip_of(&[("bundle.json", b"{}"), ("images/a.png", &zeros)]);
        assert!(z.len() < 100 * 1024, "{}", z.len());
        assert!(matches!(unpack(&z), Err(ZipError::FileTooLarge(n)) if n == "images/a.png"));
    }

    #[test]
    fn the_bundle_may_sit_in_one_top_folder() {
        let z = zip_of(&[("demo/bundle.json", b"{}"), ("demo/images/a.png", b"x")]);
        let files = unpack(&z).unwrap();
        assert_eq!(
            files.keys().cloned().collect::<Vec<_>>(),
            ["bundle.json", "images/a.png"]
        );
        let z = zip_of(&[("a/bundle.json", b"{}"), ("b/bundle.json", b"{}")]);
        assert!(matches!(unpack(&z), Err(ZipError::NoManifest)));
        assert!(matches!(unpack(b"not a zip"), Err(ZipError::NotAZip(_))));
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert!(matches!(
            unpack(&zip_of(&entries)),
            Err(ZipError::TooManyEntries)
        ));
    }
}
