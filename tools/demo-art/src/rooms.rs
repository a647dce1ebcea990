//! The stations and what happens in them: the centre's floor plan, the Haizhiyun harbour view,
//! the five station pictures, the restaurant, classes, talks and diagrams.

use std::f32::consts::PI;

use crate::canvas::{C, Canvas, Rng, heart_pts, hex, rect_pts, rotate, rrect_pts, star_pts};
use crate::parts::*;

pub fn centre_floorplan(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, CREAM);
    let wall = hex("#4A4E5C");
    let corridor = hex("#F3EEE6");
    cv.rect(70.0, 70.0, 1060.0, 660.0, wall);
    cv.rect(84.0, 84.0, 1032.0, 632.0, corridor);
    // (x, y, w, h, colour): the ten function areas.
    let rooms = [
        (100.0, 100.0, 340.0, 230.0, BRICK), // restaurant (the hub)
        (460.0, 100.0, 240.0, 230.0, NAVY),  // entrepreneurs' forum
        (720.0, 100.0, 180.0, 230.0, PLUM),  // art salon
        (920.0, 100.0, 180.0, 230.0, ROSE),  // image design
        (100.0, 410.0, 200.0, 290.0, SEA),   // reading area
        (320.0, 410.0, 300.0, 290.0, AMBER), // multi-purpose hall
        (640.0, 410.0, 140.0, 290.0, RED),   // members' home
        (800.0, 410.0, 150.0, 290.0, TEAL),  // international friends' corner
        (970.0, 410.0, 130.0, 135.0, GOLD),  // family craft workshop
        (970.0, 565.0, 130.0, 135.0, OLIVE), // stress-relief room
    ];
    for &(x, y, w, h, c) in &rooms {
        cv.rect(x - 6.0, y - 6.0, w + 12.0, h + 12.0, c.mix(INK, 0.2));
        cv.rect(x, y, w, h, c.mix(WHITE, 0.62));
        // door onto the corridor
        let dy = if y < 300.0 { y + h } else { y - 6.0 };
        cv.rect(x + w / 2.0 - 26.0, dy, 52.0, 6.0, corridor);
        cv.arc(
            x + w / 2.0 - 26.0,
            if y < 300.0 { y + h } else { y },
            52.0,
            if y < 300.0 { 0.0 } else { -PI / 2.0 },
            if y < 300.0 { PI / 2.0 } else { 0.0 },
            2.0,
            c.mix(INK, 0.2),
        );
    }
    let fur = |c: C| c.mix(INK, 0.05).mix(WHITE, 0.1);
    // restaurant: round tables with chairs
    for (tx, ty) in [
        (170.0, 170.0),
        (280.0, 170.0),
        (380.0, 250.0),
        (170.0, 270.0),
    ] {
        for k in 0..4 {
            let a = PI / 4.0 + PI / 2.0 * k as f32;
            cv.circle(tx + 34.0 * a.cos(), ty + 34.0 * a.sin(), 10.0, fur(BRICK));
        }
        cv.circle(tx, ty, 24.0, WHITE);
        cv.ring(tx, ty, 24.0, 3.0, fur(BRICK));
    }
    // forum: one large oval table
    cv.ellipse(580.0, 215.0, 85.0, 48.0, fur(NAVY));
    for k in 0..10 {
        let a = 2.0 * PI * k as f32 / 10.0;
        cv.circle(
            580.0 + 108.0 * a.cos(),
            215.0 + 70.0 * a.sin(),
            9.0,
            fur(NAVY),
        );
    }
    // art salon: easels and frames on the wall
    for k in 0..3 {
        cv.rect(740.0 + k as f32 * 52.0, 106.0, 38.0, 10.0, fur(PLUM));
    }
    for (x, y) in [(770.0, 200.0), (850.0, 250.0)] {
        cv.poly(
            &[(x, y - 30.0), (x + 24.0, y + 24.0), (x - 24.0, y + 24.0)],
            fur(PLUM),
        );
    }
    // image design: mirrors and chairs
    for k in 0..3 {
        let y = 130.0 + k as f32 * 60.0;
        cv.rect(1080.0, y, 10.0, 40.0, SKY.mix(ROSE, 0.2));
        cv.circle(1050.0, y + 20.0, 14.0, fur(ROSE));
    }
    // reading: shelves and a table
    for k in 0..4 {
        cv.rect(110.0, 430.0 + k as f32 * 62.0, 24.0, 48.0, fur(SEA));
    }
    cv.rect(180.0, 520.0, 90.0, 110.0, fur(SEA));
    // hall: rows of chairs facing a stage
    cv.rect(340.0, 660.0, 260.0, 26.0, fur(AMBER));
    for r in 0..4 {
        for k in 0..8 {
            cv.rect(
                350.0 + k as f32 * 31.0,
                440.0 + r as f32 * 46.0,
                20.0,
                20.0,
                fur(AMBER),
            );
        }
    }
    // members' home: a table
    cv.rect(670.0, 500.0, 80.0, 130.0, fur(RED));
    // friends' corner: an L-shaped sofa and a low table
    cv.rect(812.0, 560.0, 30.0, 128.0, fur(TEAL));
    cv.rect(812.0, 660.0, 126.0, 28.0, fur(TEAL));
    cv.circle(895.0, 605.0, 26.0, fur(TEAL));
    // craft workshop: a big table; stress relief: mats
    cv.rect(995.0, 440.0, 80.0, 80.0, fur(GOLD));
    cv.rrect(985.0, 590.0, 40.0, 90.0, 8.0, fur(OLIVE));
    cv.rrect(1040.0, 590.0, 40.0, 90.0, 8.0, fur(OLIVE));
    // entrance arrow
    cv.rect(560.0, 716.0, 80.0, 14.0, corridor);
    cv.poly(&[(600.0, 738.0), (630.0, 780.0), (570.0, 780.0)], RED);
    cv.circle(270.0, 215.0, 16.0, RED);
    cv.poly(&star_pts(270.0, 215.0, 11.0, 5.0, 5), GOLD);
}

