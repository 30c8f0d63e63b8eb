//! Line breaking over an explicit paragraph model: Knuth–Plass (total-fit) for prose, greedy
//! first-fit for preformatted text and for comparison.
//!
//! The model is indexed by glyph: each glyph is a box with its natural advance, and the gap
//! after it carries natural glue, stretch and shrink in clreq's priority order (shrink
//! punctuation before spaces; stretch spaces and Han–Latin glue before letter-spacing Han).
//! Breakpoints are glyph indices with a kind and a pre-break width (a hyphen). Prefix sums
//! make the width, stretch and shrink of any candidate line O(1), and the justifier reads
//! the same numbers the breaker used, so nothing is re-derived after breaking.

/// What kind of place a line may end at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BreakKind {
    /// A hard line break from the source (first: it wins over others at the same place).
    Mandatory,
    /// An ordinary opportunity (a space, between Han characters).
    Normal,
    /// Inside a word, at a hyphenation point: a hyphen is drawn at the line end.
    Hyphen,
    /// Inside a URL or path, after a slash, dot, hyphen or query mark: nothing is drawn.
    Url,
    /// Inside an inline code span, at its own spaces or punctuation: only where the span is
    /// wider than the line.
    Code,
    /// Between any two clusters of a token wider than the line (a URL, a long word): the
    /// last resort that keeps text inside the measure.
    Emergency,
}

/// A place a line may end: the line holds glyphs before `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakpoint {
    pub at: usize,
    pub kind: BreakKind,
    /// Width added at the line end when breaking here (a hyphen).
    pub pre_width: f32,
}

/// Per-glyph measures; the gap fields describe the space after glyph `i` and count only
/// when glyph `i + 1` is on the same line.
#[derive(Debug, Default, Clone)]
pub struct Measures {
    pub advance: Vec<f32>,
    pub glue: Vec<f32>,
    /// First-priority stretch: word spaces, Han–Latin glue.
    pub stretch: Vec<f32>,
    /// Last-resort stretch: letter-spacing between CJK characters.
    pub stretch_cjk: Vec<f32>,
    /// First-priority shrink: the blank halves of full-width marks.
    pub shrink_punct: Vec<f32>,
    /// Second-priority shrink: word spaces, Han–Latin glue.
    pub shrink: Vec<f32>,
    /// The end of the visible text of a line broken before glyph `b` (trailing spaces and
    /// invisible glyphs hang): `visible_end[b]` for b in 0..=n.
    pub visible_end: Vec<usize>,
    /// What a line-end mark gives up at the end of a justified line (GB/T 15834: its blank
    /// half), by the index of that mark.
    pub end_cut: Vec<f32>,
    /// What an opening mark gives up when it starts a line other than the paragraph's first
    /// (its blank left half), by its index; empty when the paragraph keeps full marks.
    pub start_cut: Vec<f32>,
}

/// Prefix sums over `Measures`.
#[derive(Debug)]
pub struct Model {
    m: Measures,
    adv: Vec<f64>,
    glue: Vec<f64>,
    st: Vec<f64>,
    st_cjk: Vec<f64>,
    sh_p: Vec<f64>,
    sh: Vec<f64>,
}

fn prefix(v: &[f32]) -> Vec<f64> {
    let mut out = Vec::with_capacity(v.len() + 1);
    let mut s = 0.0f64;
    out.push(0.0);
    for x in v {
        s += f64::from(*x);
        out.push(s);
    }
    out
}

/// The measures of one candidate line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineFit {
    /// Last visible glyph + 1.
    pub end: usize,
    pub width: f32,
    pub stretch: f32,
    pub stretch_cjk: f32,
    pub shrink_punct: f32,
    pub shrink: f32,
}

impl LineFit {
    /// Adjustment ratio for `avail`: positive stretches (1.0 = all stretch used), negative
    /// shrinks (-1.0 = all shrink used). Infinite when nothing can stretch or shrink.
    pub fn ratio(&self, avail: f32) -> f32 {
        let slack = avail - self.width;
        if slack.abs() < 0.01 {
            return 0.0;
        }
        let room = if slack > 0.0 {
            self.stretch + self.stretch_cjk
        } else {
            self.shrink_punct + self.shrink
        };
        if room <= 1e-6 {
            if slack > 0.0 {
                f32::INFINITY
            } else {
                f32::NEG_INFINITY
            }
        } else {
            slack / room
        }
    }
}

