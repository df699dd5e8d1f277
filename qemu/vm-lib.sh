# shellcheck shell=bash
# vm-lib.sh -- helpers shared by scripts/vm-run, scripts/kvm-probe,
# scripts/build-module-debian and scripts/debian-kernel.
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

# gen_init_cpio_tool KDIR: path of a gen_init_cpio binary (it lets us put
# /dev/console in the cpio without being root or calling mknod): KDIR's
# own, else $ALTBPF_CACHE/gen_init_cpio, compiled once from KDIR's source,
# an extracted linux-source tree in the cache, or the linux-source tarball.
gen_init_cpio_tool() {
	local kdir=$1 gen src="" f
	gen=$kdir/usr/gen_init_cpio
	if [[ -x $gen ]]; then
		echo "$gen"
		return
	fi
	gen=$ALTBPF_CACHE/gen_init_cpio
	if [[ ! -x $gen ]]; then
		mkdir -p "$ALTBPF_CACHE"
		for f in "$kdir/source/usr/gen_init_cpio.c" \
			"$ALTBPF_CACHE"/src-*/linux-source-6.1/usr/gen_init_cpio.c; do
			if [[ -f $f ]]; then src=$f; break; fi
		done
		if [[ -z $src && -r /usr/src/linux-source-6.1.tar.xz ]]; then
			src=$ALTBPF_CACHE/gen_init_cpio.c
			if ! tar -xJOf /usr/src/linux-source-6.1.tar.xz \
				linux-source-6.1/usr/gen_init_cpio.c >"$src.tmp.$$"; then
				rm -f "$src.tmp.$$"
				die "cannot extract gen_init_cpio.c from linux-source-6.1"
			fi
			mv -f "$src.tmp.$$" "$src"
		fi
		[[ -n $src ]] || die "no gen_init_cpio in $kdir and no source to build it"
		if ! cc -O2 -o "$gen.tmp.$$" "$src"; then
			rm -f "$gen.tmp.$$"
			die "cannot compile gen_init_cpio"
		fi
		mv -f "$gen.tmp.$$" "$gen"
	fi
	echo "$gen"
}

