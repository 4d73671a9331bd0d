//! What the recorder island shows, shared by its view (`recorder`) and its browser side
//! (`capture`): the phase of a recording, the signals the view reads, and the ids of a group's
//! controls.

use crate::domain::{Field, PromptNumber};
use crate::locale::Locale;
use leptos::prelude::*;

/// Where one group's recording is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing recorded in the page yet (a chosen file may be in the input).
    Idle,
    /// Waiting for the microphone (the phone may be asking the person).
    Starting,
    Recording,
    Paused,
    /// Stopped; the recorder is handing over its last data.
    Saving,
    /// The recording is in the file input.
    Stopped,
}

/// The island's state for one recording group. Copy: every handler takes its own.
#[derive(Clone, Copy)]
pub struct Ui {
    pub locale: Locale,
    /// The group, from 0.
    pub index: usize,
    /// Recording is possible here (set once hydrated, where the browser has the APIs).
    pub ready: RwSignal<bool>,
    pub phase: RwSignal<Phase>,
    /// Whole seconds recorded, pauses excluded.
    pub seconds: RwSignal<u32>,
    /// The level meter's width, 0–100.
    pub level: RwSignal<u8>,
    pub interview: RwSignal<bool>,
    pub prompt: RwSignal<PromptNumber>,
    /// An object URL of what is in the file input, to listen to.
    pub listen: RwSignal<Option<String>>,
    pub message: RwSignal<Option<&'static str>>,
}

impl Ui {
    pub fn new(locale: Locale, index: usize) -> Ui {
        Ui {
            locale,
            index,
            ready: RwSignal::new(false),
            phase: RwSignal::new(Phase::Idle),
            seconds: RwSignal::new(0),
            level: RwSignal::new(0),
            interview: RwSignal::new(false),
            prompt: RwSignal::new(Ui::first_prompt()),
            listen: RwSignal::new(None),
            message: RwSignal::new(None),
        }
    }

    /// Where interview mode starts, and starts again with "Record again".
    pub fn first_prompt() -> PromptNumber {
        PromptNumber::all()
            .next()
            .expect("interview mode has at least one question")
    }

    pub fn id(&self, part: &str) -> String {
        control_id(self.index, part)
    }
}

/// The element id of one control (`file`, `markers`, `record`, …) of the `index`-th recording
/// group (from 0): `recording-1-file`.
pub fn control_id(index: usize, part: &str) -> String {
    format!("{}-{}-{part}", Field::Recording, index + 1)
}
