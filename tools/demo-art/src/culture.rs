//! Folk culture and micro-wishes: lanterns, paper-cuts, dumplings, seafood, festivals, wishes.

use std::f32::consts::PI;

use crate::canvas::{
    C, Canvas, Rng, arc_pts, ellipse_pts, heart_pts, hex, rect_pts, rotate, star_pts,
};
use crate::parts::*;

fn roofline(cv: &mut Canvas, y: f32, c: C) {
    // A traditional roof with upturned eaves across the bottom of the picture.
    let w = cv.w;
    cv.poly(
        &[
            (-20.0, y + 40.0),
            (60.0, y),
            (w - 60.0, y),
            (w + 20.0, y + 40.0),
            (w - 40.0, y + 30.0),
            (40.0, y + 30.0),
        ],
        c,
    );
    cv.rect(60.0, y + 30.0, w - 120.0, cv.h - y, c.mix(INK, 0.2));
    for k in 0..14 {
        let x = 100.0 + k as f32 * 75.0;
        cv.rect(x, y + 40.0, 30.0, 50.0, hex("#FFD27A").alpha(150));
    }
}

pub fn lanterns(cv: &mut Canvas) {
    let mut rng = Rng::new(21);
    cv.vgrad(0.0, 0.0, cv.w, cv.h, hex("#1F2A4A"), hex("#4A2A48"), 8);
    for _ in 0..40 {
        let (x, y) = (rng.range(0.0, cv.w), rng.range(0.0, 420.0));
        cv.circle(x, y, rng.range(1.5, 3.5), WHITE.alpha(160));
    }
    let rope: Vec<_> = (0..=40)
        .map(|i| {
            let x = -20.0 + 1240.0 * i as f32 / 40.0;
            let u = (x - 600.0) / 620.0;
            (x, 70.0 + 70.0 * (1.0 - u * u))
        })
        .collect();
    cv.polyline(&rope, 4.0, hex("#6B4A3A"));
    let at = |x: f32| 70.0 + 70.0 * (1.0 - ((x - 600.0) / 620.0).powi(2));
    for (x, dy, s) in [
        (150.0, 90.0, 0.8),
        (380.0, 140.0, 1.0),
        (600.0, 110.0, 1.2),
        (820.0, 140.0, 1.0),
        (1050.0, 90.0, 0.8),
    ] {
        let top = at(x);
        lantern(
            cv,
            x,
            top + dy + 80.0 * s,
            90.0 * s,
            75.0 * s,
            RED,
            Some(top),
        );
    }
    roofline(cv, 620.0, hex("#2A1E2E"));
}

pub fn winter_lanterns(cv: &mut Canvas) {
    let mut rng = Rng::new(22);
    cv.vgrad(0.0, 0.0, cv.w, cv.h, hex("#1B3358"), hex("#3E6A93"), 8);
    cv.circle(980.0, 130.0, 56.0, hex("#F4EFD8"));
    cv.poly(&hill(-200.0, 700.0, 680.0, 560.0, 800.0), hex("#E8F0F7"));
    cv.poly(&hill(400.0, 1500.0, 700.0, 600.0, 800.0), WHITE);
    // a house with lit windows
    cv.rect(760.0, 500.0, 260.0, 160.0, hex("#8C4B3F"));
    cv.poly(&[(730.0, 510.0), (890.0, 410.0), (1050.0, 510.0)], WHITE);
    cv.rect(800.0, 550.0, 60.0, 50.0, hex("#FFD27A"));
    cv.rect(920.0, 550.0, 60.0, 50.0, hex("#FFD27A"));
    // a bare branch with lanterns
    cv.polyline(
        &[
            (-10.0, 90.0),
            (200.0, 110.0),
            (420.0, 100.0),
            (620.0, 130.0),
        ],
        14.0,
        hex("#4A3A32"),
    );
    cv.line((300.0, 104.0), (360.0, 40.0), 8.0, hex("#4A3A32"));
    for (x, dy, s) in [
        (150.0, 120.0, 0.9),
        (330.0, 190.0, 1.1),
        (520.0, 130.0, 0.8),
    ] {
        lantern(cv, x, 110.0 + dy, 80.0 * s, 66.0 * s, RED, Some(108.0));
    }
    for _ in 0..70 {
        let (x, y) = (rng.range(0.0, cv.w), rng.range(0.0, 700.0));
        let r = rng.range(4.0, 12.0);
        if r > 9.0 {
            snowflake(cv, x, y, r, WHITE.alpha(230));
        } else {
            cv.circle(x, y, r / 2.0, WHITE.alpha(200));
        }
    }
}