impl Model {
    pub fn new(m: Measures) -> Self {
        Model {
            adv: prefix(&m.advance),
            glue: prefix(&m.glue),
            st: prefix(&m.stretch),
            st_cjk: prefix(&m.stretch_cjk),
            sh_p: prefix(&m.shrink_punct),
            sh: prefix(&m.shrink),
            m,
        }
    }

    pub fn len(&self) -> usize {
        self.m.advance.len()
    }

    pub fn is_empty(&self) -> bool {
        self.m.advance.is_empty()
    }

    pub fn measures(&self) -> &Measures {
        &self.m
    }

    /// The blank half an opening mark gives up when a line starts at glyph `start`.
    pub fn start_cut(&self, start: usize) -> f32 {
        if start == 0 {
            0.0
        } else {
            self.m.start_cut.get(start).copied().unwrap_or(0.0)
        }
    }

    /// The line of glyphs `start..b`, ended by a break with `pre_width`; `justified` lines
    /// set a line-end mark in half an em.
    pub fn fit(&self, start: usize, b: usize, pre_width: f32, justified: bool) -> LineFit {
        let e = self.m.visible_end[b].max(start);
        if e <= start {
            return LineFit {
                end: start,
                ..LineFit::default()
            };
        }
        let d = |p: &[f64], from: usize, to: usize| (p[to] - p[from]) as f32;
        let inner = e - 1; // gaps after glyphs start..e-1
        let cut = if justified && pre_width == 0.0 {
            self.m.end_cut[e - 1]
        } else {
            0.0
        };
        LineFit {
            end: e,
            width: d(&self.adv, start, e) + d(&self.glue, start, inner) + pre_width
                - cut
                - self.start_cut(start),
            stretch: d(&self.st, start, inner),
            stretch_cjk: d(&self.st_cjk, start, inner),
            shrink_punct: d(&self.sh_p, start, inner),
            shrink: d(&self.sh, start, inner),
        }
    }

    /// The extra space after each glyph of the line `start..fit.end` that makes it
    /// `avail` wide (negative: shrinking), in clreq's priority order.
    pub fn adjust(&self, start: usize, fit: &LineFit, avail: f32) -> Vec<f32> {
        let e = fit.end;
        let mut extra = vec![0.0f32; e.saturating_sub(start)];
        if e <= start + 1 {
            return extra;
        }
        let gaps = start..e - 1;
        let m = &self.m;
        let slack = avail - fit.width;
        if slack > 0.0 {
            let mut rest = slack;
            let first = rest.min(fit.stretch);
            if fit.stretch > 0.0 {
                for i in gaps.clone() {
                    extra[i - start] += first * m.stretch[i] / fit.stretch;
                }
            }
            rest -= first;
            let second = rest.min(fit.stretch_cjk);
            if fit.stretch_cjk > 0.0 {
                for i in gaps.clone() {
                    extra[i - start] += second * m.stretch_cjk[i] / fit.stretch_cjk;
                }
            }
            rest -= second;
            // Past every limit: spaces take the rest, or failing spaces, the CJK gaps.
            let (pool, total) = if fit.stretch > 0.0 {
                (&m.stretch, fit.stretch)
            } else {
                (&m.stretch_cjk, fit.stretch_cjk)
            };
            if rest > 0.0 && total > 0.0 {
                for i in gaps {
                    extra[i - start] += rest * pool[i] / total;
                }
            }
        } else if slack < 0.0 {
            let mut rest = -slack;
            let first = rest.min(fit.shrink_punct);
            if fit.shrink_punct > 0.0 {
                for i in gaps.clone() {
                    extra[i - start] -= first * m.shrink_punct[i] / fit.shrink_punct;
                }
            }
            rest -= first;
            let second = rest.min(fit.shrink);
            if fit.shrink > 0.0 {
                for i in gaps {
                    extra[i - start] -= second * m.shrink[i] / fit.shrink;
                }
            }
        }
        extra
    }
}

/// Costs of the total-fit breaker (Knuth–Plass units: demerits).
#[derive(Debug, Clone, Copy)]
pub struct Costs {
    pub line: f32,
    pub hyphen: f32,
    pub double_hyphen: f32,
    pub fitness_jump: f32,
    /// A final line holding one Han character alone (孤字).
    pub lone_last: f32,
    pub url: f32,
    pub code: f32,
    pub emergency: f32,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            line: 10.0,
            hyphen: 50.0,
            double_hyphen: 3000.0,
            fitness_jump: 3000.0,
            lone_last: 40_000.0,
            url: 100.0,
            code: 20_000.0,
            emergency: 200_000.0,
        }
    }
}