/// The harbour through Haizhiyun's tall windows, for any size.
pub fn haizhiyun_view(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    let mut rng = Rng::new(12);
    let horizon = h * 0.47;
    cv.vgrad(0.0, 0.0, w, horizon, hex("#8FC8E6"), hex("#E6F4FA"), 7);
    cloud(cv, w * 0.3, h * 0.17, 50.0, WHITE);
    cloud(cv, w * 0.72, h * 0.12, 38.0, WHITE);
    // far shore with the city and cranes
    cv.poly(
        &hill(-100.0, w * 0.5, horizon, horizon - 40.0, horizon + 10.0),
        hex("#9DB7C6"),
    );
    let mut x = w * 0.45;
    while x < w {
        let bh = rng.range(30.0, 110.0);
        cv.rect(
            x,
            horizon - bh,
            rng.range(24.0, 50.0),
            bh + 4.0,
            hex("#A8BACB"),
        );
        x += rng.range(30.0, 60.0);
    }
    cv.vgrad(
        0.0,
        horizon,
        w,
        h - horizon,
        hex("#3F9DC2"),
        hex("#1E6F97"),
        6,
    );
    for k in 0..3 {
        let (cx, base) = (w * 0.1 + k as f32 * 120.0, horizon + 2.0);
        let crane = hex("#D9622B");
        cv.line((cx - 14.0, base), (cx, base - 100.0), 5.0, crane);
        cv.line((cx + 14.0, base), (cx, base - 100.0), 5.0, crane);
        cv.line(
            (cx - 30.0, base - 96.0),
            (cx + 70.0, base - 96.0),
            6.0,
            crane,
        );
        cv.line((cx, base - 118.0), (cx + 70.0, base - 96.0), 2.0, crane);
        cv.line((cx, base - 118.0), (cx - 30.0, base - 96.0), 2.0, crane);
        cv.line((cx + 56.0, base - 96.0), (cx + 56.0, base - 60.0), 2.0, INK);
        cv.rect(cx + 50.0, base - 62.0, 12.0, 8.0, INK);
    }
    for (sx, sy, s) in [
        (w * 0.35, horizon + 60.0, 1.0),
        (w * 0.62, horizon + 120.0, 1.4),
        (w * 0.85, horizon + 40.0, 0.7),
    ] {
        cv.poly(
            &[
                (sx - 80.0 * s, sy),
                (sx + 80.0 * s, sy),
                (sx + 64.0 * s, sy + 20.0 * s),
                (sx - 64.0 * s, sy + 20.0 * s),
            ],
            hex("#2D3A4F"),
        );
        let cols = [RED, GOLD, TEAL, WHITE];
        for i in 0..5 {
            cv.rect(
                sx - 60.0 * s + i as f32 * 22.0 * s,
                sy - 16.0 * s,
                20.0 * s,
                16.0 * s,
                cols[i % 4],
            );
        }
        cv.rect(sx + 40.0 * s, sy - 34.0 * s, 22.0 * s, 34.0 * s, WHITE);
    }
    for i in 0..6 {
        let y = horizon + 30.0 + i as f32 * 40.0;
        let x = rng.range(0.0, w - 200.0);
        cv.line((x, y), (x + 90.0, y), 3.0, WHITE.alpha(110));
    }
    // the room: ceiling, angled side windows (the view wraps round), floor
    let frame = hex("#36404F");
    let floor_y = h * 0.8;
    let (l, r) = (w * 0.16, w * 0.84);
    cv.poly(
        &[(0.0, 0.0), (w, 0.0), (r, h * 0.07), (l, h * 0.07)],
        hex("#EDE6DA"),
    );
    cv.poly(
        &[(0.0, h), (l, floor_y), (r, floor_y), (w, h)],
        hex("#C9A77C"),
    );
    for k in 0..5 {
        let t = k as f32 / 4.0;
        cv.line((l + (r - l) * t, floor_y), (w * t, h), 2.0, hex("#B89468"));
    }
    cv.line((l, h * 0.07), (r, h * 0.07), 10.0, frame);
    cv.line((l, floor_y), (r, floor_y), 10.0, frame);
    for t in [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0] {
        let x = l + (r - l) * t;
        cv.line((x, h * 0.07), (x, floor_y), 10.0, frame);
    }
    cv.line((0.0, 0.0), (l, h * 0.07), 10.0, frame);
    cv.line((w, 0.0), (r, h * 0.07), 10.0, frame);
    cv.line((0.0, h), (l, floor_y), 10.0, frame);
    cv.line((w, h), (r, floor_y), 10.0, frame);
    cv.line((w * 0.07, h * 0.03), (w * 0.07, h * 0.9), 8.0, frame);
    cv.line((w * 0.93, h * 0.03), (w * 0.93, h * 0.9), 8.0, frame);
    // a sofa, a low table, a plant and a reading shelf
    let sy = h * 0.84;
    cv.rrect(w * 0.24, sy - 70.0, 250.0, 60.0, 16.0, RED.mix(INK, 0.15));
    cv.rrect(w * 0.22, sy - 30.0, 290.0, 60.0, 18.0, RED);
    cv.rrect(w * 0.22, sy - 52.0, 36.0, 80.0, 14.0, RED.mix(INK, 0.1));
    cv.rrect(
        w * 0.22 + 254.0,
        sy - 52.0,
        36.0,
        80.0,
        14.0,
        RED.mix(INK, 0.1),
    );
    cv.ellipse(w * 0.62, sy + 20.0, 80.0, 20.0, WHITE);
    cv.rect(w * 0.62 - 6.0, sy + 20.0, 12.0, 40.0, GREY);
    cv.rect(w * 0.62 - 30.0, sy + 4.0, 24.0, 16.0, TEAL);
    cv.rrect(w * 0.8 - 24.0, sy - 20.0, 48.0, 56.0, 6.0, hex("#E8DCC8"));
    for k in 0..5 {
        let a = -PI / 2.0 + (k as f32 - 2.0) * 0.38;
        let (ex, ey) = (w * 0.8 + 60.0 * a.cos(), sy - 20.0 + 80.0 * a.sin());
        cv.ellipse(
            (w * 0.8 + ex) / 2.0,
            (sy - 20.0 + ey) / 2.0,
            14.0,
            40.0,
            GREEN,
        );
    }
}