pub fn paper_cut(cv: &mut Canvas) {
    let bg = hex("#F6ECDD");
    cv.rect(0.0, 0.0, cv.w, cv.h, bg);
    let (cx, cy, r) = (600.0, 400.0, 330.0);
    cv.circle(cx + 10.0, cy + 14.0, r + 20.0, C(0, 0, 0, 30));
    // scalloped rim
    for k in 0..32 {
        let a = 2.0 * PI * k as f32 / 32.0;
        cv.circle(cx + r * a.cos(), cy + r * a.sin(), 36.0, RED);
    }
    cv.circle(cx, cy, r, RED);
    // 8-fold cut-outs
    let sym = |cv: &mut Canvas, p: Vec<(f32, f32)>| {
        for k in 0..8 {
            cv.poly(&rotate(&p, cx, cy, PI / 4.0 * k as f32), bg);
        }
    };
    let petal =
        |dist: f32, rx: f32, ry: f32| -> Vec<(f32, f32)> { ellipse_pts(cx, cy - dist, rx, ry) };
    sym(cv, petal(250.0, 26.0, 48.0));
    sym(cv, rotate(&petal(250.0, 10.0, 10.0), cx, cy, PI / 8.0));
    sym(
        cv,
        rotate(&ellipse_pts(cx, cy - 300.0, 9.0, 9.0), cx, cy, PI / 8.0),
    );
    // crescents
    for k in 0..8 {
        let a = PI / 4.0 * k as f32 + PI / 8.0;
        let (x, y) = (cx + 175.0 * a.sin(), cy - 175.0 * a.cos());
        let outer = arc_pts(x, y, 44.0, a + PI * 0.15, a + PI * 0.85);
        let mut inner = arc_pts(
            x + 14.0 * a.sin(),
            y - 14.0 * a.cos(),
            36.0,
            a + PI * 0.85,
            a + PI * 0.15,
        );
        let mut p = outer;
        p.append(&mut inner);
        cv.poly(&p, bg);
    }
    sym(
        cv,
        vec![
            (cx, cy - 150.0),
            (cx + 18.0, cy - 110.0),
            (cx, cy - 70.0),
            (cx - 18.0, cy - 110.0),
        ],
    );
    cv.poly(&star_pts(cx, cy, 58.0, 26.0, 8), bg);
    cv.circle(cx, cy, 18.0, RED);
    // small corner cuts
    for (x, y) in [
        (120.0, 120.0),
        (1080.0, 120.0),
        (120.0, 680.0),
        (1080.0, 680.0),
    ] {
        cv.poly(
            &rotate(&rect_pts(x - 50.0, y - 50.0, 100.0, 100.0), x, y, PI / 4.0),
            RED,
        );
        cv.poly(&star_pts(x, y, 34.0, 14.0, 4), bg);
        cv.circle(x, y, 8.0, RED);
    }
}

/// One dumpling lying with its pleated edge up, centred on (cx, cy), rotated by `a`.
fn dumpling(cv: &mut Canvas, cx: f32, cy: f32, a: f32) {
    let (rx, ry) = (84.0, 54.0);
    let mut p = arc_pts(cx, cy - 6.0, rx, 0.0, PI)
        .into_iter()
        .map(|(x, y)| (x, cy - 6.0 + (y - cy + 6.0) * ry / rx))
        .collect::<Vec<_>>();
    let n = 24;
    for i in 0..=n {
        let t = i as f32 / n as f32;
        let x = cx - rx + 2.0 * rx * t;
        let crest = -24.0 * (PI * t).sin() - 7.0 * (t * PI * 7.0).sin().abs();
        p.push((x, cy - 6.0 + crest));
    }
    // The arc runs right→left along the bottom, the crest left→right along the top.
    let body = rotate(&p, cx, cy, a);
    cv.poly(
        &rotate(
            &p.iter()
                .map(|&(x, y)| (x + 4.0, y + 6.0))
                .collect::<Vec<_>>(),
            cx,
            cy,
            a,
        ),
        C(0, 0, 0, 30),
    );
    cv.poly(&body, hex("#F4E6C6"));
    for k in 0..5 {
        let t = 0.25 + k as f32 * 0.125;
        let x = cx - rx + 2.0 * rx * t;
        let y = cy - 6.0 - 24.0 * (PI * t).sin();
        let seg = rotate(&[(x, y), (x + 8.0, y + 22.0)], cx, cy, a);
        cv.line(seg[0], seg[1], 4.0, hex("#D9C59C"));
    }
}

