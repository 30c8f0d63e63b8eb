//! Pictures shared between articles: each file is read, hashed and probed once per run,
//! and one probed picture serves every file with the same content.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::assets::images::{ImageAsset, probe};
use crate::diagnostics::Diagnostic;
use crate::model::ImageRef;

/// Past this many bytes of cached pictures the cache starts afresh, so memory stays bounded
/// when every article brings pictures of its own.
const BUDGET: usize = 256 << 20;

#[derive(Default)]
pub(crate) struct Pictures {
    inner: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    sha_by_path: HashMap<PathBuf, String>,
    by_sha: HashMap<String, ImageAsset>,
    bytes: usize,
}

impl Pictures {
    /// The picture's sha256 and its probed asset (keyed as `image.key`).
    pub(crate) fn get(&self, image: &ImageRef) -> Result<(String, ImageAsset), Diagnostic> {
        let rekey = |asset: &ImageAsset| ImageAsset {
            key: image.key.clone(),
            ..asset.clone()
        };
        {
            let cache = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(sha) = cache.sha_by_path.get(&image.path)
                && let Some(asset) = cache.by_sha.get(sha)
            {
                return Ok((sha.clone(), rekey(asset)));
            }
        }
        // Read and probe outside the lock so workers do not queue behind the disk.
        let bytes = std::fs::read(&image.path).map_err(|e| {
            Diagnostic::error(format!("cannot read image `{}`: {e}", image.key))
                .with_help("check that the file exists and is readable")
        })?;
        let sha = super::sha256_hex(&bytes);
        let mut cache = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(asset) = cache.by_sha.get(&sha) {
            let asset = rekey(asset);
            cache.sha_by_path.insert(image.path.clone(), sha.clone());
            return Ok((sha, asset));
        }
        drop(cache);
        let size = bytes.len();
        let asset = probe(&image.key, bytes.into())?;
        let mut cache = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if cache.bytes + size > BUDGET {
            *cache = Cache::default();
        }
        cache.bytes += size;
        cache.sha_by_path.insert(image.path.clone(), sha.clone());
        cache.by_sha.insert(sha.clone(), asset.clone());
        Ok((sha, asset))
    }
}
