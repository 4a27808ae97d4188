"""El sandbox de una entrega: bubblewrap, un uid propio y límites para todos sus procesos.

Qué ve la entrega (:func:`bwrap_args`):

- el sistema de archivos de solo lectura; la carpeta del curso, la personal, ``/tmp``
  y el lote, tapados; en ``/curso`` la copia podada de su laboratorio
  (:mod:`grader.copies`); los datos de Keras y MNIST, de solo lectura;
- un único lugar escribible, ``/entrega``: un tmpfs de ``--disco`` MiB (más ``/tmp`` y
  ``/dev/shm`` pequeños). Nada de lo que escribe toca el disco del docente y
  desaparece al terminar;
- sin red, con su propio espacio de PID: al matar el bubblewrap exterior, el núcleo
  mata todos los procesos de ese espacio (también los que se separaron con ``setsid``).
  Nunca se mata por uid ni con ``kill -1``.

Quién es (:class:`UidLease`): como root, cada entrega corre con un uid sin
privilegios reservado con un cerrojo (``flock``) en ``/run/calificador-uids``, único
entre calificaciones simultáneas de la misma máquina. Sin root, bubblewrap crea un
espacio de nombres de usuario propio y no hace falta uid.

Cuánta memoria (:class:`MemoryGuard`): con cgroup v2 escribible, un cgroup por
entrega con ``memory.max`` (y sin swap); si no, un vigía que cada 0.2 s suma la
memoria (PSS) de todos los procesos de la entrega y la detiene al pasar el tope.
Además cada proceso tiene límites de ``setrlimit`` (CPU, tamaño de archivo, procesos).
"""

from __future__ import annotations

import fcntl
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from utils import notebooks

ROOT = notebooks.ROOT
FIRST_UID = 61000
UID_SLOTS = 4000
UID_LOCK_DIR = Path("/run/calificador-uids")
# Dentro del sandbox la copia podada del curso se monta donde está el curso (la carpeta
# original queda tapada) y el área escribible, junto a ella: la raíz es de solo lectura y
# bubblewrap solo puede crear puntos de montaje dentro de un tmpfs.
_BASE = ROOT.parent if ROOT.parent != Path("/") else Path("/tmp")
COURSE = str(ROOT)
WORKDIR = str(_BASE / "entrega")


@dataclass
class Limits:
    """Límites de una entrega. ``memory_mb`` y ``disk_mb`` son para todos sus procesos juntos."""

    memory_mb: int = 6144        # memoria residente de todos sus procesos (TensorFlow necesita ~2.5 GiB)
    disk_mb: int = 1024          # tamaño del área escribible (tmpfs)
    cpu_s: int = 1800            # segundos de CPU por proceso
    file_mb: int = 512           # tamaño máximo de un archivo
    processes: int = 512         # procesos e hilos


# ---------------------------------------------------------------------------
# uid propio por entrega
# ---------------------------------------------------------------------------

class UidLease:
    """Un uid sin privilegios reservado mientras dure la entrega (solo como root).

    El cerrojo es un ``flock`` sobre un archivo por uid: otra calificación en la misma
    máquina (otro proceso) no puede tomar el mismo uid mientras este lo tenga, y el
    cerrojo se libera solo si el calificador muere.
    """

    def __init__(self):
        self.uid: int | None = None
        self._fd: int | None = None
        if os.geteuid() != 0:
            return
        UID_LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = (os.getpid() * 7) % UID_SLOTS
        for k in range(UID_SLOTS):
            uid = FIRST_UID + (start + k) % UID_SLOTS
            fd = os.open(UID_LOCK_DIR / str(uid), os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            if _uid_has_processes(uid):  # alguien más (fuera del calificador) usa este uid
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise RuntimeError("no quedan uids libres para las entregas")

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _uid_has_processes(uid: int) -> bool:
    for pid in _pids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                return True
        except OSError:
            pass
    return False


def _pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


# ---------------------------------------------------------------------------
# Orden de bubblewrap
# ---------------------------------------------------------------------------

def _inside(p: Path, parent: Path) -> bool:
    return p == parent or parent in p.parents


def keras_datasets() -> Path | None:
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    d = Path(home) / "datasets"
    return d.resolve() if d.is_dir() else None


def _needed_paths() -> list[Path]:
    """Lo que la entrega debe poder leer además del sistema: Python y los datos sin red."""
    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent]
    if os.environ.get("MNIST_IDX_DIR"):
        paths.append(Path(os.environ["MNIST_IDX_DIR"]))
    mnist = ROOT.parent / "shared" / "datasets" / "mnist-idx"
    if mnist.is_dir():
        paths.append(mnist)
    return [p.resolve() for p in paths if p.exists()]


