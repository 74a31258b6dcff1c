#!/bin/bash
# The lin build of the app with the esp32 XS creation limits of manifest.json, fixed (no growth), run
# in Moddable's simulator (mcsim) under Xvfb for SECONDS with the lin exerciser as its app (every
# stimulus, reflex, pairing screen and morph, one stimulus each EXERCISE_MS), xsdb asked for the XS
# instruments every 10 s. Fails on an XS abort ("memory full", "stack overflow") or when not one
# exercise cycle completed. docs/memory.md gives the figures this printed.
#
# Needs the Moddable SDK's Linux tools (never committed; docs/memory.md says how they were built):
#   MODDABLE=/path/to/moddable PATH=$MODDABLE/build/bin/lin/release:$PWD/node_modules/.bin:$PATH \
#     tools/mcsim/memory-check.sh [SECONDS=300] [EXERCISE_MS=300] [HEAP_SLOTS] [CHUNK_BYTES] [STACK_SLOTS]
# The last three override the manifest's sizes (to find the limits). Also needs Xvfb and node.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-300}
ex=${2:-300}
: "${MODDABLE:?set MODDABLE to a Moddable SDK checkout whose Linux tools are built}"
command -v mcconfig >/dev/null || { echo "memory-check: mcconfig is not on PATH (\$MODDABLE/build/bin/lin/release)" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "memory-check: Xvfb is missing (apt-get install xvfb)" >&2; exit 2; }
read -r heap chunk stack < <(node -e '
  const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).platforms.esp32.creation;
  console.log(c.heap.initial, c.chunk.initial, c.stack);' "$repo/manifest.json")
heap=${3:-$heap}; chunk=${4:-$chunk}; stack=${5:-$stack}

# A wrapper manifest named like the repository's folder: mcconfig then reuses the app's build folder,
# so only mc.xs.c (which holds the creation sizes) and the link are redone.
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
name=$(basename "$repo")
mkdir -p "$work/$name"
cat > "$work/$name/manifest.json" <<EOM
{
	"include": ["$repo/manifest.json"],
	"platforms": {
		"lin": {
			"creation": {
				"static": 0,
				"chunk": { "initial": $chunk, "incremental": 0 },
				"heap": { "initial": $heap, "incremental": 0 },
				"stack": $stack
			}
		}
	}
}
EOM
echo "memory-check: lin build with fixed XS limits: heap $heap slots, chunk $chunk bytes, stack $stack slots; exercise every $ex ms for $secs s"
(cd "$work/$name" && mcconfig -d -m -p lin -t build exercise="$ex" > "$work/build.log" 2>&1) || { cat "$work/build.log" >&2; exit 1; }
so="$MODDABLE/build/bin/lin/mc/debug/$name/mc.so"

# mcsim copies mc.so into this folder and exits when it is missing.
mkdir -p "$HOME/.config/tech.moddable.mcsim"
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1024x768x24 > "$work/xvfb.log" 2>&1 &
xvfb=$!
sleep 2
[ -d "$MODDABLE/tools/xsbug-log/node_modules" ] || (cd "$MODDABLE/tools/xsbug-log" && npm install --silent)
log="$work/sim.log"
set +e
(for _ in $(seq 1 $((secs / 10))); do sleep 10; echo "info instruments"; done) |
  (cd "$MODDABLE/tools/xsbug-log" && DISPLAY=$display.0 timeout --signal=INT "$secs" node xsbug-log "$MODDABLE/build/bin/lin/release/mcsim" "$so") > "$log" 2>&1
set -e
clean=$(sed 's/\x1b\[[0-9;]*[KG]//g' "$log")
echo "$clean" | grep -E "moodface: (profile|no BLE|exercise|decoder|self-test)|XS abort|allocation|overflow" | sed 's/^(xsdb) //' || true
max() { echo "$clean" | grep "$1" | awk '{print $3}' | sort -n | tail -1 | grep . || echo 0; }
cycles=$(echo "$clean" | grep -c "exercise: cycle" || true)
echo "memory-check: $cycles exercise cycles; peaks sampled by the XS instruments (64-bit lin: 32-byte slots):" \
  "slots $(( $(max "Slot used") / 32 )) of $heap, chunk $(max "Chunk used") of $chunk bytes, stack $(( $(max "Stack used") / 32 )) of $stack slots"
if echo "$clean" | grep -q "XS abort"; then echo "memory-check: FAILED: XS aborted" >&2; exit 1; fi
if [ "$cycles" -lt 1 ]; then echo "memory-check: FAILED: no exercise cycle completed in $secs s (stalled in GC or never started)" >&2; exit 1; fi
echo "memory-check: passed"
