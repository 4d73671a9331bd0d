//! The archive's ways out for other institutions: OAI-PMH harvesting (`oai`).
pub mod oai;
