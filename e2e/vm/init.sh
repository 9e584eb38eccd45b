#!/bin/busybox sh
# The guest's /init (busybox): load the modules, mount the host's / read-only over virtio-9p under a tmpfs
# overlay, mount the writable work share, chroot and run the job through the host's node, record the exit
# code on the share, power off. OPENLOCAL_NODE and OPENLOCAL_RUNNER come from the kernel command line (the
# kernel hands unknown name=value arguments to /init as environment).
/bin/busybox --install -s /bin
export PATH=/bin

say() { echo "openlocal-guest: $*"; }
halt() { sync; poweroff -f; sleep 10; }
fail() { say "FAILED: $*"; halt; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

while read -r mod; do
  insmod "/lib/modules/$mod.ko" || fail "insmod $mod"
done < /etc/modules.order

# Large 9p messages and a loose cache: the host root is read-only for the guest and node reads many files.
ninep="trans=virtio,version=9p2000.L,msize=262144"
mkdir -p /mnt/host /mnt/rw /mnt/root
mount -t 9p -o "$ninep,ro,cache=loose" hostroot /mnt/host || fail "mount host root over 9p"
mount -t tmpfs -o mode=0755 tmpfs /mnt/rw || fail "mount tmpfs"
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /mnt/root || fail "mount overlay"

root=/mnt/root
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t devtmpfs devtmpfs "$root/dev"
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
# /tmp is not replaced by an empty tmpfs: a checkout may live under the host's /tmp (CI clones anywhere), and the
# overlay already keeps every write in the guest's memory.
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
# OPENLOCAL_CGROUP=v1 (runInGuest's cgroupVersion option, for the kubelet rung's cgroup v1 node): the legacy
# layout, a tmpfs with one cgroup v1 hierarchy per controller (blkio is the one Open-Local's IO limits use).
# Default: the unified cgroup v2 hierarchy.
if [ "${OPENLOCAL_CGROUP:-v2}" = v1 ]; then
  mount -t tmpfs -o mode=0755 cgroup "$root/sys/fs/cgroup" || fail "mount tmpfs for cgroup v1"
  for controller in blkio cpu cpuacct cpuset devices freezer memory pids; do
    mkdir -p "$root/sys/fs/cgroup/$controller"
    mount -t cgroup -o "$controller" cgroup "$root/sys/fs/cgroup/$controller" || fail "mount cgroup v1 $controller"
  done
  say "cgroup v1: one hierarchy per controller under /sys/fs/cgroup"
else
  mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup" || say "no cgroup2 (continuing)"
fi
share="$root/run/openlocal/share"
mkdir -p "$share"
mount -t 9p -o "$ninep" share "$share" || fail "mount the work share over 9p"
ip link set lo up 2>/dev/null
# QEMU user-mode network (runInGuest's `network` option): fixed addresses, the host's loopback is 10.0.2.2.
if [ -e /sys/class/net/eth0 ]; then
  ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2 || fail "configure eth0"
  echo "nameserver 10.0.2.3" > "$root/etc/resolv.conf" 2>/dev/null
  say "network: eth0 10.0.2.15, host at 10.0.2.2"
fi

# No udev in the guest: LVM must not wait for it or ask it for devices.
mkdir -p "$root/etc/lvm"
cat > "$root/etc/lvm/lvmlocal.conf" <<'EOF'
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
devices { obtain_device_list_from_udev = 0 use_devicesfile = 0 }
EOF
# The tests' guard: only this guest has the marker (the guest's /run is a fresh tmpfs).
echo "openlocal guest, booted by e2e/vm" > "$root/run/openlocal/guest"

say "root ready after $(uptime_s) s of guest uptime"
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  "$OPENLOCAL_NODE" "$OPENLOCAL_RUNNER" /run/openlocal/share/job.json
echo "$?" > "$share/exit-code"
say "job ended after $(uptime_s) s of guest uptime, exit code $(cat "$share/exit-code")"
umount "$share"
halt
