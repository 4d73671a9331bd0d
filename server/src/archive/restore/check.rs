//! Reading and validating a bag before anything is written (RFC 8493, 3): `bagit.txt`,
//! `bag-info.txt` (a full Shinian bag, its Payload-Oxum), `tagmanifest-sha256.txt` and
//! `manifest-sha256.txt` (every payload file hashed again, in 64 KiB steps), every file under
//! `data/` listed, and every story document and table row readable by this server's schema.
//! Payload files are checked by a few threads at once. Memory stays one file's buffer (a story
//! document whole) per thread and a few batches of manifest lines whatever the bag's size.

use super::document;
use super::error::ImportError;
use super::schema::{ACCOUNT_TABLES, LOG_TABLES, Schema};
use crate::archive::bag::writer::{Oxum, hex};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

/// Payload files between two progress lines.
const PROGRESS_EVERY: u64 = 10_000;

/// A bag that says it is a full Shinian bag.
#[derive(Debug)]
pub struct BagDir {
    pub root: PathBuf,
    pub oxum: Oxum,
}

/// What validation counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counted {
    pub stories: u64,
    pub originals: u64,
}

impl BagDir {
    /// Reads the tag files; refuses what is not a full Shinian bag.
    pub fn open(root: &Path) -> Result<BagDir, ImportError> {
        let not_a_bag = |why: String| ImportError::NotABag {
            path: root.to_path_buf(),
            why,
        };
        if crate::archive::bag::writer::is_tar(root) && root.is_file() {
            return Err(not_a_bag(
                "a serialized bag (.tar): unpack it first (`tar -xf` it) and import the folder it holds".into(),
            ));
        }
        let bagit = std::fs::read_to_string(root.join("bagit.txt"))
            .map_err(|e| not_a_bag(format!("bagit.txt: {e}")))?;
        if !bagit.lines().any(|l| l.starts_with("BagIt-Version:")) {
            return Err(not_a_bag("bagit.txt has no BagIt-Version".into()));
        }
        let info = std::fs::read_to_string(root.join("bag-info.txt"))
            .map_err(|e| not_a_bag(format!("bag-info.txt: {e}")))?;
        let info = tags(&info);
        let value = |label: &str| {
            info.iter()
                .find(|(l, _)| l.eq_ignore_ascii_case(label))
                .map(|(_, v)| v.as_str())
        };
        match value("Bag-Group-Identifier") {
            Some("shinian-full") => {}
            Some("shinian-public" | "shinian-open") => {
                return Err(ImportError::PublicBag(root.to_path_buf()));
            }
            other => {
                return Err(not_a_bag(format!(
                    "not a Shinian bag (Bag-Group-Identifier {other:?}, expected \"shinian-full\")"
                )));
            }
        }
        let oxum = value("Payload-Oxum")
            .and_then(parse_oxum)
            .ok_or_else(|| not_a_bag("bag-info.txt has no valid Payload-Oxum".into()))?;
        if !root.join("manifest-sha256.txt").is_file() {
            return Err(not_a_bag("there is no manifest-sha256.txt".into()));
        }
        Ok(BagDir {
            root: root.to_path_buf(),
            oxum,
        })
    }

    /// A payload path as the manifest or a document names it, made safe: relative, inside the
    /// bag, no `..`.
    pub fn payload(&self, name: &str) -> Result<PathBuf, ImportError> {
        let path = Path::new(name);
        let safe = path.starts_with("data")
            && path.components().all(|c| matches!(c, Component::Normal(_)));
        if safe {
            Ok(self.root.join(path))
        } else {
            Err(ImportError::Invalid(format!(
                "{name:?} is not a path inside the bag's data/"
            )))
        }
    }

    /// Validates the whole bag (see the module's comment).
    pub fn validate(&self, schema: &Schema) -> Result<Counted, ImportError> {
        self.check_tag_manifest()?;
        let data = self.root.join("data");
        // The folders are walked for files the manifest does not list while the listed ones
        // are checked.
        let (sums, on_disk) = std::thread::scope(|scope| {
            let walk = scope.spawn(|| count_files(&data));
            let sums = self.check_payload(schema);
            let on_disk = walk
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (sums, on_disk)
        });
        let Sums {
            files,
            bytes,
            counted,
        } = sums?;
        let on_disk = on_disk?;
        if on_disk != files {
            return Err(ImportError::Invalid(format!(
                "data/ holds {on_disk} files, manifest-sha256.txt lists {files}"
            )));
        }
        let found = Oxum { bytes, files };
        if found != self.oxum {
            return Err(ImportError::Invalid(format!(
                "the payload is {found} (bytes.files), bag-info.txt's Payload-Oxum says {}",
                self.oxum
            )));
        }
        Ok(counted)
    }

