//! GFM tables: automatic column widths, wrapping cells, a grid; rows that break across
//! pages (header repeated), and tables too wide for the page printed in parts.

use crate::diagnostics::Diagnostic;
use crate::model::{Align as CellAlign, Inline, SourcePos};

use super::article::ArticleLayout;
use super::flow::Fragment;
use super::inline::StyledText;
use super::page::Item;
use super::paragraph::{Align, Line, measure};

/// Columns narrower than this many ems of the table text are not legible: a table that
/// cannot give every column that much is printed in parts.
const MIN_COLUMN_EM: f32 = 2.5;

pub(crate) fn table(
    l: &mut ArticleLayout<'_>,
    align: &[CellAlign],
    head: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    indent: f32,
    pos: &SourcePos,
) -> Vec<Fragment> {
    let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if columns == 0 {
        return Vec::new();
    }
    let width = l.width - indent;
    let t = l.theme;
    let pad = 0.4 * t.table.size;
    let head_style = head_style(t);
    // Natural (one-line) and minimal (longest unbreakable piece) widths per column. No
    // column asks for less than the legible minimum, nor more than 40 % of the width (a
    // longer word is cut instead).
    let mut natural = vec![2.0 * pad; columns];
    let mut minimal = vec![(MIN_COLUMN_EM * t.table.size).min(0.4 * width); columns];
    let all_rows = std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
    for (row, header) in all_rows {
        for (c, cell) in row.iter().enumerate().take(columns) {
            let text = l.styled(cell, if header { &head_style } else { &t.table });
            let (nat, min) = measure(&text, &l.lang, l.book);
            natural[c] = natural[c].max(nat + 2.0 * pad);
            minimal[c] = minimal[c].max((min.min(nat) + 2.0 * pad).min(0.4 * width));
        }
    }
    // With columns, a table wider than a column is set across all of them.
    if let Some(full) = l
        .head_width
        .filter(|&full| indent == 0.0 && full > l.width + 0.01)
        && natural.iter().sum::<f32>() > width + 0.01
    {
        let column = l.width;
        l.width = full;
        let mut out = table(l, align, head, rows, indent, pos);
        l.width = column;
        for f in &mut out {
            f.span = true;
            f.float = false;
        }
        return out;
    }
    let groups = column_groups(&minimal, width);
    if groups.len() > 1 {
        l.warnings.push(
            Diagnostic::warning(format!(
                "this table has {columns} columns, too many to print legibly side by side; \
                 it is printed in {} parts, each repeating the first column",
                groups.len()
            ))
            .at(pos)
            .with_help("split the table, or turn it so the long side runs down the page"),
        );
    }
    let mut out = Vec::new();
    for group in groups {
        let pick = |row: &[Vec<Inline>]| -> Vec<Vec<Inline>> {
            group
                .iter()
                .map(|&c| row.get(c).cloned().unwrap_or_default())
                .collect()
        };
        let part_align: Vec<CellAlign> = group
            .iter()
            .map(|&c| align.get(c).copied().unwrap_or(CellAlign::None))
            .collect();
        let part_head = pick(head);
        let part_rows: Vec<Vec<Vec<Inline>>> = rows.iter().map(|r| pick(r)).collect();
        let nat: Vec<f32> = group.iter().map(|&c| natural[c].max(minimal[c])).collect();
        let min: Vec<f32> = group.iter().map(|&c| minimal[c]).collect();
        let widths = column_widths(&nat, &min, width);
        out.extend(table_part(
            l,
            &part_align,
            &part_head,
            &part_rows,
            &widths,
            indent,
            pos,
        ));
    }
    out
}

/// Which columns each printed part holds: all of them if their minimal widths fit, else
/// the first column followed by as many others as fit, part after part.
fn column_groups(minimal: &[f32], width: f32) -> Vec<Vec<usize>> {
    if minimal.iter().sum::<f32>() <= width + 0.01 || minimal.len() < 2 {
        return vec![(0..minimal.len()).collect()];
    }
    let mut groups = Vec::new();
    let mut group = vec![0];
    let mut used = minimal[0];
    for (c, &w) in minimal.iter().enumerate().skip(1) {
        if group.len() > 1 && used + w > width + 0.01 {
            groups.push(std::mem::replace(&mut group, vec![0]));
            used = minimal[0];
        }
        group.push(c);
        used += w;
    }
    groups.push(group);
    groups
}

