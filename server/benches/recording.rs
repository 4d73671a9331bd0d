//! P9 (issue 14): a 30-minute recording to its access copy, ours against the `ffmpeg` command
//! line, all as fresh processes: wall time and peak RSS.
//!
//! `cargo bench -p server --bench recording` (`RECORDING_BENCH_RUNS`, default 3) — figures in
//! docs/performance.md, "Recording access copy (P9)".
//!
//! The input is generated once: the demo's synthesized narration (server/demo/ferry-voice.ogg,
//! 35 s) looped to 30 minutes, 9 dB quieter (a voice far from the phone, whose peaks the
//! limiter must hold), as WebM/Opus at 32 kbit/s, what Chrome's recorder sends.
//!
//! - **ours**: this binary re-run with `--one IN OUT`, which calls `probe` and
//!   `make_access_copy` (an ffmpeg child measuring, then an ffmpeg child piping its PCM into a
//!   LAME child, all under `prlimit`, the parent reading their pipes for the peaks, the scrubber
//!   and the hash). Its peak RSS is the largest child's (`prlimit` runs each program in its own
//!   process); the parent's own is shown beside.
//!
//! Processes running at once need memory at once, so every variant's process tree is also
//! sampled (`TreeMemory`, every 10 ms): the peak of the RSS summed over all its processes (which
//! counts shared libraries' pages once per process) and of the PSS summed (which shares them
//! out: what the machine really holds).
//! - **ffmpeg CLI** (the target's baseline): the same normalisation, codec and bit rate from the
//!   command line, as someone would run it by hand: measure with `ebur128`, read the summary,
//!   then gain, limiter and ffmpeg's libmp3lame into a file, with the same LAME settings as
//!   ours (no peaks, no scrubbing, no hash, no limits), at the same niceness as ours (10).
//! - **loudnorm CLI** (once, for reference): ffmpeg's usual two-pass `loudnorm` recipe to the
//!   same targets, which the access copy used before (docs/decisions.md, "Voice").
//!
//! Both outputs are then measured with `ebur128` so the ratio compares like with like.

use server::media::audio::{make_access_copy, probe};
use server::numeric::f64_from_i64;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use turbojpeg::libc;

mod support;

const INPUT_SECONDS: u32 = 30 * 60;
const MP3: [&str; 14] = [
    "-ac",
    "1",
    "-ar",
    "44100",
    "-c:a",
    "libmp3lame",
    "-b:a",
    "64k",
    "-reservoir",
    "0",
    "-threads",
    "1",
    "-f",
    "mp3",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, flag, input, output] if flag == "--one" => one(Path::new(input), Path::new(output)),
        _ => bench(),
    }
}

