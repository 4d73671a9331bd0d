//! The archive's ways out for other institutions: OAI-PMH harvesting (`oai`) and BagIt bags
//! of the whole collection (`bag`, `server export`); restoring a full bag (`restore`, `server
//! import`); open data for everyone (`open_data`, `/data`); and keeping it intact: fixity
//! checks of the originals (`fixity`).
pub mod bag;
pub mod fixity;
pub mod oai;
pub mod open_data;
pub mod restore;
