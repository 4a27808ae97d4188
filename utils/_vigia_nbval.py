"""Complemento de pytest para nbval que usa el calificador (``-p utils._vigia_nbval``).

nbval espera la respuesta de cada celda hasta agotar ``--nbval-cell-timeout``
aunque el núcleo de Python ya haya muerto (por ``os._exit``, falta de memoria
o el límite de CPU). Este complemento espera en tramos de un segundo y, si el
núcleo terminó, falla la celda en ese momento con «Kernel died», que el
calificador traduce al español. Las celdas siguientes fallan con «Kernel dead
on test start» sin esperar nada.
"""

import time
from queue import Empty

from nbval.kernel import RunningKernel

_await_reply = RunningKernel.await_reply


class KernelDied(RuntimeError):
    """El núcleo de Python terminó mientras se ejecutaba una celda."""


def _await_reply_vigilado(self, msg_id, timeout=None):
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        step = 1.0 if deadline is None else min(1.0, max(0.0, deadline - time.monotonic()))
        try:
            return _await_reply(self, msg_id, timeout=step)
        except Empty:
            if not self.is_alive():
                raise KernelDied("Kernel died: el núcleo de Python terminó durante la celda") from None
            if deadline is not None and time.monotonic() >= deadline:
                raise


RunningKernel.await_reply = _await_reply_vigilado
