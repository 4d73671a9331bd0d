-- Files of deleted photos, queued by a trigger in the deleting transaction itself, so no way
-- of removing a photo (withdrawal, an edit, a moderator, the retention sweep, a cascade) can
-- forget its files and a crash after the commit cannot keep them. The request that removed
-- the photos deletes the files right after its commit; workers delete whatever is left.
create table media_deletions (
    id bigserial primary key,
    original_key text not null,
    public_key text not null,
    queued_at timestamptz not null default now(),
    run_after timestamptz not null default now(),
    attempts integer not null default 0,
    last_error text
);

create index media_deletions_due on media_deletions (run_after);
create index media_deletions_original_key on media_deletions (original_key);

create function queue_media_deletion() returns trigger
language plpgsql as $$
begin
    insert into media_deletions (original_key, public_key) values (old.original_key, old.public_key);
    return null;
end;
$$;

create trigger photos_files_deleted
    after delete on photos
    for each row execute function queue_media_deletion();

-- A repeated submit lands on the first story's tracking page only for the client that sent it:
-- the SHA-256 of the submitter's cookie secret, or of its address bucket when it sent no cookie.
alter table story_idempotency_keys add column client_binding bytea;
