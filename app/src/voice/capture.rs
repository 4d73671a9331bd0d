//! The recorder's browser side: the microphone, `MediaRecorder`, the level meter (Web Audio
//! `AnalyserNode`), and handing the finished recording to the group's file input as if it had
//! been chosen (`DataTransfer`), so the ordinary form post and the form enhancer both send it,
//! and it stays there when an upload fails. Interview markers go into the group's hidden
//! `recording_markers` input. On the server these are no-ops: the island has not hydrated.

#[cfg(not(feature = "hydrate"))]
mod client {
    use crate::voice::session::Ui;

    pub fn hydrated(_: Ui) {}
    pub fn record(_: Ui) {}
    pub fn pause(_: Ui) {}
    pub fn resume(_: Ui) {}
    pub fn stop(_: Ui) {}
    pub fn record_again(_: Ui) {}
    pub fn mark(_: Ui) {}
    pub fn set_interview(_: Ui, _: bool) {}
    pub fn changed(_: &leptos::ev::Event, _: Ui) {}
}

pub use client::{
    changed, hydrated, mark, pause, record, record_again, resume, set_interview, stop,
};

#[cfg(feature = "hydrate")]
mod client {
    use crate::voice::clock::{Clock, LIMIT_MS, level_percent};
    use crate::voice::handover::{forget, listen_to, to_file, write_markers};
    use crate::voice::interview::InterviewLog;
    use crate::voice::media_type;
    use crate::voice::session::{Phase, Ui};
    use js_sys::Reflect;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use leptos_i18n::td_string;
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::rc::Rc;
    use std::time::Duration;
    use web_sys::{
        AnalyserNode, AudioContext, Blob, BlobEvent, HtmlFormElement, HtmlInputElement,
        MediaRecorder, MediaRecorderOptions, MediaStream, MediaStreamConstraints, MediaStreamTrack,
        RecordingState,
    };

    /// Enough for speech; an hour stays near 30 MB, far under the upload limit, and quick to
    /// send from a phone.
    const BITS_PER_SECOND: u32 = 64_000;
    /// The recorder hands over its data each second, so little is lost if the tab is killed.
    const SLICE_MS: i32 = 1000;
    const TICK: Duration = Duration::from_millis(100);

    /// One recording being made. Dropping it lets go of everything it holds.
    struct Take {
        recorder: MediaRecorder,
        stream: MediaStream,
        meter: Option<(AudioContext, AnalyserNode)>,
        chunks: Rc<RefCell<Vec<Blob>>>,
        clock: Clock,
        log: InterviewLog,
        ticker: Option<IntervalHandle>,
        /// Stopped because a file was chosen instead: nothing is kept.
        discard: bool,
        hit_limit: bool,
        /// The form was sent while recording: sent again once the recording is in it.
        submit_after: Option<HtmlFormElement>,
        _on_data: Closure<dyn FnMut(BlobEvent)>,
        _on_stop: Closure<dyn FnMut()>,
    }

    thread_local! {
        /// The take of each group, by group index.
        static TAKES: RefCell<BTreeMap<usize, Take>> = const { RefCell::new(BTreeMap::new()) };
    }

    fn with_take<R>(ui: Ui, f: impl FnOnce(&mut Take) -> R) -> Option<R> {
        TAKES.with(|takes| takes.borrow_mut().get_mut(&ui.index).map(f))
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    fn has(object: &JsValue, name: &str) -> bool {
        Reflect::get(object, &JsValue::from_str(name))
            .is_ok_and(|value| !value.is_undefined() && !value.is_null())
    }

    /// `MediaRecorder` and `getUserMedia` (absent on old browsers, and on pages served over
    /// plain http other than localhost).
    fn supported() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let devices = Reflect::get(&window.navigator(), &JsValue::from_str("mediaDevices"))
            .unwrap_or(JsValue::UNDEFINED);
        has(&window, "MediaRecorder") && has(&devices, "getUserMedia")
    }

    pub fn hydrated(ui: Ui) {
        if supported() {
            ui.ready.set(true);
            stop_before_submit(ui);
        } else {
            ui.message
                .set(Some(td_string!(ui.locale, voice.recorder.unavailable)));
        }
    }

