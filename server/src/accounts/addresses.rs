//! The addresses each account signed in from, so that a sign-in from a new one lands in the
//! audit trail. Only keyed hashes are kept: SHA-256 of the account's own random key
//! (`accounts.address_key`) and the address's limit bucket (IPv6 by /64, so rotating privacy
//! addresses are one address). Addresses unused for `FORGET_AFTER_DAYS` are forgotten.

use crate::audit::account::{AccountEntry, By};
use app::domain::{AccountAuditAction, AccountId};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::net::IpAddr;

/// An address not used by the account for this long counts as new again.
pub const FORGET_AFTER_DAYS: i32 = 365;

fn address_hash(key: &[u8], bucket: IpAddr) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian/sign-in-address\0");
    hasher.update(key);
    hasher.update(bucket.to_string().as_bytes());
    hasher.finalize().to_vec()
}

/// Remembers that `account` signed in from `bucket` (the address's limit bucket); when the
/// account had not used it before, records `new_address` in the same transaction. True then.
pub async fn note_sign_in(
    db: &PgPool,
    account: AccountId,
    bucket: IpAddr,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let key = sqlx::query_scalar!("select address_key from accounts where id = $1", account.0)
        .fetch_one(&mut *tx)
        .await?;
    let hash = address_hash(&key, bucket);
    let new = sqlx::query_scalar!(
        "insert into account_addresses (account_id, address_hash) values ($1, $2)
         on conflict do nothing returning account_id",
        account.0,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if new {
        AccountEntry::new(
            account,
            By::Account(account),
            AccountAuditAction::NewAddress,
        )
        .record(&mut tx)
        .await?;
    } else {
        sqlx::query!(
            "update account_addresses set last_seen = now() where account_id = $1 and address_hash = $2",
            account.0,
            hash
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

/// Maintenance: forgets addresses unused for `FORGET_AFTER_DAYS`.
pub async fn forget_unused(db: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "delete from account_addresses where last_seen < now() - make_interval(days => $1)",
        FORGET_AFTER_DAYS
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_hashes_differently_for_each_account() {
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(address_hash(b"k1", ip), address_hash(b"k1", ip));
        assert_ne!(address_hash(b"k1", ip), address_hash(b"k2", ip));
    }
}
