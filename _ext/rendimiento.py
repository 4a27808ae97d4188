"""Páginas ligeras para un teléfono con una conexión lenta (se aplica al HTML ya escrito).

- **Iconos sin ``fontawesome.js``** (1,4 MiB). Cada ``<i class="fa-solid fa-…">`` del
  tema se sustituye por su SVG en línea, tomado de los datos de Font Awesome que
  trae el propio tema: solo los iconos que usan las páginas, sin JavaScript. Un
  icono que no existe es un aviso (con ``-W``, un error).
- **Fuentes de iconos recortadas.** La hoja del tema usa las fuentes de Font Awesome
  para unos pocos iconos de CSS (avisos, desplegables, enlaces): se recortan a esos
  caracteres (de 150 KiB a unos pocos) con fontTools y la hoja apunta a la copia recortada;
  las ~2000 reglas ``.fa-nombre:before`` de la hoja del tema sobran y se quitan.
- **Ningún script que bloquee el dibujo.** ``documentation_options.js`` va en línea
  (son unas líneas y otros scripts en línea lo usan); los demás scripts externos
  llevan ``defer``. Las herramientas de búsqueda (``searchtools.js`` y el índice
  ``searchindex.js``, que crece con cada capítulo) solo se cargan en ``search.html``:
  con la búsqueda mientras se escribe apagada, las demás páginas no las usan.
- **Bibliografía accesible.** docutils marca cada obra con el rol obsoleto
  ``doc-biblioentry`` dentro de una lista (``role="list"``): pasa a ``listitem``.
- **Figuras** con ``width`` y ``height`` (el navegador reserva su sitio: nada salta
  al cargar), ``decoding="async"`` y, salvo la primera de la página, ``loading="lazy"``.
- **Menos trabajo de estilo y disposición al cargar** (lo que más frena una página larga
  en un teléfono: cada recálculo recorre los miles de nodos de las fórmulas y del código):

  * el tema claro u oscuro se decide en el ``<head>``, antes del primer dibujo. El tema
    escribía ``data-theme="auto"`` y su script lo cambiaba a ``light``/``dark`` después,
    lo que obligaba a recalcular el estilo de toda la página;
  * en el código resaltado, las piezas cuyo estilo es el mismo que el del bloque (nombres,
    puntuación, espacios: la mitad de los ``<span>`` de una página) quedan como texto
    simple. Se deduce de ``pygments.css`` en cada construcción: se ve exactamente igual.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_mod
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# Prefijos de Font Awesome 6 → conjunto de iconos (fas, far, fab).
PREFIJOS = {"fas": "fas", "fa-solid": "fas", "far": "far", "fa-regular": "far", "fab": "fab", "fa-brands": "fab"}
# Clases de Font Awesome que no nombran un icono.
MODIFICADORES = {"fa-lg", "fa-sm", "fa-xs", "fa-2x", "fa-3x", "fa-fw", "fa-spin", "fa-pulse", "fa-border",
                 "fa-inverse", "fa-xl", "fa-2xs", "fa-xxs"}
RE_ICONO = re.compile(r'<(i|span)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*?)\s+class="([^"]*\bfa-[a-z0-9-]+[^"]*)"'
                      r'((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*>\s*</\1>')
RE_ENTRADA = re.compile(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9]*)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]+",'
                        r'("[^"]*"|\[[^\]]*\])\]')
RE_PAQUETE = re.compile(r'd\("(fa[a-z])",p\)')
BUSQUEDA = ("searchtools.js", "language_data.js", "searchindex.js")


@functools.lru_cache(maxsize=4)
def iconos_font_awesome(js: Path) -> dict[str, dict[str, tuple[int, int, str]]]:
    """Lee los iconos de ``fontawesome.js``: ``{"fas": {"bars": (ancho, alto, trazado)}, ...}``.

    Incluye los alias (``search`` → ``magnifying-glass``).
    """
    texto = js.read_text(encoding="utf-8")
    paquetes: dict[str, dict] = {}
    actual: dict = {}
    fin = 0
    for m in RE_ENTRADA.finditer(texto):
        if actual and m.start() - fin > 3:  # terminó un paquete: su prefijo viene detrás
            _cerrar_paquete(texto, fin, m.start(), actual, paquetes)
            actual = {}
        nombre = m.group(1) or m.group(2)
        trazado = " ".join(re.findall(r'"([^"]*)"', m.group(6)))
        valor = (int(m.group(3)), int(m.group(4)), trazado)
        actual[nombre] = valor
        for alias in re.findall(r'"([a-z0-9-]+)"', m.group(5)):
            actual.setdefault(alias, valor)
        fin = m.end()
    if actual:
        _cerrar_paquete(texto, fin, len(texto), actual, paquetes)
    return paquetes


def _cerrar_paquete(texto, desde, hasta, actual, paquetes):
    m = RE_PAQUETE.search(texto, desde, min(hasta, desde + 2000))
    if m:
        paquetes.setdefault(m.group(1), {}).update(actual)


def svg_icono(clases: str, paquetes: dict, extra: str = "") -> str | None:
    """SVG en línea para un elemento con ``clases`` de Font Awesome; ``None`` si el icono no existe.

    >>> svg_icono("fa-solid fa-bars", {"fas": {"bars": (448, 512, "M0 0")}})
    '<svg class="fa-solid fa-bars svg-inline--fa" aria-hidden="true" focusable="false" role="img" \
xmlns="http://www.w3.org/2000/svg" viewBox="0 0 448 512"><path fill="currentColor" d="M0 0"/></svg>'
    """
    lista = clases.split()
    prefijo = next((PREFIJOS[c] for c in lista if c in PREFIJOS), "fas")
    nombres = [c[3:] for c in lista if c.startswith("fa-") and c not in PREFIJOS and c not in MODIFICADORES]
    for nombre in nombres:
        icono = paquetes.get(prefijo, {}).get(nombre)
        if icono:
            ancho, alto, trazado = icono
            return (f'<svg class="{html_mod.escape(clases)} svg-inline--fa" aria-hidden="true" focusable="false" '
                    f'role="img"{extra} xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {ancho} {alto}">'
                    f'<path fill="currentColor" d="{trazado}"/></svg>')
    return None


def reemplazar_iconos(html: str, paquetes: dict, pagina: str = "") -> str:
    def cambiar(m):
        attrs = (m.group(2) + m.group(4)).strip()
        svg = svg_icono(m.group(3), paquetes, (" " + attrs) if attrs else "")
        if svg is None:
            logger.warning("icono de Font Awesome desconocido en %s: class=%r (sin fontawesome.js no se "
                           "vería)", pagina, m.group(3), type="rendimiento", subtype="icono")
            return m.group(0)
        return svg
    return RE_ICONO.sub(cambiar, html)


def _tamano_imagen(ruta: Path) -> tuple[int, int] | None:
    try:
        if ruta.suffix.lower() == ".svg":
            cab = ruta.read_text(encoding="utf-8", errors="ignore")[:3000]
            m = re.search(r'<svg[^>]*\swidth="([\d.]+)(?:pt|px)?"[^>]*\sheight="([\d.]+)(?:pt|px)?"', cab)
            return (round(float(m.group(1))), round(float(m.group(2)))) if m else None
        from PIL import Image

        with Image.open(ruta) as im:
            return im.size
    except Exception:
        return None


def ajustar_imagenes(html: str, archivo: Path) -> str:
    """Añade ``width``/``height`` (del archivo), ``decoding="async"`` y, salvo a la primera
    figura de la página, ``loading="lazy"`` a las imágenes de contenido (``_images/``); los
    logotipos del menú del tema (``_static/images/logo_*``), ocultos al cargar, van diferidos."""
    primera = [True]

    def cambiar(m):
        etiqueta = m.group(0)
        src = re.search(r'\ssrc="([^"]+)"', etiqueta)
        if src and "_static/images/logo_" in src.group(1) and " loading=" not in etiqueta:
            # Logotipos del menú «Abrir en…» del tema: no se ven hasta abrirlo.
            return etiqueta[:4] + ' loading="lazy" decoding="async"' + etiqueta[4:]
        if not src or "_images/" not in src.group(1) or src.group(1).startswith(("http:", "https:", "data:")):
            return etiqueta
        attrs = []
        if " width=" not in etiqueta and " height=" not in etiqueta:
            tam = _tamano_imagen((archivo.parent / html_mod.unescape(src.group(1))).resolve())
            if tam:
                attrs.append(f'width="{tam[0]}" height="{tam[1]}"')
        if " decoding=" not in etiqueta:
            attrs.append('decoding="async"')
        if " loading=" not in etiqueta and not primera[0]:
            attrs.append('loading="lazy"')
        primera[0] = False
        if not attrs:
            return etiqueta
        cierre = "/>" if etiqueta.endswith("/>") else ">"
        return etiqueta[: -len(cierre)].rstrip() + " " + " ".join(attrs) + " " + cierre
    return re.sub(r"<img\s[^>]*>", cambiar, html)


# Figuras PNG: desde este tamaño se prueba WebP sin pérdida (los mismos píxeles, ~40 % del PNG en
# los gráficos de Matplotlib); desde PNG_PESADO (casi siempre fotos), también con pérdida.
PNG_MINIMO = 10_000
PNG_PESADO = 100_000


@functools.lru_cache(maxsize=None)
def version_webp(png: Path) -> bool:
    """¿Compensa servir ``png`` como WebP? Si compensa, lo escribe al lado (``.webp``) y devuelve ``True``.

    WebP sin pérdida (idéntico píxel a píxel); si el PNG pasa de ``PNG_PESADO`` bytes, con
    pérdida (calidad 85) cuando pesa menos del 60 % del sin pérdida. Compensa si pesa
    menos del 80 % del PNG.
    """
    if not png.is_file() or png.stat().st_size < PNG_MINIMO:
        return False
    webp = png.with_suffix(".webp")
    if not webp.is_file() or webp.stat().st_mtime < png.stat().st_mtime:
        import io

        from PIL import Image

        with Image.open(png) as im:
            im = im.convert("RGBA") if "A" in im.getbands() or im.mode == "P" else im.convert("RGB")
            buf = io.BytesIO()
            im.save(buf, "WEBP", lossless=True, method=4)
            mejor = buf.getvalue()
            if png.stat().st_size > PNG_PESADO:
                buf = io.BytesIO()
                im.save(buf, "WEBP", quality=85, method=6)
                if len(buf.getvalue()) < 0.6 * len(mejor):
                    mejor = buf.getvalue()
        webp.write_bytes(mejor)
    if webp.stat().st_size > 0.8 * png.stat().st_size:
        webp.unlink()
        return False
    return True


def figuras_webp(html: str, archivo: Path) -> str:
    """Las figuras PNG se sirven como WebP cuando pesa bastante menos (ver :func:`version_webp`).

    El WebP va junto al PNG, con el mismo nombre (la huella del contenido que le da
    Sphinx); el PNG sigue ahí.
    """
    def cambiar(m):
        src = m.group(2)
        if "_images/" not in src or not src.endswith(".png") or src.startswith(("http:", "https:", "data:")):
            return m.group(0)
        if not version_webp((archivo.parent / html_mod.unescape(src)).resolve()):
            return m.group(0)
        return m.group(1) + src[:-4] + ".webp" + m.group(3)
    return re.sub(r'(<img\s[^>]*?\ssrc=")([^"]+)(")', cambiar, html)


def ajustar_scripts(html: str, opciones: str | None, es_busqueda: bool) -> str:
    """Scripts sin bloquear: ``documentation_options.js`` en línea, el resto con ``defer``."""
    def cambiar(m):
        etiqueta = m.group(0)
        src = m.group(1)
        nombre = src.split("?")[0].rsplit("/", 1)[-1]
        if nombre == "fontawesome.js":
            return ""
        if nombre == "documentation_options.js" and opciones is not None:
            return "<script>" + opciones.strip() + "</script>"
        if nombre in BUSQUEDA and not es_busqueda:
            return ""
        if re.search(r"\s(defer|async)\b", etiqueta.split(">")[0]) or 'type="module"' in etiqueta:
            return etiqueta
        return etiqueta.replace("<script ", "<script defer ", 1)
    return re.sub(r'<script\b[^>]*\ssrc="([^"]+)"[^>]*>\s*</script>', cambiar, html)


def _precarga_sobrante(html: str) -> str:
    # El tema precarga fontawesome.js en algunas versiones: sin el script, sobra.
    return re.sub(r'<link rel="preload" as="script" href="[^"]*fontawesome\.js[^"]*"\s*/?>\n?', "", html)


def roles_accesibles(html: str) -> str:
    """``role="doc-biblioentry"`` (obsoleto y no válido dentro de ``role="list"``) → ``listitem``.

    >>> roles_accesibles('<div role="list"><div class="citation" role="doc-biblioentry">')
    '<div role="list"><div class="citation" role="listitem">'
    """
    return html.replace('role="doc-biblioentry"', 'role="listitem"')


_ANIMACION_ES = {
    "Decrease speed": "Más lento", "First frame": "Primer cuadro", "Previous frame": "Cuadro anterior",
    "Play backwards": "Reproducir hacia atrás", "Pause": "Pausa", "Play": "Reproducir",
    "Next frame": "Cuadro siguiente", "Last frame": "Último cuadro", "Increase speed": "Más rápido",
}


def limpiar_animaciones(html: str) -> str:
    """Animaciones de Matplotlib (``to_jshtml``): sin la hoja de estilo que piden a una CDN
    (sus iconos ya se dibujan en SVG) y con los botones en español."""
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*"\s*/?>\n?', "", html)
    if "anim-buttons" not in html:
        return html
    for en, es in _ANIMACION_ES.items():
        html = html.replace(f'title="{en}" aria-label="{en}"', f'title="{es}" aria-label="{es}"')
    for en, es in (("Once", "Una vez"), ("Loop", "En bucle"), ("Reflect", "Ida y vuelta")):
        html = re.sub(rf'(<label for="_anim_radio\d_[0-9a-f]+"\s*>){en}(</label>)', rf"\g<1>{es}\g<2>", html)
    return html


RE_TEMA = re.compile(r'document\.documentElement\.dataset\.theme = localStorage\.getItem\("theme"\) \|\| "([a-z]*)";')
TEMA_RESUELTO = ('(function () {{ var d = document.documentElement, m = d.dataset.mode, t = localStorage.getItem("theme") || "{0}"; '
                 'if (m === "light" || m === "dark") t = m; '
                 'else if (t !== "light" && t !== "dark" || m === "auto") '
                 't = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"; '
                 'd.dataset.theme = t; }})();')


def tema_antes_de_dibujar(html: str) -> str:
    """El script del ``<head>`` decide ya el tema claro u oscuro (como lo haría después el del tema).

    >>> tema_antes_de_dibujar('x; document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";')[:12]
    'x; (function'
    """
    return RE_TEMA.sub(lambda m: TEMA_RESUELTO.format(m.group(1)), html, count=1)


def clases_sin_estilo_propio(css: str) -> frozenset[str]:
    r"""Clases de Pygments que en todos los temas (claro, oscuro) solo dan al texto el mismo
    color que el bloque ``.highlight``: su ``<span>`` no cambia nada de lo que se ve.

    >>> sorted(clases_sin_estilo_propio('html[data-theme="light"] .highlight { background: #fff; color: #080808 }\n'
    ...     'html[data-theme="light"] .highlight .n { color: #080808 } /* Name */\n'
    ...     'html[data-theme="light"] .highlight .k { color: #080808; font-weight: bold }\n'
    ...     'html[data-theme="light"] .highlight .o { color: #00622F }'))
    ['n']
    """
    base, reglas = {}, {}
    for prefijo, clase, cuerpo in re.findall(r'((?:html\[data-theme="[a-z]+"\]\s*)?)\.highlight(?:\s+\.([a-zA-Z0-9]+))?\s*\{([^}]*)\}', css):
        decl = {k.strip().lower(): v.strip().lower() for k, _, v in
                (d.partition(":") for d in cuerpo.split(";") if ":" in d)}
        tema = prefijo.strip()
        if clase:
            reglas.setdefault(clase, {})[tema] = decl
        elif "color" in decl:
            base[tema] = decl["color"]
    if not base:
        return frozenset()
    simples = set()
    for clase, por_tema in reglas.items():
        if set(por_tema) - set(base):
            continue
        if all(decl == {"color": base[tema]} for tema, decl in por_tema.items()) and set(por_tema) == set(base):
            simples.add(clase)
    return frozenset(simples)


def codigo_con_menos_nodos(html: str, simples: frozenset[str]) -> str:
    """Dentro de los bloques ``<div class="highlight"><pre>``, quita los ``<span>`` de las clases ``simples``.

    >>> codigo_con_menos_nodos('<div class="highlight"><pre><span class="n">x</span><span class="o">=</span></pre></div>',
    ...                        frozenset({"n"}))
    '<div class="highlight"><pre>x<span class="o">=</span></pre></div>'
    """
    if not simples:
        return html
    span = re.compile(r'<span class="(?:' + "|".join(map(re.escape, sorted(simples))) + r')">([^<]*)</span>')
    return re.sub(r'(<div class="highlight"><pre>)(.*?)(</pre>)',
                  lambda m: m.group(1) + span.sub(r"\1", m.group(2)) + m.group(3), html, flags=re.S)


RE_CUADRO = re.compile(r'(frames\[\d+\] = )"data:image/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=\\\n]+)"')
RE_IMG_ANIMACION = re.compile(r'<img id="(_anim_img[0-9a-f]+)"\s*/?>')


def animaciones_ligeras(html: str, archivo: Path, salida: Path) -> str:
    """Animaciones de Matplotlib (``to_jshtml``) sin sus cuadros dentro de la página.

    Cada cuadro venía en la página como una imagen en base64 (cientos de KiB que el
    teléfono debía descargar antes de dibujar nada). Se guardan como archivos en
    ``_images/`` (nombre = huella del contenido) y la animación los pide al mostrarlos.
    La imagen lleva texto alternativo y tamaño (el del primer cuadro) y el deslizador una
    etiqueta accesible.
    """
    if "new Animation(" not in html:
        return html
    import base64

    imagenes = salida / "_images"
    prefijo = "../" * (len(archivo.relative_to(salida).parts) - 1) + "_images/"
    primeros: dict[str, Path] = {}

    def cuadro(m):
        datos = base64.b64decode(re.sub(r"[\\\n]", "", m.group(3)))
        ext = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg+xml": "svg"}[m.group(2)]
        nombre = f"animacion_{hashlib.sha256(datos).hexdigest()[:20]}.{ext}"
        destino = imagenes / nombre
        if not destino.is_file():
            imagenes.mkdir(parents=True, exist_ok=True)
            destino.write_bytes(datos)
        primeros.setdefault("primero", destino)
        return f'{m.group(1)}"{prefijo}{nombre}"'

    # El primer cuadro de cada animación da el tamaño de su imagen.
    partes = re.split(r"(<img id=\"_anim_img[0-9a-f]+\"\s*/?>)", html)
    for i in range(2, len(partes), 2):
        primeros.clear()
        partes[i] = RE_CUADRO.sub(cuadro, partes[i])
        tam = _tamano_imagen(primeros["primero"]) if "primero" in primeros else None
        m = RE_IMG_ANIMACION.match(partes[i - 1])
        attrs = f' width="{tam[0]}" height="{tam[1]}"' if tam else ""
        partes[i - 1] = (f'<img id="{m.group(1)}" alt="Cuadro actual de la animación: los botones de debajo la '
                         f'reproducen, la detienen o la recorren cuadro a cuadro"{attrs}>')
    html = "".join(partes)
    return re.sub(r'(<input id="_anim_slider[0-9a-f]+" type="range")', r'\1 aria-label="Cuadro de la animación"', html)


def optimizar_pagina(html: str, archivo: Path, paquetes: dict, opciones: str | None, pagina: str = "",
                     simples: frozenset[str] = frozenset(), salida: Path | None = None) -> str:
    es_busqueda = archivo.name == "search.html" and archivo.parent.name != "_static"
    html = tema_antes_de_dibujar(html)
    html = codigo_con_menos_nodos(html, simples)
    html = roles_accesibles(html)
    html = limpiar_animaciones(html)
    if salida is not None:
        html = animaciones_ligeras(html, archivo, salida)
    html = ajustar_scripts(html, opciones, es_busqueda)
    html = hoja_basica_directa(html)
    html = _precarga_sobrante(html)
    html = reemplazar_iconos(html, paquetes, pagina)
    html = figuras_webp(html, archivo)
    return ajustar_imagenes(html, archivo)


RE_REGLA = re.compile(r"([^{}]*)\{([^{}]*)\}")
RE_FUENTE_FA = re.compile(r'url\((?P<ruta>[^)]*/webfonts/(?P<nombre>fa-[a-z]+-\d+))\.woff2\) format\("woff2"\)'
                          r',\s*url\([^)]*\.ttf\) format\("truetype"\)')


def caracteres_de_iconos(css: str) -> set[int]:
    r"""Caracteres del área privada (iconos) que una hoja de estilo pinta con ``content`` o
    variables ``--pst-icon-*``, sin contar las reglas ``.fa-nombre:before`` (ya son SVG).

    >>> sorted(caracteres_de_iconos('.fa-bars:before{content:"\\f0c9"} :root{--pst-icon-x:"\\f0eb"}'))
    [61675]
    """
    out = set()
    for selector, cuerpo in RE_REGLA.findall(css):
        if re.fullmatch(r"\s*(\.fa-[a-z0-9-]+:{1,2}(before|after)\s*,?\s*)+", selector):
            continue
        for valor in re.findall(r'(?:content|--[a-z0-9-]+)\s*:\s*"([^"]*)"', cuerpo):
            valor = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(int(m.group(1), 16)), valor)
            out |= {ord(c) for c in valor if 0xE000 <= ord(c) <= 0xF8FF}
    return out


def recortar_fuentes_de_iconos(estaticos: Path) -> list[str]:
    """Recorta las fuentes de Font Awesome a los iconos que usan las hojas de ``estaticos``."""
    try:
        from fontTools import subset
    except ImportError:  # sin fontTools se sirven las fuentes enteras
        return []
    hojas = [h for h in estaticos.rglob("*.css") if "katex" not in h.parts]
    textos = {h: h.read_text(encoding="utf-8") for h in hojas}
    caracteres = set().union(*(caracteres_de_iconos(t) for t in textos.values())) if textos else set()
    hechas = []
    for hoja, texto in textos.items():
        def cambiar(m):
            # Se parte del .ttf que trae el tema (leer woff2 exigiría brotli).
            origen = (hoja.parent / (m.group("ruta") + ".ttf")).resolve()
            destino = origen.with_name(m.group("nombre") + ".curso.woff")
            if not origen.is_file():
                return m.group(0)
            opciones = subset.Options()
            opciones.flavor = "woff"
            opciones.layout_features = ["*"]
            fuente = subset.load_font(str(origen), opciones)
            recorte = subset.Subsetter(opciones)
            recorte.populate(unicodes=caracteres or {0xF111})
            recorte.subset(fuente)
            subset.save_font(fuente, str(destino), opciones)
            hechas.append(destino.name)
            return f'url({m.group("ruta")}.curso.woff) format("woff")'
        nuevo = RE_FUENTE_FA.sub(cambiar, texto)
        if nuevo != texto:
            hoja.write_text(nuevo, encoding="utf-8")
    return hechas


def quitar_reglas_de_iconos(css: str) -> str:
    r"""Quita las reglas ``.fa-nombre:before{content:…}`` (unas 2000, ya no hacen falta: los
    iconos son SVG en línea); el resto de la hoja queda igual.

    >>> quitar_reglas_de_iconos('a{color:red}.fa-bars:before,.fa-navicon:before{content:"\f0c9"}b{x:y}')
    'a{color:red}b{x:y}'
    """
    return re.sub(r'(?<=[}\s])(?:\.fa-[a-z0-9-]+:{1,2}before,?)+\{content:"[^"]*"\}', "", css)


RE_TABINDEX = re.compile(r'document\.querySelectorAll\((\[[^\]]*\]\.join\(", "\))\)\.forEach\(e=>\{e\.tabIndex='
                         r'e\.scrollWidth>e\.clientWidth\|\|e\.scrollHeight>e\.clientHeight\?0:-1\}\)')
TABINDEX_POR_LOTES = (r'(l=>{l=l.filter(e=>!e.checkVisibility||e.checkVisibility({contentVisibilityAuto:!0}));'
                      r'const v=l.map(e=>e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1);'
                      r'l.forEach((e,i)=>{e.tabIndex!==v[i]&&(e.tabIndex=v[i])})})([...document.querySelectorAll(\1)])')


def tema_sin_relecturas(js: str) -> str | None:
    """El script del tema que hace enfocables (``tabindex``) los bloques con desplazamiento,
    sin obligar al navegador a recalcular la disposición una vez por bloque.

    El tema lee el ancho de un bloque y escribe su ``tabindex``, uno tras otro, al cargar
    la página: cada lectura tras una escritura recalcula la disposición (cientos de
    milisegundos en un teléfono con una página larga). Aquí se leen primero todos, se
    escriben después solo los que cambian, y la primera pasada espera a que el navegador
    haya dibujado (la disposición ya está calculada). Los bloques de las secciones que el
    navegador aún no dispone (``content-visibility: auto`` en ``curso.css``, lejos de la
    pantalla) se dejan para cuando se acerquen (evento ``contentvisibilityautostatechange``):
    medirlos ya obligaría a disponer toda la página. ``None`` si el script no es el esperado.

    >>> js = ('const e=()=>{document.querySelectorAll(["pre"].join(", ")).forEach(e=>{e.tabIndex=e.scrollWidth>'
    ...       'e.clientWidth||e.scrollHeight>e.clientHeight?0:-1})},t=_(e,300);window.addEventListener("resize",t),'
    ...       'e()}function _(e,t){}')
    >>> nuevo = tema_sin_relecturas(js)
    >>> "checkVisibility({contentVisibilityAuto:!0})" in nuevo and "contentvisibilityautostatechange" in nuevo
    True
    >>> nuevo.endswith("requestAnimationFrame(()=>setTimeout(e,0))}function _(e,t){}")
    True
    >>> tema_sin_relecturas("otro script") is None
    True
    """
    nuevo, n = RE_TABINDEX.subn(TABINDEX_POR_LOTES, js)
    if n != 1:
        return None
    nuevo, n = re.subn(r"(\),)e\(\)(\}function _\()", r"\1requestAnimationFrame(()=>setTimeout(e,0))\2", nuevo)
    if n != 1:
        return None
    nuevo, n = re.subn(r'window\.addEventListener\("resize",t\)',
                       'window.addEventListener("resize",t),document.addEventListener("contentvisibilityautostatechange",t,!0)',
                       nuevo)
    return nuevo if n == 1 else None


def parchear_script_del_tema(estaticos: Path):
    js = estaticos / "scripts" / "pydata-sphinx-theme.js"
    if not js.is_file() or "requestAnimationFrame(()=>setTimeout(e,0))" in (texto := js.read_text(encoding="utf-8")):
        return
    nuevo = tema_sin_relecturas(texto)
    if nuevo is None:
        logger.warning("pydata-sphinx-theme.js no es el esperado: no se pudo agrupar su cálculo de tabindex "
                       "(¿cambió la versión del tema?)", type="rendimiento", subtype="tema")
        return
    js.write_text(nuevo, encoding="utf-8")


# Hojas de estilo de terceros (tema y extensiones) que se recortan a las reglas que el sitio usa.
HOJAS_RECORTABLES = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "sphinx-design.min.css",
                     "basic.css", "togglebutton.css", "copybutton.css", "mystnb.*.css")
MARCA_RECORTE = "/* Recortada por _ext/rendimiento.py: solo las reglas que usa el sitio. */\n"
RE_NEUTRO = re.compile(r":(?:not|is|where|-webkit-any|-moz-any|matches)\(")


def fichas_del_sitio(salida: Path) -> frozenset[str]:
    """Cada palabra (``[A-Za-z0-9_-]+``) de las páginas y de los scripts del sitio: los nombres
    de clase e id que el HTML lleva o que un script puede poner."""
    fichas: set[str] = set()
    for archivo in salida.rglob("*"):
        if archivo.suffix in (".html", ".js") and archivo.is_file() and "_sources" not in archivo.parts:
            fichas.update(re.findall(r"[A-Za-z0-9_-]+", archivo.read_text(encoding="utf-8", errors="ignore")))
    return frozenset(fichas)


def _dividir_selectores(texto: str) -> list[str]:
    partes, profundidad, actual = [], 0, []
    for c in texto:
        profundidad += 1 if c in "([" else -1 if c in ")]" else 0
        if c == "," and profundidad == 0:
            partes.append("".join(actual))
            actual = []
        else:
            actual.append(c)
    partes.append("".join(actual))
    return [p.strip() for p in partes if p.strip()]


def selector_usado(selector: str, fichas: frozenset[str]) -> bool:
    """¿Puede ``selector`` aplicarse a algo del sitio? Falso solo si nombra una clase o un id que
    no aparece en ninguna página ni script. Lo que va dentro de ``:not()``, ``:is()`` o
    ``:where()`` y los atributos no cuentan (no descartan nada).

    >>> f = frozenset({"nav", "show"})
    >>> [selector_usado(s, f) for s in (".nav.show > a", ".navbar-dark a", "a:not(.btn)", ":is(.x, .nav) b")]
    [True, False, True, True]
    """
    limpio, i = [], 0
    while (m := RE_NEUTRO.search(selector, i)) is not None:
        limpio.append(selector[i:m.start()])
        profundidad, j = 1, m.end()
        while j < len(selector) and profundidad:
            profundidad += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        i = j
    limpio.append(selector[i:])
    s = re.sub(r"\[[^\]]*\]", "", "".join(limpio))
    nombres = re.findall(r"[.#](-?[A-Za-z_][A-Za-z0-9_-]*)", s)
    return all(n in fichas for n in nombres)


def recortar_css(css: str, fichas: frozenset[str]) -> str:
    """La hoja ``css`` sin las reglas que no pueden aplicarse a nada del sitio (ver :func:`selector_usado`).

    >>> recortar_css(".a{color:red}.b,.a p{margin:0}@media (min-width:9px){.b{x:y}}@font-face{font-family:F}",
    ...              frozenset({"a"}))
    '.a{color:red}.a p{margin:0}@font-face{font-family:F}'
    """
    import tinycss2

    def serializar(reglas) -> str:
        out = []
        for regla in reglas:
            if regla.type == "qualified-rule":
                vivos = [s for s in _dividir_selectores(tinycss2.serialize(regla.prelude)) if selector_usado(s, fichas)]
                if vivos:
                    out.append(",".join(vivos) + "{" + tinycss2.serialize(regla.content).strip() + "}")
            elif regla.type == "at-rule":
                if regla.lower_at_keyword in ("media", "supports", "layer", "container") and regla.content is not None:
                    dentro = serializar(tinycss2.parse_blocks_contents(regla.content, skip_comments=True,
                                                                       skip_whitespace=True))
                    if dentro:
                        out.append("@" + regla.at_keyword + tinycss2.serialize(regla.prelude) + "{" + dentro + "}")
                else:
                    out.append(tinycss2.serialize([regla]).strip())
            elif regla.type == "error":
                raise ValueError(f"CSS que no se entiende: {regla.message}")
        return "".join(out)

    return serializar(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def recortar_hojas_de_terceros(estaticos: Path, fichas: frozenset[str]) -> None:
    """Recorta las hojas del tema y de las extensiones (``HOJAS_RECORTABLES``) a lo que usa el sitio.

    Un teléfono con una conexión lenta descarga y procesa estas hojas antes de dibujar
    nada: la del tema pesa 300 KiB (45 KiB comprimida), casi todo reglas de Bootstrap que
    ninguna página usa.
    """
    try:
        import tinycss2  # noqa: F401  (viene con nbconvert)
    except ImportError:
        return
    for patron in HOJAS_RECORTABLES:
        for hoja in estaticos.glob(patron):
            texto = hoja.read_text(encoding="utf-8")
            if texto.startswith(MARCA_RECORTE):
                continue
            try:
                hoja.write_text(MARCA_RECORTE + recortar_css(texto, fichas), encoding="utf-8")
            except ValueError as error:
                logger.warning("no se pudo recortar %s: %s", hoja.name, error, type="rendimiento", subtype="css")


def hoja_basica_directa(html: str) -> str:
    """``styles/theme.css`` solo importa ``basic.css`` (una petición más antes de dibujar): la página
    enlaza ``basic.css`` directamente.

    >>> hoja_basica_directa('<link href="../_static/styles/theme.css?digest=ab" rel="stylesheet" />')
    '<link href="../_static/basic.css?digest=ab" rel="stylesheet" />'
    """
    return re.sub(r'(href="[^"]*_static/)styles/theme\.css(\?[^"]*)?"', r'\1basic.css\2"', html)


def _al_terminar(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    salida = Path(app.outdir)
    fa = salida / "_static" / "scripts" / "fontawesome.js"
    paquetes = iconos_font_awesome(fa) if fa.is_file() else {}
    if not paquetes:
        logger.warning("no se encontraron los iconos de Font Awesome del tema en %s", fa,
                       type="rendimiento", subtype="icono")
    recortar_fuentes_de_iconos(salida / "_static")
    parchear_script_del_tema(salida / "_static")
    for hoja in (salida / "_static" / "styles").glob("pydata-sphinx-theme.css"):
        texto = hoja.read_text(encoding="utf-8")
        if (nuevo := quitar_reglas_de_iconos(texto)) != texto:
            hoja.write_text(nuevo, encoding="utf-8")
    opciones_js = salida / "_static" / "documentation_options.js"
    opciones = opciones_js.read_text(encoding="utf-8") if opciones_js.is_file() else None
    pygments_css = salida / "_static" / "pygments.css"
    simples = clases_sin_estilo_propio(pygments_css.read_text(encoding="utf-8")) if pygments_css.is_file() else frozenset()
    for archivo in salida.rglob("*.html"):
        if "_static" in archivo.relative_to(salida).parts:
            continue
        texto = archivo.read_text(encoding="utf-8")
        nuevo = optimizar_pagina(texto, archivo, paquetes, opciones, archivo.relative_to(salida).as_posix(), simples,
                                 salida)
        if nuevo != texto:
            archivo.write_text(nuevo, encoding="utf-8")
    # Al final: las páginas y los scripts ya son los definitivos (sin fontawesome.js).
    recortar_hojas_de_terceros(salida / "_static", fichas_del_sitio(salida))


def firma_de_estaticos(raiz: Path) -> str:
    """Huella del contenido de ``_static/`` y ``_ext/`` (estilos, scripts, fuentes, extensiones)."""
    huella = hashlib.sha256()
    for carpeta in ("_static", "_ext"):
        for archivo in sorted((raiz / carpeta).rglob("*")):
            if archivo.is_file() and "__pycache__" not in archivo.parts:
                huella.update(archivo.relative_to(raiz).as_posix().encode() + b"\0" + archivo.read_bytes())
    return huella.hexdigest()[:16]


def _firmar(app, config):
    # Sphinx no vuelve a copiar _static/ si ninguna página cambió: con la huella como opción
    # de configuración «html», un cambio en un estilo, un script o una extensión reescribe
    # todas las páginas y copia los archivos estáticos de nuevo.
    config.curso_firma_estaticos = firma_de_estaticos(Path(app.srcdir))


def setup(app):
    app.add_config_value("curso_firma_estaticos", "", "html")
    app.connect("config-inited", _firmar)
    # Después del tema (que reescribe pygments.css al terminar), con prioridad mayor.
    app.connect("build-finished", _al_terminar, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
