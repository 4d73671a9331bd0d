//! Residents tell their ten years: the submission form, the private tracking page and the
//! withdrawal confirmation. The form is plain HTML that posts without JavaScript; the
//! `FormEnhancer` island adds inline validation (the same rules as the server, compiled to
//! WebAssembly) and sends it without a page reload.

mod enhancer;
pub(crate) mod fields;
mod form;
mod pages;
mod photo_fields;
mod rephoto;

pub use enhancer::FormEnhancer;
pub use fields::field_label;
pub use form::StoryForm;
pub use pages::{
    Notice, SubmitPage, TrackPage, TrackedStory, WITHDRAW_CONFIRMED, WithdrawConfirmPage,
};
pub use photo_fields::{PhotoFields, PhotoFigure};
