//! Which language a page is rendered in, and the one place where domain values become words.

use crate::domain::{
    AccountActor, AccountAuditAction, AccountRole, ActorView, AudioRefusal, AuditAction,
    ContentField, FieldError, FixityProblemKind, FixityTrigger, Licence, MediaObjectKind,
    PhotoPart, PhotoProblem, PhotoRefusal, PhotoSlot, RecordingPart, RecordingProblem,
    RedactionProblem, RejectReason, StoryStatus, Theme, TrailKind,
};
pub use crate::i18n::Locale;
use leptos_i18n::{Locale as _, td_string};

pub const DEFAULT: Locale = Locale::zh_CN;
pub const ALL: [Locale; 2] = [Locale::zh_CN, Locale::en];

/// The BCP 47 tag, as used in `<html lang>` and in the `lang` cookie.
pub fn tag(locale: Locale) -> &'static str {
    locale.as_str()
}

/// Maps a language tag such as `zh-Hans-CN`, `zh-TW`, `en-GB` or `EN` to a supported locale.
pub fn from_tag(tag: &str) -> Option<Locale> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "zh" => Some(Locale::zh_CN),
        "en" => Some(Locale::en),
        _ => None,
    }
}

/// The locale for a request: an explicit choice (cookie) first, then the browser's
/// `Accept-Language` preferences in order of quality, then Chinese.
pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> Locale {
    chosen
        .and_then(from_tag)
        .or_else(|| accept_language.and_then(best_accepted))
        .unwrap_or(DEFAULT)
}

fn best_accepted(header: &str) -> Option<Locale> {
    let mut ranges: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            Some((quality, tag))
        })
        .filter(|(quality, _)| *quality > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().find_map(|(_, tag)| from_tag(tag))
}

pub fn field_error(locale: Locale, error: FieldError) -> String {
    match error {
        FieldError::Required => td_string!(locale, common.error.required).to_string(),
        FieldError::TooShort { min, actual } => {
            td_string!(locale, common.error.too_short, min, actual).to_string()
        }
        FieldError::TooLong { max, actual } => {
            td_string!(locale, common.error.too_long, max, actual).to_string()
        }
        FieldError::ControlCharacter => {
            td_string!(locale, common.error.control_character).to_string()
        }
        FieldError::FormattingCharacter => {
            td_string!(locale, common.error.formatting_character).to_string()
        }
        FieldError::NotAYear => td_string!(locale, common.error.not_a_year).to_string(),
        FieldError::YearOutOfRange { min, max } => {
            td_string!(locale, common.error.year_out_of_range, min, max).to_string()
        }
        FieldError::ThenNotBeforeNow => {
            td_string!(locale, common.error.then_not_before_now).to_string()
        }
        FieldError::UnknownChoice => td_string!(locale, common.error.unknown_choice).to_string(),
        FieldError::ContactFormat => td_string!(locale, common.error.contact_format).to_string(),
        FieldError::ConsentRequired => {
            td_string!(locale, common.error.consent_required).to_string()
        }
        FieldError::PasswordBlank => td_string!(locale, common.error.password_blank).to_string(),
        FieldError::PasswordWeak => td_string!(locale, common.error.password_weak).to_string(),
        FieldError::EmailTaken => td_string!(locale, moderation.accounts.email_taken).to_string(),
        FieldError::PhotoPairRequired => {
            td_string!(locale, common.error.photo_pair_required).to_string()
        }
        FieldError::Photo {
            index,
            part,
            problem,
        } => {
            let message = match problem {
                PhotoProblem::Refused(refusal) => photo_refusal(locale, refusal),
                PhotoProblem::Text(text) => field_error(locale, text.as_field_error()),
            };
            let part = photo_part_name(locale, part);
            td_string!(locale, common.photo.problem, index, part, message).to_string()
        }
        FieldError::Recording {
            index,
            part,
            problem,
        } => {
            let message = match problem {
                RecordingProblem::Refused(refusal) => audio_refusal(locale, refusal),
                RecordingProblem::Text(text) => field_error(locale, text.as_field_error()),
                RecordingProblem::Markers => {
                    td_string!(locale, common.recording.markers).to_string()
                }
            };
            let part = recording_part_name(locale, part);
            td_string!(locale, common.recording.problem, index, part, message).to_string()
        }
        FieldError::Redaction(problem) => redaction_problem(locale, problem),
    }
}