pub fn station_yatai(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    cv.rect(0.0, 0.0, w, h, hex("#F4EEE4"));
    cv.rect(0.0, h * 0.74, w, h * 0.26, hex("#D9CDBB"));
    for k in 0..8 {
        cv.line(
            (k as f32 * 170.0, h * 0.74),
            (k as f32 * 220.0 - 180.0, h),
            2.0,
            hex("#CDBFA9"),
        );
    }
    // floor directory with emblems beside some companies
    let (dx, dy) = (90.0, 90.0);
    cv.rrect(dx, dy, 260.0, 330.0, 10.0, NAVY);
    let mut rng = Rng::new(14);
    for k in 0..10 {
        let y = dy + 26.0 + k as f32 * 30.0;
        cv.rect(dx + 24.0, y, 26.0, 14.0, WHITE.alpha(150));
        cv.rrect(
            dx + 80.0,
            y,
            rng.range(90.0, 140.0),
            14.0,
            4.0,
            WHITE.alpha(200),
        );
        if rng.f() < 0.5 {
            cv.circle(dx + 64.0, y + 7.0, 8.0, GOLD);
        }
    }
    // the front desk
    cv.rect(420.0, 330.0, 520.0, 30.0, WOOD.mix(WHITE, 0.2));
    cv.rect(430.0, 360.0, 500.0, 150.0, RED);
    cv.rect(430.0, 470.0, 500.0, 40.0, BRICK);
    cv.poly(&star_pts(680.0, 420.0, 30.0, 12.0, 5), GOLD);
    person(cv, 560.0, 230.0, 48.0, NAVY);
    cv.rect(600.0, 300.0, 70.0, 30.0, INK);
    cv.rect(606.0, 304.0, 58.0, 22.0, SKY);
    // a wall of information boards behind the desk
    for (k, c) in [TEAL, AMBER, PLUM].iter().enumerate() {
        let x = 460.0 + k as f32 * 160.0;
        cv.rrect(x, 80.0, 130.0, 100.0, 8.0, *c);
        cv.rect(x + 16.0, 100.0, 60.0, 10.0, WHITE);
        cv.rect(x + 16.0, 122.0, 96.0, 8.0, WHITE.alpha(170));
        cv.rect(x + 16.0, 140.0, 80.0, 8.0, WHITE.alpha(170));
    }
    // the mobile service cart
    let (cx, cy) = (1010.0, 380.0);
    cv.rrect(cx, cy, 130.0, 120.0, 10.0, RED);
    cv.rect(cx - 10.0, cy - 12.0, 150.0, 14.0, BRICK);
    cv.rect(cx + 16.0, cy + 20.0, 98.0, 14.0, WHITE);
    cv.line((cx + 130.0, cy), (cx + 160.0, cy - 70.0), 8.0, GREY);
    for x in [cx + 25.0, cx + 105.0] {
        cv.circle(x, cy + 130.0, 16.0, INK);
        cv.circle(x, cy + 130.0, 6.0, GREY);
    }
    // plants and a visitor
    for x in [380.0, 970.0] {
        cv.rrect(x - 22.0, 440.0, 44.0, 60.0, 6.0, hex("#E8DCC8"));
        for k in 0..5 {
            let a = -PI / 2.0 + (k as f32 - 2.0) * 0.4;
            cv.ellipse(
                x + 34.0 * a.cos(),
                440.0 + 50.0 * a.sin(),
                10.0,
                30.0,
                GREEN,
            );
        }
    }
    person(cv, 240.0, 400.0, 60.0, TEAL);
}

pub fn station_haizhiyun(cv: &mut Canvas) {
    haizhiyun_view(cv);
}