pub fn dumplings(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#7A5236"));
    for k in 0..9 {
        cv.rect(0.0, k as f32 * 90.0 + 30.0, cv.w, 4.0, hex("#6E4A30"));
    }
    cv.rrect(60.0, 60.0, 1080.0, 680.0, 30.0, hex("#D9E6EE"));
    for k in 0..12 {
        cv.rect(60.0 + k as f32 * 90.0, 60.0, 45.0, 680.0, hex("#CCDCE6"));
    }
    let (px, py) = (520.0, 400.0);
    cv.circle(px + 12.0, py + 16.0, 300.0, C(0, 0, 0, 40));
    cv.circle(px, py, 300.0, WHITE);
    cv.ring(px, py, 270.0, 8.0, SEA);
    cv.ring(px, py, 250.0, 3.0, SEA.mix(WHITE, 0.5));
    for k in 0..5 {
        let a = 2.0 * PI * k as f32 / 5.0 - PI / 2.0;
        dumpling(cv, px + 168.0 * a.cos(), py + 168.0 * a.sin(), a + PI / 2.0);
    }
    dumpling(cv, px, py, 0.2);
    // vinegar dish and chopsticks
    cv.circle(980.0, 220.0, 88.0, WHITE);
    cv.ring(980.0, 220.0, 78.0, 4.0, SEA);
    cv.circle(980.0, 220.0, 62.0, hex("#5A2E1C"));
    cv.ellipse(960.0, 200.0, 18.0, 9.0, hex("#8A5A3C"));
    for (dx, c) in [(0.0, RED), (34.0, RED.mix(INK, 0.2))] {
        cv.poly(
            &rotate(
                &rect_pts(900.0 + dx, 360.0, 16.0, 400.0),
                900.0 + dx,
                560.0,
                0.25,
            ),
            c,
        );
    }
}

