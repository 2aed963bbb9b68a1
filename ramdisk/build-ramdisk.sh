#!/bin/bash
# Builds the reference deploy ramdisk of the amtpxe PXE deploy, and a tiny "instance" initramfs,
# from Debian packages (a Debian cloud kernel and busybox-static). Nothing binary is committed:
# tests run this at test time.
#
# Usage: build-ramdisk.sh OUTPUT_DIR
# Writes: OUTPUT_DIR/vmlinuz          the kernel (deploy and instance use the same one)
#         OUTPUT_DIR/deploy_ramdisk   the deploy ramdisk (contract: bundle-pxe/README.md)
#         OUTPUT_DIR/instance_ramdisk prints INSTANCE-UP on the console, then powers off
# Needs: apt-get (configured), dpkg-deb, cpio, gzip, busybox-static (/bin/busybox).
# The kernel package is downloaded once into ${AMTPXE_CACHE:-$HOME/.cache/amtpxe}.
set -euo pipefail

out=${1:?usage: build-ramdisk.sh OUTPUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cache=${AMTPXE_CACHE:-$HOME/.cache/amtpxe}
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in apt-get apt-cache dpkg-deb cpio gzip; do
  command -v "$tool" >/dev/null || { echo "build-ramdisk: $tool is missing" >&2; exit 2; }
done
busybox=/bin/busybox
if ! file "$busybox" 2>/dev/null | grep -q 'statically linked'; then
  # `file` may be absent; fall back to ldd's verdict.
  if ldd "$busybox" 2>&1 | grep -q '=>'; then
    echo "build-ramdisk: $busybox is not static; apt-get install busybox-static" >&2
    exit 2
  fi
fi

# --- the kernel: the dependency of linux-image-cloud-amd64 (virtio drivers are modules) ---
pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image/{print $2; exit}')
[ -n "$pkg" ] || { echo "build-ramdisk: no linux-image-cloud-amd64 in apt (apt-get update?)" >&2; exit 2; }
deb=$(ls "$cache"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
  (cd "$cache" && apt-get download "$pkg" >/dev/null)
  deb=$(ls "$cache"/"${pkg}"_*.deb | head -n1)
fi
dpkg-deb -x "$deb" "$work/kernel"
cp "$work"/kernel/boot/vmlinuz-* "$out/vmlinuz"
moddir=$(ls -d "$work"/kernel/lib/modules/*/kernel)

# NOTE: Debian's busybox looks for its udhcpc hook in /etc/udhcpc; /init passes -s.
# NOTE: insmod does no dependency resolution; this order is each module after what it needs
# (a wrong order gives "Unknown symbol" and no eth0 / no vda).
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover
  net_failover virtio_net virtio_blk"

make_root() { # $1 = rootfs dir
  mkdir -p "$1"/{bin,sbin,proc,sys,dev,tmp,etc,lib/modules,usr/share/udhcpc}
  cp "$busybox" "$1/bin/busybox"
  for m in $modules; do
    f=$(find "$moddir" -name "$m.ko*" | head -n1)
    [ -n "$f" ] || { echo "build-ramdisk: module $m not in $pkg" >&2; exit 2; }
    case "$f" in
      *.ko.xz) xz -dc "$f" > "$1/lib/modules/$m.ko" ;;
      *.ko.zst) zstd -qdc "$f" > "$1/lib/modules/$m.ko" ;;
      *) cp "$f" "$1/lib/modules/$m.ko" ;;
    esac
  done
  echo $modules > "$1/lib/modules/order"
  cp "$here/udhcpc.script" "$1/usr/share/udhcpc/default.script"
  chmod 755 "$1/usr/share/udhcpc/default.script"
}

pack() { # $1 = rootfs dir, $2 = output file
  (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1 > "$2")
}

make_root "$work/deploy"
cp "$here/deploy-init.sh" "$work/deploy/init"
chmod 755 "$work/deploy/init"
pack "$work/deploy" "$out/deploy_ramdisk"

mkdir -p "$work/instance"/{bin,proc,sys,dev}
cp "$busybox" "$work/instance/bin/busybox"
cp "$here/instance-init.sh" "$work/instance/init"
chmod 755 "$work/instance/init"
pack "$work/instance" "$out/instance_ramdisk"

echo "build-ramdisk: wrote $out/vmlinuz ($pkg), deploy_ramdisk, instance_ramdisk"
