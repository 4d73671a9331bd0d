-- Sign-in under attack (issue 10).

-- E-mails in their one normalized form (NFKC, lower case; the server computes it, see
-- app::domain::Email): unique as stored. Existing rows were lower-cased by the server already;
-- NFKC is added here (`lower` for what NFKC may turn upper case, such as full-width letters).
-- A row whose normalized form another row already has is left as it is.
update accounts a set email = lower(normalize(a.email, NFKC))
where a.email <> lower(normalize(a.email, NFKC))
  and not exists (
      select 1 from accounts b
      where b.id <> a.id and lower(normalize(b.email, NFKC)) = lower(normalize(a.email, NFKC)));
drop index accounts_email_unique;
create unique index accounts_email_unique on accounts (email);

-- Sign-in attempts per throttle key: a hash of the client address (IPv6 by /64) or of the
-- normalized e-mail. An attempt is counted (reserved) in one statement before its password
-- is checked and released when it succeeds, so parallel tries cannot pass the limit. The
-- window starts with the first attempt and lasts LOGIN_WINDOW_MINUTES.
drop table login_failures;
create table login_attempts (
    key bytea primary key,
    attempts integer not null,
    window_started timestamptz not null default now()
);
create index login_attempts_window on login_attempts (window_started);
