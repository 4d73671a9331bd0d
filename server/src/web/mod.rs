//! What every feature's routes share: rendering pages, localized errors, reading forms,
//! the client's address and language.

pub mod client_ip;
pub mod error;
pub mod error_page;
pub mod form;
pub mod headers;
pub mod locale;
pub mod origin;
pub mod query;
pub mod redirect;
pub mod render;
pub mod request_id;
pub mod time;

pub use error::AppError;
pub use locale::RequestLocale;