fn redaction_problem(locale: Locale, problem: RedactionProblem) -> String {
    match problem {
        RedactionProblem::NotATime => {
            td_string!(locale, moderation.redaction.not_a_time).to_string()
        }
        RedactionProblem::EndNotAfterStart => {
            td_string!(locale, moderation.redaction.end_not_after_start).to_string()
        }
        RedactionProblem::TooShort { min_ms } => {
            let seconds = format!("{}.{}", min_ms / 1000, min_ms % 1000 / 100);
            td_string!(locale, moderation.redaction.too_short, seconds).to_string()
        }
        RedactionProblem::PastTheEnd { duration_ms } => {
            let length = crate::domain::transcript::exact_clock(duration_ms);
            td_string!(locale, moderation.redaction.past_the_end, length).to_string()
        }
        RedactionProblem::TooMany { max } => {
            td_string!(locale, moderation.redaction.too_many, max).to_string()
        }
    }
}

fn recording_part_name(locale: Locale, part: RecordingPart) -> &'static str {
    match part {
        RecordingPart::File => td_string!(locale, common.recording.part.file),
        RecordingPart::Summary => td_string!(locale, common.recording.part.summary),
        RecordingPart::Interviewer => td_string!(locale, common.recording.part.interviewer),
        RecordingPart::Markers => td_string!(locale, common.recording.part.markers),
    }
}

/// Why a recording was refused, naming the limit it broke.
pub fn audio_refusal(locale: Locale, refusal: AudioRefusal) -> String {
    use AudioRefusal as R;
    match refusal {
        R::Empty => td_string!(locale, common.recording.refusal.empty).to_string(),
        R::TooLarge { max_bytes } => {
            let max = max_bytes / (1024 * 1024);
            td_string!(locale, common.recording.refusal.too_large, max).to_string()
        }
        R::UnknownFormat => td_string!(locale, common.recording.refusal.unknown_format).to_string(),
        R::Markup => td_string!(locale, common.recording.refusal.markup).to_string(),
        R::UnsupportedCodec => {
            td_string!(locale, common.recording.refusal.unsupported_codec).to_string()
        }
        R::NoAudio => td_string!(locale, common.recording.refusal.no_audio).to_string(),
        R::Unreadable => td_string!(locale, common.recording.refusal.unreadable).to_string(),
        R::TooLong { max_seconds } => {
            let max = max_seconds / 60;
            td_string!(locale, common.recording.refusal.too_long, max).to_string()
        }
        R::Channels { channels, max } => {
            td_string!(locale, common.recording.refusal.channels, channels, max).to_string()
        }
        R::SampleRate { hz, min, max } => {
            td_string!(locale, common.recording.refusal.sample_rate, hz, min, max).to_string()
        }
        R::Undecodable => td_string!(locale, common.recording.refusal.undecodable).to_string(),
        R::TooCostly => td_string!(locale, common.recording.refusal.too_costly).to_string(),
        R::TooMany { max } => {
            td_string!(locale, common.recording.refusal.too_many, max).to_string()
        }
    }
}

fn photo_part_name(locale: Locale, part: PhotoPart) -> &'static str {
    match part {
        PhotoPart::File => td_string!(locale, common.photo.part.file),
        PhotoPart::Year => td_string!(locale, common.photo.part.year),
        PhotoPart::Caption => td_string!(locale, common.photo.part.caption),
        PhotoPart::Credit => td_string!(locale, common.photo.part.credit),
        PhotoPart::Alt => td_string!(locale, common.photo.part.alt),
    }
}