pub fn station_liyuan(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    cv.rect(0.0, 0.0, w, h, hex("#EFE9F3"));
    cv.rect(0.0, h * 0.72, w, h * 0.28, hex("#CFC3D8"));
    // window with the city
    cv.rect(700.0, 70.0, 420.0, 300.0, hex("#4A4E5C"));
    cv.vgrad(712.0, 82.0, 396.0, 276.0, hex("#A7D3EA"), hex("#E4F2F8"), 5);
    let mut rng = Rng::new(15);
    let mut x = 712.0;
    while x < 1100.0 {
        let bh = rng.range(60.0, 200.0);
        cv.rect(
            x,
            358.0 - bh,
            rng.range(30.0, 60.0).min(1108.0 - x),
            bh,
            hex("#9FB3C8"),
        );
        x += rng.range(40.0, 70.0);
    }
    cv.rect(904.0, 82.0, 12.0, 276.0, hex("#4A4E5C"));
    // whiteboard
    cv.rect(90.0, 90.0, 400.0, 230.0, hex("#B7B0C0"));
    cv.rect(100.0, 100.0, 380.0, 210.0, WHITE);
    cv.polyline(
        &[
            (130.0, 260.0),
            (200.0, 200.0),
            (270.0, 230.0),
            (360.0, 150.0),
            (440.0, 170.0),
        ],
        6.0,
        PLUM,
    );
    cv.circle(360.0, 150.0, 10.0, RED);
    // table and chairs
    let ty = 430.0;
    for k in 0..5 {
        let x = 250.0 + k as f32 * 150.0;
        cv.rrect(x - 40.0, ty - 90.0, 80.0, 70.0, 12.0, PLUM.mix(WHITE, 0.25));
    }
    cv.rect(170.0, ty - 20.0, 760.0, 30.0, WOOD);
    cv.rect(200.0, ty + 10.0, 18.0, 130.0, WOOD.mix(INK, 0.3));
    cv.rect(880.0, ty + 10.0, 18.0, 130.0, WOOD.mix(INK, 0.3));
    for (x, c) in [(300.0, RED), (520.0, TEAL), (740.0, AMBER)] {
        cv.rect(x - 30.0, ty - 36.0, 60.0, 16.0, c);
        cv.rect(x + 40.0, ty - 46.0, 26.0, 26.0, WHITE);
    }
    for k in 0..5 {
        let x = 250.0 + k as f32 * 150.0;
        cv.rrect(x - 46.0, ty + 40.0, 92.0, 90.0, 14.0, PLUM.mix(INK, 0.1));
    }
    for x in [1040.0] {
        cv.rrect(x - 30.0, 420.0, 60.0, 80.0, 6.0, hex("#E8DCC8"));
        for k in 0..5 {
            let a = -PI / 2.0 + (k as f32 - 2.0) * 0.4;
            cv.ellipse(
                x + 40.0 * a.cos(),
                420.0 + 60.0 * a.sin(),
                12.0,
                36.0,
                GREEN,
            );
        }
    }
}

pub fn station_vanke(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    cv.rect(0.0, 0.0, w, h, hex("#E8EEF3"));
    // screen with a chart
    cv.rect(330.0, 50.0, 540.0, 300.0, hex("#3A4250"));
    cv.rect(342.0, 62.0, 516.0, 276.0, WHITE);
    for (k, v) in [0.4, 0.6, 0.5, 0.8, 0.9].iter().enumerate() {
        let bh = 200.0 * v;
        cv.rect(
            400.0 + k as f32 * 80.0,
            310.0 - bh,
            50.0,
            bh,
            [TEAL, SEA, TEAL, SEA, RED][k],
        );
    }
    cv.rect(380.0, 310.0, 440.0, 4.0, INK);
    // lectern and speaker
    person(cv, 1000.0, 230.0, 50.0, NAVY);
    cv.poly(
        &[
            (950.0, 330.0),
            (1060.0, 330.0),
            (1045.0, 470.0),
            (965.0, 470.0),
        ],
        WOOD,
    );
    cv.rect(940.0, 320.0, 130.0, 16.0, WOOD.mix(INK, 0.25));
    // tiered rows of listeners seen from behind
    let mut rng = Rng::new(16);
    let hair = [INK, hex("#4B3A2F"), hex("#2F2B28"), hex("#6B4E3A")];
    let shirts = [TEAL, SEA, AMBER, PLUM, RED, GREY, OLIVE, NAVY];
    for r in 0..3 {
        let base = 470.0 + r as f32 * 90.0;
        let s = 34.0 + r as f32 * 8.0;
        cv.rect(
            0.0,
            base - 6.0,
            w,
            h - base + 6.0,
            hex("#D2DAE2").mix(INK, r as f32 * 0.08),
        );
        let n = 9 - r;
        for k in 0..n {
            let x = 80.0 + (k as f32 + 0.5) * (w - 160.0) / n as f32 + rng.range(-14.0, 14.0);
            head_shoulders(cv, x, base + 20.0, s, hair[k % 4], shirts[(k + r * 3) % 8]);
        }
    }
}

pub fn station_mingzhu(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    cv.vgrad(0.0, 0.0, w, h, hex("#DCEBF3"), hex("#F3F8FB"), 5);
    // facade
    cv.rect(60.0, 40.0, 1080.0, 500.0, hex("#E9E1D3"));
    for k in 0..3 {
        cv.rect(110.0 + k as f32 * 350.0, 70.0, 280.0, 80.0, hex("#B9CCDA"));
    }
    // red awning
    let n = 12;
    let aw = 1000.0 / n as f32;
    for i in 0..n {
        let x = 100.0 + i as f32 * aw;
        let c = if i % 2 == 0 { RED } else { WHITE };
        cv.poly(
            &[
                (x, 190.0),
                (x + aw, 190.0),
                (x + aw + 6.0, 250.0),
                (x - 6.0, 250.0),
            ],
            c,
        );
        cv.pie(x + aw / 2.0, 250.0, aw / 2.0 + 3.0, 0.0, PI, c);
    }
    cv.rect(90.0, 180.0, 1020.0, 14.0, BRICK);
    // shop window and glass door
    cv.rect(100.0, 290.0, 1000.0, 250.0, hex("#4A4E5C"));
    cv.rect(112.0, 302.0, 560.0, 238.0, hex("#CBE4EF"));
    cv.rect(700.0, 302.0, 200.0, 238.0, hex("#B3D6E6"));
    cv.rect(928.0, 302.0, 160.0, 238.0, hex("#CBE4EF"));
    cv.rect(792.0, 400.0, 16.0, 60.0, GREY);
    cv.line((140.0, 320.0), (260.0, 440.0), 10.0, WHITE.alpha(120));
    cv.line((720.0, 320.0), (800.0, 400.0), 10.0, WHITE.alpha(120));
    // inside: tiles of the kiosk and a table
    cv.rect(420.0, 330.0, 150.0, 120.0, INK);
    tiles(cv, 426.0, 336.0, 138.0, 108.0, 4);
    cv.rect(485.0, 450.0, 20.0, 90.0, INK);
    for (x, c) in [(200.0, RED), (300.0, TEAL)] {
        person(cv, x, 410.0, 44.0, c);
    }
    cv.poly(&heart_pts(1008.0, 400.0, 70.0), ROSE);
    // pavement with a bench and passers-by
    cv.rect(0.0, 540.0, w, h - 540.0, hex("#CFC8BD"));
    for k in 0..9 {
        cv.rect(k as f32 * 140.0, 540.0, 4.0, h - 540.0, hex("#BEB6AA"));
    }
    cv.rect(80.0, 590.0, 160.0, 14.0, WOOD);
    cv.rect(90.0, 604.0, 10.0, 30.0, INK);
    cv.rect(220.0, 604.0, 10.0, 30.0, INK);
    person(cv, 960.0, 520.0, 52.0, NAVY);
    person(cv, 1060.0, 530.0, 44.0, AMBER);
}

