"""Los jueces corren aquí: en un proceso del docente que no ejecuta código del estudiante.

:class:`JudgePool` mantiene un proceso trabajador (``python -m grader.judges``) por
trabajo en paralelo. Cada pedido es una línea JSON ``{"lab", "ejercicio", "datos"}``
con los datos **codificados** de la sonda; el trabajador los decodifica
(:func:`grader.api.decode`: ``json.loads`` y ``np.load(allow_pickle=False)``), corre el
juez y responde ``{"ok": true}`` o ``{"ok": false, "mensaje": …}``.

Decodificar y juzgar en otro proceso protege al calificador de datos hechos para
agotarlo (un modelo enorme, un arreglo gigante): si el trabajador muere o tarda más
de ``timeout`` segundos, ese ejercicio vale cero con un comentario y el trabajador se
reinicia; el lote sigue.
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import threading

from utils import notebooks

ROOT = notebooks.ROOT


def _serve() -> int:
    """Bucle del trabajador: un pedido por línea de la entrada estándar."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # lo que impriman Keras o NumPy no se mezcla con las respuestas
    from utils.checks import CheckFailed

    from . import api

    for line in sys.stdin:
        try:
            req = json.loads(line)
            data = api.decode(req["datos"])
            api.judge(req["lab"], req["ejercicio"], data)
            reply = {"ok": True}
        except CheckFailed as exc:
            reply = {"ok": False, "mensaje": str(exc)[:1500]}
        except api.DecodeError as exc:
            reply = {"ok": False, "mensaje": f"los datos de la sonda no son válidos ({exc}); esta comprobación no cuenta"}
        except Exception as exc:  # noqa: BLE001 - un juez que falla no detiene el lote
            reply = {"ok": False, "mensaje": f"error interno del juez ({type(exc).__name__}: {str(exc)[:300]}); "
                                             "avisa al equipo del curso"}
        channel.write(json.dumps(reply, ensure_ascii=False) + "\n")
    return 0


class JudgeWorker:
    """Un proceso juez reutilizable; se reinicia si muere o tarda demasiado."""

    def __init__(self, timeout: float = 300, memory_mb: int = 8192):
        self.timeout, self.memory_mb = timeout, memory_mb
        self.proc: subprocess.Popen | None = None

    def _start(self):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", MPLBACKEND="Agg")
        mem = self.memory_mb * 2**20

        def limits():
            os.setpgid(0, 0)
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

        self.proc = subprocess.Popen([sys.executable, "-m", "grader.judges"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, preexec_fn=limits)

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.proc = None

    def start(self) -> None:
        """Arranca el proceso si no corre (para que arranque mientras la entrega se ejecuta)."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()

    def judge(self, lab: str, exercise: str, encoded: str) -> tuple[bool, str]:
        """``(pasó, mensaje)`` del juez de ``lab``/``exercise`` sobre los datos codificados."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write((json.dumps({"lab": lab, "ejercicio": exercise, "datos": encoded}) + "\n").encode())
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
            line = self.proc.stdout.readline() if ready else b""
            reply = json.loads(line) if line else None
        except (OSError, ValueError):
            reply = None
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            timed_out = self.proc is not None and self.proc.poll() is None
            self.stop()
            return False, ("el juez tardó demasiado con los datos de esta entrega" if timed_out else
                           "el juez no pudo evaluar los datos de esta entrega (¿demasiado grandes?)") + \
                "; esta comprobación no cuenta"
        return reply["ok"], str(reply.get("mensaje", ""))


class JudgePool:
    """Un :class:`JudgeWorker` por trabajo en paralelo, tomados y devueltos con ``with pool.worker()``."""

    def __init__(self, **kwargs):
        self._free: list[JudgeWorker] = []
        self._all: list[JudgeWorker] = []
        self._lock = threading.Lock()
        self._kwargs = kwargs

    def acquire(self) -> JudgeWorker:
        with self._lock:
            if self._free:
                return self._free.pop()
            w = JudgeWorker(**self._kwargs)
            self._all.append(w)
            return w

    def release(self, w: JudgeWorker) -> None:
        with self._lock:
            self._free.append(w)

    def close(self) -> None:
        with self._lock:
            for w in self._all:
                w.stop()
            self._all.clear()
            self._free.clear()


if __name__ == "__main__":
    sys.exit(_serve())
