#!/usr/bin/env bash
# scripts/cluster/slurm-local.sh: a one-machine Slurm "cluster" for testing the sharded `fsvae tables` jobs.
#
#   sudo bash scripts/cluster/slurm-local.sh          # install (if missing), configure, start, wait for the node, test a job
#   sudo bash scripts/cluster/slurm-local.sh --stop   # stop slurmd, slurmctld and munged (the pids in their pid files)
#   sudo bash scripts/cluster/slurm-local.sh --status # one line: running or not, and the node's state
#
# For Debian/Ubuntu containers without systemd (Debian bookworm: Slurm 22.05): runs as root and
#   - apt-get installs slurm-wlm (slurmctld + slurmd + client commands) and munge when they are missing;
#   - writes /etc/slurm/slurm.conf for this host only: ClusterName=local, one node (CPUs=$(nproc),
#     RealMemory from /proc/meminfo), one partition `local` (Default=YES), select/cons_tres with CR_CPU
#     (CPUs are the only consumable: two 1-CPU tasks run at once on 2 cores), proctrack/linuxproc,
#     task/none, no cgroups (containers usually lack them), no accounting, ReturnToService=2, jobs keep the submitter's nice value;
#   - starts munged, slurmctld and slurmd directly as daemons (no systemd), waits until `sinfo` shows the
#     node idle and runs a test job (`srun -n1 hostname`, else `sbatch --wait --wrap hostname`).
# Idempotent: running daemons are kept; a changed slurm.conf restarts slurmctld and slurmd.
# An /etc/slurm/slurm.conf not written by this script is left alone (error) unless --force is given.
#
# Environment (optional):
#   SLURM_LOCAL_TASK_PLUGIN  TaskPlugin (default task/none). task/affinity pins each task to its CPUs
#                            without cgroups, so a 1-CPU task also *sees* 1 CPU (Node's os.availableParallelism()).
#   SLURM_LOCAL_CPUS         CPUs of the node (default $(nproc)).
#   SLURM_LOCAL_NO_INSTALL=1 never run apt-get (error if Slurm is missing).
# Logs: /var/log/slurm/slurmctld.log, /var/log/slurm/slurmd.log, /var/log/munge/munged.log.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARK='# written by scripts/cluster/slurm-local.sh'
LOG_DIR=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid

die() { echo "slurm-local: error: $*" >&2; exit 1; }
say() { echo "slurm-local: $*"; }

# pid from a pid file when that process is alive and its command name starts with $2 (else nothing)
live_pid() {
  local file=$1 name=$2 pid comm
  [[ -r $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  [[ $comm == "$name"* ]] || return 1
  echo "$pid"
}

# stops the daemon of a pid file (by its pid only), waiting up to 15 s
stop_daemon() {
  local file=$1 name=$2 pid
  if ! pid=$(live_pid "$file" "$name"); then return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { say "stopped $name (pid $pid)"; return 0; }; sleep 0.5; done
  die "$name (pid $pid) did not stop within 15 s"
}

node_state() { sinfo -h -N -n "$HOST" -o '%T' 2>/dev/null | head -n1 | tr -d '*~#!%$@^-' || true; }

HOST=$(hostname -s)
MODE=start FORCE=0
for a in "$@"; do
  case $a in
    --stop) MODE=stop ;;
    --status) MODE=status ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$a' (use --stop, --status, --force or --help)" ;;
  esac
done
[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages, writes /etc/slurm and starts daemons)"

if [[ $MODE == stop ]]; then
  stop_daemon "$SLURMD_PID" slurmd
  stop_daemon "$CTLD_PID" slurmctld
  stop_daemon "$MUNGE_PID" munged
  say "stopped (state in /var/spool/slurmctld is kept)"
  exit 0
fi

if [[ $MODE == status ]]; then
  d=()
  for x in "$MUNGE_PID:munged" "$CTLD_PID:slurmctld" "$SLURMD_PID:slurmd"; do
    if p=$(live_pid "${x%%:*}" "${x#*:}"); then d+=("${x#*:}=$p"); else d+=("${x#*:}=down"); fi
  done
  s=$(node_state); say "${d[*]}; node $HOST: ${s:-?}"
  exit 0
fi

# --- 1. packages ---------------------------------------------------------------------------------------------
need=()
for b in slurmctld:slurmctld slurmd:slurmd sinfo:slurm-client munged:munge; do
  command -v "${b%%:*}" >/dev/null 2>&1 || [[ -x /usr/sbin/${b%%:*} ]] || need+=("${b#*:}")
