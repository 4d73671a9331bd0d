//! The media store: originals and derivatives behind one interface (`MediaStore`), and its two
//! backends: the folder (the only code touching media files) and S3-compatible buckets.

mod folder;
mod media_store;
mod objects;
mod s3;
mod spool;

pub use folder::FileStore;
pub use media_store::MediaStore;
pub use objects::{
    Area, EXPORT_CACHE, ExportTarget, LocalOriginal, ObjectReader, StoreError, StoredDerivative,
    StoredOriginal, VoiceTarget, export_file_name,
};
pub use s3::{OBJECT_CACHE, S3Store};
pub use spool::{CopyError, Spool, Spooled};
