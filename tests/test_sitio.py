"""Pruebas de las extensiones del sitio (``_ext/``): soluciones, botones, bibliografía y páginas ligeras."""

import sys
from pathlib import Path

import pytest

from utils import notebooks

sys.path.insert(0, str(notebooks.ROOT / "_ext"))
import bibliografia_es  # noqa: E402
import rendimiento  # noqa: E402
import sitio  # noqa: E402


def test_solutions_lose_markers_and_fold_with_their_output():
    nb = {"cells": [
        {"cell_type": "code", "metadata": {"tags": ["hide-input"], "curso": {"ejercicio": "f"}},
         "source": ["def f():\n", "    ### BEGIN SOLUTION\n", "    return 1\n", "    ### END SOLUTION\n"]},
        {"cell_type": "code", "metadata": {}, "source": "x = 1"},
    ]}
    assert sitio.preparar_soluciones(nb)
    sol, otra = nb["cells"]
    assert "SOLUTION" not in sol["source"] and "return 1" in sol["source"]
    assert "hide-cell" in sol["metadata"]["tags"] and "hide-input" not in sol["metadata"]["tags"]
    assert sol["metadata"]["mystnb"]["code_prompt_show"] == "Mostrar solución"
    assert otra["metadata"] == {}, "una celda que no es solución no cambia"
    assert not sitio.preparar_soluciones({"cells": [otra]})


def test_lab_pages_launch_the_student_copy(tmp_path):
    (tmp_path / "labs" / notebooks.STUDENT_DIR).mkdir(parents=True)
    (tmp_path / "labs" / notebooks.STUDENT_DIR / "lab09_x.ipynb").write_text("{}")
    assert sitio.cuaderno_estudiante(tmp_path, "labs/lab09_x") == f"labs/{notebooks.STUDENT_DIR}/lab09_x.ipynb"
    assert sitio.cuaderno_estudiante(tmp_path, "chapters/01_neurona") is None
    assert sitio.cuaderno_estudiante(tmp_path, "labs/lab10_sin_copia") is None


def test_issue_link_is_spanish():
    url = sitio.issue_url("https://github.com/o/r", "chapters/01_neurona")
    assert url.startswith("https://github.com/o/r/issues/new?title=Error%20en%20la%20p%C3%A1gina")
    assert "Issue" not in url and "Your" not in url


def test_scripts_deduplicated_and_local_only():
    from sphinx.builders.html._assets import _JavaScript

    scripts = [_JavaScript("a.js"), _JavaScript("a.js?v=2"), _JavaScript("https://cdn.example/x.js"),
               _JavaScript(None, body="var x = 1;"), _JavaScript(None, body="var x = 1;"),
               _JavaScript(None, type="application/vnd.jupyter.widget-state+json", body="{}"),
               _JavaScript(None, body='const THEBE_JS_URL = "u"'), _JavaScript("_static/sphinx-thebe.js")]
    limpios = sitio._limpiar(scripts)
    assert [s.filename for s in limpios] == ["a.js", None]
    assert len(sitio._limpiar(scripts, con_thebe=True)) == 4


@pytest.fixture(scope="module")
def referencias():
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    bibliografia_es.registrar()
    estilo = find_plugin("pybtex.style.formatting", "autor_anio_es")()
    bib = parse_file(str(notebooks.ROOT / "references.bib"))
    return [(e.label, e.text.render_as("text")) for e in estilo.format_entries(bib.entries.values())]


def test_bibliography_style_is_spanish_author_year(referencias):
    etiquetas = [etiqueta for etiqueta, _ in referencias]
    assert len(set(etiquetas)) == len(etiquetas), "dos obras con la misma etiqueta"
    for etiqueta, texto in referencias:
        assert etiqueta.split(", ")[-1][:4].isdigit(), f"etiqueta sin año: {etiqueta}"
        sin_titulo = texto.split(". ", 1)[0]  # autores: aquí no debe quedar «and»
        assert " and " not in sin_titulo, texto
        for ingles in ("In Proceedings", " edition", "volume ", "URL:", "Imagenet"):
            assert ingles not in texto, f"{etiqueta}: «{ingles}» en «{texto}»"
    apellidos = [e.split(",")[0].split(" ")[0] for e in etiquetas]
    assert apellidos.index("Géron") < apellidos.index("Glorot"), "el orden alfabético ignora las tildes"


