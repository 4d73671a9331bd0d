//! The archive's ways out for other institutions: OAI-PMH harvesting (`oai`); and keeping it
//! intact: fixity checks of the originals (`fixity`).
pub mod fixity;
pub mod oai;
