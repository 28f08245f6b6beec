#!/usr/bin/env bash
# scripts/cluster/scale-slurm.sh: does sharding the evidence tables over a Slurm array change them, and what does it cost?
#
#   sudo bash scripts/cluster/scale-slurm.sh              # -> results/scale_slurm.md; exit 1 when a table differs or a job fails
#   sudo bash scripts/cluster/scale-slurm.sh --self-test  # the same machinery with a stand-in for `fsvae tables` (no training)
#
# On this one machine (Slurm from scripts/cluster/slurm-local.sh, started here when run as root) it runs a reduced grid
# three ways, each with a fresh, empty cache:
#   1. serially without Slurm: `fsvae tables <args>` (the reference);
#   2. Slurm with 1 task: the prepare job, an array of 1 train task, the assembly job (scripts/cluster/submit.sh tables 1 <args>);
#   3. Slurm with 2 tasks: the same with 2 prepare and 2 train tasks (submit.sh tables 2 <args>),
# measures each wall time (start of the serial run / submission of the jobs, to the end of the serial run / of the
# assembly job), counts the cells of each train task (the `[tables] shard i/n ...: M of T cells` lines of the task logs),
# and compares every table JSON of the Slurm runs with the serial run's: the `rows` arrays (exactly, in order) and the
# values of `input.runs` without `seconds` and `cached` (as a set: one entry per split × seed × variant); provenance,
# dates and wall times are ignored. It also checks that `--assemble` on the serial run's cache gives the same tables.
# Writes results/scale_slurm.md (setup, tasks, wall s, cells per task, tables equal serial; date, cores, commit).
#
# Environment (all optional):
#   FSVAE_SCALE_ARGS    `fsvae tables` flags of the grid (default: --table table3 --seeds 20 --datasets generated: 100 stage-2
#                       cells after one stage-1 extraction: like the full grid, mostly stage-2 training)
#   FSVAE_SCALE_DATA    FSVAE_DATA of every run (default: an empty temp folder, so no real dataset is found; note that
#                       the data lookup also tries data/external and ../shared/data, hence --datasets generated above)
#   FSVAE_SCALE_TASKS   the array sizes to run (default "1 2")
#   FSVAE_SCALE_CPUS    --cpus-per-task of the train tasks (default 1); the prepare tasks get submit.sh's default (2)
#   FSVAE_SCALE_TIMEOUT seconds to wait for one Slurm setup (default 3600)
#   FSVAE_SCALE_OUT     the report (default results/scale_slurm.md)
#   FSVAE_SCALE_WORK    the work folder (default a new /tmp/fsvae-scale.XXXXXX; kept: caches, logs, tables)
#   FSVAE_SCALE_SKIP_BUILD=1  do not run `npx tsc -p tsconfig.json` first
#   FSVAE_CLI           the command that runs fsvae (default node dist/lib/cli/main.js)
#   SLURM_LOCAL_TASK_PLUGIN  read by slurm-local.sh (default task/none: a 1-CPU task still sees every core and runs the
#                       stage-2 phases in worker threads; task/affinity pins each task to its CPUs)
# Run it on an otherwise idle machine: the wall times are the point. Jobs take the nice value of this script.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
die() { echo "scale-slurm: error: $*" >&2; exit 1; }
say() { echo "scale-slurm: $*" >&2; }
now() { date +%s.%N; }
join() { local IFS=$'\x1f'; local s="$*"; echo "${s//$'\x1f'/, }"; }   # join a b -> "a, b"
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- parsing and comparing (tested by --self-test) -----------------------------------------------------------------

# cells of one array task, from its log: "M" (the cells of its shard), "M (X trained)" when some were cached
# already, "?" when the log has no shard line
shard_cells() {
  awk '
    /^\[tables\] shard [0-9]+\/[0-9]+[^:]*: [0-9]+ of [0-9]+ cells/ {
      line = $0; sub(/^[^:]*: /, "", line); split(line, w, " "); owned = w[1]; seen = 1
      if (match(line, /: [0-9]+ to train/)) { totrain = substr(line, RSTART + 2, RLENGTH - 11) + 0 }
    }
    /^\[tables\] shard [0-9]+\/[0-9]+: trained / { trained++ }
    END {
      if (!seen) { print "?"; exit }
      if (trained + 0 != owned + 0) printf "%s (%d trained)\n", owned, trained; else print owned
    }' "$1"
}