pub fn western_restaurant(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#EDE3D3"));
    for j in 0..10 {
        for i in 0..15 {
            if (i + j) % 2 == 0 {
                cv.rect(i as f32 * 80.0, j as f32 * 80.0, 80.0, 80.0, hex("#E4D7C3"));
            }
        }
    }
    cv.rect(150.0, 230.0, 900.0, 340.0, C(0, 0, 0, 35));
    cv.rrect(140.0, 215.0, 920.0, 340.0, 14.0, WOOD);
    for k in 0..5 {
        cv.rect(
            140.0,
            250.0 + k as f32 * 64.0,
            920.0,
            3.0,
            WOOD.mix(INK, 0.12),
        );
    }
    let mats = [NAVY, TEAL, NAVY, TEAL];
    for (i, &x) in [260.0, 480.0, 720.0, 940.0].iter().enumerate() {
        for (y, flip) in [(300.0, false), (470.0, true)] {
            cv.rrect(
                x - 80.0,
                y - 60.0,
                160.0,
                120.0,
                10.0,
                mats[i].mix(WHITE, 0.15),
            );
            cv.circle(x, y, 46.0, WHITE);
            cv.ring(x, y, 34.0, 3.0, hex("#E6E1D8"));
            cv.line(
                (x - 62.0, y - 34.0),
                (x - 62.0, y + 34.0),
                6.0,
                hex("#C7CCD3"),
            );
            cv.line(
                (x + 62.0, y - 34.0),
                (x + 62.0, y + 34.0),
                6.0,
                hex("#C7CCD3"),
            );
            let cup = if i % 2 == 0 {
                (x + 104.0, y + if flip { 30.0 } else { -30.0 })
            } else {
                (x - 104.0, y)
            };
            cv.ring(cup.0, cup.1 + 24.0, 9.0, 5.0, WHITE);
            cv.circle(cup.0, cup.1, 20.0, WHITE);
            cv.circle(cup.0, cup.1, 14.0, hex("#7A4E2D"));
        }
        if i == 1 {
            // a dumpling plate being shared
            cv.circle(x, 300.0, 30.0, hex("#F3E4C8"));
        }
    }
    // flowers in the middle
    cv.circle(600.0, 385.0, 38.0, WHITE);
    for k in 0..6 {
        let a = 2.0 * PI * k as f32 / 6.0;
        cv.circle(600.0 + 24.0 * a.cos(), 385.0 + 24.0 * a.sin(), 16.0, RED);
    }
    cv.circle(600.0, 385.0, 12.0, GOLD);
}

pub fn calendar_booking(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F6EDEE"));
    let (x, y, w, h) = (220.0, 110.0, 760.0, 600.0);
    cv.rrect(x + 14.0, y + 16.0, w, h, 22.0, C(0, 0, 0, 35));
    cv.rrect(x, y, w, h, 22.0, WHITE);
    cv.poly(&rrect_pts(x, y, w, 120.0, 22.0), BRICK);
    cv.rect(x, y + 90.0, w, 30.0, BRICK);
    for k in 0..6 {
        let rx = x + 80.0 + k as f32 * 120.0;
        cv.rrect(rx - 10.0, y - 36.0, 20.0, 70.0, 10.0, hex("#7E858F"));
    }
    let (gx, gy) = (x + 30.0, y + 150.0);
    let (cw, ch) = ((w - 60.0) / 7.0, (h - 180.0) / 5.0);
    let booked = [
        (1, 0, TEAL),
        (3, 1, AMBER),
        (0, 2, PLUM),
        (4, 2, SEA),
        (2, 3, ROSE),
        (5, 1, TEAL),
        (1, 4, AMBER),
    ];
    for j in 0..5 {
        for i in 0..7 {
            let c = if i >= 5 {
                hex("#F4F1EC")
            } else {
                hex("#EEF1F4")
            };
            cv.rrect(
                gx + i as f32 * cw + 5.0,
                gy + j as f32 * ch + 5.0,
                cw - 10.0,
                ch - 10.0,
                8.0,
                c,
            );
        }
    }
    for (i, j, c) in booked {
        let (bx, by) = (gx + i as f32 * cw + 5.0, gy + j as f32 * ch + 5.0);
        cv.rrect(bx, by, cw - 10.0, ch - 10.0, 8.0, c.mix(WHITE, 0.55));
        cv.rrect(bx + 10.0, by + ch - 34.0, cw - 30.0, 10.0, 4.0, c);
    }
    let (bx, by) = (gx + 3.0 * cw + 5.0, gy + 3.0 * ch + 5.0);
    cv.rrect(bx, by, cw - 10.0, ch - 10.0, 8.0, RED);
    cv.polyline(
        &[
            (bx + 26.0, by + 40.0),
            (bx + 44.0, by + 58.0),
            (bx + 76.0, by + 22.0),
        ],
        9.0,
        WHITE,
    );
}

