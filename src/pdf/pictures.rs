//! Pictures handed to krilla: each distinct picture once, made in parallel, from the form
//! `assets::picture` prepared. JPEG bytes are shared, not copied; pixel pictures are
//! identified by their source digest, so krilla never hashes pixels.
//!
//! With a resolution cap, a picture printed finer than the cap (at its largest use) is
//! downsampled to it; a picture under the cap is embedded exactly as prepared.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use rayon::prelude::*;

use crate::assets::images::{ImageAsset, ImageFormat, ImageSet};
use crate::assets::picture::{Digest, Picture, Pixels};
use crate::diagnostics::{Diagnostic, Error};
use crate::layout::page::{Item, Pages};

/// Quality of a JPEG re-encoded after downsampling: high, as it is printed.
const DOWNSAMPLED_JPEG_QUALITY: u8 = 90;

#[derive(Clone)]
struct PixelImage(Arc<Pixels>);

impl Hash for PixelImage {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl CustomImage for PixelImage {
    fn color_channel(&self) -> &[u8] {
        &self.0.color
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        self.0.alpha.as_deref()
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        if self.0.sixteen_bit {
            BitsPerComponent::Sixteen
        } else {
            BitsPerComponent::Eight
        }
    }
    fn size(&self) -> (u32, u32) {
        (self.0.width, self.0.height)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        if self.0.gray {
            ImageColorspace::Luma
        } else {
            ImageColorspace::Rgb
        }
    }
}

/// The largest printed size (points, as stored: before the EXIF turn) of each picture.
pub(crate) fn printed_sizes<'a>(
    pages: &'a Pages,
    images: &ImageSet,
) -> HashMap<&'a str, (f32, f32)> {
    let mut out: HashMap<&str, (f32, f32)> = HashMap::new();
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Image {
                key, width, height, ..
            } = item
            {
                let (w, h) = match images.get(key) {
                    Some(a) if a.is_transposed() => (*height, *width),
                    _ => (*width, *height),
                };
                let e = out.entry(key.as_str()).or_insert((0.0, 0.0));
                e.0 = e.0.max(w);
                e.1 = e.1.max(h);
            }
        }
    }
    out
}

/// The stored pixel size a picture printed at `printed` points gets under `max_dpi`, or
/// `None` when it is already at or under the cap.
fn capped_size(stored: (u32, u32), printed: (f32, f32), max_dpi: f32) -> Option<(u32, u32)> {
    let cap = |px: u32, pt: f32| ((pt / 72.0 * max_dpi).ceil() as u32).clamp(1, px);
    let target = (cap(stored.0, printed.0), cap(stored.1, printed.1));
    // Keep the aspect ratio: scale both sides by the larger of the two factors.
    let scale = (target.0 as f64 / stored.0 as f64).max(target.1 as f64 / stored.1 as f64);
    if scale >= 1.0 {
        return None;
    }
    let side = |px: u32| ((px as f64 * scale).round() as u32).max(1);
    Some((side(stored.0), side(stored.1)))
}

/// Below this, a printed picture looks soft.
const SHARP_DPI: f32 = 150.0;

/// A warning for each picture printed below 150 dpi (at its largest use, after any cap),
/// naming where the document first uses it. Layout decides the printed size; this only
/// reports it.
pub(crate) fn low_resolution(
    pages: &Pages,
    images: &ImageSet,
    max_dpi: Option<u32>,
) -> Vec<Diagnostic> {
    let printed = printed_sizes(pages, images);
    let mut keys: Vec<&&str> = printed.keys().collect();
    keys.sort();
    keys.into_iter()
        .filter_map(|key| {
            let asset = images.get(*key)?;
            let (w, _) = printed[*key];
            let stored_w = if asset.is_transposed() {
                asset.height
            } else {
                asset.width
            };
            let mut dpi = stored_w as f32 / (w / 72.0);
            if let Some(cap) = max_dpi {
                dpi = dpi.min(cap as f32);
            }
            // Layout prints small pictures at exactly 150 dpi; allow for rounding.
            (dpi < SHARP_DPI - 0.5).then(|| {
                let d = Diagnostic::warning(format!(
                    "picture `{key}` prints at {dpi:.0} dpi, below {SHARP_DPI:.0}: it will look blurry in print"
                ))
                .with_help(format!(
                    "use a larger original ({} px wide would give {SHARP_DPI:.0} dpi) or print it smaller",
                    (w / 72.0 * SHARP_DPI).ceil()
                ));
                match &asset.first_use {
                    Some(pos) => d.at(pos),
                    None => d,
                }
            })
        })
        .collect()
}

