//! Daily living and the e-Station: tram, payments, doctor, emergency numbers, rubbish bins,
//! weather, devices and the kiosk itself.

use std::f32::consts::PI;

use crate::canvas::{C, Canvas, Rng, arc_pts, hex, rotate, rrect_pts, star_pts};
use crate::parts::*;

pub fn tram(cv: &mut Canvas) {
    let mut rng = Rng::new(31);
    cv.vgrad(0.0, 0.0, cv.w, 560.0, hex("#CFE8F2"), hex("#F2F8FB"), 6);
    let cols = [
        hex("#E8D5C0"),
        hex("#D8E2E0"),
        hex("#E9DCCB"),
        hex("#D5DCE6"),
    ];
    let mut x = -30.0;
    let mut i = 0;
    while x < cv.w {
        let w = rng.range(140.0, 220.0);
        let h = rng.range(220.0, 380.0);
        let body = cols[i % 4];
        tower(
            cv,
            x,
            560.0 - h,
            w,
            h,
            body,
            body.mix(INK, 0.12),
            hex("#BFD9EE"),
            0.4,
            &mut rng,
        );
        x += w + 8.0;
        i += 1;
    }
    cv.rect(0.0, 560.0, cv.w, 240.0, hex("#9AA1A9"));
    cv.rect(0.0, 556.0, cv.w, 10.0, hex("#C9CDD2"));
    for y in [690.0, 730.0] {
        cv.rect(0.0, y, cv.w, 6.0, hex("#6F767E"));
    }
    cv.line((0.0, 120.0), (cv.w, 140.0), 3.0, INK);
    // the tram
    let (tx, ty, tw, th) = (220.0, 380.0, 760.0, 300.0);
    cv.polyline(
        &[
            (tx + 340.0, ty - 4.0),
            (tx + 400.0, ty - 70.0),
            (tx + 360.0, 126.0),
        ],
        5.0,
        INK,
    );
    cv.rrect(tx, ty, tw, th, 36.0, hex("#F3E6C8"));
    cv.rect(tx, ty + 170.0, tw, 130.0, BRICK);
    cv.rrect(tx, ty + 250.0, tw, 50.0, 20.0, BRICK.mix(INK, 0.25));
    cv.rect(tx + 20.0, ty - 16.0, tw - 40.0, 22.0, BRICK.mix(INK, 0.1));
    for k in 0..7 {
        let wx = tx + 40.0 + k as f32 * 100.0;
        if k == 3 {
            cv.rect(wx - 6.0, ty + 40.0, 80.0, 230.0, hex("#3D4654"));
            cv.rect(wx + 4.0, ty + 52.0, 26.0, 120.0, hex("#A9CBE3"));
            cv.rect(wx + 38.0, ty + 52.0, 26.0, 120.0, hex("#A9CBE3"));
        } else {
            cv.rrect(wx, ty + 46.0, 72.0, 96.0, 10.0, hex("#A9CBE3"));
            cv.rect(wx + 8.0, ty + 54.0, 14.0, 80.0, WHITE.alpha(90));
        }
    }
    cv.rect(tx, ty + 160.0, tw, 10.0, GOLD);
    for wx in [tx + 110.0, tx + 200.0, tx + 560.0, tx + 650.0] {
        cv.circle(wx, ty + th + 8.0, 28.0, INK);
        cv.circle(wx, ty + th + 8.0, 10.0, GREY);
    }
    cv.circle(tx + 24.0, ty + 220.0, 14.0, hex("#FFE7A3"));
    cv.circle(tx + tw - 24.0, ty + 220.0, 14.0, hex("#FFE7A3"));
    person(cv, 1080.0, 460.0, 50.0, TEAL);
    tree(cv, 120.0, 560.0, 50.0, GREEN);
}