# ---------------------------------------------------------------------------
# Páginas ligeras (_ext/rendimiento.py)
# ---------------------------------------------------------------------------

def _fontawesome_js():
    import pydata_sphinx_theme

    ruta = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
            / "scripts" / "fontawesome.js")
    if not ruta.is_file():
        pytest.skip("el tema no trae fontawesome.js")
    return ruta


def test_theme_icons_become_inline_svg():
    paquetes = rendimiento.iconos_font_awesome(_fontawesome_js())
    assert {"fas", "far", "fab"} <= set(paquetes)
    html = ('<a><i class="fa-solid fa-magnifying-glass fa-lg"></i></a><i class="fab fa-github"></i>'
            '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="claro"></i>'
            '<i class="fas fa-search"></i>')
    nuevo = rendimiento.reemplazar_iconos(html, paquetes)
    assert "<i " not in nuevo and nuevo.count("<svg ") == 4 and nuevo.count("<path ") == 4
    assert 'data-mode="light"' in nuevo and 'class="theme-switch fa-solid fa-sun fa-lg svg-inline--fa"' in nuevo
    assert paquetes["fas"]["search"] == paquetes["fas"]["magnifying-glass"], "los alias también valen"
    assert rendimiento.svg_icono("fa-solid fa-no-existe-esto", paquetes) is None


def test_scripts_deferred_and_search_index_only_on_search_page():
    html = ('<script src="_static/documentation_options.js?v=1"></script>\n'
            '<script defer src="_static/scripts/fontawesome.js?d=1"></script>\n'
            '<script src="_static/doctools.js?v=2"></script>\n'
            '<script>DOCUMENTATION_OPTIONS.pagename = "x";</script>\n'
            '<script async src="a.js"></script>\n'
            '<script src="searchindex.js"></script>')
    nuevo = rendimiento.ajustar_scripts(html, "const DOCUMENTATION_OPTIONS = {};", es_busqueda=False)
    assert "<script>const DOCUMENTATION_OPTIONS = {};</script>" in nuevo
    assert "fontawesome" not in nuevo and "searchindex" not in nuevo
    assert '<script defer src="_static/doctools.js?v=2">' in nuevo and '<script async src="a.js">' in nuevo
    assert "searchindex.js" in rendimiento.ajustar_scripts(html, None, es_busqueda=True)


def test_figures_get_size_and_lazy_loading(tmp_path):
    from PIL import Image

    (tmp_path / "_images").mkdir()
    Image.new("RGB", (64, 32)).save(tmp_path / "_images" / "a.png")
    Image.new("RGB", (10, 20)).save(tmp_path / "_images" / "b.png")
    html = ('<img alt="Logotipo" src="_static/logo.png" />'
            '<img alt="Primera figura" src="_images/a.png" /><img alt="Segunda" src="_images/b.png">')
    nuevo = rendimiento.ajustar_imagenes(html, tmp_path / "pagina.html")
    logo, a, b = nuevo.split("<img")[1:]
    assert "width" not in logo and "loading" not in logo
    assert 'width="64" height="32"' in a and "loading" not in a and 'decoding="async"' in a
    assert 'width="10" height="20"' in b and 'loading="lazy"' in b
    assert rendimiento.ajustar_imagenes(nuevo, tmp_path / "pagina.html") == nuevo, "aplicarlo dos veces no cambia nada"


def test_theme_decided_before_first_paint():
    """El script del <head> fija ya data-theme a light/dark: el del tema no lo cambia al cargar
    (cambiarlo obligaba a recalcular el estilo de toda la página)."""
    cabecera = ('<script data-cfasync="false">\n    document.documentElement.dataset.mode = '
                'localStorage.getItem("mode") || "auto";\n    document.documentElement.dataset.theme = '
                'localStorage.getItem("theme") || "auto";\n  </script>')
    nuevo = rendimiento.tema_antes_de_dibujar(cabecera)
    assert 'localStorage.getItem("theme") || "auto";\n' not in nuevo, "el tema sigue quedando en «auto»"
    assert 'prefers-color-scheme: dark' in nuevo and "d.dataset.theme = t" in nuevo
    assert rendimiento.tema_antes_de_dibujar(nuevo) == nuevo, "aplicarlo dos veces no cambia nada"


