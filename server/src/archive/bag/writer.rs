//! A BagIt bag (RFC 8493) written in one pass: every payload file is hashed while it is
//! written (never read back), its manifest line is written at once (the manifest is never
//! held in memory), and the tag files come last, hashed as they are written too.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why a bag could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BagError {
    #[error(
        "{0} is not empty: a bag is written into an empty or new folder (choose another --out)"
    )]
    NotEmpty(PathBuf),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl BagError {
    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> BagError + use<> {
        let path = path.to_path_buf();
        move |source| BagError::Io {
            action,
            path,
            source,
        }
    }
}

/// A writer that hashes what passes through it and counts its bytes.
pub struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer flushed, the lowercase hex SHA-256 and the length of what was written.
    pub fn finish(mut self) -> io::Result<(W, String, u64)> {
        self.inner.flush()?;
        Ok((self.inner, hex(&self.hasher.finalize()), self.bytes))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.bytes += u64::try_from(written).unwrap_or(u64::MAX);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hex, as manifests write digests (two million of them in a large export: no
/// formatting machinery per byte).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

/// One payload file being written; `Bag::close` records it in the manifest. In a serialized
/// bag it is spooled beside the .tar and appended when closed (a tar entry's header needs the
/// length first).
pub struct PayloadFile {
    /// Relative to the bag, `data/…`, with `/`.
    name: String,
    /// Where its bytes are being written.
    path: PathBuf,
    out: Hashing<BufWriter<File>>,
}

impl Write for PayloadFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Where a bag goes: a folder, or one .tar holding the bag's folder (a serialized bag, RFC
/// 8493 4.4: no file per payload file on disk, which is where the time of a large export goes).
enum Out {
    Folder,
    Tar {
        tar: Box<tar::Builder<BufWriter<WrittenBack>>>,
        /// The bag's folder inside the .tar.
        top: String,
        /// Every entry's modification time: the start of the bagging day (UTC).
        mtime: u64,
        spooled: u64,
    },
}

impl Out {
    /// Appends an entry from bytes in memory; their SHA-256.
    fn append_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<String, BagError> {
        let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        self.append(name, length, bytes)?;
        Ok(hex(&Sha256::digest(bytes)))
    }

    /// Appends an entry `{top}/{name}` of `length` bytes to a serialized bag (a payload
    /// file's `name` starts with `data/`, a tag file's does not).
    fn append(&mut self, name: &str, length: u64, bytes: impl io::Read) -> Result<(), BagError> {
        let Out::Tar {
            tar, top, mtime, ..
        } = self
        else {
            return Ok(());
        };
        let mut header = tar::Header::new_gnu();
        header.set_size(length);
        header.set_mode(0o644);
        header.set_mtime(*mtime);
        header.set_entry_type(tar::EntryType::Regular);
        let path = format!("{top}/{name}");
        tar.append_data(&mut header, &path, bytes)
            .map_err(BagError::io("writing", Path::new(&path)))
    }
}

/// A bag being written into `root` (a folder; for a serialized bag, the folder beside the
/// .tar where the manifest and streamed files are spooled, removed when it is finished).
pub struct Bag {
    root: PathBuf,
    out: Out,
    manifest: Hashing<BufWriter<File>>,
    payload_bytes: u64,
    payload_files: u64,
}

impl Bag {
    /// Starts a bag at `out`: a folder that must be empty or not exist yet, or, when `out`
    /// ends in `.tar`, a new .tar file (serialized bag) whose folder inside is named after it.
    pub fn create(out: &Path) -> Result<Bag, BagError> {
        if is_tar(out) {
            return Bag::create_tar(out);
        }
        empty_folder(out)?;
        let data = out.join("data");
        std::fs::create_dir(&data).map_err(BagError::io("creating", &data))?;
        let manifest = create(&out.join("manifest-sha256.txt"))?;
        Ok(Bag {
            root: out.to_path_buf(),
            out: Out::Folder,
            manifest: Hashing::new(manifest),
            payload_bytes: 0,
            payload_files: 0,
        })
    }

    fn create_tar(out: &Path) -> Result<Bag, BagError> {
        let top = out
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("bag")
            .to_owned();
        let file = File::create_new(out).map_err(BagError::io("creating", out))?;
        let spool = spool_folder(out);
        if let Err(error) = empty_folder(&spool) {
            let _ = std::fs::remove_file(out);
            return Err(error);
        }
        let mut tar =
            tar::Builder::new(BufWriter::with_capacity(256 * 1024, WrittenBack::new(file)));
        tar.mode(tar::HeaderMode::Deterministic);
        let now = time::OffsetDateTime::now_utc();
        let day = now.replace_time(time::Time::MIDNIGHT).unix_timestamp();
        let manifest = create(&spool.join("manifest-sha256.txt"))?;
        Ok(Bag {
            root: spool,
            out: Out::Tar {
                tar: Box::new(tar),
                top,
                mtime: u64::try_from(day).unwrap_or_default(),
                spooled: 0,
            },
            manifest: Hashing::new(manifest),
            payload_bytes: 0,
            payload_files: 0,
        })
    }

    /// A new payload file at `data/{name}` (folders created as needed).
    pub fn file(&mut self, name: &str) -> Result<PayloadFile, BagError> {
        let name = format!("data/{name}");
        let path = match &mut self.out {
            Out::Folder => {
                let path = self.root.join(&name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(BagError::io("creating", parent))?;
                }
                path
            }
            Out::Tar { spooled, .. } => {
                *spooled += 1;
                self.root.join(format!("{spooled}.part"))
            }
        };
        Ok(PayloadFile {
            out: Hashing::new(create(&path)?),
            name,
            path,
        })
    }

    /// Finishes a payload file and writes its manifest line.
    pub fn close(&mut self, file: PayloadFile) -> Result<(), BagError> {
        let (inner, digest, bytes) = file
            .out
            .finish()
            .map_err(BagError::io("writing", &file.path))?;
        inner
            .into_inner()
            .map_err(|e| BagError::io("writing", &file.path)(e.into_error()))?;
        if let Out::Tar { .. } = self.out {
            let spooled = File::open(&file.path).map_err(BagError::io("reading", &file.path))?;
            self.out.append(&file.name, bytes, spooled)?;
            std::fs::remove_file(&file.path).map_err(BagError::io("removing", &file.path))?;
        }
        self.listed(&file.name, &digest, bytes)
    }

    /// A whole payload file from bytes in memory (small documents).
    pub fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), BagError> {
        if let Out::Folder = self.out {
            let mut file = self.file(name)?;
            file.write_all(bytes)
                .map_err(BagError::io("writing", &file.path))?;
            return self.close(file);
        }
        let name = format!("data/{name}");
        let digest = self.out.append_bytes(&name, bytes)?;
        self.listed(
            &name,
            &digest,
            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        )
    }

    fn listed(&mut self, name: &str, digest: &str, bytes: u64) -> Result<(), BagError> {
        self.payload_bytes += bytes;
        self.payload_files += 1;
        let line = format!("{digest}  {}\n", manifest_path(name));
        self.manifest
            .write_all(line.as_bytes())
            .map_err(BagError::io("writing", Path::new("manifest-sha256.txt")))
    }

    /// Copies a stream from the media store into the payload at `data/{name}`, in 64 KiB
    /// steps; `what` names its source in an error.
    pub async fn copy_stream(
        &mut self,
        name: &str,
        mut input: crate::media::store::ObjectReader,
        what: &str,
    ) -> Result<(), BagError> {
        use tokio::io::AsyncReadExt as _;
        let mut file = self.file(name)?;
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = input
                .read(&mut buffer)
                .await
                .map_err(BagError::io("copying", Path::new(what)))?;
            if read == 0 {
                break;
            }
            file.write_all(&buffer[..read])
                .map_err(BagError::io("writing", &file.path))?;
        }
        self.close(file)
    }

    /// Writes `bagit.txt`, `bag-info.txt` (with `info`, the bagging date and Payload-Oxum)
    /// and `tagmanifest-sha256.txt`; the bag is complete.
    pub fn finish(self, info: &[(&str, String)]) -> Result<Oxum, BagError> {
        let Bag {
            root,
            mut out,
            manifest,
            payload_bytes,
            payload_files,
        } = self;
        let manifest_path = root.join("manifest-sha256.txt");
        let (manifest, manifest_digest, manifest_bytes) = manifest
            .finish()
            .map_err(BagError::io("writing", &manifest_path))?;
        manifest
            .into_inner()
            .map_err(|e| BagError::io("writing", &manifest_path)(e.into_error()))?;
        let oxum = Oxum {
            bytes: payload_bytes,
            files: payload_files,
        };
        let mut bag_info = String::new();
        for (label, value) in info {
            bag_info.push_str(&tag_line(label, value));
        }
        bag_info.push_str(&tag_line("Payload-Oxum", &oxum.to_string()));
        let mut tags = vec![(
            tag(&root, &mut out, "bagit.txt", BAGIT_TXT.as_bytes())?,
            "bagit.txt",
        )];
        tags.push((
            tag(&root, &mut out, "bag-info.txt", bag_info.as_bytes())?,
            "bag-info.txt",
        ));
        if let Out::Tar { .. } = out {
            let manifest =
                File::open(&manifest_path).map_err(BagError::io("reading", &manifest_path))?;
            out.append("manifest-sha256.txt", manifest_bytes, manifest)?;
        }
        tags.push((manifest_digest, "manifest-sha256.txt"));
        let lines: String = tags
            .iter()
            .map(|(digest, name)| format!("{digest}  {name}\n"))
            .collect();
        tag(&root, &mut out, "tagmanifest-sha256.txt", lines.as_bytes())?;
        if let Out::Tar { tar, .. } = out {
            let tar_error = || BagError::io("writing", Path::new("the .tar"));
            tar.into_inner()
                .map_err(tar_error())?
                .into_inner()
                .map_err(|e| tar_error()(e.into_error()))?
                .file
                .sync_all()
                .map_err(tar_error())?;
            std::fs::remove_dir_all(&root).map_err(BagError::io("removing", &root))?;
        }
        Ok(oxum)
    }
}

