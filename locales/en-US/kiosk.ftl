# Interface strings (English). Content carries its own two languages; these are the UI's words.
# Every message here must exist in zh-CN/kiosk.ftl too (a test checks).

status-online = Online
status-offline = Offline
status-demo-content = Showing demo content
status-updated-now = Updated just now
status-updated-minutes = Updated { $minutes } min ago
status-updated-hours = Updated { $hours } h ago
status-updated-days = Updated { $days } days ago

nav-back = Back
nav-home = Home
nav-schedule = Schedule
# The venues' word when a district has no brand yet; the brand names its own (红垒驿站).
nav-venues = Stations

home-today = Today
home-upcoming = Coming up
home-today-none = No events planned at the stations for now.
home-full-schedule = Full schedule
section-count = { $count ->
    [one] 1 article
   *[other] { $count } articles
}

section-empty = Nothing in this section yet.

category-learning = Learning
category-service = Services
category-education = Education
category-entertainment = Leisure

article-scan = Scan with your phone to read on

schedule-title = Schedule
schedule-today = Today
schedule-week = This week
schedule-all-stations = All stations
schedule-none = No events in the chosen time.
schedule-view-station = View station
action-close = Close

event-seats = { $capacity } places
event-no-limit = Open to all
event-signup-open = Sign-up open
event-signup-closed = No sign-up needed

station-building = Building
station-address = Address
station-hours = Opening hours
station-area = Floor area
station-area-value = { $area } m²
station-serves = Serves
station-rooms = Rooms and areas
station-upcoming = Coming up
room-capacity = Up to { $capacity }

list-separator = ,{" "}
time-range = { $start }–{ $end }
date-day = { $weekday } { $day } { $monthname }
date-range = { $from } – { $to }

weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun

month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## Keyboard

# The layout switch names both layouts in their own script, in either UI language.
keyboard-pinyin = 拼音
keyboard-english = EN
keyboard-symbols = 123
keyboard-letters = ABC
keyboard-to-pinyin = Switch to pinyin (Chinese)
keyboard-to-english = Switch to English
keyboard-to-symbols = Digits and symbols
keyboard-to-letters = Letters
keyboard-shift = Shift
keyboard-separator = Syllable break
keyboard-backspace = Delete
keyboard-space = space
keyboard-enter = Enter
keyboard-hide = Hide keyboard
keyboard-previous-candidates = Previous candidates
keyboard-next-candidates = More candidates
keyboard-chinese-unavailable = Chinese input is not installed on this kiosk: English, digits and symbols only
keyboard-preview-label = Type here

## Idle, attract, maintenance

idle-title = Still there?
idle-tap = Tap anywhere to continue.
idle-countdown = { $seconds ->
    [one] In 1 second this screen starts over and what you typed is erased.
   *[other] In { $seconds } seconds this screen starts over and what you typed is erased.
}
idle-notice-label = Still there? Tap to continue

attract-touch = Touch the screen to start
attract-today = Today
attract-events-title = Coming up

maint-title = Maintenance
maint-pin-title = Maintenance
maint-pin-prompt = Enter the PIN
maint-pin-wrong = { $left ->
    [one] Wrong PIN. 1 more try before a wait.
   *[other] Wrong PIN. { $left } more tries before a wait.
}
maint-pin-locked = Too many wrong PINs. Try again in { $wait }.
maint-pin-checking = Checking…
maint-pin-ok = OK
maint-pin-delete = Delete
maint-pin-cancel = Cancel
maint-kiosk = Kiosk
maint-station = Station
maint-version = App version
maint-content = Content
maint-content-value = sequence { $seq } · server head { $head } · { $source }
maint-last-sync = Last sync
maint-last-error = Last error
maint-outbox = Outbox
maint-outbox-state = { $state ->
    [pending] { $count } waiting
    [accepted] { $count } accepted
    [duplicate] { $count } duplicates
    [rejected] { $count } rejected
    [conflict] { $count } in conflict
   *[other] { $count } { $state }
}
maint-outbox-unreadable = cannot be read (see the log)
maint-disk = Free disk
maint-disk-value = { $size } MB free
maint-memory = Memory
maint-memory-value = { $size } MB in use (RSS)
maint-renderer = Renderer
maint-renderer-gpu = OpenGL (femtovg)
maint-renderer-software = Software
maint-none = none
maint-never = never
maint-unknown = unknown
maint-not-registered = not registered with a district server
maint-sync-now = Sync now
maint-sync-running = Syncing…
maint-sync-done = Synced at { $time }.
maint-sync-failed = Sync failed: { $error }
maint-sync-off = No district server is configured: this kiosk shows its own content.
maint-exit = Exit to desktop
maint-exit-confirm = Tap again to close the kiosk
maint-exit-note = The kiosk stays closed until it is started again (see OPERATIONS.md).