/// What the breaker needs beyond the model.
pub struct Request<'a> {
    pub breaks: &'a [Breakpoint],
    pub width: f32,
    pub first_indent: f32,
    pub justified: bool,
    /// True when the paragraph's last line, starting at glyph `start`, would hold a single
    /// Han character (and perhaps marks after it).
    pub lone_last: &'a dyn Fn(usize) -> bool,
    pub costs: Costs,
    /// Ragged display text (titles, headings, captions): every line, the last too, is
    /// judged by its slack against half the measure, so the lines come out of even length
    /// rather than full lines and a short remnant.
    pub balanced: bool,
}

/// Lines looser than this (badness about 1,600) are not tried at a break that a line
/// within it can reach: TeX's tolerance, which keeps the search to about one line's worth
/// of starts in Chinese text, where every character is a break.
const TOLERANCE: f32 = 2.5;

/// A chosen line end: index into `Request::breaks`, or `None` for the end of the text.
pub type Chosen = Option<usize>;

/// TeX's badness, not capped: on a narrow measure many candidate lines are very loose,
/// and a cap would make a 0.8 em gap and an 8 em gap look alike.
fn badness(r: f32) -> f32 {
    (100.0 * r.abs().powi(3)).min(1e7)
}

fn fitness(r: f32) -> u8 {
    if r < -0.5 {
        0
    } else if r <= 0.5 {
        1
    } else if r <= 1.0 {
        2
    } else {
        3
    }
}

#[derive(Clone, Copy)]
struct Node {
    /// Glyph where the next line starts.
    at: usize,
    /// Index into `breaks` of the break that created it (None: paragraph start / end).
    brk: Chosen,
    line: usize,
    fitness: u8,
    hyphen: bool,
    total: f64,
    prev: usize,
}

/// Breakpoints of the ordinary kinds, plus the emergency ones, in order; the text end is
/// implicit.
fn usable(kind: BreakKind) -> bool {
    !matches!(kind, BreakKind::Code | BreakKind::Emergency)
}

