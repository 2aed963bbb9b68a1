#!/bin/bash
# TFTP throughput: our server next to dnsmasq and tftpd-hpa on this machine, loopback only.
# Usage (from bundle-pxe, after `mvn test-compile` and the ramdisk build):
#   bash src/test/bench/tftp-bench.sh KERNEL_FILE [RUNS]
# Needs root (dnsmasq and tftpd-hpa listen on port 69), curl, atftp, dnsmasq, tftpd-hpa.
set -euo pipefail
file=${1:?usage: tftp-bench.sh KERNEL_FILE [RUNS]}
runs=${2:-5}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/root"
cp "$file" "$work/root/vmlinuz"
size=$(stat -c %s "$work/root/vmlinuz")
sha=$(sha256sum < "$work/root/vmlinuz" | cut -d' ' -f1)

mvn -q -B dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  org.amtpxe.pxe.internal.tftp.TftpBenchServer "$work/root" 127.0.0.1 6969 >"$work/java.out" 2>&1 &
pids+=($!)
dnsmasq --no-daemon --port=0 --conf-file=/dev/null --enable-tftp --tftp-root="$work/root" \
  --listen-address=127.0.0.2 --bind-interfaces --user=root --pid-file="$work/dnsmasq.pid" \
  --log-facility="$work/dnsmasq.log" >"$work/dnsmasq.out" 2>&1 &
pids+=($!)
in.tftpd --listen --foreground --address 127.0.0.3:69 --blocksize 1468 --secure "$work/root" &
pids+=($!)
sleep 2

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label, command... (the command writes $work/out)
  label=$1; shift
  times=()
  for _ in $(seq "$runs"); do
    rm -f "$work/out"
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    got=$(sha256sum < "$work/out" | cut -d' ' -f1)
    [ "$got" = "$sha" ] || { echo "$label: WRONG CONTENT"; return; }
    times+=("$(echo "$e - $s" | bc)")
  done
  m=$(printf '%s\n' "${times[@]}" | median)
  printf '| %-44s | %6.2f s | %6.1f MB/s |\n' "$label" "$m" "$(echo "$size / $m / 1000000" | bc -l)"
}

# One untimed fetch per server first (it warms the JIT of ours and the page cache for all).
for hp in 127.0.0.1:6969 127.0.0.2:69 127.0.0.3:69; do
  for _ in 1 2 3; do curl -s --tftp-blksize 1468 -o "$work/out" "tftp://$hp/vmlinuz"; done
done

echo "file: $size bytes, $runs runs each, median"
echo "| server / client | time | throughput |"
echo "|---|---|---|"
for srv in "ours 127.0.0.1:6969" "dnsmasq 127.0.0.2:69" "tftpd-hpa 127.0.0.3:69"; do
  name=${srv%% *}; hp=${srv#* }; host=${hp%:*}; port=${hp#*:}
  measure "$name, curl --tftp-blksize 1468" curl -s --tftp-blksize 1468 -o "$work/out" "tftp://$hp/vmlinuz"
  measure "$name, atftp blksize 1468" atftp --get -r vmlinuz -l "$work/out" --option "blksize 1468" "$host" "$port"
  measure "$name, curl (512-byte blocks)" curl -s --tftp-no-options -o "$work/out" "tftp://$hp/vmlinuz"
done
measure "ours, atftp blksize 1468 windowsize 8" atftp --get -r vmlinuz -l "$work/out" --option "blksize 1468" --option "windowsize 8" 127.0.0.1 6969
