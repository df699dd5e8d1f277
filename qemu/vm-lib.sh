# shellcheck shell=bash
# vm-lib.sh -- helpers shared by scripts/vm-run and scripts/kvm-probe.
# Sourced, not executed. Callers set -euo pipefail and define die().

ALTBPF_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALTBPF_CACHE=${ALTBPF_CACHE:-$HOME/.cache/altbpf}
# Bump when the initramfs layout changes (part of its cache key).
INITRAMFS_LOGIC_VERSION=1

# kdir_is_complete DIR: a finished scripts/build-kernel output?
kdir_is_complete() {
	[[ -f $1/arch/x86/boot/bzImage ]]
}

# resolve_kdir [VARIANT]: $ALTBPF_KDIR, else scripts/build-kernel (which
# reuses its cache and only builds when nothing matches the config).
resolve_kdir() {
	local variant=${1:-} kdir
	if [[ -n ${ALTBPF_KDIR:-} ]]; then
		kdir_is_complete "$ALTBPF_KDIR" ||
			die "ALTBPF_KDIR=$ALTBPF_KDIR has no arch/x86/boot/bzImage"
		echo "$ALTBPF_KDIR"
		return
	fi
	local args=()
	[[ -n $variant ]] && args=(--variant "$variant")
	kdir=$("$ALTBPF_REPO/scripts/build-kernel" "${args[@]}" | tail -n 1) ||
		die "scripts/build-kernel failed"
	kdir_is_complete "$kdir" || die "build-kernel returned unusable dir: $kdir"
	echo "$kdir"
}

# build_initramfs KDIR: prints the path of a gzip'd cpio holding static
# busybox + qemu/guest-init as /init; rebuilt only when an input changes.
build_initramfs() {
	local kdir=$1 busybox=/bin/busybox key out tmp gen
	[[ -x $busybox ]] || die "$busybox missing (apt-get install busybox-static)"
	# A dynamically linked busybox would need the host libc in the cpio.
	if LC_ALL=C file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked'; then
		die "$busybox is dynamically linked; install busybox-static"
	fi
	key=$(
		{
			echo "logic=$INITRAMFS_LOGIC_VERSION"
			sha256sum "$busybox" "$ALTBPF_REPO/qemu/guest-init" | cut -d' ' -f1
		} | sha256sum | cut -c1-12
	)
	out=$ALTBPF_CACHE/initramfs-$key.cpio.gz
	if [[ -s $out ]]; then
		echo "$out"
		return
	fi
	mkdir -p "$ALTBPF_CACHE"
	# gen_init_cpio (from the kernel build) lets us create /dev/console
	# without being root or calling mknod.
	gen=$kdir/usr/gen_init_cpio
	if [[ ! -x $gen ]]; then
		gen=$ALTBPF_CACHE/gen_init_cpio
		if [[ ! -x $gen ]]; then
			[[ -f $kdir/source/usr/gen_init_cpio.c ]] ||
				die "no gen_init_cpio in $kdir and no source to build it"
			cc -O2 -o "$gen" "$kdir/source/usr/gen_init_cpio.c" ||
				die "cannot compile gen_init_cpio"
		fi
	fi
	tmp=$(mktemp "$out.XXXXXX")
	{
		cat <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /bin 0755 0 0
dir /sbin 0755 0 0
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /newroot 0755 0 0
dir /ctl 0755 0 0
file /bin/busybox $busybox 0755 0 0
file /init $ALTBPF_REPO/qemu/guest-init 0755 0 0
EOF
	} | "$gen" - | gzip -9n >"$tmp" || { rm -f "$tmp"; die "initramfs generation failed"; }
	mv -f "$tmp" "$out"
	echo "$out"
}

# qemu_opt_escape STR: QEMU option values escape ',' as ',,'.
qemu_opt_escape() {
	printf '%s' "${1//,/,,}"
}
