"""A cached file sees every change at the next call, whether it is checked by stat or by inotify."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdb import watch
from netdb.filecache import CachedFile


def _cached(path: Path) -> CachedFile[str | None]:
    return CachedFile(str(path), lambda text, _p: text)


def _warm(cf: CachedFile[str | None]) -> None:
    for _ in range(watch.WATCH_AFTER + 2):
        cf.get()


@pytest.mark.parametrize("warm", [False, True], ids=["stat", "inotify"])
def test_every_change_is_seen_at_the_next_call(tmp_path: Path, warm: bool) -> None:
    path = tmp_path / "hosts"
    path.write_text("one\n")
    cf = _cached(path)
    if warm:
        _warm(cf)
        if watch.watcher() is not None:
            assert cf.get().watch_key is not None  # the inotify path is the one under test
    assert cf.get().value == "one\n"
    path.write_text("two\n")  # rewritten in place (same inode)
    assert cf.get().value == "two\n"
    with open(path, "a") as fh:  # appended, same size as before? no: a different size
        fh.write("x")
    assert cf.get().value == "two\nx"
    new = tmp_path / "hosts.new"
    new.write_text("three\n")
    os.replace(new, path)  # atomic replacement: a new inode
    assert cf.get().value == "three\n"
    path.write_text("four!\n")  # the new inode is watched too
    assert cf.get().value == "four!\n"
    path.unlink()
    assert cf.get().status == "missing"
    path.write_text("five\n")
    assert cf.get().value == "five\n"
    for i in range(50):  # many quick replacements, each seen
        new.write_text(f"v{i}\n")
        os.replace(new, path)
        assert cf.get().value == f"v{i}\n"


def test_same_size_same_mtime_replacement_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "services"
    path.write_text("a 1/tcp\n")
    cf = _cached(path)
    _warm(cf)
    st = path.stat()
    new = tmp_path / "services.new"
    new.write_text("a 2/tcp\n")
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(new, path)
    assert cf.get().value == "a 2/tcp\n"


def test_symlinked_files_are_checked_with_stat(tmp_path: Path) -> None:
    real = tmp_path / "real.conf"
    real.write_text("x\n")
    link = tmp_path / "resolv.conf"
    link.symlink_to(real)
    cf = _cached(link)
    _warm(cf)
    assert cf.get().watch_key is None
    new = tmp_path / "real.new"
    new.write_text("y\n")
    os.replace(new, real)
    assert cf.get().value == "y\n"


@pytest.mark.skipif(not hasattr(os, "fork") or watch.watcher() is None, reason="needs fork and inotify")
def test_a_forked_child_arms_its_own_watcher_and_sees_changes(tmp_path: Path) -> None:
    path = tmp_path / "hosts"
    path.write_text("one\n")
    cf = _cached(path)
    _warm(cf)
    parent_watcher = watch.watcher()
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 only when every check holds
        ok = False
        try:
            mine = watch.watcher()
            path.write_text("two\n")
            ok = mine is not None and mine is not parent_watcher and cf.get().value == "two\n"
            _warm(cf)
            path.write_text("six\n")
            ok = ok and cf.get().value == "six\n" and cf._watcher is mine
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cf.get().value == "six\n"  # the parent's watcher saw the child's write too
