#!/usr/bin/env bash
# Runs every test of the repository and prints one closing line: "Tests: N passed, N failed, N skipped".
# The Semantic Kernel adapter (and what needs it) is skipped, with one line saying so, where its packages cannot be restored.
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

target=ParallelSK.sln
sk_project=src/SemanticKernel.ParallelInvocation/SemanticKernel.ParallelInvocation.csproj
if [ -f "$sk_project" ]; then
  probe_log="$results/semantic-kernel-restore.log"
  if ! dotnet restore "$sk_project" -v quiet >"$probe_log" 2>&1; then
    if grep -Eq 'NU110[1-3]' "$probe_log"; then
      echo "SKIPPED: Semantic Kernel packages cannot be restored from this machine's NuGet sources, so the Semantic Kernel adapter and its tests are skipped; everything else runs."
      target=ParallelSK.Core.slnf
    else
      echo "Restoring the Semantic Kernel adapter failed for a reason other than missing packages:"
      cat "$probe_log"
      exit 1
    fi
  fi
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