fn head_style(t: &crate::theme::Theme) -> crate::theme::TextStyle {
    let mut head_style = t.table.clone();
    head_style.font.family = crate::assets::fonts::Family::Sans;
    head_style.font.bold = true;
    head_style
}

/// One table (or one part of a wide one), as fragments a page may break between: the
/// header row whole, each body row as bands of one text line, chained so a row stays
/// together unless it is taller than a page.
fn table_part(
    l: &mut ArticleLayout<'_>,
    align: &[CellAlign],
    head: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    widths: &[f32],
    indent: f32,
    pos: &SourcePos,
) -> Vec<Fragment> {
    let t = l.theme;
    let head_style = head_style(t);
    let pad = 0.4 * t.table.size;
    let cell_text = |l: &ArticleLayout<'_>, cell: &[Inline], header: bool| {
        l.styled(cell, if header { &head_style } else { &t.table })
    };
    let all_rows = std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
    let total: f32 = widths.iter().sum();
    let rule = |x0: f32, y0: f32, x1: f32, y1: f32| Item::Line {
        x0,
        y0,
        x1,
        y1,
        width: 0.5,
        color: t.rule_color,
    };
    let mut frags = Vec::new();
    let mut header_frag: Option<std::sync::Arc<Fragment>> = None;
    for (r, (row, header)) in all_rows.enumerate() {
        let style = if header { &head_style } else { &t.table };
        // Every cell's lines, with their tops measured from the row's top.
        let mut cells: Vec<(f32, Vec<(f32, Line)>)> = Vec::new();
        let mut height: f32 = 0.0;
        let mut x = indent;
        for (c, &column) in widths.iter().enumerate() {
            let text = row
                .get(c)
                .map(|cell| cell_text(l, cell, header))
                .unwrap_or_else(StyledText::default);
            let a = match align.get(c) {
                Some(CellAlign::Center) => Align::Center,
                Some(CellAlign::Right) => Align::Right,
                _ => Align::Left,
            };
            let mut y = pad;
            let mut lines = Vec::new();
            for line in l.lines(&text, style, column - 2.0 * pad, 0.0, a, pos) {
                let h = line.height;
                lines.push((y, line));
                y += h;
            }
            height = height.max(y + pad);
            cells.push((x, lines));
            x += column;
        }
        // Band edges: the row's top, every line top of any cell, the row's bottom. The
        // header row is never split.
        let mut edges = vec![0.0f32, height];
        if !header {
            edges.extend(cells.iter().flat_map(|(_, ls)| ls.iter().map(|(y, _)| *y)));
        }
        edges.sort_by(f32::total_cmp);
        edges.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        if let Some(last) = edges.last_mut() {
            *last = height;
        }
        if edges.len() > 2 && edges[1] <= pad + 0.5 {
            // The first band holds the top padding and the first line.
            edges.remove(1);
        }
        let bands = edges.len() - 1;
        // One row element and one cell element each, continued across the row's bands.
        let row_node = l.tags.node(super::tags::Role::TR);
        let cell_paths: Vec<_> = (0..cells.len())
            .map(|_| {
                let cell = l.tags.node(if header {
                    super::tags::Role::TH
                } else {
                    super::tags::Role::TD
                });
                l.tag_path(&[row_node.clone(), cell])
            })
            .collect();
        let mut row_frags: Vec<Fragment> = (0..bands)
            .map(|b| {
                let (top, bottom) = (edges[b], edges[b + 1]);
                let mut items = Vec::new();
                if header {
                    items.push(Item::Rect {
                        x: indent,
                        y: 0.0,
                        width: total,
                        height: bottom - top,
                        color: t.table_header_background,
                    });
                }
                let mut cell_tags = Vec::new();
                for ((x, lines), path) in cells.iter().zip(&cell_paths) {
                    let start = items.len();
                    for (y, line) in lines {
                        let inside = *y >= top - 0.25 && (*y < bottom - 0.25 || b + 1 == bands);
                        if !inside {
                            continue;
                        }
                        for item in &line.items {
                            let mut item = item.clone();
                            item.translate(x + pad, y - top);
                            items.push(item);
                        }
                    }
                    if items.len() > start {
                        cell_tags.push(super::tags::TagSpan {
                            items: start..items.len(),
                            path: path.clone(),
                        });
                    }
                }
                // Grid: a row's top and (for the last row) bottom line, verticals per band.
                if b == 0 {
                    items.push(rule(indent, 0.0, indent + total, 0.0));
                }
                // Every row closes itself: the next may start on another page.
                if b + 1 == bands {
                    items.push(rule(indent, bottom - top, indent + total, bottom - top));
                }
                let mut x = indent;
                items.push(rule(x, 0.0, x, bottom - top));
                for w in widths {
                    x += w;
                    items.push(rule(x, 0.0, x, bottom - top));
                }
                Fragment {
                    height: bottom - top,
                    items,
                    gap_before: 0.0,
                    // A header never ends a page; a row's bands stay together unless the
                    // row is taller than a page.
                    keep_with_next: header || b + 1 < bands,
                    repeat: header_frag.clone(),
                    tags: cell_tags,
                    ..Default::default()
                }
            })
            .collect();
        if header && let Some(first) = row_frags.first() {
            header_frag = Some(std::sync::Arc::new(first.clone()));
        }
        if r == 0
            && let Some(first) = row_frags.first_mut()
        {
            first.gap_before = t.paragraph_gap * t.body.size * 2.0;
        }
        frags.append(&mut row_frags);
    }
    if let Some(last) = frags.last_mut() {
        last.height += 0.5 * t.body.size;
    }
    frags
}

