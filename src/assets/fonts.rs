//! Fonts: the bundled set, the user's, and the system's, with per-character fallback.
//!
//! Every face is read and parsed exactly once per run and shared (read-only) by all layout
//! threads. Bundled fonts are loaded by path, never by family name, so output never depends
//! on what happens to be installed. System fonts are consulted only for a character that no
//! user or bundled face covers, and only scanned when that first happens.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Error;

/// What a piece of text is set in: the theme maps document roles onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Song/Ming serif: body text.
    Serif,
    /// Hei sans: headings, captions, running heads.
    Sans,
    /// Monospace: code.
    Mono,
    /// Kai (楷体): Chinese emphasis when `emphasis = "kai"`; only ever a user's font, with
    /// the serif chain behind it.
    Kai,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontStyle {
    pub family: Family,
    pub bold: bool,
}

/// Index of a face in the `FontBook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub u32);

self_cell::self_cell!(
    struct ParsedFace {
        owner: Arc<Vec<u8>>,
        #[covariant]
        dependent: BuzzFace,
    }
);

type BuzzFace<'a> = rustybuzz::Face<'a>;

/// One loaded font face.
pub struct Face {
    pub path: PathBuf,
    pub index: u32,
    /// Family and style as the font names them, for messages.
    pub name: String,
    /// The family name (name ID 16, else 1), for matching `body_font = "…"` and italics.
    pub family: String,
    pub bold: bool,
    pub italic: bool,
    pub units_per_em: f32,
    /// In em units (positive up).
    pub ascender: f32,
    pub descender: f32,
    parsed: ParsedFace,
    pdf: krilla::text::Font,
}

impl Face {
    fn load(path: &Path, data: Arc<Vec<u8>>, index: u32) -> Result<Face, Error> {
        let bad = |message: &str| Error::Font {
            path: path.to_owned(),
            message: message.to_owned(),
        };
        let parsed = ParsedFace::try_new(data.clone(), |d| {
            rustybuzz::Face::from_slice(d, index).ok_or(())
        })
        .map_err(|()| bad("not a readable TrueType/OpenType font"))?;
        let pdf = krilla::text::Font::new(data.into(), index)
            .ok_or_else(|| bad("the PDF writer cannot use this font"))?;
        let f = parsed.borrow_dependent();
        let upem = f.units_per_em() as f32;
        let name = face_name(f).unwrap_or_else(|| path.display().to_string());
        let bold = f.is_bold() || f.weight().to_number() >= 600;
        let italic = f.is_italic() || f.is_oblique();
        let family = family_name(f).unwrap_or_else(|| name.clone());
        Ok(Face {
            path: path.to_owned(),
            index,
            name,
            family,
            bold,
            italic,
            units_per_em: upem,
            ascender: f.ascender() as f32 / upem,
            descender: f.descender() as f32 / upem,
            pdf: pdf.clone(),
            parsed,
        })
    }

    pub fn shaper(&self) -> &rustybuzz::Face<'_> {
        self.parsed.borrow_dependent()
    }

    pub fn data(&self) -> &[u8] {
        self.parsed.borrow_owner()
    }

    pub fn pdf_font(&self) -> &krilla::text::Font {
        &self.pdf
    }

    pub fn has_char(&self, c: char) -> bool {
        self.shaper().glyph_index(c).is_some()
    }
}

fn face_name(f: &ttf_parser::Face<'_>) -> Option<String> {
    let names = f.names();
    let find = |id| {
        names
            .into_iter()
            .find(|n| n.name_id == id && n.is_unicode())
            .and_then(|n| n.to_string())
    };
    find(ttf_parser::name_id::FULL_NAME).or_else(|| find(ttf_parser::name_id::FAMILY))
}

fn family_name(f: &ttf_parser::Face<'_>) -> Option<String> {
    let names = f.names();
    let find = |id| {
        names
            .into_iter()
            .find(|n| n.name_id == id && n.is_unicode())
            .and_then(|n| n.to_string())
    };
    find(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| find(ttf_parser::name_id::FAMILY))
}

/// The stroke width of synthetic bold, in ems: fill plus a stroke of 1/30 em thickens each
/// stem by about as much as a real bold face does, without closing the counters of dense
/// hanzi.
pub const SYNTHETIC_BOLD_EM: f32 = 1.0 / 30.0;

/// Fonts chosen by name in `bulletin.toml` (`[typography] body_font = "…"` and friends):
/// a family name or a file name from the user's font folders, with the line it is on.
#[derive(Debug, Clone, Default)]
pub struct FacePicks {
    pub body: Option<(String, u32)>,
    pub heading: Option<(String, u32)>,
    pub code: Option<(String, u32)>,
    /// The Kai face for `emphasis = "kai"`.
    pub emphasis: Option<(String, u32)>,
    /// `emphasis = "kai"` without `emphasis_font`: the line of `emphasis`, so that the
    /// error for a missing Kai font can name it. A user face whose name says Kai (楷) is
    /// taken.
    pub kai_needed: Option<u32>,
}

