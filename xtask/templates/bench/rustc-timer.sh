#!/bin/sh
# bench-compile's RUSTC_WRAPPER: runs rustc ("$@" is the rustc path and its arguments), then
# appends "crate-name start end user sys" to $BENCH_RUSTC_TIMES: start and end in seconds since
# the epoch, user and sys as the shell's `times` prints rustc's CPU time (such as 0m1.230000s),
# which a loaded machine inflates far less than the wall-clock span.
start=$(date +%s.%N)
"$@"
status=$?
end=$(date +%s.%N)
name=
previous=
for argument in "$@"; do
    if [ "$previous" = "--crate-name" ]; then
        name=$argument
    fi
    previous=$argument
done
if [ -n "$name" ] && [ -n "$BENCH_RUSTC_TIMES" ]; then
    # `times` is a builtin: run in this shell (not a pipe's subshell) it counts rustc, the only
    # child waited for. Its second line is the children's user and system time.
    cpu_file="$BENCH_RUSTC_TIMES.$$"
    times > "$cpu_file"
    { read -r _ _; read -r user sys; } < "$cpu_file"
    rm -f "$cpu_file"
    echo "$name $start $end $user $sys" >> "$BENCH_RUSTC_TIMES"
fi
exit $status
