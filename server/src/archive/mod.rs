//! The archive's ways out for other institutions: OAI-PMH harvesting (`oai`) and BagIt bags
//! of the whole collection (`bag`, `server export`).
pub mod bag;
pub mod oai;
