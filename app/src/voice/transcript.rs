//! The public transcript and index (in progress).
