// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/altbpf: bpf(2) commands over one ioctl (docs/abi.md).
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/license.h>
#include <linux/ctype.h>
#include <linux/compat.h>

#include "altbpf_internal.h"
#include "maps.h"
#include "maps/altbpf_maps.h"
#include "capture.h"
#include "hooks.h"

static bool altbpf_capable(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

/* Bytes of @attr from @from on must be zero (fields a command ignores). */
static bool altbpf_attr_tail_zero(const union bpf_attr *attr, size_t from)
{
	return !memchr_inv((const u8 *)attr + from, 0, sizeof(*attr) - from);
}

/* Program fds */

static int altbpf_prog_release(struct inode *inode, struct file *file)
{
	altbpf_prog_put(file->private_data);
	return 0;
}

static const struct file_operations altbpf_prog_fops = {
	.owner = THIS_MODULE,
	.release = altbpf_prog_release,
	.llseek = noop_llseek,
};

/* The program behind @fd, with a reference; ERR_PTR(-EBADF / -EINVAL). */
struct altbpf_prog *altbpf_prog_get_fd(u32 ufd)
{
	struct altbpf_prog *p;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &altbpf_prog_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	p = f.file->private_data;
	altbpf_prog_get(p);
	fdput(f);
	return p;
}

static int altbpf_prog_new_fd(struct altbpf_prog *p)
{
	return anon_inode_getfd("altbpf-prog", &altbpf_prog_fops, p,
				O_RDWR | O_CLOEXEC);
}

/* Map fds: one usercnt reference each (altbpf_maps.h). */

static int altbpf_map_release(struct inode *inode, struct file *file)
{
	altbpf_map_put_uref(file->private_data);
	return 0;
}

/* Ring buffers: mmap + poll for user space consumers (docs/maps.md). */
static int altbpf_map_mmap(struct file *file, struct vm_area_struct *vma)
{
	return altbpf_ringbuf_mmap(file->private_data, vma);
}

static __poll_t altbpf_map_poll(struct file *file, poll_table *pts)
{
	return altbpf_ringbuf_poll(file->private_data, file, pts);
}

static const struct file_operations altbpf_map_fops = {
	.owner = THIS_MODULE,
	.release = altbpf_map_release,
	.llseek = noop_llseek,
	.mmap = altbpf_map_mmap,
	.poll = altbpf_map_poll,
};

/* The map behind @ufd, + a reference; ERR_PTR(-EBADF / -EINVAL). */
static struct altbpf_map *altbpf_map_get_fd(u32 ufd)
{
	struct altbpf_map *m;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &altbpf_map_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	m = f.file->private_data;
	altbpf_map_get(m);
	fdput(f);
	return m;
}

/* A new fd for @m, consuming one usercnt reference of the caller. */
static int altbpf_map_new_fd(struct altbpf_map *m)
{
	int fd = anon_inode_getfd("altbpf-map", &altbpf_map_fops, m,
				  O_RDWR | O_CLOEXEC);

	if (fd < 0)
		altbpf_map_put_uref(m);
	return fd;
}

/* lddw BPF_PSEUDO_MAP_FD / _VALUE: imm is a map fd of the loading process. */
static struct abpf_map *altbpf_resolve_map_fd(void *host, int fd)
{
	struct altbpf_map *m = altbpf_map_get_fd(fd);

	return IS_ERR(m) ? NULL : &m->map;
}

static const struct abpf_map_resolver altbpf_fd_resolver = {
	.map_from_fd = altbpf_resolve_map_fd,
};

/* Prog arrays: a slot holds a reference to the glue's program object. */
static struct abpf_prog *altbpf_pa_get(int fd, void **owner)
{
	struct altbpf_prog *p = altbpf_prog_get_fd(fd);

	if (IS_ERR(p))
		return NULL;
	*owner = p;
	return p->prog;
}

static void altbpf_pa_put(void *owner)
{
	altbpf_prog_put(owner);
}

static const struct altbpf_map_prog_hooks altbpf_pa_hooks = {
	.get = altbpf_pa_get,
	.put = altbpf_pa_put,
};

/* BPF_MAP_CREATE */

static int altbpf_name_cpy(char *dst, const char *src);

static int altbpf_cmd_map_create(const union bpf_attr *attr)
{
	struct altbpf_map *m;
	char name[BPF_OBJ_NAME_LEN];

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr,
						     map_extra)))
		return -EINVAL;
	if (altbpf_name_cpy(name, attr->map_name))
		return -EINVAL;
	m = altbpf_map_create(attr);	/* checks the other fields */
	if (IS_ERR(m))
		return PTR_ERR(m);
	return altbpf_map_new_fd(m);
}