pub fn handicraft(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F3E9DC"));
    let sheets = [
        (220.0, 250.0, 0.2, RED),
        (420.0, 520.0, -0.15, GOLD),
        (900.0, 560.0, 0.3, TEAL),
        (880.0, 220.0, -0.25, ROSE),
    ];
    for (x, y, a, c) in sheets {
        cv.poly(
            &rotate(&rect_pts(x - 150.0, y - 110.0, 300.0, 220.0), x, y, a),
            c,
        );
    }
    // a paper-cut flower on the red sheet
    cv.poly(&star_pts(220.0, 250.0, 80.0, 40.0, 8), WHITE.alpha(235));
    cv.poly(&star_pts(220.0, 250.0, 40.0, 22.0, 8), RED);
    cv.circle(220.0, 250.0, 12.0, WHITE);
    // scissors
    let (sx, sy) = (600.0, 330.0);
    let blade = hex("#B6BCC4");
    cv.poly(
        &rotate(
            &[
                (sx - 6.0, sy),
                (sx + 6.0, sy),
                (sx + 2.0, sy - 210.0),
                (sx - 2.0, sy - 210.0),
            ],
            sx,
            sy,
            0.22,
        ),
        blade,
    );
    cv.poly(
        &rotate(
            &[
                (sx - 6.0, sy),
                (sx + 6.0, sy),
                (sx + 2.0, sy - 210.0),
                (sx - 2.0, sy - 210.0),
            ],
            sx,
            sy,
            -0.22,
        ),
        blade.mix(INK, 0.12),
    );
    cv.ring(sx - 40.0, sy + 60.0, 34.0, 16.0, RED);
    cv.ring(sx + 40.0, sy + 60.0, 34.0, 16.0, RED);
    cv.line((sx, sy), (sx - 30.0, sy + 30.0), 14.0, RED);
    cv.line((sx, sy), (sx + 30.0, sy + 30.0), 14.0, RED);
    cv.circle(sx, sy, 9.0, GREY);
    // yarn balls
    for (x, y, r, c) in [
        (700.0, 620.0, 80.0, PLUM),
        (560.0, 680.0, 56.0, SEA),
        (1050.0, 380.0, 66.0, OLIVE),
    ] {
        cv.circle(x, y, r, c);
        for k in 0..4 {
            cv.arc(
                x - r * 0.9 + k as f32 * r * 0.45,
                y,
                r * 0.8,
                -1.0,
                1.0,
                3.0,
                c.mix(WHITE, 0.3),
            );
        }
        cv.arc(
            x,
            y + r * 0.3,
            r * 0.8,
            PI + 0.6,
            2.0 * PI - 0.6,
            3.0,
            c.mix(WHITE, 0.3),
        );
    }
    cv.polyline(
        &[
            (756.0, 676.0),
            (820.0, 720.0),
            (900.0, 700.0),
            (980.0, 760.0),
        ],
        4.0,
        PLUM,
    );
    // a Chinese knot
    let (kx, ky) = (1040.0, 620.0);
    cv.poly(
        &rotate(
            &rect_pts(kx - 40.0, ky - 40.0, 80.0, 80.0),
            kx,
            ky,
            PI / 4.0,
        ),
        RED,
    );
    cv.poly(
        &rotate(
            &rect_pts(kx - 24.0, ky - 24.0, 48.0, 48.0),
            kx,
            ky,
            PI / 4.0,
        ),
        RED.mix(INK, 0.2),
    );
    for a in [0.0, PI / 2.0, PI, 1.5 * PI] {
        cv.ring(kx + 66.0 * a.cos(), ky + 66.0 * a.sin(), 16.0, 8.0, RED);
    }
    cv.line((kx, ky + 82.0), (kx, ky + 150.0), 8.0, RED);
}

pub fn method_743(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F5F0E9"));
    let row = |n: usize, y: f32| -> Vec<(f32, f32)> {
        (0..n)
            .map(|i| (600.0 + (i as f32 - (n as f32 - 1.0) / 2.0) * 145.0, y))
            .collect()
    };
    let (r7, r4, r3) = (row(7, 190.0), row(4, 420.0), row(3, 640.0));
    for a in &r7 {
        for b in &r4 {
            cv.line(*a, *b, 2.0, GREY.alpha(90));
        }
    }
    for a in &r4 {
        for b in &r3 {
            cv.line(*a, *b, 2.0, GREY.alpha(90));
        }
    }
    for &(x, y) in &r7 {
        cv.circle(x, y, 50.0, RED);
        cv.circle(x, y, 20.0, WHITE);
    }
    for &(x, y) in &r4 {
        cv.rrect(x - 52.0, y - 52.0, 104.0, 104.0, 12.0, GOLD);
        cv.rrect(x - 20.0, y - 20.0, 40.0, 40.0, 6.0, WHITE);
    }
    for &(x, y) in &r3 {
        cv.poly(
            &[(x, y - 62.0), (x + 62.0, y + 48.0), (x - 62.0, y + 48.0)],
            TEAL,
        );
        cv.circle(x, y + 12.0, 16.0, WHITE);
    }
}

