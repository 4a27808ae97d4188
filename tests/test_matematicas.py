"""Todas las fórmulas del repositorio se pueden renderizar con KaTeX al construir el libro.

Recorre TODOS los cuadernos (``chapters/*.ipynb``, ``labs/*.ipynb``) y páginas
Markdown (``*.md``, ``chapters/*.md``, ``labs/*.md``) —también los que aún no están
en el índice, así un capítulo nuevo queda cubierto sin tocar esta prueba—, extrae
cada ``$…$``, ``$$…$$``, entorno de amsmath, directiva y rol ``{math}`` con el mismo
analizador que usa el libro (myst-parser) y la renderiza con el mismo KaTeX que
``_ext/matematicas.py``. Una fórmula que KaTeX no entiende se informa con su
archivo, celda y TeX. Además se construye un libro mínimo con una fórmula
incorrecta: la construcción avisa en español y esa página vuelve a MathJax.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap

import pytest

from utils import notebooks

ROOT = notebooks.ROOT
sys.path.insert(0, str(ROOT / "_ext"))
import matematicas  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("node") is None and shutil.which("nodejs") is None,
                                reason="hace falta Node.js para KaTeX (apt-get install nodejs)")


def fuentes() -> list:
    """Archivos del libro con prosa: cuadernos fuente y páginas Markdown."""
    archivos = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("labs/*.ipynb"))
    archivos += sorted(ROOT.glob("*.md")) + sorted(ROOT.glob("chapters/*.md")) + sorted(ROOT.glob("labs/*.md"))
    return [a for a in archivos if a.name != "README.md"]


def _analizador():
    import yaml
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    # Jupyter Book solo traslada a Sphinx las extensiones de `parse:`; el resto de opciones
    # de MyST vale si está en `sphinx.config` (como la leería el libro).
    sphinx = config.get("sphinx", {}).get("config", {})
    cfg = MdParserConfig(enable_extensions=set(config["parse"]["myst_enable_extensions"]),
                         dmath_double_inline=bool(sphinx.get("myst_dmath_double_inline", False)))
    return create_md_parser(cfg, RendererHTML)


def _fichas(tokens):
    for t in tokens:
        yield t
        if t.children:
            yield from _fichas(t.children)


def formulas_de(texto: str, md) -> list[tuple[str, bool]]:
    """``[(tex, en_bloque), ...]`` de un texto Markdown de MyST, como lo verá el libro."""
    out = []
    for t in _fichas(md.parse(texto)):
        if t.type in ("math_inline", "math_inline_double") or (t.type == "myst_role" and t.meta.get("name") == "math"):
            out.append((t.content, False))
        elif t.type in ("math_block", "math_block_label"):
            out.append((matematicas.tex_en_bloque(t.content), True))
        elif t.type == "amsmath":
            out.append((t.content, True))
        elif t.type == "fence" and t.info.strip() == "{math}":
            cuerpo = "\n".join(linea for linea in t.content.splitlines() if not linea.startswith(":"))
            out.append((matematicas.tex_en_bloque(cuerpo), True))
    return out


def todas_las_formulas() -> list[tuple[str, str, bool]]:
    """``[(dónde, tex, en_bloque), ...]`` de todos los archivos de :func:`fuentes`."""
    md = _analizador()
    todas = []
    for archivo in fuentes():
        rel = archivo.relative_to(ROOT).as_posix()
        if archivo.suffix == ".ipynb":
            nb = json.loads(archivo.read_text(encoding="utf-8"))
            textos = [(f"{rel}, celda {i}", "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                      for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"]
        else:
            textos = [(rel, archivo.read_text(encoding="utf-8"))]
        for donde, texto in textos:
            todas += [(donde, tex, bloque) for tex, bloque in formulas_de(texto, md)]
    return todas


def test_formula_parser_finds_every_kind():
    md = _analizador()
    texto = textwrap.dedent(r"""
        En línea $a+b$.

        $$
        x = \frac{1}{2}
        $$ (eq:uno)

        \begin{align}
        a &= b
        \end{align}

        ```{math}
        :label: eq:dos
        y = 2
        ```

        Rol {math}`z^2`.
        """)
    assert formulas_de(texto, md) == [("a+b", False), ("\nx = \\frac{1}{2}\n", True),
                                      ("\\begin{align}\na &= b\n\\end{align}", True), ("y = 2", True),
                                      ("z^2", False)]


def test_every_formula_in_the_repository_renders_with_katex():
    formulas = todas_las_formulas()
    assert sum(d.startswith("chapters/01_neurona") for d, _, _ in formulas) >= 20, \
        "el capítulo 1 debería tener decenas de fórmulas: ¿falla la extracción?"
    katex = matematicas.katex()
    fallos = []
    for donde, tex, bloque in formulas:
        try:
            html = katex.renderizar(tex, display=bloque)
        except matematicas.ErrorFormula as error:
            fallos.append(f"{donde}: {error}\n    TeX: {tex.strip()}")
            continue
        assert 'class="katex"' in html and "katex-error" not in html, (donde, tex)
    assert not fallos, (f"{len(fallos)} fórmulas que KaTeX no puede renderizar (corrígelas; "
                        "la construcción fallaría):\n" + "\n".join(fallos))


def test_book_features_render():
    """Lo que usa el libro: aligned, cases, \\operatorname, \\big, \\tfrac, \\mathbf, \\boldsymbol…"""
    katex = matematicas.katex()
    for tex in [r"\begin{aligned} a &= b \\ &= c \end{aligned}",
                r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{en otro caso} \end{cases}",
                r"\operatorname{softmax}(\mathbf{z})_i", r"\big( \tfrac{1}{2} \big)", r"\boldsymbol{\theta}",
                r"\hat{y} = \lfloor x \rfloor", matematicas.tex_en_bloque("a \\\\ b\n\nc")]:
        assert 'class="katex' in katex.renderizar(tex, display=True), tex


def test_bad_formula_is_a_clear_error():
    with pytest.raises(matematicas.ErrorFormula, match=r"\\noexiste"):
        matematicas.katex().renderizar(r"x = \noexiste{y}", display=False)


def test_build_warns_in_spanish_and_falls_back_to_mathjax(tmp_path):
    """Una fórmula que KaTeX no entiende no desaparece: aviso (error con -W) y MathJax en esa página."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "_ext")!r})
        extensions = ["myst_parser", "matematicas"]
        myst_enable_extensions = ["dollarmath", "amsmath"]
        html_math_renderer = "katex_previo"
        language = "es"
        """), encoding="utf-8")
    (src / "index.md").write_text("# Inicio\n\nBien: $a^2$.\n\n```{toctree}\nmala\n```\n", encoding="utf-8")
    (src / "mala.md").write_text("# Mala\n\nMal: $x = \\noexiste{y}$ y bien $b$.\n", encoding="utf-8")
    avisos = tmp_path / "avisos.txt"
    with avisos.open("w") as flujo:
        app = Sphinx(str(src), str(src), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                     status=None, warning=flujo, freshenv=True)
        app.build()
    texto = avisos.read_text(encoding="utf-8")
    assert "KaTeX no pudo renderizar una fórmula de la página «mala»" in texto and r"\noexiste" in texto, texto
    assert "mala.md" in texto, "el aviso debe señalar el archivo"
    mala = (tmp_path / "html" / "mala.html").read_text(encoding="utf-8")
    assert "mathjax/tex-svg.js" in mala and r"\(x = \noexiste{y}\)" in mala
    assert 'class="katex"' in mala, "las demás fórmulas de la página siguen pre-renderizadas"
    inicio = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "tex-svg.js" not in inicio and 'class="katex"' in inicio and "katex/katex.min.css" in inicio
