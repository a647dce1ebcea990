//! A tiny flat-colour rasteriser: filled polygons with even-odd holes, drawn on a supersampled
//! buffer and box-filtered down, so edges are anti-aliased while flat areas stay flat (and
//! compress well as PNG).

use std::f32::consts::PI;

use image::RgbImage;

/// Samples per output pixel along each axis.
const SS: usize = 3;

/// A colour with alpha (255 = opaque).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct C(pub u8, pub u8, pub u8, pub u8);

/// Parses `#RRGGBB`; a programming error in a literal panics at once.
pub fn hex(s: &str) -> C {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).expect("colour literal");
    C((v >> 16) as u8, (v >> 8) as u8, v as u8, 255)
}

impl C {
    pub fn alpha(self, a: u8) -> C {
        C(self.0, self.1, self.2, a)
    }

    /// Mixes towards `other` by `t` in 0..=1.
    pub fn mix(self, other: C, t: f32) -> C {
        let m = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
        C(
            m(self.0, other.0),
            m(self.1, other.1),
            m(self.2, other.2),
            self.3,
        )
    }
}

pub type Pt = (f32, f32);

#[derive(Clone, Copy)]
enum Clip {
    None,
    Rect(f32, f32, f32, f32),
    Circle(f32, f32, f32),
}

pub struct Canvas {
    pub w: f32,
    pub h: f32,
    sw: usize,
    sh: usize,
    buf: Vec<[u8; 3]>,
    clip: Clip,
}

impl Canvas {
    pub fn new(w: u32, h: u32, bg: C) -> Canvas {
        let (sw, sh) = (w as usize * SS, h as usize * SS);
        Canvas {
            w: w as f32,
            h: h as f32,
            sw,
            sh,
            buf: vec![[bg.0, bg.1, bg.2]; sw * sh],
            clip: Clip::None,
        }
    }