/* BPF_MAP_LOOKUP_ELEM, _UPDATE_ELEM, _DELETE_ELEM, _GET_NEXT_KEY */

static int altbpf_cmd_map_elem(int cmd, const union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uval = u64_to_user_ptr(attr->value);	/* next_key */
	struct altbpf_map *m;
	void *key = NULL, *val = NULL;
	u32 vsize;
	int err;

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr, flags)))
		return -EINVAL;
	if (cmd != BPF_MAP_UPDATE_ELEM && attr->flags)
		return -EINVAL;
	if (cmd == BPF_MAP_DELETE_ELEM && attr->value)
		return -EINVAL;
	m = altbpf_map_get_fd(attr->map_fd);
	if (IS_ERR(m))
		return PTR_ERR(m);
	vsize = cmd == BPF_MAP_GET_NEXT_KEY ? m->map.key_size :
		altbpf_map_value_size(m);

	err = -ENOMEM;
	if (ukey || cmd != BPF_MAP_GET_NEXT_KEY) {
		key = kvmalloc(max_t(u32, m->map.key_size, 1), GFP_KERNEL);
		if (!key)
			goto out;
		err = -EFAULT;
		if (copy_from_user(key, ukey, m->map.key_size))
			goto out;
	}
	if (cmd != BPF_MAP_DELETE_ELEM) {
		err = -ENOMEM;
		val = kvzalloc(max_t(u32, vsize, 1), GFP_KERNEL);
		if (!val)
			goto out;
	}

	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM:
		err = altbpf_map_lookup(m, key, val);
		if (!err && copy_to_user(uval, val, vsize))
			err = -EFAULT;
		break;
	case BPF_MAP_UPDATE_ELEM:
		err = -EFAULT;
		if (copy_from_user(val, uval, vsize))
			break;
		err = altbpf_map_update(m, key, val, attr->flags);
		break;
	case BPF_MAP_DELETE_ELEM:
		err = altbpf_map_delete(m, key);
		break;
	case BPF_MAP_GET_NEXT_KEY:
		err = altbpf_map_get_next_key(m, key, val);
		if (!err && copy_to_user(uval, val, vsize))
			err = -EFAULT;
		break;
	}
out:
	kvfree(val);
	kvfree(key);
	altbpf_map_put(m);
	return err;
}

/* BPF_{MAP,PROG}_GET_NEXT_ID, BPF_{MAP,PROG}_GET_FD_BY_ID */

static int altbpf_cmd_get_next_id(int cmd, const union bpf_attr *attr,
				  union bpf_attr __user *uattr)
{
	u32 next;
	int err;

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr,
						     open_flags)) ||
	    attr->next_id || attr->open_flags)
		return -EINVAL;
	if (cmd == BPF_MAP_GET_NEXT_ID)
		err = attr->start_id >= INT_MAX ? -ENOENT :
		      altbpf_map_next_id(attr->start_id, &next);
	else
		err = altbpf_prog_next_id(attr->start_id, &next);
	if (err)
		return err;
	return put_user(next, &uattr->next_id) ? -EFAULT : 0;
}

