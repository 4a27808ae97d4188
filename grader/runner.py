"""Ejecuta una entrega preparada, dentro del sandbox, y devuelve los datos de sus sondas.

Corre con el uid de la entrega, dentro de bubblewrap (``python -m grader.runner``):

- lee de su entrada estándar ``{"notebook", "celdas", "timeout_celda"}``;
- ejecuta las celdas en orden con un núcleo de Jupyter (nbclient), siguiendo tras
  los errores como nbval ``--lax``;
- por cada celda de comprobación escribe una línea JSON en su canal de salida: los
  datos de la sonda (salida de tipo :data:`grader.api.MIME`) o el error de la celda;
- por cada otra celda que lanza una excepción (hasta :data:`MAX_ERRORS`), una línea con
  su error, para que el comentario nombre la causa real (una celda de entrenamiento que
  falló, no «¿ejecutaste su celda?»).

Nada de lo que escribe es un veredicto: el calificador lo trata como datos no
confiables (pueden estar falsificados por un núcleo secuestrado) y el juez, fuera del
sandbox, decide. El canal es una copia privada de la salida estándar; el núcleo
hereda ``/dev/null`` en su lugar y este proceso se marca como no volcable
(``PR_SET_DUMPABLE``), así que los procesos de la entrega no pueden abrirlo por /proc.
"""

from __future__ import annotations

import json
import os
import sys

MIME = "application/vnd.curso.sonda+json"
MAX_STREAM = 20_000     # caracteres de texto que se guardan por celda (el resto se descarta)
MAX_ERRORS = 20         # errores de celdas que no son comprobaciones que se informan


def _private_channel():
    fd = os.dup(1)                        # no heredable (Python marca los fd nuevos con CLOEXEC)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # noqa: BLE001 - sin prctl, el canal sigue siendo solo datos no confiables
        pass
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1)


def _error_text(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            ename, evalue = str(out.get("ename", "")), str(out.get("evalue", ""))
            return f"{ename}: {evalue}"[:2000]
    return None


def _probe(outputs, lab: str, name: str):
    for out in outputs:
        if out.get("output_type") in ("display_data", "execute_result"):
            data = out.get("data", {}).get(MIME)
            if isinstance(data, dict) and data.get("lab") == lab and data.get("ejercicio") == name \
                    and isinstance(data.get("datos"), str):
                return data["datos"]
    return None


def _disk_full() -> bool:
    try:
        st = os.statvfs(".")
        return st.f_bavail * st.f_frsize < 4 * 2**20
    except OSError:
        return False


def main() -> int:
    channel = _private_channel()

    def send(**record):
        channel.write(json.dumps(record, ensure_ascii=True) + "\n")

    try:
        cfg = json.loads(sys.stdin.read())
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        class Client(NotebookClient):
            """Guarda solo lo necesario de cada salida (una entrega puede imprimir gigas)."""

            def output(self, outs, msg, display_id, cell_index):
                out = super().output(outs, msg, display_id, cell_index)
                if out is not None and out.get("output_type") == "stream":
                    total = sum(len(o.get("text", "")) for o in outs if o.get("output_type") == "stream")
                    if total > MAX_STREAM:
                        outs.remove(out)
                return out

        nb = nbformat.from_dict(cfg["notebook"])
        cells = {int(k): v for k, v in cfg["celdas"].items()}
        client = Client(nb, timeout=int(cfg["timeout_celda"]), kernel_name="python3", allow_errors=True,
                        record_timing=False, store_widget_state=False)
        estado, detalle, errores = "ok", "", 0
        with client.setup_kernel():
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, i)
                except CellTimeoutError:
                    estado, detalle = "tiempo_celda", str(cfg["timeout_celda"])
                except DeadKernelError:
                    estado = "nucleo_muerto"
                if i in cells:
                    info = cells[i]
                    send(tipo="sonda", celda=i, datos=_probe(cell.outputs, info["lab"], info["ejercicio"]),
                         error=_error_text(cell.outputs), disco_lleno=_disk_full())
                elif errores < MAX_ERRORS and (error := _error_text(cell.outputs)) is not None:
                    errores += 1
                    send(tipo="error_celda", celda=i, error=error)
                cell.outputs = []
                if estado != "ok":
                    break
            # «fin» antes de apagar el núcleo: el calificador mata el sandbox sin esperar.
            send(tipo="fin", estado=estado, detalle=detalle, disco_lleno=_disk_full())
    except Exception as exc:  # noqa: BLE001 - se informa al calificador, que lo pone en el CSV
        send(tipo="fin", estado="fallo", detalle=f"{type(exc).__name__}: {str(exc)[:500]}", disco_lleno=_disk_full())
    return 0


if __name__ == "__main__":
    sys.exit(main())
