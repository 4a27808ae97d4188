"""Normas de estilo del libro (sección «Normas de estilo» de ``instructores.md``), sin construir.

Revisan las fuentes (celdas de los cuadernos, páginas Markdown, mensajes de
``utils``) con las funciones de ``_ext/normas.py``. Las salidas de los cuadernos
ejecutados y lo que ve el lector se revisan en ``tests/test_book.py`` con
:func:`_ext.normas.problemas_salidas`, que aquí se prueba sobre cuadernos
sintéticos: cada clase de problema debe detectarse.
"""

from __future__ import annotations

import re

import pytest
import yaml

from _ext import normas
from utils import notebooks

ROOT = notebooks.ROOT
CUADERNOS = notebooks.source_notebooks()   # capítulos y laboratorios (no las copias del estudiante)


def _paginas_md() -> list:
    """Páginas Markdown del índice, la guía docente y el README."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    archivos = [toc["root"]] + [c["file"] for p in toc.get("parts", []) for c in p.get("chapters", [])]
    paginas = {ROOT / (f + ".md") for f in archivos if (ROOT / (f + ".md")).is_file()}
    paginas |= {ROOT / n for n in ("intro.md", "glosario.md", "instructores.md", "bibliografia.md", "README.md")}
    return sorted(p for p in paginas if p.is_file())


PAGINAS = _paginas_md()


def _nombre(p) -> str:
    return p.relative_to(ROOT).as_posix()


def _informe(problemas: dict) -> str:
    lineas = [f"{archivo}: {p}" for archivo, lista in problemas.items() for p in lista]
    return "\n".join(lineas[:80]) + (f"\n… y {len(lineas) - 80} más" if len(lineas) > 80 else "")


def _por_celda(funcion, tipos=("markdown", "code")) -> dict:
    out = {}
    for ruta in CUADERNOS:
        for i, celda in enumerate(notebooks.load(ruta)["cells"]):
            if celda["cell_type"] in tipos:
                for p in funcion(normas.fuente(celda), celda):
                    out.setdefault(_nombre(ruta), []).append(f"celda {i} ({celda.get('id', 'sin id')}): {p}")
    return out


def test_there_is_something_to_check():
    assert len(CUADERNOS) >= 20 and len(PAGINAS) >= 4


# ---------------------------------------------------------------------------
# Regla 6 · Un solo registro de español
# ---------------------------------------------------------------------------

def test_no_regionalisms():
    """Sin «chico/chica», «achicar», «acá», «de a un», voseo ni «coma flotante»: en los cuadernos
    (texto y código), las páginas Markdown y los mensajes y docstrings de ``utils``."""
    problemas = _por_celda(lambda texto, celda: normas.problemas_registro(texto))
    for pagina in PAGINAS:
        if p := normas.problemas_registro(pagina.read_text(encoding="utf-8")):
            problemas[_nombre(pagina)] = p
    for modulo in sorted((ROOT / "utils").glob("*.py")):
        if p := normas.problemas_registro(modulo.read_text(encoding="utf-8")):
            problemas[_nombre(modulo)] = p
    assert not problemas, "regionalismos (el libro usa un español neutro):\n" + _informe(problemas)


# ---------------------------------------------------------------------------
# Regla 5 · Una convención para los números
# ---------------------------------------------------------------------------

def _es_latex(problema: str) -> bool:
    return problema.startswith(("decimal con coma en LaTeX", "porcentaje en LaTeX"))


def _es_glue(problema: str) -> bool:
    return problema.startswith("formato de glue")


def test_latex_decimals_use_a_point():
    """Ni ``0{,}5`` ni ``10\\%`` sin ``\\,`` en las fórmulas (de la prosa o del código)."""
    def latex(texto, celda):
        out = [p for p in normas.problemas_numeros_prosa(texto) if _es_latex(p)] if celda["cell_type"] == "markdown" else []
        return out + [f"decimal con coma en LaTeX «{m.group(0)}»" for m in normas._LATEX_COMA_RE.finditer(texto)
                      if celda["cell_type"] == "code"]
    problemas = _por_celda(latex)
    for pagina in PAGINAS:
        if p := [x for x in normas.problemas_numeros_prosa(pagina.read_text(encoding="utf-8")) if _es_latex(x)]:
            problemas[_nombre(pagina)] = p
    assert not problemas, "decimales en LaTeX con coma o «%» sin \\,:\n" + _informe(problemas)


def test_prose_numbers_follow_the_convention():
    """En la prosa: punto decimal, miles agrupados con U+00A0 (no con coma ni sin agrupar) y U+00A0 antes de «%»."""
    def prosa(texto, celda):
        return [p for p in normas.problemas_numeros_prosa(texto) if not _es_latex(p) and not _es_glue(p)]
    problemas = _por_celda(prosa, tipos=("markdown",))
    for pagina in PAGINAS:
        if p := [x for x in normas.problemas_numeros_prosa(pagina.read_text(encoding="utf-8"))
                 if not _es_latex(x) and not _es_glue(x)]:
            problemas[_nombre(pagina)] = p
    assert not problemas, "números fuera de la convención en la prosa:\n" + _informe(problemas)


def test_glue_formats_follow_the_convention():
    """``{glue:text}`x:.1%` `` pega el «%» y ``:,`` separa miles con coma: se glue-a el texto de
    ``utils.book.percent`` / ``number`` (o de ``group_digits``)."""
    problemas = _por_celda(lambda texto, celda: [p for p in normas.problemas_numeros_prosa(texto) if _es_glue(p)],
                           tipos=("markdown",))
    assert not problemas, "formatos de glue fuera de la convención:\n" + _informe(problemas)


def test_code_formats_follow_the_convention():
    """Ni ``f"{x:.1%}"`` (sin espacio antes de «%») ni ``f"{n:,}"`` (miles con coma) en el código
    que imprime o glue-a, en los cuadernos y en ``utils``."""
    def formatos(texto, celda):
        return [p for p in normas.problemas_codigo(texto, {}) if "formato" in p]
    problemas = _por_celda(formatos, tipos=("code",))
    for modulo in sorted((ROOT / "utils").glob("*.py")):
        if p := [x for x in normas.problemas_codigo(modulo.read_text(encoding="utf-8"), {}) if "formato" in x]:
            problemas[_nombre(modulo)] = p
    assert not problemas, "formatos de números fuera de la convención:\n" + _informe(problemas)


# ---------------------------------------------------------------------------
# Regla 1 · glue no devuelve nada
# ---------------------------------------------------------------------------

def test_glue_result_is_never_assigned():
    """``x = glue("x", v)`` deja ``x = None``: se escribe ``x = v`` y después ``glue("x", x)``."""
    problemas = _por_celda(lambda texto, celda: [p for p in normas.problemas_codigo(texto, {}) if "glue" in p],
                           tipos=("code",))
    assert not problemas, "resultados de glue asignados:\n" + _informe(problemas)


def test_glue_returns_none():
    from utils.book import glue

    assert glue("normas_prueba", 1.5) is None


# ---------------------------------------------------------------------------
# Regla 3 · Figuras en español
# ---------------------------------------------------------------------------

def test_figure_labels_are_spanish():
    """Títulos, ejes y leyendas sin rótulos en inglés («sigmoid», «relu», «loss»…), también los que
    llegan por una variable (``for activacion in ["sigmoid", "relu"]: ax.set_title(activacion)``)."""
    problemas = {}
    for ruta in CUADERNOS:
        nb = notebooks.load(ruta)
        for p in normas.problemas_cuaderno_fuente(nb):
            if "rótulo en inglés" in p:
                problemas.setdefault(_nombre(ruta), []).append(p)
    assert not problemas, "rótulos de figuras en inglés:\n" + _informe(problemas)


def test_keras_training_is_silent():
    """``fit`` y ``evaluate`` de Keras con ``verbose=0``: sin «Epoch 1/4 … loss: …» en inglés bajo la celda."""
    problemas = _por_celda(lambda texto, celda: [p for p in normas.problemas_codigo(texto, {}) if "verbose" in p],
                           tipos=("code",))
    assert not problemas, "entrenamientos que imprimen el registro de Keras:\n" + _informe(problemas)


# ---------------------------------------------------------------------------
# Regla 7 · Un texto alternativo que dice un resultado medido se calcula
# ---------------------------------------------------------------------------

_MEDIDO_RE = re.compile(r"\.fit\(|\bhistory\b|\bsemillas?\b|\bseeds?\b|mean_spread")
_AFIRMA_RE = re.compile(r"por encima|por debajo|\bmejor|\bpeor|\bsupera|\bgana|\bqueda\b|\btermina|"
                        r"más (?:alt|baj|rápid|lent)|aprende más|\d\.\d+\s*±", re.IGNORECASE)


def alt_escrito_que_afirma(celda: dict) -> str | None:
    """El texto alternativo escrito a mano (``mystnb.image.alt``) de una figura de resultados
    entrenados que afirma una comparación: debe construirse con ``show_figure(alt=f"…")``."""
    alt = celda.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
    if celda["cell_type"] != "code" or not alt or not _MEDIDO_RE.search(normas.fuente(celda)):
        return None
    m = _AFIRMA_RE.search(alt)
    return f"«…{alt[max(0, m.start() - 50):m.end() + 30]}…»" if m else None


def test_alt_texts_stating_measured_results_are_computed():
    problemas = _por_celda(lambda texto, celda: [f"texto alternativo escrito a mano que afirma un resultado "
                                                 f"medido {p}: constrúyelo con utils.book.show_figure(alt=f\"…\")"
                                                 for p in [alt_escrito_que_afirma(celda)] if p], tipos=("code",))
    assert not problemas, "textos alternativos con resultados escritos a mano:\n" + _informe(problemas)


def test_alt_check_catches_its_cases():
    celda = {"cell_type": "code", "source": "h = red.fit(x, y, epochs=4, verbose=0)\nax.plot(...)",
             "metadata": {"mystnb": {"image": {"alt": "Pérdida por época: la residual queda por debajo de la plana."}}}}
    assert alt_escrito_que_afirma(celda)
    celda["metadata"]["mystnb"]["image"]["alt"] = "Pérdida por época de la red residual y de la plana, con una curva por semilla."
    assert not alt_escrito_que_afirma(celda)
    celda = {"cell_type": "code", "source": "ax.plot(z, sigmoid(z))",
             "metadata": {"mystnb": {"image": {"alt": "La sigmoide queda por debajo de 1."}}}}
    assert not alt_escrito_que_afirma(celda), "una figura sin entrenamiento no es un resultado medido"


# ---------------------------------------------------------------------------
# Regla 8 · Una exactitud entrenada supera su umbral por más que su dispersión
# ---------------------------------------------------------------------------

_EXACTITUD_RE = re.compile(r"(?<![a-z])acc|exactitud|acierto", re.IGNORECASE)


def umbrales_entrenados(codigo: str) -> list[tuple[int, float]]:
    """(línea, umbral) de cada ``assert exactitud > 0.8`` (una exactitud comparada con una constante)."""
    import ast

    try:
        arbol = ast.parse(normas._limpiar_magias(codigo))
    except SyntaxError:
        return []
    # Un umbral guardado antes en una variable de la celda (``umbral = 0.88``) cuenta igual.
    constantes = {n.targets[0].id: n.value for n in ast.walk(arbol)
                  if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                  and isinstance(n.value, ast.Constant)}
    out = []
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Assert) and isinstance(nodo.test, ast.Compare) and len(nodo.test.ops) == 1:
            izq, op, der = nodo.test.left, nodo.test.ops[0], nodo.test.comparators[0]
            if isinstance(der, ast.Name) and der.id in constantes:
                der = constantes[der.id]
            if (isinstance(op, (ast.Gt, ast.GtE)) and isinstance(der, ast.Constant)
                    and isinstance(der.value, float) and 0 < der.value < 1
                    and _EXACTITUD_RE.search(ast.unparse(izq))):
                out.append((nodo.lineno, der.value))
    return out


def problemas_margen(celda: dict, codigo: str) -> list[str]:
    """Cada umbral de una exactitud entrenada lleva en los metadatos de su celda las medidas de al
    menos 5 semillas, ``{"curso": {"margen": {"umbral": 0.82, "medidas": [...]}}}``, y las supera
    por más que su desviación estándar."""
    import numpy as np

    out = []
    margen = celda.get("metadata", {}).get("curso", {}).get("margen")
    for linea, umbral in umbrales_entrenados(codigo):
        if not isinstance(margen, dict) or "medidas" not in margen:
            out.append(f"línea {linea}: umbral {umbral} sin las medidas de 5 semillas en los metadatos "
                       "(curso.margen = {umbral, medidas})")
            continue
        v = np.asarray(margen["medidas"], dtype=float)
        if margen.get("umbral") != umbral:
            out.append(f"línea {linea}: el umbral {umbral} no es el de curso.margen ({margen.get('umbral')})")
        elif v.size < 5:
            out.append(f"línea {linea}: curso.margen tiene {v.size} semillas; hacen falta al menos 5")
        elif not (v.min() > umbral and v.mean() - umbral > v.std(ddof=1)):
            out.append(f"línea {linea}: {v.mean():.3f} ± {v.std(ddof=1):.3f} (mín. {v.min():.3f}) no supera "
                       f"{umbral} por más que su dispersión")
    return out


def test_trained_accuracy_thresholds_have_margins():
    """Norma 8, en los capítulos (los umbrales de los laboratorios los revisa el calificador)."""
    problemas = {}
    for ruta in CUADERNOS:
        if ruta.parent.name != "chapters":
            continue
        nb = notebooks.load(ruta)
        if not any(".fit(" in normas.fuente(c) for c in nb["cells"]):
            continue
        for i, celda in enumerate(nb["cells"]):
            if celda["cell_type"] == "code":
                for p in problemas_margen(celda, normas.fuente(celda)):
                    problemas.setdefault(_nombre(ruta), []).append(f"celda {i} ({celda.get('id', 'sin id')}): {p}")
    assert not problemas, "exactitudes afirmadas sin margen medido:\n" + _informe(problemas)


def test_margin_check_catches_its_cases():
    codigo = "assert acc_test > 0.82"
    assert umbrales_entrenados(codigo) == [(1, 0.82)]
    assert not umbrales_entrenados("assert error_max < 1e-7") and not umbrales_entrenados("assert n > 0.5")
    assert umbrales_entrenados("umbral_fm = 0.88\nassert exactitud_test >= umbral_fm, 'texto'") == [(2, 0.88)]
    sin = {"cell_type": "code", "metadata": {}}
    assert problemas_margen(sin, codigo)
    justo = {"cell_type": "code", "metadata": {"curso": {"margen": {"umbral": 0.82, "medidas": [0.80, 0.97, 0.96, 0.96, 0.91]}}}}
    assert problemas_margen(justo, codigo), "una semilla no llega al umbral"
    pocas = {"cell_type": "code", "metadata": {"curso": {"margen": {"umbral": 0.82, "medidas": [0.90, 0.91, 0.92]}}}}
    assert problemas_margen(pocas, codigo)
    bien = {"cell_type": "code", "metadata": {"curso": {"margen": {"umbral": 0.82, "medidas": [0.86, 0.87, 0.85, 0.88, 0.86]}}}}
    assert problemas_margen(bien, codigo) == []


# ---------------------------------------------------------------------------
# Regla 9 · Figuras: épocas desde 1, sin amarillo de viridis
# ---------------------------------------------------------------------------

CLAVES_HISTORIAL = {"loss", "val_loss", "accuracy", "val_accuracy", "mae", "val_mae", "mse", "val_mse"}


def problemas_figuras(codigo: str) -> list[str]:
    """``ax.plot(h["loss"])`` (eje de épocas desde 0) y series de ``viridis`` que llegan a su extremo amarillo."""
    import ast

    out = []
    try:
        arbol = ast.parse(normas._limpiar_magias(codigo))
    except SyntaxError:
        return out
    def claves(n):
        return {x.slice.value for x in ast.walk(n) if isinstance(x, ast.Subscript) and isinstance(x.slice, ast.Constant)}

    def desde_cero(n):
        # range(n), range(len(h)), np.arange(n): empiezan en 0.
        return (isinstance(n, ast.Call) and (getattr(n.func, "id", None) == "range" or getattr(n.func, "attr", None) == "arange")
                and len(n.args) == 1)

    dibuja_historial = False
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Call) and getattr(nodo.func, "attr", None) == "plot" and nodo.args:
            primero = nodo.args[0]
            solo_y = len(nodo.args) == 1 or (isinstance(nodo.args[1], ast.Constant) and isinstance(nodo.args[1].value, str))
            if claves(primero) & CLAVES_HISTORIAL and solo_y:
                out.append(f"línea {nodo.lineno}: historial dibujado sin eje x: las épocas empiezan en 0 "
                           "(dibuja contra np.arange(1, n + 1) con marcas enteras)")
            elif not solo_y and claves(nodo.args[1]) & CLAVES_HISTORIAL:
                dibuja_historial = True
                if desde_cero(primero):
                    out.append(f"línea {nodo.lineno}: eje de épocas desde 0 (usa np.arange(1, n + 1))")
    if dibuja_historial and not re.search(r"MaxNLocator|set_xticks|xticks\(", codigo):
        out.append("épocas sin marcas enteras: ax.xaxis.set_major_locator(MaxNLocator(integer=True)) o set_xticks")
    for m in re.finditer(r"(?:viridis|cividis|plasma|inferno)\s*\(\s*np\.linspace\(\s*0(?:\.0*)?\s*,\s*1(?:\.0*)?\s*[,)]", codigo):
        out.append(f"«{m.group(0)}»: el extremo claro del mapa de colores casi no se ve sobre blanco "
                   "(usa np.linspace(0, 0.85, n) o colores del ciclo por defecto)")
    return out


def test_epoch_axes_count_from_one_and_colours_are_visible():
    problemas = _por_celda(lambda texto, celda: problemas_figuras(texto), tipos=("code",))
    assert not problemas, "figuras fuera de las normas:\n" + _informe(problemas)


def test_figure_check_catches_its_cases():
    assert problemas_figuras('ax.plot(h["loss"], label="entrenamiento")')
    assert problemas_figuras('ax.plot(1 - np.array(h.history["val_accuracy"]), "--")')
    assert problemas_figuras("colores = plt.cm.viridis(np.linspace(0, 1, 5))")
    assert problemas_figuras('ax.plot(range(len(h["loss"])), h["loss"])\nax.set_xticks([0, 1])')
    assert problemas_figuras('ax.plot(epocas, h["loss"], "o-")'), "sin marcas enteras"
    assert not problemas_figuras('ax.plot(epocas, h["loss"], "o-")\nax.xaxis.set_major_locator(MaxNLocator(integer=True))')
    assert not problemas_figuras("colores = plt.cm.viridis(np.linspace(0, 0.85, 5))")


# ---------------------------------------------------------------------------
# Comprobaciones de fuente: cada una detecta lo que debe (y no lo que no)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("texto", [
    "una red chica", "pesos chicos", "la imagen se achica", "achicarla", "acá vemos", "leer de a un símbolo",
    "en coma flotante", "vos podés probarlo", "fijate en la curva", "Probá con otra semilla",
    "los *transformers* de visión", "Atención y transformers", "se suma a cada fila por difusión", "cada bloque de un *transformer*",
])
def test_register_check_catches(texto):
    assert normas.problemas_registro(texto), texto


@pytest.mark.parametrize("texto", [
    "una red pequeña", "chicharrón", "chicle", "el gradiente se reduce", "aquí vemos", "símbolo a símbolo",
    "en punto flotante", "tú puedes probarlo", "se ve en la curva", "ves la curva",
    "el transformador (*transformer*)", "los transformadores (*transformers*)", "el *Vision Transformer* (ViT)",
    "| transformador | *transformer* |", "los modelos de difusión", "por propagación (*broadcasting*)",
])
def test_register_check_allows(texto):
    assert not normas.problemas_registro(texto), texto


def test_register_allowlist_for_quotations():
    texto = "<!-- normas: permitir chico -->\nComo dice la diapositiva: «un filtro chico»."
    assert not normas.problemas_registro(texto)
    assert normas.problemas_registro(texto + " Y acá otro.")


@pytest.mark.parametrize("texto", [
    "$$d = 10{,}07 - 6{,}67$$", "el error baja $0{,}3$ puntos", "```{math}\n0{,}5\n```",
    "con un peso de 0,3 en GoogLeNet", "tiene 163,696 parámetros", "hay 10000 imágenes",
    "supera el 98.3% de exactitud", "llega al 88 % de exactitud", "de 60 000 imágenes",
    "$$\\text{error} = 10.07\\%$$", "{glue:text}`x_acc:.1%`", "{glue:text}`x_n:,`", "{glue:text}`x_n:,.0f`",
    "```{glossary}\nTérmino\n  Definición con 1,2 millones.\n```", "con 1\\u00a0000 ejemplos",
])
def test_number_check_catches(texto):
    assert normas.problemas_numeros_prosa(texto), texto


@pytest.mark.parametrize("texto", [
    "$$d = 10.07 - 6.67$$", "un peso de 0.3", "tiene 163\u00a0696 parámetros", "hay 10\u00a0000 imágenes",
    "supera el 98.3\u00a0% de exactitud", "$$10.07\\,\\%$$", "ILSVRC 2012 y ResNet-1202 en 2015",
    "{glue:text}`x_acc`", "{glue:text}`x_err:.3f`", "las capas (2, 2, 3, 3, 3)", "`x = np.zeros((60000, 28))`",
    "```python\nprint(f'{x:,}')\n```", "arXiv:1512.03385", "[enlace](https://example.org/12345678)",
    "$W_{1,2}$ y $f(x, y)$",
])
def test_number_check_allows(texto):
    assert not normas.problemas_numeros_prosa(texto), texto


@pytest.mark.parametrize("codigo", [
    'print(f"exactitud {acc:.1%}")', 'print(f"{n:,} parámetros")', 'print("{:,.0f}".format(n))',
    'print(format(n, ","))', 'acc = glue("acc", 0.9)', 'x: float = glue("x", 1.0)',
    'ax.set_title("sigmoid")', 'ax.set_xlabel("epoch")', 'ax.plot(x, y, label="predictions")',
    'for act in ["sigmoid", "tanh", "relu"]:\n    ax.set_title(f"{act}, 2 capas")',
    'NOMBRES = ["relu", "tanh"]\nfor n in NOMBRES:\n    ax.set_title(n)',
    'acts = ["sigmoid", "relu"]\nfor fila, act in zip(axes, acts):\n    fila[0].set_title(f"{act}, 1 × 8")',
    '%matplotlib inline\nprint(f"{x:.0%}")',
    'return f"{n:,}".replace(",", " ")', 'red.fit(x, y, epochs=4, verbose=2)', 'red.fit(x, y, batch_size=128, epochs=4)', 'red.evaluate(x, y)',
])
def test_code_check_catches(codigo):
    assert normas.problemas_codigo(codigo), codigo


@pytest.mark.parametrize("codigo", [
    'print(f"exactitud {percent(acc, 1)}")', 'print(f"{group_digits(n)} parámetros")', 'acc = 0.9\nglue("acc", acc)',
    'ax.set_title("sigmoide")', 'ax.set_title("ReLU")', 'ax.plot(x, y, label="predicciones")',
    'd = {"a": 1, "b": 2}', 'titulos = {"sigmoid": "sigmoide"}\nfor n in ["sigmoid"]:\n    ax.set_title(titulos[n])',
    'print(f"{x:.3f} y {y:>8.2f}")', 'assert a == glue', 'layers.Dense(8, activation="relu")',
    'red.fit(x, y, epochs=4, verbose=0)', 'arbol.fit(X, y)', 'red.evaluate(x, y, verbose=0)',
    'red.fit(x, y, epochs=4, verbose=nivel)', 'return f"{n:,}".replace(",", "\\u00a0")',
    'return f"{x:,.{d}f}".replace(",", NBSP)',
])
def test_code_check_allows(codigo):
    assert not normas.problemas_codigo(codigo), codigo


# ---------------------------------------------------------------------------
# Reglas 1–5 sobre salidas ejecutadas: la función que usa tests/test_book.py
# ---------------------------------------------------------------------------

def _nb(*celdas) -> dict:
    return {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {"tags": tags}, "source": "x",
                       "outputs": salidas} for i, (tags, salidas) in enumerate(celdas)],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _resultado(texto, html=None):
    data = {"text/plain": texto}
    if html:
        data["text/html"] = html
    return {"output_type": "execute_result", "execution_count": 1, "data": data, "metadata": {}}


def _flujo(texto, nombre="stdout"):
    return {"output_type": "stream", "name": nombre, "text": texto}


def _error(ename="DatasetUnavailable", evalue="sin red"):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": ["\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
                          f"\x1b[0;31m{ename}\x1b[0m Traceback (most recent call last)", f"{ename}: {evalue}"]}


RUTA = str(ROOT)

CASOS_MALOS = {
    "valor suelto": _nb(([], [_resultado("'Sin conexión, … 10\\xa0000 imágenes …'")])),
    "valor suelto de glue": _nb(([], [_resultado("0.9731")])),
    "ruta del repositorio": _nb(([], [_flujo(f"se usa MNIST ({RUTA}/../shared/datasets/mnist-idx)\n")])),
    "ruta /work": _nb(([], [_flujo("leído de /work/shared/datasets/mnist-idx\n")])),
    "ruta /tmp": _nb(([], [_flujo("guardado en /tmp/tmpab12/modelo.keras\n")])),
    "ruta /root": _nb(([], [_flujo("caché en /root/.keras/datasets\n")])),
    "ruta en HTML": _nb((["show-result"], [_resultado("x", "<p>/home/ana/curso/x.npz</p>")])),
    "Epoch": _nb(([], [_flujo("Epoch 1/4\n")])),
    "métricas": _nb(([], [_flujo("469/469 - 3s - loss: 0.4521 - accuracy: 0.8412\n")])),
    "barra": _nb(([], [_flujo("\r 12/469 ━━━━━━━━━━━━━━━━━━━━ 3s 8ms/step\n")])),
    "barra antigua": _nb(([], [_flujo("100/100 [==============================] - 1s 5ms/step\n")])),
    "resumen de Keras": _nb(([], [_flujo('Model: "sequential"\n┏━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓\n┃ Layer (type) ┃ Output Shape ┃\n'
                                         "Total params: 61\u00a0706\n")])),
    "error": _nb(([], [_error()])),
    "error de red con raises-exception": _nb((["raises-exception"], [_error()])),
    "error de red de los pesos de ImageNet": _nb((["raises-exception"], [_error(
        "RuntimeError", "no hay conexión: VGG16(weights='imagenet') necesita Internet")])),
    "error de descarga de Keras": _nb((["raises-exception"], [_error(
        "Exception", "URL fetch failure on https://storage.googleapis.com/…: None -- [Errno -3] "
                     "Temporary failure in name resolution")])),
    "traza impresa": _nb(([], [_flujo("Traceback (most recent call last):\n  File x\nValueError: y\n", "stderr")])),
    "entero sin agrupar": _nb(([], [_flujo("MNIST: 10000 imágenes de prueba\n")])),
    "entero con decimales sin agrupar": _nb(([], [_flujo("costo: 12345.6 M\n")])),
    "miles con coma": _nb(([], [_flujo("Total params: 61,706 (241.04 KB)\n")])),
    "miles con coma en tabla": _nb((["show-result"], [_resultado("x", "<td>163,696</td>")])),
    "porcentaje pegado": _nb(([], [_flujo("exactitud: 98.3%\n")])),
    "coma decimal": _nb(([], [_flujo("exactitud de 0,93 en prueba\n")])),
    "LaTeX con coma": _nb(([], [{"output_type": "display_data", "metadata": {},
                                 "data": {"text/latex": "$0{,}5$", "text/plain": "x"}}])),
}

CASOS_BUENOS = {
    "nada": _nb(([], [])),
    "tabla a la vista": _nb((["show-result"], [_resultado("   capa  parámetros", "<td>61\u00a0706</td>")])),
    "resumen en español": _nb(([], [_flujo("Exactitud de prueba: 0.912 ± 0.004 (5 semillas); 10\u00a0000 imágenes, "
                                          "10.07\u00a0%; año 2015, ResNet-1202.\n")])),
    "error buscado": _nb((["raises-exception"], [_error("TypeError", "Conv2D() got an unexpected keyword argument 'filter_size'")])),
    "nota sin conexión": _nb(([], [{"output_type": "display_data", "metadata": {}, "data": {
        "text/html": '<div class="admonition note sin-conexion"><p class="admonition-title">Sin conexión</p>'
                     "<p>Esta celda entrena ResNet-20 en CIFAR-10.</p></div>",
        "text/plain": "<IPython.core.display.HTML object>"}}])),
    "figura": _nb(([], [{"output_type": "display_data", "metadata": {},
                         "data": {"image/png": "iVBORw0KGgo10000", "text/plain": "<Figure size 640x480 with 1 Axes>"}}])),
    "forma": _nb(([], [_flujo("x_train: (8\u00a0000, 28, 28), uint8\n")])),
    "listado de show_source": _nb(([], [{"output_type": "display_data", "metadata": {}, "data": {
        "text/html": '<style>pre { line-height: 125%; }</style><div class="highlight"><pre>n = 59210</pre></div>',
        "text/plain": "n = 59210"}}])),
}


@pytest.mark.parametrize("caso", sorted(CASOS_MALOS))
def test_output_check_catches(caso):
    assert normas.problemas_salidas(CASOS_MALOS[caso]), caso


@pytest.mark.parametrize("caso", sorted(CASOS_BUENOS))
def test_output_check_allows(caso):
    assert normas.problemas_salidas(CASOS_BUENOS[caso]) == [], caso


def test_output_check_names_the_cell_and_kind():
    nb = _nb(([], [_flujo("Epoch 1/2\n")]), (["show-result"], [_resultado("1")]), ([], [_error()]))
    problemas = normas.problemas_salidas(nb)
    assert any(p.startswith("celda 0 (c0)") and "Keras" in p for p in problemas)
    assert not any(p.startswith("celda 1") for p in problemas)
    assert any(p.startswith("celda 2 (c2)") and "raises-exception" in p for p in problemas)


def test_nonbreaking_space_fixer():
    texto = "el 88 % de 60 000 imágenes; `x = 1 000`; $$a = 1 000$$\n```python\nprint('10 %')\n```\n"
    arreglado = normas.corregir_espacios(texto)
    assert "88\u00a0%" in arreglado and "60\u00a0000" in arreglado
    assert "`x = 1 000`" in arreglado and "$$a = 1 000$$" in arreglado and "print('10 %')" in arreglado
    assert normas.corregir_espacios(arreglado) == arreglado
    assert not [p for p in normas.problemas_numeros_prosa(arreglado) if "espacio normal" in p]


# ---------------------------------------------------------------------------
# Regla 10 · Referencias: congresos y revistas publicados, no arXiv
# ---------------------------------------------------------------------------

# Obras que solo existen como preprint (no hay versión publicada que citar).
SOLO_ARXIV = {"goyal2017accurate", "dumoulin2016guide", "xiao2017fashion"}
PUBLICADAS = {"he2015deep": "CVPR", "ioffe2015batch": "ICML", "cho2014learning": "EMNLP"}


@pytest.fixture(scope="module")
def bib():
    from pybtex.database import parse_file

    return parse_file(str(ROOT / "references.bib")).entries


def test_references_cite_published_venues(bib):
    """Ninguna entrada cita «arXiv preprint» como revista si la obra se publicó; las tres del informe,
    en su congreso."""
    problemas = []
    for clave, e in bib.items():
        sede = " ".join(e.fields.get(c, "") for c in ("journal", "booktitle", "publisher"))
        if clave not in SOLO_ARXIV and ("arxiv" in sede.lower() or not sede.strip()) and e.type != "misc":
            problemas.append(f"{clave}: «{sede.strip() or 'sin revista ni congreso'}» (cita dónde se publicó)")
    for clave, congreso in PUBLICADAS.items():
        e = bib[clave]
        if congreso not in e.fields.get("booktitle", ""):
            problemas.append(f"{clave}: debería citar {congreso}, no «{e.fields.get('journal') or e.fields.get('booktitle')}»")
    assert not problemas, "referencias a arXiv de obras publicadas:\n" + "\n".join(problemas)


def test_boosting_and_perceptron_references(bib):
    """Freund y Schapire (1997) junto a Friedman (2001) para el *boosting*, y Minsky y Papert (1969)."""
    assert "freund1997decision" in bib and "Computer and System Sciences" in bib["freund1997decision"].fields["journal"]
    assert "minsky1969perceptrons" in bib and bib["minsky1969perceptrons"].fields["publisher"] == "MIT Press"
    citas = "\n".join(normas.fuente(c) for r in CUADERNOS for c in notebooks.load(r)["cells"] if c["cell_type"] == "markdown")
    sin_citar = [k for k in ("freund1997decision", "minsky1969perceptrons")
                 if not re.search(r"\{cite(?::[pt])?\}`[^`]*\b" + k + r"\b", citas)]
    assert not sin_citar, f"ningún capítulo cita {sin_citar} (boosting en el capítulo 5, XOR en el 3)"


# ---------------------------------------------------------------------------
# Regla 11 · Glosario
# ---------------------------------------------------------------------------

def _glosario() -> dict[str, str]:
    texto = (ROOT / "glosario.md").read_text(encoding="utf-8")
    cuerpo = texto[texto.index("```{glossary}"):].split("\n")[1:]
    entradas, actual = {}, None
    for linea in cuerpo:
        if linea.startswith("```"):
            break
        if linea and not linea.startswith(" "):
            actual = linea.strip()
            entradas[actual] = ""
        elif actual:
            entradas[actual] += " " + linea.strip()
    return entradas


def test_glossary_terms_for_the_closing_and_attention():
    entradas = {t.lower(): d for t, d in _glosario().items()}
    faltan = [t for t in ("segmentación de instancias", "modelo de difusión", "autocodificador variacional",
                          "red generativa antagónica", "transformador", "atención", "autoatención",
                          "cabeza de atención", "codificación posicional", "normalización de capa",
                          "multiplicación-acumulación") if t not in entradas]
    assert not faltan, f"faltan en el glosario: {faltan}"
    assert not any(t.startswith("transformers") for t in entradas), "un solo término: «transformador»"


def test_glossary_terms_are_unambiguous():
    """«Difusión» no es *broadcasting* (choca con los modelos de difusión); «submuestreo» no nombra
    a la vez el *pooling* y el atajo de la opción A; la gramática de Reber no es una prueba de memoria larga."""
    entradas = _glosario()
    problemas = []
    for termino, definicion in entradas.items():
        ingles = definicion.strip().split(".")[0]
        if termino.lower().startswith("difusión") and "broadcasting" in ingles.lower():
            problemas.append("«Difusión» = broadcasting choca con «modelo de difusión»")
        if termino.lower() == "submuestreo":
            problemas.append("«Submuestreo» a secas es ambiguo (pooling o atajo de la opción A)")
    reber = next((d for t, d in entradas.items() if "reber" in t.lower()), "")
    if re.search(r"memoria (a )?larg[oa]|largo plazo", reber, re.IGNORECASE):
        problemas.append("la gramática de Reber incrustada no es la prueba de memoria larga del artículo")
    assert not problemas, "\n".join(problemas)


# ---------------------------------------------------------------------------
# Reglas 5–8 por escrito: la sección de estilo de la guía docente
# ---------------------------------------------------------------------------

def test_style_section_states_the_rules():
    texto = (ROOT / "instructores.md").read_text(encoding="utf-8")
    assert "## Normas de estilo" in texto, "falta la sección «Normas de estilo» en instructores.md"
    seccion = texto.split("## Normas de estilo", 1)[1].split("\n## ", 1)[0]
    for pieza in ("U+00A0", "\\,\\%", "percent", "group_digits", "mean_spread", "show-result", "offline_note",
                  "raises-exception", "verbose=0", "semillas", "punto flotante", "pequeño", "glue"):
        assert pieza in seccion, f"la sección de estilo no dice nada de «{pieza}»"


def test_page_check_catches_and_allows():
    """:func:`normas.problemas_pagina` con lo que recoge el navegador (sin abrirlo)."""
    datos = {"celdas": [
        {"i": 0, "etiquetas": [], "sueltos": ["0.9731"], "trazas": 0, "registros": 0, "texto": "0.9731"},
        {"i": 1, "etiquetas": ["show-result"], "sueltos": ["tabla"], "trazas": 0, "registros": 0, "texto": "tabla"},
        {"i": 2, "etiquetas": [], "sueltos": [], "trazas": 0, "registros": 1, "texto": "Epoch 1/4"},
        {"i": 3, "etiquetas": [], "sueltos": [], "trazas": 1, "registros": 0, "texto": "DatasetUnavailable"},
        {"i": 4, "etiquetas": ["raises-exception"], "sueltos": [], "trazas": 1, "registros": 0, "texto": "TypeError"},
        {"i": 5, "etiquetas": [], "sueltos": [], "trazas": 0, "registros": 0, "texto": "Sin conexión Esta celda…"},
    ], "prosa": "con 10000 imágenes y 98.3% (bien: 10\u00a0000 y 10.07\u00a0%)", "tex": ["0{,}5", "10.07\\,\\%"]}
    valores = normas.problemas_pagina(datos, reglas=("valores",))
    assert len(valores) == 1 and valores[0].startswith("celda 0")
    registros = normas.problemas_pagina(datos, reglas=("registros",))
    assert registros and all(r.startswith("celda 2") for r in registros)
    errores = normas.problemas_pagina(datos, reglas=("errores",))
    assert len(errores) == 1 and errores[0].startswith("celda 3")
    numeros = normas.problemas_pagina(datos, reglas=("numeros",))
    assert len(numeros) == 3, numeros   # 10000, 98.3% y 0{,}5


# ---------------------------------------------------------------------------
# Las ayudas de utils.book escriben la convención
# ---------------------------------------------------------------------------

def test_book_helpers_follow_the_convention():
    from utils.book import mean_spread, number, percent

    assert number(1234567.891, 2) == "1\u00a0234\u00a0567.89" and number(999) == "999"
    assert percent(0.1007, 2) == "10.07\u00a0%" and percent(0.98315, 1) == "98.3\u00a0%"
    assert mean_spread([0.80, 0.97, 0.96, 0.96, 0.91], 2) == "0.92 ± 0.07"
    assert number(-1.26, 1) == "\u22121.3" and number(-1234) == "\u22121\u00a0234"   # signo menos tipográfico
    assert number(-0.01, 1) == "0.0" and percent(-0.0001, 1) == "0.0\u00a0%"            # sin «−0.0»
    for texto in (number(61706), number(-2.5, 1), percent(0.5), mean_spread([0.1, 0.3], 1, as_percent=True)):
        assert not normas.problemas_numeros_salida(texto), texto


def test_offline_note_is_a_spanish_admonition(monkeypatch):
    import IPython.display

    mostrado = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: mostrado.append(obj))
    from utils.book import offline_note

    assert offline_note("entrena ResNet-20 en CIFAR-10", needs="Internet y una GPU") is None
    (html,) = [o.data for o in mostrado]
    assert 'class="admonition note sin-conexion"' in html and "Sin conexión" in html
    assert "entrena ResNet-20 en CIFAR-10" in html and "Internet y una GPU" in html
    nb = _nb(([], [{"output_type": "display_data", "metadata": {}, "data": {"text/html": html, "text/plain": "x"}}]))
    assert normas.problemas_salidas(nb) == []
    with pytest.raises(TypeError):
        offline_note("")