static int altbpf_cmd_get_fd_by_id(int cmd, const union bpf_attr *attr)
{
	struct altbpf_prog *p;
	struct altbpf_map *m;
	int fd;

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr,
						     open_flags)) ||
	    attr->next_id || attr->open_flags)
		return -EINVAL;
	if (cmd == BPF_MAP_GET_FD_BY_ID) {
		m = altbpf_map_by_id(attr->map_id);
		if (!m)
			return -ENOENT;
		/* the reference becomes the fd's: a user reference too */
		atomic_inc(&m->usercnt);
		return altbpf_map_new_fd(m);
	}
	p = altbpf_prog_by_id(attr->prog_id);
	if (!p)
		return -ENOENT;
	fd = altbpf_prog_new_fd(p);
	if (fd < 0)
		altbpf_prog_put(p);
	return fd;
}

/* BPF_PROG_LOAD */

/* Like the kernel's bpf_obj_name_cpy(): [A-Za-z0-9_.], NUL-terminated. */
static int altbpf_name_cpy(char *dst, const char *src)
{
	const char *end = src + BPF_OBJ_NAME_LEN;

	memset(dst, 0, BPF_OBJ_NAME_LEN);
	while (src < end) {
		if (!*src)
			return 0;
		if (!isalnum(*src) && *src != '_' && *src != '.')
			return -EINVAL;
		*dst++ = *src++;
	}
	return -EINVAL;		/* not NUL-terminated */
}

static int altbpf_map_prog_type(u32 uapi_type, u32 *type)
{
	BUILD_BUG_ON(sizeof(struct altbpf_pkt_ctx) !=
		     sizeof(struct abpf_pkt_ctx));
	BUILD_BUG_ON(offsetof(struct altbpf_pkt_ctx, cpu) !=
		     offsetof(struct abpf_pkt_ctx, cpu));
	switch (uapi_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case ALTBPF_PROG_TYPE_PACKET:
		*type = ABPF_PROG_TYPE_PACKET;
		return 0;
	case BPF_PROG_TYPE_KPROBE:
	case ALTBPF_PROG_TYPE_KPROBE:
		*type = ABPF_PROG_TYPE_KPROBE;
		return 0;
	case ALTBPF_PROG_TYPE_MEM:
		*type = ABPF_PROG_TYPE_MEM;
		return 0;
	case ALTBPF_PROG_TYPE_CONFORMANCE:
		*type = ABPF_PROG_TYPE_CONFORMANCE;
		return 0;
	}
	return -EINVAL;
}

static int altbpf_cmd_prog_load(const union bpf_attr *attr)
{
	char license[ALTBPF_LICENSE_MAX] = "";
	char __user *ulog = u64_to_user_ptr(attr->log_buf);
	struct abpf_log log = {};
	struct bpf_insn *insns;
	struct altbpf_prog *p;
	char name[BPF_OBJ_NAME_LEN];
	bool classic;
	u32 type;
	int err, fd;

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr,
						     prog_name)) ||
	    attr->kern_version || (attr->prog_flags & ~ALTBPF_PROG_LOAD_CLASSIC))
		return -EINVAL;
	err = altbpf_map_prog_type(attr->prog_type, &type);
	if (err)
		return err;
	classic = attr->prog_flags & ALTBPF_PROG_LOAD_CLASSIC;
	if (classic && type != ABPF_PROG_TYPE_PACKET)
		return -EINVAL;
	if (attr->insn_cnt > ABPF_MAX_INSNS)
		return -E2BIG;
	if (altbpf_name_cpy(name, attr->prog_name))
		return -EINVAL;

	/* Log attributes, validated like the kernel's verifier log. */
	if (attr->log_level || attr->log_buf || attr->log_size) {
		if (attr->log_size < 128 || attr->log_size > ALTBPF_LOG_MAX ||
		    !ulog || attr->log_level < 1 || attr->log_level > 2)
			return -EINVAL;
		log.size = attr->log_size;
		log.level = attr->log_level;
		log.buf = kvzalloc(log.size, GFP_KERNEL);
		if (!log.buf)
			return -ENOMEM;
	}

	/* No license is the empty license; a bad pointer is EFAULT. */
	if (attr->license) {
		long n = strncpy_from_user(license,
					   u64_to_user_ptr(attr->license),
					   sizeof(license));

		err = n < 0 ? -EFAULT : n >= sizeof(license) ? -EINVAL : 0;
		if (err)
			goto out_log;
	}

	/* insn_cnt 0: the checker's "empty program" (EINVAL) */
	insns = NULL;
	if (attr->insn_cnt) {
		insns = vmemdup_user(u64_to_user_ptr(attr->insns),
				     (size_t)attr->insn_cnt * sizeof(*insns));
		if (IS_ERR(insns)) {
			err = PTR_ERR(insns);
			goto out_log;
		}
	}
	/* struct sock_filter and struct bpf_insn are both 8 bytes. */
	if (classic)
		p = altbpf_cbpf_create((struct sock_filter *)insns,
				       attr->insn_cnt, &log, &err);
	else
		p = altbpf_prog_create(type, insns, attr->insn_cnt,
				       &altbpf_fd_resolver, &log, &err);
	kvfree(insns);

	if (log.buf) {
		/* The log is copied even on success; truncation is ENOSPC. */
		if (copy_to_user(ulog, log.buf,
				 min_t(u32, log.size, strnlen(log.buf, log.size) + 1)))
			err = -EFAULT;
		else if (log.truncated)
			err = -ENOSPC;
		if (err && p) {
			altbpf_prog_put(p);
			p = NULL;
		}
	}
	if (!p)
		goto out_log;

	p->gpl_compatible = license_is_gpl_compatible(license);
	memcpy(p->name, name, sizeof(p->name));
	fd = altbpf_prog_new_fd(p);
	if (fd < 0)
		altbpf_prog_put(p);
	kvfree(log.buf);
	return fd;

