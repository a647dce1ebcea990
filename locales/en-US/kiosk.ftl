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
event-seats-left = { $left ->
    [0] Full: all { $capacity } seats taken
    [one] 1 of { $capacity } seats left
   *[other] { $left } of { $capacity } seats left
}
event-no-limit = Open to all
event-signup-open = Sign-up open
event-signup-closed = No sign-up needed
event-qr-calendar = Scan to add it to your phone's calendar
event-qr-link = Scan for more about this event on your phone
glyphs-undrawable = { $count ->
    [one] One character (an emoji or a rare character) cannot be shown on the kiosk screens. Please remove it.
   *[other] { $count } characters (emoji or rare characters) cannot be shown on the kiosk screens. Please remove them.
}

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
attract-events-kicker = Events
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

## Visitor forms

section-tab-wishes = Wish wall
section-tab-articles = Articles
wish-wall-intro = Small wishes from people in the district. Can you help with one?
wish-wall-empty = No wishes on the wall yet. Be the first to make one.
wish-make = Make a wish
wish-claim = I can help
wish-anonymous = Anonymous
wish-status-approved = Open
wish-status-claimed = Someone is helping
wish-status-fulfilled = Fulfilled
wish-age-now = just now
wish-age-minutes = { $minutes } min ago
wish-age-hours = { $hours ->
    [one] 1 hour ago
   *[other] { $hours } hours ago
}
wish-age-days = { $days ->
    [one] 1 day ago
   *[other] { $days } days ago
}
event-sign-up = Sign up
form-wish-title = Make a small wish
form-wish-intro = Something small the community could help with: a lift to the hospital, a language partner, a book for a child.
form-claim-title = I can help
form-claim-about = The wish:
form-wish-label = Your wish
form-wish-hint = Type your wish here
form-display-name-label = Your name or initials (optional)
form-display-name-hint = e.g. Ms Li, or L. W.
form-name-label = Your name
form-name-hint = Name or company
form-contact-label = Phone or e-mail
form-contact-hint = e.g. 138 0000 0000 or name@example.com
form-note-label = A short note (optional)
form-note-hint = How you can help
form-party-label = Number of people
form-party-less = One person fewer
form-party-more = One person more
form-wish-consent = Staff of the district review every wish before it appears on the wall. Please do not write phone numbers or addresses in the wish.
form-claim-consent = Your name and contact go to district staff only, never onto the screen, so they can put you in touch.
form-signup-consent = Your name and contact go to district staff only, never onto the screen.
form-signup-unavailable = Sign-up for this event is closed or it is full.
form-submit = Send
form-saving = Saving…
form-save-failed = This kiosk could not save your form just now. Please try again, or ask the staff at the desk.
form-finish = Done
form-received = Received — staff will review it
form-wish-received-body = Your wish is not on the wall yet: it appears there after district staff approve it and this kiosk next updates.
form-claim-received-body = Thank you! District staff will contact you to arrange it.
form-signup-received = Sign-up received
form-signup-checking = Checking the seats with the district…
form-signup-by-phone = We could not get the answer right now: staff will confirm your place by phone or e-mail.
form-signup-confirmed = { $seats ->
    [one] Confirmed: 1 seat
   *[other] Confirmed: { $seats } seats
}
form-signup-confirmed-body = Your place is booked. Please arrive a few minutes early.
form-signup-full = Sorry, the event is full
form-signup-few = { $seats ->
    [one] Not enough seats: 1 seat left
   *[other] Not enough seats: { $seats } seats left
}
form-signup-full-body = Nothing was booked. You can sign up again with fewer people, or ask the staff at the desk.
form-signup-closed = Sign-up for this event has closed
form-signup-over = This event has already started
form-signup-unavailable-now = This event is no longer offered
form-signup-not-accepted = Sign-up not accepted
form-signup-not-accepted-body = Nothing was booked. Please correct it and sign up again, or ask the staff at the desk.
form-signup-refused-body = The district could not take this sign-up from this screen. Nothing was booked: please ask the staff at the desk.
form-seats-left = { $seats ->
    [one] 1 seat left
   *[other] { $seats } seats left
}
form-error-empty = Please fill this in.
form-error-invisible = Please type some visible text.
form-error-too-long = Too long: at most { $limit } characters.
form-error-too-many-combining-marks = Too many accents stacked on one letter.
form-error-control-character = Contains a character that cannot be used here.
form-error-bidi-control = Contains an invisible text-direction character; please retype it.
form-error-unsupported-character = Contains a character that cannot be used here.
form-error-line-break = Please keep this on one line.
form-error-not-a-contact = Please give a phone number or an e-mail address.
form-error-bad-phone = This is not a complete phone number: a mobile number, or a landline with its area code.
form-error-bad-email = This is not a complete e-mail address.
form-error-too-small = At least { $limit }.
form-error-too-large = At most { $limit }.
