//! The palette and the small pieces many pictures share: towers, trees, people, lanterns, pins.

use std::f32::consts::PI;

use crate::canvas::{C, Canvas, Rng, arc_pts, ellipse_pts, rect_pts, rrect_pts};

// The deployment's primary red and the section accents, plus neutrals.
pub const RED: C = C(0xC8, 0x10, 0x2E, 255);
pub const BRICK: C = C(0xA8, 0x23, 0x2E, 255);
pub const NAVY: C = C(0x23, 0x46, 0x6E, 255);
pub const SEA: C = C(0x1B, 0x7F, 0xA6, 255);
pub const TEAL: C = C(0x0F, 0x8B, 0x7D, 255);
pub const PLUM: C = C(0x6A, 0x4C, 0x93, 255);
pub const ROSE: C = C(0xC2, 0x3F, 0x76, 255);
pub const AMBER: C = C(0xC9, 0x75, 0x0C, 255);
pub const OLIVE: C = C(0x5E, 0x7F, 0x2E, 255);
pub const GOLD: C = C(0xF2, 0xB6, 0x32, 255);
pub const CREAM: C = C(0xF7, 0xF1, 0xE8, 255);
pub const PAPER: C = C(0xFF, 0xFD, 0xF8, 255);
pub const INK: C = C(0x1E, 0x2A, 0x3A, 255);
pub const SKY: C = C(0xD6, 0xEC, 0xF5, 255);
pub const SAND: C = C(0xEB, 0xD9, 0xB4, 255);
pub const GREEN: C = C(0x6B, 0xAA, 0x5A, 255);
pub const DGREEN: C = C(0x3F, 0x7D, 0x4A, 255);
pub const GREY: C = C(0x8A, 0x94, 0xA0, 255);
pub const LGREY: C = C(0xDD, 0xE2, 0xE7, 255);
pub const WHITE: C = C(0xFF, 0xFF, 0xFF, 255);
pub const WOOD: C = C(0xB9, 0x83, 0x4F, 255);

/// A tower with a grid of windows; `lit` is the share of windows drawn in `win_on`.
#[allow(clippy::too_many_arguments)]
pub fn tower(
    cv: &mut Canvas,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    body: C,
    win_off: C,
    win_on: C,
    lit: f32,
    rng: &mut Rng,
) {
    cv.rect(x, y, w, h, body);
    let cols = ((w / 22.0).floor() as usize).max(2);
    let gap = w / (cols as f32 * 3.0 + 1.0);
    let ww = gap * 2.0;
    let wh = 11.0_f32.min(ww * 1.2);
    let mut yy = y + 14.0;
    while yy + wh < y + h - 10.0 {
        for i in 0..cols {
            let xx = x + gap + i as f32 * (ww + gap);
            let c = if rng.f() < lit { win_on } else { win_off };
            cv.rect(xx, yy, ww, wh, c);
        }
        yy += wh + 9.0;
    }
}

pub fn tree(cv: &mut Canvas, x: f32, ground: f32, r: f32, leaf: C) {
    cv.rect(
        x - r * 0.12,
        ground - r * 1.2,
        r * 0.24,
        r * 1.2,
        C(0x7A, 0x55, 0x35, 255),
    );
    cv.circle(x, ground - r * 1.6, r, leaf);
    cv.circle(
        x - r * 0.35,
        ground - r * 1.75,
        r * 0.45,
        leaf.mix(WHITE, 0.18),
    );
}

/// A figure of height about `s * 2.2`, standing with its head's top at `top`.
pub fn person(cv: &mut Canvas, cx: f32, top: f32, s: f32, c: C) {
    cv.circle(cx, top + s * 0.38, s * 0.38, c);
    cv.poly(
        &rrect_pts(cx - s * 0.62, top + s * 0.9, s * 1.24, s * 1.3, s * 0.5),
        c,
    );
}

/// A figure seen from behind in an audience: head and shoulders only.
pub fn head_shoulders(cv: &mut Canvas, cx: f32, base: f32, s: f32, hair: C, body: C) {
    cv.poly(
        &rrect_pts(cx - s * 0.75, base - s * 0.9, s * 1.5, s * 1.2, s * 0.55),
        body,
    );
    cv.circle(cx, base - s * 1.12, s * 0.48, hair);
}

pub fn cloud(cv: &mut Canvas, cx: f32, cy: f32, s: f32, c: C) {
    cv.circle(cx - s * 0.55, cy + s * 0.08, s * 0.42, c);
    cv.circle(cx, cy - s * 0.15, s * 0.58, c);
    cv.circle(cx + s * 0.6, cy + s * 0.1, s * 0.38, c);
    cv.rrect(cx - s * 0.95, cy + s * 0.05, s * 1.9, s * 0.45, s * 0.22, c);
}

