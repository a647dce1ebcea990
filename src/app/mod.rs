//! The kiosk on the UI thread: navigation, language, and turning view models into Slint models.
//! Content is asked of the [`ContentSource`]; nothing here reads the disk.

pub mod nav;
pub mod status;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::{Duration, Instant};

use protocol::text::Lang;
use slint::{ComponentHandle, Image, Model, ModelRc, SharedString, VecModel};

use crate::clock::Clock;
use crate::i18n::Localizer;
use crate::ui;
use crate::view::{self, EventLine, Range, Screen, ScreenView};
use crate::worker::{ContentSource, ContentStatus, Delivery, Request};
use nav::{Action, Change, Nav};
use status::StatusLine;

/// After this long without a touch the kiosk returns home in its default language, so the next
/// visitor starts fresh.
pub const IDLE_RESET: Duration = Duration::from_secs(90);

/// A handle other threads (the sync client) use to tell the UI what happened. Cheap to clone.
#[derive(Clone)]
pub struct AppHandle {
    window: slint::Weak<ui::AppWindow>,
}

impl AppHandle {
    /// The cache changed: the open screen re-reads it, keeping the visitor's place.
    pub fn content_changed(&self) {
        let _ = self
            .window
            .upgrade_in_event_loop(|w| w.global::<ui::Nav>().invoke_content_changed());
    }

    /// A sync cycle completed at `at`: the status line's "updated N min ago" restarts without
    /// re-reading the screen.
    pub fn synced(&self, at: chrono::DateTime<chrono::Utc>) {
        let at = at.to_rfc3339();
        let _ = self
            .window
            .upgrade_in_event_loop(move |w| w.global::<ui::Nav>().invoke_synced(at.into()));
    }

    /// The district server answered (or stopped answering).
    pub fn set_online(&self, online: bool) {
        let _ = self
            .window
            .upgrade_in_event_loop(move |w| w.global::<ui::Nav>().invoke_connectivity(online));
    }
}

/// The running kiosk UI. Cloning shares it.
#[derive(Clone)]
pub struct App {
    inner: Rc<Inner>,
}

struct Inner {
    window: ui::AppWindow,
    loc: Arc<Localizer>,
    source: ContentSource,
    clock: Cell<Clock>,
    state: RefCell<State>,
    models: Models,
    last_activity: Cell<Instant>,
}

struct State {
    nav: Nav,
    /// Answers to older requests are dropped.
    request: u64,
    /// Event details of the rows on screen, by occurrence key.
    details: HashMap<String, view::EventDetail>,
    status: ContentStatus,
    online: bool,
}

/// The models the adapters show; created once so lists keep their scroll position on updates.
struct Models {
    tiles: Rc<VecModel<ui::SectionTile>>,
    today: Rc<VecModel<ui::EventRow>>,
    cards: Rc<VecModel<ui::ArticleCard>>,
    paragraphs: Rc<VecModel<SharedString>>,
    pictures: Rc<VecModel<ui::Picture>>,
    schedule_stations: Rc<VecModel<ui::ChipItem>>,
    schedule_rows: Rc<VecModel<ui::EventRow>>,
    station_chips: Rc<VecModel<ui::ChipItem>>,
    rooms: Rc<VecModel<ui::RoomRow>>,
    upcoming: Rc<VecModel<ui::EventRow>>,
}

impl Models {
    fn new() -> Models {
        Models {
            tiles: Rc::new(VecModel::default()),
            today: Rc::new(VecModel::default()),
            cards: Rc::new(VecModel::default()),
            paragraphs: Rc::new(VecModel::default()),
            pictures: Rc::new(VecModel::default()),
            schedule_stations: Rc::new(VecModel::default()),
            schedule_rows: Rc::new(VecModel::default()),
            station_chips: Rc::new(VecModel::default()),
            rooms: Rc::new(VecModel::default()),
            upcoming: Rc::new(VecModel::default()),
        }
    }
}

