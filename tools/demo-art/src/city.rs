//! City pictures: Zhongshan Square, Labour Park, Binhai Road, Tiger Beach, the Renmin Road
//! skyline, the 28-floor tower, the grid of stations.

use std::f32::consts::PI;

use crate::canvas::{C, Canvas, Rng, hex, rect_pts, rotate, star_pts};
use crate::parts::*;

pub fn zhongshan_square(cv: &mut Canvas) {
    let (cx, cy) = (600.0, 400.0);
    let road = hex("#F6F2EA");
    let mut rng = Rng::new(1);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#E6DBC8"));
    // Outer city blocks, scattered between the radiating streets.
    let block_cols = [
        hex("#D8C7AA"),
        hex("#CDBBA0"),
        hex("#C9CFC8"),
        hex("#DCCDB5"),
    ];
    for i in 0..140 {
        let a = rng.range(0.0, 2.0 * PI);
        let r = rng.range(380.0, 760.0);
        let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
        let (w, h) = (rng.range(40.0, 90.0), rng.range(30.0, 70.0));
        let p = rotate(&rect_pts(x - w / 2.0, y - h / 2.0, w, h), x, y, a);
        cv.poly(&p, block_cols[i % 4]);
    }
    // Ten streets radiate from the square.
    for k in 0..10 {
        let a = 2.0 * PI * k as f32 / 10.0 + 0.12;
        cv.line(
            (cx, cy),
            (cx + 900.0 * a.cos(), cy + 900.0 * a.sin()),
            40.0,
            road,
        );
    }
    cv.ring(cx, cy, 262.0, 58.0, road);
    // The ring of historic buildings, one between each pair of streets.
    let facades = [
        hex("#C98F6B"),
        hex("#B7A48A"),
        hex("#9FB4BE"),
        hex("#D3B279"),
        hex("#B88C7A"),
        hex("#A9B8A3"),
        hex("#C9A27E"),
        hex("#9CA9C2"),
        hex("#D0B48F"),
        hex("#B79C86"),
    ];
    for (k, &facade) in facades.iter().enumerate() {
        let a = 2.0 * PI * (k as f32 + 0.5) / 10.0 + 0.12;
        let r = 352.0;
        let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
        let body = rotate(&rect_pts(x - 46.0, y - 62.0, 92.0, 124.0), x, y, a);
        cv.poly(
            &rotate(&rect_pts(x - 40.0, y - 56.0, 92.0, 124.0), x, y, a),
            C(0, 0, 0, 40),
        );
        cv.poly(&body, facade);
        let roof = rotate(&rect_pts(x - 30.0, y - 46.0, 60.0, 92.0), x, y, a);
        cv.poly(&roof, facade.mix(WHITE, 0.25));
        let dome = rotate(&rect_pts(x - 56.0, y - 14.0, 20.0, 28.0), x, y, a);
        cv.poly(&dome, facade.mix(INK, 0.25));
    }
    // The square itself: paving, lawn, trees, centre.
    cv.circle(cx, cy, 232.0, hex("#E9E4DA"));
    for k in 0..24 {
        let a = 2.0 * PI * k as f32 / 24.0;
        let t = (cx + 232.0 * a.cos(), cy + 232.0 * a.sin());
        cv.circle(t.0, t.1, 15.0, DGREEN);
    }
    cv.ring(cx, cy, 172.0, 40.0, GREEN);
    for k in 0..16 {
        let a = 2.0 * PI * k as f32 / 16.0;
        cv.line(
            (cx + 60.0 * a.cos(), cy + 60.0 * a.sin()),
            (cx + 150.0 * a.cos(), cy + 150.0 * a.sin()),
            5.0,
            hex("#D6CEBF"),
        );
    }
    cv.ring(cx, cy, 110.0, 6.0, hex("#D6CEBF"));
    cv.circle(cx, cy, 52.0, hex("#D6CEBF"));
    cv.poly(&star_pts(cx, cy, 42.0, 18.0, 8), RED);
    cv.circle(cx, cy, 12.0, GOLD);
    // A few cars on the ring road.
    for k in 0..7 {
        let a = 2.0 * PI * k as f32 / 7.0 + 0.4;
        let (x, y) = (cx + 262.0 * a.cos(), cy + 262.0 * a.sin());
        let car = rotate(&rect_pts(x - 9.0, y - 16.0, 18.0, 32.0), x, y, a);
        let col = [RED, NAVY, GOLD, WHITE, TEAL, GREY, SEA][k];
        cv.poly(&car, col);
    }
}