pub fn mobile_pay(cv: &mut Canvas) {
    let mut rng = Rng::new(32);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#E7F1EA"));
    cv.circle(600.0, 400.0, 320.0, hex("#D6EADC"));
    let p = phone(cv, 440.0, 90.0, 320.0, 620.0, INK, WHITE);
    cv.rect(p[0], p[1], p[2], 90.0, TEAL);
    cv.circle(p[0] + 50.0, p[1] + 45.0, 22.0, WHITE);
    cv.rrect(p[0] + 90.0, p[1] + 36.0, 120.0, 18.0, 9.0, WHITE.alpha(200));
    qr_like(
        cv,
        p[0] + 48.0,
        p[1] + 150.0,
        p[2] - 96.0,
        INK,
        WHITE,
        &mut rng,
    );
    cv.rrect(p[0] + 40.0, p[1] + 440.0, p[2] - 80.0, 54.0, 27.0, TEAL);
    // coins and a check mark
    for k in 0..4 {
        cv.ellipse(
            230.0,
            600.0 - k as f32 * 26.0,
            90.0,
            28.0,
            GOLD.mix(AMBER, 0.35),
        );
        cv.ellipse(230.0, 592.0 - k as f32 * 26.0, 90.0, 28.0, GOLD);
    }
    cv.circle(960.0, 240.0, 90.0, TEAL);
    cv.polyline(
        &[(915.0, 240.0), (948.0, 275.0), (1008.0, 205.0)],
        18.0,
        WHITE,
    );
    cv.rrect(880.0, 470.0, 200.0, 130.0, 16.0, SEA);
    cv.rect(880.0, 500.0, 200.0, 26.0, INK);
    cv.rrect(900.0, 550.0, 60.0, 30.0, 6.0, GOLD);
}

pub fn doctor(cv: &mut Canvas) {
    cv.vgrad(0.0, 0.0, cv.w, 640.0, hex("#D5ECF4"), hex("#F4FAFC"), 6);
    cloud(cv, 200.0, 130.0, 60.0, WHITE);
    cv.rect(0.0, 640.0, cv.w, 160.0, hex("#C9D3D9"));
    // hospital
    cv.rect(280.0, 210.0, 640.0, 430.0, WHITE);
    cv.rect(280.0, 210.0, 640.0, 24.0, TEAL);
    for j in 0..4 {
        for i in 0..8 {
            if !(3..=4).contains(&i) || j < 1 {
                cv.rect(
                    310.0 + i as f32 * 76.0,
                    270.0 + j as f32 * 80.0,
                    50.0,
                    50.0,
                    hex("#A9D3E6"),
                );
            }
        }
    }
    cv.rect(520.0, 520.0, 160.0, 120.0, hex("#A9D3E6"));
    cv.rect(596.0, 520.0, 8.0, 120.0, WHITE);
    cv.rect(480.0, 490.0, 240.0, 24.0, TEAL);
    // the cross sign on the roof
    cv.circle(600.0, 140.0, 70.0, WHITE);
    cv.ring(600.0, 140.0, 70.0, 8.0, RED);
    cv.rect(580.0, 100.0, 40.0, 80.0, RED);
    cv.rect(560.0, 120.0, 80.0, 40.0, RED);
    cv.rect(594.0, 200.0, 12.0, 14.0, GREY);
    // ambulance
    let (ax, ay) = (900.0, 560.0);
    cv.rrect(ax, ay, 250.0, 130.0, 16.0, WHITE);
    cv.poly(
        &[
            (ax + 250.0, ay + 40.0),
            (ax + 290.0, ay + 70.0),
            (ax + 290.0, ay + 130.0),
            (ax + 250.0, ay + 130.0),
        ],
        WHITE,
    );
    cv.rect(ax, ay + 80.0, 290.0, 14.0, RED);
    cv.rect(ax + 90.0, ay + 20.0, 20.0, 50.0, RED);
    cv.rect(ax + 75.0, ay + 35.0, 50.0, 20.0, RED);
    cv.rect(ax + 256.0, ay + 50.0, 26.0, 26.0, hex("#A9D3E6"));
    cv.rect(ax + 40.0, ay - 14.0, 30.0, 14.0, SEA);
    for wx in [ax + 60.0, ax + 230.0] {
        cv.circle(wx, ay + 134.0, 24.0, INK);
        cv.circle(wx, ay + 134.0, 9.0, GREY);
    }
    tree(cv, 160.0, 650.0, 56.0, GREEN);
    tree(cv, 240.0, 660.0, 38.0, DGREEN);
}