pub fn finance_talk(cv: &mut Canvas) {
    let (w, h) = (cv.w, cv.h);
    cv.rect(0.0, 0.0, w, h, hex("#ECEFF4"));
    cv.rect(0.0, 470.0, w, h - 470.0, hex("#D5DBE4"));
    // screen: a rising chart, a coin stack and a shield
    cv.rect(260.0, 60.0, 680.0, 360.0, hex("#3A4250"));
    cv.rect(272.0, 72.0, 656.0, 336.0, WHITE);
    cv.polyline(
        &[
            (320.0, 360.0),
            (420.0, 300.0),
            (500.0, 330.0),
            (600.0, 230.0),
            (680.0, 250.0),
        ],
        10.0,
        PLUM,
    );
    cv.circle(680.0, 250.0, 12.0, PLUM);
    for k in 0..5 {
        cv.ellipse(
            780.0,
            370.0 - k as f32 * 24.0,
            56.0,
            16.0,
            GOLD.mix(AMBER, 0.3),
        );
        cv.ellipse(780.0, 364.0 - k as f32 * 24.0, 56.0, 16.0, GOLD);
    }
    let (sx, sy) = (800.0, 160.0);
    cv.poly(
        &[
            (sx - 60.0, sy - 60.0),
            (sx, sy - 80.0),
            (sx + 60.0, sy - 60.0),
            (sx + 56.0, sy + 10.0),
            (sx, sy + 70.0),
            (sx - 56.0, sy + 10.0),
        ],
        TEAL,
    );
    cv.polyline(
        &[
            (sx - 26.0, sy - 4.0),
            (sx - 6.0, sy + 18.0),
            (sx + 30.0, sy - 26.0),
        ],
        10.0,
        WHITE,
    );
    // lectern with the speaker
    person(cv, 1060.0, 250.0, 54.0, NAVY);
    cv.poly(
        &[
            (1000.0, 360.0),
            (1120.0, 360.0),
            (1104.0, 520.0),
            (1016.0, 520.0),
        ],
        PLUM,
    );
    cv.rect(990.0, 350.0, 140.0, 16.0, PLUM.mix(INK, 0.3));
    // the audience
    let mut rng = Rng::new(17);
    let hair = [
        INK,
        hex("#4B3A2F"),
        hex("#8A8A8A"),
        hex("#2F2B28"),
        hex("#C9C9C9"),
    ];
    let shirts = [TEAL, SEA, AMBER, PLUM, RED, GREY, OLIVE, NAVY, ROSE];
    for r in 0..3 {
        let base = 560.0 + r as f32 * 110.0;
        let s = 40.0 + r as f32 * 10.0;
        let n = 8 - r;
        for k in 0..n {
            let x = 60.0 + (k as f32 + 0.5) * (w - 120.0) / n as f32 + rng.range(-16.0, 16.0);
            head_shoulders(
                cv,
                x,
                base + 30.0,
                s,
                hair[(k + r) % 5],
                shirts[(k * 2 + r) % 9],
            );
        }
    }
}

pub fn partners_ring(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F1EDF6"));
    let (cx, cy, r) = (600.0, 400.0, 250.0);
    cv.ring(cx, cy, r, 6.0, PLUM.alpha(80));
    let colours = [SEA, TEAL, AMBER, ROSE, OLIVE, NAVY];
    for (k, c) in colours.iter().enumerate() {
        let a = -PI / 2.0 + 2.0 * PI * k as f32 / 6.0;
        let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
        cv.line((cx, cy), (x, y), 5.0, c.alpha(120));
        cv.circle(x, y, 82.0, WHITE);
        cv.ring(x, y, 74.0, 14.0, *c);
        cv.circle(x, y, 52.0, *c);
        let wc = WHITE;
        match k {
            0 => {
                cv.rect(x - 20.0, y - 30.0, 40.0, 58.0, wc);
                for j in 0..3 {
                    cv.rect(x - 12.0, y - 22.0 + j as f32 * 16.0, 24.0, 6.0, *c);
                }
            }
            1 => {
                cv.circle(x, y, 30.0, wc);
                for (dx, dy, cc) in [(-12.0, -10.0, RED), (8.0, -14.0, GOLD), (14.0, 6.0, SEA)] {
                    cv.circle(x + dx, y + dy, 7.0, cc);
                }
                cv.circle(x - 6.0, y + 14.0, 8.0, *c);
            }
            2 => {
                cv.rrect(x - 24.0, y - 18.0, 40.0, 44.0, 8.0, wc);
                cv.ring(x + 20.0, y + 2.0, 10.0, 6.0, wc);
            }
            3 => cv.poly(&heart_pts(x, y, 60.0), wc),
            4 => {
                cv.ellipse(x, y, 18.0, 32.0, wc);
                cv.line((x, y - 20.0), (x, y + 36.0), 4.0, *c);
            }
            _ => {
                cv.poly(
                    &[
                        (x - 30.0, y - 24.0),
                        (x, y - 8.0),
                        (x, y + 32.0),
                        (x - 30.0, y + 16.0),
                    ],
                    wc,
                );
                cv.poly(
                    &[
                        (x + 30.0, y - 24.0),
                        (x + 4.0, y - 8.0),
                        (x + 4.0, y + 32.0),
                        (x + 30.0, y + 16.0),
                    ],
                    wc,
                );
            }
        }
    }
    cv.circle(cx, cy, 96.0, RED);
    cv.circle(cx, cy, 80.0, BRICK);
    cv.poly(&star_pts(cx, cy, 50.0, 20.0, 5), GOLD);
}

