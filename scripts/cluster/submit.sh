#!/usr/bin/env bash
# scripts/cluster/submit.sh: submits a grid (the evidence tables or the sweeps) to Slurm as three dependent jobs of
# scripts/cluster/grid.sbatch: prepare (the features, once) → train (an array of N shards) → assemble (the tables).
#
#   bash scripts/cluster/submit.sh [--parsable] <tables|sweeps> <tasks> [fsvae flags of the grid ...]
#   bash scripts/cluster/submit.sh tables 8 --mode full                  # 8 shards, full mode, every table
#   FSVAE_CPUS_PER_TASK=4 FSVAE_CACHE_DIR=/shared/fsvae-cache bash scripts/cluster/submit.sh tables 4 --table table3
#   bash scripts/cluster/submit.sh sweeps 6 --mode full
#
# Prints the three job ids (with --parsable: one line "<prepare id> <array id> <assembly id>") and where the logs go.
# Each job starts when the one before has succeeded (afterok) and is cancelled when it failed (--kill-on-invalid-dep).
# The flags after <tasks> are appended to $FSVAE_GRID_ARGS and given to every job (never --shard/--shards/--prepare/
# --assemble). Submits from the repository root, so SLURM_SUBMIT_DIR is the repository (built: npx tsc -p tsconfig.json).
# Environment:
#   FSVAE_CACHE_DIR       shared cache (default <repo>/data/cache)
#   FSVAE_CPUS_PER_TASK   CPUs of each train task (default 1)
#   FSVAE_PREPARE_TASKS   tasks of the prepare array (default: <tasks>; each prepares its share of the splits' features,
#                         a task with no share exits at once; 0 skips the prepare job: every train task then extracts
#                         the features it reads itself, the same work repeated in each)
#   FSVAE_PREPARE_CPUS    CPUs of each prepare task (default 2: stage 1 runs its two phases in worker threads)
#   FSVAE_LOG_DIR         the job logs (default <repo>/logs/slurm)
#   FSVAE_SBATCH_ARGS     more sbatch flags for every job, e.g. '--partition=cpu --time=04:00:00'
#   and those grid.sbatch reads (FSVAE_RESULTS, FSVAE_DATA, FSVAE_SETUP, FSVAE_CLI).
# Relative paths in FSVAE_CACHE_DIR, FSVAE_RESULTS, FSVAE_LOG_DIR and FSVAE_DATA are taken from the current directory.
set -euo pipefail

die() { echo "submit: error: $*" >&2; exit 2; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, not '$2'"; }

parsable=0
if [[ ${1:-} == --parsable ]]; then parsable=1; shift; fi
[[ $# -ge 2 ]] || die "usage: submit.sh [--parsable] <tables|sweeps> <tasks> [fsvae flags of the grid ...]"
grid=$1 n=$2; shift 2
[[ $grid == tables || $grid == sweeps ]] || die "the grid must be tables or sweeps, not '$grid'"
posint "<tasks>" "$n"
read -r -a preset <<<"${FSVAE_GRID_ARGS:-}"
for a in "$@" "${preset[@]}"; do
  case $a in
    --shard|--shard=*|--shards|--shards=*|--assemble|--prepare) die "$a: the jobs set the shards and the steps themselves" ;;
    --cache-dir|--cache-dir=*) die "$a: set FSVAE_CACHE_DIR instead (every job must see the same cache)" ;;
  esac
done
command -v sbatch >/dev/null || die "sbatch not found (is Slurm installed? locally: sudo bash scripts/cluster/slurm-local.sh)"
cpus=${FSVAE_CPUS_PER_TASK:-1}; posint FSVAE_CPUS_PER_TASK "$cpus"
pcpus=${FSVAE_PREPARE_CPUS:-2}; posint FSVAE_PREPARE_CPUS "$pcpus"
ptasks=${FSVAE_PREPARE_TASKS:-$n}
[[ $ptasks == 0 ]] || posint FSVAE_PREPARE_TASKS "$ptasks"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for v in FSVAE_CACHE_DIR FSVAE_RESULTS FSVAE_LOG_DIR FSVAE_DATA; do
  if [[ -n ${!v:-} ]]; then export "$v=$(realpath -m -- "${!v}")"; fi
done
export FSVAE_GRID_ARGS="${FSVAE_GRID_ARGS:+$FSVAE_GRID_ARGS }$*"
logs=${FSVAE_LOG_DIR:-$repo/logs/slurm}
mkdir -p "$logs"
read -r -a more <<<"${FSVAE_SBATCH_ARGS:-}"

cd "$repo"
[[ -n ${FSVAE_CLI:-} || -f dist/lib/cli/main.js ]] || die "$repo/dist/lib/cli/main.js is missing; build first: npx tsc -p tsconfig.json"
submitted=()
cancel() { [[ ${#submitted[@]} == 0 ]] || scancel "${submitted[@]}" 2>/dev/null || true; }
# submit <name> <dependency or ''> <sbatch flags ...> -- <step>: sets $job to the job id
job=''
submit() {
  local name=$1 dep=$2 out; shift 2
  local flags=() step
  while [[ $1 != -- ]]; do flags+=("$1"); shift; done
  step=$2
  out=$(sbatch --parsable --export=ALL --job-name="fsvae-$grid-$name" ${dep:+--dependency=afterok:$dep --kill-on-invalid-dep=yes} \
    "${flags[@]}" "${more[@]}" scripts/cluster/grid.sbatch "$grid" "$step") \
    || { cancel; die "sbatch of the $name job failed${submitted[*]:+ (jobs ${submitted[*]} cancelled)}: $out"; }
  job=${out%%;*}
  submitted+=("$job")
}

prep=''
if [[ $ptasks != 0 ]]; then
  submit prepare '' --array="1-$ptasks" --cpus-per-task="$pcpus" --output="$logs/%x-%A_%a.out" -- prepare; prep=$job
fi
submit train "$prep" --array="1-$n" --cpus-per-task="$cpus" --output="$logs/%x-%A_%a.out" -- train; array=$job
submit assemble "$array" --cpus-per-task=1 --output="$logs/%x-%j.out" -- assemble; asm=$job

if [[ $parsable == 1 ]]; then
  echo "${prep:--} $array $asm"
else
  [[ -z $prep ]] || echo "submit: prepare job $prep ($ptasks task(s), $pcpus CPU(s) each): $logs/fsvae-$grid-prepare-${prep}_<i>.out"
  echo "submit: train job $array ($n tasks, $cpus CPU(s) each, $grid ${FSVAE_GRID_ARGS:-(defaults)}): $logs/fsvae-$grid-train-${array}_<i>.out"
  echo "submit: assembly job $asm (runs after every task succeeds): $logs/fsvae-$grid-assemble-$asm.out"
  echo "submit: cache ${FSVAE_CACHE_DIR:-$repo/data/cache}; watch with: squeue -j ${prep:+$prep,}$array,$asm"
fi
