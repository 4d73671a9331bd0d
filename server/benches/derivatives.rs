//! The JPEG derivatives (400, 800, 1600 px, quality 82, no metadata) of a 24 MP photo, ours
//! against libvips, both as fresh processes on one core: wall time and peak RSS.
//!
//! `cargo bench -p server --bench derivatives` — figures in docs/performance.md.
//!
//! libvips does what the issue describes: `vipsthumbnail` the original to 1600 (converting its
//! ICC profile to sRGB, as ours does), then 800 and 400 from that 1600 file
//! (`VIPS_CONCURRENCY=1`). Ours is this binary re-run with `--one IN OUT`,
//! which calls `jpeg_derivatives` and writes the three files. WebP and placeholder times are
//! measured in-process and reported beside, outside the ratio.
//!
//! With `MEDIA_STORE=s3` and the `S3_*` settings (`tests/load/with-garage.sh cargo bench -p
//! server --bench derivatives`), ours works as a worker does on object storage: the original
//! is read from the private bucket (put there once, outside the measurement) and the three
//! files are put into the public one; libvips still reads and writes local files.

use fast_image_resize as fr;
use server::media::derive::{self, Rgb};
use server::media::format::SourceFormat;
use server::media::names::DerivativeName;
use server::media::store::{MediaStore, S3Store};
use server::numeric::{f64_from_i64, f64_from_usize, usize_from};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
// turbojpeg re-exports libc: wait4 and sched_setaffinity without another dependency.
use turbojpeg::libc;

mod support;

const RUNS: usize = 5;
const VIPS_QUALITY: &str = "[Q=82,strip]";

const INPUTS: [&str; 2] = ["progressive 24 MP", "baseline 24 MP"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, flag, input, output] if flag == "--one" => one(Path::new(input), Path::new(output)),
        [_, flag, key, output] if flag == "--one-from-bucket" => {
            one_from_bucket(key, Path::new(output))
        }
        [_, flag, input] if flag == "--put-original" => put_original(Path::new(input)),
        [_, flag, input, output] if flag == "--baseline" => {
            reencode_baseline(Path::new(input), Path::new(output))
        }
        [_, flag, output] if flag == "--generate" => generate_progressive(Path::new(output)),
        _ => bench(),
    }
}

/// A child's peak RSS counts its parent's resident memory at fork time, so everything heavy is
/// done in child processes or after the measurements.
fn bench() {
    pin_to_first_core();
    let work = std::env::temp_dir().join(format!("shinian-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    let progressive = progressive_input(&work);
    let baseline = work.join("baseline_6000x4000.jpg");
    run_one(&mut itself(&[
        "--baseline".as_ref(),
        progressive.as_os_str(),
        baseline.as_os_str(),
    ]));
    let inputs = [progressive, baseline];
    let outputs = [work.join("out-progressive"), work.join("out-baseline")];
    let parent_mb = f64_from_i64(support::own_peak_rss_kb()) / 1024.0;

    println!("JPEG derivatives 1600/800/400, Q82, one core; median of {RUNS} runs after 1 warm-up");
    if bucket_store().is_some() {
        println!(
            "ours: original from the private bucket, derivatives into the public one (MEDIA_STORE=s3)"
        );
    }
    println!("(peak RSS of the measuring parent: {parent_mb:.1} MB, a floor under every figure)\n");
    println!(
        "{:<22} {:>8} {:>8} {:>6} {:>8} {:>8} {:>6}",
        "input", "ours ms", "vips ms", "ratio", "ours MB", "vips MB", "ratio"
    );
    for ((label, input), output) in INPUTS.iter().zip(&inputs).zip(&outputs) {
        compare(label, input, output);
    }
    println!();
    for ((label, input), output) in INPUTS.iter().zip(&inputs).zip(&outputs) {
        println!("{label}:");
        report_outputs(input, output);
    }
    println!();
    for (label, input) in INPUTS.iter().zip(&inputs) {
        stages(label, input);
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The child process: only the JPEG derivatives, written as `ours-{width}.jpg`.
fn one(input: &Path, output: &Path) {
    let derivatives = derive::jpeg_derivatives(input).expect("derivatives");
    for derivative in derivatives {
        let path = output.join(format!("ours-{}.jpg", derivative.width));
        std::fs::write(path, &derivative.bytes).expect("write");
    }
}

/// The object store of `MEDIA_STORE=s3`, if that is set.
fn bucket_store() -> Option<MediaStore> {
    if std::env::var("MEDIA_STORE").as_deref() != Ok("s3") {
        return None;
    }
    let settings = server::config::s3_settings().expect("the S3_* settings");
    let spool = std::env::temp_dir().join(format!("shinian-bench-s3-{}", std::process::id()));
    Some(MediaStore::S3(S3Store::new(settings, spool)))
}

fn block_on<T>(work: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(work)
}

/// The child that puts an original into the private bucket, as an upload would; prints its key.
fn put_original(input: &Path) {
    let store = bucket_store().expect("MEDIA_STORE=s3");
    let key = block_on(async {
        store.prepare().await.expect("spool folder");
        let mut spool = store.spool().await.expect("spool");
        spool
            .write(&std::fs::read(input).expect("read"))
            .await
            .expect("spool");
        let stored = store
            .keep_original(spool.finish().await.expect("spooled"))
            .await
            .expect("put");
        let key = stored.key.clone();
        stored.committed();
        key
    });
    println!("{key}");
}

/// The child for object storage: the original read from the bucket, the JPEG derivatives put
/// into the public one (and written as `ours-{width}.jpg` for the comparison of outputs).
fn one_from_bucket(key: &str, output: &Path) {
    let store = bucket_store().expect("MEDIA_STORE=s3");
    block_on(async {
        store.prepare().await.expect("spool folder");
        let original = store.original(key).await.expect("the original");
        let derivatives = derive::jpeg_derivatives(original.path()).expect("derivatives");
        let mut files = Vec::with_capacity(derivatives.len());
        for derivative in derivatives {
            let path = output.join(format!("ours-{}.jpg", derivative.width));
            std::fs::write(path, &derivative.bytes).expect("write");
            let name = DerivativeName {
                width: derivative.width,
                format: derivative.format,
            };
            files.push((name, derivative.bytes));
        }
        let public_key = server::media::names::random_key();
        store
            .put_derivatives(&public_key, files)
            .await
            .expect("put the derivatives");
    });
}

fn itself(args: &[&std::ffi::OsStr]) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("current exe"));
    command.args(args);
    command
}

fn pin_to_first_core() {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the call only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut set);
        if libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) != 0 {
            eprintln!("warning: could not pin to CPU 0; timings use every core");
        }
    }
}