/// Replaces a model's rows, touching only rows that changed when the length is the same, so a
/// list being read does not jump.
fn update<T: Clone + PartialEq + 'static>(model: &VecModel<T>, rows: Vec<T>) {
    if model.row_count() == rows.len() {
        for (i, row) in rows.into_iter().enumerate() {
            if model.row_data(i).as_ref() != Some(&row) {
                model.set_row_data(i, row);
            }
        }
    } else {
        model.set_vec(rows);
    }
}

fn color((r, g, b): (u8, u8, u8)) -> slint::Color {
    slint::Color::from_rgb_u8(r, g, b)
}

fn event_row(line: &EventLine) -> ui::EventRow {
    ui::EventRow {
        key: line.key.as_str().into(),
        is_header: line.is_header,
        day: line.day.as_str().into(),
        time: line.time.as_str().into(),
        title: line.title.as_str().into(),
        place: line.place.as_str().into(),
        seats: line.seats.as_str().into(),
        signup_open: line.signup_open,
        accent: color(line.accent),
    }
}

fn chips(items: &[(String, String, bool)]) -> Vec<ui::ChipItem> {
    items
        .iter()
        .map(|(id, label, selected)| ui::ChipItem {
            id: id.as_str().into(),
            label: label.as_str().into(),
            selected: *selected,
        })
        .collect()
}

impl App {
    /// Creates the window (not yet shown) and shows the home screen's content as it arrives.
    pub fn new(
        source: ContentSource,
        loc: Arc<Localizer>,
        clock: Clock,
        lang: Lang,
    ) -> Result<App, slint::PlatformError> {
        let window = ui::AppWindow::new()?;
        let inner = Rc::new(Inner {
            window,
            loc,
            source,
            clock: Cell::new(clock),
            state: RefCell::new(State {
                nav: Nav::new(lang),
                request: 0,
                details: HashMap::new(),
                status: ContentStatus::default(),
                online: false,
            }),
            models: Models::new(),
            last_activity: Cell::new(Instant::now()),
        });
        inner.bind_models();
        Inner::wire_callbacks(&inner);
        inner
            .window
            .global::<ui::Strings>()
            .set_lang(lang.code().into());
        inner.update_status();
        Inner::show(&inner);
        Ok(App { inner })
    }

    pub fn window(&self) -> &ui::AppWindow {
        &self.inner.window
    }

    /// A `Send` handle for other threads.
    pub fn handle(&self) -> AppHandle {
        AppHandle {
            window: self.inner.window.as_weak(),
        }
    }

    /// The screen on top of the navigation stack.
    pub fn current(&self) -> Screen {
        self.inner.current()
    }

    pub fn lang(&self) -> Lang {
        self.inner.state.borrow().nav.lang()
    }

    /// Opens a screen on top of the current one.
    pub fn navigate(&self, screen: Screen) {
        let change = self.inner.state.borrow_mut().nav.push(screen);
        Inner::after(&self.inner, change);
    }

    pub fn set_lang(&self, lang: Lang) {
        let change = self.inner.state.borrow_mut().nav.set_lang(lang);
        Inner::after(&self.inner, change);
    }

    /// Re-reads the current screen (after a content update), keeping the visitor's place.
    pub fn refresh(&self) {
        Inner::show(&self.inner);
    }

    /// Marks the kiosk online or offline in the status band.
    pub fn set_online(&self, online: bool) {
        self.inner.state.borrow_mut().online = online;
        self.inner.update_status();
    }

    /// Every second: the clock in the status band, and the idle reset (needs the event loop).
    pub fn start_clock(&self) -> slint::Timer {
        let timer = slint::Timer::default();
        let weak = Rc::downgrade(&self.inner);
        timer.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.update_status();
                    Inner::reset_if_idle(&inner, Instant::now());
                }
            },
        );
        timer
    }

    /// Returns home in the default language, closing anything open, when nobody has touched the
    /// kiosk for [`IDLE_RESET`] before `now`. Returns whether it reset.
    pub fn reset_if_idle(&self, now: Instant) -> bool {
        Inner::reset_if_idle(&self.inner, now)
    }
}