out_log:
	kvfree(log.buf);
	return err;
}

/* BPF_PROG_TEST_RUN */

static int altbpf_cmd_prog_test_run(const union bpf_attr *attr,
				    union bpf_attr __user *uattr)
{
	void __user *data_out = u64_to_user_ptr(attr->test.data_out);
	u32 size = attr->test.data_size_in, copy = size;
	u32 flags = attr->test.flags;
	u32 engine = (flags & ALTBPF_TEST_RUN_ENGINE_MASK) >>
		     ALTBPF_TEST_RUN_ENGINE_SHIFT;
	struct altbpf_prog *p;
	u32 duration, retval;
	int err, run_err;
	void *data;
	u64 r0;

	if (!altbpf_capable())
		return -EPERM;
	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr,
						     test.batch_size)) ||
	    attr->test.cpu || attr->test.batch_size ||
	    (flags & ~(ALTBPF_TEST_RUN_ENGINE_MASK | ALTBPF_TEST_RUN_R0_OUT)) ||
	    engine >= ABPF_ENGINE__COUNT || attr->test.ctx_in ||
	    attr->test.ctx_size_in)
		return -EINVAL;
	if (flags & ALTBPF_TEST_RUN_R0_OUT) {
		if (!attr->test.ctx_out ||
		    attr->test.ctx_size_out < sizeof(u64))
			return -EINVAL;
	} else if (attr->test.ctx_out || attr->test.ctx_size_out) {
		return -EINVAL;
	}
	if (size > ALTBPF_TEST_RUN_DATA_MAX)
		return -EINVAL;

	p = altbpf_prog_get_fd(attr->test.prog_fd);
	if (IS_ERR(p))
		return PTR_ERR(p);

	/* At least one byte, so that r1 is never NULL. */
	data = kvzalloc(max_t(u32, size, 1), GFP_KERNEL);
	err = -ENOMEM;
	if (!data)
		goto out_put;
	err = -EFAULT;
	if (size && copy_from_user(data, u64_to_user_ptr(attr->test.data_in),
				   size))
		goto out_free;

	run_err = altbpf_run(p, engine, data, size, attr->test.repeat, 0,
			     &r0, &duration, NULL);
	if (run_err) {
		err = run_err;
		goto out_free;
	}

	/* As the kernel's bpf_test_finish(): clamp, ENOSPC after copying. */
	err = 0;
	if (attr->test.data_size_out && copy > attr->test.data_size_out) {
		copy = attr->test.data_size_out;
		err = -ENOSPC;
	}
	retval = (u32)r0;
	if ((data_out && copy_to_user(data_out, data, copy)) ||
	    copy_to_user(&uattr->test.data_size_out, &size, sizeof(size)) ||
	    copy_to_user(&uattr->test.retval, &retval, sizeof(retval)) ||
	    copy_to_user(&uattr->test.duration, &duration, sizeof(duration))) {
		err = -EFAULT;
		goto out_free;
	}
	if (flags & ALTBPF_TEST_RUN_R0_OUT) {
		u32 r0_size = sizeof(r0);

		if (copy_to_user(u64_to_user_ptr(attr->test.ctx_out), &r0,
				 sizeof(r0)) ||
		    copy_to_user(&uattr->test.ctx_size_out, &r0_size,
				 sizeof(r0_size)))
			err = -EFAULT;
	}