/// Knuth–Plass: the breaks (in order) minimising total demerits. Every line but the last is
/// judged by its adjustment ratio; a line that would need more than all its shrink is never
/// chosen (the emergency breakpoints make sure another choice exists).
pub fn total_fit(model: &Model, req: &Request<'_>) -> Vec<Chosen> {
    let n = model.len();
    let mut nodes: Vec<Node> = vec![Node {
        at: 0,
        brk: None,
        line: 0,
        fitness: 1,
        hyphen: false,
        total: 0.0,
        prev: usize::MAX,
    }];
    let mut active: Vec<usize> = vec![0];
    let mut keep: Vec<usize> = Vec::new();
    let avail = |line: usize| {
        if line == 0 {
            req.width - req.first_indent
        } else {
            req.width
        }
    };
    let count = req.breaks.len();
    for k in 0..=count {
        let (at, kind, pre) = match req.breaks.get(k) {
            Some(b) => (b.at, b.kind, b.pre_width),
            None => (n, BreakKind::Mandatory, 0.0),
        };
        let last = k == count;
        let forced = kind == BreakKind::Mandatory;
        // Best new node per fitness class: (total, from node, fitness).
        let mut best: [Option<(f64, usize)>; 4] = [None; 4];
        keep.clear();
        let mut fallback: Option<((f32, std::cmp::Reverse<usize>), f64, usize)> = None;
        let mut acceptable = false;
        for (index, &a) in active.iter().enumerate() {
            let node = nodes[a];
            if node.at >= at {
                keep.push(a);
                continue;
            }
            let w = avail(node.line);
            let fit = model.fit(node.at, at, pre, req.justified && !forced);
            let mut r = fit.ratio(w);
            if req.balanced && r >= -1.0 {
                // Ragged: a line's cost grows with its slack, whatever stretch it has.
                r = ((w - fit.width) / (0.5 * w).max(1.0)).max(0.0);
            } else if forced && r > 0.0 {
                r = 0.0; // a paragraph's last line (or one before a hard break) is ragged
            }
            if r < -1.0 {
                // Overfull: wider for every later break too (widths only grow). Should
                // nothing fit, the line that overflows least, and then the shortest, wins.
                let over = ((fit.width - fit.shrink - fit.shrink_punct - w) * 100.0).round();
                let key = (over, std::cmp::Reverse(node.at));
                if fallback.is_none_or(|(k, _, _)| key < k) {
                    fallback = Some((key, node.total + 1e9, a));
                }
                continue;
            }
            if r > TOLERANCE && acceptable {
                // Actives are in text order, so the lines from the rest are shorter and
                // looser still: skip them for this break (they stay active for later ones).
                keep.extend_from_slice(&active[index..]);
                break;
            }
            acceptable |= r <= TOLERANCE;
            if !forced {
                keep.push(a);
            }
            let b = badness(r);
            let mut d = (req.costs.line + b).powi(2);
            let penalty = match kind {
                BreakKind::Hyphen => req.costs.hyphen,
                BreakKind::Url => req.costs.url,
                BreakKind::Code => req.costs.code,
                BreakKind::Emergency => req.costs.emergency,
                _ => 0.0,
            };
            d += penalty * penalty;
            let f = fitness(r);
            let hyphen = kind == BreakKind::Hyphen;
            if hyphen && node.hyphen {
                d += req.costs.double_hyphen;
            }
            if f.abs_diff(node.fitness) > 1 && !forced && !req.balanced {
                d += req.costs.fitness_jump;
            }
            if last && (req.lone_last)(node.at) && node.line > 0 {
                d += req.costs.lone_last;
            }
            let total = node.total + f64::from(d);
            let slot = &mut best[usize::from(f)];
            if slot.is_none_or(|(t, _)| total < t) {
                *slot = Some((total, a));
            }
        }
        std::mem::swap(&mut active, &mut keep);
        let mut added = false;
        for (f, slot) in best.iter().enumerate() {
            if let Some((total, from)) = *slot {
                nodes.push(Node {
                    at,
                    brk: (!last).then_some(k),
                    line: nodes[from].line + 1,
                    fitness: f as u8,
                    hyphen: kind == BreakKind::Hyphen,
                    total,
                    prev: from,
                });
                active.push(nodes.len() - 1);
                added = true;
            }
        }
        if !added && (active.is_empty() || last || forced) {
            // Nothing fits: take the least bad overfull line rather than lose the text.
            if let Some((_, total, from)) = fallback {
                nodes.push(Node {
                    at,
                    brk: (!last).then_some(k),
                    line: nodes[from].line + 1,
                    fitness: 1,
                    hyphen: kind == BreakKind::Hyphen,
                    total,
                    prev: from,
                });
                active.push(nodes.len() - 1);
            }
        }
        if forced && !last {
            active.retain(|&a| nodes[a].at >= at);
        }
    }
    // The best node at the text end.
    let end = nodes
        .iter()
        .enumerate()
        .filter(|(_, nd)| nd.at == n && nd.brk.is_none() && nd.prev != usize::MAX)
        .min_by(|a, b| a.1.total.total_cmp(&b.1.total))
        .map(|(i, _)| i);
    let Some(mut i) = end else {
        return greedy(model, req);
    };
    let mut out = Vec::new();
    while nodes[i].prev != usize::MAX {
        out.push(nodes[i].brk);
        i = nodes[i].prev;
    }
    out.reverse();
    out
}

/// First fit: each line takes the furthest ordinary break that fits (using all shrink),
/// falling back to code and emergency breaks only when none does.
pub fn greedy(model: &Model, req: &Request<'_>) -> Vec<Chosen> {
    let n = model.len();
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while start < n {
        let w = if out.is_empty() {
            req.width - req.first_indent
        } else {
            req.width
        };
        while k < req.breaks.len() && req.breaks[k].at <= start {
            k += 1;
        }
        let (mut ordinary, mut any, mut first) = (None, None, None);
        for j in k..=req.breaks.len() {
            let (at, kind, pre) = match req.breaks.get(j) {
                Some(b) => (b.at, b.kind, b.pre_width),
                None => (n, BreakKind::Mandatory, 0.0),
            };
            let chosen: Chosen = (j < req.breaks.len()).then_some(j);
            let forced = kind == BreakKind::Mandatory;
            let fit = model.fit(start, at, pre, req.justified && !forced);
            first.get_or_insert(chosen);
            if fit.ratio(w) >= -1.0 {
                if usable(kind) {
                    ordinary = Some(chosen);
                } else {
                    any = Some(chosen);
                }
            } else if fit.width - fit.shrink - fit.shrink_punct > w + 0.01 {
                break;
            }
            if forced {
                break;
            }
        }
        let pick = ordinary.or(any).or(first).flatten();
        out.push(pick);
        match pick {
            Some(p) => start = req.breaks[p].at,
            None => break,
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}
