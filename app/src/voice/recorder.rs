//! The recordings of the story form (docs/api.md, "Recordings"). Without JavaScript each group is
//! a file input for audio (phones offer their own recorder or voice memos) with its details.
//! With JavaScript the `Recorder` island adds recording in the page: record, pause, resume,
//! stop, listen back, a level meter, the time against the 60-minute limit, and interview mode.
//! What it records is put into the group's file input, so the form sends it like a chosen file.

use super::capture;
use super::clock::{LIMIT_MS, format_elapsed};
use super::interview::{interview_prompt, next_prompt};
use super::session::{Phase, Ui, control_id};
use crate::domain::limits::{INTERVIEW_PROMPTS, RECORDINGS_PER_STORY};
use crate::domain::{Field, RecordingDraft, StoryDraft};
use crate::locale::Locale;
use crate::submission::fields::{error_id, field_label};
use crate::ui::current_locale;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

const ACCEPT: &str = "audio/*";
const HINT_ID: &str = "recording-hint";

#[component]
pub fn RecordingFields(
    draft: StoryDraft,
    /// The localized message for `Field::Recording`, if any.
    error: Option<String>,
) -> impl IntoView {
    let locale = current_locale();
    let field = Field::Recording;
    let name = field.name();
    let class = if error.is_some() {
        "recordings has-error"
    } else {
        "recordings"
    };
    view! {
        <fieldset class=class id=format!("field-{name}")>
            <legend>{field_label(locale, field)}</legend>
            <p class="hint" id=HINT_ID>{td!(locale, submission.field.recording.hint)}</p>
            <span id=name tabindex="-1"></span>
            <p class="field-error" id=error_id(field)>{error}</p>
            {nested_groups(&draft)}
        </fieldset>
    }
}

/// The groups, each after the first folded inside an "add another recording" (open when
/// something was typed in it), as the photo groups are.
fn nested_groups(draft: &StoryDraft) -> AnyView {
    let locale = current_locale();
    let mut rest: Option<AnyView> = None;
    for index in (0..RECORDINGS_PER_STORY).rev() {
        let details = draft.recording(index);
        let typed = details != RecordingDraft::default();
        let group = view! { <RecordingGroup index details /> };
        rest = Some(if index == 0 {
            view! { {group} {rest} }.into_any()
        } else {
            let number = index + 1;
            view! {
                <details class="recording-extra" open=typed>
                    <summary>{td!(locale, voice.recorder.add_recording, number)}</summary>
                    {group}
                    {rest}
                </details>
            }
            .into_any()
        });
    }
    rest.unwrap_or_else(|| ().into_any())
}

#[component]
fn RecordingGroup(index: usize, details: RecordingDraft) -> impl IntoView {
    let locale = current_locale();
    let id = move |part: &str| control_id(index, part);
    let number = index + 1;
    let typed = !(details.summary.is_empty() && details.interviewer.is_empty());
    view! {
        <div class="recording-group">
            {(index > 0).then(|| view! { <p class="recording-number">{td!(locale, voice.recorder.recording_number, number)}</p> })}
            <Recorder locale index>
                <div class="recording-file">
                    <label for=id("file")>
                        <span class="no-recorder">{td!(locale, voice.recorder.file_label)}</span>
                        <span class="with-recorder">{td!(locale, voice.recorder.file_label_or)}</span>
                    </label>
                    <input type="file" id=id("file") name=Field::Recording.name() accept=ACCEPT
                        aria-describedby=format!("{HINT_ID} {}", error_id(Field::Recording)) />
                    <input type="hidden" id=id("markers") name=Field::RecordingMarkers.name() value=details.markers />
                </div>
            </Recorder>
            // Optional, so folded as a photo's details are; open once something was typed.
            <details class="recording-more" open=typed>
                <summary>{td!(locale, voice.recorder.details)}</summary>
                <label for=id("summary")>{field_label(locale, Field::RecordingSummary)}</label>
                <input type="text" id=id("summary") name=Field::RecordingSummary.name() value=details.summary />
                <label for=id("interviewer")>{field_label(locale, Field::RecordingInterviewer)}</label>
                <input type="text" id=id("interviewer") name=Field::RecordingInterviewer.name() value=details.interviewer autocomplete="off" />
            </details>
        </div>
    }
}