/// The bundled faces, by file name inside `fonts/`.
const BUNDLED: [(&str, Family, bool); 6] = [
    ("NotoSerifSC-Regular.ttf", Family::Serif, false),
    ("NotoSerifSC-Bold.ttf", Family::Serif, true),
    ("NotoSansSC-Regular.ttf", Family::Sans, false),
    ("NotoSansSC-Bold.ttf", Family::Sans, true),
    ("JetBrainsMono-Regular.ttf", Family::Mono, false),
    ("JetBrainsMono-Bold.ttf", Family::Mono, true),
];

/// The bundled emoji face (Noto Emoji, monochrome outlines): the last bundled fallback of
/// every style, so 👍 prints instead of an empty box; see fonts/README.md.
pub const BUNDLED_EMOJI: &str = "NotoEmoji-Regular.ttf";

/// Where fonts come from.
#[derive(Debug, Clone, Default)]
pub struct FontSources {
    /// The folder holding the bundled fonts (the repository's `fonts/`).
    pub bundled_dir: PathBuf,
    /// Folders named by the user, highest priority first.
    pub user_dirs: Vec<PathBuf>,
    /// Whether installed system fonts may fill gaps.
    pub system_fallback: bool,
    /// Faces named in `bulletin.toml` for roles.
    pub picks: FacePicks,
}

/// All faces of a run plus the fallback order for each style.
pub struct FontBook {
    faces: Vec<Face>,
    chains: HashMap<FontStyle, Vec<FaceId>>,
    primary: HashMap<FontStyle, FaceId>,
    system_fallback: bool,
    /// The bundled emoji face, if the fonts folder has it.
    emoji: Option<FaceId>,
}

impl FontBook {
    pub fn load(sources: &FontSources) -> Result<FontBook, Error> {
        let mut faces = Vec::new();
        let mut user = Vec::new();
        for dir in &sources.user_dirs {
            for path in font_files(dir)? {
                let data = Arc::new(read(&path)?);
                let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
                for index in 0..count {
                    user.push(FaceId(faces.len() as u32));
                    faces.push(Face::load(&path, data.clone(), index)?);
                }
            }
        }
        let mut primary = HashMap::new();
        let mut bundled = Vec::new();
        for (file, family, bold) in BUNDLED {
            let path = sources.bundled_dir.join(file);
            let data = Arc::new(read_font(&path).map_err(|e| Error::Font {
                path: path.clone(),
                message: format!(
                    "folio's bundled font is missing ({e}); set FOLIO_FONT_DIR to the folder \
                     holding folio's fonts/ files"
                ),
            })?);
            let id = FaceId(faces.len() as u32);
            faces.push(Face::load(&path, data, 0)?);
            primary.insert(FontStyle { family, bold }, id);
            bundled.push((family, bold, id));
        }
        let emoji_path = sources.bundled_dir.join(BUNDLED_EMOJI);
        let emoji = match std::fs::read(&emoji_path) {
            Ok(data) => {
                let id = FaceId(faces.len() as u32);
                faces.push(Face::load(&emoji_path, Arc::new(data), 0)?);
                Some(id)
            }
            // An older fonts/ folder without it: emoji fall back to system fonts as before.
            Err(_) => None,
        };
        let picked = pick_faces(&faces, &user, &sources.picks)?;
        let mut chains = HashMap::new();
        for (family, bold, _) in &bundled {
            let style = FontStyle {
                family: *family,
                bold: *bold,
            };
            // The face named for the role first (its bold first for bold styles), then the
            // other user faces (bold ones first for bold styles), then the bundled face for
            // the style, then the other bundled faces, nearest in look first.
            // Upright before italic: an italic is reached only through `italic_of`.
            let look = |id: &FaceId| {
                let f = &faces[id.0 as usize];
                (f.italic, f.bold != *bold)
            };
            let mut chain: Vec<FaceId> = picked.get(family).cloned().unwrap_or_default();
            chain.sort_by_key(look);
            let mut others: Vec<FaceId> = user
                .iter()
                .filter(|id| !chain.contains(id))
                .copied()
                .collect();
            others.sort_by_key(look);
            if let Some(first) = chain.first() {
                primary.insert(style, *first);
            }
            chain.extend(others);
            let order = |f: Family| match (family, f) {
                (a, b) if *a == b => 0,
                (Family::Mono, Family::Sans) | (Family::Sans, Family::Serif) => 1,
                (Family::Serif, Family::Sans) => 1,
                _ => 2,
            };
            let mut rest: Vec<&(Family, bool, FaceId)> = bundled.iter().collect();
            rest.sort_by_key(|(f, b, _)| (order(*f), *b != *bold));
            chain.extend(rest.iter().map(|(_, _, id)| *id));
            chain.extend(emoji);
            chains.insert(style, chain);
        }
        // Kai: the named (or found) Kai face, then the serif's chain. Without one, Kai is
        // the serif, so a style asking for it never fails.
        for bold in [false, true] {
            let serif = FontStyle {
                family: Family::Serif,
                bold,
            };
            let mut chain: Vec<FaceId> = picked.get(&Family::Kai).cloned().unwrap_or_default();
            chain.sort_by_key(|id| {
                let f = &faces[id.0 as usize];
                (f.italic, f.bold != bold)
            });
            let first = chain.first().copied().unwrap_or(primary[&serif]);
            chain.extend(chains[&serif].iter().filter(|id| **id != first));
            let kai = FontStyle {
                family: Family::Kai,
                bold,
            };
            primary.insert(kai, first);
            chains.insert(kai, chain);
        }
        Ok(FontBook {
            faces,
            chains,
            primary,
            system_fallback: sources.system_fallback,
            emoji,
        })
    }

