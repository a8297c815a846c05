#!/usr/bin/env bash
# Runs every test of the repository and prints one closing line: "Tests: N passed, N failed, N skipped".
# A component whose packages the configured NuGet sources do not serve (a package, or the pinned version, is missing) is skipped
# with one "SKIPPED:" line, and everything else runs; any other restore failure fails the run.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Planner").
set -uo pipefail
cd "$(dirname "$0")"

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# The real MCP filesystem server used by the MCP tests, pinned by tests/mcp-server/package-lock.json.
if [ -f tests/mcp-server/package-lock.json ] && [ ! -d tests/mcp-server/node_modules ]; then
  npm ci --prefix tests/mcp-server --no-audit --no-fund --loglevel=error || { echo "npm ci for tests/mcp-server failed"; exit 1; }
fi

# NuGet's codes for "the sources lack this package or this version": not found (NU1101), version not found (NU1102), no stable
# version (NU1103), and a lower bound not served so a higher version was taken (NU1603, an error here: warnings are errors).
missing_codes='^(NU1101|NU1102|NU1103|NU1603)$'

# probe SLUG NAME PROJECT: restores PROJECT (log in $results/restore-SLUG.log); returns 0 if it restores, 1 if packages are missing; exits the script on any other failure.
probe() {
  local name=$2 project=$3 log="$results/restore-$1.log"
  if dotnet restore "$project" -v quiet >"$log" 2>&1; then
    return 0
  fi
  local codes
  codes=$(grep -oE 'error NU[0-9]{4}' "$log" | awk '{print $2}' | sort -u)
  if [ -n "$codes" ] && ! echo "$codes" | grep -Evq "$missing_codes"; then
    missing=$(grep -E 'error NU(1101|1102|1103|1603)' "$log" | sed -nE 's/.*error NU110[1-3]: Unable to find (a stable )?package ([^ ]+[^ .]).*/\2/p; s/.*error NU1603: .* depends on ([^ ]+) .*/\1/p' | sort -u | paste -sd, -)
    echo "SKIPPED: $name: the NuGet sources do not serve ${missing:-its packages} at the pinned version, so these tests are skipped; everything else runs."
    return 1
  fi
  echo "Restoring $project failed for a reason other than a missing package:"
  cat "$log"
  exit 1
}

# Components that can be skipped, each with the project whose restore decides and the projects that need it.
skip=()
if ! probe semantic-kernel "Semantic Kernel adapter" src/SemanticKernel.ParallelInvocation/SemanticKernel.ParallelInvocation.csproj; then
  skip+=(src/SemanticKernel.ParallelInvocation/ tests/SemanticKernel.ParallelInvocation.Tests/ tests/ParallelSK.Notebooks.SemanticKernel.Tests/ tests/SemanticKernel.ParallelInvocation.Gemini.Tests/ benchmarks/ParallelSK.Benchmarks.SemanticKernel/)
elif ! probe gemini "Gemini tests and notebook 02" tests/SemanticKernel.ParallelInvocation.Gemini.Tests/SemanticKernel.ParallelInvocation.Gemini.Tests.csproj; then
  skip+=(tests/SemanticKernel.ParallelInvocation.Gemini.Tests/)
fi

# A real redis-server on a free loopback port for the Redis-backed concurrency groups (tests/SemanticKernel.ParallelInvocation.Redis.Tests),
# stopped when this script exits; its address goes to the tests in PARALLELSK_REDIS. Outside CI a missing redis-server skips those tests
# with one line; in CI (.ci/run sets PARALLELSK_REQUIRE_REDIS=1) it fails the run.
redis_pid=""
stop_redis() { if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; fi; }
trap stop_redis EXIT
if command -v redis-server >/dev/null 2>&1; then
  redis_port=""
  for p in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then redis_port=$p; break; fi
  done
  [ -n "$redis_port" ] || { echo "No free loopback port found for redis-server."; exit 1; }
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$results/redis-server.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null || { echo "redis-server did not start (see $results/redis-server.log)."; exit 1; }
  export PARALLELSK_REDIS="127.0.0.1:$redis_port"
elif [ "${PARALLELSK_REQUIRE_REDIS:-}" = "1" ]; then
  echo "redis-server is not installed, and this run requires the Redis tests (PARALLELSK_REQUIRE_REDIS=1): install it (apt-get install -y redis-server)."
  exit 1
else
  echo "SKIPPED: Redis-backed concurrency groups: redis-server is not installed (apt-get install redis-server), so tests/SemanticKernel.ParallelInvocation.Redis.Tests is skipped; everything else runs."
  skip+=(tests/SemanticKernel.ParallelInvocation.Redis.Tests/)
fi

# A solution filter of every project in ParallelSK.sln but the skipped ones.
target=ParallelSK.sln
if [ ${#skip[@]} -gt 0 ]; then
  target=artifacts/ParallelSK.test.slnf
  projects=$(dotnet sln ParallelSK.sln list | grep -E '\.csproj$' | while read -r p; do
    keep=1; for s in "${skip[@]}"; do case "$p" in "$s"*) keep=0 ;; esac; done
    [ $keep -eq 1 ] && printf '      "%s",\n' "$p"
  done | sed '$ s/,$//')
  printf '{\n  "solution": {\n    "path": "../ParallelSK.sln",\n    "projects": [\n%s\n    ]\n  }\n}\n' "$projects" > "$target"
fi

dotnet test "$target" --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test ran."
  status=1
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
