-- Search plans that hold for rare and absent words too.
--
-- The search's tsquery is built by an immutable function, so with custom plans (the pool sets
-- plan_cache_mode = force_custom_plan) the planner folds it into a constant and estimates its
-- selectivity from the column's statistics. A larger statistics target keeps the frequencies of
-- tens of thousands of bigrams: frequent ones walk the timeline index and stop after a page,
-- rare or absent ones use the GIN index. Without both, a word found in no story made the planner
-- walk the whole timeline index (6 s at a million stories).

create function bigram_query(input text) returns tsquery
language sql immutable strict parallel safe as $$
    select coalesce(string_agg(quote_literal(gram), ' & '), '')::tsquery
    from unnest(text_bigrams(input)) as gram
$$;

alter table stories alter column search_terms set statistics 2000;