# Carpetas de primer nivel que la entrega ve (el sistema, de solo lectura). Todas las demás
# (/work, /home, /opt, /srv, /mnt…) se tapan: otra copia del curso en la máquina, con sus
# soluciones, no debe estar al alcance de la entrega.
_SISTEMA = {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys",
            "tmp", "usr", "var"}


def _hidden_roots() -> list[Path]:
    """Carpetas que se tapan siempre: la del curso (y la que la contiene), la personal y todo
    lo que no es del sistema (lo que la entrega necesita de ahí, Python y los datos, se vuelve
    a montar de solo lectura)."""
    home = Path(os.path.expanduser("~")).resolve()
    roots = [home, Path("/root"), ROOT]
    if ROOT.parent != Path("/"):
        roots.append(ROOT.parent)
    try:
        roots += [d for d in sorted(Path("/").iterdir())
                  if d.name not in _SISTEMA and d.is_dir() and not d.is_symlink()]
    except OSError:
        pass
    return [r for r in dict.fromkeys(roots) if r.exists()]


_HELP: dict = {}


def bwrap_supports(option: str) -> bool:
    """``True`` si el bubblewrap instalado acepta ``option`` (``--size`` llegó en versiones recientes)."""
    if "texto" not in _HELP:
        try:
            _HELP["texto"] = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            _HELP["texto"] = ""
    return option in _HELP["texto"]


def _sized(size: int) -> list[str]:
    return ["--size", str(size)] if bwrap_supports("--size") else []


