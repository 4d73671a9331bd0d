//! What a recording is: its container (told from its first bytes, never its name) and its
//! codec (as ffprobe names it), and which codecs each container may hold.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// MP4/M4A/3GP (an `ftyp` box): iPhone voice memos, Safari's recorder.
    Mp4,
    /// Raw AAC in ADTS frames, as some Android recorders save it.
    Adts,
    Mp3,
    Wav,
    Ogg,
    /// WebM/Matroska: Chrome's and Firefox's recorders.
    Matroska,
    Amr,
}

impl Container {
    pub const ALL: [Container; 7] = [
        Container::Mp4,
        Container::Adts,
        Container::Mp3,
        Container::Wav,
        Container::Ogg,
        Container::Matroska,
        Container::Amr,
    ];

    /// Its stable name (for rows and logs).
    pub fn name(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Adts => "adts",
            Container::Mp3 => "mp3",
            Container::Wav => "wav",
            Container::Ogg => "ogg",
            Container::Matroska => "matroska",
            Container::Amr => "amr",
        }
    }

    pub fn from_name(name: &str) -> Option<Container> {
        Container::ALL.into_iter().find(|c| c.name() == name)
    }

    /// ffmpeg's demuxer for it: forced with `-f`, so ffmpeg never guesses (and never reaches
    /// playlist or concat demuxers that open other files).
    pub fn demuxer(self) -> &'static str {
        match self {
            Container::Mp4 => "mov",
            Container::Adts => "aac",
            Container::Mp3 => "mp3",
            Container::Wav => "wav",
            Container::Ogg => "ogg",
            Container::Matroska => "matroska",
            Container::Amr => "amr",
        }
    }

    /// Whether a recording in this container may hold this codec.
    pub fn holds(self, codec: Codec) -> bool {
        use Codec::*;
        matches!(
            (self, codec),
            (Container::Mp4, Aac | Alac | AmrNb | AmrWb)
                | (Container::Adts, Aac)
                | (Container::Mp3, Mp3)
                | (Container::Wav, Pcm)
                | (Container::Ogg | Container::Matroska, Opus | Vorbis)
                | (Container::Amr, AmrNb | AmrWb)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Aac,
    /// Apple Lossless (iPhone voice memos set to lossless).
    Alac,
    Mp3,
    /// Uncompressed or G.711 samples in a WAV.
    Pcm,
    Opus,
    Vorbis,
    AmrNb,
    AmrWb,
}

impl Codec {
    /// Its stable name (for rows and logs).
    pub fn name(self) -> &'static str {
        match self {
            Codec::Aac => "aac",
            Codec::Alac => "alac",
            Codec::Mp3 => "mp3",
            Codec::Opus => "opus",
            Codec::Vorbis => "vorbis",
            Codec::AmrNb => "amr_nb",
            Codec::AmrWb => "amr_wb",
            Codec::Pcm => "pcm",
        }
    }

    /// The codec of ffprobe's `codec_name`, if it is one a recording may use.
    pub fn from_ffprobe(name: &str) -> Option<Codec> {
        Some(match name {
            "aac" => Codec::Aac,
            "alac" => Codec::Alac,
            "mp3" => Codec::Mp3,
            "opus" => Codec::Opus,
            "vorbis" => Codec::Vorbis,
            "amr_nb" => Codec::AmrNb,
            "amr_wb" => Codec::AmrWb,
            "pcm_u8" | "pcm_s16le" | "pcm_s24le" | "pcm_s32le" | "pcm_f32le" | "pcm_f64le"
            | "pcm_alaw" | "pcm_mulaw" => Codec::Pcm,
            _ => return None,
        })
    }
}