impl Inner {
    fn current(&self) -> Screen {
        self.state.borrow().nav.current().clone()
    }

    fn bind_models(&self) {
        let w = &self.window;
        let m = &self.models;
        let home = w.global::<ui::HomeAdapter>();
        home.set_tiles(ModelRc::from(m.tiles.clone()));
        home.set_today(ModelRc::from(m.today.clone()));
        let section = w.global::<ui::SectionAdapter>();
        section.set_cards(ModelRc::from(m.cards.clone()));
        let article = w.global::<ui::ArticleAdapter>();
        article.set_paragraphs(ModelRc::from(m.paragraphs.clone()));
        article.set_pictures(ModelRc::from(m.pictures.clone()));
        let schedule = w.global::<ui::ScheduleAdapter>();
        schedule.set_stations(ModelRc::from(m.schedule_stations.clone()));
        schedule.set_rows(ModelRc::from(m.schedule_rows.clone()));
        let station = w.global::<ui::StationAdapter>();
        station.set_stations(ModelRc::from(m.station_chips.clone()));
        station.set_rooms(ModelRc::from(m.rooms.clone()));
        station.set_upcoming(ModelRc::from(m.upcoming.clone()));
    }

    fn wire_callbacks(this: &Rc<Inner>) {
        let w = &this.window;
        // Every callback holds a weak reference: the window must not keep the app alive.
        fn go(this: &Rc<Inner>, action: Action) -> impl Fn() + 'static {
            let weak: Weak<Inner> = Rc::downgrade(this);
            move || {
                if let Some(inner) = weak.upgrade() {
                    Inner::dispatch(&inner, action.clone());
                }
            }
        }
        fn go_with<A>(
            this: &Rc<Inner>,
            make: impl Fn(&Inner, A) -> Action + 'static,
        ) -> impl Fn(A) + 'static {
            let weak: Weak<Inner> = Rc::downgrade(this);
            move |a| {
                if let Some(inner) = weak.upgrade() {
                    let action = make(&inner, a);
                    Inner::dispatch(&inner, action);
                }
            }
        }

        let loc = this.loc.clone();
        let strings = w.global::<ui::Strings>();
        strings.on_translate(move |id, lang| {
            let lang = lang.parse().unwrap_or_default();
            loc.text(lang, &id).into()
        });
        strings.on_toggle_language(go(this, Action::ToggleLanguage));

        let nav = w.global::<ui::Nav>();
        nav.on_back(go(this, Action::Back));
        let weak = Rc::downgrade(this);
        nav.on_activity(move || {
            if let Some(inner) = weak.upgrade() {
                inner.last_activity.set(Instant::now());
            }
        });
        // Not visitor activity: they don't postpone the idle reset.
        let weak = Rc::downgrade(this);
        nav.on_content_changed(move || {
            if let Some(inner) = weak.upgrade() {
                Inner::show(&inner);
            }
        });
        let weak = Rc::downgrade(this);
        nav.on_synced(move |at| {
            if let Some(inner) = weak.upgrade() {
                if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&at) {
                    inner.state.borrow_mut().status.last_sync = Some(at.to_utc());
                }
                inner.update_status();
            }
        });
        let weak = Rc::downgrade(this);
        nav.on_connectivity(move |online| {
            if let Some(inner) = weak.upgrade() {
                inner.state.borrow_mut().online = online;
                inner.update_status();
            }
        });
        nav.on_home(go(this, Action::Home));
        nav.on_schedule(go(this, Action::OpenSchedule));
        nav.on_stations(go(this, Action::OpenStations));

        let home = w.global::<ui::HomeAdapter>();
        home.on_open_section(go_with(this, |_, id: SharedString| {
            Action::Open(Screen::Section(id.into()))
        }));
        home.on_open_schedule(go(this, Action::OpenSchedule));
        home.on_open_event(go_with(this, |i, key: SharedString| {
            // Keys are `EVENT@YYYY-MM-DDTHH:MM`: today's events open today's list, others the week.
            let today = i
                .clock
                .get()
                .now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string();
            let is_today = key
                .split_once('@')
                .is_some_and(|(_, start)| start.starts_with(&today));
            Action::Open(Screen::Schedule {
                range: if is_today { Range::Today } else { Range::Week },
                station: None,
                open: Some(key.into()),
            })
        }));

        w.global::<ui::SectionAdapter>()
            .on_open_article(go_with(this, |_, id: SharedString| {
                Action::Open(Screen::Article(id.into()))
            }));

        let schedule = w.global::<ui::ScheduleAdapter>();
        schedule.on_set_range(go_with(this, |_, range: i32| {
            Action::SetRange(Range::from_index(range))
        }));
        schedule.on_set_station(go_with(this, |_, id: SharedString| {
            Action::FilterStation((!id.is_empty()).then(|| id.to_string()))
        }));
        schedule.on_open_event(go_with(this, |_, key: SharedString| {
            Action::OpenEvent(key.into())
        }));
        schedule.on_close_event(go(this, Action::CloseEvent));
        schedule.on_open_station(go_with(this, |_, id: SharedString| {
            Action::Open(Screen::Station(Some(id.into())))
        }));

        let station = w.global::<ui::StationAdapter>();
        station.on_select_station(go_with(this, |_, id: SharedString| {
            Action::SelectStation(id.into())
        }));
        station.on_open_event(go_with(this, |i, key: SharedString| {
            let station = match i.current() {
                Screen::Station(id) => id,
                _ => None,
            };
            Action::Open(Screen::Schedule {
                range: Range::Week,
                station,
                open: Some(key.into()),
            })
        }));
    }

    /// A visitor's tap: postpones the idle reset and moves the navigation.
    fn dispatch(this: &Rc<Inner>, action: Action) {
        this.last_activity.set(Instant::now());
        let change = this.state.borrow_mut().nav.apply(action);
        Inner::after(this, change);
    }

    /// Does what a navigation change needs: nothing, the overlay, or reading the screen.
    fn after(this: &Rc<Inner>, change: Change) {
        match change {
            Change::None => {}
            Change::Overlay => this.show_overlay(),
            Change::Screen => {
                this.show_overlay();
                Inner::show(this);
            }
            Change::Language => {
                let lang = this.state.borrow().nav.lang();
                this.window
                    .global::<ui::Strings>()
                    .set_lang(lang.code().into());
                this.update_status();
                this.show_overlay();
                Inner::show(this);
            }
        }
    }

    fn reset_if_idle(this: &Rc<Inner>, now: Instant) -> bool {
        if now.saturating_duration_since(this.last_activity.get()) < IDLE_RESET {
            return false;
        }
        let change = this.state.borrow_mut().nav.reset();
        if change == Change::None {
            return false;
        }
        tracing::info!("idle: back to the home screen");
        this.last_activity.set(now);
        Inner::after(this, change);
        true
    }

    /// Opens the details of the event the navigation says are open, or closes them.
    fn show_overlay(&self) {
        let state = self.state.borrow();
        let detail = state
            .nav
            .open_event()
            .and_then(|key| state.details.get(key))
            .cloned();
        drop(state);
        let adapter = self.window.global::<ui::ScheduleAdapter>();
        match detail {
            Some(d) => {
                adapter.set_detail(ui::EventDetail {
                    title: d.title.into(),
                    when: d.when.into(),
                    station: d.station.into(),
                    station_id: d.station_id.into(),
                    room: d.room.into(),
                    address: d.address.into(),
                    description: d.description.into(),
                    seats: d.seats.into(),
                    signup: d.signup.into(),
                });
                adapter.set_detail_open(true);
            }
            None => adapter.set_detail_open(false),
        }
    }

    /// Asks for the current screen's content; it is applied when it arrives.
    fn show(this: &Rc<Inner>) {
        let (screen, lang, id) = {
            let mut state = this.state.borrow_mut();
            state.request += 1;
            (state.nav.current().clone(), state.nav.lang(), state.request)
        };
        let request = Request {
            screen,
            lang,
            now: this.clock.get().now(),
        };
        let weak = Rc::downgrade(this);
        this.source.request(request, move |delivery| {
            if let Some(inner) = weak.upgrade() {
                Inner::deliver(&inner, id, delivery);
            }
        });
    }

    fn deliver(this: &Rc<Inner>, id: u64, delivery: Delivery) {
        if this.state.borrow().request != id {
            return;
        }
        match delivery {
            Delivery::View(view, status) => {
                // Events are in the district's zone; follow it once the content names it.
                if let Some(tz) = status.timezone.as_deref().and_then(|z| z.parse().ok()) {
                    let mut clock = this.clock.get();
                    clock.tz = tz;
                    this.clock.set(clock);
                }
                this.state.borrow_mut().status = status;
                this.update_status();
                Inner::apply(this, *view);
            }
            Delivery::Pictures(pictures) => this.apply_pictures(pictures),
            Delivery::Failed(message) => {
                tracing::error!(%message, "screen could not be read; keeping what is shown");
            }
        }
    }

    fn apply(this: &Rc<Inner>, view: ScreenView) {
        let w = &this.window;
        let m = &this.models;
        let nav = w.global::<ui::Nav>();
        match view {
            ScreenView::Home(v) => {
                update(
                    &m.tiles,
                    v.tiles
                        .iter()
                        .map(|t| ui::SectionTile {
                            id: t.id.as_str().into(),
                            title: t.title.as_str().into(),
                            subtitle: t.subtitle.as_str().into(),
                            icon: t.icon.as_str().into(),
                            accent: color(t.accent),
                            count: t.count.as_str().into(),
                        })
                        .collect(),
                );
                update(&m.today, v.today.iter().map(event_row).collect());
                let home = w.global::<ui::HomeAdapter>();
                home.set_today_title(v.today_title.into());
                home.set_today_label(v.today_label.into());
                this.state.borrow_mut().details = details(&v.today);
                nav.set_screen(ui::Screen::Home);
            }
            ScreenView::Section(v) => {
                let a = w.global::<ui::SectionAdapter>();
                a.set_title(v.title.into());
                a.set_subtitle(v.subtitle.into());
                a.set_icon(v.icon.into());
                a.set_accent(color(v.accent));
                // Keep thumbnails already decoded for the same article.
                let old: HashMap<SharedString, ui::ArticleCard> =
                    m.cards.iter().map(|c| (c.id.clone(), c)).collect();
                update(
                    &m.cards,
                    v.cards
                        .iter()
                        .map(|c| {
                            let id: SharedString = c.id.as_str().into();
                            let kept = old.get(&id).filter(|o| o.has_thumb);
                            ui::ArticleCard {
                                title: c.title.as_str().into(),
                                summary: c.summary.as_str().into(),
                                category: c.category.as_str().into(),
                                thumb: kept.map(|o| o.thumb.clone()).unwrap_or_default(),
                                has_thumb: kept.is_some(),
                                id,
                            }
                        })
                        .collect(),
                );
                nav.set_screen(ui::Screen::Section);
            }
            ScreenView::Article(v) => {
                let a = w.global::<ui::ArticleAdapter>();
                a.set_title(v.title.into());
                a.set_section_title(v.section_title.into());
                a.set_category(v.category.into());
                a.set_accent(color(v.accent));
                a.set_summary(v.summary.into());
                a.set_link(v.link.clone().unwrap_or_default().into());
                a.set_has_qr(false);
                update(
                    &m.paragraphs,
                    v.paragraphs.iter().map(|p| p.as_str().into()).collect(),
                );
                // Keys name the article, so only this article's decoded pictures are reused.
                let old: HashMap<SharedString, Image> = m
                    .pictures
                    .iter()
                    .map(|p| (p.key.clone(), p.image))
                    .collect();
                update(
                    &m.pictures,
                    v.pictures
                        .iter()
                        .map(|p| {
                            let key: SharedString = p.spec.key.as_str().into();
                            ui::Picture {
                                image: old.get(&key).cloned().unwrap_or_default(),
                                caption: p.caption.as_str().into(),
                                aspect: p.spec.aspect(),
                                key,
                            }
                        })
                        .collect(),
                );
                nav.set_screen(ui::Screen::Article);
            }
            ScreenView::Schedule(v) => {
                let a = w.global::<ui::ScheduleAdapter>();
                a.set_range(v.range.index());
                a.set_range_label(v.range_label.into());
                update(&m.schedule_stations, chips(&v.stations));
                update(&m.schedule_rows, v.rows.iter().map(event_row).collect());
                this.state.borrow_mut().details = details(&v.rows);
                this.show_overlay();
                nav.set_screen(ui::Screen::Schedule);
            }
            ScreenView::Station(v) => {
                let a = w.global::<ui::StationAdapter>();
                a.set_name(v.name.into());
                a.set_building(v.building.into());
                a.set_floor(v.floor.into());
                a.set_address(v.address.into());
                a.set_hours(v.hours.into());
                a.set_area(v.area.into());
                a.set_summary(v.summary.into());
                a.set_serves(v.serves.into());
                a.set_has_picture(false);
                if let Some(p) = &v.picture {
                    a.set_picture_aspect(p.aspect());
                }
                update(&m.station_chips, chips(&v.stations));
                update(
                    &m.rooms,
                    v.rooms
                        .iter()
                        .map(|r| ui::RoomRow {
                            name: r.name.as_str().into(),
                            description: r.description.as_str().into(),
                            capacity: r.capacity.as_str().into(),
                        })
                        .collect(),
                );
                update(&m.upcoming, v.upcoming.iter().map(event_row).collect());
                this.state.borrow_mut().details = details(&v.upcoming);
                nav.set_screen(ui::Screen::Station);
            }
            ScreenView::Missing => {
                // The record went away (a sync removed it): step back rather than show nothing.
                tracing::info!(screen = ?this.current(), "screen's content is gone; going back");
                let change = this.state.borrow_mut().nav.content_gone();
                Inner::after(this, change);
                return;
            }
        }
        nav.set_can_go_back(this.state.borrow().nav.can_go_back());
    }

    fn apply_pictures(&self, pictures: Vec<(String, slint::SharedPixelBuffer<slint::Rgba8Pixel>)>) {
        let w = &self.window;
        let m = &self.models;
        for (key, buffer) in pictures {
            let image = Image::from_rgba8(buffer);
            if key == "qr" {
                let a = w.global::<ui::ArticleAdapter>();
                a.set_qr(image);
                a.set_has_qr(true);
            } else if let Some(id) = key.strip_prefix("thumb:") {
                if let Some((i, mut card)) = m.cards.iter().enumerate().find(|(_, c)| c.id == id) {
                    card.thumb = image;
                    card.has_thumb = true;
                    m.cards.set_row_data(i, card);
                }
            } else if key.starts_with("picture:") {
                if let Some((i, mut picture)) = m
                    .pictures
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.key == key.as_str())
                {
                    picture.image = image;
                    m.pictures.set_row_data(i, picture);
                }
            } else if key.starts_with("station:") {
                let a = w.global::<ui::StationAdapter>();
                a.set_picture(image);
                a.set_has_picture(true);
            }
        }
    }

    /// Clock, date, district and freshness in the status band.
    fn update_status(&self) {
        let state = self.state.borrow();
        let line = StatusLine::new(
            &self.loc,
            state.nav.lang(),
            self.clock.get().now(),
            &state.status,
            state.online,
        );
        let status = self.window.global::<ui::Status>();
        status.set_clock(line.clock.into());
        status.set_date(line.date.into());
        status.set_online(line.online);
        if let Some(district) = line.district {
            status.set_district(district.into());
        }
        status.set_freshness(line.freshness.into());
    }
}

fn details(lines: &[EventLine]) -> HashMap<String, view::EventDetail> {
    lines
        .iter()
        .filter_map(|l| l.detail.clone().map(|d| (l.key.clone(), d)))
        .collect()
}
