#!/bin/busybox sh
# /init of the test "instance" initramfs: proves the node netbooted the deployed instance.
# With "instance_stay_up" on the kernel line it keeps running (an end-to-end test then checks
# that tearing the deploy down powers the node off); otherwise it powers off after a second.
/bin/busybox mount -t proc proc /proc
root=none
stay=
for w in $(/bin/busybox cat /proc/cmdline); do
  case "$w" in
    root=*) root=${w#root=} ;;
    instance_stay_up) stay=1 ;;
  esac
done
echo "INSTANCE-UP root=$root"
if [ -n "$stay" ]; then
  while :; do /bin/busybox sleep 3600; done
fi
/bin/busybox sleep 1
/bin/busybox poweroff -f