/// The usual automatic table algorithm: natural widths if they fit (spread to full width),
/// else minimal widths plus the rest shared by how much each column wants.
fn column_widths(natural: &[f32], minimal: &[f32], width: f32) -> Vec<f32> {
    let nat: f32 = natural.iter().sum();
    let min: f32 = minimal.iter().sum();
    if nat <= width {
        let extra = (width - nat) / natural.len() as f32;
        return natural.iter().map(|w| w + extra).collect();
    }
    if min <= width {
        let want: f32 = natural.iter().zip(minimal).map(|(n, m)| n - m).sum();
        return natural
            .iter()
            .zip(minimal)
            .map(|(n, m)| {
                m + if want > 0.0 {
                    (width - min) * (n - m) / want
                } else {
                    0.0
                }
            })
            .collect();
    }
    minimal.iter().map(|m| m * width / min).collect()
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn wide_tables_split_into_parts_repeating_the_first_column() {
        assert_eq!(super::column_groups(&[20.0; 3], 400.0), vec![vec![0, 1, 2]]);
        let parts = super::column_groups(&[25.0; 500], 400.0);
        assert!(parts.iter().all(|p| p[0] == 0), "{parts:?}");
        assert!(parts[..parts.len() - 1].iter().all(|p| p.len() == 16));
        let mut seen: Vec<usize> = parts.iter().flat_map(|p| p[1..].to_vec()).collect();
        seen.sort();
        assert_eq!(seen, (1..500).collect::<Vec<_>>());
    }

    #[test]
    fn widths_fill_the_text_block() {
        for (nat, min) in [
            (vec![50.0, 80.0], vec![20.0, 30.0]),
            (vec![300.0, 400.0], vec![50.0, 60.0]),
            (vec![300.0, 400.0], vec![200.0, 300.0]),
        ] {
            let w = column_widths(&nat, &min, 400.0);
            assert!((w.iter().sum::<f32>() - 400.0).abs() < 0.01, "{w:?}");
        }
    }
}
