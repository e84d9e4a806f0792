"""Run glibc (getent, Python's socket module) against fixture files.

Every call happens inside a private mount namespace (``unshare -m``) where the
fixture files are bind-mounted over ``/etc/<name>``, and, by default, inside a
new network namespace that holds only ``lo``.  ``/etc/resolv.conf`` is always
replaced: by the fixture's own (which may name loopback servers only) or by one
that points at a closed loopback port, so glibc can never reach the machine's
configured nameserver.  nscd's socket, if any, is hidden so that glibc cannot
ask the host's nscd instead.  The real /etc is never written.

``available()`` says whether the machine allows this (root, unshare, mount);
tests call ``require()`` to skip with the reason when it does not.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ETC_NAMES = (
    "hosts", "services", "protocols", "networks", "rpc",
    "nsswitch.conf", "resolv.conf", "gai.conf", "host.conf",
)
# A resolv.conf that sends glibc's queries to a port where nothing listens.
SAFE_RESOLV_CONF = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"

_SCRIPT = r'''
set -e
if [ "$NETNS" = 1 ]; then ip link set lo up; fi
if [ -n "$SETUP" ]; then
  if [ "$NETNS" != 1 ]; then echo "setup needs a network namespace" >&2; exit 97; fi
  eval "$SETUP"
fi
if [ -n "$ABSENT" ]; then
  cp -a /etc "$SCRATCH/etc"
  for n in $ABSENT; do rm -f "$SCRATCH/etc/$n"; done
  mount --bind "$SCRATCH/etc" /etc
fi
for f in $BIND; do mount --bind "$FIXDIR/$f" "/etc/$f"; done
# nscd would answer from the host's configuration (and DNS) whatever /etc says here,
# even across network namespaces (its socket is a file): hide its socket.
for d in /run/nscd /var/run/nscd; do
  if [ -S "$d/socket" ]; then mount -t tmpfs -o size=64k netdb-no-nscd "$d"; fi
done
if [ -n "$HOSTNAME_SET" ]; then hostname "$HOSTNAME_SET"; fi
exec "$@"
'''


@dataclass(frozen=True)
class Result:
    """What a command printed and its exit code."""

    stdout: bytes
    stderr: bytes
    returncode: int

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "surrogateescape")


@functools.cache
def unavailable_reason() -> str | None:
    """None when glibc can be run in a private namespace here, else why not."""
    if sys.platform != "linux":
        return "glibc comparisons need Linux"
    if os.geteuid() != 0:
        return "glibc comparisons need root (unshare -m and bind mounts)"
    for tool in ("unshare", "getent", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"glibc comparisons need the `{tool}` command"
    try:
        probe = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "-n", "--", "sh", "-c",
             "ip link set lo up && mount -t tmpfs none /mnt && echo ok"],
            capture_output=True, timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare failed: {exc}"
    if probe.stdout.strip() != b"ok":
        return "unshare -m -n is not permitted here: " + probe.stderr.decode(errors="replace").strip()
    return None


def available() -> bool:
    """True when glibc can be run against fixture files on this machine."""
    return unavailable_reason() is None


def require() -> None:
    """Skip the calling test (pytest) when glibc cannot be run in a namespace."""
    reason = unavailable_reason()
    if reason is not None:
        import pytest

        pytest.skip(reason)


def _check_resolv_conf(text: str) -> None:
    for raw in text.splitlines():
        parts = raw.split()
        if raw.startswith("nameserver") and len(parts) >= 2:
            addr = parts[1].split("%")[0]
            try:
                ip = ipaddress.ip_address(addr)
            except ValueError:
                try:  # inet_aton forms such as 127.3
                    import socket

                    ip = ipaddress.ip_address(socket.inet_aton(addr))
                except OSError:
                    continue  # glibc ignores unparsable servers
            if not ip.is_loopback:
                raise ValueError(f"refusing a non-loopback nameserver in resolv.conf: {raw!r}")


def run(
    files: Mapping[str, str | bytes] | str | os.PathLike[str],
    argv: list[str],
    *,
    absent: Iterable[str] = (),
    netns: bool = True,
    hostname: str | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float = 120,
    setup: str | None = None,
) -> Result:
    """Run ``argv`` with ``files`` over /etc in a private namespace.

    ``files`` maps /etc names to contents, or names a directory whose files with
    those names are used.  Names in ``absent`` are made to disappear from /etc.
    ``netns=False`` keeps the host's network namespace (for address sorting and
    AI_ADDRCONFIG); resolv.conf is still replaced by a loopback one.
    ``hostname`` sets the hostname inside a new UTS namespace.
    ``setup`` is a shell snippet run inside the namespace before ``argv``
    (after ``lo`` is up), e.g. ``ip addr add 10.9.9.9/8 dev lo``; it needs
    ``netns=True`` so that it can never change the host's network.
    """
    require_reason = unavailable_reason()
    if require_reason is not None:
        raise RuntimeError(require_reason)
    with tempfile.TemporaryDirectory(prefix="netdb-ns-") as tmp:
        cmd, run_env = _command(Path(tmp), files, argv, absent, netns, hostname, env, setup)
        proc = subprocess.run(cmd, input=stdin, capture_output=True, env=run_env, timeout=timeout)
        return Result(proc.stdout, proc.stderr, proc.returncode)


@contextlib.contextmanager
def popen(
    files: Mapping[str, str | bytes] | str | os.PathLike[str],
    argv: list[str],
    *,
    absent: Iterable[str] = (),
    netns: bool = True,
    hostname: str | None = None,
    env: Mapping[str, str] | None = None,
    setup: str | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Like ``run``, for a long-lived process: yields it with stdin/stdout pipes, kills it at the end."""
    require_reason = unavailable_reason()
    if require_reason is not None:
        raise RuntimeError(require_reason)
    with tempfile.TemporaryDirectory(prefix="netdb-ns-") as tmp:
        cmd, run_env = _command(Path(tmp), files, argv, absent, netns, hostname, env, setup)
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=run_env)
        try:
            yield proc
        finally:
            proc.kill()
            proc.wait()