pub fn seafood(cv: &mut Canvas) {
    let mut rng = Rng::new(23);
    cv.rect(0.0, 0.0, cv.w, cv.h, SAND);
    cv.vgrad(0.0, 0.0, cv.w, 170.0, hex("#4FB0CF"), hex("#8FD0E3"), 4);
    let foam: Vec<_> = (0..=60)
        .map(|i| {
            let x = i as f32 * 20.0;
            (x, 170.0 + 14.0 * (x / 70.0).sin())
        })
        .collect();
    cv.polyline(&foam, 18.0, WHITE);
    for _ in 0..90 {
        cv.circle(
            rng.range(0.0, cv.w),
            rng.range(200.0, 800.0),
            rng.range(2.0, 4.0),
            SAND.mix(INK, 0.15),
        );
    }
    // scallop shell
    let (sx, sy) = (250.0, 470.0);
    cv.pie(sx, sy, 140.0, PI + 0.45, 2.0 * PI - 0.45, hex("#F2A68A"));
    for k in 0..9 {
        let a = PI + 0.55 + k as f32 * (PI - 1.1) / 8.0;
        cv.line(
            (sx, sy),
            (sx + 132.0 * a.cos(), sy + 132.0 * a.sin()),
            5.0,
            hex("#E0866A"),
        );
    }
    cv.poly(
        &[
            (sx - 40.0, sy + 30.0),
            (sx + 40.0, sy + 30.0),
            (sx + 22.0, sy - 4.0),
            (sx - 22.0, sy - 4.0),
        ],
        hex("#E0866A"),
    );
    // crab
    let (cx, cy) = (640.0, 430.0);
    let crab = hex("#E0523A");
    for side in [-1.0, 1.0] {
        for k in 0..3 {
            let y = cy + 10.0 + k as f32 * 22.0;
            cv.polyline(
                &[
                    (cx + side * 70.0, y),
                    (cx + side * 140.0, y - 20.0),
                    (cx + side * 160.0, y + 30.0),
                ],
                10.0,
                crab,
            );
        }
        cv.polyline(
            &[
                (cx + side * 60.0, cy - 40.0),
                (cx + side * 110.0, cy - 110.0),
            ],
            12.0,
            crab,
        );
        cv.circle(cx + side * 118.0, cy - 130.0, 32.0, crab);
        cv.pie(
            cx + side * 118.0,
            cy - 130.0,
            34.0,
            -PI / 2.0 - 0.35,
            -PI / 2.0 + 0.35,
            SAND,
        );
    }
    cv.ellipse(cx, cy, 100.0, 70.0, crab);
    cv.ellipse(cx - 30.0, cy - 24.0, 30.0, 14.0, crab.mix(WHITE, 0.2));
    for side in [-1.0, 1.0] {
        cv.line(
            (cx + side * 24.0, cy - 60.0),
            (cx + side * 28.0, cy - 90.0),
            6.0,
            crab,
        );
        cv.circle(cx + side * 28.0, cy - 94.0, 12.0, WHITE);
        cv.circle(cx + side * 28.0, cy - 94.0, 6.0, INK);
    }
    // fish
    let (fx, fy) = (980.0, 330.0);
    cv.poly(
        &[
            (fx + 80.0, fy),
            (fx + 150.0, fy - 50.0),
            (fx + 150.0, fy + 50.0),
        ],
        SEA,
    );
    cv.ellipse(fx, fy, 110.0, 52.0, SEA);
    cv.ellipse(fx + 10.0, fy + 16.0, 80.0, 22.0, SEA.mix(WHITE, 0.35));
    cv.circle(fx - 66.0, fy - 12.0, 10.0, WHITE);
    cv.circle(fx - 66.0, fy - 12.0, 5.0, INK);
    // starfish and clams
    cv.poly(&star_pts(900.0, 620.0, 90.0, 38.0, 5), hex("#F08A3C"));
    for k in 0..5 {
        let a = -PI / 2.0 + 2.0 * PI * k as f32 / 5.0;
        cv.circle(
            900.0 + 50.0 * a.cos(),
            620.0 + 50.0 * a.sin(),
            5.0,
            hex("#F9C27A"),
        );
    }
    for (x, y, c) in [
        (440.0, 660.0, hex("#9C8C7C")),
        (520.0, 700.0, hex("#B7A38E")),
        (120.0, 700.0, hex("#8C7C8C")),
    ] {
        cv.ellipse(x, y, 46.0, 34.0, c);
        for k in 0..3 {
            cv.arc(
                x,
                y + 30.0,
                20.0 + k as f32 * 12.0,
                PI + 0.4,
                2.0 * PI - 0.4,
                3.0,
                c.mix(WHITE, 0.3),
            );
        }
    }
    // beachcombing bucket
    let (bx, by) = (700.0, 640.0);
    cv.arc(bx, by, 60.0, PI, 2.0 * PI, 6.0, INK);
    cv.poly(
        &[
            (bx - 70.0, by),
            (bx + 70.0, by),
            (bx + 52.0, by + 120.0),
            (bx - 52.0, by + 120.0),
        ],
        RED,
    );
    cv.rect(bx - 72.0, by - 6.0, 144.0, 14.0, BRICK);
}