fn bench() {
    let runs = std::env::var("RECORDING_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(3usize)
        .max(1);
    let work = std::env::temp_dir().join(format!("shinian-recording-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    let input = generate_input(&work);
    let ours_out = work.join("ours.mp3");
    let cli_out = work.join("cli.mp3");

    println!("30-minute WebM/Opus recording to mono 64 kbit/s MP3 at −16 LUFS; median of {runs}");
    let mut ours_runs = Vec::new();
    let mut cli_runs = Vec::new();
    for _ in 0..runs {
        ours_runs.push(ours(&input, &ours_out));
        cli_runs.push(cli(&input, &cli_out));
    }
    let ours = Summary::of(&ours_runs);
    let cli = Summary::of(&cli_runs);
    let loudnorm = loudnorm_cli(&input, &work.join("loudnorm.mp3"));

    println!(
        "\n{:<26} {:>8} {:>8} {:>10} {:>10} {:>10}",
        "", "wall s", "peak MB", "parent MB", "ΣRSS MB", "ΣPSS MB"
    );
    ours.print("ours (make_access_copy)");
    cli.print("ffmpeg CLI, same graph");
    loudnorm.print("loudnorm CLI (once)");
    println!(
        "\nwall: ours ÷ ffmpeg CLI = {:.2} (target ≤ 1.00); ours ÷ loudnorm = {:.2}",
        ours.wall_s / cli.wall_s,
        ours.wall_s / loudnorm.wall_s
    );
    println!(
        "peak RSS: ours {:.1} MB per process (target ≤ 64), {:.1} MB summed over its processes at \
         once, {:.1} MB PSS summed; ffmpeg CLI {:.1} MB; `ffmpeg -version` alone {:.1} MB",
        ours.peak_mb,
        ours.rss_together_mb,
        ours.pss_together_mb,
        cli.peak_mb,
        kb_to_mb(run(&mut ffmpeg(&["-version"])).max_rss_kb),
    );
    println!("\noutputs (ebur128):");
    for (label, path) in [
        ("ours", &ours_out),
        ("ffmpeg CLI", &cli_out),
        ("loudnorm CLI", &work.join("loudnorm.mp3")),
    ] {
        let summary = ebur128(path);
        println!(
            "  {label:<13} {:>6.1} LUFS  true peak {:>5.1} dB  {:>7.1} s  {:>9} bytes",
            summary.integrated,
            summary.true_peak,
            summary.seconds,
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The child process: probe and access copy; prints its children's and its own peak RSS (KB).
fn one(input: &Path, output: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let facts = probe(input).await.expect("probe").expect("accepted");
        let copy = make_access_copy(input, &facts, output, &[])
            .await
            .expect("conversion")
            .expect("accepted");
        assert!(copy.duration_ms > u64::from(INPUT_SECONDS - 1) * 1000);
    });
    // SAFETY: rusage is plain data that getrusage fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    println!("{} {}", usage.ru_maxrss, support::own_peak_rss_kb());
}

#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    max_rss_kb: i64,
    parent_kb: i64,
    tree: Together,
}

struct Summary {
    wall_s: f64,
    peak_mb: f64,
    parent_mb: Option<f64>,
    rss_together_mb: f64,
    pss_together_mb: f64,
}

impl Summary {
    fn of(runs: &[Run]) -> Summary {
        let median = |mut values: Vec<f64>| {
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let parent = median(runs.iter().map(|r| kb_to_mb(r.parent_kb)).collect());
        // The largest of the runs: memory is a limit, not an average.
        let largest = |kb: fn(&Run) -> i64| kb_to_mb(runs.iter().map(kb).max().unwrap_or(0));
        Summary {
            wall_s: median(runs.iter().map(|r| r.wall.as_secs_f64()).collect()),
            peak_mb: median(runs.iter().map(|r| kb_to_mb(r.max_rss_kb)).collect()),
            parent_mb: (parent > 0.0).then_some(parent),
            rss_together_mb: largest(|r| r.tree.rss_kb),
            pss_together_mb: largest(|r| r.tree.pss_kb),
        }
    }

    fn print(&self, label: &str) {
        let parent = self
            .parent_mb
            .map_or_else(|| "–".to_owned(), |mb| format!("{mb:.1}"));
        println!(
            "{label:<26} {:>8.1} {:>8.1} {parent:>10} {:>10.1} {:>10.1}",
            self.wall_s, self.peak_mb, self.rss_together_mb, self.pss_together_mb
        );
    }
}

fn ours(input: &Path, output: &Path) -> Run {
    let tree = TreeMemory::start();
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("current exe"))
        .arg("--one")
        .arg(input)
        .arg(output)
        .stderr(Stdio::inherit())
        .output()
        .expect("run ours");
    let wall = start.elapsed();
    assert!(out.status.success(), "ours failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut figures = text
        .split_whitespace()
        .map(|n| n.parse::<i64>().unwrap_or(0));
    Run {
        wall,
        max_rss_kb: figures.next().unwrap_or(0),
        parent_kb: figures.next().unwrap_or(0),
        tree: tree.stop(),
    }
}

/// The same two passes from the command line: measure, then gain (and limiter) into a file.
fn cli(input: &Path, output: &Path) -> Run {
    let tree = TreeMemory::start();
    let start = Instant::now();
    let input = input.to_str().expect("utf-8 path");
    let (measured, first) = run_capturing(&mut ffmpeg(&[
        "-v",
        "info",
        "-threads",
        "1",
        "-i",
        input,
        "-af",
        "aformat=channel_layouts=mono,ebur128=peak=true:framelog=verbose",
        "-f",
        "null",
        "-",
    ]));
    let loudness = Ebur128::parse(&measured);
    // The same gain as ours: to the target, plus a third of what the limiter will take.
    let to_target = -16.0 - loudness.integrated;
    let over_ceiling = (loudness.true_peak + to_target + 1.0).max(0.0);
    let gain = (to_target + over_ceiling / 3.0).min(40.0);
    let mut graph = format!("aformat=channel_layouts=mono,volume={gain:.2}dB");
    if loudness.true_peak + gain > -1.0 {
        graph.push_str(",alimiter=limit=0.8913:attack=5:release=50:level=false:latency=true");
    }
    graph.push_str(",aresample=44100");
    let mut args = vec!["-v", "error", "-threads", "1", "-i", input, "-af", &graph];
    args.extend(MP3);
    let output = output.to_str().expect("utf-8 path");
    args.push(output);
    let second = run(&mut ffmpeg(&args));
    Run {
        wall: start.elapsed(),
        max_rss_kb: first.max_rss_kb.max(second.max_rss_kb),
        parent_kb: 0,
        tree: tree.stop(),
    }
}

/// ffmpeg's usual two-pass loudnorm to the same targets (linear when it can, dynamic else).
fn loudnorm_cli(input: &Path, output: &Path) -> Summary {
    const TARGETS: &str = "loudnorm=I=-16:TP=-1:LRA=11";
    let tree = TreeMemory::start();
    let start = Instant::now();
    let input = input.to_str().expect("utf-8 path");
    let measure = format!("aformat=channel_layouts=mono,{TARGETS}:print_format=json");
    let (printed, first) = run_capturing(&mut ffmpeg(&[
        "-v", "info", "-threads", "1", "-i", input, "-af", &measure, "-f", "null", "-",
    ]));
    let field = |name: &str| {
        let at = printed.rfind(&format!("\"{name}\"")).expect(name);
        printed[at..]
            .split('"')
            .nth(3)
            .expect("loudnorm value")
            .to_owned()
    };
    let graph = format!(
        "aformat=channel_layouts=mono,{TARGETS}:measured_I={}:measured_TP={}:measured_LRA={}\
         :measured_thresh={}:offset={}:linear=true,aresample=44100",
        field("input_i"),
        field("input_tp"),
        field("input_lra"),
        field("input_thresh"),
        field("target_offset"),
    );
    let mut args = vec!["-v", "error", "-threads", "1", "-i", input, "-af", &graph];
    args.extend(MP3);
    let output = output.to_str().expect("utf-8 path");
    args.push(output);
    let second = run(&mut ffmpeg(&args));
    let wall_s = start.elapsed().as_secs_f64();
    let tree = tree.stop();
    Summary {
        wall_s,
        peak_mb: kb_to_mb(first.max_rss_kb.max(second.max_rss_kb)),
        parent_mb: None,
        rss_together_mb: kb_to_mb(tree.rss_kb),
        pss_together_mb: kb_to_mb(tree.pss_kb),
    }
}

fn generate_input(work: &Path) -> PathBuf {
    let narration = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/ferry-voice.ogg");
    let path = work.join("thirty-minutes.webm");
    let seconds = INPUT_SECONDS.to_string();
    run(&mut ffmpeg(&[
        "-v",
        "error",
        "-stream_loop",
        "-1",
        "-i",
        narration.to_str().expect("utf-8 path"),
        "-t",
        &seconds,
        "-af",
        "volume=-9dB",
        "-ac",
        "1",
        "-c:a",
        "libopus",
        "-b:a",
        "32k",
        "-f",
        "webm",
        path.to_str().expect("utf-8 path"),
    ]));
    path
}

/// ffmpeg at the niceness ours runs its children at (`nice` executes it in its own process), so
/// that other work on the machine slows both sides alike; on an idle machine it changes nothing.
fn ffmpeg(args: &[&str]) -> Command {
    let mut command = Command::new("nice");
    command
        .args([
            "-n",
            "10",
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-nostats",
            "-y",
        ])
        .args(args);
    command
}

/// Runs a command to its end; its wall time and peak RSS.
fn run(command: &mut Command) -> Run {
    run_capturing(command.stderr(Stdio::null())).1
}

/// Runs a command to its end, keeping its standard error.
// The child is reaped by wait4 in `support::reap`, not by Child::wait.
#[allow(clippy::zombie_processes)]
fn run_capturing(command: &mut Command) -> (String, Run) {
    use std::io::Read;
    let start = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let max_rss_kb = support::reap(&child, &(&command, &stderr));
    let run = Run {
        wall: start.elapsed(),
        max_rss_kb,
        parent_kb: 0,
        tree: Together::default(),
    };
    (stderr, run)
}

struct Ebur128 {
    integrated: f64,
    true_peak: f64,
    seconds: f64,
}

impl Ebur128 {
    fn parse(stderr: &str) -> Ebur128 {
        let summary = &stderr[stderr.rfind("Summary:").expect("ebur128 summary")..];
        let value = |section: &str, label: &str| -> f64 {
            let rest = &summary[summary.find(section).expect(section)..];
            rest.lines()
                .map(str::trim)
                .find_map(|line| line.strip_prefix(label))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .expect(label)
        };
        Ebur128 {
            integrated: value("Integrated loudness:", "I:"),
            true_peak: value("True peak:", "Peak:"),
            seconds: last_time(stderr),
        }
    }
}

/// The last frame's time ebur128 logged (`t: 1799.9`), at `info` with framelog on.
fn last_time(stderr: &str) -> f64 {
    stderr
        .rsplit("t: ")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0)
}

fn ebur128(path: &Path) -> Ebur128 {
    let (stderr, _) = run_capturing(&mut ffmpeg(&[
        "-v",
        "info",
        "-i",
        path.to_str().expect("utf-8 path"),
        "-af",
        "ebur128=peak=true:framelog=info",
        "-f",
        "null",
        "-",
    ]));
    Ebur128::parse(&stderr)
}

fn kb_to_mb(kb: i64) -> f64 {
    f64_from_i64(kb) / 1024.0
}

/// Peaks of the memory of all processes below this one taken together (KB).
#[derive(Clone, Copy, Default)]
struct Together {
    rss_kb: i64,
    pss_kb: i64,
}

/// Samples this process's descendants every 10 ms until stopped.
struct TreeMemory {
    stop: Arc<AtomicBool>,
    sampler: std::thread::JoinHandle<Together>,
}

impl TreeMemory {
    fn start() -> TreeMemory {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let sampler = std::thread::spawn(move || {
            let mut peak = Together::default();
            while !stopped.load(Ordering::Relaxed) {
                let now = descendants(std::process::id())
                    .into_iter()
                    .filter_map(rollup)
                    .fold(Together::default(), |sum, one| Together {
                        rss_kb: sum.rss_kb + one.rss_kb,
                        pss_kb: sum.pss_kb + one.pss_kb,
                    });
                peak.rss_kb = peak.rss_kb.max(now.rss_kb);
                peak.pss_kb = peak.pss_kb.max(now.pss_kb);
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        });
        TreeMemory { stop, sampler }
    }

    fn stop(self) -> Together {
        self.stop.store(true, Ordering::Relaxed);
        self.sampler.join().expect("memory sampler")
    }
}

/// Every process whose parent chain leads to `root`, from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (name) state ppid …": the name may hold spaces and parentheses.
            let after_name = &stat[stat.rfind(')')? + 1..];
            Some((pid, after_name.split_whitespace().nth(1)?.parse().ok()?))
        })
        .collect();
    let mut found = vec![root];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(pid, _)| *pid),
        );
        next += 1;
    }
    found.remove(0);
    found
}

fn rollup(pid: u32) -> Option<Together> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| -> Option<i64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some(Together {
        rss_kb: field("Rss:")?,
        pss_kb: field("Pss:")?,
    })
}