/// Recording in the page for one group. Its controls are rendered hidden and shown once the
/// island finds a microphone API; otherwise it says why and the file input stays the way.
#[island]
pub fn Recorder(locale: Locale, index: usize, children: Children) -> impl IntoView {
    let ui = Ui::new(locale, index);
    Effect::new(move |_| capture::hydrated(ui));
    let phase_is = move |phases: &'static [Phase]| move || phases.contains(&ui.phase.get());
    let shows = move |phases: &'static [Phase]| move || !phases.contains(&ui.phase.get());
    let next = move |_| {
        if let Some(prompt) = next_prompt(ui.prompt.get_untracked()) {
            ui.prompt.set(prompt);
            capture::mark(ui);
        }
    };
    view! {
        <div class="recorder" class:enhanced=move || ui.ready.get() on:change=move |ev| capture::changed(&ev, ui)>
            <div class="recorder-panel" hidden=move || !ui.ready.get()>
                <div class="check interview-toggle">
                    <input type="checkbox" id=ui.id("interview")
                        on:change=move |ev| capture::set_interview(ui, event_target_checked(&ev)) />
                    <label for=ui.id("interview")>{td!(locale, voice.interview.toggle)}</label>
                </div>
                <div class="interview" hidden=move || !ui.interview.get()>
                    <p class="hint">{td!(locale, voice.interview.hint)}</p>
                    <p class="interview-count">{move || prompt_count(ui)}</p>
                    <p class="interview-question" id=ui.id("question")>{move || interview_prompt(locale, ui.prompt.get())}</p>
                    <p class="interview-last" hidden=move || next_prompt(ui.prompt.get()).is_some()>{td!(locale, voice.interview.last)}</p>
                    <button type="button" class="interview-next" id=ui.id("next")
                        disabled=move || next_prompt(ui.prompt.get()).is_none() on:click=next>
                        {td!(locale, voice.interview.next)}
                    </button>
                </div>
                <div class="recorder-buttons">
                    <button type="button" class="primary recorder-record" id=ui.id("record")
                        hidden=shows(&[Phase::Idle, Phase::Starting]) disabled=phase_is(&[Phase::Starting])
                        on:click=move |_| capture::record(ui)>
                        {td!(locale, voice.recorder.record)}
                    </button>
                    <button type="button" class="recorder-pause" id=ui.id("pause")
                        hidden=shows(&[Phase::Recording]) on:click=move |_| capture::pause(ui)>
                        {td!(locale, voice.recorder.pause)}
                    </button>
                    <button type="button" class="recorder-resume" id=ui.id("resume")
                        hidden=shows(&[Phase::Paused]) on:click=move |_| capture::resume(ui)>
                        {td!(locale, voice.recorder.resume)}
                    </button>
                    <button type="button" class="primary recorder-stop" id=ui.id("stop")
                        hidden=shows(&[Phase::Recording, Phase::Paused]) on:click=move |_| capture::stop(ui)>
                        {td!(locale, voice.recorder.stop)}
                    </button>
                    <button type="button" class="recorder-again" id=ui.id("again")
                        hidden=shows(&[Phase::Stopped]) on:click=move |_| capture::record_again(ui)>
                        {td!(locale, voice.recorder.record_again)}
                    </button>
                </div>
                <div class="recorder-level" aria-hidden="true" hidden=shows(&[Phase::Recording, Phase::Paused])>
                    <span id=ui.id("level") style=move || format!("width:{}%", ui.level.get())></span>
                </div>
                <p class="recorder-time" id=ui.id("time") aria-live="polite" aria-atomic="true">
                    <span class="recorder-state" hidden=move || state_text(ui).is_empty()>{move || state_text(ui)}</span>
                    <span class="recorder-clock">{move || format_elapsed(ui.seconds.get().saturating_mul(1000))}</span>
                    <span class="recorder-limit">{limit_text(locale)}</span>
                </p>
                <audio controls preload="metadata" id=ui.id("listen") aria-label=td_string!(locale, voice.recorder.listen)
                    src=move || ui.listen.get() hidden=move || ui.listen.get().is_none()></audio>
            </div>
            <p class="recorder-status" id=ui.id("status") role="status">{move || ui.message.get()}</p>
            {children()}
        </div>
    }
}

fn prompt_count(ui: Ui) -> String {
    let number = ui.prompt.get().get();
    let total = INTERVIEW_PROMPTS;
    td_string!(ui.locale, voice.interview.count, number, total).to_string()
}