/// Writes a small tag file (into the folder, or as an entry of the .tar); its SHA-256.
fn tag(root: &Path, out: &mut Out, name: &str, bytes: &[u8]) -> Result<String, BagError> {
    if let Out::Tar { .. } = out {
        return out.append_bytes(name, bytes);
    }
    let path = root.join(name);
    let mut file = Hashing::new(create(&path)?);
    file.write_all(bytes)
        .map_err(BagError::io("writing", &path))?;
    let (inner, digest, _) = file.finish().map_err(BagError::io("writing", &path))?;
    inner
        .into_inner()
        .map_err(|e| BagError::io("writing", &path)(e.into_error()))?;
    Ok(digest)
}

/// A large file whose pages are handed to the disk as they are written, a few MB behind, as
/// PostgreSQL does with `sync_file_range` (`backend_flush_after`): without it the kernel starts
/// writing only once gigabytes are dirty, and the final `fsync` of a .tar of several GB waits
/// for most of it; with it the disk works while the next pages are made.
pub struct WrittenBack {
    file: File,
    written: u64,
    handed: u64,
}

/// Bytes between two hand-overs to the disk.
const WRITE_BACK_EVERY: u64 = 32 * 1024 * 1024;

impl WrittenBack {
    fn new(file: File) -> WrittenBack {
        WrittenBack {
            file,
            written: 0,
            handed: 0,
        }
    }

