-- Related stories (timeline::store::related) through a function with its own plan cache mode.
-- The serving pool plans every statement afresh (plan_cache_mode = force_custom_plan, which
-- the search's immutable bigram_query needs), and planning this query took 0.42 ms against
-- 0.19 ms to run it — on every story page. PL/pgSQL keeps the plan of its query for the
-- session; with a generic plan it is planned once per connection (0.02 ms afterwards). The
-- plan is the same index walks as the custom one (docs/performance.md, "Related stories").
-- Without a known LIMIT the generic plan's estimated cost passes jit_above_cost, and compiling
-- it took 30 ms per call at 1,000,000 stories: JIT is off for this function.
create function related_stories(of_story bigint, of_place text, of_themes theme[], max_rows bigint)
returns table (id bigint, title text, place text)
language plpgsql stable
set plan_cache_mode = force_generic_plan
set jit = off
as $$
begin
    return query
    with candidates as (
        (select s.id, s.title, s.place, s.year_now, s.year_then
         from stories s
         where s.status = 'approved' and s.place = of_place and s.id <> of_story
         order by s.year_now desc, s.year_then desc, s.id desc
         limit max_rows)
        union
        (select s.id, s.title, s.place, s.year_now, s.year_then
         from unnest(of_themes) as th(theme)
         cross join lateral (
             select t.story_id from story_themes t
             where t.theme = th.theme and t.approved and t.story_id <> of_story
             order by t.year_now desc, t.year_then desc, t.story_id desc
             limit max_rows) as t
         join stories s on s.id = t.story_id and s.status = 'approved')
    )
    select c.id, c.title, c.place from candidates c
    order by (c.place = of_place) desc, c.year_now desc, c.year_then desc, c.id desc
    limit max_rows;
end
$$;
