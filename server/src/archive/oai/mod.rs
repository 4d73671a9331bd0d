//! OAI-PMH 2.0 at `/oai` (docs/archive.md): every story that was ever public is a record,
//! live while approved and deleted afterwards, disseminated as simple Dublin Core (`oai_dc`).
//! Requests are parsed once (`request`, `date`, `token`), answered from `store` and
//! written by `xml`.

pub mod date;
pub mod dc;
pub mod repository;
pub mod request;
pub mod routes;
pub mod store;
pub mod token;
pub mod verbs;
pub mod xml;
