-- Replays request lines from a file, round robin: METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY (BODY may be empty).
local lines = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
    table.insert(lines, wrk.format(method, path, headers, body))
  end
  counter = math.random(#lines)
end

function request()
  counter = counter + 1
  return lines[(counter % #lines) + 1]
end