pub fn emergency(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#F2F3F6"));
    // handset
    let (hx, hy) = (270.0, 400.0);
    cv.circle(hx, hy, 200.0, hex("#E1E5EC"));
    // A classic handset: a curved handle with the ear and mouth pieces at its ends.
    let (r, half) = (150.0, 30.0);
    let (a0, a1) = (0.62 * PI, 1.38 * PI);
    let mut handle = arc_pts(0.0, 0.0, r + half, a0, a1);
    handle.extend(arc_pts(0.0, 0.0, r - half, a1, a0));
    let place = |p: &[(f32, f32)]| -> Vec<(f32, f32)> {
        rotate(p, 0.0, 0.0, -PI / 4.0)
            .into_iter()
            .map(|(x, y)| (x + hx + 60.0, y + hy))
            .collect()
    };
    cv.poly(&place(&handle), INK);
    for a in [a0, a1] {
        let (ex, ey) = (r * a.cos(), r * a.sin());
        cv.poly(
            &place(&rrect_pts(ex - 40.0, ey - 42.0, 130.0, 84.0, 30.0)),
            INK,
        );
    }
    for k in 0..3 {
        cv.arc(
            hx + 60.0,
            hy - 60.0,
            130.0 + k as f32 * 40.0,
            -PI * 0.45,
            -PI * 0.05,
            12.0,
            RED.alpha(200 - k * 50),
        );
    }
    // police, fire, ambulance
    let badges = [
        (660.0, 260.0, NAVY),
        (930.0, 260.0, RED),
        (795.0, 540.0, WHITE),
    ];
    for (k, &(x, y, c)) in badges.iter().enumerate() {
        cv.circle(x + 6.0, y + 10.0, 120.0, C(0, 0, 0, 30));
        cv.circle(x, y, 120.0, c);
        match k {
            0 => {
                cv.poly(
                    &[
                        (x - 56.0, y - 56.0),
                        (x, y - 76.0),
                        (x + 56.0, y - 56.0),
                        (x + 50.0, y + 16.0),
                        (x, y + 70.0),
                        (x - 50.0, y + 16.0),
                    ],
                    WHITE,
                );
                cv.poly(&star_pts(x, y - 4.0, 30.0, 13.0, 5), NAVY);
            }
            1 => {
                cv.poly(
                    &[
                        (x, y - 80.0),
                        (x + 56.0, y),
                        (x + 44.0, y + 56.0),
                        (x, y + 76.0),
                        (x - 44.0, y + 56.0),
                        (x - 56.0, y),
                        (x - 24.0, y - 30.0),
                        (x - 10.0, y - 2.0),
                    ],
                    WHITE,
                );
                cv.poly(
                    &[
                        (x, y - 10.0),
                        (x + 26.0, y + 30.0),
                        (x, y + 60.0),
                        (x - 26.0, y + 30.0),
                    ],
                    GOLD,
                );
            }
            _ => {
                cv.ring(x, y, 112.0, 14.0, RED);
                cv.rect(x - 22.0, y - 70.0, 44.0, 140.0, RED);
                cv.rect(x - 70.0, y - 22.0, 140.0, 44.0, RED);
            }
        }
    }
}

