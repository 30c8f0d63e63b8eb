//! GFM tables: automatic column widths, wrapping cells, a grid, one fragment per row.

use crate::model::{Align as CellAlign, Inline, SourcePos};

use super::article::ArticleLayout;
use super::flow::Fragment;
use super::inline::StyledText;
use super::page::Item;
use super::paragraph::{Align, measure};

pub(crate) fn table(
    l: &mut ArticleLayout<'_>,
    align: &[CellAlign],
    head: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    indent: f32,
    pos: &SourcePos,
) -> Vec<Fragment> {
    let t = l.theme;
    let mut head_style = t.table.clone();
    head_style.font.family = crate::assets::fonts::Family::Sans;
    head_style.font.bold = true;
    let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if columns == 0 {
        return Vec::new();
    }
    let pad = 0.4 * t.table.size;
    let width = l.width - indent;
    let cell_text = |l: &ArticleLayout<'_>, cell: &[Inline], header: bool| {
        l.styled(cell, if header { &head_style } else { &t.table })
    };
    // Natural (one-line) and minimal (longest unbreakable piece) widths per column.
    let mut natural = vec![2.0 * pad; columns];
    let mut minimal = vec![2.0 * pad; columns];
    let all_rows = std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
    for (row, header) in all_rows.clone() {
        for (c, cell) in row.iter().enumerate().take(columns) {
            let text = cell_text(l, cell, header);
            let (nat, min) = measure(&text, &l.lang, l.book);
            natural[c] = natural[c].max(nat + 2.0 * pad);
            minimal[c] = minimal[c].max(min.min(nat) + 2.0 * pad);
        }
    }
    let widths = column_widths(&natural, &minimal, width);
    let mut frags = Vec::new();
    for (r, (row, header)) in all_rows.enumerate() {
        let mut items = Vec::new();
        let mut height: f32 = 0.0;
        let mut x = indent;
        let mut cells = Vec::new();
        for (c, &column) in widths.iter().enumerate() {
            let style = if header { &head_style } else { &t.table };
            let text = row
                .get(c)
                .map(|cell| cell_text(l, cell, header))
                .unwrap_or_else(StyledText::default);
            let a = match align.get(c) {
                Some(CellAlign::Center) => Align::Center,
                Some(CellAlign::Right) => Align::Right,
                _ => Align::Left,
            };
            let lines = l.lines(&text, style, column - 2.0 * pad, 0.0, a, pos);
            let h: f32 = lines.iter().map(|l| l.height).sum();
            height = height.max(h + 2.0 * pad);
            cells.push((x, lines));
            x += column;
        }
        if header {
            items.push(Item::Rect {
                x: indent,
                y: 0.0,
                width: widths.iter().sum(),
                height,
                color: t.table_header_background,
            });
        }
        let row_node = l.tags.node(super::tags::Role::TR);
        let mut cell_tags = Vec::new();
        for (x, lines) in cells {
            let start = items.len();
            let cell = l.tags.node(if header {
                super::tags::Role::TH
            } else {
                super::tags::Role::TD
            });
            let mut y = pad;
            for line in lines {
                for mut item in line.items {
                    item.translate(x + pad, y);
                    items.push(item);
                }
                y += line.height;
            }
            let path = l.tag_path(&[row_node.clone(), cell]);
            cell_tags.push(super::tags::TagSpan {
                items: start..items.len(),
                path,
            });
        }
        // Grid: top line of every row, bottom line of the last, verticals for the row.
        let total: f32 = widths.iter().sum();
        let rule = |x0: f32, y0: f32, x1: f32, y1: f32| Item::Line {
            x0,
            y0,
            x1,
            y1,
            width: 0.5,
            color: t.rule_color,
        };
        items.push(rule(indent, 0.0, indent + total, 0.0));
        if r == rows.len() {
            items.push(rule(indent, height, indent + total, height));
        }
        let mut x = indent;
        items.push(rule(x, 0.0, x, height));
        for w in &widths {
            x += w;
            items.push(rule(x, 0.0, x, height));
        }
        frags.push(Fragment {
            height,
            items,
            gap_before: if r == 0 {
                t.paragraph_gap * t.body.size * 2.0
            } else {
                0.0
            },
            keep_with_next: header,
            anchors: Vec::new(),
            float: false,
            repeat: None,
            tags: cell_tags,
        });
    }
    // Body rows carry the header row, which pagination sets again on a new page.
    if let Some(first) = frags.first() {
        let header = std::sync::Arc::new(first.clone());
        for row in frags.iter_mut().skip(1) {
            row.repeat = Some(header.clone());
        }
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
