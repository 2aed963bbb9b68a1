#!/bin/busybox sh
# /init of the test "instance" initramfs: proves the node netbooted the deployed instance.
/bin/busybox mount -t proc proc /proc
root=none
for w in $(/bin/busybox cat /proc/cmdline); do
  case "$w" in root=*) root=${w#root=} ;; esac
done
echo "INSTANCE-UP root=$root"
/bin/busybox sleep 1
/bin/busybox poweroff -f
