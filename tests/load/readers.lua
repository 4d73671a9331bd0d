-- wrk script of readers-under-uploads.sh: a mix of what readers open (the timeline, a search,
-- a theme filter, random story pages, the API), then one "result key value" line per figure.
-- STORY_MIN and STORY_MAX (environment) bound the story ids to pick from.
local paths = {
  "/",
  "/?q=%E5%9C%B0%E9%93%81",
  "/?theme=transport",
  "/api/v1/stories",
}
local min_id = tonumber(os.getenv("STORY_MIN") or "1")
local max_id = tonumber(os.getenv("STORY_MAX") or "1")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + id)
end

function request()
  local pick = math.random(1, 10)
  if pick <= 4 then
    return wrk.format(nil, "/stories/" .. math.random(min_id, max_id))
  end
  return wrk.format(nil, paths[pick - 4] or paths[1])
end

-- done(): the shared summary lines.
dofile(os.getenv("SUMMARY_LUA"))