def bwrap_args(course: Path, limits: Limits, hidden: list[Path] = ()) -> list[str]:
    """Orden de bubblewrap para una entrega (sin el programa que corre dentro).

    Sin ``--size`` (bubblewrap antiguo) los tmpfs no tienen tope: la entrega corre
    igual, sin tope de disco, y :func:`sandbox_status` lo dice.
    """
    if os.geteuid() == 0:
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
    args = ["bwrap", *namespaces, "--die-with-parent", "--new-session",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    roots = _hidden_roots()
    covered = roots + [Path("/tmp"), Path("/var/tmp")] + [Path(h) for h in hidden]
    for r in sorted(roots, key=lambda p: len(p.parts)):
        args += ["--perms", "0755", *_sized(16 * 2**20), "--tmpfs", str(r)]
    args += ["--perms", "1777", *_sized(64 * 2**20), "--tmpfs", "/dev/shm"]
    for t in ("/tmp", "/var/tmp"):
        args += ["--perms", "1777", *_sized(16 * 2**20), "--tmpfs", t]
    for h in hidden:
        h = Path(h)
        if h.is_dir() and not any(_inside(r, h) for r in roots):
            args += [*_sized(2**20), "--tmpfs", str(h)]
        elif h.is_file():
            args += ["--ro-bind", "/dev/null", str(h)]
    args += ["--ro-bind", str(course), COURSE]
    for p in _needed_paths():  # puntos de montaje dentro de la copia del curso (p. ej. .venv)
        if ROOT in p.parents:
            (course / p.relative_to(ROOT)).mkdir(mode=0o755, parents=True, exist_ok=True)
    bound = [p for p in sorted(_needed_paths(), key=lambda p: len(p.parts)) if any(_inside(p, c) for c in covered)]
    chmod = []
    for p in bound:
        args += ["--ro-bind", str(p), str(p)]
        # bubblewrap crea las carpetas intermedias con permisos 0700: que el uid de la entrega las atraviese
        chmod += [q for q in reversed(p.parents) if any(_inside(q, c) and q != c for c in covered)
                  and not any(_inside(q, b) for b in bound) and q not in chmod and not _inside(q, ROOT)]
    args += [x for q in chmod for x in ("--chmod", "0755", str(q))]
    args += ["--perms", "1777", *_sized(limits.disk_mb * 2**20), "--tmpfs", WORKDIR]
    data = keras_datasets()
    if data is not None:
        args += ["--dir", f"{WORKDIR}/keras", "--chmod", "1777", f"{WORKDIR}/keras",
                 "--ro-bind", str(data), f"{WORKDIR}/keras/datasets"]
    args += ["--chdir", WORKDIR]
    return args


def sandbox_env() -> dict:
    """Variables de entorno mínimas dentro del sandbox (sin las del docente: claves, tokens…)."""
    keep = ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES", "TZ", "MNIST_IDX_DIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    if env.get("MNIST_IDX_DIR"):
        # La ruta real: un enlace simbólico (p. ej. ../shared → /work/shared) apuntaría dentro del
        # sandbox a una carpeta tapada, y MNIST no cargaría. La real se monta (_needed_paths).
        env["MNIST_IDX_DIR"] = str(Path(env["MNIST_IDX_DIR"]).resolve())
    w = WORKDIR
    env.update({
        "PYTHONPATH": COURSE, "HOME": f"{w}/home", "TMPDIR": w, "MPLBACKEND": "Agg", "KERAS_HOME": f"{w}/keras",
        "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "MALLOC_ARENA_MAX": "2",
        "JUPYTER_RUNTIME_DIR": f"{w}/.runtime", "JUPYTER_DATA_DIR": f"{w}/.jupyter", "IPYTHONDIR": f"{w}/.ipython",
        "MPLCONFIGDIR": f"{w}/.mpl", "PYTHONDONTWRITEBYTECODE": "1", "CURSO_CALIFICADOR": "1",
    })
    return env


def inner_command(limits: Limits, uid: int | None, cmd: list[str]) -> list[str]:
    """Antepone a ``cmd`` un Python que, ya dentro del sandbox, fija el límite de procesos y
    (como root) baja al uid ``uid``, que pierde todas las capacidades."""
    code = ("import os,resource,sys;n,u=int(sys.argv[1]),int(sys.argv[2]);"
            "resource.setrlimit(resource.RLIMIT_NPROC,(n,n));"
            "u>=0 and (os.setgroups([]),os.setgid(u),os.setuid(u));"
            "[os.makedirs(d,exist_ok=True) for d in ('home','.runtime','.jupyter','.ipython','.mpl')];"
            "os.execv(sys.argv[3],sys.argv[3:])")
    return [sys.executable, "-c", code, str(limits.processes), str(-1 if uid is None else uid), *cmd]


def preexec(limits: Limits, cgroup: "Path | None" = None):
    """Lo que el hijo hace antes de ``exec``: su propio grupo de procesos, límites y su cgroup."""
    def apply():
        os.setpgid(0, 0)
        if cgroup is not None:
            try:
                (cgroup / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:
                pass
        address = max(limits.memory_mb, 6144) * 2**20 + 2 * 2**30  # virtual, con margen para TensorFlow
        for res, value in ((resource.RLIMIT_AS, address), (resource.RLIMIT_CPU, limits.cpu_s),
                           (resource.RLIMIT_FSIZE, limits.file_mb * 2**20), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(res, (value, value))
    return apply


# ---------------------------------------------------------------------------
# Memoria total: cgroup v2 o vigía
# ---------------------------------------------------------------------------

def _cgroup_root() -> Path | None:
    root = Path("/sys/fs/cgroup")
    try:
        controllers = (root / "cgroup.controllers").read_text().split()
    except OSError:
        return None
    if "memory" not in controllers or not os.access(root, os.W_OK):
        return None
    try:
        own = Path("/proc/self/cgroup").read_text().strip().split("::", 1)[1]
    except (OSError, IndexError):
        return None
    parent = root / own.lstrip("/")
    try:
        if "memory" not in (parent / "cgroup.subtree_control").read_text().split():
            return None
    except OSError:
        return None
    return parent if os.access(parent, os.W_OK) else None


def memory_mechanism() -> str:
    """Cómo se limita la memoria total en esta máquina, en palabras."""
    return "cgroup v2 (memory.max)" if _cgroup_root() else "vigía que suma la memoria residente cada 0.2 s"


def _children(pid: int) -> list[int]:
    """Todos los descendientes de ``pid`` (leyendo el padre de cada proceso en /proc)."""
    parent: dict[int, list[int]] = {}
    for p in _pids():
        try:
            with open(f"/proc/{p}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            parent.setdefault(int(stat[1]), []).append(p)
        except (OSError, IndexError, ValueError):
            pass
    out, stack = [], [pid]
    while stack:
        for c in parent.get(stack.pop(), []):
            out.append(c)
            stack.append(c)
    return out


def _rss(pid: int) -> int:
    """Memoria de ``pid`` en bytes: PSS (las páginas compartidas tras un ``fork`` se reparten
    entre quienes las comparten, no se cuentan una vez por proceso) o, si no se puede, RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


class MemoryGuard:
    """Tope de memoria para todos los procesos de una entrega.

    Con cgroup v2 crea ``calificador-<pid>-<n>`` con ``memory.max``; si no, un hilo
    vigía suma la memoria residente de los descendientes del proceso raíz y llama
    a ``on_exceed`` al pasar el tope. ``exceeded`` dice si pasó.
    """

    _count = 0
    _lock = threading.Lock()

    def __init__(self, limit_mb: int):
        self.limit = limit_mb * 2**20
        self.exceeded = False
        self.peak = 0
        self.cgroup: Path | None = None
        self._stop = threading.Event()
        self._thread = None
        self._unused: Path | None = None
        root = _cgroup_root()
        if root is not None:
            with MemoryGuard._lock:
                MemoryGuard._count += 1
                name = f"calificador-{os.getpid()}-{MemoryGuard._count}"
            try:
                cg = root / name
                cg.mkdir()
                (cg / "memory.max").write_text(str(self.limit))
                try:
                    (cg / "memory.swap.max").write_text("0")
                except OSError:
                    pass
                self.cgroup = cg
            except OSError:
                self.cgroup = None

    def start(self, pid: int, on_exceed) -> None:
        if self.cgroup is not None:
            try:
                inside = str(pid) in (self.cgroup / "cgroup.procs").read_text().split()
            except OSError:
                inside = False
            if inside:
                return
            self._unused, self.cgroup = self.cgroup, None  # no entró en el cgroup: lo vigila el vigía

        def watch():
            while not self._stop.wait(0.2):
                total = sum(_rss(p) for p in [pid, *_children(pid)])
                self.peak = max(self.peak, total)
                if total > self.limit:
                    self.exceeded = True
                    on_exceed()
                    return
        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()

    def kill_all(self) -> None:
        if self.cgroup is not None:
            try:
                (self.cgroup / "cgroup.kill").write_text("1")
            except OSError:
                pass

    def finish(self) -> None:
        self._stop.set()
        if self._unused is not None:
            try:
                self._unused.rmdir()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.cgroup is not None:
            try:
                events = (self.cgroup / "memory.events").read_text()
                self.exceeded = self.exceeded or any(
                    line.split()[0] == "oom_kill" and int(line.split()[1]) > 0 for line in events.splitlines())
            except (OSError, ValueError, IndexError):
                pass
            self.kill_all()
            for _ in range(50):
                try:
                    self.cgroup.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def kill_submission(proc: subprocess.Popen, guard: MemoryGuard | None = None) -> None:
    """Mata la entrega entera y nada más: su grupo de procesos (el bubblewrap exterior).

    Al morir el bubblewrap exterior, ``--die-with-parent`` mata al proceso 1 de su espacio
    de PID y el núcleo mata a todos los demás de ese espacio. Con cgroup, además, ``cgroup.kill``.
    """
    if guard is not None:
        guard.kill_all()
    descendants = _children(proc.pid)  # sin sandbox (depuración), el núcleo tiene su propia sesión
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in descendants:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ---------------------------------------------------------------------------
# ¿Funciona bubblewrap aquí?
# ---------------------------------------------------------------------------

_STATUS: dict = {}
_STATUS_LOCK = threading.Lock()


def sandbox_status() -> tuple[bool, str]:
    """``(True, descripción)`` si bubblewrap funciona aquí; si no, ``(False, motivo en español)``."""
    with _STATUS_LOCK:
        if not _STATUS:
            _STATUS.update(ok=False, msg="")
            if sys.platform != "linux":
                _STATUS["msg"] = f"bubblewrap solo existe en Linux (este sistema es {sys.platform})"
            elif not shutil.which("bwrap"):
                _STATUS["msg"] = ("no está instalado bubblewrap (`bwrap`); instálalo con "
                                  "`sudo apt-get install bubblewrap`")
            else:
                lease = UidLease()
                course = Path(tempfile.mkdtemp(prefix="calificador-prueba-"))
                course.chmod(0o755)
                try:
                    limits = Limits()
                    cmd = bwrap_args(course, limits) + inner_command(
                        limits, lease.uid, [sys.executable, "-c", "open('ok', 'w').write('1'); print('ok')"])
                    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=sandbox_env(),
                                       preexec_fn=preexec(limits))
                    ok = p.returncode == 0 and p.stdout.strip() == "ok"
                    err = (p.stderr or "").strip().splitlines()
                except (OSError, subprocess.SubprocessError) as exc:
                    ok, err = False, [str(exc)]
                finally:
                    lease.release()
                    shutil.rmtree(course, ignore_errors=True)
                if ok:
                    disk = ("un área escribible limitada" if bwrap_supports("--size") else
                            "un área escribible SIN TOPE de disco (este bubblewrap no tiene --size)")
                    _STATUS.update(ok=True, msg="bubblewrap: sin red, sin ver el curso ni el lote, con la copia "
                                                f"podada del laboratorio y {disk}; memoria: " + memory_mechanism())
                else:
                    _STATUS["msg"] = ("bubblewrap no pudo crear el sandbox (¿el núcleo no permite espacios de "
                                      f"nombres de usuario?): {err[-1] if err else 'sin mensaje'}")
        return _STATUS["ok"], _STATUS["msg"]