    #[cfg(target_os = "linux")]
    fn hand_to_disk(&mut self) {
        use std::os::fd::AsRawFd;
        let (Ok(from), Ok(length)) = (
            libc::off64_t::try_from(self.handed),
            libc::off64_t::try_from(self.written - self.handed),
        ) else {
            return;
        };
        // SAFETY: plain integers and a descriptor this struct owns; no memory of ours is
        // touched. Only starts the writing out: a failure surfaces at the final fsync.
        unsafe {
            libc::sync_file_range(
                self.file.as_raw_fd(),
                from,
                length,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.handed = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn hand_to_disk(&mut self) {
        self.handed = self.written;
    }
}

impl Write for WrittenBack {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.file.write(buf)?;
        self.written += u64::try_from(written).unwrap_or(u64::MAX);
        if self.written - self.handed >= WRITE_BACK_EVERY {
            self.hand_to_disk();
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Whether `out` names a serialized bag (a `.tar` file) rather than a folder.
pub fn is_tar(out: &Path) -> bool {
    out.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tar"))
}

/// Where a serialized bag spools its manifest and streamed files: beside it, `{out}.parts`.
fn spool_folder(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".parts");
    PathBuf::from(name)
}

/// Makes sure `dir` exists and is empty.
fn empty_folder(dir: &Path) -> Result<(), BagError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BagError::NotEmpty(dir.to_path_buf()));
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(BagError::io("creating", dir))
        }
        Err(e) => Err(BagError::io("reading", dir)(e)),
    }
}

