#!/bin/busybox sh
# /init of the reference deploy ramdisk. Implements the ramdisk side of the amtpxe PXE deploy
# contract (bundle-pxe/README.md): read the kernel parameters, bring up the NIC, look up the
# one-time agent token by the booting MAC, fetch the image over HTTP, verify its checksum, write it
# to the disk, POST pass_deploy_info with the token, wait for "done" on the notify port, reboot.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "DEPLOY-RAMDISK: started"

for m in $(cat /lib/modules/order); do
  insmod "/lib/modules/$m.ko" 2>/dev/null || echo "DEPLOY-RAMDISK: insmod $m failed"
done

deployment_id=; ironic_api_url=; image_url=; image_checksum=
image_checksum_algo=sha256; disk=; notify_port=10000; bootif=
for w in $(cat /proc/cmdline); do
  case "$w" in
    deployment_id=*) deployment_id=${w#*=} ;;
    ironic_api_url=*) ironic_api_url=${w#*=} ;;
    image_url=*) image_url=${w#*=} ;;
    image_checksum=*) image_checksum=${w#*=} ;;
    image_checksum_algo=*) image_checksum_algo=${w#*=} ;;
    disk=*) disk=${w#*=} ;;
    notify_port=*) notify_port=${w#*=} ;;
    BOOTIF=*) bootif=${w#*=} ;;
  esac
done

error=
fail() { [ -n "$error" ] || error="$1"; echo "DEPLOY-RAMDISK: error: $1"; }

# The NIC: the one whose MAC BOOTIF names (pxelinux: 01-aa-bb-..., iPXE: aa:bb:...), else eth0.
mac=$(echo "$bootif" | sed -e 's/^01-//' -e 's/-/:/g' | tr 'A-F' 'a-f')
iface=eth0
for d in /sys/class/net/*; do
  [ "$(cat "$d/address" 2>/dev/null)" = "$mac" ] && iface=${d##*/}
done
ip link set lo up
ip link set "$iface" up
udhcpc -i "$iface" -s /usr/share/udhcpc/default.script -q -n -t 10 -T 2 >/dev/null 2>&1 || fail "no DHCP lease on $iface"
address=$(cat /tmp/ip 2>/dev/null)
echo "DEPLOY-RAMDISK: $iface has ${address:-no address}"

# The agent token. Nothing TFTP or HTTP serves carries a secret: the conductor gives the token to the
# first lookup by this MAC while the node waits for its callback, and accepts the callback only with
# it and only from this address. A 404 means "not yet" (the conductor is still rebooting us into this
# deploy) or "taken"; retry for a while.
[ -n "$mac" ] || mac=$(cat "/sys/class/net/$iface/address" 2>/dev/null)
token=
i=0
while [ -z "$token" ] && [ -n "$address" ]; do
  if wget -q -O /tmp/lookup --header 'X-OpenStack-Ironic-API-Version: 1.22' \
      "$ironic_api_url/v1/lookup?addresses=$mac&node_uuid=$deployment_id" 2>/dev/null; then
    token=$(sed -n 's/.*"agent_token": *"\([^"]*\)".*/\1/p' /tmp/lookup)
  fi
  [ -n "$token" ] && break
  i=$((i + 1))
  if [ $i -ge 90 ]; then
    fail "no agent token from $ironic_api_url/v1/lookup for $mac"
    break
  fi
  sleep 2
done
[ -n "$token" ] && echo "DEPLOY-RAMDISK: got the agent token for $mac"

target=
for d in $(echo "$disk" | tr ',' ' '); do
  [ -b "/dev/$d" ] && { target=/dev/$d; break; }
done
[ -n "$target" ] || fail "none of the disks $disk exists"

if [ -z "$error" ]; then
  # Stream the image onto the disk (no copy in RAM, so images larger than memory work), then
  # verify what landed there by reading the same number of bytes back.
  # (busybox dd does not report the bytes it copied: a FIFO into wc counts them.)
  mkfifo /tmp/count.fifo
  wc -c < /tmp/count.fifo > /tmp/count &
  counter=$!
  if (set -o pipefail
      wget -q -O - "$image_url" | tee /tmp/count.fifo | dd of="$target" bs=1M conv=fsync 2>/dev/null)
  then
    wait $counter
    sync
    written=$(tr -d ' ' < /tmp/count)
    echo 3 > /proc/sys/vm/drop_caches
    actual=$(head -c "$written" "$target" | ${image_checksum_algo}sum | cut -d' ' -f1)
    if [ "$actual" = "$image_checksum" ]; then
      echo "DEPLOY-RAMDISK: wrote the image to $target ($written bytes, $image_checksum_algo verified)"
    else
      fail "image checksum mismatch on $target: expected $image_checksum_algo $image_checksum, got $actual"
    fi
  else
    fail "cannot download $image_url onto $target"
  fi
fi

# Listen before calling back, so that "done" cannot arrive before anyone listens (Ironic slept
# 3 s before notifying instead).
timeout 600 nc -l -p "$notify_port" > /tmp/notify &
listener=$!
i=0
while ! netstat -ltn 2>/dev/null | grep -q ":$notify_port "; do
  i=$((i + 1))
  [ $i -ge 100 ] && { echo "DEPLOY-RAMDISK: nc is not listening on $notify_port"; break; }
  usleep 100000
done

body="{\"agent_token\": \"$token\", \"error\": \"$error\", \"disk\": \"$target\"}"
url="$ironic_api_url/v1/nodes/$deployment_id/vendor_passthru/pass_deploy_info"
# With several conductors the node's owner may die before the callback: until another one owns the
# node (heartbeat_timeout plus a heartbeat) the API answers 503 or does not answer. Retry with a
# growing wait (1 s doubling to 5 s) for 180 s, as IPA does (docs/ironic-api.md#a-vip-for-the-ramdisk).
wait_s=1
waited=0
until wget -q -O /dev/null --header 'Content-Type: application/json' \
    --header 'X-OpenStack-Ironic-API-Version: 1.22' --post-data "$body" "$url"; do
  [ $waited -ge 180 ] && { echo "DEPLOY-RAMDISK: callback to $url failed"; break; }
  echo "DEPLOY-RAMDISK: callback to $url failed; again in $wait_s s"
  sleep $wait_s
  waited=$((waited + wait_s))
  wait_s=$((wait_s * 2))
  [ $wait_s -gt 5 ] && wait_s=5
done
echo "DEPLOY-RAMDISK: called back; waiting for done on port $notify_port"
wait $listener
echo "DEPLOY-RAMDISK: got '$(cat /tmp/notify)'; rebooting"
sync
reboot -f