def test_highlighted_code_drops_spans_that_change_nothing():
    """Solo se quitan los <span> de Pygments cuyo estilo es el del bloque, en todos los temas."""
    css = ('html[data-theme="light"] .highlight { background: #fefefe; color: #080808 }\n'
           'html[data-theme="dark"] .highlight { background: #2b2b2b; color: #F8F8F2 }\n'
           'html[data-theme="light"] .highlight .n { color: #080808 }\n'
           'html[data-theme="dark"] .highlight .n { color: #F8F8F2 }\n'
           'html[data-theme="light"] .highlight .p { color: #080808 }\n'
           'html[data-theme="dark"] .highlight .p { color: #ABE338 }\n'
           'html[data-theme="light"] .highlight .k { color: #080808; font-weight: bold }\n'
           'html[data-theme="dark"] .highlight .k { color: #F8F8F2; font-weight: bold }\n')
    simples = rendimiento.clases_sin_estilo_propio(css)
    assert simples == {"n"}, f"clases sin estilo propio: {sorted(simples)} (se esperaba solo «n»)"
    html = ('<div class="highlight"><pre><span></span><span class="k">def</span> <span class="n">f</span>'
            '<span class="p">(</span><span class="n">x</span><span class="p">):</span></pre></div>'
            '<p><span class="n">fuera del código</span></p>')
    nuevo = rendimiento.codigo_con_menos_nodos(html, simples)
    assert '<span class="k">def</span> f<span class="p">(</span>x<span class="p">):</span>' in nuevo
    assert '<p><span class="n">fuera del código</span></p>' in nuevo, "solo dentro de los bloques de código"


def test_animation_frames_leave_the_page(tmp_path):
    """Los cuadros de una animación (to_jshtml) pasan a archivos de _images/; la imagen lleva
    texto alternativo en español y tamaño, y el deslizador una etiqueta."""
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, format="PNG")
    datos = base64.b64encode(buf.getvalue()).decode()
    partido = datos[:20] + "\\\n" + datos[20:]
    html = ('<div class="animation">\n  <img id="_anim_imgabc123">\n'
            '    <input id="_anim_sliderabc123" type="range" class="anim-slider">\n</div>\n'
            '<script language="javascript">\n  (function() {\n    var frames = new Array(2);\n'
            f'  frames[0] = "data:image/png;base64,{partido}"\n'
            f'  frames[1] = "data:image/png;base64,{datos}"\n'
            '    setTimeout(function() { anim = new Animation(frames, "a", "b", 100, "c"); }, 0);\n  })()\n</script>')
    (tmp_path / "chapters").mkdir()
    nuevo = rendimiento.animaciones_ligeras(html, tmp_path / "chapters" / "x.html", tmp_path)
    assert "base64" not in nuevo, "los cuadros siguen dentro de la página"
    archivos = sorted((tmp_path / "_images").glob("animacion_*.png"))
    assert len(archivos) == 1, f"se esperaba un archivo (los dos cuadros son iguales): {archivos}"
    assert f'frames[0] = "../_images/{archivos[0].name}"' in nuevo
    assert 'width="40" height="30"' in nuevo and 'alt="Cuadro actual de la animación' in nuevo
    assert 'type="range" aria-label="Cuadro de la animación"' in nuevo


def test_third_party_css_keeps_only_rules_the_site_can_use():
    fichas = frozenset({"nav", "show", "bd-article"})
    css = (".nav.show>a{color:red}.navbar-dark a{color:blue}a:not(.btn){x:y}:is(.zz,.nav) b{x:y}"
           ".zz,.nav{margin:0}#bd-article{x:y}#otro{x:y}[data-x=y]{x:y}"
           "@media (min-width:10px){.zz{x:y}.nav{x:y}}@media print{.zz{x:y}}"
           "@font-face{font-family:F;src:url(f.woff2)}@keyframes giro{to{transform:rotate(1turn)}}")
    out = rendimiento.recortar_css(css, fichas)
    for queda in (".nav.show>a{", "a:not(.btn){", ":is(.zz,.nav) b{", "#bd-article{", "[data-x=y]{",
                  "@media (min-width:10px){.nav{", "@font-face{", "@keyframes giro{"):
        assert queda in out, f"se perdió {queda!r}: {out}"
    for sale in (".navbar-dark", "#otro", "@media print", ".zz{", ".zz,.nav{"):
        assert sale not in out, f"sobra {sale!r}: {out}"
    assert ".nav{margin:0}" in out, "de una lista de selectores quedan los que se usan"
    assert rendimiento.recortar_css(out, fichas) == out, "recortar dos veces no cambia nada"


