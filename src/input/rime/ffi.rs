//! The C ABI of librime, written by hand from `rime_api.h` of Debian's librime 1.8.5
//! (`librime-dev` 1.8.5+dfsg1-1, header "v1.0", `RimeApi` ending in
//! `delete_candidate_on_current_page`). Hand-written rather than generated so the kiosk needs
//! neither bindgen nor libclang nor the header to build, and loads the library only at run time.
//!
//! Only the types the engine uses are declared in full; the `RimeApi` table is declared in full
//! because its field order is its ABI. Every function pointer is an `Option`, as the C side may
//! leave an entry null; callers check it (see `Api` in `super`).

use std::ffi::{c_char, c_int, c_void};

/// `typedef uintptr_t RimeSessionId;`
pub type RimeSessionId = usize;
/// `typedef int Bool;` (`True` = 1, `False` = 0).
pub type Bool = c_int;

pub const TRUE: Bool = 1;
pub const FALSE: Bool = 0;

/// `RimeTraits`. Initialised with `data_size = sizeof(RimeTraits) - sizeof(int)` (the
/// `RIME_STRUCT_INIT` macro), which tells librime how many members are present.
#[repr(C)]
pub struct RimeTraits {
    pub data_size: c_int,
    pub shared_data_dir: *const c_char,
    pub user_data_dir: *const c_char,
    pub distribution_name: *const c_char,
    pub distribution_code_name: *const c_char,
    pub distribution_version: *const c_char,
    pub app_name: *const c_char,
    pub modules: *const *const c_char,
    pub min_log_level: c_int,
    pub log_dir: *const c_char,
    pub prebuilt_data_dir: *const c_char,
    pub staging_dir: *const c_char,
}

impl Default for RimeTraits {
    /// All members null, `data_size` set as `RIME_STRUCT_INIT` does.
    fn default() -> RimeTraits {
        RimeTraits {
            data_size: struct_data_size::<RimeTraits>(),
            shared_data_dir: std::ptr::null(),
            user_data_dir: std::ptr::null(),
            distribution_name: std::ptr::null(),
            distribution_code_name: std::ptr::null(),
            distribution_version: std::ptr::null(),
            app_name: std::ptr::null(),
            modules: std::ptr::null(),
            min_log_level: 0,
            log_dir: std::ptr::null(),
            prebuilt_data_dir: std::ptr::null(),
            staging_dir: std::ptr::null(),
        }
    }
}

/// `RIME_STRUCT_INIT(Type, var)`: the size of the struct minus its leading `int data_size`.
pub const fn struct_data_size<T>() -> c_int {
    (std::mem::size_of::<T>() - std::mem::size_of::<c_int>()) as c_int
}

/// `RimeComposition`: the preedit (offsets in bytes of UTF-8).
#[repr(C)]
pub struct RimeComposition {
    pub length: c_int,
    pub cursor_pos: c_int,
    pub sel_start: c_int,
    pub sel_end: c_int,
    pub preedit: *mut c_char,
}

/// `RimeCandidate`.
#[repr(C)]
pub struct RimeCandidate {
    pub text: *mut c_char,
    pub comment: *mut c_char,
    pub reserved: *mut c_void,
}

/// `RimeMenu`: the current page of candidates.
#[repr(C)]
pub struct RimeMenu {
    pub page_size: c_int,
    pub page_no: c_int,
    pub is_last_page: Bool,
    pub highlighted_candidate_index: c_int,
    pub num_candidates: c_int,
    pub candidates: *mut RimeCandidate,
    pub select_keys: *mut c_char,
}

/// `RimeCommit` (`RIME_STRUCT_INIT` before use).
#[repr(C)]
pub struct RimeCommit {
    pub data_size: c_int,
    pub text: *mut c_char,
}

/// `RimeContext` (`RIME_STRUCT_INIT` before use).
#[repr(C)]
pub struct RimeContext {
    pub data_size: c_int,
    pub composition: RimeComposition,
    pub menu: RimeMenu,
    pub commit_text_preview: *mut c_char,
    pub select_labels: *mut *mut c_char,
}