/// Why a file was refused, naming the limit it broke.
pub fn photo_refusal(locale: Locale, refusal: PhotoRefusal) -> String {
    let mib = |bytes: u64| bytes / (1024 * 1024);
    match refusal {
        PhotoRefusal::Empty => td_string!(locale, common.photo.refusal.empty).to_string(),
        PhotoRefusal::Unreadable => td_string!(locale, common.photo.refusal.unreadable).to_string(),
        PhotoRefusal::UnknownFormat => {
            td_string!(locale, common.photo.refusal.unknown_format).to_string()
        }
        PhotoRefusal::Heic => td_string!(locale, common.photo.refusal.heic).to_string(),
        PhotoRefusal::Truncated => td_string!(locale, common.photo.refusal.truncated).to_string(),
        PhotoRefusal::TooLarge { max_bytes } => {
            let max = mib(max_bytes);
            td_string!(locale, common.photo.refusal.too_large, max).to_string()
        }
        PhotoRefusal::SideTooLong { width, height, max } => td_string!(
            locale,
            common.photo.refusal.side_too_long,
            width,
            height,
            max
        )
        .to_string(),
        PhotoRefusal::TooManyPixels {
            width,
            height,
            max_megapixels,
        } => td_string!(
            locale,
            common.photo.refusal.too_many_pixels,
            width,
            height,
            max = max_megapixels
        )
        .to_string(),
        PhotoRefusal::MetadataTooLarge { max_bytes } => {
            let max = mib(max_bytes);
            td_string!(locale, common.photo.refusal.metadata_too_large, max).to_string()
        }
        PhotoRefusal::TooMany { max } => {
            td_string!(locale, common.photo.refusal.too_many, max).to_string()
        }
    }
}

pub fn photo_slot_name(locale: Locale, slot: PhotoSlot) -> &'static str {
    match slot {
        PhotoSlot::Then => td_string!(locale, common.photo.slot.then),
        PhotoSlot::Now => td_string!(locale, common.photo.slot.now),
    }
}

pub fn error_summary(locale: Locale, count: usize) -> String {
    td_string!(locale, submission.submit.error_summary, count).to_string()
}

/// One line of the error summary: "标题：这一项必须填写。"
pub fn summary_item(locale: Locale, label: &str, message: &str) -> String {
    td_string!(locale, submission.submit.summary_item, label, message).to_string()
}

pub fn theme_name(locale: Locale, theme: Theme) -> &'static str {
    match theme {
        Theme::Transport => td_string!(locale, common.theme.transport),
        Theme::Housing => td_string!(locale, common.theme.housing),
        Theme::Education => td_string!(locale, common.theme.education),
        Theme::WorkIndustry => td_string!(locale, common.theme.work_industry),
        Theme::Environment => td_string!(locale, common.theme.environment),
        Theme::Health => td_string!(locale, common.theme.health),
        Theme::Community => td_string!(locale, common.theme.community),
        Theme::Culture => td_string!(locale, common.theme.culture),
    }
}

pub fn licence_name(locale: Locale, licence: Licence) -> &'static str {
    match licence {
        Licence::CcBy => td_string!(locale, common.licence.cc_by.name),
        Licence::CcByNc => td_string!(locale, common.licence.cc_by_nc.name),
        Licence::DisplayOnly => td_string!(locale, common.licence.display_only.name),
    }
}

pub fn licence_description(locale: Locale, licence: Licence) -> &'static str {
    match licence {
        Licence::CcBy => td_string!(locale, common.licence.cc_by.description),
        Licence::CcByNc => td_string!(locale, common.licence.cc_by_nc.description),
        Licence::DisplayOnly => td_string!(locale, common.licence.display_only.description),
    }
}

pub fn status_name(locale: Locale, status: StoryStatus) -> &'static str {
    match status {
        StoryStatus::Pending => td_string!(locale, common.status.pending.name),
        StoryStatus::ChangesRequested => td_string!(locale, common.status.changes_requested.name),
        StoryStatus::Approved => td_string!(locale, common.status.approved.name),
        StoryStatus::Rejected => td_string!(locale, common.status.rejected.name),
        StoryStatus::Unpublished => td_string!(locale, common.status.unpublished.name),
        StoryStatus::Withdrawn => td_string!(locale, common.status.withdrawn.name),
    }
}

