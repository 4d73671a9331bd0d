//! A real single-node Garage (S3-compatible object storage) for the `MEDIA_STORE=s3` tests.
//! `garage` is found in `GARAGE_BIN`, `~/.cargo/bin` or `PATH` (`./dev.sh test` installs it);
//! without it the tests fail, they never skip.
//!
//! One server per test binary (`Garage::shared`), started on first use with its own config in
//! a temporary folder, free ports, a random RPC secret, one node of 1 GB in zone dc1 and one
//! key; each test makes its own pair of buckets (`Garage::buckets`). A test that stops the
//! server starts one of its own (`Garage::start`). None outlives the test binary (`WATCHDOG`).

use rusty_s3::S3Action;
use server::config::S3Settings;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Garage {
    dir: tempfile::TempDir,
    /// The watchdog shell (`WATCHDOG`) Garage runs under.
    child: Option<Child>,
    pub s3_port: u16,
    key_id: String,
    secret: String,
}

/// A private and a public bucket of a running Garage, with settings for the app.
#[derive(Clone)]
pub struct Buckets {
    pub settings: S3Settings,
    pub private: String,
    pub public: String,
    pub endpoint: String,
}

impl Buckets {
    fn bucket(&self, name: &str) -> &rusty_s3::Bucket {
        if name == self.private {
            &self.settings.private
        } else {
            &self.settings.public
        }
    }

    /// Every key in bucket `name` (`private` or `public`), sorted.
    pub async fn keys(&self, name: &str) -> Vec<String> {
        let mut list = self
            .bucket(name)
            .list_objects_v2(Some(&self.settings.credentials));
        list.with_max_keys(1000);
        let url = list.sign(SIGNED_FOR);
        let body = reqwest::get(url)
            .await
            .expect("list")
            .text()
            .await
            .expect("list");
        let listed = rusty_s3::actions::ListObjectsV2::parse_response(&body)
            .unwrap_or_else(|e| panic!("{e}: {body}"));
        assert!(listed.next_continuation_token.is_none(), "more than a page");
        // Listed keys come percent-encoded (rusty-s3 asks for `encoding-type=url`).
        let mut keys: Vec<String> = listed
            .contents
            .into_iter()
            .map(|o| {
                percent_encoding::percent_decode_str(&o.key)
                    .decode_utf8()
                    .expect("UTF-8 key")
                    .into_owned()
            })
            .collect();
        keys.sort();
        keys
    }

    /// The keys of the multipart uploads begun in bucket `name` and neither completed nor
    /// aborted (ListMultipartUploads: rusty-s3's object listing, signed with the query
    /// changed), sorted.
    pub async fn unfinished(&self, name: &str) -> Vec<String> {
        let mut list = self
            .bucket(name)
            .list_objects_v2(Some(&self.settings.credentials));
        list.query_mut().remove("list-type");
        list.query_mut().remove("encoding-type");
        list.query_mut().insert("uploads", "");
        let url = list.sign(SIGNED_FOR);
        let response = reqwest::get(url).await.expect("list uploads");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.text().await.expect("list uploads");
        assert!(body.contains("<ListMultipartUploadsResult"), "{body}");
        let mut keys = element_texts(&body, "Key");
        keys.sort();
        keys
    }

    /// Begins a multipart upload of `key` in bucket `name` and sends nothing more, as a
    /// process killed while receiving leaves it.
    pub async fn begin_multipart(&self, name: &str, key: &str) {
        let url = self
            .bucket(name)
            .create_multipart_upload(Some(&self.settings.credentials), key)
            .sign(SIGNED_FOR);
        let response = reqwest::Client::new()
            .post(url)
            .send()
            .await
            .expect("create");
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// The environment of a `server` process whose media go into these buckets.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let credentials = &self.settings.credentials;
        vec![
            ("MEDIA_STORE", "s3".into()),
            ("S3_ENDPOINT", self.endpoint.clone()),
            ("S3_REGION", "garage".into()),
            ("S3_ACCESS_KEY_ID", credentials.key().into()),
            ("S3_SECRET_ACCESS_KEY", credentials.secret().into()),
            ("S3_PRIVATE_BUCKET", self.private.clone()),
            ("S3_PUBLIC_BUCKET", self.public.clone()),
        ]
    }

    /// Puts an object as another program would (for orphans).
    pub async fn put(&self, name: &str, key: &str, bytes: Vec<u8>) {
        let url = self
            .bucket(name)
            .put_object(Some(&self.settings.credentials), key)
            .sign(SIGNED_FOR);
        let response = reqwest::Client::new()
            .put(url)
            .body(bytes)
            .send()
            .await
            .expect("put");
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// A signed GET of `key` in bucket `name`, with the app's own key.
    pub async fn get(&self, name: &str, key: &str) -> reqwest::Response {
        let url = self
            .bucket(name)
            .get_object(Some(&self.settings.credentials), key)
            .sign(SIGNED_FOR);
        reqwest::get(url).await.expect("get")
    }

    /// An unsigned GET, as anyone on the network could try.
    pub async fn get_anonymously(&self, name: &str, key: &str) -> reqwest::Response {
        let url = self.bucket(name).object_url(key).expect("object url");
        reqwest::get(url).await.expect("get")
    }
}

const SIGNED_FOR: Duration = Duration::from_secs(600);

/// The text of every element named `name` in an XML document.
fn element_texts(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut texts, mut inside) = (Vec::new(), false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => inside = start.name().into_inner() == name,
            Event::Text(text) if inside => texts.push(text.xml10_content().into_owned()),
            Event::End(_) => inside = false,
            Event::Eof => return texts,
            _ => {}
        }
    }
}