    /// Every payload file the manifest lists, checked by `checkers()` threads that take the
    /// manifest's lines in batches (a large bag is millions of small files: reading and hashing
    /// them is most of an import's check).
    fn check_payload(&self, schema: &Schema) -> Result<Sums, ImportError> {
        let manifest_path = self.root.join("manifest-sha256.txt");
        let manifest = File::open(&manifest_path).map_err(ImportError::io(&manifest_path))?;
        let threads = checkers();
        let (batches, next) = mpsc::sync_channel::<Vec<String>>(threads * 2);
        let next = Mutex::new(next);
        let failed = AtomicBool::new(false);
        let checked = AtomicU64::new(0);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| self.check_batches(&next, schema, &failed, &checked)))
                .collect();
            let read = send_batches(manifest, &manifest_path, &batches, &failed);
            drop(batches);
            let mut sums = Sums::default();
            let mut first_error = read.err();
            for worker in workers {
                match worker.join() {
                    Ok(Ok(part)) => sums.add(part),
                    Ok(Err(error)) => {
                        first_error.get_or_insert(error);
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            first_error.map_or(Ok(sums), Err)
        })
    }

    /// One checking thread: batches of manifest lines until there are no more or a file fails.
    fn check_batches(
        &self,
        next: &Mutex<mpsc::Receiver<Vec<String>>>,
        schema: &Schema,
        failed: &AtomicBool,
        checked: &AtomicU64,
    ) -> Result<Sums, ImportError> {
        let mut sums = Sums::default();
        loop {
            let batch = match next.lock() {
                Ok(receiver) => receiver.recv(),
                Err(_) => return Ok(sums), // another checker panicked; its panic is reported
            };
            let Ok(batch) = batch else { return Ok(sums) };
            for line in batch {
                if let Err(error) = self.check_line(&line, schema, &mut sums) {
                    failed.store(true, Ordering::Relaxed);
                    return Err(error);
                }
                let before = checked.fetch_add(1, Ordering::Relaxed);
                if (before + 1).is_multiple_of(PROGRESS_EVERY) {
                    eprintln!(
                        "checked {} of {} payload files",
                        before + 1,
                        self.oxum.files
                    );
                }
            }
        }
    }

    fn check_line(&self, line: &str, schema: &Schema, sums: &mut Sums) -> Result<(), ImportError> {
        let (digest, name) = manifest_line(line)?;
        let path = self.payload(&name)?;
        let (found, size) = self.check_file(&name, &path, schema, &mut sums.counted)?;
        if !found.eq_ignore_ascii_case(digest) {
            return Err(ImportError::Invalid(format!(
                "{name} does not match its SHA-256 in manifest-sha256.txt (changed or damaged)"
            )));
        }
        sums.files += 1;
        sums.bytes += size;
        Ok(())
    }

    fn check_tag_manifest(&self) -> Result<(), ImportError> {
        let path = self.root.join("tagmanifest-sha256.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(()); // optional (RFC 8493, 2.2.1)
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (digest, name) = manifest_line(line)?;
            let tag = Path::new(&name);
            if tag.components().count() != 1
                || !matches!(tag.components().next(), Some(Component::Normal(_)))
            {
                return Err(ImportError::Invalid(format!(
                    "tag file {name:?} is not in the bag's top folder"
                )));
            }
            let (found, _) = hash_stream(&self.root.join(tag))?;
            if !found.eq_ignore_ascii_case(digest) {
                return Err(ImportError::Invalid(format!(
                    "{name} does not match its SHA-256 in tagmanifest-sha256.txt"
                )));
            }
        }
        Ok(())
    }

    /// Hashes one payload file; story documents and table rows are also read and checked.
    fn check_file(
        &self,
        name: &str,
        path: &Path,
        schema: &Schema,
        counted: &mut Counted,
    ) -> Result<(String, u64), ImportError> {
        if is_story_document(name) {
            let bytes = std::fs::read(path).map_err(ImportError::io(path))?;
            let doc: Value = serde_json::from_slice(&bytes)
                .map_err(|e| ImportError::Invalid(format!("{name}: {e}")))?;
            let story = document::split(doc)?;
            for (table, row) in &story.rows {
                schema.check(table, row)?;
            }
            for original in &story.originals {
                let file = self.payload(&format!("data/{}", original.file))?;
                if !file.is_file() {
                    return Err(ImportError::Invalid(format!(
                        "{name}: {} {} has no file {}",
                        original.object, original.id, original.file
                    )));
                }
            }
            counted.stories += 1;
            counted.originals += u64::try_from(story.originals.len()).unwrap_or(0);
            let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            return Ok((hex(&Sha256::digest(&bytes)), size));
        }
        if let Some(table) = table_file(name) {
            return check_table(name, path, table, schema);
        }
        if name.starts_with("data/tables/") {
            return Err(ImportError::Schema(format!(
                "{name}: a table this server does not restore"
            )));
        }
        hash_stream(path)
    }
}

/// What checking counted.
#[derive(Debug, Default)]
struct Sums {
    files: u64,
    bytes: u64,
    counted: Counted,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.counted.stories += other.counted.stories;
        self.counted.originals += other.counted.originals;
    }
}

/// Threads that check payload files: the cores, at most 4.
fn checkers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Manifest lines handed to a checking thread at a time.
const LINES_PER_BATCH: usize = 256;