/// What is happening, before the time: "正在录音", "已暂停", or nothing.
fn state_text(ui: Ui) -> &'static str {
    match ui.phase.get() {
        Phase::Recording => td_string!(ui.locale, voice.recorder.recording),
        Phase::Paused => td_string!(ui.locale, voice.recorder.paused),
        Phase::Saving => td_string!(ui.locale, voice.recorder.saving),
        Phase::Idle | Phase::Starting | Phase::Stopped => "",
    }
}

/// "（最长 60:00）" after the time.
fn limit_text(locale: Locale) -> String {
    let limit = format_elapsed(LIMIT_MS);
    td_string!(locale, voice.recorder.limit, limit).to_string()
}

/// Rendering to HTML needs the `ssr` feature: `cargo test -p app --features ssr voice::` (the
/// workspace's `cargo test` has it through the server).
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::ui::PageContext;

    fn render(locale: Locale, draft: StoryDraft, error: Option<String>) -> String {
        let shared = std::sync::Arc::new(hydration_context::SsrSharedContext::new());
        Owner::new_root(Some(shared)).with(|| {
            provide_context(PageContext {
                locale,
                path: "/submit".to_owned(),
                options: leptos::config::LeptosOptions::builder()
                    .output_name("shinian")
                    .build(),
            });
            view! { <RecordingFields draft error /> }.to_html()
        })
    }

    fn count(html: &str, needle: &str) -> usize {
        html.matches(needle).count()
    }

    #[test]
    fn renders_two_groups_with_the_contract_names() {
        let html = render(Locale::zh_CN, StoryDraft::default(), None);
        for field in [
            Field::Recording,
            Field::RecordingSummary,
            Field::RecordingInterviewer,
            Field::RecordingMarkers,
        ] {
            let name = format!("name=\"{}\"", field.name());
            assert_eq!(
                count(&html, &name),
                RECORDINGS_PER_STORY,
                "{name} in {html}"
            );
        }
        assert_eq!(count(&html, "type=\"file\""), 2);
        assert_eq!(count(&html, "accept=\"audio/*\""), 2);
        assert_eq!(count(&html, "type=\"hidden\""), 2);
        assert!(html.contains("id=\"recording-1-file\""));
        assert!(html.contains("id=\"recording-2-markers\""));
        assert!(html.contains("id=\"err-recording\""));
        assert!(html.contains(td_string!(Locale::zh_CN, submission.field.recording.hint)));
        // The second group is folded while empty; the recorder's controls wait for JavaScript.
        assert!(
            html.contains("<details class=\"recording-extra\">"),
            "{html}"
        );
        assert!(
            html.contains("<div hidden class=\"recorder-panel\">"),
            "{html}"
        );
    }

    #[test]
    fn refills_the_draft_escaped_and_shows_the_error() {
        let hostile = format!("<{0}>alert(\"x\")</{0}> & more", "script");
        let mut draft = StoryDraft::default();
        draft.set_field(Field::RecordingSummary, "");
        draft.set_field(Field::RecordingSummary, &hostile);
        draft.set_field(Field::RecordingInterviewer, "");
        draft.set_field(Field::RecordingInterviewer, "小李（志愿者）");
        draft.set_field(Field::RecordingMarkers, "0:1 65230:2");
        draft.set_field(Field::RecordingMarkers, "0:1 4000:2");
        let message = "录音太长".to_owned();
        let html = render(Locale::en, draft, Some(message.clone()));
        assert!(!html.contains(&hostile), "unescaped: {html}");
        assert!(!html.contains(concat!("<", "script")), "{html}");
        let escaped = "value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more\"";
        assert!(html.contains(escaped), "{html}");
        assert!(html.contains("value=\"小李（志愿者）\""));
        assert!(html.contains("value=\"0:1 65230:2\""));
        assert!(html.contains("value=\"0:1 4000:2\""));
        let shown = format!("<p id=\"err-recording\" class=\"field-error\">{message}</p>");
        assert!(html.contains(&shown), "{html}");
        assert!(html.contains("recordings has-error"));
        // Something typed in the second group keeps it open.
        assert!(
            html.contains("<details open class=\"recording-extra\">"),
            "{html}"
        );
        assert!(html.contains("Add another recording"));
        // The first group's optional details stay folded; the second's, typed, are open.
        assert_eq!(
            count(&html, "<details class=\"recording-more\">"),
            1,
            "{html}"
        );
        assert_eq!(
            count(&html, "<details open class=\"recording-more\">"),
            1,
            "{html}"
        );
    }
}