/// Garage runs under this shell, which waits for the end of its standard input, a pipe whose
/// only writing end this process holds. However this process ends (the shared server lives in
/// a `static`, which is never dropped; a test may panic or be killed), the pipe closes and the
/// shell kills Garage and removes its folder. Arguments: the folder, then Garage's command.
const WATCHDOG: &str = r#"dir=$1; shift
"$@" </dev/null &
garage=$!
cat >/dev/null
kill -9 "$garage" 2>/dev/null
wait "$garage"
rm -rf "$dir""#;

impl Garage {
    /// The server every test of this binary shares (never stopped: the process exit ends it).
    pub fn shared() -> &'static Garage {
        static SHARED: OnceLock<Garage> = OnceLock::new();
        SHARED.get_or_init(Garage::start)
    }

    /// Starts a new single-node Garage and waits until it takes requests.
    pub fn start() -> Garage {
        let binary = binary();
        let dir = tempfile::tempdir().expect("garage temp dir");
        let (rpc_port, s3_port) = (free_port(), free_port());
        let config = format!(
            r#"metadata_dir = "{meta}"
data_dir = "{data}"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc_port}"
rpc_public_addr = "127.0.0.1:{rpc_port}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3_port}"
"#,
            meta = dir.path().join("meta").display(),
            data = dir.path().join("data").display(),
            secret = hex(32),
        );
        std::fs::write(dir.path().join("garage.toml"), config).expect("write garage.toml");
        let log = std::fs::File::create(dir.path().join("garage.log")).expect("garage.log");
        let child = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg("garage-watchdog")
            .arg(dir.path())
            .arg(&binary)
            .arg("-c")
            .arg(dir.path().join("garage.toml"))
            .arg("server")
            .env("RUST_LOG", "garage=warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let mut garage = Garage {
            dir,
            child: Some(child),
            s3_port,
            key_id: format!("GK{}", hex(12)),
            secret: hex(32),
        };
        garage.set_up();
        garage
    }

    /// Assigns the layout and imports the key, once the node answers.
    fn set_up(&mut self) {
        let status = self.wait_for_status();
        let node = status
            .lines()
            .skip_while(|line| !line.contains("HEALTHY NODES"))
            .nth(2)
            .and_then(|line| line.split_whitespace().next())
            .unwrap_or_else(|| panic!("no node id in `garage status`:\n{status}"))
            .to_owned();
        self.run(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        self.run(&["layout", "apply", "--version", "1"]);
        let (key_id, secret) = (self.key_id.clone(), self.secret.clone());
        self.run(&[
            "key",
            "import",
            "--yes",
            "-n",
            "shinian-tests",
            &key_id,
            &secret,
        ]);
        self.wait_for_s3();
    }

    fn wait_for_status(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let output = self.command(&["status"]).output().expect("garage status");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            if output.status.success() && text.contains("HEALTHY NODES") {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "garage did not start: {}\n{}",
                String::from_utf8_lossy(&output.stderr),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The S3 port answers (any HTTP status) once the layout is applied.
    fn wait_for_s3(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.s3_port)).is_err() {
            assert!(Instant::now() < deadline, "garage's S3 port never opened");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new pair of buckets the key may read, write and own.
    pub fn buckets(&self) -> Buckets {
        let suffix = hex(6);
        let (private, public) = (format!("private-{suffix}"), format!("public-{suffix}"));
        for bucket in [&private, &public] {
            self.run(&["bucket", "create", bucket]);
            self.run(&[
                "bucket",
                "allow",
                "--read",
                "--write",
                "--owner",
                bucket,
                "--key",
                &self.key_id,
            ]);
        }
        let endpoint = self.endpoint();
        let settings = S3Settings::new(
            &endpoint,
            "garage",
            &self.key_id,
            &self.secret,
            &private,
            &public,
        )
        .expect("S3 settings");
        Buckets {
            settings,
            private,
            public,
            endpoint,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port)
    }

    /// Stops the server (SIGKILL) and waits for it to exit: closing the watchdog's input is
    /// what stops it.
    pub fn stop(&mut self) {
        if let Some(mut watchdog) = self.child.take() {
            drop(watchdog.stdin.take());
            let _ = watchdog.wait();
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command
            .arg("-c")
            .arg(self.dir.path().join("garage.toml"))
            .args(args)
            .env("RUST_LOG", "garage=warn");
        command
    }

    fn run(&self, args: &[&str]) -> String {
        let output = self.command(args).output().expect("run garage");
        assert!(
            output.status.success(),
            "garage {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("garage.log")).unwrap_or_default()
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GARAGE_BIN`, else `~/.cargo/bin/garage`, else `garage` on `PATH`; panics without one.
pub fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("GARAGE_BIN") {
        return PathBuf::from(path);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let cargo = Path::new(&home).join(".cargo/bin/garage");
    if cargo.is_file() {
        return cargo;
    }
    let on_path = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(|dir| Path::new(dir).join("garage"))
        .find(|path| path.is_file());
    on_path.unwrap_or_else(|| {
        panic!(
            "garage not found (GARAGE_BIN, ~/.cargo/bin, PATH): ./dev.sh test installs it, or \
             `cargo install garage --locked`"
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Random hex from the kernel (test secrets and names; no crate needed).
fn hex(bytes: usize) -> String {
    use std::io::Read;
    let mut random = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut random))
        .expect("/dev/urandom");
    random.iter().map(|b| format!("{b:02x}")).collect()
}
