/*
 * tmpl_load.c - a template set from a directory tree, and the --dev check for changes to it.
 *
 * Every *.html under the root is a template named by its path without ".html". Entries starting with
 * '.' are skipped, and symlinks are never followed (fstatat and openat with AT_SYMLINK_NOFOLLOW /
 * O_NOFOLLOW), so nothing outside the tree is read. Directories are read in sorted order, so the
 * first error reported is the same from run to run.
 */
#include "view/tmpl.h"
#include "view/tmpl_int.h"
#include "core/str.h"
#include "core/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPL_MAX_DIRDEPTH 16   /* directory nesting under the template root */
#define TMPL_MAX_PATH     1024

struct walk {
	tmpl_set_t     *set;   /* NULL: only take the snapshot */
	struct tmpl_snapshot snap;
	char           *err;
	size_t          errlen;
};

static void
note_mtime(struct tmpl_snapshot *s, const struct stat *st)
{
	if (st->st_mtim.tv_sec > s->newest.tv_sec ||
	    (st->st_mtim.tv_sec == s->newest.tv_sec && st->st_mtim.tv_nsec > s->newest.tv_nsec))
		s->newest = st->st_mtim;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
load_file(struct walk *w, int dfd, const char *fname, const char *rel)
{
	char   name[TMPL_MAX_PATH];
	char  *data;
	size_t len = 0, rl = strlen(rel);
	bool   too_big, ok;

	memcpy(name, rel, rl - 5);   /* rel ends in ".html" and fits TMPL_MAX_PATH */
	name[rl - 5] = '\0';
	if ((data = file_read_at(dfd, fname, TMPL_MAX_FILE, &len, &too_big)) == NULL) {
		if (too_big)
			str_errf(w->err, w->errlen, "%s:1: template larger than %d bytes", rel, TMPL_MAX_FILE);
		else
			str_errf(w->err, w->errlen, "%s: %s", rel, strerror(errno));
		return false;
	}
	ok = tmpl_set_compile(w->set, name, rel, data, len, w->err, w->errlen);
	free(data);
	return ok;
}

/* Walks the directory open as dfd (and closes it); rel is its path under the root ("" for the root). */
static bool
walk_dir(struct walk *w, int dfd, const char *rel, int depth)
{
	DIR           *d;
	struct dirent *de;
	char         **names = NULL, path[TMPL_MAX_PATH];
	size_t         n = 0, cap = 0, k;
	bool           ok = false;

	if ((d = fdopendir(dfd)) == NULL) {
		str_errf(w->err, w->errlen, "%s: %s", *rel ? rel : ".", strerror(errno));
		close(dfd);
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* dotfiles, editors' swap files, . and .. */
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **p;

			if (ncap > TMPL_MAX_FILES * 4 || (p = realloc(names, ncap * sizeof(*p))) == NULL) {
				str_errf(w->err, w->errlen, "%s: too many entries", *rel ? rel : ".");
				goto done;
			}
			names = p;
			cap = ncap;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			str_errf(w->err, w->errlen, "%s: out of memory", *rel ? rel : ".");
			goto done;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(names[0]), cmp_names);
	for (k = 0; k < n; k++) {
		struct stat st;
		size_t      nl = strlen(names[k]);
		int         r, sub;

		r = snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "", names[k]);
		if (r < 0 || (size_t)r >= sizeof(path)) {
			str_errf(w->err, w->errlen, "%s/%s: path too long", rel, names[k]);
			goto done;
		}
		if (fstatat(dirfd(d), names[k], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			str_errf(w->err, w->errlen, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > TMPL_MAX_DIRDEPTH) {
				str_errf(w->err, w->errlen, "%s: directories nested too deeply", path);
				goto done;
			}
			note_mtime(&w->snap, &st);
			sub = openat(dirfd(d), names[k], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				str_errf(w->err, w->errlen, "%s: %s", path, strerror(errno));
				goto done;
			}
			if (!walk_dir(w, sub, path, depth + 1))
				goto done;
		} else if (S_ISREG(st.st_mode) && nl > 5 && strcmp(names[k] + nl - 5, ".html") == 0) {
			if (++w->snap.count > TMPL_MAX_FILES) {
				str_errf(w->err, w->errlen, "%s: more than %d templates", path, TMPL_MAX_FILES);
				goto done;
			}
			note_mtime(&w->snap, &st);
			if (w->set != NULL && !load_file(w, dirfd(d), names[k], path))
				goto done;
		}
		/* symlinks and anything else are never followed */
	}
	ok = true;
done:
	for (k = 0; k < n; k++)
		free(names[k]);
	free(names);
	closedir(d);
	return ok;
}

static bool
walk_root(struct walk *w, const char *dir)
{
	struct stat st;
	int         fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		str_errf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0) {
		str_errf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
		close(fd);
		return false;
	}
	note_mtime(&w->snap, &st);
	return walk_dir(w, fd, "", 0);
}

tmpl_set_t *
tmpl_set_load(const char *dir, char *err, size_t errlen)
{
	struct walk w;
	tmpl_set_t *set;

	if (dir == NULL) {
		str_errf(err, errlen, "no template directory");
		return NULL;
	}
	if ((set = tmpl_set_new()) == NULL || (set->dir = strdup(dir)) == NULL) {
		str_errf(err, errlen, "out of memory");
		goto fail;
	}
	memset(&w, 0, sizeof(w));
	w.set = set;
	w.err = err;
	w.errlen = errlen;
	if (!walk_root(&w, dir) || !tmpl_set_resolve(set, true, err, errlen))
		goto fail;
	set->snap = w.snap;
	return set;
fail:
	tmpl_set_free(set);
	return NULL;
}

bool
tmpl_set_changed(const tmpl_set_t *set)
{
	struct walk w;

	if (set == NULL || set->dir == NULL)
		return false;
	memset(&w, 0, sizeof(w));
	if (!walk_root(&w, set->dir))
		return true;
	return w.snap.count != set->snap.count || w.snap.newest.tv_sec != set->snap.newest.tv_sec ||
	    w.snap.newest.tv_nsec != set->snap.newest.tv_nsec;
}