# cells a run without shards trained, from its log (`[evidence k] ... in N s`; cached cells end in "(cached)")
serial_cells() { grep -cE '^\[evidence [0-9]+\] .* in [0-9]+ s$' "$1" || true; }

# seconds between the "[sbatch] start" and "[sbatch] end" lines of a job log ("?" when missing)
job_seconds() {
  awk '/^\[sbatch\] start / { s = $3 } /^\[sbatch\] end / { e = $3 } END { if (s == "" || e == "") print "?"; else printf "%.1f\n", e - s }' "$1"
}
job_end() { awk '/^\[sbatch\] end / { e = $3 } END { print e }' "$1"; }
job_start() { awk '/^\[sbatch\] start / { s = $3 } END { print s }' "$1"; }

# "yes" (exit 0) when every table JSON of dir $1 has an equal twin in dir $2, else "no: <why>" (exit 1)
compare_tables() {
  node - "$1" "$2" <<'EOF'
const fs = require('fs'), path = require('path');
const [a, b] = process.argv.slice(2);
const canon = (v) => Array.isArray(v) ? `[${v.map(canon).join(',')}]`
  : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}` : JSON.stringify(v);
const run = (r) => { const { seconds, cached, ...rest } = r; return canon(rest); };
const files = fs.existsSync(a) ? fs.readdirSync(a).filter((f) => f.endsWith('.json')).sort() : [];
const why = [];
if (!files.length) why.push(`the reference wrote no table JSON in ${a}`);
for (const f of files) {
  const fb = path.join(b, f);
  if (!fs.existsSync(fb)) { why.push(`${f} missing`); continue; }
  let ja, jb;
  const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
  try { ja = read(path.join(a, f)); jb = read(fb); } catch (e) { why.push(`${f}: ${e.message}`); continue; }
  const ra = ja.rows ?? [], rb = jb.rows ?? [];
  if (ra.length !== rb.length) why.push(`${f}: ${ra.length} vs ${rb.length} rows`);
  else {
    const i = ra.findIndex((r, k) => canon(r) !== canon(rb[k]));
    if (i >= 0) why.push(`${f}: row ${i + 1} differs (${canon(ra[i]).slice(0, 120)} vs ${canon(rb[i]).slice(0, 120)})`);
  }
  const xa = (ja.input?.runs ?? []).map(run).sort(), xb = (jb.input?.runs ?? []).map(run).sort();
  if (!ja.input?.runs) why.push(`${f}: no input.runs in the reference`);
  else if (xa.length !== xb.length) why.push(`${f}: ${xa.length} vs ${xb.length} runs`);
  else {
    const n = xa.filter((x, k) => x !== xb[k]).length;
    if (n) why.push(`${f}: ${n} of ${xa.length} runs differ (first: ${xa.find((x, k) => x !== xb[k]).slice(0, 160)})`);
  }
}
console.log(why.length ? `no: ${why.join('; ')}` : 'yes');
process.exit(why.length ? 1 : 0);
EOF
}

# --- the three setups ----------------------------------------------------------------------------------------------

# waits until the jobs $@ have left the queue (or the timeout: cancels them)
wait_jobs() {
  local deadline ids
  ids=$(IFS=,; echo "$*")
  deadline=$(( $(date +%s) + TIMEOUT ))
  while [[ -n $(squeue -h -j "$ids" -o %i 2>/dev/null || true) ]]; do
    if (( $(date +%s) > deadline )); then scancel "$@" 2>/dev/null || true; say "jobs $ids ran past ${TIMEOUT} s: cancelled"; return 1; fi
    sleep 0.5
  done
}

# the distinct states of a job (of all its array tasks), e.g. "COMPLETED" or "COMPLETED FAILED"
job_states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ' | sed 's/ $//' || true; }

ROWS=() NOTES=() FAILED=0
declare -A WALL=()

run_serial() {
  local dir=$WORK/serial t0 t1 rc=0
  mkdir -p "$dir/cache" "$dir/results" "$dir/results-assembled"
  say "serial: ${CLI[*]} tables --cache-dir $dir/cache ${ARGS[*]}"
  t0=$(now)
  FSVAE_RESULTS=$dir/results "${CLI[@]}" tables --cache-dir "$dir/cache" "${ARGS[@]}" >"$dir/tables.log" 2>&1 || rc=$?
  t1=$(now)
  if [[ $rc != 0 ]]; then
    ROWS+=("| serial, no Slurm | 1 | $(secs "$t0" "$t1") | failed (exit $rc) | reference |"); FAILED=1
    NOTES+=("serial run failed (exit $rc): $dir/tables.log: $(tail -n 3 "$dir/tables.log" | tr '\n' ' ')"); return 1
  fi
  ROWS+=("| serial, no Slurm | 1 | $(secs "$t0" "$t1") | $(serial_cells "$dir/tables.log") trained | (reference) |")
  # the assembly alone, on the serial run's cache: no training, the same tables
  rc=0
  FSVAE_RESULTS=$dir/results-assembled "${CLI[@]}" tables --assemble --cache-dir "$dir/cache" "${ARGS[@]}" >"$dir/assemble.log" 2>&1 || rc=$?
  local same='no'
  if [[ $rc == 0 ]]; then same=$(compare_tables "$dir/results" "$dir/results-assembled") || FAILED=1; else same="no: exit $rc"; FAILED=1; fi
  NOTES+=("\`--assemble\` on the serial run's cache (no training) gives the same tables: $same.")
  say "serial: done; --assemble on its cache: $same"
}

run_slurm() {
  local n=$1
  local dir=$WORK/slurm-$n t0 t1 ids prep array asm states end cells=() tsecs=() psecs=() i log eq
  mkdir -p "$dir"
  say "slurm, $n task(s): submit.sh tables $n (cache $dir/cache)"
  t0=$(now)
  if ! ids=$(FSVAE_CACHE_DIR=$dir/cache FSVAE_RESULTS=$dir/results FSVAE_LOG_DIR=$dir/logs FSVAE_CPUS_PER_TASK=$CPUS \
    FSVAE_GRID_ARGS="${ARGS[*]}" bash "$REPO/scripts/cluster/submit.sh" --parsable tables "$n"); then
    ROWS+=("| Slurm: prepare, train array, assembly | $n | - | - | no: submission failed |"); FAILED=1
    NOTES+=("Slurm with $n task(s): submit.sh failed: ${ids:-see the messages above}"); return 0
  fi
  read -r prep array asm <<<"$ids"
  local jobs=("$array" "$asm"); [[ $prep == - ]] || jobs=("$prep" "${jobs[@]}")
  wait_jobs "${jobs[@]}" || true
  t1=$(now)
  local asm_log=$dir/logs/fsvae-tables-assemble-$asm.out
  end=$(job_end "$asm_log" 2>/dev/null || true)
  if [[ -n $end ]]; then t1=$end; fi
  for i in $(seq 1 "$n"); do
    log=$dir/logs/fsvae-tables-train-${array}_$i.out
    if [[ -f $log ]]; then cells+=("$(shard_cells "$log")"); tsecs+=("$(job_seconds "$log")"); else cells+=("no log"); tsecs+=("?"); fi
  done
  if [[ $prep != - ]]; then
    for log in "$dir"/logs/fsvae-tables-prepare-"${prep}"_*.out; do psecs+=("$(job_seconds "$log")"); done
  fi
  states="tasks $(job_states "$array"), assembly $(job_states "$asm")"
  [[ $prep == - ]] || states="prepare $(job_states "$prep"), $states"
  if [[ $states != *"tasks COMPLETED, assembly COMPLETED" || ( $prep != - && $states != "prepare COMPLETED,"* ) ]]; then
    eq="no: $states"; FAILED=1
    NOTES+=("Slurm with $n task(s) (jobs ${jobs[*]}): $states; logs in $dir/logs")
  else
    eq=$(compare_tables "$WORK/serial/results" "$dir/results") || FAILED=1
  fi
  local asm_s lag wall
  asm_s=$(job_seconds "$asm_log" 2>/dev/null || echo '?')
  # Slurm's own delays: submission -> first job's start, and the gaps between the steps
  lag=$(cat "$dir"/logs/fsvae-tables-*.out 2>/dev/null | awk -v t0="$t0" '
    /^\[sbatch\] fsvae-tables / { step = $3 }
    /^\[sbatch\] start / { if (first == "" || $3 < first) first = $3; if (!(step in s) || $3 < s[step]) s[step] = $3 }
    /^\[sbatch\] end / { if ($3 > e[step]) e[step] = $3 }
    END {
      if (first == "") { print "?"; exit }
      out = sprintf("%.1f s to the first start", first - t0)
      if (("prepare" in e) && ("train" in s)) out = out sprintf(", %.1f s from the last prepare task to the first train task", s["train"] - e["prepare"])
      if (("train" in e) && ("assemble" in s)) out = out sprintf(", %.1f s from the last train task to the assembly", s["assemble"] - e["train"])
      print out
    }') || true
  wall=$(secs "$t0" "$t1")
  WALL[$n]=$wall
  ROWS+=("| Slurm: prepare, train array, assembly | $n | $wall | $(join "${cells[@]}") | $eq |")
  local seen; seen=$(grep -ho 'nproc [0-9]*' "$dir"/logs/fsvae-tables-train-"${array}"_*.out 2>/dev/null | sort -u | paste -sd, || true)
  local prepared=''
  [[ $prep == - ]] || prepared="prepare job $prep (tasks: $(join "${psecs[@]}") s each), "
  NOTES+=("Slurm with $n task(s): ${prepared}train job $array (tasks: $(join "${tsecs[@]}") s each; ${seen:-nproc ?} in a task), assembly\
 job $asm ($asm_s s); scheduling: $lag.")
  say "slurm, $n task(s): $wall s, cells per task ${cells[*]}, equal: $eq"
}

write_report() {
  local out=$1 commit dirty cpu slurm_version task_plugin origin
  commit=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  dirty=$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -vE '^..\s*"?(results|notebooks)/' | head -n1 || true)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  slurm_version=$(sinfo --version 2>/dev/null || echo '?')
  task_plugin=$(scontrol show config 2>/dev/null | awk -F'= ' '/^TaskPlugin / { print $2 }' || true)
  # the datasets, from the serial run's "[tables] <origin>: N split(s), ..." lines
  origin=$(grep -E '^\[tables\] .*: [0-9]+ split\(s\)' "$WORK/serial/tables.log" 2>/dev/null \
    | sed -E 's/^\[tables\] //; s/: ([0-9]+ split\(s\)).*/ (\1)/' | paste -sd';' | sed 's/;/; /g' || true)
  mkdir -p "$(dirname "$out")"
  {
    echo "# Evidence tables sharded over Slurm: wall time and equality with a serial run"
    echo
    echo "Written by \`scripts/cluster/scale-slurm.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ): one machine, $(nproc) cores ($cpu),"
    echo "$slurm_version from \`scripts/cluster/slurm-local.sh\` (TaskPlugin ${task_plugin:-?}), commit $commit${dirty:+ (with uncommitted changes)},"
    echo "Node $(node --version). Grid: \`fsvae tables ${ARGS[*]}\`, FSVAE_DATA=$DATA_NOTE."
    [[ -z $origin ]] || echo "Data: $origin."
    echo "Every setup starts from an empty cache. Slurm train tasks: $CPUS CPU(s) each; prepare tasks: 2 (stage 1 runs its two phases in"
    echo "threads). Wall s: from the start of the serial run or the submission of the jobs to the end of the run or of the assembly job"
    echo "(scheduling and the dependencies' waits included)."
    echo "Equal: the same \`rows\` (in order) and the same \`input.runs\` values (without \`seconds\` and \`cached\`) in every table JSON."
    echo
    echo "| setup | tasks | wall s | cells per task | tables equal serial |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    if [[ -n ${WALL[1]:-} && -n ${WALL[2]:-} ]]; then
      echo "**2 tasks took $(awk -v a="${WALL[2]}" -v b="${WALL[1]}" 'BEGIN { printf "%.2f", a / b }')× the wall time of 1 task** (target ≤ 0.6×)."
      echo
    fi
    printf -- '- %s\n' "${NOTES[@]}"
    echo "- Work folder (caches, task logs, tables): $WORK"
  } >"$out.tmp.$$"
  mv "$out.tmp.$$" "$out"
  say "wrote $out"
}

main_run() {
  read -r -a ARGS <<<"${FSVAE_SCALE_ARGS:---table table3 --seeds 20 --datasets generated}"
  read -r -a TASKS <<<"${FSVAE_SCALE_TASKS:-1 2}"
  CPUS=${FSVAE_SCALE_CPUS:-1}
  TIMEOUT=${FSVAE_SCALE_TIMEOUT:-3600}
  local out=${FSVAE_SCALE_OUT:-$REPO/results/scale_slurm.md}
  WORK=${FSVAE_SCALE_WORK:-$(mktemp -d /tmp/fsvae-scale.XXXXXX)}
  mkdir -p "$WORK"
  if [[ -n ${FSVAE_SCALE_DATA:-} ]]; then export FSVAE_DATA=$FSVAE_SCALE_DATA; DATA_NOTE=$FSVAE_SCALE_DATA
  else export FSVAE_DATA=$WORK/empty-data; mkdir -p "$FSVAE_DATA"; DATA_NOTE='an empty folder'; fi
  # the shard must come from the Slurm jobs (or nowhere, serially), never from this shell
  while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM_ARRAY_|SLURM_JOB_ID$|JOB_COMPLETION_INDEX$)' || true)
  cd "$REPO"

  read -r -a CLI <<<"${FSVAE_CLI:-node dist/lib/cli/main.js}"
  if [[ -z ${FSVAE_CLI:-} && ${FSVAE_SCALE_SKIP_BUILD:-0} != 1 ]]; then
    say "building (npx tsc -p tsconfig.json) ..."
    npx tsc -p tsconfig.json || die "the build failed"
  fi
  local help; help=$("${CLI[@]}" tables --help 2>&1 || true)
  [[ $help == *--shard* && $help == *--assemble* && $help == *--prepare* ]] \
    || die "this fsvae has no 'tables --shard/--prepare/--assemble' (${CLI[*]} tables --help); build the branch that adds them"

  if [[ $(id -u) == 0 ]]; then bash "$REPO/scripts/cluster/slurm-local.sh" >&2 || die "slurm-local.sh failed"
  else sinfo >/dev/null 2>&1 || die "Slurm is not up and this is not root: run sudo bash scripts/cluster/slurm-local.sh first"; fi
  [[ -z $(squeue -h 2>/dev/null) ]] || say "warning: the queue is not empty; the wall times include waiting for those jobs"

  say "work folder $WORK; grid: tables ${ARGS[*]}"
  if run_serial; then
    for n in "${TASKS[@]}"; do run_slurm "$n"; done
  fi
  write_report "$out"
  if [[ $FAILED != 0 ]]; then say "FAILED: a run failed or a table differs (see $out)"; exit 1; fi
  say "ok: every Slurm setup gave the serial run's tables"
}

# --- self-test -----------------------------------------------------------------------------------------------------

# a stand-in for `fsvae tables` that follows the CLI's contract (--shard i/n, shards from SLURM_ARRAY_TASK_ID /
# JOB_COMPLETION_INDEX, --assemble exits 1 on missing cells) and "trains" FAKE_CELLS cells of FAKE_SECONDS each
write_stand_in() {
  cat >"$1" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
[[ ${1:-} == tables ]] || { echo "stand-in: only 'tables'" >&2; exit 2; }; shift
cache='' shard='' shards='' assemble=0 prepare=0
while (($#)); do
  case $1 in
    --help) echo "usage: tables [--shard i/n | --shards n] [--prepare | --assemble]"; exit 0 ;;
    --cache-dir) cache=$2; shift 2 ;; --shard) shard=$2; shift 2 ;; --shards) shards=$2; shift 2 ;; --assemble) assemble=1; shift ;;
    --prepare) prepare=1; shift ;; --mode|--table|--seeds|--datasets) shift 2 ;; *) echo "stand-in: unknown flag $1" >&2; exit 2 ;;
  esac
done
T=${FAKE_CELLS:-6}
if [[ -z $shard && $assemble == 0 ]]; then
  if [[ -n ${SLURM_ARRAY_TASK_ID:-} ]]; then shard="$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))/$SLURM_ARRAY_TASK_COUNT"
  elif [[ -n ${JOB_COMPLETION_INDEX:-} ]]; then shard="$((JOB_COMPLETION_INDEX + 1))/$shards"; fi
fi
mkdir -p "$cache/evidence"
value() { echo $(( ($1 * 37) % 100 )); }
train() { # temp file + rename, like the CLI
  sleep "${FAKE_SECONDS:-1}"; echo "{\"zsl\": $(value "$1")}" >"$cache/evidence/c$1.json.$$"; mv "$cache/evidence/c$1.json.$$" "$cache/evidence/c$1.json"
}
echo "[tables] generated dataset (stand-in): 1 split(s)"
if [[ $prepare == 1 ]]; then # one feature set: the first shard (or an unsharded job) prepares it
  if [[ -z $shard || ${shard%/*} == 1 ]]; then sleep "${FAKE_SECONDS:-1}"; mkdir -p "$cache/features"; echo x >"$cache/features/f"; fi
  echo "[tables] prepare, shard ${shard:-all}: done"; exit 0
fi
[[ -z $shard || -f $cache/features/f ]] || { echo "stand-in: the features were not prepared" >&2; exit 1; }
if [[ -n $shard ]]; then
  i=${shard%/*} n=${shard#*/} mine=()
  for k in $(seq 1 "$T"); do if (( (k - 1) % n == i - 1 )); then mine+=("$k"); fi; done
  echo "[tables] shard $i/$n (stand-in): ${#mine[@]} of $T cells are this shard's: ${#mine[@]} to train, 0 cached"
  j=0; for k in "${mine[@]}"; do j=$((j + 1)); train "$k"; echo "[tables] shard $i/$n: trained $j/${#mine[@]} cell $k in 1 s"; done
  echo "[tables] shard $i/$n: done"; exit 0
fi
rows='' runs='' cached=false
for k in $(seq 1 "$T"); do
  if [[ $assemble == 1 ]]; then [[ -f $cache/evidence/c$k.json ]] || { echo "--assemble: cell $k is not in the cache" >&2; exit 1; }; cached=true
  else train "$k"; echo "[evidence $k] cell $k seed 1: ZSL $(value "$k").0, H 0.0 (fused engine) in 1 s"; fi
  v=$(value "$k"); [[ $assemble == 1 && ${FAKE_BREAK:-0} == 1 && $k == 2 ]] && v=$((v + 1))
  rows+="${rows:+,}{\"row\": \"cell $k\", \"ZSL\": $v}"; runs+="${runs:+,}{\"seed\": $k, \"zsl\": $v, \"seconds\": $RANDOM, \"cached\": $cached}"
done
mkdir -p "$FSVAE_RESULTS"
echo "{\"rows\": [$rows], \"input\": {\"runs\": [$runs]}, \"provenance\": {\"date\": \"$(date -Ins)\"}}" >"$FSVAE_RESULTS/ablation_table3.json"
EOF
  chmod +x "$1"
}

self_test() {
  local t ok=0 fail=0
  t=$(mktemp -d /tmp/fsvae-scale-selftest.XXXXXX)
  check() { if [[ $2 == "$3" ]]; then ok=$((ok + 1)); else fail=$((fail + 1)); say "self-test FAILED: $1: got '$2', want '$3'"; fi; }
  # 1. log parsing, on fake task logs in the CLI's format
  printf '%s\n' '[sbatch] fsvae-tables task 2 (array 1-2, 2 tasks) job 7_2 on vm' '[sbatch] start 100.25' \
    "[tables] generated dataset: 1 split(s), seeds per split 1-2 for Tables 1-2's rows with targets, 1-2 for every other row" \
    "[tables] shard 2/2 (SLURM_ARRAY_TASK_ID): 8 of 16 cells are this shard's: 8 to train, 0 cached" \
    '[tables] shard 2/2: trained 1/8 generated-35/5 SD− FM− CL− seed 1 in 5 s' '[tables] shard 2/2: trained 2/8 x seed 2 in 5 s' \
    '[tables] shard 2/2: trained 3/8 x in 5 s' '[tables] shard 2/2: trained 4/8 x in 5 s' '[tables] shard 2/2: trained 5/8 x in 5 s' \
    '[tables] shard 2/2: trained 6/8 x in 5 s' '[tables] shard 2/2: trained 7/8 x in 5 s' '[tables] shard 2/2: trained 8/8 x in 5 s' \
    '[tables] shard 2/2: done, 8 cell(s) trained in 41 s; build the tables with --assemble' '[sbatch] end 141.75 exit 0' >"$t/task.log"
  check "shard_cells" "$(shard_cells "$t/task.log")" "8"
  check "job_seconds" "$(job_seconds "$t/task.log")" "41.5"
  check "job_end" "$(job_end "$t/task.log")" "141.75"
  printf '%s\n' "[tables] shard 1/3 (--shard): 5 of 16 cells are this shard's: 2 to train, 3 cached" \
    '[tables] shard 1/3: trained 1/2 a in 5 s' '[tables] shard 1/3: trained 2/2 b in 5 s' >"$t/partly-cached.log"
  check "shard_cells, partly cached" "$(shard_cells "$t/partly-cached.log")" "5 (2 trained)"
  echo 'node: error' >"$t/broken.log"
  check "shard_cells, no shard line" "$(shard_cells "$t/broken.log")" "?"
  check "job_seconds, no lines" "$(job_seconds "$t/broken.log")" "?"
  printf '%s\n' '[evidence 1] generated-35/5 SD− FM− CL− seed 1: ZSL 43.2, H 0.0 (fused engine) in 5 s' \
    '[evidence 2] generated-35/5 SD− FM− CL− seed 2: ZSL 40.0, H 0.0 (fused engine) (cached)' \
    '[evidence 3] generated-35/5 SD+ FM− CL− seed 1: ZSL 41.0, H 0.0 (fused engine) in 12 s' >"$t/serial.log"
  check "serial_cells" "$(serial_cells "$t/serial.log")" "2"
  # 2. the comparison, on fake table JSONs
  mkdir -p "$t/a" "$t/b" "$t/c" "$t/d" "$t/e"
  echo '{"rows":[{"row":"x","ZSL":1.5}],"input":{"runs":[{"seed":1,"zsl":0.1,"seconds":3,"cached":false},{"seed":2,"zsl":0.2,"seconds":4}]},
    "provenance":{"date":"2026-01-01","wallSeconds":9}}' >"$t/a/t.json"
  echo '{"provenance":{"date":"2027-01-01","wallSeconds":1},"input":{"runs":[{"zsl":0.2,"seed":2,"seconds":1,"cached":true},
    {"cached":true,"seed":1,"zsl":0.1,"seconds":8}]},"rows":[{"ZSL":1.5,"row":"x"}]}' >"$t/b/t.json"
  echo '{"rows":[{"row":"x","ZSL":1.6}],"input":{"runs":[{"seed":1,"zsl":0.1},{"seed":2,"zsl":0.2}]}}' >"$t/c/t.json"
  echo '{"rows":[{"row":"x","ZSL":1.5}],"input":{"runs":[{"seed":1,"zsl":0.1},{"seed":2,"zsl":0.25}]}}' >"$t/d/t.json"
  check "compare: equal up to provenance, seconds, cached and key order" "$(compare_tables "$t/a" "$t/b")" "yes"
  check "compare: a row differs" "$(compare_tables "$t/a" "$t/c" | cut -c1-25)" "no: t.json: row 1 differs"
  check "compare: a run differs" "$(compare_tables "$t/a" "$t/d" | cut -c1-37)" "no: t.json: 1 of 2 runs differ (first"
  check "compare: missing table" "$(compare_tables "$t/a" "$t/e")" "no: t.json missing"
  local rc=0; compare_tables "$t/a" "$t/c" >/dev/null || rc=$?
  check "compare: exit status on a difference" "$rc" 1
  say "self-test: parsing and comparison: $ok passed, $fail failed"
  [[ $fail == 0 ]] || exit 1

  # 3. the whole run, with the stand-in CLI, when Slurm is here (or can be started: root)
  if [[ $(id -u) != 0 ]] && ! sinfo >/dev/null 2>&1; then say "self-test: no Slurm (run as root to start it): skipped the run"; exit 0; fi
  write_stand_in "$t/stand-in"
  say "self-test: the three setups with a stand-in CLI ($t/stand-in: ${FAKE_CELLS:-6} cells of ${FAKE_SECONDS:-1} s)"
  (FSVAE_CLI=$t/stand-in FSVAE_SCALE_OUT=$t/scale_slurm.md FSVAE_SCALE_WORK=$t/run main_run) || { say "self-test: the run FAILED ($t)"; exit 1; }
  cat "$t/scale_slurm.md" >&2
  # 4. a difference must fail the run (the stand-in's assembly changes one value)
  if (FAKE_BREAK=1 FSVAE_SCALE_TASKS=2 FSVAE_CLI=$t/stand-in FSVAE_SCALE_OUT=$t/broken.md FSVAE_SCALE_WORK=$t/broken main_run) 2>"$t/broken.err"; then
    say "self-test FAILED: a changed table did not fail the run ($t/broken.md)"; exit 1
  fi
  grep -q '| 2 | .* | no: ablation_table3.json: row 2 differs' "$t/broken.md" || { say "self-test FAILED: no 'no' row in $t/broken.md"; exit 1; }
  say "self-test: ok (a changed table fails the run: $t/broken.md); files in $t"
}

case ${1:-} in
  --self-test) self_test ;;
  '') main_run ;;
  -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown argument '$1' (use --self-test or --help)" ;;
esac
