//! Generated fixtures and the measurements the tests make on an access copy (with ffmpeg and
//! ffprobe, as a listener's player would decode it).

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The fixtures folder, generated on first use.
pub fn folder() -> &'static Path {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/audio/generate.sh");
        let digest = Sha256::digest(std::fs::read(&script).expect("read generate.sh"));
        let name: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let folder = std::env::temp_dir().join(format!("shinian-audio-fixtures-{name}"));
        let status = Command::new("bash")
            .arg(&script)
            .arg(&folder)
            .status()
            .expect("run generate.sh");
        assert!(
            status.success(),
            "generate.sh failed: install ffmpeg and espeak-ng (./dev.sh test does)"
        );
        folder
    })
}

pub fn accepted(name: &str) -> PathBuf {
    folder().join("accepted").join(name)
}

pub fn hostile(name: &str) -> PathBuf {
    folder().join("hostile").join(name)
}

/// A fresh empty folder for one test's outputs (emptied again by the next run).
pub fn out_folder(test: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("shinian-audio-out-{test}"));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// The files in `folder` (to prove that nothing, not even a partial file, was left).
pub fn entries(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn ffmpeg_stderr(args: &[&str]) -> String {
    let output = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-nostats"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "ffmpeg {args:?} failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Integrated loudness (EBU R128, LUFS) as ffmpeg's ebur128 filter measures it.
pub fn integrated_loudness(path: &Path) -> f64 {
    let stderr = ffmpeg_stderr(&[
        "-i",
        path.to_str().unwrap(),
        "-af",
        "ebur128=framelog=verbose",
        "-f",
        "null",
        "-",
    ]);
    let summary = &stderr[stderr.rfind("Integrated loudness:").unwrap()..];
    let line = summary
        .lines()
        .find(|l| l.trim().starts_with("I:"))
        .unwrap();
    line.trim()[2..]
        .trim()
        .trim_end_matches("LUFS")
        .trim()
        .parse()
        .unwrap()
}

/// The file decoded to 8 kHz mono 16-bit samples.
pub fn decode_8khz(path: &Path) -> Vec<i16> {
    let output = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args(["-ac", "1", "-ar", "8000", "-f", "s16le", "pipe:1"])
        .output()
        .unwrap();
    assert!(output.status.success());
    output
        .stdout
        .chunks_exact(2)
        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
        .collect()
}

/// ffprobe's view of a file's format, streams and every tag, as JSON.
pub fn ffprobe_json(path: &Path) -> serde_json::Value {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-show_chapters",
        ])
        .args(["-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The length of a file as ffprobe reads its container, in milliseconds.
pub fn duration_ms(path: &Path) -> u64 {
    let json = ffprobe_json(path);
    let seconds: f64 = json["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    crate::numeric::u64_from_f64((seconds * 1000.0).round())
}