pub fn festivals(cv: &mut Canvas) {
    let mut rng = Rng::new(24);
    cv.vgrad(0.0, 0.0, cv.w, cv.h, hex("#14213D"), hex("#34385E"), 8);
    for _ in 0..50 {
        cv.circle(
            rng.range(0.0, cv.w),
            rng.range(0.0, 450.0),
            rng.range(1.5, 3.0),
            WHITE.alpha(170),
        );
    }
    cv.circle(820.0, 230.0, 150.0, hex("#FFF1C7"));
    cv.circle(820.0, 230.0, 130.0, hex("#FFE7A3"));
    for (x, y, r) in [
        (780.0, 190.0, 24.0),
        (870.0, 270.0, 18.0),
        (850.0, 170.0, 10.0),
    ] {
        cv.circle(x, y, r, hex("#F4D88B"));
    }
    cloud(cv, 640.0, 330.0, 60.0, hex("#4A5280"));
    cloud(cv, 1010.0, 380.0, 50.0, hex("#4A5280"));
    // table
    cv.rect(0.0, 560.0, cv.w, 240.0, hex("#6B3E2E"));
    cv.rect(0.0, 560.0, cv.w, 14.0, hex("#874F3A"));
    // mooncake
    let (mx, my) = (360.0, 610.0);
    cv.ellipse(mx, my + 40.0, 230.0, 60.0, WHITE);
    for k in 0..16 {
        let a = 2.0 * PI * k as f32 / 16.0;
        cv.ellipse(
            mx + 130.0 * a.cos(),
            my + 40.0 * a.sin() - 10.0,
            26.0,
            14.0,
            hex("#C98A3D"),
        );
    }
    cv.ellipse(mx, my - 10.0, 130.0, 42.0, hex("#D99A4A"));
    cv.ellipse(mx, my - 14.0, 96.0, 30.0, hex("#E2AC5E"));
    cv.poly(
        &star_pts(mx, my - 14.0, 44.0, 18.0, 8)
            .into_iter()
            .map(|(x, y)| (x, my - 14.0 + (y - my + 14.0) * 0.32))
            .collect::<Vec<_>>(),
        hex("#C98A3D"),
    );
    // zongzi
    let (zx, zy) = (760.0, 640.0);
    cv.poly(
        &[
            (zx - 110.0, zy + 50.0),
            (zx + 110.0, zy + 50.0),
            (zx + 10.0, zy - 120.0),
            (zx - 10.0, zy - 120.0),
        ],
        hex("#4E8A3E"),
    );
    cv.poly(
        &[
            (zx - 110.0, zy + 50.0),
            (zx + 10.0, zy - 120.0),
            (zx - 10.0, zy - 120.0),
        ],
        hex("#5FA04C"),
    );
    cv.line(
        (zx - 70.0, zy - 10.0),
        (zx + 70.0, zy - 10.0),
        8.0,
        hex("#E8D7A8"),
    );
    cv.line(
        (zx - 40.0, zy - 60.0),
        (zx + 40.0, zy + 30.0),
        6.0,
        hex("#E8D7A8"),
    );
    // a bowl of sweet rice balls
    let (bx, by) = (1030.0, 620.0);
    cv.pie(bx, by, 110.0, 0.0, PI, hex("#E9EEF4"));
    cv.ellipse(bx, by, 110.0, 24.0, hex("#F6E9D8"));
    for (dx, dy) in [
        (-40.0, -4.0),
        (0.0, -10.0),
        (40.0, -2.0),
        (-16.0, 8.0),
        (24.0, 8.0),
    ] {
        cv.circle(bx + dx, by + dy, 20.0, WHITE);
    }
    cv.arc(bx, by, 86.0, 0.4, PI - 0.4, 6.0, RED);
}

pub fn wish_cards(cv: &mut Canvas) {
    let mut rng = Rng::new(25);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#8A5A3A"));
    cv.rect(40.0, 40.0, 1120.0, 720.0, hex("#D2A97C"));
    for _ in 0..260 {
        cv.circle(
            rng.range(40.0, 1160.0),
            rng.range(40.0, 760.0),
            rng.range(2.0, 4.0),
            hex("#BF9566"),
        );
    }
    let cards = [
        (230.0, 230.0, 150.0, -0.15, ROSE),
        (520.0, 200.0, 130.0, 0.1, RED),
        (820.0, 250.0, 160.0, -0.05, hex("#F3B6C8")),
        (330.0, 540.0, 140.0, 0.12, hex("#F3B6C8")),
        (640.0, 520.0, 170.0, -0.08, ROSE),
        (950.0, 560.0, 130.0, 0.18, RED),
    ];
    for (x, y, s, a, c) in cards {
        cv.poly(
            &rotate(&heart_pts(x + 8.0, y + 10.0, s * 1.5), x, y, a),
            C(0, 0, 0, 45),
        );
        cv.poly(&rotate(&heart_pts(x, y, s * 1.5), x, y, a), c);
        for k in 0..3 {
            let l = rotate(
                &rect_pts(
                    x - s * 0.4,
                    y - s * 0.2 + k as f32 * s * 0.2,
                    s * 0.8 - k as f32 * 18.0,
                    8.0,
                ),
                x,
                y,
                a,
            );
            cv.poly(&l, WHITE.alpha(190));
        }
        let pinp = rotate(&[(x, y - s * 0.55)], x, y, a)[0];
        cv.circle(pinp.0, pinp.1, 12.0, GOLD);
        cv.circle(pinp.0 - 3.0, pinp.1 - 3.0, 4.0, WHITE.alpha(200));
    }
    for (x, y, a) in [(110.0, 400.0, 0.2), (1060.0, 380.0, -0.2)] {
        cv.poly(
            &rotate(&rect_pts(x - 60.0, y - 70.0, 120.0, 140.0), x, y, a),
            PAPER,
        );
        for k in 0..4 {
            cv.poly(
                &rotate(
                    &rect_pts(x - 40.0, y - 40.0 + k as f32 * 24.0, 80.0, 6.0),
                    x,
                    y,
                    a,
                ),
                LGREY,
            );
        }
        let p = rotate(&[(x, y - 60.0)], x, y, a)[0];
        cv.circle(p.0, p.1, 10.0, TEAL);
    }
}

