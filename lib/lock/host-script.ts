/**
 * The shell side of the host lock (bash, run through the host's transport; every value arrives
 * in an environment variable, never in the text). flock(1) on the lock file; the lock is held by
 * a small background `tail --pid` that inherits the locked descriptor and ends when the process
 * it watches ends: the SSH session of this run (found by walking up from the shell), or for a
 * local host the capstan process itself. A run that dies (kill -9, dropped connection) so lets
 * go of its lock by itself; the file keeps its record, which the next run reports as a stale
 * lock it took over. The lock is reentrant for the run that holds it: a second inventory host on
 * the same machine (local hosts, two names for one address) shares it instead of waiting on it.
 * Output lines start with `capstan-lock: ` (see host.ts). Taking a free lock and letting it go
 * start only flock, setsid and tail on the host (the rest are bash builtins: every process a
 * host starts costs a fork and an exec, and a run takes the lock on every host).
 */

/** Take the lock (waiting up to CAPSTAN_LOCK_WAIT seconds), or with CAPSTAN_LOCK_MODE=read only look. */
export const ACQUIRE_SCRIPT = String.raw`
lock=$CAPSTAN_LOCK
command -v flock >/dev/null 2>&1 || { echo "capstan-lock: this host has no flock(1) (util-linux); install it" >&2; exit 4; }
if [ "$CAPSTAN_LOCK_MODE" = read ]; then
  [ -e "$lock" ] || { echo 'capstan-lock: free'; exit 0; }
  exec 9<"$lock" || exit 3
  if flock -n 9; then echo 'capstan-lock: free'; else echo 'capstan-lock: held'; cat -- "$lock"; echo 'capstan-lock: end'; fi
  exit 0
fi
dir=$CAPSTAN_LOCK_DIR
[ -n "$dir" ] || dir=$(dirname -- "$lock")
[ -d "$dir" ] || mkdir -p -- "$dir" || exit 3
exec 9>>"$lock" || exit 3
if ! flock -n 9; then
  # This run may already hold it (two inventory hosts on one machine: local hosts, aliases): then it
  # is reentrant. The holder writes its record just after taking the lock (until then the file is
  # empty or holds a crashed run's record) and rewrites it once (truncate, write): look again until
  # the record names this run, or a whole record of another run stays the same for 10 looks (0.5 s; bounded: 2 s).
  n=0 same=0 prev=
  while [ "$n" -lt 40 ]; do
    rec=$(cat -- "$lock" 2>/dev/null)
    if printf '%s\n' "$rec" | grep -qxF -- "id=$CAPSTAN_RUN_ID"; then echo "capstan-lock: reentrant $(printf '%s\n' "$rec" | sed -n 's/^pid=//p')"; exit 0; fi
    case $rec in *controller_pid=*) if [ "$rec" = "$prev" ]; then same=$((same + 1)); else same=0; fi ;; *) same=0 ;; esac
    [ "$same" -ge 10 ] && break
    prev=$rec n=$((n + 1)); sleep 0.05
  done
  echo 'capstan-lock: held'; cat -- "$lock"; echo 'capstan-lock: end'
  # one more line, so the transport's streaming (which holds back a marker-sized tail) passes the block on now
  echo 'capstan-lock: waiting for the holder to let go ...........................................'
  if [ "$CAPSTAN_LOCK_WAIT" -eq 0 ] || ! flock -w "$CAPSTAN_LOCK_WAIT" 9; then exit 75; fi
fi
old=
IFS= read -r -d '' old <"$lock"
record() { printf 'id=%s\nowner=%s\npid=%s\nstarted=%s\ncontroller_pid=%s\n' "$CAPSTAN_RUN_ID" "$CAPSTAN_RUN_OWNER" "$1" "$CAPSTAN_RUN_STARTED" "$CAPSTAN_RUN_PID" >"$lock"; }
record "$$" || exit 3
w=$CAPSTAN_LOCK_WATCH
if [ -z "$w" ]; then
  p=$$ n=0
  while [ -n "$p" ] && [ "$p" -gt 1 ] && [ "$n" -lt 64 ]; do
    c=
    read -r c 2>/dev/null <"/proc/$p/comm"
    case $c in sshd*) w=$p; break ;; esac
    q=
    while read -r k v; do [ "$k" = PPid: ] && { q=$v; break; }; done 2>/dev/null <"/proc/$p/status"
    p=$q n=$((n + 1))
  done
fi
[ -n "$w" ] && [ -d "/proc/$w" ] || { : >"$lock"; echo "capstan-lock: found no sshd session process to tie the lock to" >&2; exit 4; }
if command -v setsid >/dev/null 2>&1; then
  setsid tail --pid="$w" -f /dev/null </dev/null >/dev/null 2>&1 &
else
  tail --pid="$w" -f /dev/null </dev/null >/dev/null 2>&1 &
fi
h=$!
record "$h" || { kill "$h"; exit 3; }
echo "capstan-lock: acquired $h"
if [ -n "$old" ]; then
  echo 'capstan-lock: stale'; printf '%s\n' "$old"
  op=$(printf '%s\n' "$old" | sed -n 's/^pid=//p')
  if [ -n "$op" ] && [ -d "/proc/$op" ]; then echo 'alive=yes'; else echo 'alive=no'; fi
  echo 'capstan-lock: end'
fi
`;

/** Let go: only a lock this run holds (its id in the file); clear the record, then end the holder. */
export const RELEASE_SCRIPT = String.raw`
lock=$CAPSTAN_LOCK
[ -e "$lock" ] || exit 0
mine= h=
while IFS== read -r k v || [ -n "$k" ]; do case $k in id) [ "$v" = "$CAPSTAN_RUN_ID" ] && mine=1 ;; pid) h=$v ;; esac; done <"$lock"
[ -n "$mine" ] || exit 0
: >"$lock" || exit 3
[ -z "$h" ] || kill "$h" 2>/dev/null || true
# done when the holder is gone and the lock is free (bounded), so the next run finds it free; closing fd 8 lets go
exec 8<"$lock" && flock -w 5 8 && exec 8<&-
echo 'capstan-lock: released'
`;