/// Reads the manifest's lines into batches for the checkers; stops when one failed.
fn send_batches(
    manifest: File,
    path: &Path,
    batches: &mpsc::SyncSender<Vec<String>>,
    failed: &AtomicBool,
) -> Result<(), ImportError> {
    let mut batch = Vec::with_capacity(LINES_PER_BATCH);
    for line in BufReader::new(manifest).lines() {
        let line = line.map_err(ImportError::io(path))?;
        if line.trim().is_empty() {
            continue;
        }
        batch.push(line);
        if batch.len() == LINES_PER_BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(LINES_PER_BATCH));
            if failed.load(Ordering::Relaxed) || batches.send(full).is_err() {
                return Ok(()); // a checker's error is the one reported
            }
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(batch);
    }
    Ok(())
}

/// `data/stories/{id}/story.json`.
pub fn is_story_document(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    matches!(parts.as_slice(), ["data", "stories", id, "story.json"] if id.parse::<i64>().is_ok())
}

/// `data/tables/{table}.jsonl` of a table the restore knows.
pub fn table_file(name: &str) -> Option<&'static str> {
    let table = name.strip_prefix("data/tables/")?.strip_suffix(".jsonl")?;
    ACCOUNT_TABLES
        .iter()
        .chain(&LOG_TABLES)
        .find(|t| **t == table)
        .copied()
}

fn check_table(
    name: &str,
    path: &Path,
    table: &str,
    schema: &Schema,
) -> Result<(String, u64), ImportError> {
    let file = File::open(path).map_err(ImportError::io(path))?;
    let mut reader = BufReader::with_capacity(64 * 1024, Hashing::new(file));
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(ImportError::io(path))? == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(row)) => schema.check(table, &row)?,
            _ => {
                return Err(ImportError::Invalid(format!(
                    "{name}: a line is not a JSON object"
                )));
            }
        }
    }
    Ok(reader.into_inner().finish())
}

/// `{digest} {path}`, the path's `%25`, `%0D`, `%0A` decoded (RFC 8493, 2.1.3).
fn manifest_line(line: &str) -> Result<(&str, String), ImportError> {
    let (digest, name) = line
        .split_once(char::is_whitespace)
        .ok_or_else(|| ImportError::Invalid(format!("a manifest line without a path: {line:?}")))?;
    let name = name
        .trim_start()
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%");
    Ok((digest, name))
}

fn tags(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
        } else if let Some((label, value)) = line.split_once(':') {
            out.push((label.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

fn parse_oxum(value: &str) -> Option<Oxum> {
    let (bytes, files) = value.split_once('.')?;
    Some(Oxum {
        bytes: bytes.parse().ok()?,
        files: files.parse().ok()?,
    })
}

/// Regular files under `dir`, walked depth-first (memory: the folders being walked).
fn count_files(dir: &Path) -> Result<u64, ImportError> {
    let mut count = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(ImportError::io(&dir))? {
            let entry = entry.map_err(ImportError::io(&dir))?;
            let kind = entry.file_type().map_err(ImportError::io(entry.path()))?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                count += 1;
            } else {
                return Err(ImportError::Invalid(format!(
                    "{} is neither a file nor a folder",
                    entry.path().display()
                )));
            }
        }
    }
    Ok(count)
}

fn hash_stream(path: &Path) -> Result<(String, u64), ImportError> {
    let file = File::open(path).map_err(ImportError::io(path))?;
    let mut hashing = Hashing::new(file);
    io::copy(&mut hashing, &mut io::sink()).map_err(ImportError::io(path))?;
    Ok(hashing.finish())
}

/// A reader that hashes what passes through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The hex SHA-256 and length of what was read.
    pub fn finish(self) -> (String, u64) {
        (hex(&self.hasher.finalize()), self.bytes)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += u64::try_from(n).unwrap_or(u64::MAX);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_and_tags_are_read_as_written() {
        let (digest, name) = manifest_line("ab  data/50%25%0Ax").expect("line");
        assert_eq!((digest, name.as_str()), ("ab", "data/50%\nx"));
        let info = tags("A: one\n  two\nPayload-Oxum: 5.1\n");
        assert_eq!(info[0].1, "one\ntwo");
        assert_eq!(parse_oxum(&info[1].1), Some(Oxum { bytes: 5, files: 1 }));
        assert!(is_story_document("data/stories/12/story.json"));
        assert!(!is_story_document("data/stories/x/story.json"));
        assert_eq!(table_file("data/tables/accounts.jsonl"), Some("accounts"));
    }

    #[test]
    fn paths_outside_the_payload_are_refused() {
        let bag = BagDir {
            root: PathBuf::from("/bag"),
            oxum: Oxum { bytes: 0, files: 0 },
        };
        assert!(bag.payload("data/stories/1/story.json").is_ok());
        assert!(bag.payload("data/../bag-info.txt").is_err());
        assert!(bag.payload("/etc/passwd").is_err());
        assert!(bag.payload("bag-info.txt").is_err());
    }
}
