#!/bin/sh
# bench-compile's RUSTC_WRAPPER: runs rustc ("$@" is the rustc path and its arguments), then
# appends "crate-name start end" (seconds since the epoch) to $BENCH_RUSTC_TIMES.
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
    echo "$name $start $end" >> "$BENCH_RUSTC_TIMES"
fi
exit $status