/// One picture to make: its content and the stored size it is cut down to, if any.
type Job = (Digest, Option<(u32, u32)>);

/// Makes the krilla image of every picture placed on the pages, keyed by image key.
pub(crate) fn embed<'a>(
    pages: &'a Pages,
    images: &ImageSet,
    max_dpi: Option<f32>,
    smooth: bool,
) -> Result<HashMap<&'a str, Image>, Error> {
    let printed = printed_sizes(pages, images);
    // One job per distinct (content, pixel size).
    let mut jobs: BTreeMap<Job, &ImageAsset> = BTreeMap::new();
    let mut job_of: HashMap<&str, Job> = HashMap::new();
    for (&key, &size) in &printed {
        let asset = images
            .get(key)
            .ok_or_else(|| Error::Pdf(format!("image `{key}` was not loaded")))?;
        let target = max_dpi.and_then(|dpi| {
            let stored = asset.picture.stored_size()?;
            capped_size(stored, size, dpi)
        });
        jobs.entry((asset.digest, target)).or_insert(asset);
        job_of.insert(key, (asset.digest, target));
    }
    let made: Vec<(Job, Result<Image, Error>)> = jobs
        .into_par_iter()
        .map(|(job, asset)| (job, make(asset, job.1, smooth)))
        .collect();
    let mut by_job = HashMap::new();
    for (job, image) in made {
        by_job.insert(job, image?);
    }
    Ok(job_of
        .into_iter()
        .map(|(key, job)| (key, by_job[&job].clone()))
        .collect())
}

/// `smooth` asks viewers to interpolate when scaling up (PDF/A forbids it).
fn make(asset: &ImageAsset, target: Option<(u32, u32)>, smooth: bool) -> Result<Image, Error> {
    let err = |e: String| Error::Pdf(format!("image `{}`: {e}", asset.key));
    let picture = match target {
        Some((w, h)) => asset
            .picture
            .downsampled(w, h, DOWNSAMPLED_JPEG_QUALITY)
            .map_err(err)?,
        None => asset.picture.clone(),
    };
    match picture {
        Picture::Jpeg(bytes) => {
            let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
            Image::from_jpeg(shared.into(), smooth)
        }
        Picture::Encoded(format, bytes) => {
            let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
            match format {
                ImageFormat::Png => Image::from_png(shared.into(), smooth),
                ImageFormat::Gif => Image::from_gif(shared.into(), smooth),
                ImageFormat::Webp => Image::from_webp(shared.into(), smooth),
                ImageFormat::Jpeg => Image::from_jpeg(shared.into(), smooth),
            }
        }
        Picture::Pixels(p) => Image::from_custom(PixelImage(p), smooth),
    }
    .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::capped_size;

    #[test]
    fn only_pictures_finer_than_the_cap_shrink() {
        // 3000 px across 3 inches is 1000 dpi: capped at 300 it becomes 900 px.
        assert_eq!(
            capped_size((3000, 1500), (216.0, 108.0), 300.0),
            Some((900, 450))
        );
        // 600 px across 3 inches is 200 dpi: under the cap, untouched.
        assert_eq!(capped_size((600, 300), (216.0, 108.0), 300.0), None);
    }
}