pub fn status_explanation(locale: Locale, status: StoryStatus) -> &'static str {
    match status {
        StoryStatus::Pending => td_string!(locale, common.status.pending.explain),
        StoryStatus::ChangesRequested => {
            td_string!(locale, common.status.changes_requested.explain)
        }
        StoryStatus::Approved => td_string!(locale, common.status.approved.explain),
        StoryStatus::Rejected => td_string!(locale, common.status.rejected.explain),
        StoryStatus::Unpublished => td_string!(locale, common.status.unpublished.explain),
        StoryStatus::Withdrawn => td_string!(locale, common.status.withdrawn.explain),
    }
}

pub fn reject_reason(locale: Locale, reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::OffTopic => td_string!(locale, moderation.reason.off_topic),
        RejectReason::PersonalData => td_string!(locale, moderation.reason.personal_data),
        RejectReason::NotOwnStory => td_string!(locale, moderation.reason.not_own_story),
        RejectReason::Duplicate => td_string!(locale, moderation.reason.duplicate),
        RejectReason::Offensive => td_string!(locale, moderation.reason.offensive),
    }
}

pub fn audit_action_name(locale: Locale, action: AuditAction) -> &'static str {
    match action {
        AuditAction::Submitted => td_string!(locale, moderation.action.submitted),
        AuditAction::Edited => td_string!(locale, moderation.action.edited),
        AuditAction::Withdrawn => td_string!(locale, moderation.action.withdrawn),
        AuditAction::Approved => td_string!(locale, moderation.action.approved),
        AuditAction::Rejected => td_string!(locale, moderation.action.rejected),
        AuditAction::ChangesRequested => td_string!(locale, moderation.action.changes_requested),
        AuditAction::Unpublished => td_string!(locale, moderation.action.unpublished),
        AuditAction::ModeratorEdited => td_string!(locale, moderation.action.moderator_edited),
        AuditAction::Featured => td_string!(locale, moderation.action.featured),
        AuditAction::Unfeatured => td_string!(locale, moderation.action.unfeatured),
        AuditAction::RecordingRedacted => td_string!(locale, moderation.action.recording_redacted),
        AuditAction::RedactionLifted => td_string!(locale, moderation.action.redaction_lifted),
        AuditAction::FixityMissing => td_string!(locale, moderation.action.fixity_missing),
        AuditAction::FixityChanged => td_string!(locale, moderation.action.fixity_changed),
    }
}

pub fn content_field_name(locale: Locale, field: ContentField) -> &'static str {
    match field {
        ContentField::Title => td_string!(locale, moderation.field.title),
        ContentField::Body => td_string!(locale, moderation.field.body),
        ContentField::Place => td_string!(locale, moderation.field.place),
        ContentField::NarratorName => td_string!(locale, moderation.field.narrator_name),
        ContentField::Role => td_string!(locale, moderation.field.role),
        ContentField::Years => td_string!(locale, moderation.field.years),
        ContentField::Themes => td_string!(locale, moderation.field.themes),
    }
}

pub fn actor_name(locale: Locale, actor: &ActorView) -> String {
    match actor {
        ActorView::Contributor => td_string!(locale, moderation.actor.contributor).to_owned(),
        ActorView::System => td_string!(locale, moderation.actor.system).to_owned(),
        ActorView::Moderator(name) => name.clone(),
    }
}

pub fn account_action_name(locale: Locale, action: AccountAuditAction) -> &'static str {
    match action {
        AccountAuditAction::Created => td_string!(locale, moderation.account_action.created),
        AccountAuditAction::RoleChanged => {
            td_string!(locale, moderation.account_action.role_changed)
        }
        AccountAuditAction::Deactivated => {
            td_string!(locale, moderation.account_action.deactivated)
        }
        AccountAuditAction::Reactivated => {
            td_string!(locale, moderation.account_action.reactivated)
        }
        AccountAuditAction::PasswordReset => {
            td_string!(locale, moderation.account_action.password_reset)
        }
        AccountAuditAction::NewAddress => td_string!(locale, moderation.account_action.new_address),
    }
}