/// `../shared/photos/rocket_6000x4000_progressive.jpg` when the shared folder is there, else
/// an equal synthetic 24 MP progressive JPEG.
fn progressive_input(work: &Path) -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/photos/rocket_6000x4000_progressive.jpg");
    if shared.exists() {
        return shared;
    }
    eprintln!(
        "note: {} not found; generating a 24 MP progressive JPEG",
        shared.display()
    );
    let path = work.join("progressive_6000x4000.jpg");
    run_one(&mut itself(&["--generate".as_ref(), path.as_os_str()]));
    path
}

/// Smooth gradients, rings and grain: compresses about like a photo.
fn generate_progressive(output: &Path) {
    let (width, height) = (6000, 4000);
    let mut pixels = Vec::with_capacity(width * height * 3);
    let mut noise = 0x2545_f491_u32;
    // Every channel below is under 256: at most 199 + 23, 179 + 63 and 126 + 23.
    let channel = |value: usize| u8::try_from(value).unwrap_or(u8::MAX);
    for y in 0..height {
        for x in 0..width {
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let grain = usize_from(noise % 24);
            let ring = ((x / 7 + y / 11) % 64) * 2;
            pixels.extend_from_slice(&[
                channel((x * 200 / width) + grain),
                channel((y * 180 / height) + ring / 2),
                channel(ring + grain),
            ]);
        }
    }
    std::fs::write(output, encode(&pixels, width, height, true)).expect("write");
}

fn reencode_baseline(input: &Path, output: &Path) {
    let data = std::fs::read(input).expect("read");
    let image = turbojpeg::decompress(&data, turbojpeg::PixelFormat::RGB).expect("decode");
    let bytes = encode(&image.pixels, image.width, image.height, false);
    std::fs::write(output, bytes).expect("write");
}

fn encode(pixels: &[u8], width: usize, height: usize, progressive: bool) -> Vec<u8> {
    let mut compressor = turbojpeg::Compressor::new().expect("compressor");
    compressor.set_quality(90).expect("quality");
    compressor
        .set_subsamp(turbojpeg::Subsamp::Sub2x2)
        .expect("subsamp");
    compressor
        .set_progressive(progressive)
        .expect("progressive");
    let image = turbojpeg::Image {
        pixels,
        width,
        pitch: 3 * width,
        height,
        format: turbojpeg::PixelFormat::RGB,
    };
    compressor.compress_to_vec(image).expect("encode")
}