pub fn snowflake(cv: &mut Canvas, cx: f32, cy: f32, r: f32, c: C) {
    for k in 0..3 {
        let a = PI / 3.0 * k as f32 + PI / 2.0;
        let (dx, dy) = (r * a.cos(), r * a.sin());
        cv.line((cx - dx, cy - dy), (cx + dx, cy + dy), r * 0.22, c);
    }
}

/// A sine wave from `x0` to `x1` around `y`.
#[allow(clippy::too_many_arguments)]
pub fn wave(cv: &mut Canvas, x0: f32, x1: f32, y: f32, amp: f32, period: f32, width: f32, c: C) {
    let n = ((x1 - x0) / 6.0) as usize;
    let pts: Vec<_> = (0..=n)
        .map(|i| {
            let x = x0 + (x1 - x0) * i as f32 / n as f32;
            (x, y + amp * (2.0 * PI * x / period).sin())
        })
        .collect();
    cv.polyline(&pts, width, c);
}

/// A map pin whose point is at (x, y).
pub fn pin(cv: &mut Canvas, x: f32, y: f32, r: f32, c: C) {
    cv.ellipse(x, y + 2.0, r * 0.7, r * 0.22, C(0, 0, 0, 50));
    let cy = y - r * 1.9;
    cv.poly(
        &[
            (x - r * 0.8, cy + r * 0.55),
            (x + r * 0.8, cy + r * 0.55),
            (x, y),
        ],
        c,
    );
    cv.circle(x, cy, r, c);
    cv.circle(x, cy, r * 0.42, WHITE);
}

/// A round Chinese lantern centred at (cx, cy), hung from `top` when given.
pub fn lantern(cv: &mut Canvas, cx: f32, cy: f32, rx: f32, ry: f32, body: C, top: Option<f32>) {
    if let Some(t) = top {
        cv.line((cx, t), (cx, cy - ry), 3.0, INK.mix(GOLD, 0.3));
    }
    cv.rrect(
        cx - rx * 0.45,
        cy - ry - ry * 0.16,
        rx * 0.9,
        ry * 0.26,
        4.0,
        GOLD,
    );
    cv.rrect(
        cx - rx * 0.45,
        cy + ry - ry * 0.1,
        rx * 0.9,
        ry * 0.26,
        4.0,
        GOLD,
    );
    cv.ellipse(cx, cy, rx, ry, body);
    let rib = body.mix(INK, 0.22);
    for f in [0.72, 0.38] {
        cv.fill_polys(
            &[
                ellipse_pts(cx, cy, rx * f + 2.0, ry),
                ellipse_pts(cx, cy, rx * f - 1.0, ry),
            ],
            rib,
        );
    }
    cv.line((cx, cy - ry), (cx, cy + ry), 3.0, rib);
    cv.ellipse(
        cx - rx * 0.45,
        cy - ry * 0.35,
        rx * 0.14,
        ry * 0.3,
        body.mix(WHITE, 0.25),
    );
    // tassel
    let ty = cy + ry + ry * 0.16;
    cv.line((cx, ty), (cx, ty + ry * 0.18), 3.0, GOLD);
    cv.poly(
        &[
            (cx - rx * 0.12, ty + ry * 0.18),
            (cx + rx * 0.12, ty + ry * 0.18),
            (cx + rx * 0.18, ty + ry * 0.7),
            (cx - rx * 0.18, ty + ry * 0.7),
        ],
        body.mix(GOLD, 0.35),
    );
}

/// A phone outline with a screen colour; returns the screen's rectangle.
pub fn phone(cv: &mut Canvas, x: f32, y: f32, w: f32, h: f32, shell: C, screen: C) -> [f32; 4] {
    cv.rrect(x, y, w, h, w * 0.14, shell);
    let (sx, sy, sw, sh) = (x + w * 0.07, y + h * 0.08, w * 0.86, h * 0.84);
    cv.rrect(sx, sy, sw, sh, w * 0.06, screen);
    cv.rrect(
        x + w * 0.38,
        y + h * 0.03,
        w * 0.24,
        h * 0.018,
        3.0,
        screen.mix(shell, 0.6),
    );
    [sx, sy, sw, sh]
}

/// The eight section tiles in their colours, laid out in a grid inside a rectangle.
pub fn tiles(cv: &mut Canvas, x: f32, y: f32, w: f32, h: f32, cols: usize) {
    let colours = [SEA, NAVY, BRICK, TEAL, PLUM, ROSE, AMBER, OLIVE];
    let rows = colours.len().div_ceil(cols);
    let gap = w * 0.03;
    let tw = (w - gap * (cols as f32 + 1.0)) / cols as f32;
    let th = (h - gap * (rows as f32 + 1.0)) / rows as f32;
    for (i, c) in colours.iter().enumerate() {
        let tx = x + gap + (i % cols) as f32 * (tw + gap);
        let ty = y + gap + (i / cols) as f32 * (th + gap);
        cv.rrect(tx, ty, tw, th, tw.min(th) * 0.12, *c);
        let r = tw.min(th) * 0.16;
        glyph(cv, i, tx + tw * 0.28, ty + th * 0.4, r);
        cv.rrect(
            tx + tw * 0.14,
            ty + th * 0.72,
            tw * 0.55,
            th * 0.08,
            3.0,
            WHITE.alpha(200),
        );
    }
}

