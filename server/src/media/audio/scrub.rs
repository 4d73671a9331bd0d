//! LAME writes its name and version ("LAME3.100") into the spare bits at the end of MP3 frames
//! (the ancillary data), whatever ffmpeg is told about metadata. With the bit reservoir off
//! (`-reservoir 0`), each frame's audio data starts right after its side information and is
//! exactly as long as the side information says, so everything after it is ancillary: this
//! scrubber zeroes it while the encoder's output streams past. It accepts only MPEG-1
//! Layer III frames without the reservoir (what the access copy is), and refuses to pass on
//! anything else rather than pass it unscrubbed.

/// The encoder's output was not what the scrubber can clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScrubError {
    #[error("not an MPEG-1 Layer III frame at byte {0}")]
    NotAFrame(u64),
    #[error("the frame at byte {0} uses the bit reservoir")]
    Reservoir(u64),
    #[error("the stream ends inside a frame")]
    Incomplete,
}

/// Whole frames go out scrubbed; a frame's bytes are held until all of it has arrived.
#[derive(Debug, Default)]
pub struct Scrubber {
    pending: Vec<u8>,
    offset: u64,
}

impl Scrubber {
    /// Takes the next bytes of the stream and gives back the frames they complete, scrubbed.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, ScrubError> {
        self.pending.extend_from_slice(chunk);
        let mut done = 0;
        while let Some(header) = self.pending.get(done..done + 4) {
            let at = self.offset + u64::try_from(done).unwrap_or(u64::MAX);
            let frame = Frame::parse(header).ok_or(ScrubError::NotAFrame(at))?;
            let Some(bytes) = self.pending.get_mut(done..done + frame.length) else {
                break;
            };
            frame.scrub(bytes).ok_or(ScrubError::Reservoir(at))?;
            done += frame.length;
        }
        self.offset += u64::try_from(done).unwrap_or(u64::MAX);
        Ok(self.pending.drain(..done).collect())
    }

    /// The end of the stream: no partial frame may be left.
    pub fn finish(self) -> Result<(), ScrubError> {
        match self.pending.is_empty() {
            true => Ok(()),
            false => Err(ScrubError::Incomplete),
        }
    }
}

const BITRATES_KBPS: [usize; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const SAMPLE_RATES: [usize; 3] = [44_100, 48_000, 32_000];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    length: usize,
    /// Where the side information starts (after the header and its CRC, if any).
    side_info: usize,
    mono: bool,
}

impl Frame {
    fn parse(header: &[u8]) -> Option<Frame> {
        let [0xFF, second, third, fourth] = *header else {
            return None;
        };
        // 11 sync bits, MPEG-1 (11), Layer III (01).
        if second & 0xFE != 0xFA {
            return None;
        }
        let bitrate = *BITRATES_KBPS.get(usize::from(third >> 4))?;
        let sample_rate = *SAMPLE_RATES.get(usize::from((third >> 2) & 3))?;
        if bitrate == 0 {
            return None;
        }
        let padding = usize::from((third >> 1) & 1);
        Some(Frame {
            length: 144 * bitrate * 1000 / sample_rate + padding,
            side_info: if second & 1 == 0 { 6 } else { 4 },
            mono: fourth >> 6 == 3,
        })
    }

    /// Zeroes the frame's ancillary bits; `None` if its audio data does not start in it.
    fn scrub(self, frame: &mut [u8]) -> Option<()> {
        let (channels, private_bits, side_info_bytes) = match self.mono {
            true => (1, 5, 17),
            false => (2, 3, 32),
        };
        let side = frame.get(self.side_info..self.side_info + side_info_bytes)?;
        if read_bits(side, 0, 9)? != 0 {
            return None;
        }
        // main_data_begin, private bits, scfsi; then 2 granules × channels blocks of 59 bits,
        // each starting with its part2_3_length (12 bits).
        let first_block = 9 + private_bits + 4 * channels;
        let audio_bits: usize = (0..2 * channels)
            .map(|block| read_bits(side, first_block + 59 * block, 12))
            .sum::<Option<usize>>()?;
        let end = 8 * (self.side_info + side_info_bytes) + audio_bits;
        zero_from_bit(frame, end);
        Some(())
    }
}

/// `count` bits (at most 16) starting `at` bits into `bytes`, most significant first.
fn read_bits(bytes: &[u8], at: usize, count: usize) -> Option<usize> {
    (at..at + count).try_fold(0usize, |value, bit| {
        let byte = bytes.get(bit / 8)?;
        Some(value << 1 | usize::from((byte >> (7 - bit % 8)) & 1))
    })
}

fn zero_from_bit(bytes: &mut [u8], bit: usize) {
    let first_whole = bit.div_ceil(8);
    if !bit.is_multiple_of(8)
        && let Some(partial) = bytes.get_mut(bit / 8)
    {
        *partial &= 0xFF << (8 - bit % 8);
    }
    if let Some(rest) = bytes.get_mut(first_whole..) {
        rest.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64 kbit/s 44.1 kHz mono frame header: 208 bytes without padding.
    const HEADER: [u8; 4] = [0xFF, 0xFB, 0x50, 0xC4];

    fn frame_with_audio_bits(audio_bits: usize) -> Vec<u8> {
        let mut frame = vec![0xAA; 208];
        frame[..4].copy_from_slice(&HEADER);
        frame[4..21].fill(0);
        // part2_3_length of granule 0 (bits 18..30 of the side information).
        let value = audio_bits;
        for i in 0..12 {
            let bit = 4 * 8 + 18 + i;
            if value >> (11 - i) & 1 == 1 {
                frame[bit / 8] |= 0x80 >> (bit % 8);
            }
        }
        frame
    }

    #[test]
    fn the_bits_after_the_audio_data_are_zeroed() {
        let frame = frame_with_audio_bits(100);
        let mut scrubber = Scrubber::default();
        let out = scrubber.push(&frame).unwrap();
        scrubber.finish().unwrap();
        let audio_end = 21 * 8 + 100; // bit 268: byte 33, 4 bits kept
        assert_eq!(out[..33], frame[..33]);
        assert_eq!(out[33], 0xA0);
        assert!(out[34..].iter().all(|b| *b == 0));
        assert_eq!(audio_end / 8, 33);
    }

    #[test]
    fn frames_split_across_chunks_come_out_whole() {
        let frame = frame_with_audio_bits(8);
        let stream = [frame.clone(), frame].concat();
        let mut scrubber = Scrubber::default();
        let mut out = scrubber.push(&stream[..300]).unwrap();
        assert_eq!(out.len(), 208);
        out.extend(scrubber.push(&stream[300..]).unwrap());
        assert_eq!(out.len(), 416);
        scrubber.finish().unwrap();
    }

    #[test]
    fn anything_else_is_refused_rather_than_passed_on() {
        let mut scrubber = Scrubber::default();
        assert_eq!(scrubber.push(b"ID3\x04\0\0"), Err(ScrubError::NotAFrame(0)));
        let mut reservoir = frame_with_audio_bits(8);
        reservoir[4] = 0x80;
        assert_eq!(
            Scrubber::default().push(&reservoir),
            Err(ScrubError::Reservoir(0))
        );
        let mut partial = Scrubber::default();
        partial.push(&reservoir[..100]).unwrap();
        assert_eq!(partial.finish(), Err(ScrubError::Incomplete));
    }
}
