-- The one SQL definition of a public story, the twin of `StoryStatus::is_public` (a test in
-- tests/schema.rs checks that they agree for every status). Queries say
-- `story_is_public(s.status)` instead of naming a status: the planner inlines this immutable
-- SQL function into `status = 'approved'`, so the partial indexes on approved stories are still
-- used, also by generic plans of prepared statements (a bound `status = $1` would lose them).
create function story_is_public(status story_status) returns boolean
    language sql immutable parallel safe
    as $$ select status = 'approved' $$;
