#!/usr/bin/env bash
# Rasa's own cross-validation on our NLU data, then per-language figures from its predictions.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
FOLDS="${FOLDS:-5}"
out=results/cross-validation
rm -rf "$out"; mkdir -p "$out"
echo ">> rasa test nlu --cross-validation --folds $FOLDS (trains $FOLDS models; with 18,400 examples about 9 min each beside another training on 2 cores, less on a quiet machine)"
time .venv-rasa/bin/rasa test nlu --nlu nlu --config config.yml --cross-validation --folds "$FOLDS" \
  --out "$out" --successes --no-plot >"$out/rasa.log" 2>&1 || { tail -40 "$out/rasa.log"; exit 1; }
.venv/bin/python scripts/nlu_report.py "$out"
