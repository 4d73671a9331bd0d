//! The recorder island and interview mode (in progress).
