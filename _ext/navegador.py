"""Chromium sin interfaz manejado por el protocolo DevTools, solo con la biblioteca estándar.

Lo usan la construcción del libro (``_ext/formulas_anchas.py`` mide el ancho natural
de cada ecuación en bloque) y la prueba en navegador (``tests/test_book.py``).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANCHO_ESCRITORIO = 1280


def buscar_chromium() -> str | None:
    """Ruta de Chromium (o Chrome), o ``None`` si no está instalado."""
    return (os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome"))


class Navegador:
    """Chromium sin interfaz manejado por el protocolo DevTools (``--remote-debugging-pipe``).

    Los mensajes son JSON terminados en ``\\0``: Chromium lee las órdenes del
    descriptor 3 y escribe respuestas y eventos en el 4. Solo biblioteca estándar.
    """

    def __init__(self, exe: str, perfil: Path):
        self._ida_r, self._ida_w = os.pipe()      # nosotros → Chromium (su fd 3)
        self._vuelta_r, self._vuelta_w = os.pipe()  # Chromium → nosotros (su fd 4)
        ida, vuelta = self._ida_r, self._vuelta_w

        def descriptores():  # en el hijo, antes de exec
            a = fcntl.fcntl(ida, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(vuelta, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={perfil}", "--remote-debugging-pipe",
               f"--window-size={ANCHO_ESCRITORIO},900", "about:blank"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=descriptores)
        os.close(self._ida_r)
        os.close(self._vuelta_w)
        self._cola: queue.Queue = queue.Queue()
        self._id = 0
        self.eventos: list[dict] = []
        threading.Thread(target=self._leer, daemon=True).start()
        self.sesion = None

    def _leer(self):
        resto = b""
        while True:
            try:
                bloque = os.read(self._vuelta_r, 1 << 16)
            except OSError:
                bloque = b""
            if not bloque:
                self._cola.put(None)
                return
            resto += bloque
            *mensajes, resto = resto.split(b"\0")
            for m in mensajes:
                self._cola.put(json.loads(m))

    def _siguiente(self, timeout: float):
        try:
            msg = self._cola.get(timeout=timeout)
        except queue.Empty:
            return None
        if msg is None:
            raise RuntimeError("Chromium se cerró inesperadamente.")
        return msg

    def orden(self, method: str, params: dict | None = None, sesion: str | None = None, timeout: float = 30):
        """Envía una orden y espera su respuesta; los eventos que llegan entretanto se guardan."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if sesion:
            msg["sessionId"] = sesion
        os.write(self._ida_w, json.dumps(msg).encode() + b"\0")
        limite = time.monotonic() + timeout
        while time.monotonic() < limite:
            r = self._siguiente(limite - time.monotonic())
            if r is None:
                break
            if r.get("id") == self._id:
                if "error" in r:
                    raise RuntimeError(f"{method}: {r['error']}")
                return r.get("result", {})
            self.eventos.append(r)
        raise TimeoutError(f"Chromium no respondió a {method} en {timeout} s.")

    def bombear(self, segundos: float):
        """Recoge eventos durante ``segundos``."""
        limite = time.monotonic() + segundos
        while (falta := limite - time.monotonic()) > 0:
            r = self._siguiente(falta)
            if r is not None:
                self.eventos.append(r)

    def abrir_pestana(self, ancho: int, alto: int):
        target = self.orden("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.sesion = self.orden("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for dominio in ("Page", "Runtime", "Log", "Network"):
            self.orden(f"{dominio}.enable", sesion=self.sesion)
        self.orden("Network.setCacheDisabled", {"cacheDisabled": True}, sesion=self.sesion)
        self.tamano(ancho, alto)

    def tamano(self, ancho: int, alto: int):
        self.orden("Emulation.setDeviceMetricsOverride",
                   {"width": ancho, "height": alto, "deviceScaleFactor": 1, "mobile": ancho < 600},
                   sesion=self.sesion)

    def visitar(self, url: str, timeout: float = 30) -> list[dict]:
        """Navega a ``url`` y espera a la carga y a que la red quede quieta; devuelve los eventos."""
        self.eventos = []
        self.orden("Page.navigate", {"url": url}, sesion=self.sesion)
        limite = time.monotonic() + timeout
        cargada, pendientes, ultima = False, set(), time.monotonic()
        visto = 0
        while time.monotonic() < limite:
            for ev in self.eventos[visto:]:
                m, p = ev.get("method"), ev.get("params", {})
                if m == "Page.loadEventFired":
                    cargada = True
                elif m == "Network.requestWillBeSent":
                    pendientes.add(p["requestId"])
                elif m in ("Network.loadingFinished", "Network.loadingFailed"):
                    pendientes.discard(p["requestId"])
                ultima = time.monotonic() if m and m.startswith("Network.") else ultima
            visto = len(self.eventos)
            quieta = time.monotonic() - ultima
            # Red quieta: nada pendiente, o nada nuevo en 1 s (Chromium no siempre avisa de las
            # peticiones que cancela al cambiar de documento, como en la redirección de index.html).
            if cargada and ((not pendientes and quieta > 0.25) or quieta > 1.0):
                break
            self.bombear(0.05)
        return self.eventos

    def evaluar(self, expresion: str, timeout: float = 30):
        r = self.orden("Runtime.evaluate", {"expression": expresion, "awaitPromise": True,
                                            "returnByValue": True}, sesion=self.sesion, timeout=timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(f"error al evaluar en la página: {r['exceptionDetails']}")
        return json.loads(r["result"]["value"])

    def captura(self, destino: Path, ancho: int, alto_max: int = 2400):
        """Captura el comienzo de la página (hasta ``alto_max`` px) con la ventana de ``ancho`` px."""
        alto = min(self.evaluar("JSON.stringify(document.documentElement.scrollHeight)"), alto_max)
        self.tamano(ancho, alto)
        self.evaluar("new Promise(r => requestAnimationFrame(() => setTimeout(() => r('0'), 50)))")
        r = self.orden("Page.captureScreenshot", {"format": "png"}, sesion=self.sesion)
        destino.write_bytes(base64.b64decode(r["data"]))

    def cerrar(self):
        try:
            self.orden("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._ida_w)
