//! The recording parts of the story form: each received file paired with the details typed
//! for it (summary, interviewer, interview markers) and checked against the per-story limit,
//! every refusal beside the `recording` field. Intake (`media::recordings::intake`) only
//! receives and probes files; what they mean in the form is decided here.

use crate::media::recordings::intake::{NewRecording, ReceivedRecording};
use app::domain::limits::RECORDINGS_PER_STORY;
use app::domain::{
    AudioRefusal, Field, FieldError, FormErrors, RecordingDetails, RecordingPart, RecordingProblem,
    StoryDraft, TextProblem,
};

/// Pairs each received file with its details and checks both. `existing` is how many
/// recordings the story keeps (an edit).
pub fn parse_recordings(
    draft: &StoryDraft,
    received: Vec<ReceivedRecording>,
    existing: usize,
    errors: &mut FormErrors,
) -> Vec<NewRecording> {
    let mut total = existing;
    let mut accepted = Vec::new();
    for recording in received {
        let index = u8::try_from(recording.index + 1).unwrap_or(u8::MAX);
        let refuse = |errors: &mut FormErrors, part, problem| {
            errors.add(
                Field::Recording,
                FieldError::Recording {
                    index,
                    part,
                    problem,
                },
            );
        };
        let upload = match recording.outcome {
            Ok(upload) => upload,
            Err(refusal) => {
                refuse(
                    errors,
                    RecordingPart::File,
                    RecordingProblem::Refused(refusal),
                );
                continue;
            }
        };
        total += 1;
        if total > RECORDINGS_PER_STORY {
            let refusal = AudioRefusal::TooMany {
                max: RECORDINGS_PER_STORY,
            };
            refuse(
                errors,
                RecordingPart::File,
                RecordingProblem::Refused(refusal),
            );
            continue;
        }
        match RecordingDetails::parse(&draft.recording(recording.index)) {
            Ok(mut details) => {
                if let Some(ms) = upload.facts.declared_ms {
                    let ms = u32::try_from(ms).unwrap_or(u32::MAX);
                    details.markers = details.markers.within(ms);
                }
                accepted.push(NewRecording { details, upload });
            }
            Err((part, error)) => refuse(errors, part, problem(part, error)),
        }
    }
    accepted
}

fn problem(part: RecordingPart, error: FieldError) -> RecordingProblem {
    match (part, error) {
        (RecordingPart::Markers, FieldError::UnknownChoice) => RecordingProblem::Markers,
        _ => RecordingProblem::Text(TextProblem::from_field_error(error)),
    }
}

/// How many recordings the form brought that were received whole (refused or not for their
/// details): with any, the story is told aloud and its text may be short.
pub fn received_whole(received: &[ReceivedRecording]) -> usize {
    received.iter().filter(|r| r.outcome.is_ok()).count()
}

/// Whether any refusal was about size: the answer is then 413 rather than 422.
pub fn any_too_large(errors: &FormErrors) -> bool {
    errors.iter().any(|(_, e)| {
        matches!(
            e,
            FieldError::Recording {
                problem: RecordingProblem::Refused(AudioRefusal::TooLarge { .. }),
                ..
            }
        )
    })
}
