//! The photo parts of the story form: each received file paired with the details typed for it
//! and checked against the per-side limits, every refusal beside its form field. Intake
//! (`media::upload`) only receives and inspects files; what they mean in the form is decided here.

use crate::media::upload::{NewPhoto, ReceivedPhoto};
use app::domain::limits::PHOTOS_PER_SIDE;
use app::domain::{
    FieldError, FormErrors, PhotoDetails, PhotoPart, PhotoProblem, PhotoRefusal, PhotoSlot,
    StoryDraft, TextProblem,
};

/// Pairs each received file with its details and checks both. `existing` is how many photos
/// each side already has (an edit); with `require_pair` both sides must end up non-empty.
pub fn parse_photos(
    draft: &StoryDraft,
    received: Vec<ReceivedPhoto>,
    existing: [usize; 2],
    require_pair: bool,
    latest_year: i32,
    errors: &mut FormErrors,
) -> Vec<NewPhoto> {
    let mut totals = existing;
    let mut accepted = Vec::new();
    for photo in received {
        let field = photo.slot.field();
        let index = u8::try_from(photo.index + 1).unwrap_or(u8::MAX);
        let upload = match photo.outcome {
            Ok(upload) => upload,
            Err(refusal) => {
                errors.add(
                    field,
                    FieldError::Photo {
                        index,
                        part: PhotoPart::File,
                        problem: PhotoProblem::Refused(refusal),
                    },
                );
                continue;
            }
        };
        let side = photo.slot.index();
        totals[side] += 1;
        if totals[side] > PHOTOS_PER_SIDE {
            errors.add(
                field,
                FieldError::Photo {
                    index,
                    part: PhotoPart::File,
                    problem: PhotoProblem::Refused(PhotoRefusal::TooMany {
                        max: PHOTOS_PER_SIDE,
                    }),
                },
            );
            continue;
        }
        let typed = draft.photos(photo.slot).get(photo.index);
        match PhotoDetails::parse(&typed, upload.inspected.exif_year, latest_year) {
            Ok(details) => accepted.push(NewPhoto {
                slot: photo.slot,
                details,
                upload,
            }),
            Err((part, error)) => errors.add(
                field,
                FieldError::Photo {
                    index,
                    part,
                    problem: PhotoProblem::Text(TextProblem::from_field_error(error)),
                },
            ),
        }
    }
    if require_pair {
        for slot in PhotoSlot::BOTH {
            if totals[slot.index()] == 0 {
                errors.add(slot.field(), FieldError::PhotoPairRequired);
            }
        }
    }
    accepted
}

/// Whether any refusal was about size: the answer is then 413 rather than 422.
pub fn any_too_large(errors: &FormErrors) -> bool {
    errors.iter().any(|(_, e)| {
        matches!(
            e,
            FieldError::Photo {
                problem: PhotoProblem::Refused(PhotoRefusal::TooLarge { .. }),
                ..
            }
        )
    })
}
