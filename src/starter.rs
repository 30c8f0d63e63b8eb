//! `folio init`: a starter content folder that builds at once and shows every setting.

use std::path::{Path, PathBuf};

use crate::diagnostics::Error;

const BULLETIN_TOML: &str = r#"# bulletin.toml: the bulletin as a whole. Every key is shown; those commented out are
# optional. Remove the leading `#` to use one. Lines are reported by number if a value is
# wrong, so edit freely.

title = "我的简报 My Bulletin"          # required: the masthead and the book title
# subtitle = "2024 年春季学期"           # under the title
# volume = 1                             # printed as 第 1 卷 / Vol. 1
# issue = 1                              # printed as 第 1 期 / No. 1
# total_issue = 85                       # the running number: 总第 85 期 / Whole No. 85
date = "2024-03-01"                      # YYYY-MM-DD; also the date written into the files
language = "zh-CN"                       # zh-CN, zh-TW, en, …; articles may override with `lang`
# publisher = "新闻中心"
# editor = "编辑姓名"
# authors = ["作者一", "作者二"]
# order = ["02-hello.md", "01-welcome.md"]  # article order; unlisted articles follow by file name

[page]
size = "A4"                              # A4, A5, B5, Letter, or "170x240" (millimetres)
# margins = { top = 22, bottom = 22, left = 20, right = 20 }   # millimetres, or one number

# [fonts]
# dirs = ["myfonts"]                     # extra font folders, relative to this folder
"#;

const ARTICLE_ZH: &str = r#"---
title: "欢迎使用 folio"
date: 2024-03-01
author: "编辑部"
summary: "第一篇文章：folio 能做什么。"
tags: [入门]
---

这是一篇**中文**示例文章。把 Markdown 文件放进 `articles/` 文件夹，运行 `folio build`，就能得到可印刷的 PDF 和 EPUB 电子书。

![示例图片](../images/starter.png)

## 常用写法

- 列表、*强调*、[链接](https://example.com/)、脚注[^1]；
- 行内 HTML：H<sub>2</sub>O、x<sup>2</sup>、<u>下划线</u>、<kbd>Ctrl</kbd>；
- 直接写网址也会成为链接：https://example.com/

> [!TIP]
> 运行 `folio watch`，保存文件后会自动重新生成。

[^1]: 脚注印在文章末尾。
"#;

const ARTICLE_EN: &str = r#"---
title: "Hello from folio"
date: 2024-03-01
author: "The Editors"
lang: en
summary: "An English article next to the Chinese one."
---

This article is in **English**; its `lang: en` line sets English typography for it
(spaced words, no first-line indent).

Term
: A definition list item.

| Room | Seats |
|:-----|------:|
| A    | 24    |
"#;

/// Writes the starter folder into `dir`, which must not exist or be empty. Returns the files
/// written.
pub fn write_starter(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(Error::Write {
            path: dir.to_owned(),
            source: std::io::Error::other(
                "the folder is not empty; `folio init` only writes into a new or empty folder",
            ),
        });
    }
    let files: [(&str, Vec<u8>); 4] = [
        ("bulletin.toml", BULLETIN_TOML.as_bytes().to_vec()),
        ("articles/01-welcome.md", ARTICLE_ZH.as_bytes().to_vec()),
        ("articles/02-hello.md", ARTICLE_EN.as_bytes().to_vec()),
        ("images/starter.png", starter_png()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// A small picture drawn here (so the starter needs no file of its own): a sky-to-sea
/// gradient with a sun.
fn starter_png() -> Vec<u8> {
    let (w, h) = (480u32, 240u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - 340.0, y as f32 - 90.0);
        if dx * dx + dy * dy < 40.0 * 40.0 {
            return image::Rgb([240, 180, 60]);
        }
        let t = y as f32 / h as f32;
        if y > h * 2 / 3 {
            image::Rgb([30, (90.0 + 60.0 * t) as u8, (140.0 + 40.0 * t) as u8])
        } else {
            image::Rgb([(120.0 + 100.0 * t) as u8, (170.0 + 60.0 * t) as u8, 235])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Writing a PNG to memory cannot fail.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new");
        let files = write_starter(&target).unwrap();
        assert_eq!(files.len(), 4);
        assert!(image::guess_format(&std::fs::read(&files[3]).unwrap()).is_ok());
        let again = write_starter(&target).unwrap_err();
        assert!(again.to_string().contains("not empty"), "{again}");
    }
}
