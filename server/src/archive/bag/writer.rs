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

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One payload file being written; `Bag::close` records it in the manifest.
pub struct PayloadFile {
    /// Relative to the bag, `data/…`, with `/`.
    name: String,
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

/// A bag being written into `root`.
pub struct Bag {
    root: PathBuf,
    manifest: Hashing<BufWriter<File>>,
    payload_bytes: u64,
    payload_files: u64,
}

impl Bag {
    /// Starts a bag in `root`, which must be empty or not exist yet.
    pub fn create(root: &Path) -> Result<Bag, BagError> {
        match std::fs::read_dir(root) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(BagError::NotEmpty(root.to_path_buf()));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(root).map_err(BagError::io("creating", root))?;
            }
            Err(e) => return Err(BagError::io("reading", root)(e)),
        }
        let data = root.join("data");
        std::fs::create_dir(&data).map_err(BagError::io("creating", &data))?;
        let manifest = create(&root.join("manifest-sha256.txt"))?;
        Ok(Bag {
            root: root.to_path_buf(),
            manifest: Hashing::new(manifest),
            payload_bytes: 0,
            payload_files: 0,
        })
    }

    /// A new payload file at `data/{name}` (folders created as needed).
    pub fn file(&self, name: &str) -> Result<PayloadFile, BagError> {
        let name = format!("data/{name}");
        let path = self.root.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(BagError::io("creating", parent))?;
        }
        Ok(PayloadFile {
            out: Hashing::new(create(&path)?),
            name,
        })
    }

    /// Finishes a payload file and writes its manifest line.
    pub fn close(&mut self, file: PayloadFile) -> Result<(), BagError> {
        let path = self.root.join(&file.name);
        let (inner, digest, bytes) = file.out.finish().map_err(BagError::io("writing", &path))?;
        inner
            .into_inner()
            .map_err(|e| BagError::io("writing", &path)(e.into_error()))?;
        self.payload_bytes += bytes;
        self.payload_files += 1;
        let line = format!("{digest}  {}\n", manifest_path(&file.name));
        let manifest = self.root.join("manifest-sha256.txt");
        self.manifest
            .write_all(line.as_bytes())
            .map_err(BagError::io("writing", &manifest))
    }

    /// A whole payload file from bytes in memory (small documents).
    pub fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), BagError> {
        let mut file = self.file(name)?;
        file.write_all(bytes)
            .map_err(BagError::io("writing", &self.root.join(&file.name)))?;
        self.close(file)
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
                .map_err(BagError::io("writing", &self.root.join(&file.name)))?;
        }
        self.close(file)
    }

    /// Writes `bagit.txt`, `bag-info.txt` (with `info`, the bagging date and Payload-Oxum)
    /// and `tagmanifest-sha256.txt`; the bag is complete.
    pub fn finish(self, info: &[(&str, String)]) -> Result<Oxum, BagError> {
        let manifest_path = self.root.join("manifest-sha256.txt");
        let (manifest, manifest_digest, _) = self
            .manifest
            .finish()
            .map_err(BagError::io("writing", &manifest_path))?;
        manifest
            .into_inner()
            .map_err(|e| BagError::io("writing", &manifest_path)(e.into_error()))?;
        let oxum = Oxum {
            bytes: self.payload_bytes,
            files: self.payload_files,
        };
        let mut tags = vec![(
            tag(&self.root, "bagit.txt", BAGIT_TXT.as_bytes())?,
            "bagit.txt",
        )];
        let mut bag_info = String::new();
        for (label, value) in info {
            bag_info.push_str(&tag_line(label, value));
        }
        bag_info.push_str(&tag_line("Payload-Oxum", &oxum.to_string()));
        tags.push((
            tag(&self.root, "bag-info.txt", bag_info.as_bytes())?,
            "bag-info.txt",
        ));
        tags.push((manifest_digest, "manifest-sha256.txt"));
        let lines: String = tags
            .iter()
            .map(|(digest, name)| format!("{digest}  {name}\n"))
            .collect();
        tag(&self.root, "tagmanifest-sha256.txt", lines.as_bytes())?;
        Ok(oxum)
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

/// Writes a small tag file; its SHA-256.
fn tag(root: &Path, name: &str, bytes: &[u8]) -> Result<String, BagError> {
    let path = root.join(name);
    let mut out = Hashing::new(create(&path)?);
    out.write_all(bytes)
        .map_err(BagError::io("writing", &path))?;
    let (inner, digest, _) = out.finish().map_err(BagError::io("writing", &path))?;
    inner
        .into_inner()
        .map_err(|e| BagError::io("writing", &path)(e.into_error()))?;
    Ok(digest)
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
    fn tag_values_continue_on_indented_lines() {
        assert_eq!(tag_line("A", "one\ntwo"), "A: one\n  two\n");
        assert_eq!(manifest_path("data/50%\n"), "data/50%25%0A");
    }
}