pub fn labour_park(cv: &mut Canvas) {
    let mut rng = Rng::new(2);
    cv.vgrad(0.0, 0.0, cv.w, 520.0, hex("#BFE1EE"), hex("#EAF6FA"), 7);
    cloud(cv, 230.0, 120.0, 70.0, WHITE);
    cloud(cv, 980.0, 90.0, 55.0, WHITE);
    // Distant city.
    for i in 0..16 {
        let x = i as f32 * 80.0 - 10.0;
        let h = rng.range(80.0, 200.0);
        cv.rect(x, 470.0 - h, 62.0, h + 60.0, hex("#A9C3D3"));
    }
    cv.poly(&hill(-200.0, 760.0, 560.0, 360.0, 800.0), hex("#7DB36B"));
    cv.poly(&hill(480.0, 1450.0, 560.0, 330.0, 800.0), hex("#5E9F5A"));
    cv.rect(0.0, 540.0, cv.w, 260.0, GREEN);
    // Lake and path.
    cv.ellipse(400.0, 660.0, 330.0, 86.0, hex("#8BC9DE"));
    cv.ellipse(400.0, 652.0, 300.0, 66.0, hex("#A6D7E7"));
    for (x, y) in [(300.0, 640.0), (470.0, 670.0), (380.0, 690.0)] {
        cv.line((x, y), (x + 50.0, y), 4.0, WHITE.alpha(200));
    }
    cv.polyline(
        &[
            (760.0, 800.0),
            (800.0, 700.0),
            (900.0, 640.0),
            (1040.0, 615.0),
            (1200.0, 600.0),
        ],
        30.0,
        SAND,
    );
    // Trees.
    for (x, g, r) in [
        (90.0, 560.0, 50.0),
        (180.0, 585.0, 38.0),
        (650.0, 570.0, 44.0),
        (1120.0, 575.0, 52.0),
        (1010.0, 560.0, 36.0),
    ] {
        tree(cv, x, g, r, DGREEN);
    }
    // The football sculpture on its plinth.
    let (fx, fy, fr) = (880.0, 420.0, 125.0);
    cv.poly(
        &[
            (fx - 95.0, 590.0),
            (fx + 95.0, 590.0),
            (fx + 70.0, 535.0),
            (fx - 70.0, 535.0),
        ],
        hex("#C9C3B6"),
    );
    cv.ellipse(fx, 592.0, 120.0, 14.0, C(0, 0, 0, 40));
    cv.circle(fx, fy, fr, WHITE);
    cv.clip_circle(fx, fy, fr);
    let pent = |cx: f32, cy: f32, r: f32, rot: f32| -> Vec<(f32, f32)> {
        (0..5)
            .map(|i| {
                let a = rot + 2.0 * PI * i as f32 / 5.0;
                (cx + r * a.cos(), cy + r * a.sin())
            })
            .collect()
    };
    let seam = hex("#B9BEC4");
    for k in 0..5 {
        let a = -PI / 2.0 + 2.0 * PI * k as f32 / 5.0;
        let (ox, oy) = (fx + 112.0 * a.cos(), fy + 112.0 * a.sin());
        cv.line(
            (fx + 38.0 * a.cos(), fy + 38.0 * a.sin()),
            (fx + 84.0 * a.cos(), fy + 84.0 * a.sin()),
            4.0,
            seam,
        );
        cv.poly(&pent(ox, oy, 36.0, a + PI), INK);
    }
    cv.poly(&pent(fx, fy, 40.0, -PI / 2.0), INK);
    cv.unclip();
    cv.ring(fx, fy, fr, 4.0, seam);
    cv.ellipse(fx - 50.0, fy - 60.0, 18.0, 28.0, WHITE.alpha(120));
    // Flowers.
    for _ in 0..60 {
        let (x, y) = (rng.range(20.0, 1180.0), rng.range(745.0, 790.0));
        cv.circle(x, y, 5.0, if rng.f() < 0.5 { ROSE } else { GOLD });
    }
}

