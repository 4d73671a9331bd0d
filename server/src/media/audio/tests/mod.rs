//! The audio core against generated fixtures (tests/fixtures/audio/generate.sh, run once per
//! test process into a temporary folder named after the script's hash): every accepted format
//! probes and converts to a clean, normalised access copy; every hostile file is refused with
//! its refusal and leaves nothing; children over their limits are stopped and reported.

mod access;
mod fixtures;
mod probe;