pub fn advisers(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F2EEF7"));
    cv.circle(600.0, 420.0, 300.0, PLUM.mix(WHITE, 0.85));
    let mut rng = Rng::new(18);
    tower(
        cv,
        500.0,
        170.0,
        200.0,
        470.0,
        PLUM,
        PLUM.mix(WHITE, 0.35),
        hex("#FFE7A8"),
        0.35,
        &mut rng,
    );
    cv.rect(570.0, 580.0, 60.0, 60.0, PLUM.mix(INK, 0.3));
    cv.rect(0.0, 640.0, cv.w, 160.0, hex("#DDD3E8"));
    let people = [
        (250.0, 380.0, RED),
        (330.0, 520.0, TEAL),
        (900.0, 380.0, AMBER),
        (850.0, 520.0, SEA),
    ];
    for (x, y, c) in people {
        person(cv, x, y, 56.0, c);
        let bx = if x < 600.0 { x + 40.0 } else { x - 130.0 };
        cv.rrect(bx, y - 70.0, 90.0, 54.0, 16.0, WHITE);
        for k in 0..3 {
            cv.circle(bx + 24.0 + k as f32 * 21.0, y - 43.0, 6.0, c);
        }
    }
    cv.poly(&star_pts(600.0, 120.0, 32.0, 13.0, 5), GOLD);
}

pub fn language_corner(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F4F1EA"));
    let bubble = |cv: &mut Canvas, x: f32, y: f32, w: f32, h: f32, c: C, tail_left: bool| {
        cv.rrect(x, y, w, h, 46.0, c);
        let tx = if tail_left { x + 90.0 } else { x + w - 90.0 };
        let dir = if tail_left { -1.0 } else { 1.0 };
        cv.poly(
            &[
                (tx - 40.0, y + h - 2.0),
                (tx + 30.0, y + h - 2.0),
                (tx + dir * 70.0, y + h + 80.0),
            ],
            c,
        );
    };
    bubble(cv, 130.0, 120.0, 560.0, 330.0, RED, true);
    bubble(cv, 520.0, 330.0, 560.0, 300.0, NAVY, false);
    for (k, wdt) in [380.0, 300.0, 420.0, 200.0].iter().enumerate() {
        cv.rrect(
            200.0,
            180.0 + k as f32 * 56.0,
            *wdt,
            22.0,
            11.0,
            WHITE.alpha(k as u8 * 20 + 170),
        );
    }
    for (k, wdt) in [400.0, 340.0, 250.0].iter().enumerate() {
        cv.rrect(
            590.0,
            400.0 + k as f32 * 56.0,
            *wdt,
            22.0,
            11.0,
            WHITE.alpha(k as u8 * 20 + 170),
        );
    }
    cv.poly(&star_pts(1040.0, 170.0, 40.0, 16.0, 5), GOLD);
    cv.poly(&heart_pts(160.0, 640.0, 70.0), ROSE);
    cv.circle(1000.0, 250.0, 10.0, TEAL);
    cv.circle(260.0, 560.0, 14.0, GOLD);
}

pub fn welcome_key(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#E9EEF4"));
    cv.rect(0.0, 640.0, cv.w, 160.0, hex("#D4C4AE"));
    // the open door with warm light
    cv.rect(380.0, 130.0, 300.0, 520.0, hex("#4A4E5C"));
    cv.rect(396.0, 146.0, 268.0, 494.0, hex("#FFE3A1"));
    cv.poly(
        &[
            (396.0, 640.0),
            (664.0, 640.0),
            (760.0, 800.0),
            (300.0, 800.0),
        ],
        hex("#FFE3A1").alpha(150),
    );
    cv.poly(
        &[
            (396.0, 146.0),
            (510.0, 176.0),
            (510.0, 612.0),
            (396.0, 640.0),
        ],
        NAVY,
    );
    cv.circle(490.0, 400.0, 8.0, GOLD);
    // the suitcase
    let (sx, sy) = (760.0, 420.0);
    cv.rrect(sx + 50.0, sy - 50.0, 80.0, 60.0, 16.0, INK);
    cv.rrect(sx + 62.0, sy - 38.0, 56.0, 40.0, 10.0, hex("#E9EEF4"));
    cv.rrect(sx, sy, 180.0, 230.0, 22.0, TEAL);
    cv.rect(sx + 40.0, sy, 14.0, 230.0, TEAL.mix(INK, 0.25));
    cv.rect(sx + 126.0, sy, 14.0, 230.0, TEAL.mix(INK, 0.25));
    cv.circle(sx + 30.0, sy + 238.0, 12.0, INK);
    cv.circle(sx + 150.0, sy + 238.0, 12.0, INK);
    cv.circle(sx + 130.0, sy + 80.0, 20.0, RED);
    // a big key
    let (kx, ky) = (220.0, 330.0);
    cv.ring(kx, ky, 56.0, 26.0, GOLD);
    cv.rect(kx + 56.0, ky - 12.0, 150.0, 24.0, GOLD);
    cv.rect(kx + 160.0, ky + 10.0, 18.0, 34.0, GOLD);
    cv.rect(kx + 190.0, ky + 10.0, 16.0, 24.0, GOLD);
    // a plant
    let x = 1040.0;
    cv.rrect(x - 40.0, 540.0, 80.0, 100.0, 8.0, hex("#E8DCC8"));
    for k in 0..7 {
        let a = -PI / 2.0 + (k as f32 - 3.0) * 0.32;
        cv.ellipse(
            x + 70.0 * a.cos(),
            540.0 + 100.0 * a.sin(),
            14.0,
            50.0,
            GREEN,
        );
    }
}
