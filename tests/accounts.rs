//! Sign-in under attack, against real PostgreSQL over real HTTP: bounded hashing memory,
//! atomic failure counting, per-address limits that never lock the owner out, one form of
//! every e-mail, deactivated accounts that look like wrong passwords.
#![allow(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test, with its message"
)]

use app::domain::{AccountField, AccountRole};
use futures::StreamExt;
use reqwest::StatusCode;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tests::TestApp;
use tests::staff::{PASSWORD, browser_like_client, create_account, sign_in_form};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The memory test measures the whole process, so it runs alone: it takes this lock for
/// writing, every other test of this file for reading.
static PROCESS: RwLock<()> = RwLock::const_new(());

async fn shared() -> RwLockReadGuard<'static, ()> {
    PROCESS.read().await
}

async fn exclusive() -> RwLockWriteGuard<'static, ()> {
    PROCESS.write().await
}

async fn spawn(db: &PgPool) -> TestApp {
    TestApp::spawn_with(db.clone(), |c| c.trust_proxy = true).await
}

/// The app behind a trusted proxy, for a test that may run beside the others.
async fn spawn_shared(db: &PgPool) -> (RwLockReadGuard<'static, ()>, TestApp) {
    (shared().await, spawn(db).await)
}

/// One sign-in attempt from `address` (behind the trusted proxy).
async fn attempt(app: &TestApp, address: &str, email: &str, password: &str) -> reqwest::Response {
    let forwarded = [("x-forwarded-for", address)];
    let form = sign_in_form(email, password);
    app.post_form_with(&browser_like_client(), "/login", &forwarded, &form)
        .await
}

/// A field of /proc/self/status, in kB.
fn proc_status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

