#!/usr/bin/env bash
# Rasa test stories: every conversation of the assistant, in French and English, replayed
# against the trained model (NLU predictions and dialogue predictions both checked).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
out=results/stories
rm -rf "$out"; mkdir -p "$out"
.venv-rasa/bin/rasa test core --stories tests/stories --model models --out "$out" --no-plot \
  >"$out/rasa.log" 2>&1 || { tail -30 "$out/rasa.log"; exit 1; }
stories=$(grep -h "^- story:" tests/stories/*.yml | wc -l)
if grep -q "^- story:" "$out/failed_test_stories.yml" 2>/dev/null; then
  failed=$(grep -c "^- story:" "$out/failed_test_stories.yml")
  echo "Rasa test stories: $failed of $stories failed (wrong predictions are marked '# predicted'):"
  grep -B2 -A1 "# predicted" "$out/failed_test_stories.yml" | head -60
  exit 1
fi
echo "Rasa test stories: all $stories passed (report in $out/)"