pub fn binhai_road(cv: &mut Canvas) {
    cv.vgrad(0.0, 0.0, cv.w, 460.0, hex("#9FD3EA"), hex("#E8F5F9"), 7);
    cloud(cv, 300.0, 110.0, 60.0, WHITE);
    cv.poly(&hill(-80.0, 380.0, 470.0, 410.0, 480.0), hex("#9DB7C6"));
    cv.vgrad(0.0, 460.0, cv.w, 340.0, hex("#3E9BC0"), hex("#1D6F95"), 5);
    for (i, y) in [520.0, 580.0, 650.0, 730.0].into_iter().enumerate() {
        wave(
            cv,
            0.0,
            620.0,
            y,
            4.0,
            90.0 + i as f32 * 20.0,
            3.0,
            WHITE.alpha(140),
        );
    }
    // The cliffs with the road cut into them.
    let cliff = vec![
        (520.0, 800.0),
        (560.0, 560.0),
        (640.0, 430.0),
        (760.0, 330.0),
        (900.0, 240.0),
        (1050.0, 190.0),
        (1200.0, 170.0),
        (1200.0, 800.0),
    ];
    cv.poly(&cliff, hex("#5E9F5A"));
    cv.poly(
        &[
            (540.0, 800.0),
            (575.0, 640.0),
            (640.0, 600.0),
            (700.0, 660.0),
            (720.0, 800.0),
        ],
        hex("#8B7B6B"),
    );
    cv.poly(
        &[
            (600.0, 800.0),
            (640.0, 700.0),
            (690.0, 720.0),
            (700.0, 800.0),
        ],
        hex("#6F6254"),
    );
    let road = [
        (596.0, 437.0),
        (700.0, 428.0),
        (800.0, 420.0),
        (900.0, 380.0),
        (980.0, 330.0),
        (1080.0, 300.0),
        (1210.0, 290.0),
    ];
    cv.polyline(&road, 30.0, hex("#D8D4CC"));
    cv.polyline(&road, 3.0, WHITE);
    for (x, g, r) in [
        (760.0, 560.0, 34.0),
        (880.0, 520.0, 40.0),
        (1010.0, 470.0, 36.0),
        (1130.0, 440.0, 44.0),
        (960.0, 640.0, 38.0),
    ] {
        tree(cv, x, g, r, DGREEN);
    }
    // Boardwalk along the foot of the cliff.
    let walk = [
        (720.0, 770.0),
        (820.0, 730.0),
        (940.0, 720.0),
        (1060.0, 690.0),
        (1200.0, 680.0),
    ];
    cv.polyline(&walk, 14.0, WOOD);
    for w in walk.windows(2) {
        for t in [0.25, 0.75] {
            let (x, y) = (
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            );
            cv.line((x, y), (x, y + 40.0), 6.0, WOOD.mix(INK, 0.3));
        }
    }
    // The suspension bridge.
    let deck = 430.0;
    let (t1, t2, top) = (150.0, 430.0, 290.0);
    let n = 40;
    let cable: Vec<_> = (0..=n)
        .map(|i| {
            let x = t1 + (t2 - t1) * i as f32 / n as f32;
            let u = (x - (t1 + t2) / 2.0) / ((t2 - t1) / 2.0);
            (x, top + (deck - 18.0 - top) * (1.0 - u * u))
        })
        .collect();
    for p in cable.iter().step_by(2) {
        cv.line((p.0, p.1), (p.0, deck), 2.0, WHITE);
    }
    cv.polyline(&cable, 5.0, BRICK);
    cv.line((t1, top), (0.0, deck - 10.0), 5.0, BRICK);
    cv.line((t2, top), (600.0, deck - 4.0), 5.0, BRICK);
    cv.rect(-10.0, deck, 620.0, 14.0, hex("#E9E4DA"));
    cv.rect(-10.0, deck + 14.0, 620.0, 6.0, hex("#8C8C8C"));
    for x in [t1, t2] {
        cv.rect(x - 9.0, top - 10.0, 18.0, deck - top + 70.0, BRICK);
        cv.rect(x - 14.0, deck + 60.0, 28.0, 60.0, hex("#9A9A9A"));
    }
    // A sail.
    cv.poly(&[(300.0, 640.0), (300.0, 560.0), (350.0, 640.0)], WHITE);
    cv.poly(
        &[
            (270.0, 648.0),
            (370.0, 648.0),
            (355.0, 664.0),
            (285.0, 664.0),
        ],
        RED,
    );
}

