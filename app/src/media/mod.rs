//! Before-and-after photos as pages show them. Only derivatives (re-encoded, metadata
//! stripped) are ever shown; originals never leave the private store.

mod recording;
pub use recording::{OwnRecording, RecordingFigure, RecordingStage, RecordingView, SpokenLength};

use crate::domain::{PhotoId, PhotoSlot};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    Jpeg,
    Webp,
}

impl ImageFormat {
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
        }
    }
}

/// One derivative file: a root-relative URL under `/media/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoSource {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
}

/// Everything a page needs to show one photo. `sources` is empty while the photo is still
/// being processed (or if processing failed); show the caption and alt text then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    pub slot: PhotoSlot,
    pub year: Option<i32>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Required for every photo: what a screen reader says.
    pub alt: String,
    /// Dimensions of the largest derivative, for layout stability.
    pub width: u32,
    pub height: u32,
    /// A tiny blurred preview as a `data:` URI.
    pub placeholder: Option<String>,
    pub sources: Vec<PhotoSource>,
}

impl PhotoView {
    pub fn is_ready(&self) -> bool {
        !self.sources.is_empty()
    }

    /// `srcset` for one format, e.g. `/media/ab-400.webp 400w, /media/ab-800.webp 800w`.
    pub fn srcset(&self, format: ImageFormat) -> String {
        self.sources
            .iter()
            .filter(|s| s.format == format)
            .map(|s| format!("{} {}w", s.url, s.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The smallest JPEG at least `min_width` wide (or the largest there is): a safe `src`.
    pub fn fallback_src(&self, min_width: u32) -> Option<&PhotoSource> {
        let mut jpegs: Vec<&PhotoSource> = self
            .sources
            .iter()
            .filter(|s| s.format == ImageFormat::Jpeg)
            .collect();
        jpegs.sort_by_key(|s| s.width);
        jpegs
            .iter()
            .find(|s| s.width >= min_width)
            .or(jpegs.last())
            .copied()
    }
}

/// A stored photo with its row id, as its contributor sees it on the tracking page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPhoto {
    pub id: PhotoId,
    pub view: PhotoView,
}

/// A derivative photo as `<picture>`: WebP with a JPEG fallback, `srcset`/`sizes`, width and
/// height for layout stability, lazy loading, and the blurred placeholder behind it.
#[leptos::component]
pub fn Picture(
    photo: PhotoView,
    /// The `src` for browsers without `srcset`: the smallest JPEG at least this wide.
    min_width: u32,
    sizes: &'static str,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let src = photo
        .fallback_src(min_width)
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let placeholder = photo
        .placeholder
        .as_ref()
        .map(|p| format!("background-image:url({p});background-size:cover"));
    view! {
        <picture>
            <source type="image/webp" srcset=photo.srcset(ImageFormat::Webp) sizes=sizes />
            <img src=src srcset=photo.srcset(ImageFormat::Jpeg) sizes=sizes
                width=photo.width height=photo.height alt=photo.alt.clone() loading="lazy" decoding="async"
                style=placeholder />
        </picture>
    }
}