def test_theme_css_and_script_patches_match_the_installed_theme():
    """Si cambia la versión del tema, los parches dejan de aplicarse: esta prueba lo avisa."""
    import pydata_sphinx_theme

    base = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    js = (base / "scripts" / "pydata-sphinx-theme.js").read_text(encoding="utf-8")
    nuevo = rendimiento.tema_sin_relecturas(js)
    assert nuevo is not None, "el script del tema cambió: revisa tema_sin_relecturas"
    assert "checkVisibility({contentVisibilityAuto:!0})" in nuevo and "contentvisibilityautostatechange" in nuevo
    assert ".forEach(e=>{e.tabIndex=e.scrollWidth" not in nuevo, "quedó la versión que relee la disposición"
    html = '<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />'
    assert rendimiento.hoja_basica_directa(html) == '<link href="../_static/basic.css?digest=1" rel="stylesheet" />'
    css = (base / "styles" / "theme.css").read_text(encoding="utf-8")
    assert '@import "../basic.css"' in css and "{" not in css, "theme.css ya no es solo el @import de basic.css"


def test_png_figures_are_served_as_webp(tmp_path):
    import numpy as np
    from PIL import Image

    imagenes = tmp_path / "_images"
    imagenes.mkdir()
    rng = np.random.default_rng(0)
    suave = np.repeat(np.linspace(0, 255, 400, dtype=np.uint8)[None, :, None], 300, axis=0).repeat(3, axis=2)
    foto = (0.8 * suave + 0.2 * rng.integers(0, 256, (300, 400, 3))).astype(np.uint8)  # PNG pesado
    grafico = np.full((300, 400, 3), 255, np.uint8)                                      # fondo blanco...
    for k in range(40):                                                                  # ...y trazos
        grafico[rng.integers(0, 300), :] = rng.integers(0, 200, 3)
        grafico[:, rng.integers(0, 400)] = rng.integers(0, 200, 3)
    grafico[::7, ::5] = rng.integers(0, 256, (43, 80, 3))
    Image.fromarray(foto).save(imagenes / "foto.png")
    Image.fromarray(grafico).save(imagenes / "grafico.png")
    Image.fromarray(suave[:40, :40]).save(imagenes / "chica.png")
    assert (imagenes / "foto.png").stat().st_size > rendimiento.PNG_PESADO
    assert rendimiento.PNG_MINIMO < (imagenes / "grafico.png").stat().st_size < rendimiento.PNG_PESADO
    pagina = tmp_path / "chapters" / "x.html"
    pagina.parent.mkdir()
    html = ('<img alt="a" src="../_images/foto.png" /><img alt="b" src="../_images/grafico.png" />'
            '<img alt="c" src="../_images/chica.png" />')
    nuevo = rendimiento.figuras_webp(html, pagina)
    assert 'src="../_images/foto.webp"' in nuevo and 'src="../_images/grafico.webp"' in nuevo
    assert 'src="../_images/chica.png"' in nuevo, "un PNG pequeño queda como está"
    for nombre in ("foto", "grafico"):
        assert (imagenes / f"{nombre}.webp").stat().st_size < 0.8 * (imagenes / f"{nombre}.png").stat().st_size
    with Image.open(imagenes / "grafico.webp") as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), grafico), "un gráfico va sin pérdida"
    with Image.open(imagenes / "foto.webp") as im:
        assert im.size == (400, 300)


def test_display_equations_carry_their_measured_width():
    import formulas_anchas

    eq = '<span class="katex-display"><span class="katex"><span>a</span></span></span>'
    otra = eq.replace(">a<", ">b<")
    html = f"<p>a</p>{eq}<div>{otra}</div>"
    trozos = [html[i:j] for i, j in formulas_anchas.ecuaciones_en_bloque(html)]
    assert trozos == [eq, otra]
    marcado = formulas_anchas.marcar_anchos(html, {eq: 10.0})
    assert marcado.count('style="--ancho:10.200"') == 1, "el ancho lleva el margen HOLGURA"
    assert otra in marcado, "una ecuación sin medida queda como estaba"
    assert formulas_anchas.marcar_anchos(marcado, {eq: 10.0}) == marcado
    css = (notebooks.ROOT / "_static" / "curso.css").read_text(encoding="utf-8")
    assert "container-type: inline-size" in css and "100cqi / var(--ancho)" in css


