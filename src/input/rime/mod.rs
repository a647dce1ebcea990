//! librime, loaded at run time with `libloading`: no bindgen, no libclang and no header at build
//! time, and a kiosk without librime still builds and starts (its keyboard then offers English
//! and digits only). The C ABI is declared by hand in [`ffi`].
//!
//! librime keeps its state in process-wide singletons (one service, one deployer, one logging
//! set-up), so at most one [`Rime`] lives in a process at a time; a second one waits for the
//! first to be dropped. It uses Debian's prebuilt tables under `/usr/share/rime-data/build` and
//! deploys only the schema's small config into the user folder, so the first start takes well
//! under a second instead of compiling ~300 MB of tables.
//!
//! Privacy: the user dictionary is switched off by a `*.custom.yaml` patch (nothing a visitor
//! picks is learnt), the user folder lives inside the kiosk's data directory, and
//! [`Rime::wipe`] ends the session and deletes everything in that folder that is not our own
//! configuration or its compiled form.

pub mod ffi;

use std::ffi::{CStr, CString, OsString, c_char, c_int};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::Instant;

use super::engine::{EngineState, PinyinEngine};
use ffi::{RimeApi, RimeSessionId};

/// Where librime and its data are, and which schema to use.
#[derive(Debug, Clone)]
pub struct RimeSettings {
    /// The shared library; a bare name is searched the usual way (`ld.so`).
    pub library: PathBuf,
    /// Rime's shared data (`rime-prelude`, `rime-essay`, `rime-data-luna-pinyin`), with the
    /// prebuilt tables in its `build/` folder.
    pub shared_data_dir: PathBuf,
    /// Rime's user folder: our config patches, the compiled schema config, nothing typed.
    pub user_dir: PathBuf,
    /// `luna_pinyin_simp`: simplified characters, the schema that gets 中国, 北京, 大连, 微信 and
    /// whole sentences right.
    pub schema: String,
    /// Candidates per page of the candidate bar.
    pub page_size: u8,
    /// How long the engine's thread waits before it loads librime: loading librime, its C++
    /// libraries and the schema costs ~60 ms of CPU, which on a 2-core terminal shares the
    /// cores with whatever is drawn then. Taps sent meanwhile wait and are handled in order.
    /// (`kiosk run` loads it on demand instead, see `on_demand`.)
    pub start_after: std::time::Duration,
    /// Loads librime only when it is needed: a form opens ([`super::InputEngine::wake`]) or a
    /// key is tapped. librime, its C++ libraries and its tables take ~8 MiB of the kiosk's
    /// memory once loaded; a kiosk nobody types on never pays them. The first form then waits
    /// for the start (a few tens of milliseconds; the first start ever also writes the user
    /// folder).
    pub on_demand: bool,
}

/// The folder name inside the kiosk's data directory.
pub const USER_FOLDER: &str = "rime";

