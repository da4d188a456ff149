#!/usr/bin/env bash
# Rasa's own cross-validation on our NLU data, then per-language figures from its predictions;
# then the trained model (models/ecoute.tar.gz) on the held-out messages of tests/nlu/, which
# were written without seeing the training data. FOLDS=0 skips the cross-validation.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
FOLDS="${FOLDS:-5}"
if [ "$FOLDS" != 0 ]; then
  out=results/cross-validation
  rm -rf "$out"; mkdir -p "$out"
  echo ">> rasa test nlu --cross-validation --folds $FOLDS (trains $FOLDS models; with 21,000 examples about 10 min each beside another training on 2 cores, less on a quiet machine)"
  time .venv-rasa/bin/rasa test nlu --nlu nlu --config config.yml --cross-validation --folds "$FOLDS" \
    --out "$out" --successes --no-plot >"$out/rasa.log" 2>&1 || { tail -40 "$out/rasa.log"; exit 1; }
  .venv/bin/python scripts/nlu_report.py "$out"
fi
out=results/holdout
rm -rf "$out"; mkdir -p "$out"
echo
echo ">> the trained model on the held-out messages of tests/nlu/ (never trained on; about 1 min)"
.venv-rasa/bin/rasa test nlu --nlu tests/nlu --model models/ecoute.tar.gz \
  --out "$out" --successes --no-plot >"$out/rasa.log" 2>&1 || { tail -40 "$out/rasa.log"; exit 1; }
.venv/bin/python scripts/nlu_report.py "$out" --holdout
