#!/usr/bin/env bash
# scripts/cluster/submit-tables.sh: submits the evidence tables to Slurm as an array job of N shards
# (scripts/cluster/tables.sbatch) plus the assembly job (scripts/cluster/assemble.sbatch) that runs after all of them.
#
#   bash scripts/cluster/submit-tables.sh [--parsable] <tasks> [fsvae tables flags ...]
#   bash scripts/cluster/submit-tables.sh 8 --mode full                 # 8 tasks, full mode, every table
#   FSVAE_CPUS_PER_TASK=4 FSVAE_CACHE_DIR=/shared/fsvae-cache bash scripts/cluster/submit-tables.sh 4 --table table3
#
# Prints the two job ids (with --parsable: one line "<array job id> <assembly job id>") and where the logs go.
# The flags after <tasks> are appended to $FSVAE_TABLES_ARGS and given to both jobs (never --shard/--shards/--assemble).
# Submits from the repository root, so the jobs' SLURM_SUBMIT_DIR is the repository (built: npx tsc -p tsconfig.json).
# Environment: FSVAE_CACHE_DIR (shared cache; default <repo>/data/cache), FSVAE_CPUS_PER_TASK (default 1),
# FSVAE_LOG_DIR (default <repo>/logs/slurm), FSVAE_SBATCH_ARGS (more sbatch flags for both jobs, e.g.
# '--partition=cpu --time=04:00:00'), and those tables.sbatch reads (FSVAE_RESULTS, FSVAE_DATA, FSVAE_SETUP, FSVAE_CLI).
# Relative paths in FSVAE_CACHE_DIR, FSVAE_RESULTS, FSVAE_LOG_DIR and FSVAE_DATA are taken from the current directory.
set -euo pipefail

die() { echo "submit-tables: error: $*" >&2; exit 2; }

parsable=0
if [[ ${1:-} == --parsable ]]; then parsable=1; shift; fi
[[ $# -ge 1 ]] || die "usage: submit-tables.sh [--parsable] <tasks> [fsvae tables flags ...]"
n=$1; shift
[[ $n =~ ^[1-9][0-9]*$ ]] || die "<tasks> must be a positive integer, not '$n'"
read -r -a preset <<<"${FSVAE_TABLES_ARGS:-}"
for a in "$@" "${preset[@]}"; do
  case $a in --shard|--shard=*|--shards|--shards=*|--assemble) die "$a: the array sets the shards and the second job assembles" ;; esac
done
command -v sbatch >/dev/null || die "sbatch not found (is Slurm installed? locally: sudo bash scripts/cluster/slurm-local.sh)"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for v in FSVAE_CACHE_DIR FSVAE_RESULTS FSVAE_LOG_DIR FSVAE_DATA; do
  if [[ -n ${!v:-} ]]; then export "$v=$(realpath -m -- "${!v}")"; fi
done
export FSVAE_TABLES_ARGS="${FSVAE_TABLES_ARGS:+$FSVAE_TABLES_ARGS }$*"
logs=${FSVAE_LOG_DIR:-$repo/logs/slurm}
mkdir -p "$logs"
read -r -a more <<<"${FSVAE_SBATCH_ARGS:-}"
cpus=${FSVAE_CPUS_PER_TASK:-1}
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "FSVAE_CPUS_PER_TASK must be a positive integer, not '$cpus'"

cd "$repo"
[[ -n ${FSVAE_CLI:-} || -f dist/lib/cli/main.js ]] || die "$repo/dist/lib/cli/main.js is missing; build first: npx tsc -p tsconfig.json"
out=$(sbatch --parsable --export=ALL --array="1-$n" --cpus-per-task="$cpus" --output="$logs/%x-%A_%a.out" "${more[@]}" \
  scripts/cluster/tables.sbatch) || die "sbatch of the array job failed: $out"
array=${out%%;*}
out=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$logs/%x-%j.out" "${more[@]}" \
  scripts/cluster/assemble.sbatch) || { scancel "$array" 2>/dev/null || true; die "sbatch of the assembly job failed (array $array cancelled): $out"; }
asm=${out%%;*}

if [[ $parsable == 1 ]]; then
  echo "$array $asm"
else
  echo "submit-tables: array job $array ($n tasks, $cpus CPU(s) each, tables ${FSVAE_TABLES_ARGS:-(defaults)}): $logs/fsvae-tables-${array}_<i>.out"
  echo "submit-tables: assembly job $asm (runs after every task succeeds): $logs/fsvae-assemble-$asm.out"
  echo "submit-tables: cache ${FSVAE_CACHE_DIR:-$repo/data/cache}; watch with: squeue -j $array,$asm"
fi