impl RimeSettings {
    /// Debian's locations, with the user folder `DATA_DIR/rime`.
    pub fn for_data_dir(data_dir: &Path) -> RimeSettings {
        RimeSettings {
            library: PathBuf::from("librime.so.1"),
            shared_data_dir: PathBuf::from("/usr/share/rime-data"),
            user_dir: data_dir.join(USER_FOLDER),
            schema: "luna_pinyin_simp".to_string(),
            page_size: 6,
            start_after: std::time::Duration::ZERO,
            on_demand: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RimeError {
    #[error("cannot load {library}: {reason}")]
    Load { library: String, reason: String },
    #[error("{library} is too old: its API lacks `{function}`")]
    MissingFunction {
        library: String,
        function: &'static str,
    },
    #[error("Rime data not found in {0} (install rime-prelude, rime-essay, rime-data-luna-pinyin)")]
    NoData(String),
    #[error("cannot prepare Rime's user folder {path}: {source}")]
    UserFolder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("path {0} cannot be passed to librime")]
    Path(String),
    #[error("librime could not deploy its configuration in {0}")]
    Deploy(String),
    #[error("librime could not create an input session")]
    Session,
    #[error("schema {0} does not produce candidates (is rime-data-luna-pinyin installed?)")]
    Schema(String),
}

/// The loaded library and its function table; loaded once per path and never unloaded
/// (unloading a C++ library with static destructors and a logging thread is not safe).
struct Library {
    _library: libloading::Library,
    api: &'static RimeApi,
    name: String,
}

// SAFETY: `api` points at a static, immutable function table inside the library, which is never
// unloaded; the functions themselves are serialised by `ENGINE_LOCK`.
unsafe impl Send for Library {}
unsafe impl Sync for Library {}

static LIBRARIES: Mutex<Vec<(OsString, &'static Library)>> = Mutex::new(Vec::new());
/// librime is one process-wide engine: one `Rime` at a time.
static ENGINE_LOCK: Mutex<()> = Mutex::new(());
/// `setup` initialises glog, which aborts if initialised twice.
static SETUP: Once = Once::new();

/// glog keeps this pointer, so it must live for the whole process.
const APP_NAME: &CStr = c"rime.lobby-kiosk";

fn load(path: &Path) -> Result<&'static Library, RimeError> {
    let mut loaded = LIBRARIES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, library)) = loaded.iter().find(|(p, _)| p == path.as_os_str()) {
        return Ok(library);
    }
    let name = path.display().to_string();
    let load_error = |reason: String| RimeError::Load {
        library: name.clone(),
        reason,
    };
    // SAFETY: loading librime runs its static initialisers, which only register its modules.
    let library =
        unsafe { libloading::Library::new(path) }.map_err(|e| load_error(e.to_string()))?;
    // SAFETY: `rime_get_api` has this signature in every librime 1.x.
    let get_api = unsafe { library.get::<ffi::RimeGetApi>(b"rime_get_api\0") }
        .map_err(|e| load_error(e.to_string()))?;
    // SAFETY: returns a pointer to a static table (or null on a broken build).
    let api = unsafe { get_api() };
    // SAFETY: non-null pointers from `rime_get_api` point at the library's static table,
    // valid as long as the library stays loaded, which is forever (it is leaked below).
    let api: &'static RimeApi = match unsafe { api.as_ref() } {
        Some(api) => unsafe { &*(api as *const RimeApi) },
        None => return Err(load_error("rime_get_api returned nothing".into())),
    };
    check_api(api, &name)?;
    let library: &'static Library = Box::leak(Box::new(Library {
        _library: library,
        api,
        name,
    }));
    loaded.push((path.as_os_str().to_owned(), library));
    Ok(library)
}

/// The functions we call must be inside the table the library says it has (`data_size`,
/// `RIME_API_AVAILABLE`) and not null.
fn check_api(api: &RimeApi, name: &str) -> Result<(), RimeError> {
    let available = api.data_size as usize + std::mem::size_of::<c_int>();
    macro_rules! require {
        ($($field:ident),*) => {$(
            let end = std::mem::offset_of!(RimeApi, $field) + std::mem::size_of::<usize>();
            if end > available || api.$field.is_none() {
                return Err(RimeError::MissingFunction {
                    library: name.to_string(),
                    function: stringify!($field),
                });
            }
        )*};
    }
    require!(
        setup,
        initialize,
        finalize,
        start_maintenance,
        join_maintenance_thread,
        create_session,
        destroy_session,
        process_key,
        clear_composition,
        get_commit,
        free_commit,
        get_context,
        free_context,
        set_option,
        select_schema,
        get_input,
        select_candidate_on_current_page
    );
    Ok(())
}

/// Calls a function of the table, which [`check_api`] proved present.
macro_rules! call {
    ($api:expr, $f:ident ( $($arg:expr),* )) => {
        match $api.$f {
            Some(f) => f($($arg),*),
            None => unreachable!(concat!("checked at load: ", stringify!($f))),
        }
    };
}

fn c_path(path: &Path) -> Result<CString, RimeError> {
    CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| RimeError::Path(path.display().to_string()))
}

/// Files of the user folder that are ours and hold nothing typed; everything else is deleted
/// by [`Rime::wipe`]. `build/` holds the compiled schema config, `installation.yaml` the
/// folder's id, `user.yaml` the deploy time and option states.
const KEPT_FILES: &[&str] = &[
    "build",
    "installation.yaml",
    "user.yaml",
    "default.custom.yaml",
];

/// A running librime: one session on the configured schema.
pub struct Rime {
    api: &'static RimeApi,
    session: RimeSessionId,
    settings: RimeSettings,
    /// Held for the life of this engine: librime is a process-wide singleton.
    _exclusive: MutexGuard<'static, ()>,
}

impl std::fmt::Debug for Rime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rime")
            .field("session", &self.session)
            .field("schema", &self.settings.schema)
            .finish()
    }
}

