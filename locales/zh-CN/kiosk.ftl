# 界面文字（简体中文）。内容自带中英文；这里只有界面本身的文字。
# 每个消息在 en-US/kiosk.ftl 中必须有同名消息（测试会检查）。

status-online = 在线
status-offline = 离线
status-demo-content = 正在显示演示内容
status-updated-now = 刚刚更新
status-updated-minutes = { $minutes } 分钟前更新
status-updated-hours = { $hours } 小时前更新
status-updated-days = { $days } 天前更新

nav-back = 返回
nav-home = 首页
nav-schedule = 活动日程
# 地区的内容尚无品牌时场所的名称；品牌自带名称（如“红垒驿站”）。
nav-venues = 服务站点

home-today = 今日活动
home-upcoming = 近期活动
home-today-none = 近期各站点没有安排活动。
home-full-schedule = 全部日程
section-count = { $count } 篇内容

section-empty = 这个板块暂时还没有内容。

category-learning = 学习
category-service = 服务
category-education = 教育
category-entertainment = 娱乐

article-scan = 用手机扫码继续阅读

schedule-title = 活动日程
schedule-today = 今天
schedule-week = 本周
schedule-all-stations = 全部驿站
schedule-none = 所选时间没有活动。
schedule-view-station = 查看驿站
action-close = 关闭

event-seats = 名额 { $capacity } 人
event-seats-left = { $left ->
    [0] 名额已满（共 { $capacity } 人）
   *[other] 剩余 { $left } 个名额（共 { $capacity } 人）
}
event-no-limit = 不限名额
event-signup-open = 可报名
event-signup-closed = 无需报名
event-qr-calendar = 扫码加入手机日历
event-qr-link = 扫码在手机上查看活动详情
glyphs-undrawable = 有 { $count } 个字符（表情符号或生僻字）无法在屏幕上显示，请删除。

station-building = 楼宇
station-address = 地址
station-hours = 开放时间
station-area = 面积
station-area-value = { $area } 平方米
station-serves = 服务楼宇
station-rooms = 功能区
station-upcoming = 近期活动
room-capacity = 可容纳 { $capacity } 人

list-separator = 、
time-range = { $start }–{ $end }
date-day = { $month }月{ $day }日 { $weekday }
date-range = { $from } 至 { $to }

weekday-1 = 周一
weekday-2 = 周二
weekday-3 = 周三
weekday-4 = 周四
weekday-5 = 周五
weekday-6 = 周六
weekday-7 = 周日

month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月

## Keyboard

# The layout switch names both layouts in their own script, in either UI language.
keyboard-pinyin = 拼音
keyboard-english = EN
keyboard-symbols = 123
keyboard-letters = ABC
keyboard-to-pinyin = 切换到拼音输入
keyboard-to-english = 切换到英文输入
keyboard-to-symbols = 数字和符号
keyboard-to-letters = 字母
keyboard-shift = 大写
keyboard-separator = 分词
keyboard-backspace = 删除
keyboard-space = 空格
keyboard-enter = 回车
keyboard-hide = 收起键盘
keyboard-previous-candidates = 上一页候选词
keyboard-next-candidates = 下一页候选词
keyboard-chinese-unavailable = 本机未安装中文输入，可输入英文、数字和符号
keyboard-preview-label = 请输入

## Idle, attract, maintenance

idle-title = 还在吗？
idle-tap = 轻触屏幕任意位置继续。
idle-countdown = { $seconds } 秒后将回到首页，您输入的内容将被清除。
idle-notice-label = 还在吗？轻触继续

attract-touch = 轻触屏幕开始
attract-today = 今天
attract-events-kicker = 活动
attract-events-title = 近期活动

maint-title = 维护
maint-pin-title = 维护
maint-pin-prompt = 请输入维护密码
maint-pin-wrong = 密码错误。再错 { $left } 次后需等待。
maint-pin-locked = 密码错误次数过多，请在 { $wait } 后重试。
maint-pin-checking = 正在验证…
maint-pin-ok = 确定
maint-pin-delete = 删除
maint-pin-cancel = 取消
maint-kiosk = 终端
maint-station = 驿站
maint-version = 软件版本
maint-content = 内容
maint-content-value = 序号 { $seq } · 服务器最新 { $head } · { $source }
maint-last-sync = 上次同步
maint-last-error = 上次错误
maint-outbox = 待发送
maint-outbox-state = { $state ->
    [pending] 等待 { $count }
    [accepted] 已接收 { $count }
    [duplicate] 重复 { $count }
    [rejected] 被拒绝 { $count }
    [conflict] 冲突 { $count }
   *[other] { $state } { $count }
}
maint-outbox-unreadable = 无法读取（见日志）
maint-disk = 可用磁盘
maint-disk-value = 可用 { $size } MB
maint-memory = 内存
maint-memory-value = 已用 { $size } MB（RSS）
maint-renderer = 渲染器
maint-renderer-gpu = OpenGL（femtovg）
maint-renderer-software = 软件渲染
maint-none = 无
maint-never = 从未
maint-unknown = 未知
maint-not-registered = 未在区级服务器注册
maint-sync-now = 立即同步
maint-sync-running = 正在同步…
maint-sync-done = 已于 { $time } 完成同步。
maint-sync-failed = 同步失败：{ $error }
maint-sync-off = 未配置区级服务器：本终端显示本地内容。
maint-exit = 退出到桌面
maint-exit-confirm = 再次轻触以关闭终端
maint-exit-note = 终端将保持关闭，直到再次启动（见 OPERATIONS.md）。