out_free:
	kvfree(data);
out_put:
	altbpf_prog_put(p);
	return err;
}

/* BPF_OBJ_GET_INFO_BY_FD (programs only) */

/* Copy min(@have, @ulen) bytes of @src to @uptr (if set). */
static int altbpf_info_copy(u64 uptr, u32 ulen, const void *src, u32 have)
{
	u32 n = min(have, ulen);

	if (!uptr || !n)
		return 0;
	return copy_to_user(u64_to_user_ptr(uptr), src, n) ? -EFAULT : 0;
}

/*
 * The instructions for BPF_OBJ_GET_INFO_BY_FD: the checker bound each lddw
 * map reference to the map's kernel address; as bpf(2) does, report the
 * map's id (and the value offset) there instead.  kvfree() the result.
 */
static struct bpf_insn *altbpf_xlated_dump(const struct abpf_prog *prog)
{
	struct bpf_insn *insns = kvmalloc_array(prog->len, sizeof(*insns),
						GFP_KERNEL);
	u32 i, k;

	if (!insns)
		return NULL;
	memcpy(insns, prog->insns, prog->len * sizeof(*insns));
	for (i = 0; i + 1 < prog->len; i++) {
		u64 addr, base;

		if (!abpf_is_lddw(&insns[i]))
			continue;
		if (insns[i].src_reg != BPF_PSEUDO_MAP_FD &&
		    insns[i].src_reg != BPF_PSEUDO_MAP_VALUE) {
			i++;
			continue;
		}
		addr = (u32)insns[i].imm | (u64)(u32)insns[i + 1].imm << 32;
		insns[i].imm = 0;
		insns[i + 1].imm = 0;
		for (k = 0; k < prog->nr_maps; k++) {
			struct abpf_map *map = prog->maps[k];

			if (insns[i].src_reg == BPF_PSEUDO_MAP_FD ?
			    addr == (u64)(unsigned long)map :
			    map->ops->direct_value &&
			    !map->ops->direct_value(map, &base) &&
			    addr - base < map->value_size) {
				insns[i].imm = map->id;
				if (insns[i].src_reg == BPF_PSEUDO_MAP_VALUE)
					insns[i + 1].imm = addr - base;
				break;
			}
		}
		i++;
	}
	return insns;
}

static int altbpf_map_get_info(struct altbpf_map *m, const union bpf_attr *attr,
			       union bpf_attr __user *uattr)
{
	struct bpf_map_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	struct bpf_map_info info;
	u32 info_len = attr->info.info_len;
	int err;