def test_bibliography_cites_published_venues(referencias):
    """Las obras publicadas salen con su congreso o revista, no como «arXiv preprint» (norma 10;
    tests/test_normas.py revisa todas las entradas)."""
    esperado = {"Deep Residual Learning": ("CVPR", "2016"), "Batch Normalization": ("ICML", "2015"),
                "Learning Phrase Representations": ("EMNLP", "2014"),
                "A Decision-Theoretic Generalization": ("Journal of Computer and System Sciences", "1997"),
                "Perceptrons": ("MIT Press", "1969")}
    for titulo, (sede, anio) in esperado.items():
        texto = next((t for _, t in referencias if titulo in t), None)
        assert texto is not None, f"falta «{titulo}» en references.bib"
        assert sede in texto and anio in texto and "arXiv preprint" not in texto, \
            f"«{titulo}»: se esperaba {sede} ({anio}) en «{texto}»"


def test_computed_alt_text_reaches_the_image():
    """``utils.book.show_figure(alt=…)`` deja el texto en los metadatos de la salida; la extensión
    lo pone en la imagen que myst-nb nombró con el SHA-256 de sus bytes (norma 7: texto alternativo
    construido con los valores, no escrito a mano)."""
    import base64
    import hashlib

    from docutils import nodes
    from docutils.utils import new_document

    import alt_calculado

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(png).decode() + "\n"},
         "metadata": {"image/png": {"alt": "La pérdida baja de 0.90 a 0.12 en cinco épocas."}}},
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(b"otra").decode()}, "metadata": {}},
    ]}]}
    alts = alt_calculado.alts_de_salidas(nb)
    nombre = hashlib.sha256(png).hexdigest()
    assert alts == {nombre: "La pérdida baja de 0.90 a 0.12 en cinco épocas."}
    doc = new_document("prueba")
    doc += nodes.image(uri=f"../_build/jupyter_execute/{nombre}.png", alt="escrito a mano")
    doc += nodes.image(uri="../_build/jupyter_execute/otra.png", alt="sin cambio")
    assert alt_calculado.aplicar_alts(doc, alts) == 1
    assert [i["alt"] for i in doc.findall(nodes.image)] == ["La pérdida baja de 0.90 a 0.12 en cinco épocas.",
                                                             "sin cambio"]

    conectados = []

    class App:
        def connect(self, evento, funcion, priority=500):
            conectados.append(evento)

    sitio.setup(App())
    assert "doctree-read" in conectados, "sitio.setup no conecta el texto alternativo calculado"


def test_computed_alt_text_also_from_glued_values():
    """Cuando el cuaderno sale del caché de ejecución, el texto llega por el valor pegado «alt_<sha256>»."""
    import alt_calculado

    nombre = "ab" * 32
    glue_json = {f"alt_{nombre}": {"output_type": "display_data",
                                   "data": {"text/plain": "'La residual queda en 0.49 ± 0.01.'"}},
                 "otro_valor": {"data": {"text/plain": "0.5"}}}
    assert alt_calculado.alts_pegados(glue_json) == {nombre: "La residual queda en 0.49 ± 0.01."}


def test_show_figure_pega_el_texto_con_el_hash_de_su_imagen(monkeypatch):
    """show_figure muestra exactamente los bytes cuyo hash pega: así la extensión encuentra la imagen."""
    import hashlib

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from utils import book

    pegados, mostrados = {}, []
    monkeypatch.setattr(book, "glue", lambda nombre, valor, display=False: pegados.update({nombre: valor}))
    import IPython.display as ipd
    monkeypatch.setattr(ipd, "display", lambda obj, metadata=None: mostrados.append((obj, metadata)))
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    book.show_figure("Una recta que sube de 1 a 3 en tres puntos.", fig)
    (imagen, meta), = mostrados
    clave = "alt_" + hashlib.sha256(imagen.data).hexdigest()
    assert pegados == {clave: "Una recta que sube de 1 a 3 en tres puntos."}
    assert meta == {"image/png": {"alt": "Una recta que sube de 1 a 3 en tres puntos."}}