## Visitor forms

section-tab-wishes = 心愿墙
section-tab-articles = 文章
wish-wall-intro = 辖区居民和职员的微心愿。您能帮上忙吗？
wish-wall-empty = 心愿墙上还没有心愿。来许下第一个吧。
wish-make = 许个心愿
wish-claim = 我来认领
wish-anonymous = 匿名
wish-status-approved = 待认领
wish-status-claimed = 已认领
wish-status-fulfilled = 已实现
wish-age-now = 刚刚
wish-age-minutes = { $minutes } 分钟前
wish-age-hours = { $hours } 小时前
wish-age-days = { $days } 天前
event-sign-up = 我要报名
form-wish-title = 许一个微心愿
form-wish-intro = 社区能帮上忙的小事：陪同就医、语言伙伴、给孩子的一本书。
form-claim-title = 我来认领
form-claim-about = 心愿：
form-wish-label = 您的心愿
form-wish-hint = 在这里输入心愿
form-display-name-label = 署名或姓名缩写（可不填）
form-display-name-hint = 例如：李女士、L. W.
form-name-label = 您的姓名
form-name-hint = 姓名或单位
form-contact-label = 电话或电子邮箱
form-contact-hint = 例如 138 0000 0000 或 name@example.com
form-note-label = 简短留言（可不填）
form-note-hint = 您能怎样帮忙
form-party-label = 人数
form-party-less = 减少一人
form-party-more = 增加一人
form-wish-consent = 每个心愿都由街道工作人员审核后才会上墙。请不要在心愿中填写电话或地址。
form-claim-consent = 您的姓名和联系方式只交给街道工作人员，不会显示在屏幕上，以便为您牵线。
form-signup-consent = 您的姓名和联系方式只交给街道工作人员，不会显示在屏幕上。
form-signup-unavailable = 此活动报名已截止或已满。
form-submit = 提交
form-saving = 正在保存…
form-save-failed = 本终端暂时无法保存您的填写内容。请再试一次，或咨询服务台工作人员。
form-finish = 完成
form-received = 已收到，工作人员将进行审核
form-wish-received-body = 您的心愿还没有上墙：街道工作人员审核通过、本终端下次更新后才会显示。
form-claim-received-body = 谢谢您！街道工作人员会与您联系安排。
form-signup-received = 已收到您的报名
form-signup-checking = 正在与街道确认名额…
form-signup-by-phone = 暂时无法获得确认结果：工作人员将通过电话或邮件与您确认。
form-signup-confirmed = 报名成功：{ $seats } 个名额
form-signup-confirmed-body = 已为您保留名额，请提前几分钟到场。
form-signup-full = 抱歉，活动名额已满
form-signup-few = 名额不足：仅剩 { $seats } 个
form-signup-full-body = 本次未能报名。您可以减少人数后重新报名，或咨询服务台工作人员。
form-signup-closed = 此活动报名已截止
form-signup-over = 此活动已经开始
form-signup-unavailable-now = 此活动已不再提供
form-signup-not-accepted = 报名未被接受
form-signup-not-accepted-body = 本次未能报名。请修改后重新报名，或咨询服务台工作人员。
form-signup-refused-body = 街道系统未能接受来自本屏幕的这次报名，本次未能报名，请咨询服务台工作人员。
form-seats-left = 剩余 { $seats } 个名额
form-error-empty = 请填写此项。
form-error-invisible = 请输入可见的文字。
form-error-too-long = 太长了：最多 { $limit } 个字。
form-error-too-many-combining-marks = 一个字上叠加的符号过多。
form-error-control-character = 含有不能在此使用的字符。
form-error-bidi-control = 含有看不见的文字方向字符，请重新输入。
form-error-unsupported-character = 含有不能在此使用的字符。
form-error-line-break = 请写在一行内。
form-error-not-a-contact = 请填写电话号码或电子邮箱。
form-error-bad-phone = 电话号码不完整：请填写手机号码，或带区号的座机号码。
form-error-bad-email = 电子邮箱地址不完整。
form-error-too-small = 至少为 { $limit }。
form-error-too-large = 最多为 { $limit }。