pub fn tiger_beach(cv: &mut Canvas) {
    cv.vgrad(0.0, 0.0, cv.w, 430.0, hex("#FBD9A6"), hex("#FFF1DC"), 7);
    cv.circle(880.0, 170.0, 70.0, hex("#FFE3A1"));
    cv.circle(880.0, 170.0, 52.0, hex("#FFC861"));
    cv.poly(&hill(-100.0, 560.0, 440.0, 300.0, 470.0), hex("#6FA86A"));
    cv.poly(&hill(300.0, 900.0, 440.0, 360.0, 470.0), hex("#86B97A"));
    cv.vgrad(0.0, 430.0, cv.w, 370.0, hex("#4FB0CF"), hex("#2A86AE"), 5);
    for y in [480.0, 540.0, 610.0] {
        wave(cv, 0.0, 1200.0, y, 4.0, 110.0, 3.0, WHITE.alpha(130));
    }
    // The aquarium dome on the shore.
    let (dx, dy) = (930.0, 470.0);
    cv.rect(760.0, dy, 340.0, 60.0, hex("#E7E2D8"));
    cv.pie(dx, dy, 150.0, PI, 2.0 * PI, hex("#9ED3E4"));
    for k in 1..6 {
        let a = PI + PI * k as f32 / 6.0;
        cv.line(
            (dx, dy),
            (dx + 150.0 * a.cos(), dy + 150.0 * a.sin()),
            4.0,
            WHITE,
        );
    }
    cv.arc(dx, dy, 100.0, PI, 2.0 * PI, 4.0, WHITE);
    cv.arc(dx, dy, 150.0, PI, 2.0 * PI, 6.0, NAVY);
    // Beach, rocks and the tiger-striped rock.
    cv.poly(
        &[
            (0.0, 800.0),
            (0.0, 610.0),
            (300.0, 650.0),
            (640.0, 705.0),
            (900.0, 760.0),
            (1200.0, 740.0),
            (1200.0, 800.0),
        ],
        SAND,
    );
    let rock = hex("#7B7168");
    for (x, y, r) in [
        (140.0, 640.0, 60.0),
        (210.0, 660.0, 40.0),
        (1080.0, 700.0, 50.0),
    ] {
        cv.ellipse(x, y, r * 1.3, r * 0.8, rock);
        cv.ellipse(
            x - r * 0.3,
            y - r * 0.3,
            r * 0.4,
            r * 0.2,
            rock.mix(WHITE, 0.25),
        );
    }
    let (tx, ty) = (470.0, 640.0);
    cv.ellipse(tx, ty, 120.0, 50.0, hex("#E39A3B"));
    cv.circle(tx + 110.0, ty - 40.0, 38.0, hex("#E39A3B"));
    cv.poly(
        &[
            (tx + 86.0, ty - 70.0),
            (tx + 96.0, ty - 92.0),
            (tx + 106.0, ty - 72.0),
        ],
        hex("#E39A3B"),
    );
    cv.poly(
        &[
            (tx + 118.0, ty - 72.0),
            (tx + 132.0, ty - 90.0),
            (tx + 138.0, ty - 66.0),
        ],
        hex("#E39A3B"),
    );
    cv.line(
        (tx - 115.0, ty - 10.0),
        (tx - 160.0, ty - 60.0),
        12.0,
        hex("#E39A3B"),
    );
    for k in 0..5 {
        let x = tx - 70.0 + k as f32 * 34.0;
        cv.poly(
            &[(x, ty - 48.0), (x + 12.0, ty - 48.0), (x + 4.0, ty - 5.0)],
            INK,
        );
    }
    cv.circle(tx + 122.0, ty - 46.0, 5.0, INK);
    cv.rect(tx - 120.0, ty + 30.0, 260.0, 26.0, hex("#9A8F84"));
    // Gulls.
    for (x, y) in [(420.0, 160.0), (470.0, 190.0), (600.0, 140.0)] {
        cv.arc(x - 12.0, y, 12.0, PI * 1.1, PI * 1.9, 3.0, INK);
        cv.arc(x + 12.0, y, 12.0, PI * 1.1, PI * 1.9, 3.0, INK);
    }
}