/// Wall time and peak RSS (KB) of one run of a sequence of processes.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    max_rss_kb: i64,
}

fn run_sequence(commands: &mut [Command]) -> Run {
    let start = Instant::now();
    let mut max_rss_kb = 0;
    for command in commands {
        max_rss_kb = max_rss_kb.max(run_one(command));
    }
    Run {
        wall: start.elapsed(),
        max_rss_kb,
    }
}

/// Runs a command to its end; returns its peak RSS in KB.
// The child is reaped by wait4 in `support::reap`, not by Child::wait.
#[allow(clippy::zombie_processes)]
fn run_one(command: &mut Command) -> i64 {
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    support::reap(&child, command)
}

/// Ours on the local `input`, or on the original with `key` in the private bucket.
fn ours(input: &Path, key: Option<&str>, output: &Path) -> Vec<Command> {
    match key {
        Some(key) => vec![itself(&[
            "--one-from-bucket".as_ref(),
            key.as_ref(),
            output.as_os_str(),
        ])],
        None => vec![itself(&[
            "--one".as_ref(),
            input.as_os_str(),
            output.as_os_str(),
        ])],
    }
}

/// With `MEDIA_STORE=s3`: `input` put into the private bucket once (by a child), its key.
fn original_in_bucket(input: &Path) -> Option<String> {
    bucket_store()?;
    let out = itself(&["--put-original".as_ref(), input.as_os_str()])
        .output()
        .expect("put the original");
    assert!(out.status.success(), "{out:?}");
    Some(
        String::from_utf8(out.stdout)
            .expect("a key")
            .trim()
            .to_owned(),
    )
}

fn vips(input: &Path, output: &Path) -> Vec<Command> {
    let first = output.join("vips-1600.jpg");
    // Like ours, the first step converts an embedded profile (the rocket's is Adobe RGB) to sRGB;
    // without `--export-profile` vipsthumbnail would keep Adobe RGB pixels and strip the profile.
    // (On an untagged file the option shifts colours, so it is given only when there is one.)
    let convert = has_icc_profile(input);
    let step = |source: &Path, width: u32| {
        let mut command = Command::new("vipsthumbnail");
        if source == input && convert {
            command.args(["--export-profile", "srgb"]);
        }
        let target = output.join(format!("vips-{width}.jpg{VIPS_QUALITY}"));
        command
            .env("VIPS_CONCURRENCY", "1")
            .arg(source)
            .arg("--size")
            .arg(format!("{width}x"))
            .arg("-o")
            .arg(target);
        command
    };
    vec![step(input, 1600), step(&first, 800), step(&first, 400)]
}