    /// Restricts drawing to a rectangle (output pixels) until [`Canvas::unclip`].
    pub fn clip_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let s = SS as f32;
        self.clip = Clip::Rect(x * s, y * s, (x + w) * s, (y + h) * s);
    }

    /// Restricts drawing to a disc until [`Canvas::unclip`].
    pub fn clip_circle(&mut self, cx: f32, cy: f32, r: f32) {
        let s = SS as f32;
        self.clip = Clip::Circle(cx * s, cy * s, r * s);
    }

    pub fn unclip(&mut self) {
        self.clip = Clip::None;
    }

    fn span(&mut self, row: usize, xa: f32, xb: f32, c: C) {
        let y = row as f32 + 0.5;
        let (mut xa, mut xb) = (xa, xb);
        match self.clip {
            Clip::None => {}
            Clip::Rect(x0, y0, x1, y1) => {
                if y < y0 || y >= y1 {
                    return;
                }
                xa = xa.max(x0);
                xb = xb.min(x1);
            }
            Clip::Circle(cx, cy, r) => {
                let dy = y - cy;
                if dy.abs() >= r {
                    return;
                }
                let half = (r * r - dy * dy).sqrt();
                xa = xa.max(cx - half);
                xb = xb.min(cx + half);
            }
        }
        let i0 = (xa - 0.5).ceil().max(0.0) as usize;
        let i1 = ((xb - 0.5).ceil().max(0.0) as usize).min(self.sw);
        if i0 >= i1 {
            return;
        }
        let line = &mut self.buf[row * self.sw + i0..row * self.sw + i1];
        if c.3 == 255 {
            line.fill([c.0, c.1, c.2]);
        } else {
            let a = c.3 as u32;
            for px in line {
                for (k, v) in [c.0, c.1, c.2].into_iter().enumerate() {
                    px[k] = ((px[k] as u32 * (255 - a) + v as u32 * a + 127) / 255) as u8;
                }
            }
        }
    }

    /// Fills contours with the even-odd rule (a contour inside another cuts a hole).
    pub fn fill_polys(&mut self, polys: &[Vec<Pt>], c: C) {
        let s = SS as f32;
        let mut edges = Vec::new();
        let (mut ymin, mut ymax) = (f32::MAX, f32::MIN);
        for p in polys {
            for i in 0..p.len() {
                let (a, b) = (p[i], p[(i + 1) % p.len()]);
                let (ax, ay, bx, by) = (a.0 * s, a.1 * s, b.0 * s, b.1 * s);
                if ay == by {
                    continue;
                }
                let e = if ay < by {
                    (ax, ay, bx, by)
                } else {
                    (bx, by, ax, ay)
                };
                ymin = ymin.min(e.1);
                ymax = ymax.max(e.3);
                edges.push(e);
            }
        }
        if edges.is_empty() {
            return;
        }
        let j0 = (ymin - 0.5).ceil().max(0.0) as usize;
        let j1 = ((ymax - 0.5).ceil().max(0.0) as usize).min(self.sh);
        let mut xs: Vec<f32> = Vec::new();
        for j in j0..j1 {
            let y = j as f32 + 0.5;
            xs.clear();
            for e in &edges {
                if y >= e.1 && y < e.3 {
                    xs.push(e.0 + (y - e.1) * (e.2 - e.0) / (e.3 - e.1));
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                self.span(j, pair[0], pair[1], c);
            }
        }
    }

    pub fn poly(&mut self, p: &[Pt], c: C) {
        self.fill_polys(&[p.to_vec()], c);
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: C) {
        self.poly(&rect_pts(x, y, w, h), c);
    }

    pub fn rrect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32, c: C) {
        self.poly(&rrect_pts(x, y, w, h, r), c);
    }

    pub fn circle(&mut self, cx: f32, cy: f32, r: f32, c: C) {
        self.poly(&ellipse_pts(cx, cy, r, r), c);
    }

    pub fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: C) {
        self.poly(&ellipse_pts(cx, cy, rx, ry), c);
    }

    /// A circle outline of stroke `width` centred on radius `r`.
    pub fn ring(&mut self, cx: f32, cy: f32, r: f32, width: f32, c: C) {
        let (o, i) = (r + width / 2.0, (r - width / 2.0).max(0.0));
        self.fill_polys(&[ellipse_pts(cx, cy, o, o), ellipse_pts(cx, cy, i, i)], c);
    }

    /// A pie slice from angle `a0` to `a1` (radians, clockwise on screen from +x).
    pub fn pie(&mut self, cx: f32, cy: f32, r: f32, a0: f32, a1: f32, c: C) {
        let mut p = vec![(cx, cy)];
        p.extend(arc_pts(cx, cy, r, a0, a1));
        self.poly(&p, c);
    }

    /// A thick segment with round caps.
    pub fn line(&mut self, a: Pt, b: Pt, width: f32, c: C) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-6);
        let (nx, ny) = (-dy / len * width / 2.0, dx / len * width / 2.0);
        self.poly(
            &[
                (a.0 + nx, a.1 + ny),
                (b.0 + nx, b.1 + ny),
                (b.0 - nx, b.1 - ny),
                (a.0 - nx, a.1 - ny),
            ],
            c,
        );
        if c.3 == 255 {
            self.circle(a.0, a.1, width / 2.0, c);
            self.circle(b.0, b.1, width / 2.0, c);
        }
    }

    /// A thick open path with round joins (opaque colours only look right).
    pub fn polyline(&mut self, pts: &[Pt], width: f32, c: C) {
        for w in pts.windows(2) {
            self.line(w[0], w[1], width, c);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn arc(&mut self, cx: f32, cy: f32, r: f32, a0: f32, a1: f32, width: f32, c: C) {
        let pts = arc_pts(cx, cy, r, a0, a1);
        self.polyline(&pts, width, c);
    }

    /// Vertical gradient in `bands` flat steps: keeps the flat look and the file small.
    #[allow(clippy::too_many_arguments)]
    pub fn vgrad(&mut self, x: f32, y: f32, w: f32, h: f32, top: C, bottom: C, bands: usize) {
        let bh = h / bands as f32;
        for i in 0..bands {
            let t = if bands > 1 {
                i as f32 / (bands - 1) as f32
            } else {
                0.0
            };
            self.rect(x, y + i as f32 * bh, w, bh + 0.5, top.mix(bottom, t));
        }
    }

    /// Box-filters the samples down to the output size.
    pub fn finish(self) -> RgbImage {
        let (w, h) = (self.sw / SS, self.sh / SS);
        let n = (SS * SS) as u32;
        RgbImage::from_fn(w as u32, h as u32, |x, y| {
            let mut acc = [0u32; 3];
            for sy in 0..SS {
                let row = (y as usize * SS + sy) * self.sw + x as usize * SS;
                for px in &self.buf[row..row + SS] {
                    for k in 0..3 {
                        acc[k] += px[k] as u32;
                    }
                }
            }
            image::Rgb(acc.map(|v| ((v + n / 2) / n) as u8))
        })
    }
}

pub fn rect_pts(x: f32, y: f32, w: f32, h: f32) -> Vec<Pt> {
    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
}

fn segments(r: f32, sweep: f32) -> usize {
    let full = ((r * SS as f32).sqrt() * 10.0).clamp(24.0, 400.0);
    ((full * sweep.abs() / (2.0 * PI)).ceil() as usize).max(2)
}

pub fn arc_pts(cx: f32, cy: f32, r: f32, a0: f32, a1: f32) -> Vec<Pt> {
    let n = segments(r, a1 - a0);
    (0..=n)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / n as f32;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

pub fn ellipse_pts(cx: f32, cy: f32, rx: f32, ry: f32) -> Vec<Pt> {
    let n = segments(rx.max(ry), 2.0 * PI);
    (0..n)
        .map(|i| {
            let a = 2.0 * PI * i as f32 / n as f32;
            (cx + rx * a.cos(), cy + ry * a.sin())
        })
        .collect()
}

pub fn rrect_pts(x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<Pt> {
    let r = r.min(w / 2.0).min(h / 2.0);
    let mut p = Vec::new();
    let corners = [
        (x + w - r, y + r, -PI / 2.0),
        (x + w - r, y + h - r, 0.0),
        (x + r, y + h - r, PI / 2.0),
        (x + r, y + r, PI),
    ];
    for (cx, cy, a) in corners {
        p.extend(arc_pts(cx, cy, r, a, a + PI / 2.0));
    }
    p
}

/// A regular star (or polygon when `inner == outer`) with its first point straight up.
pub fn star_pts(cx: f32, cy: f32, outer: f32, inner: f32, points: usize) -> Vec<Pt> {
    (0..points * 2)
        .map(|i| {
            let r = if i % 2 == 0 { outer } else { inner };
            let a = -PI / 2.0 + PI * i as f32 / points as f32;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// A heart of about `size` pixels across, centred on (cx, cy).
pub fn heart_pts(cx: f32, cy: f32, size: f32) -> Vec<Pt> {
    let k = size / 34.0;
    (0..160)
        .map(|i| {
            let t = 2.0 * PI * i as f32 / 160.0;
            let x = 16.0 * t.sin().powi(3);
            let y =
                13.0 * t.cos() - 5.0 * (2.0 * t).cos() - 2.0 * (3.0 * t).cos() - (4.0 * t).cos();
            (cx + x * k, cy - y * k - k * 2.0)
        })
        .collect()
}

/// Rotates points about (cx, cy) by `a` radians.
pub fn rotate(p: &[Pt], cx: f32, cy: f32, a: f32) -> Vec<Pt> {
    let (s, c) = a.sin_cos();
    p.iter()
        .map(|&(x, y)| {
            let (dx, dy) = (x - cx, y - cy);
            (cx + dx * c - dy * s, cy + dx * s + dy * c)
        })
        .collect()
}

/// A small deterministic random source, so every run draws the same pictures.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// Uniform in 0..1.
    pub fn f(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }
}
