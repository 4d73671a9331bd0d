-- wrk script: each request opens ID_PREFIX followed by a random id between STORY_MIN and
-- STORY_MAX (environment), e.g. ID_PREFIX=/stories/ for random story pages, so no two
-- consecutive requests hit the same row; then the shared "result key value" summary lines.
local prefix = os.getenv("ID_PREFIX") or "/stories/"
local min_id = tonumber(os.getenv("STORY_MIN") or "1")
local max_id = tonumber(os.getenv("STORY_MAX") or "1")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format(nil, prefix .. math.random(min_id, max_id))
end

dofile(os.getenv("SUMMARY_LUA"))