fn has_icc_profile(jpeg: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let file = std::fs::File::open(jpeg).expect("open");
    file.take(256 * 1024).read_to_end(&mut head).expect("read");
    head.windows(12).any(|w| w == b"ICC_PROFILE\0")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn compare(label: &str, input: &Path, output: &Path) {
    std::fs::create_dir_all(output).expect("out dir");
    let key = original_in_bucket(input);
    let (mut our_runs, mut vips_runs) = (Vec::new(), Vec::new());
    for round in 0..=RUNS {
        let our_run = run_sequence(&mut ours(input, key.as_deref(), output));
        let vips_run = run_sequence(&mut vips(input, output));
        if round > 0 {
            our_runs.push(our_run);
            vips_runs.push(vips_run);
        }
    }
    let ms = |runs: &[Run]| median(runs.iter().map(|r| r.wall.as_secs_f64() * 1000.0).collect());
    let mb =
        |runs: &[Run]| f64_from_i64(runs.iter().map(|r| r.max_rss_kb).max().unwrap_or(0)) / 1024.0;
    let (our_ms, vips_ms) = (ms(&our_runs), ms(&vips_runs));
    let (our_mb, vips_mb) = (mb(&our_runs), mb(&vips_runs));
    println!(
        "{label:<22} {our_ms:>8.0} {vips_ms:>8.0} {:>5.2}× {our_mb:>8.1} {vips_mb:>8.1} {:>5.2}×",
        our_ms / vips_ms,
        our_mb / vips_mb,
    );
}

/// Sizes of both sides' files, and how close each 1600 px image is to a reference made
/// without shortcuts (full decode, Lanczos3): the DCT-domain scaling must not cost quality.
fn report_outputs(input: &Path, output: &Path) {
    let reference = reference_1600(input);
    for width in derive::WIDTHS.iter().rev() {
        let ours = std::fs::read(output.join(format!("ours-{width}.jpg"))).expect("ours");
        let vips = std::fs::read(output.join(format!("vips-{width}.jpg"))).expect("vips");
        let (oh, vh) = (header(&ours), header(&vips));
        println!(
            "    {width:>4}: ours {}×{} {:>4} KB, vips {}×{} {:>4} KB",
            oh.0,
            oh.1,
            ours.len() / 1024,
            vh.0,
            vh.1,
            vips.len() / 1024
        );
    }
    let psnr_of = |name: &str| {
        let bytes = std::fs::read(output.join(name)).expect("1600");
        let image = turbojpeg::decompress(&bytes, turbojpeg::PixelFormat::RGB).expect("decode");
        let same_size = (u32::try_from(image.width), u32::try_from(image.height))
            == (Ok(reference.width), Ok(reference.height));
        same_size.then(|| psnr(&image.pixels, &reference.pixels))
    };
    println!(
        "    1600 PSNR against full decode + Lanczos3: ours {:.2} dB, vips {:.2} dB",
        psnr_of("ours-1600.jpg").unwrap_or(f64::NAN),
        psnr_of("vips-1600.jpg").unwrap_or(f64::NAN)
    );
}

/// The original decoded in full, resized once (Lanczos3), converted to sRGB like ours.
fn reference_1600(input: &Path) -> Rgb {
    let to_srgb = derive::decode(input, SourceFormat::Jpeg)
        .expect("decode")
        .to_srgb;
    let data = std::fs::read(input).expect("read");
    let image = turbojpeg::decompress(&data, turbojpeg::PixelFormat::RGB).expect("decode");
    let image_width = u32::try_from(image.width).expect("decoded width fits u32");
    let image_height = u32::try_from(image.height).expect("decoded height fits u32");
    let (width, height) = derive::target_sizes(image_width, image_height)[0];
    let source = fr::images::ImageRef::new(
        image_width,
        image_height,
        &image.pixels,
        fr::PixelType::U8x3,
    )
    .expect("view");
    let mut target = fr::images::Image::new(width, height, fr::PixelType::U8x3);
    fr::Resizer::new()
        .resize(&source, &mut target, &fr::ResizeOptions::new())
        .expect("resize");
    let mut pixels = target.into_vec();
    if let Some(conversion) = to_srgb {
        conversion.apply(&mut pixels).expect("convert");
    }
    Rgb {
        width,
        height,
        pixels,
    }
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let squared: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    let mse = squared / f64_from_usize(a.len());
    10.0 * (255.0 * 255.0 / mse).log10()
}

fn header(jpeg: &[u8]) -> (usize, usize) {
    let header = turbojpeg::read_header(jpeg).expect("header");
    (header.width, header.height)
}

/// In-process stage times: decode (DCT-scaled), resize + rotate, JPEG, WebP, placeholder.
fn stages(label: &str, input: &Path) {
    let mut times: [Vec<f64>; 5] = Default::default();
    for round in 0..=RUNS {
        let start = Instant::now();
        let decoded = derive::decode(input, SourceFormat::Jpeg).expect("decode");
        let decoded_at = start.elapsed();
        let frames = derive::frames(decoded).expect("frames");
        let resized_at = start.elapsed();
        let jpeg = time(|| encode_all(&frames, jpeg_one));
        let webp = time(|| encode_all(&frames, |f| derive::encode_webp(f).map(|d| d.bytes)));
        let smallest = frames.last().expect("frames");
        let placeholder = time(|| derive::placeholder(smallest).expect("placeholder"));
        if round > 0 {
            let values = [decoded_at, resized_at - decoded_at, jpeg, webp, placeholder];
            for (list, value) in times.iter_mut().zip(values) {
                list.push(value.as_secs_f64() * 1000.0);
            }
        }
    }
    let [decode, resize, jpeg, webp, placeholder] = times.map(median);
    println!(
        "{label}, in-process ms: decode {decode:.0}, resize+rotate {resize:.0}, \
         JPEG ×3 {jpeg:.0} | WebP ×3 {webp:.0}, placeholder {placeholder:.2}"
    );
}

fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed()
}

fn encode_all(
    frames: &[Rgb],
    encode: impl Fn(&Rgb) -> Result<Vec<u8>, derive::DeriveError>,
) -> usize {
    frames
        .iter()
        .map(|frame| encode(frame).expect("encode").len())
        .sum()
}

fn jpeg_one(frame: &Rgb) -> Result<Vec<u8>, derive::DeriveError> {
    let mut compressor = derive::jpeg_compressor()?;
    derive::encode_jpeg(frame, &mut compressor).map(|d| d.bytes)
}