impl Rime {
    /// Loads librime, prepares the user folder, deploys the schema's config (the tables are
    /// prebuilt) and opens a session. Blocking and touching the disk: call it on the engine's
    /// own thread, never the UI thread.
    pub fn start(settings: RimeSettings) -> Result<Rime, RimeError> {
        let began = Instant::now();
        let library = load(&settings.library)?;
        let api = library.api;
        let prebuilt = settings.shared_data_dir.join("build");
        let compiled = format!("{}.schema.yaml", settings.schema);
        if !prebuilt.join(&compiled).is_file() {
            return Err(RimeError::NoData(
                settings.shared_data_dir.display().to_string(),
            ));
        }
        write_patches(&settings)?;
        let exclusive = ENGINE_LOCK.lock().unwrap_or_else(|e| e.into_inner());

        let shared = c_path(&settings.shared_data_dir)?;
        let user = c_path(&settings.user_dir)?;
        let log_dir = c_path(&settings.user_dir.join("log"))?;
        let prebuilt = c_path(&prebuilt)?;
        let staging = c_path(&settings.user_dir.join("build"))?;
        let mut traits = ffi::RimeTraits {
            shared_data_dir: shared.as_ptr(),
            user_data_dir: user.as_ptr(),
            distribution_name: c"lobby-kiosk".as_ptr(),
            distribution_code_name: c"lobby-kiosk".as_ptr(),
            distribution_version: c"1".as_ptr(),
            app_name: APP_NAME.as_ptr(),
            // Errors only, into the user folder (wiped on reset), never /tmp.
            min_log_level: 2,
            log_dir: log_dir.as_ptr(),
            prebuilt_data_dir: prebuilt.as_ptr(),
            staging_dir: staging.as_ptr(),
            ..Default::default()
        };

        // SAFETY: `traits` and the strings it points at outlive these calls, which copy them
        // (except `app_name`, a static). `setup` runs once per process, as glog requires;
        // `initialize`/`finalize` pair up under `ENGINE_LOCK`.
        let rime = unsafe {
            SETUP.call_once(|| call!(api, setup(&mut traits)));
            call!(api, initialize(&mut traits));
            // Deploys only what changed since the last start: on the first start the schema's
            // config (milliseconds; the tables are prebuilt), afterwards usually nothing.
            if call!(api, start_maintenance(ffi::FALSE)) == ffi::TRUE {
                call!(api, join_maintenance_thread());
            }
            Rime {
                api,
                session: 0,
                settings,
                _exclusive: exclusive,
            }
        };
        let mut rime = rime;
        rime.open_session()?;
        tracing::info!(
            library = library.name,
            schema = rime.settings.schema,
            ms = began.elapsed().as_millis() as u64,
            "pinyin engine ready"
        );
        Ok(rime)
    }

    /// A fresh session on the schema, checked to produce candidates.
    fn open_session(&mut self) -> Result<(), RimeError> {
        let schema = CString::new(self.settings.schema.as_str())
            .map_err(|_| RimeError::Schema(self.settings.schema.clone()))?;
        // SAFETY: plain calls on the initialised engine; `schema` outlives them.
        unsafe {
            let session = call!(self.api, create_session());
            if session == 0 {
                return Err(RimeError::Session);
            }
            self.session = session;
            call!(self.api, select_schema(session, schema.as_ptr()));
            call!(
                self.api,
                set_option(session, c"ascii_mode".as_ptr(), ffi::FALSE)
            );
            // `select_schema` reports no failure; a probe does: one letter must give candidates.
            call!(self.api, process_key(session, 'a' as c_int, 0));
        }
        let probe = self.state();
        self.clear();
        if probe.candidates.is_empty() {
            return Err(RimeError::Schema(self.settings.schema.clone()));
        }
        Ok(())
    }

    fn close_session(&mut self) {
        if self.session != 0 {
            // SAFETY: the session was created by this engine and is destroyed once.
            unsafe {
                call!(self.api, destroy_session(self.session));
            }
            self.session = 0;
        }
    }

    fn key(&mut self, keycode: i32) -> bool {
        // SAFETY: plain call on this engine's session.
        unsafe { call!(self.api, process_key(self.session, keycode, 0)) == ffi::TRUE }
    }