def _command(
    tmp: Path,
    files: Mapping[str, str | bytes] | str | os.PathLike[str],
    argv: list[str],
    absent: Iterable[str],
    netns: bool,
    hostname: str | None,
    env: Mapping[str, str] | None,
    setup: str | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Write the files under ``tmp`` and build the unshare command line and its environment."""
    if setup and not netns:
        raise ValueError("a setup snippet needs netns=True (it must not touch the host's network)")
    fixdir = tmp / "etc"
    fixdir.mkdir()
    scratch = tmp / "scratch"
    scratch.mkdir()
    contents: dict[str, bytes] = {}
    if isinstance(files, Mapping):
        for name, data in files.items():
            contents[name] = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    else:
        src = Path(files)
        for name in ETC_NAMES:
            if (src / name).is_file():
                contents[name] = (src / name).read_bytes()
    unknown = set(contents) - set(ETC_NAMES)
    if unknown:
        raise ValueError(f"not an /etc file netdb models: {sorted(unknown)}")
    absent = list(absent)
    if "resolv.conf" in contents:
        _check_resolv_conf(contents["resolv.conf"].decode("utf-8", "replace"))
    elif "resolv.conf" not in absent:
        contents["resolv.conf"] = SAFE_RESOLV_CONF.encode()
    for name, data in contents.items():
        (fixdir / name).write_bytes(data)
        os.chmod(fixdir / name, 0o644)
    cmd = ["unshare", "-m", "--propagation", "private"]
    if netns:
        cmd.append("-n")
    if hostname is not None:
        cmd.append("-u")
    cmd += ["--", "sh", "-c", _SCRIPT, "netdb-ns", *argv]
    run_env = {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "LC_ALL": "C.UTF-8",
        "NETNS": "1" if netns else "0",
        "FIXDIR": str(fixdir),
        "SCRATCH": str(scratch),
        "BIND": " ".join(sorted(contents)),
        "ABSENT": " ".join(absent),
        "HOSTNAME_SET": hostname or "",
        "SETUP": setup or "",
    }
    if env:
        run_env.update(env)
    return cmd, run_env


def getent(files: Mapping[str, str | bytes] | str | os.PathLike[str], *args: str, **kw: object) -> Result:
    """``getent ARGS`` against the fixture files."""
    return run(files, ["getent", *args], **kw)  # type: ignore[arg-type]


# The evaluator runs inside the namespace: it reads a JSON list of calls on stdin
# and prints a JSON list of outcomes.  Each call is [function, args, kwargs].
_EVALUATOR = r'''
import json, socket, sys
calls = json.load(sys.stdin)
def enc(v):
    if isinstance(v, tuple):
        return [enc(x) for x in v]
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, bytes):
        return {"bytes": v.decode("latin-1")}
    if hasattr(v, "value") and isinstance(v, int):
        return int(v)
    return v
def dec(v):
    if isinstance(v, dict) and "bytes" in v:
        return v["bytes"].encode("latin-1")
    if isinstance(v, dict) and "tuple" in v:
        return tuple(dec(x) for x in v["tuple"])
    if isinstance(v, list):
        return [dec(x) for x in v]
    return v
out = []
for fn, args, kwargs in calls:
    try:
        r = getattr(socket, fn)(*dec(args), **{k: dec(x) for k, x in kwargs.items()})
        out.append({"ok": enc(r)})
    except Exception as e:
        out.append({"error": type(e).__name__, "args": enc(e.args)})
json.dump(out, sys.stdout)
'''


def socket_calls(
    files: Mapping[str, str | bytes] | str | os.PathLike[str],
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]],
    **kw: object,
) -> list[dict[str, object]]:
    """Evaluate socket-module calls inside the namespace, in one process.

    Returns one dict per call: ``{"ok": result}`` with tuples as lists and enums
    as ints, or ``{"error": "gaierror", "args": [code, text]}``.  Arguments may
    hold bytes; tuples must be given as ``{"tuple": [...]}`` when they matter.
    """
    payload = json.dumps([[fn, [_jsonable(a) for a in args], {k: _jsonable(v) for k, v in kwargs.items()}]
                          for fn, args, kwargs in calls]).encode()
    res = run(files, [sys.executable, "-c", _EVALUATOR], stdin=payload, **kw)  # type: ignore[arg-type]
    if res.returncode != 0:
        raise RuntimeError(f"evaluator failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _jsonable(v: object) -> object:
    if isinstance(v, bytes):
        return {"bytes": v.decode("latin-1")}
    if isinstance(v, tuple):
        return {"tuple": [_jsonable(x) for x in v]}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if hasattr(v, "value") and isinstance(v, int):
        return int(v)
    return v


def normalise(value: object) -> object:
    """Turn a netdb result into the JSON shape ``socket_calls`` returns."""
    return json.loads(json.dumps(_enc_local(value)))


def _enc_local(v: object) -> object:
    if isinstance(v, (tuple, list)):
        return [_enc_local(x) for x in v]
    if isinstance(v, bytes):
        return {"bytes": v.decode("latin-1")}
    if hasattr(v, "value") and isinstance(v, int):
        return int(v)
    return v


def outcome(fn: object, *args: object, **kwargs: object) -> dict[str, object]:
    """Call a netdb function and shape the outcome like ``socket_calls``."""
    try:
        r = fn(*args, **kwargs)  # type: ignore[operator]
    except Exception as e:
        return {"error": type(e).__name__, "args": normalise(e.args)}  # type: ignore[dict-item]
    return {"ok": normalise(r)}
