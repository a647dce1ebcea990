# Interface strings (English). Content carries its own two languages; these are the UI's words.
# Every message here must exist in zh-CN/kiosk.ftl too (a test checks).

app-name = Red Fort e-Station
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
nav-stations = Stations

home-welcome = Welcome to the Red Fort Stations
home-intro = Discover Zhongshan, join an event, leave a small wish: tap any section to start.
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