    /// Sending the form while recording (or paused) first stops the recording and puts it into
    /// the form, then sends the form: what was said is not left behind. Listens on the document
    /// before the form's own handlers (the form enhancer's among them).
    fn stop_before_submit(ui: Ui) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if !matches!(ui.phase.get_untracked(), Phase::Recording | Phase::Paused) {
                return;
            }
            let Some(form) = own_form(ui).filter(|form| {
                event.target().map(JsValue::from) == Some(JsValue::from(form.clone()))
            }) else {
                return;
            };
            event.prevent_default();
            event.stop_immediate_propagation();
            with_take(ui, |take| take.submit_after = Some(form));
            stop(ui);
        });
        let _ = document.add_event_listener_with_callback_and_bool(
            "submit",
            on_submit.as_ref().unchecked_ref(),
            true,
        );
        // Lives as long as the page, like the island.
        on_submit.forget();
    }

    /// The form the group's file input belongs to.
    fn own_form(ui: Ui) -> Option<HtmlFormElement> {
        let document = web_sys::window()?.document()?;
        document
            .get_element_by_id(&ui.id("file"))?
            .dyn_into::<HtmlInputElement>()
            .ok()?
            .form()
    }

    pub fn record(ui: Ui) {
        if !matches!(ui.phase.get_untracked(), Phase::Idle | Phase::Stopped) {
            return;
        }
        let promise = web_sys::window()
            .and_then(|w| w.navigator().media_devices().ok())
            .and_then(|devices| {
                let constraints = MediaStreamConstraints::new();
                constraints.set_audio(&JsValue::TRUE);
                devices.get_user_media_with_constraints(&constraints).ok()
            });
        let Some(promise) = promise else {
            ui.message
                .set(Some(td_string!(ui.locale, voice.recorder.unavailable)));
            return;
        };
        ui.phase.set(Phase::Starting);
        ui.message
            .set(Some(td_string!(ui.locale, voice.recorder.starting)));
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(stream) => begin(ui, stream.unchecked_into()),
                Err(error) => {
                    ui.phase.set(Phase::Idle);
                    ui.message.set(Some(refusal(&error, ui)));
                }
            }
        });
    }

    fn refusal(error: &JsValue, ui: Ui) -> &'static str {
        let name = Reflect::get(error, &"name".into())
            .ok()
            .and_then(|n| n.as_string());
        match name.as_deref() {
            Some("NotAllowedError" | "SecurityError") => {
                td_string!(ui.locale, voice.recorder.denied)
            }
            _ => td_string!(ui.locale, voice.recorder.unavailable),
        }
    }

    fn recorder_for(stream: &MediaStream) -> Option<MediaRecorder> {
        let options = MediaRecorderOptions::new();
        options.set_audio_bits_per_second(BITS_PER_SECOND);
        if let Some(mime) = media_type::choose(MediaRecorder::is_type_supported) {
            options.set_mime_type(mime);
        }
        MediaRecorder::new_with_media_stream_and_media_recorder_options(stream, &options).ok()
    }

    /// The microphone is on: start recording, the clock, the meter and the first marker.
    fn begin(ui: Ui, stream: MediaStream) {
        let Some(recorder) = recorder_for(&stream) else {
            release(&stream);
            ui.phase.set(Phase::Idle);
            ui.message
                .set(Some(td_string!(ui.locale, voice.recorder.unavailable)));
            return;
        };
        let chunks = Rc::new(RefCell::new(Vec::new()));
        let on_data = {
            let chunks = Rc::clone(&chunks);
            Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
                if let Some(data) = event.data().filter(|d| d.size() > 0.0) {
                    chunks.borrow_mut().push(data);
                }
            })
        };
        // The take is dropped when it is finished; not from inside its own handler.
        let on_stop = Closure::<dyn FnMut()>::new(move || {
            set_timeout(move || finish(ui), Duration::ZERO);
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
        if recorder.start_with_time_slice(SLICE_MS).is_err() {
            release(&stream);
            ui.phase.set(Phase::Idle);
            ui.message
                .set(Some(td_string!(ui.locale, voice.recorder.unavailable)));
            return;
        }
        let mut log = InterviewLog::default();
        if ui.interview.get_untracked() {
            log.mark(0, ui.prompt.get_untracked());
        }
        write_markers(ui, &log.form_value());
        let take = Take {
            meter: meter(&stream),
            recorder,
            stream,
            chunks,
            clock: Clock::started(now()),
            log,
            ticker: set_interval_with_handle(move || tick(ui), TICK).ok(),
            discard: false,
            hit_limit: false,
            submit_after: None,
            _on_data: on_data,
            _on_stop: on_stop,
        };
        TAKES.with(|takes| takes.borrow_mut().insert(ui.index, take));
        ui.seconds.set(0);
        ui.message.set(None);
        ui.phase.set(Phase::Recording);
    }

    /// An analyser on the microphone; the recording goes on without one.
    fn meter(stream: &MediaStream) -> Option<(AudioContext, AnalyserNode)> {
        let context = AudioContext::new().ok()?;
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(1024);
        source.connect_with_audio_node(&analyser).ok()?;
        // Created after a tap, but some browsers still start it suspended.
        let _ = context.resume();
        Some((context, analyser))
    }

    fn tick(ui: Ui) {
        let Some((elapsed, level, recording)) = with_take(ui, |take| {
            let recording = take.recorder.state() == RecordingState::Recording;
            let level = take
                .meter
                .as_ref()
                .filter(|_| recording)
                .map_or(0, |(_, analyser)| {
                    let mut samples = vec![128u8; 1024];
                    analyser.get_byte_time_domain_data(&mut samples);
                    level_percent(&samples)
                });
            (take.clock.elapsed_ms(now()), level, recording)
        }) else {
            return;
        };
        let seconds = elapsed / 1000;
        if ui.seconds.get_untracked() != seconds {
            ui.seconds.set(seconds);
        }
        if ui.level.get_untracked() != level {
            ui.level.set(level);
        }
        if recording && elapsed >= LIMIT_MS {
            with_take(ui, |take| take.hit_limit = true);
            stop(ui);
        }
    }

    pub fn pause(ui: Ui) {
        let paused = with_take(ui, |take| {
            take.clock.pause(now());
            take.recorder.pause().is_ok()
        });
        if paused == Some(true) {
            ui.level.set(0);
            ui.phase.set(Phase::Paused);
        }
    }

    pub fn resume(ui: Ui) {
        let resumed = with_take(ui, |take| {
            take.clock.resume(now());
            take.recorder.resume().is_ok()
        });
        if resumed == Some(true) {
            ui.phase.set(Phase::Recording);
        }
    }

    /// Stops recording and lets go of the microphone at once; the file follows in `finish`.
    pub fn stop(ui: Ui) {
        let stopped = with_take(ui, |take| {
            take.clock.pause(now());
            if let Some(ticker) = take.ticker.take() {
                ticker.clear();
            }
            let _ = take.recorder.stop();
            release(&take.stream);
            if let Some((context, _)) = take.meter.take() {
                let _ = context.close();
            }
        });
        if stopped.is_some() {
            ui.level.set(0);
            ui.phase.set(Phase::Saving);
        }
    }

    fn release(stream: &MediaStream) {
        for track in stream.get_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }

    /// The recorder has handed over its last data: the recording becomes the group's file.
    fn finish(ui: Ui) {
        let Some(take) = TAKES.with(|takes| takes.borrow_mut().remove(&ui.index)) else {
            return;
        };
        if take.discard {
            return;
        }
        let seconds = take.clock.elapsed_ms(now()) / 1000;
        ui.seconds.set(seconds);
        hand_over(ui, &take);
        if let Some(form) = &take.submit_after {
            let _ = form.request_submit();
        }
    }

    /// The recording into the group's file input, or nothing kept when nothing was recorded.
    fn hand_over(ui: Ui, take: &Take) {
        let chunks = take.chunks.borrow();
        let mime = take.recorder.mime_type();
        match (!chunks.is_empty())
            .then(|| to_file(ui, &chunks, &mime))
            .flatten()
        {
            Some(file) => {
                listen_to(ui, Some(&file));
                ui.message.set(Some(if take.hit_limit {
                    td_string!(ui.locale, voice.recorder.limit_reached)
                } else {
                    td_string!(ui.locale, voice.recorder.saved)
                }));
                ui.phase.set(Phase::Stopped);
            }
            None => {
                write_markers(ui, "");
                ui.message
                    .set(Some(td_string!(ui.locale, voice.recorder.empty)));
                ui.phase.set(Phase::Idle);
            }
        }
    }

    pub fn record_again(ui: Ui) {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(td_string!(ui.locale, voice.recorder.confirm_again))
                    .ok()
            })
            .unwrap_or(true);
        if !confirmed || ui.phase.get_untracked() != Phase::Stopped {
            return;
        }
        forget(ui);
        ui.seconds.set(0);
        ui.prompt.set(Ui::first_prompt());
        ui.phase.set(Phase::Idle);
        record(ui);
    }

    /// "Next question" (the prompt has moved on) or interview mode switched on: while a take
    /// runs, the question shown now starts here.
    pub fn mark(ui: Ui) {
        if !ui.interview.get_untracked() {
            return;
        }
        let value = with_take(ui, |take| {
            take.log
                .mark(take.clock.elapsed_ms(now()), ui.prompt.get_untracked());
            take.log.form_value()
        });
        if let Some(value) = value {
            write_markers(ui, &value);
        }
    }

    pub fn set_interview(ui: Ui, on: bool) {
        ui.interview.set(on);
        mark(ui);
    }

    /// A file chosen in the input replaces what was recorded (a take still running is
    /// dropped): it is what will be sent, so it is what can be listened to.
    pub fn changed(ev: &leptos::ev::Event, ui: Ui) {
        let Some(chosen) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .filter(|t| t.id() == ui.id("file"))
        else {
            return;
        };
        if with_take(ui, |take| take.discard = true).is_some() {
            stop(ui);
        }
        write_markers(ui, "");
        let file = chosen.files().and_then(|files| files.get(0));
        listen_to(ui, file.as_ref());
        ui.seconds.set(0);
        ui.message.set(
            file.is_some()
                .then(|| td_string!(ui.locale, voice.recorder.chosen)),
        );
        ui.phase.set(Phase::Idle);
    }
}
