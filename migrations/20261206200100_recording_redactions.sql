-- Moderators silence stretches of a recording's public copy (issue 14: a neighbour's name, an
-- address). The original stays as it was; the access copy is made again with every redaction
-- of its recording silenced, under a new public key (docs/decisions.md, "Redactions").

alter type audit_action add value 'recording_redacted';
alter type audit_action add value 'redaction_lifted';

create table recording_redactions (
    id bigint generated always as identity primary key,
    -- Removed with its recording (and so with a withdrawn story).
    recording_id bigint not null references recordings (id) on delete cascade,
    -- Milliseconds from the start of the recording as decoded.
    start_ms bigint not null,
    end_ms bigint not null,
    -- Why, for other moderators (1-300 characters; may itself name what was silenced, so it is
    -- kept here, never in the append-only audit log).
    reason text not null,
    moderator_id bigint not null references accounts (id),
    created_at timestamptz not null default now(),
    check (start_ms >= 0 and start_ms < end_ms),
    check (char_length(reason) between 1 and 300)
);

create index recording_redactions_by_recording on recording_redactions (recording_id, start_ms);

-- A redaction replaces the access copy under a new key: the old copy's folder is queued for
-- deletion without its original, which stays.
alter table media_deletions alter column original_key drop not null;
