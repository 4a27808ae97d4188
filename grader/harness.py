"""El arnés: lanza la entrega en su sandbox y recoge los datos de las sondas.

Lo que vuelve del sandbox no es de confianza. El arnés:

- no abre ningún archivo de la entrega: todo lo que escribe vive en un tmpfs dentro
  del sandbox, que desaparece con él. Solo lee un tubo (la salida del ejecutor,
  :mod:`grader.runner`) con un tope de bytes por línea y en total, y un plazo;
- acepta solo registros JSON con los tipos esperados, uno por celda de comprobación
  (el primero; los repetidos se ignoran);
- al terminar (o al pasar el plazo o el tope de memoria) mata la entrega entera y
  nada más (:func:`grader.sandbox.kill_submission`).

Los datos de las sondas van luego a los jueces (:mod:`grader.judges`), que corren
en otro proceso, sin código del estudiante.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import api
from .sandbox import (Limits, MemoryGuard, UidLease, bwrap_args, inner_command, kill_submission, preexec,
                      sandbox_env)

LINE_LIMIT = api.MAX_BYTES + 64 * 1024
TAIL_BYTES = 16 * 1024
MAX_CELL_ERRORS = 20


@dataclass
class Outcome:
    """Lo que se supo de una ejecución (todo, salvo ``timed_out``/``memory``, viene del sandbox)."""

    records: dict = field(default_factory=dict)   # celda → registro de su sonda
    cell_errors: dict = field(default_factory=dict)  # celda que no es comprobación → su error (texto)
    end: dict | None = None                       # registro «fin» del ejecutor, si llegó
    timed_out: bool = False
    memory: bool = False                          # se pasó del tope de memoria total
    overflow: bool = False                        # mandó más datos de los permitidos
    tail: str = ""                                # últimas líneas de su salida de errores
    seconds: float = 0.0


def _valid(rec) -> bool:
    if type(rec) is not dict or type(rec.get("tipo")) is not str:
        return False
    if rec["tipo"] == "fin":
        return type(rec.get("estado")) is str and type(rec.get("detalle", "")) is str
    if rec["tipo"] == "error_celda":
        return type(rec.get("celda")) is int and type(rec.get("error")) is str
    return (type(rec.get("celda")) is int and rec["tipo"] == "sonda"
            and type(rec.get("datos")) in (str, type(None)) and type(rec.get("error")) in (str, type(None)))


def meaningful_tail(text: str, lines: int = 3) -> str:
    """Las últimas líneas útiles de una salida (sin colores ni líneas de puntos o vacías)."""
    text = re.sub(r"(\x1b|#x1B)\[[0-9;]*m", "", text or "")
    useful = [l.strip() for l in text.splitlines()
              if l.strip() and not re.fullmatch(r"[.\s\-=_*]+", l.strip())]
    return " ⏎ ".join(useful[-lines:])[:600]


def run(nb: dict, cells: dict[int, dict], course: Path, limits: Limits, cell_timeout: int, timeout: int,
        sandbox: bool = True, hidden: list[Path] = ()) -> Outcome:
    """Ejecuta ``nb`` (ya preparado) en un sandbox y devuelve lo que mandaron sus sondas."""
    out = Outcome()
    lease = UidLease() if sandbox else None
    guard = MemoryGuard(limits.memory_mb)
    runner = [sys.executable, "-m", "grader.runner"]
    tmp = None
    try:
        if sandbox:
            cmd = bwrap_args(course, limits, list(hidden)) + inner_command(limits, lease.uid, runner)
            env, cwd = sandbox_env(), "/"
        else:  # solo para depurar (--sin-aislamiento): sin sandbox, en una carpeta temporal
            tmp = tempfile.TemporaryDirectory(prefix="calificar-")
            env = sandbox_env()
            env = {k: (v.replace(str(Path(env["TMPDIR"])), tmp.name) if isinstance(v, str) else v)
                   for k, v in env.items()}
            env["PYTHONPATH"] = str(course)
            for d in ("home", ".runtime", ".jupyter", ".ipython", ".mpl"):
                os.makedirs(os.path.join(tmp.name, d), exist_ok=True)
            cmd, cwd = runner, tmp.name
        config = json.dumps({"notebook": nb, "timeout_celda": cell_timeout,
                             "celdas": {str(i): c for i, c in cells.items()}}).encode()
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=preexec(limits, guard.cgroup))
        done = threading.Event()
        budget = [LINE_LIMIT * (len(cells) + 2) + 13 * 1024 * MAX_CELL_ERRORS]
        tail = bytearray()

        def feed():
            try:
                proc.stdin.write(config)
                proc.stdin.close()
            except OSError:
                pass

        def read_channel():
            try:
                while True:
                    line = proc.stdout.readline(LINE_LIMIT)
                    if not line:
                        break
                    budget[0] -= len(line)
                    if budget[0] < 0:
                        out.overflow = True
                        break
                    if not line.endswith(b"\n"):  # línea demasiado larga: se descarta entera
                        out.overflow = True
                        while line and not line.endswith(b"\n"):
                            line = proc.stdout.readline(LINE_LIMIT)
                            budget[0] -= len(line)
                            if budget[0] < 0:
                                return
                        continue
                    try:
                        rec = json.loads(line)
                    except (ValueError, RecursionError):
                        continue
                    if not _valid(rec):
                        continue
                    if rec["tipo"] == "fin":
                        out.end = rec
                        break
                    if rec["tipo"] == "error_celda":
                        # Solo texto para el comentario: nunca decide un punto.
                        if rec["celda"] not in cells and len(out.cell_errors) < MAX_CELL_ERRORS:
                            out.cell_errors[rec["celda"]] = rec["error"][:2000]
                    elif rec["celda"] in cells and rec["celda"] not in out.records:
                        out.records[rec["celda"]] = rec
            finally:
                done.set()

        def read_errors():
            for chunk in iter(lambda: proc.stderr.read(4096), b""):
                tail.extend(chunk)
                if len(tail) > TAIL_BYTES:
                    del tail[:-TAIL_BYTES]

        threads = [threading.Thread(target=f, daemon=True) for f in (feed, read_channel, read_errors)]
        for t in threads:
            t.start()
        guard.start(proc.pid, lambda: kill_submission(proc, guard))
        deadline = start + timeout
        while not done.wait(0.1):
            if guard.exceeded:
                break
            if proc.poll() is not None:
                done.wait(2)  # lo que quede en el tubo
                break
            if time.monotonic() > deadline:
                out.timed_out = True
                break
        kill_submission(proc, guard)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for t in threads:
            t.join(timeout=2)
        guard.finish()
        out.memory = guard.exceeded
        out.tail = bytes(tail).decode("utf-8", "replace")
        out.seconds = time.monotonic() - start
        return out
    finally:
        if lease is not None:
            lease.release()
        if tmp is not None:
            tmp.cleanup()