	/* Newer, larger structs are fine if their tail is zero. */
	err = copy_struct_from_user(&info, sizeof(info), uinfo, info_len);
	if (err)
		return err;
	info_len = min_t(u32, info_len, sizeof(info));
	memset(&info, 0, sizeof(info));
	info.type = m->map.type;
	info.id = m->map.id;
	info.key_size = m->map.key_size;
	info.value_size = m->map.value_size;
	info.max_entries = m->map.max_entries;
	info.map_flags = m->map.map_flags;
	memcpy(info.name, m->map.name, sizeof(info.name));
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

static int altbpf_cmd_obj_get_info(const union bpf_attr *attr,
				   union bpf_attr __user *uattr)
{
	struct bpf_prog_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	struct bpf_prog_info in, info;
	struct altbpf_prog *p;
	u32 info_len = attr->info.info_len;
	u32 nr_offsets = 0;
	u32 map_ids[ABPF_MAX_USED_MAPS];
	u32 i, nr_maps;
	int err;

	if (!altbpf_attr_tail_zero(attr, offsetofend(union bpf_attr, info)))
		return -EINVAL;
	p = altbpf_prog_get_fd(attr->info.bpf_fd);
	if (PTR_ERR_OR_ZERO(p) == -EINVAL) {
		struct altbpf_map *m = altbpf_map_get_fd(attr->info.bpf_fd);

		if (IS_ERR(m))
			return PTR_ERR(m);
		/* docs/abi.md: every map command needs CAP_BPF */
		err = altbpf_capable() ? altbpf_map_get_info(m, attr, uattr) :
		      -EPERM;
		altbpf_map_put(m);
		return err;
	}
	if (IS_ERR(p))
		return PTR_ERR(p);

	/* Newer, larger structs are fine if their tail is zero. */
	err = copy_struct_from_user(&in, sizeof(in), uinfo, info_len);
	if (err)
		goto out;
	info_len = min_t(u32, info_len, sizeof(in));
	if (in.jited_line_info && in.nr_jited_line_info &&
	    in.jited_line_info_rec_size &&
	    in.jited_line_info_rec_size != sizeof(u32)) {
		err = -EINVAL;
		goto out;
	}

	memset(&info, 0, sizeof(info));
	info.type = p->uapi_type;
	info.id = p->id;
	info.load_time = p->load_time;
	info.created_by_uid = from_kuid_munged(current_user_ns(), p->uid);
	memcpy(info.name, p->name, sizeof(info.name));
	info.gpl_compatible = p->gpl_compatible;
	info.verified_insns = p->prog->len;
	info.xlated_prog_insns = in.xlated_prog_insns;
	info.jited_prog_insns = in.jited_prog_insns;
	info.jited_line_info = in.jited_line_info;
	/* the maps the program holds (bpf(2)'s used_maps) */
	nr_maps = min_t(u32, p->prog->nr_maps, ABPF_MAX_USED_MAPS);
	for (i = 0; i < nr_maps; i++)
		map_ids[i] = p->prog->maps[i]->id;
	info.nr_map_ids = nr_maps;
	info.map_ids = in.map_ids;
	err = altbpf_info_copy(in.map_ids, min(in.nr_map_ids, nr_maps) *
			       sizeof(u32), map_ids, nr_maps * sizeof(u32));
	if (err)
		goto out;

	/*
	 * As bpf(2): the code is only shown to CAP_BPF / CAP_SYS_ADMIN
	 * callers (the device is root-only anyway).  The image holds no
	 * absolute address (calls are rel32), and its own address is not
	 * reported.
	 */
	if (altbpf_capable()) {
		info.xlated_prog_len = p->prog->len * sizeof(struct bpf_insn);
		info.jited_prog_len = p->prog->jit_size;
		if (p->jit_offsets)
			nr_offsets = p->prog->len + 1;
		/* altbpf: per-instruction image offsets, see docs/abi.md */
		info.nr_jited_line_info = nr_offsets;
		info.jited_line_info_rec_size = sizeof(u32);

		if (in.xlated_prog_insns && in.xlated_prog_len) {
			struct bpf_insn *xlated = altbpf_xlated_dump(p->prog);

			err = xlated ? altbpf_info_copy(in.xlated_prog_insns,
							in.xlated_prog_len,
							xlated,
							info.xlated_prog_len) :
				       -ENOMEM;
			kvfree(xlated);
		}
		/*
		 * An image that loads map addresses (movabs) is code with
		 * kernel pointers: shown only to whom kptr_restrict=1 would
		 * show them (CAP_SYSLOG), as bpf(2)'s bpf_dump_raw_ok().
		 */
		if (p->prog->nr_maps && !capable(CAP_SYSLOG))
			info.jited_prog_insns = 0;
		else if (!err)
			err = altbpf_info_copy(in.jited_prog_insns,
					       in.jited_prog_len,
					       p->prog->jit_image,
					       info.jited_prog_len);
		if (!err)
			err = altbpf_info_copy(in.jited_line_info,
					       min(in.nr_jited_line_info,
						   nr_offsets) * sizeof(u32),
					       p->jit_offsets,
					       nr_offsets * sizeof(u32));
		if (err)
			goto out;
	} else {
		info.xlated_prog_insns = 0;
		info.jited_prog_insns = 0;
		info.jited_line_info = 0;
	}