/// Payload-Oxum: the payload's octet count and file count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oxum {
    pub bytes: u64,
    pub files: u64,
}

impl std::fmt::Display for Oxum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.bytes, self.files)
    }
}

const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

fn create(path: &Path) -> Result<BufWriter<File>, BagError> {
    let file = File::create_new(path).map_err(BagError::io("creating", path))?;
    Ok(BufWriter::with_capacity(64 * 1024, file))
}

/// `Label: value`, a value's line breaks continued on indented lines (RFC 8493, 2.2.2).
fn tag_line(label: &str, value: &str) -> String {
    let value = value.trim().replace("\r\n", "\n").replace('\n', "\n  ");
    format!("{label}: {value}\n")
}

/// A path as a manifest names it: `%`, CR and LF percent-encoded (RFC 8493, 2.1.3).
fn manifest_path(name: &str) -> String {
    name.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bag_lists_its_files_and_refuses_a_used_folder() {
        let dir = std::env::temp_dir().join(format!("shinian-bag-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut bag = Bag::create(&dir).expect("a new folder");
        bag.put("a/b.txt", b"hello").expect("put");
        let oxum = bag
            .finish(&[("Source-Organization", "x".into())])
            .expect("finish");
        assert_eq!(oxum, Oxum { bytes: 5, files: 1 });
        let manifest = std::fs::read_to_string(dir.join("manifest-sha256.txt")).expect("manifest");
        assert_eq!(
            manifest,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  data/a/b.txt\n"
        );
        let info = std::fs::read_to_string(dir.join("bag-info.txt")).expect("info");
        assert!(info.ends_with("Payload-Oxum: 5.1\n"), "{info}");
        assert!(matches!(Bag::create(&dir), Err(BagError::NotEmpty(_))));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn a_large_file_is_handed_to_the_disk_as_it_is_written() {
        let dir = tempfile_dir("written-back");
        let path = dir.join("large");
        let mut out = WrittenBack::new(File::create_new(&path).expect("create"));
        let block = vec![7u8; 1024 * 1024];
        for _ in 0..40 {
            out.write_all(&block).expect("write");
        }
        assert_eq!(
            out.handed, WRITE_BACK_EVERY,
            "handed over once, after 32 MB"
        );
        out.file.sync_all().expect("sync");
        let written = std::fs::read(&path).expect("read");
        assert_eq!(written.len(), 40 * 1024 * 1024);
        assert!(written.iter().all(|b| *b == 7));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("shinian-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn tag_values_continue_on_indented_lines() {
        assert_eq!(tag_line("A", "one\ntwo"), "A: one\n  two\n");
        assert_eq!(manifest_path("data/50%\n"), "data/50%25%0A");
    }
}