const MIB: u64 = 1024;

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn wrong_sign_ins_from_many_addresses_keep_memory_bounded(db: PgPool) {
    let _alone = exclusive().await;
    let app = spawn(&db).await;
    // Warm the router and the database pool, not the password hashing.
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
    // Resets VmHWM to the current RSS (Linux 4.0+), so the peak is this test's.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS");
    let baseline = proc_status_kb("VmRSS");
    let started = Instant::now();
    let statuses: Vec<StatusCode> = futures::stream::iter(0..200u32)
        .map(|i| {
            let app = &app;
            async move {
                let address = format!("10.{}.{}.7", i / 200, i % 200);
                let email = format!("nobody{i}@example.org");
                attempt(app, &address, &email, "not the password")
                    .await
                    .status()
            }
        })
        .buffer_unordered(20)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let peak = proc_status_kb("VmHWM");
    let after = proc_status_kb("VmRSS");
    eprintln!(
        "200 wrong sign-ins, 20 at a time, in {elapsed:?}: RSS {} MiB before, peak {} MiB, {} MiB after",
        baseline / MIB,
        peak / MIB,
        after / MIB
    );
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    assert!(
        peak.saturating_sub(baseline) <= 64 * MIB,
        "peak RSS grew by {} MiB",
        (peak - baseline) / MIB
    );
    assert!(
        after.saturating_sub(baseline) <= 64 * MIB,
        "RSS stayed {} MiB above its baseline",
        (after - baseline) / MIB
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn parallel_wrong_tries_from_one_address_verify_at_most_the_limit(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    create_account(&db, "mod@example.org", "审核员", AccountRole::Moderator).await;
    let statuses: Vec<StatusCode> = futures::future::join_all((0..50).map(|_| async {
        attempt(&app, "203.0.113.9", "mod@example.org", "a wrong guess")
            .await
            .status()
    }))
    .await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(verified + refused, 50, "{statuses:?}");
    assert!(
        (1..=10).contains(&verified),
        "{verified} guesses verified, {refused} refused"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn others_failures_do_not_lock_the_owner_out(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    // One address spends its 10 failures on the account, two more add theirs.
    for _ in 0..10 {
        let r = attempt(&app, "198.51.100.66", "admin@example.org", "guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for address in ["198.51.100.67", "198.51.100.68"] {
        let r = attempt(&app, address, "admin@example.org", "guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let attacker = attempt(&app, "198.51.100.66", "admin@example.org", PASSWORD).await;
    assert_eq!(attacker.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(attacker.headers().contains_key("retry-after"));

    // The owner, from a clean address, with the right password: slowed down, not refused.
    let started = Instant::now();
    let owner = attempt(&app, "192.0.2.10", "admin@example.org", PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "an account under attack answers slowly"
    );
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn e_mail_variants_share_the_accounts_count(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    // Full-width letters are the same address once normalized (NFKC): same account.
    let full_width = "ａｄｍｉｎ＠ＥＸＡＭＰＬＥ.org";
    let r = attempt(&app, "192.0.2.1", full_width, PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "full-width finds the account"
    );
    // `İ` (U+0130) lower-cases to `i̇`, another address: it must not find the account (it
    // would have a count of its own).
    let dotted = "admİn@example.org";
    let r = attempt(&app, "192.0.2.2", dotted, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "İ is another address");

    // Failures through a variant count for the account: the owner is then slowed down.
    for i in 0..10 {
        let r = attempt(&app, &format!("192.0.2.{}", 20 + i), full_width, "guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let counted: i32 = sqlx::query_scalar("select attempts from login_attempts where key = $1")
        .bind(server::accounts::store::account_key(
            &app::domain::Email::parse("admin@example.org").unwrap(),
        ))
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(counted, 10);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_deactivated_account_answers_like_a_wrong_password(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    let id = create_account(
        &db,
        "gone@example.org",
        "离职审核员",
        AccountRole::Moderator,
    )
    .await;
    server::accounts::store::set_active(&db, id, false, server::audit::account::By::CommandLine)
        .await
        .unwrap();
    let right = attempt(&app, "192.0.2.1", "gone@example.org", PASSWORD).await;
    let wrong = attempt(&app, "192.0.2.2", "gone@example.org", "not the password").await;
    assert_eq!(right.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let (right, wrong) = (right.text().await.unwrap(), wrong.text().await.unwrap());
    assert!(right.contains("邮箱或密码不正确"), "{right}");
    assert!(!right.contains("停用"), "nothing tells the account apart");
    assert_eq!(right, wrong);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn ipv6_addresses_are_limited_by_their_64(db: PgPool) {
    let _shared = shared().await;
    let app = TestApp::spawn_with(db.clone(), |c| {
        c.trust_proxy = true;
        c.submissions_per_hour_per_ip = 2;
    })
    .await;
    // Sign-in: ten failures from ten addresses of one /64 use up that network's tries.
    for i in 0..10 {
        let address = format!("2001:db8:5:6::{:x}", 0x100 + i);
        let r = attempt(&app, &address, &format!("guess{i}@example.org"), "x").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let same_64 = attempt(&app, "2001:db8:5:6:ffff::1", "other@example.org", "x").await;
    assert_eq!(same_64.status(), StatusCode::TOO_MANY_REQUESTS);
    let next_64 = attempt(&app, "2001:db8:5:7::1", "other@example.org", "x").await;
    assert_eq!(next_64.status(), StatusCode::UNAUTHORIZED);

    // Submissions: the hourly limit counts the /64 too.
    let app = &app;
    let submit = async |address: &str| {
        let forwarded = [("x-forwarded-for", address)];
        let story = tests::valid_story();
        let response = app
            .post_form_with(&app.client, "/submit", &forwarded, &story)
            .await;
        response.status()
    };
    assert_eq!(submit("2001:db8:9:9::1").await, StatusCode::SEE_OTHER);
    assert_eq!(submit("2001:db8:9:9::2").await, StatusCode::SEE_OTHER);
    assert_eq!(
        submit("2001:db8:9:9:abcd::3").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(submit("2001:db8:9:a::1").await, StatusCode::SEE_OTHER);
}

const WEAK: [(&str, &str); 3] = [
    ("            ", "密码不能只有空格或看不见的字符"),
    ("password1234", "这个密码太容易被猜到"),
    (
        "\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}",
        "密码不能只有空格或看不见的字符",
    ),
];

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn weak_new_passwords_are_refused_with_a_reason(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    let target = create_account(&db, "mod@example.org", "审核员", AccountRole::Moderator).await;
    create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let admin = app.login_as("admin@example.org").await;
    let create = async |password: &str| {
        app.add_moderator(&admin, "new@example.org", "新审核员", password)
            .await
    };
    let reset_path = format!("/admin/accounts/{target}/password");
    let reset_with = async |headers: &[(&str, &str)], password: &str| {
        let form = [(AccountField::Password.name(), password)];
        app.post_form_with(&admin, &reset_path, headers, &form)
            .await
    };
    let reset = async |password: &str| reset_with(&[], password).await;
    for (password, reason) in WEAK {
        for response in [create(password).await, reset(password).await] {
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{password:?}"
            );
            assert!(
                response.text().await.unwrap().contains(reason),
                "{password:?}"
            );
        }
        let cli = server::accounts::cli::create_admin_with_password(
            &db,
            "root@example.org",
            None,
            password,
        )
        .await;
        assert!(cli.is_err(), "create-admin refuses {password:?}");
    }
    let en = reset_with(&[("accept-language", "en")], "password1234").await;
    assert!(en.text().await.unwrap().contains("too easy to guess"));
    // The account's own e-mail is a known word, not a strong password.
    assert_eq!(
        reset("mod@example.org 2024").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let strong = "violet tractor harbour 1987";
    let created = create(strong).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(reset(strong).await.status(), StatusCode::SEE_OTHER);
    // The passwords of the browser tests and of dev.sh's demo admin (random base64).
    for password in ["browser test admin password", "q3ZkV9xTb7LmN2pR4sWd8yHc"] {
        server::accounts::cli::create_admin_with_password(&db, "root@example.org", None, password)
            .await
            .unwrap_or_else(|e| panic!("{password}: {e}"));
    }
    let r = attempt(
        &app,
        "192.0.2.9",
        "root@example.org",
        "q3ZkV9xTb7LmN2pR4sWd8yHc",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sessions_end_after_their_absolute_lifetime(db: PgPool) {
    let _shared = shared().await;
    let app = TestApp::spawn_with(db.clone(), |c| {
        c.session_absolute_lifetime = Duration::from_secs(3);
    })
    .await;
    create_account(&db, "mod@example.org", "审核员", AccountRole::Moderator).await;
    let client = app.login_as("mod@example.org").await;
    let moderate = || client.get(app.url("/moderate")).send();
    // Used all the time (the idle expiry never strikes), yet over after its lifetime.
    assert_eq!(moderate().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(moderate().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert!(tests::staff::redirects_to_login(&moderate().await.unwrap()));
}

/// `(action, account, actor, from_role, to_role)` of every account entry, oldest first.
async fn account_trail(
    db: &PgPool,
) -> Vec<(String, i64, Option<i64>, Option<String>, Option<String>)> {
    sqlx::query_as(
        "select action::text, account_id, actor_id, from_role::text, to_role::text
         from account_audit_log order by id",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_account_action_lands_in_the_audit_trail(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    let admin_id = create_account(&db, "admin@example.org", "管理员", AccountRole::Admin).await;
    let admin = app.login_as("admin@example.org").await;
    let strong = "violet tractor harbour 1987";
    let created = app
        .add_moderator(&admin, "new@example.org", "新审核员", strong)
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let new_id: i64 = sqlx::query_scalar("select id from accounts where email = 'new@example.org'")
        .fetch_one(&db)
        .await
        .unwrap();
    for path in ["deactivate", "deactivate", "activate"] {
        let r = app
            .post_action(&admin, &format!("/admin/accounts/{new_id}/{path}"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let form = [(AccountField::Password.name(), strong)];
    let reset = app
        .post_form_with(
            &admin,
            &format!("/admin/accounts/{new_id}/password"),
            &[],
            &form,
        )
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    // The way back in: create-admin makes the moderator an admin again with a new password.
    server::accounts::cli::create_admin_with_password(&db, "new@example.org", None, strong)
        .await
        .unwrap();
    server::accounts::cli::create_admin_with_password(&db, "root@example.org", None, strong)
        .await
        .unwrap();
    let root_id: i64 =
        sqlx::query_scalar("select id from accounts where email = 'root@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    let a = admin_id.0;
    assert_eq!(
        account_trail(&db).await,
        vec![
            ("created".into(), a, None, None, s("admin")),
            ("new_address".into(), a, Some(a), None, None),
            ("created".into(), new_id, Some(a), None, s("moderator")),
            ("deactivated".into(), new_id, Some(a), None, None),
            ("reactivated".into(), new_id, Some(a), None, None),
            ("password_reset".into(), new_id, Some(a), None, None),
            (
                "role_changed".into(),
                new_id,
                None,
                s("moderator"),
                s("admin")
            ),
            ("password_reset".into(), new_id, None, None, None),
            ("created".into(), root_id, None, None, s("admin")),
        ],
        "one entry per change (a repeated deactivation changes nothing), by whom"
    );
    let refused_update = sqlx::query("update account_audit_log set action = 'created'")
        .execute(&db)
        .await;
    assert!(refused_update.is_err(), "the account trail is append-only");
    let refused_delete = sqlx::query("delete from account_audit_log")
        .execute(&db)
        .await;
    assert!(refused_delete.is_err(), "the account trail is append-only");

    // Admins read it at /admin/audit, beside the story entries, filtered.
    let rows = |page: String| tests::html::text_in(&page, "table.audit tbody");
    let all = rows(app.page_as(&admin, "/admin/audit?kind=account").await);
    for words in [
        "创建账号",
        "停用账号",
        "重新启用账号",
        "重设密码",
        "角色变更",
        "从新地址登录",
        "命令行",
        "新审核员",
    ] {
        assert!(all.contains(words), "{words}: {all}");
    }
    let one = rows(
        app.page_as(
            &admin,
            &format!("/admin/audit?action=deactivated&account={new_id}"),
        )
        .await,
    );
    assert!(
        one.contains("停用账号") && !one.contains("重设密码"),
        "{one}"
    );
    let by_root = rows(
        app.page_as(&admin, &format!("/admin/audit?account={root_id}"))
            .await,
    );
    assert!(
        by_root.contains("创建账号") && !by_root.contains("停用账号"),
        "{by_root}"
    );
    let stories_only = rows(app.page_as(&admin, "/admin/audit?kind=story").await);
    assert!(!stories_only.contains("创建账号"), "{stories_only}");
    let en = app
        .get_with(
            &admin,
            "/admin/audit?kind=account",
            &[("accept-language", "en")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(rows(en).contains("signed in from a new address"));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn only_a_sign_in_from_a_new_address_is_recorded(db: PgPool) {
    let (_shared, app) = spawn_shared(&db).await;
    let id = create_account(&db, "mod@example.org", "审核员", AccountRole::Moderator).await;
    let new_addresses = async || {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from account_audit_log where action = 'new_address' and account_id = $1",
        )
        .bind(id.0)
        .fetch_one(&db)
        .await
        .unwrap()
    };
    let sign_in = async |address: &str| {
        let r = attempt(&app, address, "mod@example.org", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{address}");
    };
    sign_in("198.51.100.4").await;
    assert_eq!(new_addresses().await, 1, "the first address is new");
    sign_in("198.51.100.4").await;
    assert_eq!(new_addresses().await, 1, "the same address again is not");
    sign_in("2001:db8:7:8::1").await;
    sign_in("2001:db8:7:8:aaaa::2").await;
    assert_eq!(new_addresses().await, 2, "an IPv6 /64 is one address");
    sign_in("198.51.100.5").await;
    assert_eq!(new_addresses().await, 3, "a different address is new");
    // A wrong password from yet another address records nothing.
    let wrong = attempt(
        &app,
        "198.51.100.6",
        "mod@example.org",
        "not the password at all",
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(new_addresses().await, 3);
    // No address is stored, only keyed hashes.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select address_hash from account_addresses")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|h| h.len() == 32));
    let dump: String = sqlx::query_scalar(
        "select string_agg(encode(address_hash, 'escape'), ' ') from account_addresses",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(!dump.contains("198.51.100"));
}