/// The harbour skyline at dusk; `w`×`h` so stations can reuse it.
pub fn renmin_skyline(cv: &mut Canvas) {
    let mut rng = Rng::new(5);
    let horizon = cv.h * 0.66;
    cv.vgrad(0.0, 0.0, cv.w, horizon, hex("#2B2D5C"), hex("#F29E6D"), 10);
    cv.circle(cv.w * 0.7, horizon, 90.0, hex("#F7C66B"));
    cv.circle(cv.w * 0.7, horizon, 70.0, hex("#FBD98B"));
    cv.vgrad(
        0.0,
        horizon,
        cv.w,
        cv.h - horizon,
        hex("#2A3159"),
        hex("#171E3A"),
        5,
    );
    let win_on = hex("#FFD27A");
    let mut x = -20.0;
    let mut i = 0;
    while x < cv.w {
        let w = rng.range(70.0, 130.0);
        let h = rng.range(160.0, 420.0) * if i == 4 { 1.3 } else { 1.0 };
        let body = if i % 2 == 0 {
            hex("#2A3357")
        } else {
            hex("#35406A")
        };
        tower(
            cv,
            x,
            horizon - h,
            w,
            h,
            body,
            body.mix(WHITE, 0.12),
            win_on,
            0.35,
            &mut rng,
        );
        if i == 4 {
            cv.rect(x + w / 2.0 - 3.0, horizon - h - 50.0, 6.0, 50.0, body);
            cv.circle(x + w / 2.0, horizon - h - 52.0, 7.0, RED);
        }
        // reflection
        for k in 0..6 {
            let ry = horizon + 10.0 + k as f32 * 22.0;
            let rw = w * rng.range(0.4, 0.9);
            cv.rect(
                x + (w - rw) / 2.0,
                ry,
                rw,
                8.0,
                body.mix(hex("#F29E6D"), 0.12)
                    .mix(hex("#1D2748"), 0.2 + k as f32 * 0.1),
            );
        }
        x += w + rng.range(6.0, 30.0);
        i += 1;
    }
    cv.rect(0.0, horizon, cv.w, 4.0, hex("#151C36"));
    for k in 0..9 {
        let y = horizon + 20.0 + k as f32 * 26.0;
        let x = rng.range(cv.w * 0.55, cv.w * 0.8);
        cv.rect(x, y, rng.range(30.0, 90.0), 4.0, hex("#F7C66B").alpha(180));
    }
    // A ship.
    let sy = horizon + 90.0;
    cv.poly(
        &[
            (110.0, sy),
            (330.0, sy),
            (310.0, sy + 28.0),
            (130.0, sy + 28.0),
        ],
        hex("#141A30"),
    );
    cv.rect(220.0, sy - 30.0, 70.0, 30.0, hex("#141A30"));
    cv.rect(230.0, sy - 22.0, 12.0, 8.0, win_on);
    cv.rect(252.0, sy - 22.0, 12.0, 8.0, win_on);
}

