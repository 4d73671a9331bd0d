//! Why a photo's derivatives could not be made.

#[derive(Debug, thiserror::Error)]
pub enum DeriveError {
    #[error("cannot read the original: {0}")]
    Read(#[from] std::io::Error),
    #[error("cannot decode or encode JPEG: {0}")]
    Jpeg(#[from] turbojpeg::Error),
    #[error("cannot decode the image: {0}")]
    Decode(#[from] image::ImageError),
    #[error("the image is {width}×{height}, larger than allowed")]
    TooLarge { width: usize, height: usize },
    #[error("cannot convert to sRGB: {0}")]
    Colour(#[from] moxcms::CmsError),
    #[error("cannot resize: {0}")]
    Resize(String),
    #[error("cannot encode WebP: {0}")]
    Webp(String),
}
