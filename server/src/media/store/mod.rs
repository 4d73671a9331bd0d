//! The media store: originals and derivatives behind one interface (`MediaStore`), and the
//! folder backend that is the only code touching their files.

mod folder;
mod media_store;
mod objects;
mod spool;

pub use folder::{FileStore, StoredOriginal};
pub use media_store::MediaStore;
pub use objects::{Area, LocalOriginal, ObjectReader, StoreError, StoredDerivative};
pub use spool::{Spool, Spooled};
