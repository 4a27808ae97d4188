"""El flujo de GitHub Actions que construye, prueba y publica el libro.

Se revisa sin red: actionlint (sintaxis, expresiones, acciones conocidas) y zizmor
(seguridad: acciones fijadas por SHA, permisos mínimos, credenciales que no
persisten), más las reglas propias del curso: el flujo ejecuta la orden de
pruebas del README (vía ``.ci/run``), publica solo desde ``main`` y no escribe la
URL del repositorio, que vive solo en ``_config.yml``.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FLUJO = WORKFLOWS / "libro.yml"
PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def herramienta(nombre: str) -> str:
    """Ruta de una herramienta de requirements-ci.txt (en .venv); sin ella se omite fuera de la CI."""
    ruta = Path(sys.executable).parent / nombre
    encontrada = str(ruta) if ruta.exists() else shutil.which(nombre)
    if not encontrada:
        if os.environ.get("CI"):
            pytest.fail(f"falta {nombre}: instala requirements-ci.txt (make lo hace)")
        pytest.skip(f"{nombre} no está instalado (pip install -r requirements-ci.txt)")
    return encontrada


def cargar(texto: str) -> dict:
    datos = yaml.safe_load(texto)
    # PyYAML lee la clave «on» como el booleano True.
    if True in datos:
        datos["on"] = datos.pop(True)
    return datos


def usos_sin_fijar(flujo: dict) -> list[str]:
    """Acciones de un flujo que no están fijadas por un SHA de 40 cifras hexadecimales."""
    malos = []
    for trabajo in flujo.get("jobs", {}).values():
        for paso in trabajo.get("steps", []):
            uso = paso.get("uses")
            if uso and not uso.startswith("./") and not PIN.match(uso):
                malos.append(uso)
    return malos


def test_actionlint_sin_avisos():
    proc = subprocess.run([herramienta("actionlint"), "-no-color"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, "actionlint encontró problemas:\n" + proc.stdout + proc.stderr


def test_actionlint_detecta_un_flujo_roto(tmp_path):
    """La prueba anterior puede fallar: actionlint rechaza una expresión inválida."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "roto.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nada_de_nada( }}\n")
    proc = subprocess.run([herramienta("actionlint"), "-no-color"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode != 0


def test_zizmor_sin_hallazgos():
    proc = subprocess.run([herramienta("zizmor"), "--offline", "--persona", "pedantic", "--no-progress",
                           str(WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, "zizmor encontró problemas:\n" + proc.stdout + proc.stderr


def test_zizmor_detecta_una_accion_sin_fijar(tmp_path):
    (tmp_path / "malo.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions: {}\n"
        "    steps:\n      - uses: actions/checkout@v4\n")
    proc = subprocess.run([herramienta("zizmor"), "--offline", "--no-progress", str(tmp_path / "malo.yml")],
                          capture_output=True, text=True)
    assert proc.returncode != 0


def test_acciones_fijadas_por_sha_con_su_version():
    texto = FLUJO.read_text(encoding="utf-8")
    assert usos_sin_fijar(cargar(texto)) == []
    for linea in texto.splitlines():
        if "uses:" in linea:
            assert re.search(r"#\s*v\d", linea), f"falta la versión legible junto al SHA: {linea.strip()}"
    # La comprobación propia detecta lo que debe detectar.
    assert usos_sin_fijar({"jobs": {"a": {"steps": [{"uses": "actions/checkout@v4"}]}}}) == ["actions/checkout@v4"]


def test_permisos_minimos_por_trabajo():
    flujo = cargar(FLUJO.read_text(encoding="utf-8"))
    assert flujo.get("permissions") == {}, "los permisos por omisión deben ser ninguno: permissions: {}"
    for nombre, trabajo in flujo["jobs"].items():
        permisos = trabajo.get("permissions")
        assert isinstance(permisos, dict), f"el trabajo {nombre} debe declarar sus permisos"
        escrituras = {k for k, v in permisos.items() if v == "write"}
        if escrituras:
            # Solo el despliegue escribe, y solo en push a main.
            assert escrituras <= {"pages", "id-token"}, f"{nombre} pide escribir {escrituras}"
            assert "refs/heads/main" in trabajo.get("if", "") and "push" in trabajo.get("if", "")


def test_ejecuta_la_orden_de_pruebas_y_publica_desde_main():
    flujo = cargar(FLUJO.read_text(encoding="utf-8"))
    assert set(flujo["on"]) >= {"pull_request", "push"}
    pasos = [p for t in flujo["jobs"].values() for p in t.get("steps", [])]
    assert any(p.get("run", "").strip() == "bash .ci/run" for p in pasos), "el flujo debe ejecutar .ci/run"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M), ".ci/run debe ejecutar la orden del README (make test)"
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
    subir = [p for p in pasos if "upload-pages-artifact" in p.get("uses", "")]
    assert subir and subir[0]["with"]["path"] == "_build/html"
    assert any("deploy-pages" in p.get("uses", "") for p in pasos)
    caches = [p for p in pasos if p.get("uses", "").startswith("actions/cache@")]
    assert any("_build/.jupyter_cache" in p["with"]["path"] for p in caches), "falta el caché de jupyter-cache"


def test_la_url_del_repositorio_solo_vive_en_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    slug = url.removeprefix("https://github.com/")
    texto = FLUJO.read_text(encoding="utf-8")
    assert url not in texto and slug not in texto
