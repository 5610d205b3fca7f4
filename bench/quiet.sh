#!/bin/bash
# Pause every other Python process while a benchmark runs (latency numbers on a shared 2-core
# machine): bash bench/quiet.sh .venv/bin/python bench/bench_fusion.py --parts latency
# run "$@" while pausing every other python process (also ones started meanwhile), except
# the command's own descendants; cheap: one ps call per second
list=/tmp/quiet_paused.$$
: > $list
"$@" &
cmd=$!
( while kill -0 $cmd 2>/dev/null; do
    ps -eo pid=,ppid=,args= | awk -v root=$cmd -v self=$$ '
      { pid[NR]=$1; par[$1]=$2; args[$1]=$0 }
      END { for (i in pid) { p=pid[i]; if (args[p] !~ /python/ || args[p] ~ /quiet.sh/) continue;
              q=p; mine=0; for (k=0;k<10 && q>1;k++) { if (q==root) {mine=1; break}; q=par[q] }
              if (!mine) print p } }' | while read p; do kill -STOP $p 2>/dev/null && echo $p >> $list; done
    sleep 1
  done ) &
loop=$!
wait $cmd
kill $loop 2>/dev/null; wait $loop 2>/dev/null
for p in $(sort -u $list); do kill -CONT $p 2>/dev/null; done
rm -f $list