pub fn tower_floors(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, CREAM);
    cv.rect(0.0, 740.0, cv.w, 60.0, hex("#E4DACB"));
    let (x, w, top, bottom) = (450.0, 300.0, 50.0, 740.0);
    let fh = (bottom - top) / 28.0;
    let split = bottom - 17.0 * fh;
    let upper = hex("#B5654A");
    let lower = hex("#3E6D99");
    cv.rect(x + 14.0, top + 14.0, w, bottom - top - 14.0, C(0, 0, 0, 30));
    cv.rect(x, top, w, split - top, upper);
    cv.rect(x, split, w, bottom - split, lower);
    let mut rng = Rng::new(6);
    for f in 0..28 {
        let y = bottom - (f as f32 + 1.0) * fh;
        if f >= 17 {
            for k in 0..6 {
                let wx = x + 16.0 + k as f32 * 47.0;
                let c = if rng.f() < 0.55 {
                    hex("#FFD98A")
                } else {
                    hex("#F2C6A8")
                };
                cv.rect(wx, y + 5.0, 34.0, fh - 10.0, c);
            }
            cv.rect(x - 6.0, y + fh - 4.0, w + 12.0, 4.0, upper.mix(INK, 0.25));
        } else {
            cv.rect(x + 10.0, y + 5.0, w - 20.0, fh - 9.0, hex("#BFD9EE"));
            for k in 1..6 {
                cv.rect(
                    x + 10.0 + k as f32 * (w - 20.0) / 6.0 - 2.0,
                    y + 5.0,
                    4.0,
                    fh - 9.0,
                    lower,
                );
            }
        }
    }
    // Lobby with the red front desk.
    cv.rect(x + 100.0, bottom - 36.0, 100.0, 36.0, hex("#F3E6CF"));
    cv.rect(x + 118.0, bottom - 16.0, 64.0, 16.0, RED);
    cv.rect(
        x + w / 2.0 - 3.0,
        top - 40.0,
        6.0,
        40.0,
        upper.mix(INK, 0.3),
    );
    cv.circle(x + w / 2.0, top - 42.0, 6.0, RED);
    // The floor-17 divide.
    for k in 0..20 {
        let xx = 120.0 + k as f32 * 50.0;
        if !(x - 20.0..x + w + 20.0).contains(&xx) {
            cv.rect(xx, split - 3.0, 30.0, 6.0, RED);
        }
    }
    cv.rect(x - 24.0, split - 5.0, w + 48.0, 10.0, RED);
    // Home above, briefcase below.
    let (hx, hy) = (270.0, 230.0);
    cv.circle(hx, hy, 80.0, upper);
    cv.poly(
        &[
            (hx - 44.0, hy - 4.0),
            (hx, hy - 44.0),
            (hx + 44.0, hy - 4.0),
        ],
        WHITE,
    );
    cv.rect(hx - 32.0, hy - 6.0, 64.0, 46.0, WHITE);
    cv.rect(hx - 10.0, hy + 12.0, 20.0, 28.0, upper);
    let (bx, by) = (930.0, 560.0);
    cv.circle(bx, by, 80.0, lower);
    cv.rrect(bx - 46.0, by - 24.0, 92.0, 62.0, 8.0, WHITE);
    cv.fill_polys(
        &[
            rect_pts(bx - 18.0, by - 42.0, 36.0, 22.0),
            rect_pts(bx - 10.0, by - 34.0, 20.0, 14.0),
        ],
        WHITE,
    );
    cv.rect(bx - 46.0, by + 2.0, 92.0, 4.0, lower);
    // Floor ticks.
    for f in 0..=28 {
        let y = bottom - f as f32 * fh;
        let len = if f % 5 == 0 || f == 17 { 22.0 } else { 12.0 };
        cv.rect(x - 40.0 - len, y - 1.5, len, 3.0, GREY);
    }
}

pub fn two_towers(cv: &mut Canvas) {
    let mut rng = Rng::new(7);
    cv.vgrad(0.0, 0.0, cv.w, 700.0, hex("#E9E2F2"), hex("#F8F5FB"), 6);
    cloud(cv, 200.0, 140.0, 60.0, WHITE);
    cloud(cv, 1020.0, 200.0, 45.0, WHITE);
    cv.rect(0.0, 700.0, cv.w, 100.0, hex("#DCD3E6"));
    let a = PLUM.mix(WHITE, 0.1);
    let b = NAVY.mix(WHITE, 0.15);
    tower(
        cv,
        300.0,
        150.0,
        220.0,
        550.0,
        a,
        a.mix(WHITE, 0.35),
        hex("#FFE7A8"),
        0.3,
        &mut rng,
    );
    tower(
        cv,
        700.0,
        230.0,
        220.0,
        470.0,
        b,
        b.mix(WHITE, 0.35),
        hex("#FFE7A8"),
        0.3,
        &mut rng,
    );
    // The bridge between them, with people crossing.
    cv.rect(520.0, 380.0, 180.0, 70.0, hex("#F4EFE6"));
    cv.rect(520.0, 380.0, 180.0, 10.0, RED);
    cv.rect(520.0, 440.0, 180.0, 10.0, GREY);
    for (px, c) in [(560.0, RED), (610.0, TEAL), (660.0, AMBER)] {
        person(cv, px, 395.0, 20.0, c);
    }
    for (x, r) in [
        (180.0, 44.0),
        (250.0, 30.0),
        (980.0, 40.0),
        (1060.0, 50.0),
        (600.0, 34.0),
    ] {
        tree(cv, x, 712.0, r, GREEN);
    }
    cv.poly(&star_pts(410.0, 110.0, 22.0, 9.0, 5), GOLD);
}