    /// The bundled emoji face (the EPUB embeds it as "Folio Emoji").
    pub fn emoji(&self) -> Option<FaceId> {
        self.emoji
    }

    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0 as usize]
    }

    /// The face a style is designed around (its metrics set the line).
    pub fn primary(&self, style: FontStyle) -> FaceId {
        self.primary[&style]
    }

    /// Whether text asked to be bold in face `face` is emboldened synthetically (fill plus
    /// a stroke of [`SYNTHETIC_BOLD_EM`]): the face found for it has one weight.
    pub fn synthetic_bold(&self, bold: bool, face: FaceId) -> bool {
        bold && !self.face(face).bold
    }

    /// The italic face of `face`'s family with the same weight, if the book has one.
    pub fn italic_of(&self, face: FaceId) -> Option<FaceId> {
        let f = self.face(face);
        if f.italic {
            return Some(face);
        }
        self.faces()
            .find(|(_, g)| g.italic && g.bold == f.bold && g.family == f.family)
            .map(|(id, _)| id)
    }

    /// The first face in the style's fallback chain that has `c`.
    pub fn face_for_char(&self, style: FontStyle, c: char) -> Option<FaceId> {
        self.chains[&style]
            .iter()
            .copied()
            .find(|id| self.face(*id).has_char(c))
    }

    pub fn faces(&self) -> impl Iterator<Item = (FaceId, &Face)> {
        self.faces
            .iter()
            .enumerate()
            .map(|(i, f)| (FaceId(i as u32), f))
    }

    /// Makes sure every character in `chars` has a face, taking system fonts for those the
    /// user's and the bundled fonts lack. Called once before layout, so the book is
    /// read-only while threads share it. Returns the characters no font covers.
    pub fn cover(&mut self, chars: &std::collections::BTreeSet<char>) -> Vec<char> {
        let missing: Vec<char> = chars
            .iter()
            .copied()
            .filter(|&c| !crate::text::script::is_invisible(c))
            .filter(|&c| !self.faces.iter().any(|f| f.has_char(c)))
            .collect();
        if missing.is_empty() || !self.system_fallback {
            return missing;
        }
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        // fontdb's order follows directory listing; sort by path for a stable choice. Upright
        // faces nearest to regular weight come first: a fallback serves body text far more
        // often than bold headings, and a bold face in a regular line is a visible blotch.
        // (distance from regular weight, slanted, narrowed or widened)
        type Look = (u16, bool, bool);
        let mut candidates: Vec<(Look, PathBuf, u32, fontdb::ID)> = db
            .faces()
            .filter_map(|f| match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => {
                    let look = (
                        f.weight.0.abs_diff(fontdb::Weight::NORMAL.0),
                        f.style != fontdb::Style::Normal,
                        f.stretch != fontdb::Stretch::Normal,
                    );
                    Some((look, p.clone(), f.index, f.id))
                }
                fontdb::Source::Binary(_) => None,
            })
            .collect();
        candidates.sort();
        let mut still_missing = Vec::new();
        for c in missing {
            if self.faces.iter().any(|f| f.has_char(c)) {
                continue;
            }
            let found = candidates.iter().find(|(_, _, _, id)| {
                db.with_face_data(*id, |data, i| {
                    ttf_parser::Face::parse(data, i)
                        .ok()
                        .and_then(|f| f.glyph_index(c))
                        .is_some()
                })
                .unwrap_or(false)
            });
            let loaded = found.and_then(|(_, path, index, _)| {
                let data = read_font(path).ok()?;
                Face::load(path, Arc::new(data), *index).ok()
            });
            match loaded {
                Some(face) => {
                    let id = FaceId(self.faces.len() as u32);
                    self.faces.push(face);
                    for chain in self.chains.values_mut() {
                        chain.push(id);
                    }
                }
                None => still_missing.push(c),
            }
        }
        still_missing
    }
}