/// Tiny white glyphs echoing the section icons (city, harbour, station, screen, …).
pub fn glyph(cv: &mut Canvas, i: usize, cx: f32, cy: f32, r: f32) {
    let w = WHITE;
    match i {
        0 => {
            cv.rect(cx - r, cy - r * 0.2, r * 0.6, r * 1.2, w);
            cv.rect(cx - r * 0.3, cy - r, r * 0.6, r * 2.0, w);
            cv.rect(cx + r * 0.4, cy - r * 0.5, r * 0.6, r * 1.5, w);
        }
        1 => {
            cv.poly(
                &[
                    (cx - r, cy + r * 0.2),
                    (cx + r, cy + r * 0.2),
                    (cx + r * 0.6, cy + r),
                    (cx - r * 0.6, cy + r),
                ],
                w,
            );
            cv.rect(cx - r * 0.1, cy - r, r * 0.2, r * 1.2, w);
            cv.poly(
                &[
                    (cx + r * 0.15, cy - r),
                    (cx + r * 0.8, cy + r * 0.05),
                    (cx + r * 0.15, cy + r * 0.05),
                ],
                w,
            );
        }
        2 => {
            cv.poly(
                &[(cx - r, cy - r * 0.1), (cx, cy - r), (cx + r, cy - r * 0.1)],
                w,
            );
            cv.rect(cx - r * 0.75, cy - r * 0.1, r * 1.5, r * 1.1, w);
        }
        3 => {
            cv.rrect(cx - r, cy - r * 0.75, r * 2.0, r * 1.3, r * 0.2, w);
            cv.rect(cx - r * 0.15, cy + r * 0.5, r * 0.3, r * 0.4, w);
            cv.rect(cx - r * 0.5, cy + r * 0.85, r, r * 0.18, w);
        }
        4 => {
            cv.ring(cx - r * 0.4, cy, r * 0.55, r * 0.28, w);
            cv.ring(cx + r * 0.4, cy, r * 0.55, r * 0.28, w);
        }
        5 => {
            cv.poly(&crate::canvas::heart_pts(cx, cy, r * 2.0), w);
        }
        6 => {
            cv.ellipse(cx, cy, r * 0.8, r * 0.65, w);
            cv.rect(cx - r * 0.35, cy - r * 0.85, r * 0.7, r * 0.2, w);
            cv.rect(cx - r * 0.35, cy + r * 0.65, r * 0.7, r * 0.2, w);
        }
        _ => {
            cv.ring(cx, cy, r * 0.85, r * 0.22, w);
            cv.poly(
                &[
                    (cx, cy - r * 0.6),
                    (cx + r * 0.22, cy),
                    (cx, cy + r * 0.6),
                    (cx - r * 0.22, cy),
                ],
                w,
            );
        }
    }
}

/// A QR-like pattern (random modules and three finder squares): decoration, not a code.
pub fn qr_like(cv: &mut Canvas, x: f32, y: f32, size: f32, c: C, bg: C, rng: &mut Rng) {
    let n = 21;
    let m = size / n as f32;
    cv.rect(x - m, y - m, size + 2.0 * m, size + 2.0 * m, bg);
    for j in 0..n {
        for i in 0..n {
            let finder = (j < 8 && (i < 8 || i >= n - 8)) || (i < 8 && j >= n - 8);
            if !finder && rng.f() < 0.5 {
                cv.rect(x + i as f32 * m, y + j as f32 * m, m + 0.3, m + 0.3, c);
            }
        }
    }
    for (fx, fy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        let (px, py) = (x + fx as f32 * m, y + fy as f32 * m);
        cv.fill_polys(
            &[
                rect_pts(px, py, 7.0 * m, 7.0 * m),
                rect_pts(px + m, py + m, 5.0 * m, 5.0 * m),
            ],
            c,
        );
        cv.rect(px + 2.0 * m, py + 2.0 * m, 3.0 * m, 3.0 * m, c);
    }
}

/// Points of a smooth hill line from `x0` to `x1` whose top is near `top`, closed to `bottom`.
pub fn hill(x0: f32, x1: f32, base: f32, top: f32, bottom: f32) -> Vec<(f32, f32)> {
    let mut p: Vec<_> = arc_pts(0.0, 0.0, 1.0, PI, 2.0 * PI)
        .into_iter()
        .map(|(x, y)| {
            (
                (x0 + x1) / 2.0 + x * (x1 - x0) / 2.0,
                base + y * (base - top),
            )
        })
        .collect();
    p.push((x1, bottom));
    p.push((x0, bottom));
    p
}