done
if ((${#need[@]})); then
  [[ ${SLURM_LOCAL_NO_INSTALL:-0} == 1 ]] && die "missing ${need[*]} and SLURM_LOCAL_NO_INSTALL=1"
  command -v apt-get >/dev/null || die "missing ${need[*]} and no apt-get here: install slurm-wlm and munge yourself"
  say "installing slurm-wlm munge (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends slurm-wlm munge >/tmp/slurm-local-apt.log 2>&1; then
    apt-get update -q >>/tmp/slurm-local-apt.log 2>&1 || true
    apt-get install -y -q --no-install-recommends slurm-wlm munge >>/tmp/slurm-local-apt.log 2>&1 \
      || die "apt-get install slurm-wlm munge failed; see /tmp/slurm-local-apt.log"
  fi
fi
export PATH="/usr/sbin:/sbin:$PATH"
for b in slurmctld slurmd munged sinfo srun sbatch scontrol; do command -v "$b" >/dev/null || die "$b not found after install"; done

# --- 2. slurm.conf -------------------------------------------------------------------------------------------
CPUS=${SLURM_LOCAL_CPUS:-$(nproc)}
MEM_MB=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024 * 0.95}' /proc/meminfo)   # 95 %: slurmd drains a node that has less than RealMemory
TASK_PLUGIN=${SLURM_LOCAL_TASK_PLUGIN:-task/none}
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "SLURM_LOCAL_CPUS must be a positive integer, not '$CPUS'"
[[ $MEM_MB =~ ^[1-9][0-9]*$ ]] || die "could not read MemTotal from /proc/meminfo"
ADDR=127.0.0.1

new=$(cat <<EOF
$MARK for this host only ($HOST); rerun it to rewrite.
ClusterName=local
SlurmctldHost=$HOST($ADDR)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SwitchType=switch/none
ProctrackType=proctrack/linuxproc
TaskPlugin=$TASK_PLUGIN
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
# jobs take the nice value of the sbatch/srun that submitted them (not slurmd's)
PropagatePrioProcess=1
# keep finished jobs visible to scontrol for 30 min (no accounting database here)
MinJobAge=1800
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$HOST NodeAddr=$ADDR CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
)
changed=0
if [[ -e $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
  [[ $FORCE == 1 ]] || die "$CONF exists and was not written by this script; move it away or pass --force"
  cp -p "$CONF" "$CONF.bak.$(date +%s)"
  say "saved the old $CONF as $CONF.bak.*"
fi
if [[ ! -e $CONF ]] || [[ $(cat "$CONF") != "$new" ]]; then
  mkdir -p "$CONF_DIR"
  printf '%s\n' "$new" >"$CONF.tmp.$$" && mv "$CONF.tmp.$$" "$CONF"
  changed=1
  say "wrote $CONF (node $HOST: $CPUS CPUs, $MEM_MB MB, $TASK_PLUGIN)"
fi
mkdir -p /var/spool/slurmctld /var/spool/slurmd "$LOG_DIR"

# --- 3. munge ------------------------------------------------------------------------------------------------
id munge >/dev/null 2>&1 || die "user munge missing (the munge package creates it)"
if [[ ! -s /etc/munge/munge.key ]]; then
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key >/dev/null
  else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
  say "created /etc/munge/munge.key"
fi
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
if ! live_pid "$MUNGE_PID" munged >/dev/null; then
  runuser -u munge -- munged --pid-file="$MUNGE_PID" || die "munged failed to start; see /var/log/munge/munged.log"
  say "started munged"
fi
for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || die "munge does not work (munge -n | unmunge); see /var/log/munge/munged.log"

# --- 4. slurmctld and slurmd ---------------------------------------------------------------------------------
if [[ $changed == 1 ]]; then
  # a new node definition needs fresh daemons
  stop_daemon "$SLURMD_PID" slurmd
  stop_daemon "$CTLD_PID" slurmctld
fi
if ! live_pid "$CTLD_PID" slurmctld >/dev/null; then
  slurmctld || die "slurmctld failed to start; see $LOG_DIR/slurmctld.log"
  say "started slurmctld"
fi
for _ in $(seq 1 40); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.5; done
scontrol ping 2>/dev/null | grep -q 'is UP' || die "slurmctld does not answer (scontrol ping); see $LOG_DIR/slurmctld.log"
if ! live_pid "$SLURMD_PID" slurmd >/dev/null; then
  slurmd || die "slurmd failed to start; see $LOG_DIR/slurmd.log"
  say "started slurmd"
fi

# --- 5. wait for the node ------------------------------------------------------------------------------------
state='' resumed=0
for _ in $(seq 1 120); do
  state=$(node_state)
  case $state in
    idle|mixed|allocated|completing) break ;;
    drained|draining|drain|down)
      if [[ $resumed == 0 ]]; then
        scontrol update nodename="$HOST" state=resume 2>/dev/null || true; resumed=1
        say "node $HOST was $state ($(sinfo -h -R -n "$HOST" -o '%E' 2>/dev/null || true)); resumed it"
      fi ;;
  esac
  sleep 0.5
done
case $state in idle|mixed|allocated|completing) ;; *)
  die "node $HOST is '${state:-unknown}' after 60 s ($(sinfo -h -R -o '%E' 2>/dev/null | head -n1)); see $LOG_DIR/slurmd.log" ;;
esac
say "node $HOST is $state ($(sinfo -h -o '%P %C' | head -n1): partition, CPUs allocated/idle/other/total)"

# --- 6. a test job -------------------------------------------------------------------------------------------
if out=$(timeout 60 srun -n1 -t 1 hostname 2>&1) && [[ $out == *"$HOST"* ]]; then
  say "ok: srun -n1 hostname -> $out"
else
  tmp=$(mktemp -d)
  if (cd "$tmp" && timeout 120 sbatch --wait -t 1 -o "$tmp/out" --wrap hostname >/dev/null 2>&1) && [[ -s $tmp/out ]]; then
    say "ok: sbatch --wait --wrap hostname -> $(cat "$tmp/out") (srun failed: ${out//$'\n'/ })"
    rm -rf "$tmp"
  else
    rm -rf "$tmp"
    die "test job failed (srun: ${out//$'\n'/ }); see $LOG_DIR/slurmd.log and $LOG_DIR/slurmctld.log"
  fi
fi