/// The user faces named for each role by `sources.picks`, all weights of the family.
fn pick_faces(
    faces: &[Face],
    user: &[FaceId],
    picks: &FacePicks,
) -> Result<HashMap<Family, Vec<FaceId>>, Error> {
    let mut out = HashMap::new();
    let mut problems = Vec::new();
    let named = [
        (Family::Serif, "body_font", &picks.body),
        (Family::Sans, "heading_font", &picks.heading),
        (Family::Mono, "code_font", &picks.code),
        (Family::Kai, "emphasis_font", &picks.emphasis),
    ];
    for (family, key, pick) in named {
        let Some((name, line)) = pick else { continue };
        let found = matching(faces, user, |f| face_is_named(f, name));
        if found.is_empty() {
            problems.push(
                crate::diagnostics::Diagnostic::error(format!(
                    "`{key} = \"{name}\"`: no font of that name in the font folders"
                ))
                .in_file(crate::config::CONFIG_FILE)
                .at_line(*line)
                .with_help(available(faces, user)),
            );
        } else {
            out.insert(family, found);
        }
    }
    if let (Some(line), None) = (picks.kai_needed, &picks.emphasis) {
        let found = matching(faces, user, is_kai);
        if found.is_empty() {
            problems.push(
                crate::diagnostics::Diagnostic::error(
                    "`emphasis = \"kai\"` needs a Kai (楷体) font, and none of the font folders has one",
                )
                .in_file(crate::config::CONFIG_FILE)
                .at_line(line)
                .with_help(
                    "put a Kai font (e.g. LXGW WenKai) in a folder given with --font-dir or [fonts] dirs, \
                     name it with emphasis_font = \"…\", or choose emphasis = \"dots\" or \"bold\"",
                ),
            );
        } else {
            // All weights of the first Kai family found.
            let family = faces[found[0].0 as usize].family.clone();
            out.insert(Family::Kai, matching(faces, user, |f| f.family == family));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Input(problems))
    }
}

fn matching(faces: &[Face], user: &[FaceId], pred: impl Fn(&Face) -> bool) -> Vec<FaceId> {
    user.iter()
        .copied()
        .filter(|id| pred(&faces[id.0 as usize]))
        .collect()
}

/// A family name, full name, file name or file stem, ignoring case.
fn face_is_named(f: &Face, name: &str) -> bool {
    let file = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = f.path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    [f.family.as_str(), f.name.as_str(), file, stem]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name.trim()))
}

fn is_kai(f: &Face) -> bool {
    let names = format!("{} {}", f.family, f.name).to_lowercase();
    names.contains("kai") || names.contains('楷')
}

fn available(faces: &[Face], user: &[FaceId]) -> String {
    let mut names: Vec<&str> = user
        .iter()
        .map(|id| faces[id.0 as usize].family.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        "no user fonts were found: add a folder with --font-dir or [fonts] dirs".to_owned()
    } else {
        format!("the font folders have: {}", names.join(", "))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    read_font(path).map_err(|p| Error::Font {
        path: path.to_owned(),
        message: format!("cannot be read: {p}; {}", p.help()),
    })
}

/// A font file's bytes, refusing pipes, devices, oversized files and files that do not
/// start like a font (checked before the rest is read).
fn read_font(path: &Path) -> Result<Vec<u8>, crate::readfile::Problem> {
    let header = |h: &[u8]| {
        const MAGIC: [&[u8]; 5] = [b"\0\x01\0\0", b"OTTO", b"true", b"ttcf", b"typ1"];
        if MAGIC.iter().any(|m| h.starts_with(m)) {
            Ok(())
        } else {
            Err("it does not start like a TrueType or OpenType font".to_owned())
        }
    };
    crate::readfile::read(path, crate::readfile::Kind::Font, Some(&header))
}

/// Font files in a folder (not recursive), sorted so the fallback order is stable.
fn font_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            })
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Where the bundled fonts are: `FOLIO_FONT_DIR` if set; else `fonts/` beside the
/// executable or in `../share/folio/` (an installed copy); else the source tree's `fonts/`
/// (`cargo run`, tests).
pub fn default_bundled_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FOLIO_FONT_DIR") {
        return PathBuf::from(dir);
    }
    let source_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let beside_exe = std::env::current_exe().ok().and_then(|exe| {
        let dir = exe.parent()?.to_owned();
        [dir.join("fonts"), dir.join("../share/folio/fonts")]
            .into_iter()
            .find(|d| d.join(BUNDLED[0].0).is_file())
    });
    beside_exe.unwrap_or(source_tree)
}