	err = -EFAULT;
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		goto out;
	err = 0;
out:
	altbpf_prog_put(p);
	return err;
}

/* The ioctl */

static long altbpf_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct altbpf_call call;
	union bpf_attr attr;
	union bpf_attr __user *uattr;
	int err;

	/* ioctl numbers 0x10-0x1f belong to packet capture (capture.c). */
	if (_IOC_TYPE(cmd) == ALTBPF_IOC_MAGIC &&
	    _IOC_NR(cmd) >= ALTBPF_IOC_CAPTURE_FIRST &&
	    _IOC_NR(cmd) <= ALTBPF_IOC_CAPTURE_LAST)
		return altbpf_capture_ioctl(file, cmd, arg);
	if (cmd != ALTBPF_IOC_BPF)
		return -ENOTTY;
	if (copy_from_user(&call, (void __user *)arg, sizeof(call)))
		return -EFAULT;
	/* As bpf(2): at most a page, any tail beyond our attr zero. */
	if (call.size > PAGE_SIZE)
		return -E2BIG;
	uattr = u64_to_user_ptr(call.attr);
	err = copy_struct_from_user(&attr, sizeof(attr), uattr, call.size);
	if (err)
		return err;

	switch (call.cmd) {
	case BPF_PROG_LOAD:
		return altbpf_cmd_prog_load(&attr);
	case BPF_PROG_TEST_RUN:
		return altbpf_cmd_prog_test_run(&attr, uattr);
	case BPF_OBJ_GET_INFO_BY_FD:
		return altbpf_cmd_obj_get_info(&attr, uattr);
	case BPF_MAP_CREATE:
		return altbpf_cmd_map_create(&attr);
	case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_GET_NEXT_KEY:
		return altbpf_cmd_map_elem(call.cmd, &attr);
	case BPF_MAP_GET_NEXT_ID:
	case BPF_PROG_GET_NEXT_ID:
		return altbpf_cmd_get_next_id(call.cmd, &attr, uattr);
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_PROG_GET_FD_BY_ID:
		return altbpf_cmd_get_fd_by_id(call.cmd, &attr);
	case BPF_LINK_CREATE:
		return altbpf_cmd_link_create(&attr);
	case BPF_LINK_DETACH:
		return altbpf_cmd_link_detach(&attr);
	default:
		return -EINVAL;
	}
}

static const struct file_operations altbpf_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = altbpf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice altbpf_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "altbpf",
	.fops = &altbpf_dev_fops,
	.mode = 0600,
};

int altbpf_dev_init(void)
{
	int err;

	/* prog array slots hold program fds' objects (tail calls) */
	altbpf_maps_set_prog_hooks(&altbpf_pa_hooks);
	err = misc_register(&altbpf_miscdev);
	if (err)
		altbpf_maps_set_prog_hooks(NULL);
	return err;
}

void altbpf_dev_exit(void)
{
	misc_deregister(&altbpf_miscdev);
	/*
	 * No fd is left (they pin the module), so no prog array is either;
	 * slot entries still in flight are freed by altbpf_maps_exit().
	 */
}