pub fn account_actor_name(locale: Locale, actor: &AccountActor) -> String {
    match actor {
        AccountActor::Admin(name) => name.clone(),
        AccountActor::Itself => td_string!(locale, moderation.actor.itself).to_owned(),
        AccountActor::CommandLine => td_string!(locale, moderation.actor.command_line).to_owned(),
    }
}

pub fn trail_kind_name(locale: Locale, kind: TrailKind) -> &'static str {
    match kind {
        TrailKind::Story => td_string!(locale, moderation.audit.kind_story),
        TrailKind::Account => td_string!(locale, moderation.audit.kind_account),
    }
}

pub fn fixity_problem_name(locale: Locale, kind: FixityProblemKind) -> &'static str {
    match kind {
        FixityProblemKind::Missing => td_string!(locale, moderation.fixity.problem_missing),
        FixityProblemKind::Changed => td_string!(locale, moderation.fixity.problem_changed),
    }
}

pub fn fixity_trigger_name(locale: Locale, trigger: FixityTrigger) -> &'static str {
    match trigger {
        FixityTrigger::Schedule => td_string!(locale, moderation.fixity.by_schedule),
        FixityTrigger::Command => td_string!(locale, moderation.fixity.by_command),
    }
}

pub fn media_object_name(locale: Locale, object: MediaObjectKind) -> &'static str {
    match object {
        MediaObjectKind::Photo => td_string!(locale, moderation.fixity.photo),
        MediaObjectKind::Recording => td_string!(locale, moderation.fixity.recording),
    }
}

pub fn role_name(locale: Locale, role: AccountRole) -> &'static str {
    match role {
        AccountRole::Moderator => td_string!(locale, moderation.accounts.moderator),
        AccountRole::Admin => td_string!(locale, moderation.accounts.admin),
    }
}

/// "2011" / "约2011年" / "around 2011".
pub fn year(locale: Locale, year: i32, approximate: bool) -> String {
    if approximate {
        td_string!(locale, common.years.approx_year, year).to_string()
    } else {
        td_string!(locale, common.years.year, year).to_string()
    }
}

/// "2011 → 2021" / "约2011年 → 2021年".
pub fn year_span(locale: Locale, then: i32, then_approx: bool, now: i32) -> String {
    format!(
        "{} → {}",
        year(locale, then, then_approx),
        year(locale, now, false)
    )
}

/// A calendar date as people write it: "2026年11月25日" / "25 November 2026".
pub fn date(locale: Locale, year: i32, month: u8, day: u8) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match locale {
        Locale::zh_CN => format!("{year}年{month}月{day}日"),
        Locale::en => {
            let name = MONTHS
                .get(usize::from(month.saturating_sub(1)))
                .copied()
                .unwrap_or("");
            format!("{day} {name} {year}")
        }
    }
}

pub fn anonymous_credit(locale: Locale, place: &str) -> String {
    td_string!(locale, submission.track.anonymous_credit, place).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_cookie_then_header_then_default() {
        assert_eq!(negotiate(Some("en"), Some("zh-CN")), Locale::en);
        assert_eq!(
            negotiate(None, Some("fr-FR, en-GB;q=0.8, zh;q=0.5")),
            Locale::en
        );
        assert_eq!(
            negotiate(None, Some("en;q=0.2, zh-TW;q=0.9")),
            Locale::zh_CN
        );
        assert_eq!(negotiate(Some("xx"), Some("de")), Locale::zh_CN);
        assert_eq!(negotiate(None, Some("en;q=0")), Locale::zh_CN);
        assert_eq!(negotiate(None, None), Locale::zh_CN);
    }

    #[test]
    fn every_field_error_has_words_in_every_locale() {
        for locale in ALL {
            let text = field_error(locale, FieldError::TooShort { min: 4, actual: 2 });
            assert!(text.contains('4') && text.contains('2'), "{text}");
        }
    }
}