/// Opaque to us; only passed through.
#[repr(C)]
pub struct RimeStatus {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RimeConfig {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RimeConfigIterator {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RimeSchemaList {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RimeCandidateListIterator {
    _private: [u8; 0],
}
#[repr(C)]
pub struct RimeModule {
    _private: [u8; 0],
}

pub type RimeNotificationHandler = Option<
    unsafe extern "C" fn(
        context_object: *mut c_void,
        session_id: RimeSessionId,
        message_type: *const c_char,
        message_value: *const c_char,
    ),
>;

type F<T> = Option<T>;

/// `RimeApi`, the versioned function table `rime_get_api()` returns. Field order is the ABI.
#[repr(C)]
pub struct RimeApi {
    pub data_size: c_int,
    pub setup: F<unsafe extern "C" fn(*mut RimeTraits)>,
    pub set_notification_handler: F<unsafe extern "C" fn(RimeNotificationHandler, *mut c_void)>,
    pub initialize: F<unsafe extern "C" fn(*mut RimeTraits)>,
    pub finalize: F<unsafe extern "C" fn()>,
    pub start_maintenance: F<unsafe extern "C" fn(Bool) -> Bool>,
    pub is_maintenance_mode: F<unsafe extern "C" fn() -> Bool>,
    pub join_maintenance_thread: F<unsafe extern "C" fn()>,
    pub deployer_initialize: F<unsafe extern "C" fn(*mut RimeTraits)>,
    pub prebuild: F<unsafe extern "C" fn() -> Bool>,
    pub deploy: F<unsafe extern "C" fn() -> Bool>,
    pub deploy_schema: F<unsafe extern "C" fn(*const c_char) -> Bool>,
    pub deploy_config_file: F<unsafe extern "C" fn(*const c_char, *const c_char) -> Bool>,
    pub sync_user_data: F<unsafe extern "C" fn() -> Bool>,
    pub create_session: F<unsafe extern "C" fn() -> RimeSessionId>,
    pub find_session: F<unsafe extern "C" fn(RimeSessionId) -> Bool>,
    pub destroy_session: F<unsafe extern "C" fn(RimeSessionId) -> Bool>,
    pub cleanup_stale_sessions: F<unsafe extern "C" fn()>,
    pub cleanup_all_sessions: F<unsafe extern "C" fn()>,
    pub process_key: F<unsafe extern "C" fn(RimeSessionId, c_int, c_int) -> Bool>,
    pub commit_composition: F<unsafe extern "C" fn(RimeSessionId) -> Bool>,
    pub clear_composition: F<unsafe extern "C" fn(RimeSessionId)>,
    pub get_commit: F<unsafe extern "C" fn(RimeSessionId, *mut RimeCommit) -> Bool>,
    pub free_commit: F<unsafe extern "C" fn(*mut RimeCommit) -> Bool>,
    pub get_context: F<unsafe extern "C" fn(RimeSessionId, *mut RimeContext) -> Bool>,
    pub free_context: F<unsafe extern "C" fn(*mut RimeContext) -> Bool>,
    pub get_status: F<unsafe extern "C" fn(RimeSessionId, *mut RimeStatus) -> Bool>,
    pub free_status: F<unsafe extern "C" fn(*mut RimeStatus) -> Bool>,
    pub set_option: F<unsafe extern "C" fn(RimeSessionId, *const c_char, Bool)>,
    pub get_option: F<unsafe extern "C" fn(RimeSessionId, *const c_char) -> Bool>,
    pub set_property: F<unsafe extern "C" fn(RimeSessionId, *const c_char, *const c_char)>,
    pub get_property:
        F<unsafe extern "C" fn(RimeSessionId, *const c_char, *mut c_char, usize) -> Bool>,
    pub get_schema_list: F<unsafe extern "C" fn(*mut RimeSchemaList) -> Bool>,
    pub free_schema_list: F<unsafe extern "C" fn(*mut RimeSchemaList)>,
    pub get_current_schema: F<unsafe extern "C" fn(RimeSessionId, *mut c_char, usize) -> Bool>,
    pub select_schema: F<unsafe extern "C" fn(RimeSessionId, *const c_char) -> Bool>,
    pub schema_open: F<unsafe extern "C" fn(*const c_char, *mut RimeConfig) -> Bool>,
    pub config_open: F<unsafe extern "C" fn(*const c_char, *mut RimeConfig) -> Bool>,
    pub config_close: F<unsafe extern "C" fn(*mut RimeConfig) -> Bool>,
    pub config_get_bool: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut Bool) -> Bool>,
    pub config_get_int: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut c_int) -> Bool>,
    pub config_get_double:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut f64) -> Bool>,
    pub config_get_string:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut c_char, usize) -> Bool>,
    pub config_get_cstring:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> *const c_char>,
    pub config_update_signature: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> Bool>,
    pub config_begin_map:
        F<unsafe extern "C" fn(*mut RimeConfigIterator, *mut RimeConfig, *const c_char) -> Bool>,
    pub config_next: F<unsafe extern "C" fn(*mut RimeConfigIterator) -> Bool>,
    pub config_end: F<unsafe extern "C" fn(*mut RimeConfigIterator)>,
    pub simulate_key_sequence: F<unsafe extern "C" fn(RimeSessionId, *const c_char) -> Bool>,
    pub register_module: F<unsafe extern "C" fn(*mut RimeModule) -> Bool>,
    pub find_module: F<unsafe extern "C" fn(*const c_char) -> *mut RimeModule>,
    pub run_task: F<unsafe extern "C" fn(*const c_char) -> Bool>,
    pub get_shared_data_dir: F<unsafe extern "C" fn() -> *const c_char>,
    pub get_user_data_dir: F<unsafe extern "C" fn() -> *const c_char>,
    pub get_sync_dir: F<unsafe extern "C" fn() -> *const c_char>,
    pub get_user_id: F<unsafe extern "C" fn() -> *const c_char>,
    pub get_user_data_sync_dir: F<unsafe extern "C" fn(*mut c_char, usize)>,
    pub config_init: F<unsafe extern "C" fn(*mut RimeConfig) -> Bool>,
    pub config_load_string: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> Bool>,
    pub config_set_bool: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, Bool) -> Bool>,
    pub config_set_int: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, c_int) -> Bool>,
    pub config_set_double: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, f64) -> Bool>,
    pub config_set_string:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *const c_char) -> Bool>,
    pub config_get_item:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut RimeConfig) -> Bool>,
    pub config_set_item:
        F<unsafe extern "C" fn(*mut RimeConfig, *const c_char, *mut RimeConfig) -> Bool>,
    pub config_clear: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> Bool>,
    pub config_create_list: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> Bool>,
    pub config_create_map: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> Bool>,
    pub config_list_size: F<unsafe extern "C" fn(*mut RimeConfig, *const c_char) -> usize>,
    pub config_begin_list:
        F<unsafe extern "C" fn(*mut RimeConfigIterator, *mut RimeConfig, *const c_char) -> Bool>,
    pub get_input: F<unsafe extern "C" fn(RimeSessionId) -> *const c_char>,
    pub get_caret_pos: F<unsafe extern "C" fn(RimeSessionId) -> usize>,
    pub select_candidate: F<unsafe extern "C" fn(RimeSessionId, usize) -> Bool>,
    pub get_version: F<unsafe extern "C" fn() -> *const c_char>,
    pub set_caret_pos: F<unsafe extern "C" fn(RimeSessionId, usize)>,
    pub select_candidate_on_current_page: F<unsafe extern "C" fn(RimeSessionId, usize) -> Bool>,
    pub candidate_list_begin:
        F<unsafe extern "C" fn(RimeSessionId, *mut RimeCandidateListIterator) -> Bool>,
    pub candidate_list_next: F<unsafe extern "C" fn(*mut RimeCandidateListIterator) -> Bool>,
    pub candidate_list_end: F<unsafe extern "C" fn(*mut RimeCandidateListIterator)>,
    pub user_config_open: F<unsafe extern "C" fn(*const c_char, *mut RimeConfig) -> Bool>,
    pub candidate_list_from_index:
        F<unsafe extern "C" fn(RimeSessionId, *mut RimeCandidateListIterator, c_int) -> Bool>,
    pub get_prebuilt_data_dir: F<unsafe extern "C" fn() -> *const c_char>,
    pub get_staging_dir: F<unsafe extern "C" fn() -> *const c_char>,
    pub commit_proto: F<unsafe extern "C" fn(RimeSessionId, *mut c_void)>,
    pub context_proto: F<unsafe extern "C" fn(RimeSessionId, *mut c_void)>,
    pub status_proto: F<unsafe extern "C" fn(RimeSessionId, *mut c_void)>,
    pub get_state_label:
        F<unsafe extern "C" fn(RimeSessionId, *const c_char, Bool) -> *const c_char>,
    pub delete_candidate: F<unsafe extern "C" fn(RimeSessionId, usize) -> Bool>,
    pub delete_candidate_on_current_page: F<unsafe extern "C" fn(RimeSessionId, usize) -> Bool>,
}

/// `RimeApi* rime_get_api(void);`, the one symbol looked up by name.
pub type RimeGetApi = unsafe extern "C" fn() -> *mut RimeApi;

/// X11 keysyms librime understands (`KeyEvent` uses the X11 key table).
pub mod keysym {
    pub const SPACE: i32 = 0x20;
    pub const BACKSPACE: i32 = 0xff08;
    pub const RETURN: i32 = 0xff0d;
    pub const ESCAPE: i32 = 0xff1b;
    pub const PAGE_UP: i32 = 0xff55;
    pub const PAGE_DOWN: i32 = 0xff56;
}
