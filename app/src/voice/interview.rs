//! Interview mode: a volunteer asks the resident a set of questions about their ten years, one
//! at a time, and each "Next question" tap while recording leaves a marker, so the story page
//! can offer the recording as chapters titled with the questions.

use crate::domain::limits::RECORDING_MARKERS_MAX;
use crate::domain::{Marker, PromptNumber};
use crate::locale::Locale;
use leptos_i18n::td_string;

/// The question numbered `prompt`, in the reader's language (interview mode shows it; the story
/// page titles the recording's index points with it).
pub fn interview_prompt(locale: Locale, prompt: PromptNumber) -> &'static str {
    match prompt.get() {
        1 => td_string!(locale, voice.interview.prompt.q1),
        2 => td_string!(locale, voice.interview.prompt.q2),
        3 => td_string!(locale, voice.interview.prompt.q3),
        4 => td_string!(locale, voice.interview.prompt.q4),
        5 => td_string!(locale, voice.interview.prompt.q5),
        6 => td_string!(locale, voice.interview.prompt.q6),
        7 => td_string!(locale, voice.interview.prompt.q7),
        8 => td_string!(locale, voice.interview.prompt.q8),
        9 => td_string!(locale, voice.interview.prompt.q9),
        _ => td_string!(locale, voice.interview.prompt.q10),
    }
}

/// The question after `prompt`, if there is one.
pub fn next_prompt(prompt: PromptNumber) -> Option<PromptNumber> {
    PromptNumber::new(prompt.get().saturating_add(1))
}

/// The markers of one recording as it is made: in the order tapped, so ascending in time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewLog(Vec<Marker>);

impl InterviewLog {
    /// Notes that `prompt` is being asked `at_ms` into the recording. A tap that would go back
    /// in time or past the number of markers allowed is ignored: the recording goes on.
    pub fn mark(&mut self, at_ms: u32, prompt: PromptNumber) {
        let in_order = self.0.last().is_none_or(|last| last.at_ms <= at_ms);
        if in_order && self.0.len() < RECORDING_MARKERS_MAX {
            self.0.push(Marker { at_ms, prompt });
        }
    }

    pub fn markers(&self) -> &[Marker] {
        &self.0
    }

    /// The `recording_markers` value, as `InterviewMarkers::parse` reads it.
    pub fn form_value(&self) -> String {
        self.0
            .iter()
            .map(|m| format!("{}:{}", m.at_ms, m.prompt.get()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InterviewMarkers;
    use crate::domain::limits::INTERVIEW_PROMPTS;
    use crate::voice::clock::Clock;

    fn prompt(n: u8) -> PromptNumber {
        PromptNumber::new(n).unwrap()
    }

    #[test]
    fn markers_leave_out_paused_time() {
        // Recording starts at question 1; question 2 after 4 s; a 30 s pause; question 3 after
        // 2.5 s more; question 4 while paused again.
        let mut clock = Clock::started(10_000.0);
        let mut log = InterviewLog::default();
        log.mark(clock.elapsed_ms(10_000.0), prompt(1));
        log.mark(clock.elapsed_ms(14_000.0), prompt(2));
        clock.pause(15_000.0);
        clock.resume(45_000.0);
        log.mark(clock.elapsed_ms(46_500.0), prompt(3));
        clock.pause(47_000.0);
        log.mark(clock.elapsed_ms(50_000.0), prompt(4));
        assert_eq!(log.form_value(), "0:1 4000:2 6500:3 7000:4");
        let parsed = InterviewMarkers::parse(&log.form_value()).unwrap();
        assert_eq!(parsed.as_slice(), log.markers());
        assert_eq!(parsed.to_form_value(), log.form_value());
    }

    #[test]
    fn keeps_within_the_contract() {
        assert_eq!(InterviewLog::default().form_value(), "");
        let mut log = InterviewLog::default();
        log.mark(5_000, prompt(2));
        log.mark(4_000, prompt(3));
        assert_eq!(log.form_value(), "5000:2", "never back in time");
        for i in 0..100 {
            log.mark(6_000 + i, prompt(3));
        }
        assert_eq!(log.markers().len(), RECORDING_MARKERS_MAX);
        assert!(InterviewMarkers::parse(&log.form_value()).is_ok());
    }

    #[test]
    fn every_question_is_written_in_both_languages() {
        assert_eq!(PromptNumber::all().count(), usize::from(INTERVIEW_PROMPTS));
        for locale in crate::locale::ALL {
            let mut seen = std::collections::HashSet::new();
            for number in PromptNumber::all() {
                let text = interview_prompt(locale, number);
                assert!(text.chars().count() > 8, "{locale:?} {number:?}: {text}");
                assert!(seen.insert(text), "{locale:?}: question {number:?} repeats");
            }
        }
        assert_eq!(next_prompt(prompt(1)), Some(prompt(2)));
        assert_eq!(next_prompt(prompt(INTERVIEW_PROMPTS)), None);
    }
}