pub fn grid_map(cv: &mut Canvas) {
    let mut rng = Rng::new(8);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F1EBDF"));
    cv.vgrad(0.0, 0.0, cv.w, 110.0, hex("#7EC1DA"), hex("#A9D7E8"), 3);
    for y in [40.0, 80.0] {
        wave(cv, 0.0, 1200.0, y, 4.0, 80.0, 3.0, WHITE.alpha(150));
    }
    let tints = [
        SEA.mix(WHITE, 0.75),
        TEAL.mix(WHITE, 0.72),
        PLUM.mix(WHITE, 0.75),
        AMBER.mix(WHITE, 0.72),
    ];
    let community = [[0, 0, 1, 1], [0, 2, 1, 3], [2, 2, 3, 3]];
    let (x0, y0, cw, ch, gap) = (70.0, 150.0, 255.0, 195.0, 18.0);
    for (r, row) in community.iter().enumerate() {
        for (c, &k) in row.iter().enumerate() {
            let x = x0 + c as f32 * (cw + gap);
            let y = y0 + r as f32 * (ch + gap);
            cv.rrect(x, y, cw, ch, 10.0, tints[k]);
            let dark = tints[k].mix(INK, 0.25);
            for _ in 0..5 {
                let bw = rng.range(30.0, 60.0);
                let bh = rng.range(24.0, 48.0);
                cv.rrect(
                    x + rng.range(10.0, cw - bw - 10.0),
                    y + rng.range(10.0, ch - bh - 10.0),
                    bw,
                    bh,
                    4.0,
                    dark.alpha(110),
                );
            }
        }
    }
    // Five stations, each with the reach of its five buildings.
    let pins = [
        (1, 1, true),
        (0, 3, false),
        (2, 0, false),
        (2, 3, false),
        (0, 0, false),
    ];
    for (r, c, main) in pins {
        let x = x0 + c as f32 * (cw + gap) + cw / 2.0;
        let y = y0 + r as f32 * (ch + gap) + ch / 2.0 + 30.0;
        cv.circle(x, y - 30.0, 120.0, RED.alpha(28));
        cv.ring(x, y - 30.0, 120.0, 3.0, RED.alpha(90));
        pin(cv, x, y, if main { 34.0 } else { 24.0 }, RED);
    }
}

pub fn network_nodes(cv: &mut Canvas) {
    let mut rng = Rng::new(9);
    cv.vgrad(0.0, 0.0, cv.w, cv.h, hex("#E6F4F1"), hex("#F7FBFA"), 6);
    let hub = (600.0, 220.0);
    let bases: Vec<f32> = (0..5).map(|i| 150.0 + i as f32 * 225.0).collect();
    let tops: Vec<f32> = bases
        .iter()
        .map(|_| 560.0 - rng.range(0.0, 140.0))
        .collect();
    for (&bx, &top) in bases.iter().zip(&tops) {
        cv.line(hub, (bx, top - 60.0), 5.0, TEAL.alpha(150));
    }
    for (i, (&bx, &top)) in bases.iter().zip(&tops).enumerate() {
        let body = if i % 2 == 0 {
            TEAL
        } else {
            TEAL.mix(NAVY, 0.4)
        };
        tower(
            cv,
            bx - 70.0,
            top,
            140.0,
            760.0 - top,
            body,
            body.mix(WHITE, 0.3),
            hex("#FFF3C4"),
            0.25,
            &mut rng,
        );
        cv.circle(bx, top - 60.0, 24.0, WHITE);
        cv.ring(bx, top - 60.0, 24.0, 6.0, TEAL);
        cv.circle(bx, top - 60.0, 8.0, RED);
    }
    for w in bases.windows(2) {
        cv.arc(
            (w[0] + w[1]) / 2.0,
            520.0,
            (w[1] - w[0]) / 2.0,
            PI * 1.15,
            PI * 1.85,
            3.0,
            TEAL.alpha(120),
        );
    }
    cv.rect(0.0, 760.0, cv.w, 40.0, hex("#CFE3DF"));
    cv.circle(hub.0, hub.1, 78.0, TEAL);
    cv.circle(hub.0, hub.1, 62.0, WHITE);
    phone(
        cv,
        hub.0 - 22.0,
        hub.1 - 40.0,
        44.0,
        80.0,
        TEAL,
        hex("#D7F0EC"),
    );
}