pub fn rubbish_bins(cv: &mut Canvas) {
    cv.vgrad(0.0, 0.0, cv.w, 620.0, hex("#E6F0F5"), hex("#F7FAFC"), 5);
    cv.rect(0.0, 620.0, cv.w, 180.0, hex("#D1D6DB"));
    let bins = [
        hex("#2F6FB3"),
        hex("#C8283A"),
        hex("#3E8E4A"),
        hex("#6E757D"),
    ];
    for (k, c) in bins.iter().enumerate() {
        let x = 150.0 + k as f32 * 300.0;
        let (top, bottom) = (250.0, 640.0);
        cv.ellipse(x, bottom + 6.0, 130.0, 14.0, C(0, 0, 0, 40));
        cv.poly(
            &[
                (x - 115.0, top),
                (x + 115.0, top),
                (x + 95.0, bottom),
                (x - 95.0, bottom),
            ],
            *c,
        );
        cv.rrect(x - 128.0, top - 44.0, 256.0, 50.0, 12.0, c.mix(INK, 0.2));
        cv.rrect(x - 40.0, top - 64.0, 80.0, 24.0, 8.0, c.mix(INK, 0.3));
        cv.circle(x - 70.0, bottom, 18.0, INK);
        cv.circle(x + 70.0, bottom, 18.0, INK);
        let (gx, gy) = (x, 430.0);
        cv.circle(gx, gy, 78.0, WHITE);
        match k {
            0 => {
                // recycling: three arrows round a triangle
                for j in 0..3 {
                    let a0 = -PI / 2.0 + 2.0 * PI * j as f32 / 3.0 + 0.25;
                    cv.arc(gx, gy, 44.0, a0, a0 + 1.5, 12.0, *c);
                    let a1 = a0 + 1.6;
                    let tip = (gx + 44.0 * a1.cos(), gy + 44.0 * a1.sin());
                    let p = rotate(
                        &[
                            (tip.0 - 14.0, tip.1 - 16.0),
                            (tip.0 + 14.0, tip.1 - 16.0),
                            (tip.0, tip.1 + 10.0),
                        ],
                        tip.0,
                        tip.1,
                        a1,
                    );
                    cv.poly(&p, *c);
                }
            }
            1 => {
                cv.rrect(gx - 26.0, gy - 40.0, 52.0, 90.0, 8.0, *c);
                cv.rect(gx - 12.0, gy - 52.0, 24.0, 14.0, *c);
                cv.rect(gx - 14.0, gy - 6.0, 28.0, 8.0, WHITE);
                cv.rect(gx - 4.0, gy - 16.0, 8.0, 28.0, WHITE);
            }
            2 => {
                cv.circle(gx, gy + 8.0, 40.0, *c);
                cv.rect(gx - 3.0, gy - 52.0, 6.0, 26.0, c.mix(INK, 0.3));
                let leaf = rotate(
                    &crate::canvas::ellipse_pts(gx + 22.0, gy - 44.0, 22.0, 10.0),
                    gx + 4.0,
                    gy - 44.0,
                    -0.5,
                );
                cv.poly(&leaf, *c);
            }
            _ => {
                cv.poly(
                    &[
                        (gx - 34.0, gy - 40.0),
                        (gx + 34.0, gy - 40.0),
                        (gx + 24.0, gy + 44.0),
                        (gx - 24.0, gy + 44.0),
                    ],
                    *c,
                );
                cv.rect(gx - 40.0, gy - 50.0, 80.0, 12.0, *c);
            }
        }
    }
}

pub fn weather(cv: &mut Canvas) {
    let mut rng = Rng::new(33);
    // summer on the left
    cv.vgrad(0.0, 0.0, cv.w, 480.0, hex("#7CC4E4"), hex("#D8F0F8"), 6);
    cv.circle(250.0, 170.0, 90.0, hex("#FFE08A"));
    cv.circle(250.0, 170.0, 66.0, hex("#FFC94A"));
    cloud(cv, 470.0, 240.0, 60.0, WHITE);
    cv.vgrad(0.0, 480.0, cv.w, 320.0, hex("#2E9CC4"), hex("#1C6F98"), 5);
    cv.poly(&[(360.0, 600.0), (360.0, 480.0), (430.0, 600.0)], WHITE);
    cv.poly(
        &[
            (320.0, 610.0),
            (450.0, 610.0),
            (430.0, 632.0),
            (340.0, 632.0),
        ],
        AMBER,
    );
    // winter on the right
    cv.clip_rect(600.0, 0.0, 600.0, 800.0);
    cv.vgrad(0.0, 0.0, cv.w, 480.0, hex("#8C9DB3"), hex("#D5DDE6"), 6);
    cloud(cv, 860.0, 170.0, 90.0, hex("#EEF2F6"));
    cloud(cv, 1060.0, 260.0, 60.0, hex("#E2E8EF"));
    cv.vgrad(0.0, 480.0, cv.w, 320.0, hex("#5D7F9E"), hex("#3F5F7E"), 5);
    for k in 0..3 {
        let y = 340.0 + k as f32 * 40.0;
        cv.polyline(
            &[
                (660.0 + k as f32 * 30.0, y),
                (900.0, y - 6.0),
                (980.0, y + 10.0),
            ],
            6.0,
            WHITE.alpha(200),
        );
        cv.arc(
            990.0,
            y + 24.0,
            16.0,
            -PI / 2.0,
            PI * 0.6,
            6.0,
            WHITE.alpha(200),
        );
    }
    for _ in 0..18 {
        snowflake(
            cv,
            rng.range(610.0, 1190.0),
            rng.range(20.0, 300.0),
            rng.range(8.0, 16.0),
            WHITE,
        );
    }
    cv.unclip();
    for i in 0..5 {
        let y = 540.0 + i as f32 * 50.0;
        wave(cv, 0.0, 1200.0, y, 5.0, 100.0, 4.0, WHITE.alpha(120));
    }
    cv.rect(596.0, 0.0, 8.0, 800.0, WHITE);
}

