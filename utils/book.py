"""Ayudas para escribir los capítulos: números en la prosa, código fuente y figuras.

- :func:`glue` guarda un valor calculado para citarlo en el texto con
  ``{glue:text}`nombre:formato` ``. Funciona con myst-nb (al construir el libro)
  y, donde myst-nb no está (Colab), simplemente muestra el valor.
- :func:`show_source` muestra el código de una función de ``utils`` tal como se
  ejecuta: lo que lee el estudiante es lo que corre.
- :func:`use_course_style` fija un estilo común para todas las figuras.
- :func:`number` y :func:`percent` escriben cifras con la convención del libro
  (punto decimal, miles separados por un espacio que no se corta y un espacio
  antes de «%»; ver la sección de estilo de ``instructores.md``).
- :func:`offline_note` muestra una nota en español, en lugar de una traza, en
  una celda que necesita Internet o una GPU y se ejecuta sin ellas.
- :func:`show_figure` muestra una figura con un texto alternativo calculado
  (el que dice un resultado medido se construye con los valores, no a mano).
"""

from __future__ import annotations

import inspect


NBSP = "\u00a0"  # espacio que no se corta: miles y «%»
MINUS = "\u2212"  # signo menos tipográfico de los negativos


def glue(name: str, value, display: bool = False) -> None:
    """Registra ``value`` con el nombre ``name`` para citarlo en la prosa.

    Parámetros
    ----------
    name : str
        Identificador que se usa en ``{glue:text}`name` `` o ``{glue:figure}`name` ``.
    value : objeto
        Número, texto o figura de Matplotlib.
    display : bool
        Si es ``True`` también lo muestra en la salida de la celda.

    No devuelve nada (a propósito): una celda que termina en ``glue(...)`` no
    deja un valor suelto debajo en la página. Guarda el valor en una variable
    antes si también lo necesitas: ``lr = 0.1; glue("lr", lr)``.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("`name` debe ser un texto no vacío (el nombre con que se cita el valor).")
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # np.float64(0.5) → 0.5, para que `{glue:text}` acepte formatos como :.3f
    try:
        from myst_nb import glue as _glue
    except ImportError:  # Colab o Jupyter sin myst-nb: se muestra y listo
        if display:
            from IPython.display import display as _display

            _display(value)
        return None
    _glue(name, value, display=display)
    return None


def number(x, decimals: int = 0) -> str:
    """Escribe ``x`` con la convención del libro: punto decimal y miles con espacio.

    Los miles se separan con un espacio que no se corta (U+00A0) a partir de
    cuatro cifras enteras; los años y los nombres como «ResNet-1202» no pasan
    por aquí.

    >>> number(61706) == "61\u00a0706"
    True
    >>> number(0.12345, 3)
    '0.123'
    >>> number(1234.5, 1) == "1\u00a0234.5"
    True

    Los negativos llevan el signo menos tipográfico (U+2212), como en las ecuaciones:

    >>> number(-1.26, 1)
    '−1.3'
    >>> number(-0.01, 1)
    '0.0'
    """
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise TypeError(f"`number` espera un número; llegó {x!r}.") from None
    if not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"`decimals` debe ser un entero ≥ 0; llegó {decimals!r}.")
    texto = f"{x:,.{decimals}f}".replace(",", NBSP)
    if texto.startswith("-"):
        texto = "0" + texto[2:] if not texto.strip("-0.") else MINUS + texto[1:]
    return texto


def percent(fraction, decimals: int = 1) -> str:
    """Escribe una fracción como porcentaje: ``0.1007`` → «10.07 %» (con U+00A0).

    >>> percent(0.1007, 2) == "10.07\u00a0%"
    True
    >>> percent(1.0, 0) == "100\u00a0%"
    True
    """
    return number(100 * float(fraction), decimals) + NBSP + "%"


def mean_spread(values, decimals: int = 3, as_percent: bool = False) -> str:
    """Media ± desviación estándar (muestral) de varias semillas, como texto.

    Es la forma del libro de informar una medida que depende de la semilla.

    >>> mean_spread([0.80, 0.82, 0.84], 2)
    '0.82 ± 0.02'
    >>> mean_spread([0.80, 0.82, 0.84], 1, as_percent=True) == "82.0 ± 2.0\u00a0%"
    True
    """
    import numpy as np

    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size < 2:
        raise ValueError(f"`mean_spread` necesita al menos dos valores (uno por semilla); llegaron {v.size}.")
    m, s = v.mean(), v.std(ddof=1)
    if as_percent:
        return f"{number(100 * m, decimals)} ± {number(100 * s, decimals)}{NBSP}%"
    return f"{number(m, decimals)} ± {number(s, decimals)}"


def offline_note(what: str, where: str = "en Colab con una GPU", needs: str = "Internet") -> None:
    """Muestra una nota (no una traza) cuando una celda necesita red o GPU y no las tiene.

    ``what`` dice qué hace la celda cuando puede ejecutarse; ``where``, dónde verlo;
    ``needs``, qué le faltó («Internet», «una GPU»). La nota sale como un recuadro
    «Sin conexión» en el libro y en Jupyter/Colab. Úsala con
    :func:`utils.data.dataset_available` en lugar de dejar que la celda lance una
    excepción::

        if dataset_available("cifar10"):
            ...                                   # entrena de verdad
        else:
            offline_note("entrena ResNet-20 en CIFAR-10")

    >>> offline_note("entrena ResNet-20 en CIFAR-10")  # doctest: +SKIP
    """
    import html

    if not isinstance(what, str) or not what.strip():
        raise TypeError("`what` debe ser un texto que diga qué hace la celda.")
    if not isinstance(needs, str) or not needs.strip():
        raise TypeError("`needs` debe decir qué le falta a la celda, por ejemplo «Internet» o «una GPU».")
    texto = (f"Esta celda {what.strip()}. Necesita {needs.strip()}, que no tuvo al construir esta página; "
             f"ejecútala {where} para ver su resultado.")
    try:
        from IPython.display import HTML, display
    except ImportError:
        print("Nota: " + texto)
        return
    display(HTML('<div class="admonition note sin-conexion"><p class="admonition-title">Sin conexión</p>'
                 f"<p>{html.escape(texto)}</p></div>"))


def show_figure(alt: str, fig=None) -> None:
    """Muestra una figura de Matplotlib con un texto alternativo calculado.

    Cuando el texto alternativo dice un resultado medido («la residual termina con
    una pérdida de 0.12 ± 0.02»), no se escribe a mano en los metadatos de la celda:
    se construye con una cadena f a partir de los mismos valores que se guardan con
    :func:`glue`, y se pasa aquí. El texto va en los metadatos de la salida y el
    libro lo pone en la imagen (``_ext/alt_calculado.py``). Cierra la figura, para
    que no se muestre dos veces.

    Parámetros
    ----------
    alt : str
        Texto alternativo en español: qué muestra la figura y qué resultado dice.
    fig : matplotlib.figure.Figure, opcional
        La figura; por defecto, la actual (``plt.gcf()``).

    >>> fig, ax = plt.subplots()                                    # doctest: +SKIP
    >>> show_figure(f"Pérdida por época: baja de {p0:.2f} a {p1:.2f}.", fig)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if not isinstance(alt, str) or len(alt.split()) < 4:
        raise ValueError("`alt` debe ser una frase en español que describa la figura (al menos cuatro palabras).")
    fig = plt.gcf() if fig is None else fig
    try:
        from IPython.display import display
    except ImportError:
        plt.show()
        return
    import hashlib
    import io

    from IPython.display import Image

    # Los bytes de la imagen se generan aquí para conocer su SHA-256: myst-nb nombra la
    # imagen con ese hash y _ext/alt_calculado.py usa el valor pegado «alt_<hash>» para
    # ponerle el texto (funciona también cuando el cuaderno sale del caché de ejecución).
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    png = buf.getvalue()
    plt.close(fig)
    display(Image(data=png, format="png"), metadata={"image/png": {"alt": alt}})
    glue("alt_" + hashlib.sha256(png).hexdigest(), alt)


def show_source(obj) -> None:
    """Muestra, con resaltado de sintaxis, el código fuente de ``obj``.

    >>> from utils import device
    >>> show_source(device.has_gpu)  # doctest: +SKIP
    """
    try:
        code = inspect.getsource(obj)
    except (TypeError, OSError):
        raise TypeError(f"No se puede mostrar el código de {obj!r}: debe ser una función, clase o módulo escrito en Python.") from None
    try:
        from IPython.display import Code, display
    except ImportError:
        print(code)
        return
    display(Code(code, language="python"))


def use_course_style() -> None:
    """Aplica el estilo común de las figuras del curso (tamaño, rejilla, fuentes)."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (6.4, 3.8),
        "figure.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        # Leyenda con fondo: si una curva o una frontera pasa por detrás, no la tacha.
        "legend.frameon": True,
        "legend.framealpha": 0.92,
        "legend.facecolor": "white",
        "legend.edgecolor": "0.8",
        "savefig.bbox": "tight",
        "axes.formatter.use_locale": False,
    })