    /// The current page as librime has it, without the candidates the kiosk cannot draw.
    fn current_page(&self) -> Page {
        let mut page = Page::default();
        let mut context = std::mem::MaybeUninit::<ffi::RimeContext>::zeroed();
        // SAFETY: a zeroed `RimeContext` is valid (integers and null pointers); `data_size` is
        // set as `RIME_STRUCT_INIT` does; a context librime filled is freed with
        // `free_context` after its strings are copied.
        unsafe {
            let ctx = context.as_mut_ptr();
            (*ctx).data_size = ffi::struct_data_size::<ffi::RimeContext>();
            if call!(self.api, get_context(self.session, ctx)) != ffi::TRUE {
                return page;
            }
            let ctx = &*ctx;
            page.preedit = owned(ctx.composition.preedit);
            let menu = &ctx.menu;
            if !menu.candidates.is_null() && menu.num_candidates > 0 {
                let candidates =
                    std::slice::from_raw_parts(menu.candidates, menu.num_candidates as usize);
                page.candidates = candidates
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i, owned(c.text)))
                    .filter(|(_, text)| drawable(text))
                    .collect();
            }
            page.number = menu.page_no.max(0) as usize;
            page.last = menu.is_last_page == ffi::TRUE;
            call!(self.api, free_context(context.as_mut_ptr()));
        }
        page
    }

    /// The user folder of this engine.
    pub fn user_dir(&self) -> &Path {
        &self.settings.user_dir
    }
}

/// One page of candidates: each with its index in librime's page.
#[derive(Default)]
struct Page {
    preedit: String,
    candidates: Vec<(usize, String)>,
    number: usize,
    last: bool,
}

/// Whether the kiosk's font can draw a candidate. The dictionary also holds rare characters of
/// the CJK extension blocks and the supplementary planes, which WenQuanYi Micro Hei lacks and
/// Slint would draw as blank space; they are not offered. (librime's own `charset_filter` does
/// the same, but an installed plugin may replace it with one that does not, so it is done here.)
pub fn drawable(text: &str) -> bool {
    text.chars().all(|c| {
        let c = c as u32;
        !((0x3400..=0x4DBF).contains(&c)
            || (0x3300..=0x33FF).contains(&c)
            || (0xF900..=0xFAFF).contains(&c)
            || (0xFE30..=0xFE4F).contains(&c)
            || c > 0xFFFF)
    })
}

/// `default.custom.yaml` keeps the deployer to our one schema; `<schema>.custom.yaml` switches
/// the user dictionary off and sets the page size. Written only when different, so an
/// unchanged folder is not redeployed at every start.
fn write_patches(settings: &RimeSettings) -> Result<(), RimeError> {
    let folder_error = |source| RimeError::UserFolder {
        path: settings.user_dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&settings.user_dir).map_err(folder_error)?;
    let patches = [
        (
            "default.custom.yaml".to_string(),
            format!(
                "# Written by lobby-kiosk: only the schema the kiosk uses.\n\
                 patch:\n  schema_list:\n    - schema: {}\n",
                settings.schema
            ),
        ),
        (
            format!("{}.custom.yaml", settings.schema),
            format!(
                "# Written by lobby-kiosk: a public kiosk learns nothing from one visitor.\n\
                 patch:\n  translator/enable_user_dict: false\n  menu/page_size: {}\n",
                settings.page_size
            ),
        ),
    ];
    for (name, text) in patches {
        let path = settings.user_dir.join(&name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).map_err(folder_error)?;
        }
    }
    Ok(())
}

/// Copies a C string from librime; null is empty.
///
/// # Safety
/// `ptr` is null or a valid NUL-terminated string.
unsafe fn owned(ptr: *const c_char) -> String {
    if ptr.is_null() {
        String::new()
    } else {
        // SAFETY: per the function's contract.
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }
}

impl PinyinEngine for Rime {
    fn type_letter(&mut self, letter: char) {
        self.key(letter as i32);
    }

    fn backspace(&mut self) {
        self.key(ffi::keysym::BACKSPACE);
    }

    fn select(&mut self, index_on_page: usize) {
        // The index is among the candidates shown, which may skip some of librime's.
        let Some(&(index, _)) = self.current_page().candidates.get(index_on_page) else {
            return;
        };
        // SAFETY: plain call on this engine's session.
        unsafe {
            call!(
                self.api,
                select_candidate_on_current_page(self.session, index)
            );
        }
    }

