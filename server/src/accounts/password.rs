//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane),
//! which is `Params::default()`.
//!
//! Memory is bounded by construction. Each hash needs 19 MiB of working memory; allocated per
//! call, glibc kept it in per-thread arenas (160 failed sign-ins from 160 addresses: RSS 2 GB,
//! never returned). Here at most `PASSWORD_HASH_CONCURRENCY` hashes run at once, each in one
//! of as many 19 MiB blocks allocated once and reused, so the process holds at most
//! N × 19 MiB for hashing whatever the load; further sign-ins wait for a turn.

use app::domain::{NewPassword, normalize_password};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{OnceCell, Semaphore};

static HASHING: OnceLock<Hashing> = OnceLock::new();

/// Hashing could not run (a failed blocking task) or could not encode its result: a server
/// fault, answered as such by the HTTP layer (`web::error`).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HashError(String);

/// Sets how many hashes may run at once (and so how many 19 MiB blocks exist). Called at
/// start-up; the first call wins, later calls (other app states in tests) change nothing.
pub fn set_concurrency(concurrency: usize) {
    let _ = HASHING.set(Hashing::new(concurrency));
}

fn hashing() -> &'static Hashing {
    HASHING.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Hashing::new(cores.min(2))
    })
}

struct Hashing {
    turns: Arc<Semaphore>,
    /// Blocks not in use. Never freed: freeing and reallocating is what let glibc grow.
    free: Mutex<Vec<Box<[Block]>>>,
}

impl Hashing {
    fn new(concurrency: usize) -> Hashing {
        Hashing {
            turns: Arc::new(Semaphore::new(concurrency.max(1))),
            free: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` on the blocking pool with a memory block, once a turn is free. The turn and
    /// the block are given back by the blocking task itself, so a request that is dropped
    /// meanwhile cannot leave a block in use while another is allocated.
    async fn run<T: Send + 'static>(
        &'static self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let turn = Arc::clone(&self.turns)
            .acquire_owned()
            .await
            .map_err(|e| HashError(format!("password hashing: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let mut memory = self.take();
            let out = work(&mut memory);
            self.give_back(memory);
            drop(turn);
            out
        })
        .await
        .map_err(|e| HashError(format!("password hashing: {e}")))
    }

    fn take(&self) -> Box<[Block]> {
        let reused = self.free.lock().map_or(None, |mut free| free.pop());
        // At most one block per turn ever exists: a new one only when every block is in use.
        reused.unwrap_or_else(|| vec![Block::new(); Params::default().block_count()].into())
    }

    fn give_back(&self, memory: Box<[Block]>) {
        if let Ok(mut free) = self.free.lock() {
            free.push(memory);
        }
    }
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

pub async fn hash(password: &NewPassword) -> Result<String, HashError> {
    let password = password.expose().to_owned();
    hashing()
        .run(move |memory| hash_into(&password, memory))
        .await?
}

fn hash_into(password: &str, memory: &mut [Block]) -> Result<String, HashError> {
    let failed = |e: &dyn std::fmt::Display| HashError(format!("hashing a password: {e}"));
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| failed(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2()
        .hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, memory)
        .map_err(|e| failed(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&Params::default()).map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(hash.to_string())
}

/// Checks `typed` against `stored`. With no stored hash (unknown email) a dummy hash is
/// checked instead, so the answer takes as long either way. The typed password is compared in
/// its NFKC form (how new passwords are hashed); a password set before that, when it differs,
/// is also tried as typed.
pub async fn verify(typed: String, stored: Option<String>) -> bool {
    let stored = match stored {
        Some(stored) => stored,
        None => match dummy_hash().await {
            Some(dummy) => dummy.to_owned(),
            None => return false,
        },
    };
    hashing()
        .run(move |memory| {
            let normalized = normalize_password(&typed);
            matches(&normalized, &stored, memory)
                || (normalized != typed && matches(&typed, &stored, memory))
        })
        .await
        .unwrap_or(false)
}

/// Recomputes the hash of `password` with the stored parameters and salt, in `memory`, and
/// compares in constant time.
fn matches(password: &str, stored: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let Ok(version) = version else {
        return false;
    };
    if params.block_count() > memory.len() {
        tracing::error!(
            m_cost = params.m_cost(),
            "a stored password hash needs more memory than the hashing blocks"
        );
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
        .is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

async fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceCell<String> = OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| async {
            let password = "no account has this password".to_owned();
            hashing()
                .run(move |memory| hash_into(&password, memory))
                .await?
        })
        .await
        .ok()
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let password = NewPassword::parse("correct horse battery staple", &[]).unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery staple".into(), Some(stored.clone())).await);
        assert!(
            verify(
                "ｃｏｒｒｅｃｔ horse battery staple".into(),
                Some(stored.clone())
            )
            .await
        );
        assert!(!verify("wrong horse battery staple".into(), Some(stored)).await);
        assert!(!verify("anything".into(), None).await);
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let stored = argon2()
            .hash_password(b"an older hash", &salt)
            .unwrap()
            .to_string();
        let mut memory = vec![Block::new(); Params::default().block_count()];
        assert!(matches("an older hash", &stored, &mut memory));
        assert!(!matches("another password", &stored, &mut memory));
    }
}