pub fn wish_write(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F7EEF2"));
    cv.poly(
        &heart_pts(560.0, 410.0, 620.0)
            .iter()
            .map(|&(x, y)| (x + 14.0, y + 18.0))
            .collect::<Vec<_>>(),
        C(0, 0, 0, 35),
    );
    cv.poly(&heart_pts(560.0, 410.0, 620.0), hex("#F7C5D5"));
    for (k, half) in [150.0, 200.0, 180.0, 120.0].iter().enumerate() {
        let y = 300.0 + k as f32 * 56.0;
        cv.rrect(560.0 - half, y, half * 2.0, 10.0, 5.0, ROSE.alpha(120));
    }
    // a pen lying across
    let (x, y, a) = (900.0, 470.0, -0.9);
    cv.poly(
        &rotate(&rect_pts(x - 22.0, y - 220.0, 44.0, 360.0), x, y, a),
        NAVY,
    );
    cv.poly(
        &rotate(&rect_pts(x - 22.0, y - 220.0, 44.0, 60.0), x, y, a),
        GOLD,
    );
    cv.poly(
        &rotate(
            &[(x - 22.0, y + 140.0), (x + 22.0, y + 140.0), (x, y + 200.0)],
            x,
            y,
            a,
        ),
        hex("#E8D7A8"),
    );
    cv.poly(
        &rotate(
            &[(x - 6.0, y + 182.0), (x + 6.0, y + 182.0), (x, y + 200.0)],
            x,
            y,
            a,
        ),
        INK,
    );
    cv.poly(
        &rotate(&rect_pts(x + 10.0, y - 200.0, 8.0, 110.0), x, y, a),
        GOLD.mix(WHITE, 0.2),
    );
    for (hx, hy, s, c) in [
        (170.0, 170.0, 60.0, ROSE),
        (1050.0, 160.0, 46.0, RED),
        (160.0, 640.0, 40.0, RED),
    ] {
        cv.poly(&heart_pts(hx, hy, s), c);
    }
}

pub fn gift_box(cv: &mut Canvas) {
    let mut rng = Rng::new(26);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#FBEFF3"));
    for _ in 0..40 {
        let (x, y) = (rng.range(0.0, cv.w), rng.range(0.0, cv.h));
        let c = [GOLD, TEAL, ROSE, SEA][(rng.f() * 4.0) as usize % 4];
        cv.poly(
            &rotate(&rect_pts(x, y, 14.0, 6.0), x, y, rng.range(0.0, PI)),
            c,
        );
    }
    cv.ellipse(600.0, 700.0, 300.0, 30.0, C(0, 0, 0, 35));
    cv.rect(360.0, 390.0, 480.0, 310.0, ROSE);
    cv.rect(330.0, 320.0, 540.0, 90.0, ROSE.mix(WHITE, 0.12));
    cv.rect(360.0, 410.0, 480.0, 16.0, ROSE.mix(INK, 0.2));
    cv.rect(570.0, 320.0, 60.0, 380.0, GOLD);
    cv.rect(360.0, 520.0, 480.0, 50.0, GOLD);
    for side in [-1.0, 1.0] {
        let p = rotate(
            &ellipse_pts(600.0 + side * 80.0, 280.0, 90.0, 46.0),
            600.0,
            320.0,
            side * 0.35,
        );
        cv.poly(&p, GOLD);
        let q = rotate(
            &ellipse_pts(600.0 + side * 80.0, 280.0, 56.0, 22.0),
            600.0,
            320.0,
            side * 0.35,
        );
        cv.poly(&q, GOLD.mix(AMBER, 0.5));
        cv.poly(
            &[
                (600.0, 320.0),
                (600.0 + side * 80.0, 420.0),
                (600.0 + side * 40.0, 430.0),
            ],
            GOLD.mix(AMBER, 0.2),
        );
    }
    cv.circle(600.0, 318.0, 34.0, GOLD.mix(AMBER, 0.3));
    for (x, y, s) in [
        (220.0, 260.0, 80.0),
        (980.0, 210.0, 100.0),
        (1010.0, 520.0, 60.0),
        (190.0, 560.0, 54.0),
    ] {
        cv.poly(&heart_pts(x, y, s), RED);
    }
}
