"""Normas de estilo del libro, comprobables por código (la sección «Normas de estilo» de ``instructores.md``).

Dos familias de comprobaciones, que usan ``tests/test_normas.py`` (fuentes, sin
construir) y ``tests/test_book.py`` (cuadernos ejecutados y navegador):

- **Fuentes** (celdas de los cuadernos y páginas Markdown): regionalismos,
  decimales con coma en LaTeX (``0{,}5``), miles con coma, ``%`` sin espacio en
  la prosa y en los formatos de ``glue`` o de las cadenas ``f"{x:.1%}"``,
  ``x = glue(...)`` (``glue`` no devuelve nada) y rótulos de figuras en inglés.
- **Salidas** de un cuaderno ejecutado (:func:`problemas_salidas`, que recibe el
  cuaderno como ``dict``): valores sueltos (``execute_result`` sin la etiqueta
  ``show-result``), rutas de la máquina, registros de Keras en inglés, trazas de
  error fuera de las celdas ``raises-exception`` y números fuera de la convención.

Cada función devuelve una lista de textos en español, uno por problema; vacía si
todo está bien. Desde la consola, para revisar un cuaderno ya ejecutado::

    python -m _ext.normas /tmp/exec/09_lenet5.ipynb

y para cambiar por U+00A0 el espacio normal de «10 %» y «60 000» en la prosa::

    python -m _ext.normas --corregir-espacios chapters/*.ipynb labs/*.ipynb *.md
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import sys
import tempfile
from pathlib import Path

NBSP = "\u00a0"

# ---------------------------------------------------------------------------
# Registro: regionalismos que el libro evita (patrón, qué escribir en su lugar)
# ---------------------------------------------------------------------------
REGIONALISMOS = [
    (r"\bchic[oa]s?\b", "«pequeño», «pequeña»"),
    (r"\bchiquit[oa]s?\b", "«muy pequeño»"),
    (r"\bachic\w*", "«reducir», «disminuir», «hacerse más pequeño»"),
    (r"\bacá\b", "«aquí»"),
    (r"\bde a (?:un|uno|una|dos|tres|cuatro|pocos|pocas|poco|muchos)\b", "«uno a uno», «de dos en dos»…"),
    (r"\bcoma flotante\b", "«punto flotante»"),
    (r"\bordenador(?:es)?\b", "«computadora»"),
    (r"\bvale decir\b", "«es decir»"),
    (r"\bpasa de largo\b", "una frase gramatical («se pasa del fondo del valle»)"),
    # Términos elegidos: el inglés solo una vez, entre paréntesis («transformador (*transformer*)»).
    (r"\bpor difusión\b", "«por propagación» (*broadcasting*; «difusión» queda para los modelos de difusión)"),
    (r"(?-i:(?<!\()(?<!\| )\*transformers?\*|(?<!\*)\btransformers\b)", "«transformador», «transformadores» (el término del glosario)"),
    # Voseo rioplatense: pronombre y formas verbales más frecuentes en un texto técnico.
    (r"\bvos\b", "«tú» o «usted» (sin voseo)"),
    (r"\b(?:tenés|podés|sabés|querés|hacés|decís|sos|fijate|mirá|probá|usá|calculá|escribí|elegí|poné|"
     r"tomá|ejecutá|compará|agregá|notá|recordá|definí|corré|hacé|decí|imaginá|pensá|observá|cambiá|"
     r"copiá|sumá|contá|entrená|dibujá|verificá|comprobá|buscá|abrí|leé|completá|implementá|"
     r"necesitás|ves|vés|llamá|guardá|fijá|pasá|andá)\b", "«tú» (sin voseo): «puedes», «mira», «prueba»…"),
]
_REGIONALISMOS_RE = [(re.compile(p, re.IGNORECASE), s) for p, s in REGIONALISMOS]
# «ves» es también la forma de «tú ves»: solo cuenta como voseo con tilde («vés»).
_NO_VOSEO = {"ves"}
# En una celda o página, `<!-- normas: permitir chico, acá -->` admite esas palabras (una cita textual).
_PERMITIR_RE = re.compile(r"<!--\s*normas:\s*permitir\s+([^>]*?)\s*-->", re.IGNORECASE)


def permitidas(texto: str) -> set[str]:
    """Palabras que una celda o página admite con ``<!-- normas: permitir … -->`` (citas)."""
    return {p.strip().lower() for m in _PERMITIR_RE.finditer(texto) for p in m.group(1).split(",") if p.strip()}


def problemas_registro(texto: str) -> list[str]:
    """Regionalismos de ``texto`` (con su contexto y la alternativa del libro)."""
    libres = permitidas(texto)
    out = []
    for patron, sugerencia in _REGIONALISMOS_RE:
        for m in patron.finditer(texto):
            palabra = m.group(0)
            if palabra.lower() in libres or palabra in _NO_VOSEO:
                continue
            out.append(f"regionalismo «{palabra}» en «…{_contexto(texto, m)}…»: usa {sugerencia}")
    return out


# ---------------------------------------------------------------------------
# Números en las fuentes
# ---------------------------------------------------------------------------
_CODIGO_LINEA_RE = re.compile(r"`[^`\n]*`")
_VALLA_RE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?(.*)$")
# Directivas de MyST cuyo contenido es código (el resto, como {glossary} o {note}, es prosa).
_DIRECTIVAS_CODIGO = {"{code-cell}", "{code-block}", "{code}", "{sourcecode}", "{literalinclude}",
                      "{bibliography}", "{raw}", "{eval-rst}", "{list-table}"}


def separar_markdown(texto: str) -> tuple[str, str]:
    """Divide una fuente MyST en (prosa, fórmulas): sin bloques de código ni opciones de directivas.

    Los bloques ```` ``` ```` sin directiva o con una directiva de código se quitan;
    ```` ```{math} ```` va a las fórmulas; las demás directivas (glosario, notas,
    desplegables) son prosa. El código en línea (`` `x` ``) también se quita.
    """
    prosa, mates = [], []
    cierre = None          # valla que cierra el bloque actual
    destino = None         # None: se descarta; si no, la lista donde va el contenido
    for linea in texto.splitlines():
        m = _VALLA_RE.match(linea)
        if cierre is not None:
            if m and m.group(1)[0] == cierre[0] and len(m.group(1)) >= len(cierre) and not m.group(2) and not m.group(3).strip():
                cierre = None
                continue
            if destino is not None and not (destino is prosa and re.match(r"^\s*:\w[\w-]*:", linea)):
                destino.append(linea)
            continue
        if m:
            valla, directiva = m.group(1), (m.group(2) or "").strip()
            if valla[0] == ":":
                continue  # directiva con dos puntos: su contenido es prosa y sigue en el texto
            cierre = valla
            if directiva == "{math}":
                destino = mates
            elif directiva and directiva not in _DIRECTIVAS_CODIGO:
                destino = prosa
            else:
                destino = None
            continue
        prosa.append(linea)
    return _CODIGO_LINEA_RE.sub(" ", "\n".join(prosa)), "\n".join(mates)


_MATES_RE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.DOTALL)
_URL_RE = re.compile(r"https?://\S+|\]\([^)]*\)|<[^>\n]+>|\bdoi\S*|arXiv:\S+", re.IGNORECASE)
_GLUE_RE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")
_LATEX_COMA_RE = re.compile(r"\d+\s*\{,\}\s*\d+")
_LATEX_PCT_RE = re.compile(r"\d\s*(?:\\[ ;:!]|~|\s)?\\%")
_DECIMAL_COMA_RE = re.compile(r"(?<![\w.,])\d+,\d+(?![\w,])")
_MILES_SIN_AGRUPAR_RE = re.compile(r"(?<![\w.,:/#\-\u00a0])\d{5,}(?=\.\d|(?![\w.,\u00a0]))")
_PCT_PEGADO_RE = re.compile(r"\d%")
# Espacio normal (U+0020) donde va uno que no se corta (U+00A0): «10 %», «60 000».
_PCT_ESPACIO_RE = re.compile(r"\d [%‰]")
_MILES_ESPACIO_RE = re.compile(r"(?<![\w.,\u00a0])\d{1,3}(?: \d{3})+(?![\w\u00a0])")


def _contexto(texto: str, m: re.Match, ancho: int = 30) -> str:
    return texto[max(0, m.start() - ancho):m.end() + ancho].replace("\n", " ")


def problemas_numeros_prosa(texto: str) -> list[str]:
    """Convención numérica en prosa Markdown (celdas de texto y páginas ``.md``).

    Fuera del código: coma decimal, miles con coma, enteros de cinco o más
    cifras sin agrupar y «%» pegado. En las fórmulas: ``0{,}5`` y ``5\\%`` sin
    ``\\,``. En los formatos de ``{glue:text}``: ``,`` (miles con coma) y ``%``
    (sin espacio: se usa ``utils.book.percent``).
    """
    out = []
    for m in _GLUE_RE.finditer(texto):
        formato = m.group(2) or ""
        if "," in formato or "_" in formato:
            out.append(f"formato de glue con miles separados por coma: «{m.group(0)}» (usa number o group_digits)")
        if formato.endswith("%"):
            out.append(f"formato de glue con «%» pegado: «{m.group(0)}» (usa utils.book.percent)")
    sin_codigo, bloques_math = separar_markdown(texto)
    for formula in [m.group(0) for m in _MATES_RE.finditer(sin_codigo)] + [bloques_math]:
        for c in _LATEX_COMA_RE.finditer(formula):
            out.append(f"decimal con coma en LaTeX «{c.group(0)}» en «{formula[:60]}»: escribe el decimal con punto")
        for c in _LATEX_PCT_RE.finditer(formula):
            if not c.group(0).replace(" ", "").endswith("\\,\\%"):
                out.append(f"porcentaje en LaTeX sin \\,: «{c.group(0)}» (escribe 10.07\\,\\%)")
    prosa = _URL_RE.sub(" ", _MATES_RE.sub(" ", sin_codigo))
    prosa = re.sub(r"\{[a-z]+\}`[^`]*`|\(eq:[^)]*\)|\[[^\]]*\]\{[^}]*\}", " ", prosa)
    for m in _DECIMAL_COMA_RE.finditer(prosa):
        out.append(f"coma decimal o de miles «{m.group(0)}» en «…{_contexto(prosa, m)}…»: "
                   "punto decimal y miles con espacio fino (U+00A0)")
    for m in _MILES_SIN_AGRUPAR_RE.finditer(prosa):
        out.append(f"entero sin agrupar «{m.group(0)}» en «…{_contexto(prosa, m)}…»: agrupa de tres en tres con U+00A0")
    for m in re.finditer(r"\\u00a0|\\xa0|\\N\{NO-BREAK SPACE\}", prosa):
        out.append(f"escape «{m.group(0)}» escrito en la prosa (se vería tal cual) en «…{_contexto(prosa, m)}…»: "
                   "escribe el carácter U+00A0 (`python -m _ext.normas --corregir-espacios` con un espacio normal)")
    for m in _PCT_PEGADO_RE.finditer(re.sub(r"\\u00a0|\\xa0", "\u00a0", prosa)):
        out.append(f"«%» sin espacio en «…{_contexto(prosa, m)}…»: escribe 10.07 % (U+00A0)")
    for patron in (_PCT_ESPACIO_RE, _MILES_ESPACIO_RE):
        for m in patron.finditer(prosa):
            out.append(f"espacio normal en «{m.group(0)}» («…{_contexto(prosa, m)}…»): va un espacio que no "
                       "se corta, U+00A0 (`python -m _ext.normas --corregir-espacios` lo arregla)")
    return out


_PROTEGIDO_RE = re.compile(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|\{[a-z:-]+\}`[^`]*`|https?://\S+|\]\([^)]*\)",
                           re.DOTALL)


def corregir_espacios(texto: str) -> str:
    """Cambia por U+00A0 el espacio normal de «10 %» y de «60 000» en la prosa Markdown.

    No toca el código (en línea o en bloques), las fórmulas, los roles (``{glue:text}`…` ``)
    ni los enlaces. Es idempotente.

    >>> corregir_espacios("el 88 % de 60 000 imágenes, `x = 1 000`") == (
    ...     "el 88\u00a0% de 60\u00a0000 imágenes, `x = 1 000`")
    True
    """
    def arreglar(trozo: str) -> str:
        partes, ultimo = [], 0
        for m in _PROTEGIDO_RE.finditer(trozo):
            partes += [_arreglar_prosa(trozo[ultimo:m.start()]), m.group(0)]
            ultimo = m.end()
        return "".join(partes + [_arreglar_prosa(trozo[ultimo:])])

    # Se arregla por párrafos (las fórmulas $$…$$ pueden ocupar varias líneas).
    cierre, resultado, parrafo = None, [], []
    for linea in texto.split("\n"):
        m = _VALLA_RE.match(linea)
        if cierre is None and m and m.group(1)[0] != ":" and (not (m.group(2) or "").strip()
                                                                or (m.group(2) or "").strip() in _DIRECTIVAS_CODIGO | {"{math}"}):
            if parrafo:
                resultado.append(arreglar("\n".join(parrafo)))
            parrafo, cierre = [], m.group(1)
            resultado.append(linea)
            continue
        if cierre is not None:
            if m and m.group(1)[0] == cierre[0] and len(m.group(1)) >= len(cierre) and not m.group(2) and not m.group(3).strip():
                cierre = None
            resultado.append(linea)
            continue
        parrafo.append(linea)
    if parrafo:
        resultado.append(arreglar("\n".join(parrafo)))
    return "\n".join(resultado)


def _arreglar_prosa(t: str) -> str:
    t = re.sub(r"(\d) ([%‰])", "\\1\u00a0\\2", t)
    return _MILES_ESPACIO_RE.sub(lambda m: m.group(0).replace(" ", NBSP), t)


# ---------------------------------------------------------------------------
# Código: formatos, glue y rótulos de figuras
# ---------------------------------------------------------------------------
FUNCIONES_ROTULO = {"set_title", "title", "suptitle", "set_xlabel", "set_ylabel", "xlabel", "ylabel",
                    "text", "annotate", "figtext", "set_xticklabels", "set_yticklabels", "legend",
                    "set_label", "set_ylabel", "colorbar"}
ROTULOS_INGLES = {"sigmoid", "relu", "leaky_relu", "leaky relu", "prediction", "predictions", "loss",
                  "accuracy", "val_loss", "val_accuracy", "epoch", "epochs", "train", "training",
                  "validation", "test accuracy", "train accuracy", "true", "predicted", "input", "output",
                  "weights", "gradient", "gradients", "layer", "step", "steps", "learning rate", "error rate"}


def _limpiar_magias(codigo: str) -> str:
    # Las líneas mágicas de IPython (%matplotlib, !pip) no son Python: se vacían.
    return "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in codigo.splitlines())


def _agrupados_con_nbsp(arbol: ast.AST) -> set[int]:
    """``id`` de las f-strings que se corrigen en el acto: ``f"{n:,}".replace(",", NBSP)``."""
    out = set()
    for nodo in ast.walk(arbol):
        if (isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute) and nodo.func.attr == "replace"
                and isinstance(nodo.func.value, ast.JoinedStr) and len(nodo.args) == 2
                and isinstance(nodo.args[0], ast.Constant) and nodo.args[0].value == ","
                and not (isinstance(nodo.args[1], ast.Constant) and nodo.args[1].value != NBSP)):
            out |= {id(n) for n in ast.walk(nodo.func.value)}
    return out


def _formatos(arbol: ast.AST):
    """(formato, línea) de cada f-string y de cada ``"…".format`` / ``format(x, "…")`` constante.

    No cuenta las que cambian la coma por U+00A0 en el acto (así lo hacen ``number`` y ``group_digits``).
    """
    corregidos = _agrupados_con_nbsp(arbol)
    for nodo in ast.walk(arbol):
        if id(nodo) in corregidos:
            continue
        if isinstance(nodo, ast.FormattedValue) and nodo.format_spec is not None:
            spec = "".join(v.value for v in nodo.format_spec.values
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
            yield spec, nodo.lineno
        elif isinstance(nodo, ast.Call):
            f = nodo.func
            if (isinstance(f, ast.Attribute) and f.attr == "format" and isinstance(f.value, ast.Constant)
                    and isinstance(f.value.value, str)):
                try:
                    for _, _, spec, _ in string.Formatter().parse(f.value.value):
                        if spec:
                            yield spec, nodo.lineno
                except ValueError:
                    pass
            elif (isinstance(f, ast.Name) and f.id == "format" and len(nodo.args) == 2
                  and isinstance(nodo.args[1], ast.Constant) and isinstance(nodo.args[1].value, str)):
                yield nodo.args[1].value, nodo.lineno


def _textos_posibles(nodo: ast.AST, valores: dict[str, set[str]]) -> set[str]:
    """Textos que puede valer ``nodo`` (constantes, y nombres ligados a listas de constantes)."""
    if isinstance(nodo, ast.Constant) and isinstance(nodo.value, str):
        return {nodo.value}
    if isinstance(nodo, ast.Name):
        return valores.get(nodo.id, set())
    if isinstance(nodo, ast.JoinedStr):
        out = set()
        for v in nodo.values:
            if isinstance(v, ast.FormattedValue):
                out |= _textos_posibles(v.value, valores)
            elif isinstance(v, ast.Constant):
                out.add(v.value)
        return out
    if isinstance(nodo, (ast.List, ast.Tuple)):
        return set().union(*[_textos_posibles(e, valores) for e in nodo.elts]) if nodo.elts else set()
    if isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute) and nodo.func.attr in ("upper", "lower",
                                                                                                 "capitalize", "title"):
        return _textos_posibles(nodo.func.value, valores)
    return set()


def _constantes(nodo: ast.AST) -> set[str]:
    if isinstance(nodo, (ast.List, ast.Tuple, ast.Set)):
        return {e.value for e in nodo.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    if isinstance(nodo, ast.Dict):
        return {k.value for k in nodo.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if isinstance(nodo, ast.Constant) and isinstance(nodo.value, str):
        return {nodo.value}
    return set()


def valores_de_nombres(arbol: ast.AST) -> dict[str, set[str]]:
    """Para cada nombre, los textos constantes que puede tomar: ``n = "relu"``, ``for n in ["relu", …]``,
    ``for n in NOMBRES`` (con ``NOMBRES = [...]``), ``for n, v in {...}.items()``."""
    listas: dict[str, set[str]] = {}
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Assign):
            for t in nodo.targets:
                if isinstance(t, ast.Name):
                    listas.setdefault(t.id, set()).update(_constantes(nodo.value))
    valores: dict[str, set[str]] = {}

    def iterable(n):
        """Textos que toma cada elemento de ``n``; con ``zip``/``enumerate``, una lista por posición."""
        if isinstance(n, ast.Name):
            return listas.get(n.id, set())
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("items", "keys"):
            return iterable(n.func.value)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "sorted" and n.args:
            return iterable(n.args[0])
        return _constantes(n)

    def ligar(objetivo, n):
        if isinstance(objetivo, ast.Name):
            if posibles := iterable(n):
                valores.setdefault(objetivo.id, set()).update(posibles)
            return
        elts = getattr(objetivo, "elts", [])
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "zip":
            for e, a in zip(elts, n.args):
                ligar(e, a)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "enumerate" and n.args:
            if len(elts) == 2:
                ligar(elts[1], n.args[0])
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "items" and elts:
            ligar(elts[0], n)   # `for clave, valor in d.items()`: la clave toma los textos de las claves

    for nodo in ast.walk(arbol):
        if isinstance(nodo, (ast.For, ast.comprehension)):
            ligar(nodo.target, nodo.iter)
        elif isinstance(nodo, ast.Assign):
            for t in nodo.targets:
                if isinstance(t, ast.Name) and isinstance(nodo.value, ast.Constant) and isinstance(nodo.value.value, str):
                    valores.setdefault(t.id, set()).add(nodo.value.value)
    return valores


def problemas_codigo(codigo: str, valores: dict[str, set[str]] | None = None) -> list[str]:
    """Formatos ``,`` y ``%`` en f-strings y ``format``, ``x = glue(...)`` y rótulos de figuras en inglés.

    ``valores`` (de :func:`valores_de_nombres` sobre todo el cuaderno) resuelve
    nombres como ``ax.set_title(activacion)`` dentro de ``for activacion in ["relu", …]``.
    """
    out = []
    try:
        arbol = ast.parse(_limpiar_magias(codigo))
    except SyntaxError:
        if re.search(r"(?<![=!<>])=\s*(?:\w+\.)?glue\(", codigo):
            out.append("`x = glue(...)`: glue no devuelve nada; asigna el valor antes y luego llama a glue")
        return out
    valores = valores if valores is not None else valores_de_nombres(arbol)
    for spec, linea in _formatos(arbol):
        if "," in spec or "_" in spec:
            out.append(f"línea {linea}: formato «:{spec}» separa miles con coma; usa utils.book.number "
                       "o utils.counting.group_digits")
        if spec.endswith("%"):
            out.append(f"línea {linea}: formato «:{spec}» pega «%» al número; usa utils.book.percent")
    for nodo in ast.walk(arbol):
        if isinstance(nodo, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            v = nodo.value
            if isinstance(v, ast.Call) and (getattr(v.func, "id", None) == "glue" or getattr(v.func, "attr", None) == "glue"):
                out.append(f"línea {nodo.lineno}: `x = glue(...)`: glue no devuelve nada; "
                           "escribe `x = valor` y luego `glue(\"nombre\", x)`")
        if isinstance(nodo, ast.Call) and getattr(nodo.func, "attr", None) in ("fit", "evaluate"):
            claves = {k.arg: k.value for k in nodo.keywords}
            de_keras = nodo.func.attr == "evaluate" or claves.keys() & {"epochs", "batch_size", "validation_data",
                                                                        "validation_split", "callbacks"}
            v = claves.get("verbose")
            callado = isinstance(v, ast.Constant) and v.value in (0, False) or (v is not None and not isinstance(v, ast.Constant))
            if de_keras and not callado:
                out.append(f"línea {nodo.lineno}: `{nodo.func.attr}(...)` sin verbose=0 imprime el registro de Keras "
                           "en inglés («Epoch 1/4 … loss: …»); usa verbose=0 y un resumen en español")
        if isinstance(nodo, ast.Call):
            nombre = getattr(nodo.func, "attr", None) or getattr(nodo.func, "id", None)
            argumentos = list(nodo.args) if nombre in FUNCIONES_ROTULO else []
            argumentos += [k.value for k in nodo.keywords if k.arg in ("label", "labels", "title", "xlabel", "ylabel")]
            for a in argumentos:
                for texto in _textos_posibles(a, valores):
                    # «ReLU» (con mayúsculas) es el nombre del libro; «relu», el de Keras.
                    if isinstance(texto, str) and texto.strip().lower() in ROTULOS_INGLES and "ReLU" not in texto:
                        out.append(f"línea {nodo.lineno}: rótulo en inglés «{texto.strip()}» en {nombre or 'una figura'}(…): "
                                   "usa el nombre del libro («sigmoide», «ReLU», «predicciones», «pérdida»…)")
    return out


def fuente(celda: dict) -> str:
    s = celda.get("source", "")
    return s if isinstance(s, str) else "".join(s)


def problemas_cuaderno_fuente(nb: dict) -> list[str]:
    """Todas las comprobaciones de fuente sobre un cuaderno (``dict`` de nbformat)."""
    codigo_total = "\n".join(_limpiar_magias(fuente(c)) for c in nb["cells"] if c["cell_type"] == "code")
    try:
        valores = valores_de_nombres(ast.parse(codigo_total))
    except SyntaxError:
        valores = {}
    out = []
    for i, celda in enumerate(nb["cells"]):
        texto = fuente(celda)
        donde = f"celda {i} ({celda.get('id', 'sin id')})"
        problemas = problemas_registro(texto)
        if celda["cell_type"] == "markdown":
            problemas += problemas_numeros_prosa(texto)
        elif celda["cell_type"] == "code":
            problemas += problemas_codigo(texto, valores)
            problemas += [f"decimal con coma en LaTeX «{m.group(0)}»" for m in _LATEX_COMA_RE.finditer(texto)]
        out += [f"{donde}: {p}" for p in problemas]
    return out


def problemas_markdown(texto: str) -> list[str]:
    """Comprobaciones de fuente sobre una página ``.md`` (registro y números)."""
    return problemas_registro(texto) + problemas_numeros_prosa(texto)


# ---------------------------------------------------------------------------
# Salidas de un cuaderno ejecutado
# ---------------------------------------------------------------------------
REGISTROS_KERAS = [
    (re.compile(r"\bEpoch \d+/\d+"), "«Epoch n/m» de Keras"),
    (re.compile(r"\b(?:val_)?(?:loss|accuracy|acc|mae|mse)\s*:\s*[-\d.]"), "métricas de Keras («loss:», «accuracy:»)"),
    (re.compile(r"\d+/\d+\s+━|━+\s+\d+m?s\b|\d+/\d+ \[=*>?\.*\]|\bms/step\b|\bs/step\b|\bus/step\b"),
     "barra de progreso de Keras"),
    (re.compile(r"Total params:|Trainable params:|Layer \(type\)|Output Shape|Param #"),
     "resumen de Keras en inglés (model.summary(); usa una tabla en español, como utils.counting)"),
]
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TRAZA_RE = re.compile(r"Traceback \(most recent call last\)|^-{20,}\n\w+(?:Error|Exception)", re.MULTILINE)
_RUTAS_GENERICAS = re.compile(r"(?<![\w.~])(?:/(?:work|root|home|tmp|Users|mnt|opt|var|private|srv)/[\w.\-/]*"
                              r"|[A-Za-z]:\\\\?[\w.\- ]+\\)")
# Un error de red nunca es «el punto» de una celda: aunque lleve raises-exception, va offline_note.
_ERROR_DE_RED_RE = re.compile(r"DatasetUnavailable|URLError|HTTPError|ConnectionError|gaierror|"
                              r"sin conexión|conexión a Internet|no hay conexión|necesita Internet|no hay red|network is unreachable|"
                              r"URL fetch failure|urlopen|name resolution|Name or service not known", re.IGNORECASE)
# Tipos MIME cuyo texto se revisa (las figuras y los widgets no).
_MIME_TEXTO = ("text/plain", "text/html", "text/markdown", "text/latex")


def rutas_de_la_maquina() -> list[str]:
    """Raíz del repositorio, carpeta personal y temporal: no deben aparecer en ninguna salida."""
    raiz = Path(__file__).resolve().parent.parent
    candidatas = {str(raiz), str(raiz.parent), os.path.expanduser("~"), tempfile.gettempdir(), "/tmp"}
    return sorted((r for r in candidatas if r and r not in ("/", ".")), key=len, reverse=True)


def _texto(x) -> str:
    return x if isinstance(x, str) else "".join(x)


def textos_de_salida(salida: dict) -> list[tuple[str, str]]:
    """(tipo, texto) de una salida: el flujo, cada tipo MIME de texto o la traza de un error."""
    t = salida.get("output_type")
    if t == "stream":
        return [(f"stream {salida.get('name', '')}".strip(), _ANSI_RE.sub("", _texto(salida.get("text", ""))))]
    if t == "error":
        traza = "\n".join(_texto(x) for x in salida.get("traceback", []))
        return [("error", _ANSI_RE.sub("", f"{salida.get('ename', '')}: {salida.get('evalue', '')}\n{traza}"))]
    datos = salida.get("data", {})
    # Con text/html la página muestra el HTML: su text/plain (la misma tabla) no se revisa dos veces.
    tipos = [m for m in _MIME_TEXTO if m in datos and not (m == "text/plain" and "text/html" in datos)]
    return [(mime, _ANSI_RE.sub("", _texto(datos[mime]))) for mime in tipos]


def _sin_html(texto: str) -> str:
    texto = re.sub(r"<(style|script)\b.*?</\1>", " ", texto, flags=re.DOTALL | re.IGNORECASE)
    texto = re.sub(r"<[^>]+>", " ", texto)
    return texto.replace("&nbsp;", NBSP).replace("&#160;", NBSP)


def problemas_numeros_salida(texto: str) -> list[str]:
    """Convención numérica en un texto de salida: miles, coma decimal y «%»."""
    out = []
    limpio = _RUTAS_GENERICAS.sub(" ", texto)
    for m in _MILES_SIN_AGRUPAR_RE.finditer(limpio):
        out.append(f"entero sin agrupar «{m.group(0)}» en «…{_contexto(limpio, m)}…»")
    for m in re.finditer(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])", limpio):
        out.append(f"miles con coma «{m.group(0)}» en «…{_contexto(limpio, m)}…»")
    for m in re.finditer(r"(?<![\w.,])\d+,\d{1,2}(?!\d)(?![\w])|(?<![\w.,])\d+,\d{4,}(?![\w,])", limpio):
        out.append(f"coma decimal «{m.group(0)}» en «…{_contexto(limpio, m)}…»")
    for m in _PCT_PEGADO_RE.finditer(limpio):
        out.append(f"«%» sin espacio en «…{_contexto(limpio, m)}…»")
    return out


REGLAS_SALIDA = ("valores", "rutas", "registros", "errores", "numeros")


def problemas_salidas(nb: dict, rutas: list[str] | None = None, reglas=REGLAS_SALIDA) -> list[str]:
    """Problemas en las salidas de un cuaderno **ejecutado** (``dict`` de nbformat).

    1. ``execute_result`` en una celda sin la etiqueta ``show-result`` (valor suelto);
    2. rutas absolutas de la máquina (``rutas``; por defecto :func:`rutas_de_la_maquina`,
       más ``/work``, ``/root``, ``/home``, ``/tmp``…);
    3. registros de Keras en inglés («Epoch 1/4», «loss:», barras de progreso);
    4. errores fuera de las celdas ``raises-exception``;
    5. enteros de cinco o más cifras sin agrupar, miles con coma, coma decimal y «%» sin espacio.

    ``reglas`` elige cuáles revisar (``"valores"``, ``"rutas"``, ``"registros"``,
    ``"errores"``, ``"numeros"``); por defecto, todas.
    """
    rutas = rutas_de_la_maquina() if rutas is None else rutas
    out = []
    for i, celda in enumerate(nb.get("cells", [])):
        if celda.get("cell_type") != "code":
            continue
        etiquetas = set(celda.get("metadata", {}).get("tags", []))
        donde = f"celda {i} ({celda.get('id', 'sin id')})"
        for salida in celda.get("outputs", []):
            tipo = salida.get("output_type")
            if "valores" in reglas and tipo == "execute_result" and "show-result" not in etiquetas:
                plano = _texto(salida.get("data", {}).get("text/plain", ""))[:80]
                out.append(f"{donde}: valor suelto bajo la celda (execute_result sin la etiqueta show-result): {plano!r}")
            if "errores" in reglas and tipo == "error" and "raises-exception" not in etiquetas:
                out.append(f"{donde}: error {salida.get('ename')}: {_texto(salida.get('evalue', ''))[:120]} "
                           "(sin la etiqueta raises-exception; sin red, usa utils.book.offline_note)")
            elif ("errores" in reglas and tipo == "error"
                  and _ERROR_DE_RED_RE.search(f"{salida.get('ename', '')} {_texto(salida.get('evalue', ''))}")):
                out.append(f"{donde}: error de red {salida.get('ename')} mostrado como traza (aunque lleve "
                           "raises-exception): comprueba con utils.data.dataset_available y usa utils.book.offline_note")
            # Un listado de código (show_source) no es prosa: sus números no siguen la convención.
            listado = 'class="highlight"' in _texto(salida.get("data", {}).get("text/html", ""))
            for mime, texto in textos_de_salida(salida):
                if mime == "text/html":
                    texto = _sin_html(texto)
                if ("errores" in reglas and tipo != "error" and "raises-exception" not in etiquetas
                        and _TRAZA_RE.search(texto)):
                    out.append(f"{donde}: traza de error en la salida ({mime})")
                vistas = set()
                for r in rutas if "rutas" in reglas else []:
                    if r in texto and not any(r in v for v in vistas):
                        vistas.add(r)
                        out.append(f"{donde}: ruta de la máquina «{r}» en la salida ({mime})")
                for m in _RUTAS_GENERICAS.finditer(texto) if "rutas" in reglas else []:
                    if not any(v in m.group(0) or m.group(0) in v for v in vistas):
                        vistas.add(m.group(0))
                        out.append(f"{donde}: ruta de la máquina «{m.group(0)[:80]}» en la salida ({mime})")
                for patron, que in REGISTROS_KERAS if "registros" in reglas else []:
                    if m := patron.search(texto):
                        out.append(f"{donde}: {que} en la salida: «{_contexto(texto, m, 20)}» (usa verbose=0)")
                if "numeros" in reglas and mime not in ("error", "text/latex") and not listado:
                    out += [f"{donde}: {p}" for p in problemas_numeros_salida(texto)]
                if "numeros" in reglas and mime == "text/latex":
                    out += [f"{donde}: decimal con coma en LaTeX «{m.group(0)}»" for m in _LATEX_COMA_RE.finditer(texto)]
    return out


def corregir_archivo(ruta: Path) -> bool:
    """Aplica :func:`corregir_espacios` a una página ``.md`` o a las celdas de texto de un cuaderno.

    Devuelve ``True`` si cambió algo. Los cuadernos se escriben con ``utils.notebooks.dumps``.
    """
    ruta = Path(ruta)
    if ruta.suffix == ".ipynb":
        from utils import notebooks

        nb = notebooks.load(ruta)
        cambio = False
        for celda in nb["cells"]:
            if celda["cell_type"] == "markdown":
                nuevo = corregir_espacios(fuente(celda))
                if nuevo != fuente(celda):
                    celda["source"], cambio = nuevo, True
        if cambio:
            ruta.write_text(notebooks.dumps(nb), encoding="utf-8")
        return cambio
    texto = ruta.read_text(encoding="utf-8")
    nuevo = corregir_espacios(texto)
    if nuevo != texto:
        ruta.write_text(nuevo, encoding="utf-8")
    return nuevo != texto


def problemas_pagina(datos: dict, reglas=("valores", "registros", "errores", "numeros")) -> list[str]:
    """Lo que ve el lector en una página del sitio (lo que recoge la prueba en Chromium).

    ``datos`` trae ``celdas`` (por celda de código: ``etiquetas``, ``sueltos`` —textos de
    salidas ``text_plain``—, ``trazas`` y ``registros`` —salidas de error y de stderr—,
    y ``texto`` —todo lo que muestra debajo—), ``prosa`` (el texto fuera de las celdas,
    con los valores de glue) y ``tex`` (el LaTeX de cada fórmula).
    """
    out = []
    for c in datos.get("celdas", []):
        etiquetas = set(c.get("etiquetas", []))
        donde = f"celda {c.get('i', '?')}"
        texto = c.get("texto", "")
        if "valores" in reglas and "show-result" not in etiquetas:
            out += [f"{donde}: valor suelto bajo la celda: {s[:80]!r}" for s in c.get("sueltos", [])]
        if "registros" in reglas:
            for patron, que in REGISTROS_KERAS:
                if m := patron.search(texto):
                    out.append(f"{donde}: {que}: «{_contexto(texto, m, 20)}»")
            if c.get("registros"):
                out.append(f"{donde}: {c['registros']} salidas de stderr (registros de bibliotecas) a la vista")
        if "errores" in reglas and (c.get("trazas") or _TRAZA_RE.search(texto)):
            if "raises-exception" not in etiquetas:
                out.append(f"{donde}: traza de error a la vista (sin conexión, usa utils.book.offline_note)")
            elif _ERROR_DE_RED_RE.search(texto):
                out.append(f"{donde}: traza de un error de red (usa utils.book.offline_note, no raises-exception)")
    if "numeros" in reglas:
        out += [f"texto: {p}" for p in problemas_numeros_salida(datos.get("prosa", ""))]
        for formula in datos.get("tex", []):
            out += [f"fórmula «{formula[:50]}»: decimal con coma «{m.group(0)}»" for m in _LATEX_COMA_RE.finditer(formula)]
            out += [f"fórmula «{formula[:50]}»: «%» sin \\," for m in _LATEX_PCT_RE.finditer(formula)
                    if not m.group(0).replace(" ", "").endswith("\\,\\%")]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__)
        return 2
    if argv[0] == "--corregir-espacios":
        for ruta in argv[1:]:
            print(f"{ruta}: {'corregido' if corregir_archivo(Path(ruta)) else 'sin cambios'}")
        return 0
    total = 0
    for ruta in argv:
        nb = json.loads(Path(ruta).read_text(encoding="utf-8"))
        problemas = problemas_cuaderno_fuente(nb) + problemas_salidas(nb)
        total += len(problemas)
        print(f"== {ruta}: {len(problemas)} problemas")
        print("\n".join(problemas))
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