# build_initramfs KDIR [MODROOT KVER]: prints the path of a gzip'd cpio
# holding static busybox + qemu/guest-init as /init; rebuilt only when an
# input changes. With MODROOT and KVER (a stock kernel whose virtio/9p
# drivers are modules) it also holds $GUEST_BOOT_MODULES and everything
# they depend on, from MODROOT/lib/modules/KVER (decompressed: busybox
# insmod cannot read .ko.xz), as /modules/*.ko, and /modules.list, their
# load order, which guest-init insmods before it mounts anything over 9p.
build_initramfs() {
	local kdir=$1 modroot=${2:-} kver=${3:-} busybox=/bin/busybox key out tmp gen
	local mods=() m base src stage
	[[ -x $busybox ]] || die "$busybox missing (apt-get install busybox-static)"
	# A dynamically linked busybox would need the host libc in the cpio.
	if LC_ALL=C file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked'; then
		die "$busybox is dynamically linked; install busybox-static"
	fi
	if [[ -n $modroot ]]; then
		# "insmod PATH" lines, dependencies first; shared ones repeat.
		mapfile -t mods < <(
			modprobe -d "$modroot" -S "$kver" -a --show-depends "${GUEST_BOOT_MODULES[@]}" |
				awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
		)
		[[ ${#mods[@]} -gt 0 ]] ||
			die "cannot resolve ${GUEST_BOOT_MODULES[*]} in $modroot/lib/modules/$kver"
	fi
	key=$(
		{
			echo "logic=$INITRAMFS_LOGIC_VERSION"
			sha256sum "$busybox" "$ALTBPF_REPO/qemu/guest-init" | cut -d' ' -f1
			if [[ ${#mods[@]} -gt 0 ]]; then
				echo "kver=$kver"
				sha256sum "${mods[@]}" | cut -d' ' -f1
			fi
		} | sha256sum | cut -c1-12
	)
	out=$ALTBPF_CACHE/initramfs-$key.cpio.gz
	if [[ -s $out ]]; then
		echo "$out"
		return
	fi
	mkdir -p "$ALTBPF_CACHE"
	gen=$(gen_init_cpio_tool "$kdir")
	tmp=$(mktemp "$out.XXXXXX")
	stage=$tmp.d
	mkdir -p "$stage"
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
		if [[ ${#mods[@]} -gt 0 ]]; then
			echo "dir /modules 0755 0 0"
			: >"$stage/modules.list"
			for m in "${mods[@]}"; do
				base=${m##*/}
				src=$m
				case $base in
				*.ko.xz) base=${base%.xz}; src=$stage/$base; xz -dc "$m" >"$src" ;;
				*.ko.zst) base=${base%.zst}; src=$stage/$base; zstd -qdc "$m" >"$src" ;;
				*.ko.gz) base=${base%.gz}; src=$stage/$base; gzip -dc "$m" >"$src" ;;
				esac
				echo "file /modules/$base $src 0644 0 0"
				echo "$base" >>"$stage/modules.list"
			done
			echo "file /modules.list $stage/modules.list 0644 0 0"
		fi
	} >"$stage/spec" || { rm -rf "$tmp" "$stage"; die "cannot stage initramfs modules"; }
	"$gen" "$stage/spec" | gzip -9n >"$tmp" || { rm -rf "$tmp" "$stage"; die "initramfs generation failed"; }
	rm -rf "$stage"
	mv -f "$tmp" "$out"
	echo "$out"
}

# --- Debian's stock kernel (scripts/vm-run --kernel debian) ----------------
# Its virtio/9p drivers are modules: these, plus whatever modules.dep says
# they need, go into its initramfs. No NIC is attached (-nic none).
GUEST_BOOT_MODULES=(virtio_pci 9pnet_virtio 9p)

# debian_kernel_abi: prints "ABI VERSION" (e.g. "6.1.0-56-amd64 6.1.192-2")
# of the kernel the installed linux-headers-amd64 meta package points at.
# The stock kernel we boot must be exactly that one, so that modules built
# against /lib/modules/ABI/build load into it.
debian_kernel_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		die "linux-headers-amd64 is not installed (run scripts/install-deps)"
	[[ $dep =~ linux-headers-([0-9][^ ,]*)\ \(=\ ([^\)]+)\) ]] ||
		die "cannot parse the Depends of linux-headers-amd64: $dep"
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

# debian_kernel_complete ROOT ABI: ROOT has the kernel and depmod'ed modules?
debian_kernel_complete() {
	[[ -f $1/boot/vmlinuz-$2 && -s $1/lib/modules/$2/modules.dep ]]
}

# resolve_debian_kernel --fetch|--no-fetch: prints ROOT such that
# ROOT/boot/vmlinuz-ABI and ROOT/lib/modules/ABI/ are the stock kernel
# matching linux-headers-amd64 (see debian_kernel_abi). ROOT is / when
# exactly that linux-image package is installed on the host; else
# $ALTBPF_CACHE/debian-kernel/ABI_VERSION/, where the package is unpacked
# once (apt-get download + dpkg-deb -x: no maintainer scripts, nothing
# installed on the host, no initramfs-tools/udev/systemd upgrades pulled in)
# and depmod'ed. --no-fetch: only print where it would be.
resolve_debian_kernel() {
	local fetch=1 abi ver inst root tmp l apt_opts=()
	[[ $1 == --no-fetch ]] && fetch=0
	read -r abi ver <<<"$(debian_kernel_abi)"
	[[ -n $ver ]] || die "cannot determine the Debian kernel ABI"
	inst=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "linux-image-$abi" 2>/dev/null || true)
	if [[ $inst == "installed $ver" ]] && debian_kernel_complete / "$abi"; then
		echo /
		return
	fi
	root=$ALTBPF_CACHE/debian-kernel/${abi}_$ver
	if [[ $fetch == 0 ]] || { [[ -f $root/.complete ]] && debian_kernel_complete "$root" "$abi"; }; then
		echo "$root"
		return
	fi
	mkdir -p "$ALTBPF_CACHE/debian-kernel"
	# Serialise concurrent fetches (fd 8 closes when the caller exits).
	exec 8>"$ALTBPF_CACHE/debian-kernel/.lock"
	flock 8
	if [[ -f $root/.complete ]] && debian_kernel_complete "$root" "$abi"; then
		echo "$root"
		return
	fi
	echo "[debian-kernel] fetching linux-image-$abi=$ver into $root" >&2
	tmp=$root.tmp.$$
	rm -rf "$tmp" "$root"
	mkdir -p "$tmp/deb"
	# As root, apt downloads as user _apt, who cannot write to ~root/.cache.
	[[ $(id -u) == 0 ]] && apt_opts=(-o APT::Sandbox::User=root)
	if ! (cd "$tmp/deb" && apt-get download "${apt_opts[@]}" "linux-image-$abi=$ver") >&2; then
		# Fresh containers have no package lists yet.
		if [[ $(id -u) == 0 ]]; then
			echo "[debian-kernel] download failed; running apt-get update and retrying" >&2
			apt-get update >&2 || true
		fi
		if ! (cd "$tmp/deb" && apt-get download "${apt_opts[@]}" "linux-image-$abi=$ver") >&2; then
			rm -rf "$tmp"
			die "apt-get download linux-image-$abi=$ver failed (no package lists? run apt-get update as root; archive moved on? upgrade linux-headers-amd64)"
		fi
	fi
	if ! dpkg-deb -x "$tmp"/deb/*.deb "$tmp"; then
		rm -rf "$tmp"
		die "dpkg-deb -x linux-image-$abi failed"
	fi
	rm -rf "$tmp/deb"
	if [[ ! -f $tmp/boot/vmlinuz-$abi || ! -d $tmp/lib/modules/$abi ]]; then
		rm -rf "$tmp"
		die "linux-image-$abi has an unexpected layout"
	fi
	# The package ships no modules.dep (its postinst would run depmod).
	depmod -b "$tmp" "$abi" || { rm -rf "$tmp"; die "depmod -b $tmp $abi failed"; }
	# The guest sees this tree at /lib/modules/ABI: keep the headers' links.
	for l in build source; do
		if [[ -L /lib/modules/$abi/$l ]]; then
			ln -sfn "$(readlink "/lib/modules/$abi/$l")" "$tmp/lib/modules/$abi/$l"
		fi
	done
	date -u +%FT%TZ >"$tmp/.complete"
	mv "$tmp" "$root"
	echo "$root"
}

# qemu_opt_escape STR: QEMU option values escape ',' as ',,'.
qemu_opt_escape() {
	printf '%s' "${1//,/,,}"
}