    fn page(&mut self, forward: bool) {
        self.key(if forward {
            ffi::keysym::PAGE_DOWN
        } else {
            ffi::keysym::PAGE_UP
        });
    }

    fn confirm(&mut self) {
        self.key(ffi::keysym::SPACE);
    }

    fn enter(&mut self) {
        self.key(ffi::keysym::RETURN);
    }

    fn clear(&mut self) {
        // SAFETY: plain call on this engine's session.
        unsafe { call!(self.api, clear_composition(self.session)) }
    }

    fn state(&self) -> EngineState {
        let page = self.current_page();
        EngineState {
            // SAFETY: `get_input` returns null or a string valid until the next edit; copied.
            input: unsafe { owned(call!(self.api, get_input(self.session))) },
            preedit: page.preedit,
            candidates: page.candidates.into_iter().map(|(_, text)| text).collect(),
            page: page.number,
            last_page: page.last,
        }
    }

    fn take_commit(&mut self) -> Option<String> {
        let mut commit = ffi::RimeCommit {
            data_size: ffi::struct_data_size::<ffi::RimeCommit>(),
            text: std::ptr::null_mut(),
        };
        // SAFETY: `commit` is initialised as `RIME_STRUCT_INIT` does; its text is copied
        // before `free_commit` releases it.
        unsafe {
            if call!(self.api, get_commit(self.session, &mut commit)) != ffi::TRUE {
                return None;
            }
            let text = owned(commit.text);
            call!(self.api, free_commit(&mut commit));
            Some(text).filter(|t| !t.is_empty())
        }
    }

    fn wipe(&mut self) -> Result<(), String> {
        self.clear();
        self.close_session();
        let result = wipe_user_folder(&self.settings.user_dir, &self.settings.schema);
        self.open_session().map_err(|e| e.to_string())?;
        result.map_err(|e| e.to_string())
    }
}

/// Deletes every entry of the user folder except our config and its compiled form: user
/// dictionaries (`*.userdb`, should one ever appear), sync folders, logs, trash.
fn wipe_user_folder(user_dir: &Path, schema: &str) -> std::io::Result<()> {
    let patch = format!("{schema}.custom.yaml");
    for entry in std::fs::read_dir(user_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if KEPT_FILES.contains(&name.as_ref()) || name == patch {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
        tracing::debug!(path = %path.display(), "wiped from Rime's user folder");
    }
    Ok(())
}

impl Drop for Rime {
    fn drop(&mut self) {
        self.close_session();
        // SAFETY: pairs with `initialize` in `start`; `ENGINE_LOCK` is still held.
        unsafe { call!(self.api, finalize()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_the_font_cannot_draw_are_not_offered() {
        for text in ["中国", "北京大连", "ㄚ", "腌", "é"] {
            assert!(drawable(text), "{text}");
        }
        // Extension A, extension B, a compatibility ideograph, an emoji.
        for text in ["\u{3400}", "𠼞", "中𥥩", "\u{F900}", "🙂"] {
            assert!(!drawable(text), "{text}");
        }
    }

    #[test]
    fn patches_are_written_once_and_the_wipe_keeps_only_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = RimeSettings::for_data_dir(dir.path());
        write_patches(&settings).expect("writes");
        let patch = settings.user_dir.join("luna_pinyin_simp.custom.yaml");
        let text = std::fs::read_to_string(&patch).expect("patch");
        assert!(text.contains("translator/enable_user_dict: false"));
        let modified = std::fs::metadata(&patch)
            .and_then(|m| m.modified())
            .expect("mtime");
        write_patches(&settings).expect("again");
        let again = std::fs::metadata(&patch)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(modified, again, "unchanged patches are not rewritten");

        std::fs::create_dir_all(settings.user_dir.join("build")).expect("mkdir");
        std::fs::create_dir_all(settings.user_dir.join("luna_pinyin.userdb")).expect("mkdir");
        std::fs::write(settings.user_dir.join("luna_pinyin.userdb/LOG"), "x").expect("write");
        std::fs::write(settings.user_dir.join("user.yaml"), "var: {}").expect("write");
        std::fs::write(settings.user_dir.join("sync.txt"), "x").expect("write");
        wipe_user_folder(&settings.user_dir, &settings.schema).expect("wipes");
        let mut left: Vec<String> = std::fs::read_dir(&settings.user_dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "build",
                "default.custom.yaml",
                "luna_pinyin_simp.custom.yaml",
                "user.yaml"
            ]
        );
    }
}