fn kiosk(cv: &mut Canvas, x: f32, y: f32, w: f32, h: f32) {
    let (sh, base) = (h * 0.62, y + h);
    cv.rrect(x, y, w, sh, w * 0.05, INK);
    cv.rect(x + w * 0.05, y + w * 0.05, w * 0.9, sh - w * 0.1, PAPER);
    tiles(cv, x + w * 0.05, y + w * 0.12, w * 0.9, sh - w * 0.2, 4);
    cv.rect(x + w * 0.05, y + w * 0.05, w * 0.9, w * 0.07, RED);
    cv.poly(
        &[
            (x + w * 0.38, y + sh),
            (x + w * 0.62, y + sh),
            (x + w * 0.58, base - 20.0),
            (x + w * 0.42, base - 20.0),
        ],
        hex("#3A4250"),
    );
    cv.rrect(
        x + w * 0.2,
        base - 26.0,
        w * 0.6,
        26.0,
        10.0,
        hex("#3A4250"),
    );
}

pub fn e_station_three(cv: &mut Canvas) {
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#E4F3F0"));
    for (a, b) in [
        ((270.0, 300.0), (560.0, 250.0)),
        ((720.0, 250.0), (960.0, 220.0)),
    ] {
        let n = 14;
        for k in 0..n {
            let t = k as f32 / n as f32;
            let x = a.0 + (b.0 - a.0) * t;
            let y = a.1 + (b.1 - a.1) * t - 60.0 * (PI * t).sin();
            cv.circle(x, y, 5.0, TEAL);
        }
    }
    // phone
    let p = phone(cv, 120.0, 300.0, 200.0, 380.0, INK, PAPER);
    tiles(cv, p[0], p[1] + 20.0, p[2], p[3] - 40.0, 2);
    // laptop
    let (lx, ly) = (420.0, 330.0);
    cv.rrect(lx, ly, 380.0, 250.0, 14.0, INK);
    cv.rect(lx + 14.0, ly + 14.0, 352.0, 222.0, PAPER);
    tiles(cv, lx + 14.0, ly + 14.0, 352.0, 222.0, 4);
    cv.poly(
        &[
            (lx - 40.0, ly + 250.0),
            (lx + 420.0, ly + 250.0),
            (lx + 450.0, ly + 290.0),
            (lx - 70.0, ly + 290.0),
        ],
        hex("#B9C1CB"),
    );
    // kiosk
    kiosk(cv, 880.0, 170.0, 240.0, 560.0);
    cv.rect(0.0, 740.0, cv.w, 60.0, hex("#CFE6E1"));
}

