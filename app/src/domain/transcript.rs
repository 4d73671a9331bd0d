//! A time-coded transcript and an index of segments (in progress).