pub fn kiosk_guide(cv: &mut Canvas) {
    cv.vgrad(0.0, 0.0, cv.w, cv.h, hex("#EAF2F6"), hex("#F8FBFC"), 5);
    cv.rect(0.0, 720.0, cv.w, 80.0, hex("#D8E2E8"));
    kiosk(cv, 330.0, 40.0, 540.0, 700.0);
    // the language toggle
    cv.rrect(720.0, 50.0, 110.0, 34.0, 17.0, WHITE);
    cv.rrect(722.0, 52.0, 54.0, 30.0, 15.0, NAVY);
    // a finger tapping one tile
    let (fx, fy) = (560.0, 330.0);
    for k in 0..3 {
        cv.ring(
            fx,
            fy,
            26.0 + k as f32 * 20.0,
            5.0,
            WHITE.alpha(220 - k * 60),
        );
    }
    let hand = hex("#F2C9A5");
    cv.rrect(fx - 22.0, fy - 10.0, 44.0, 140.0, 22.0, hand);
    cv.rrect(fx - 30.0, fy + 90.0, 120.0, 150.0, 40.0, hand);
    for k in 0..3 {
        cv.rrect(
            fx + 22.0 + k as f32 * 24.0,
            fy + 70.0,
            26.0,
            70.0,
            13.0,
            hand.mix(INK, 0.05),
        );
    }
    cv.rrect(fx - 14.0, fy - 4.0, 28.0, 26.0, 12.0, hand.mix(WHITE, 0.4));
    // clock and online dot
    cv.circle(1010.0, 200.0, 70.0, WHITE);
    cv.ring(1010.0, 200.0, 70.0, 8.0, NAVY);
    cv.line((1010.0, 200.0), (1010.0, 155.0), 8.0, NAVY);
    cv.line((1010.0, 200.0), (1040.0, 215.0), 8.0, NAVY);
    cv.circle(190.0, 200.0, 60.0, TEAL);
    for k in 0..3 {
        cv.arc(
            190.0,
            230.0,
            16.0 + k as f32 * 16.0,
            -PI * 0.8,
            -PI * 0.2,
            7.0,
            WHITE,
        );
    }
    cv.circle(190.0, 230.0, 7.0, WHITE);
}

pub fn phone_qr(cv: &mut Canvas) {
    let mut rng = Rng::new(34);
    cv.rect(0.0, 0.0, cv.w, cv.h, hex("#EEF3F7"));
    // the poster with a code
    cv.rrect(120.0, 100.0, 440.0, 600.0, 20.0, WHITE);
    cv.rect(120.0, 100.0, 440.0, 90.0, TEAL);
    cv.rrect(160.0, 220.0, 300.0, 20.0, 10.0, LGREY);
    cv.rrect(160.0, 256.0, 220.0, 20.0, 10.0, LGREY);
    qr_like(cv, 200.0, 330.0, 280.0, INK, WHITE, &mut rng);
    // the phone scanning it
    let (px, py) = (720.0, 140.0);
    let body = rotate(
        &rrect_pts(px, py, 300.0, 560.0, 40.0),
        px + 150.0,
        py + 280.0,
        0.12,
    );
    cv.poly(&body, INK);
    let screen = rotate(
        &rrect_pts(px + 18.0, py + 40.0, 264.0, 480.0, 18.0),
        px + 150.0,
        py + 280.0,
        0.12,
    );
    cv.poly(&screen, hex("#2B3442"));
    let (cx, cy) = (px + 150.0, py + 280.0);
    let inner = 150.0;
    for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
        let corner = (cx + sx * inner / 2.0 + 20.0, cy + sy * inner / 2.0);
        let a = rotate(
            &[(corner.0, corner.1), (corner.0 - sx * 40.0, corner.1)],
            cx,
            cy,
            0.12,
        );
        let b = rotate(
            &[(corner.0, corner.1), (corner.0, corner.1 - sy * 40.0)],
            cx,
            cy,
            0.12,
        );
        cv.line(a[0], a[1], 8.0, TEAL);
        cv.line(b[0], b[1], 8.0, TEAL);
    }
    let scan = rotate(&[(cx - 60.0, cy), (cx + 100.0, cy)], cx, cy, 0.12);
    cv.line(scan[0], scan[1], 4.0, RED);
    // dotted sight line
    for k in 0..8 {
        let t = k as f32 / 8.0;
        cv.circle(480.0 + 200.0 * t, 470.0 - 40.0 * t, 5.0, TEAL.alpha(160));
    }
}
