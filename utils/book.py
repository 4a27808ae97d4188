"""Ayudas para escribir los capítulos: números en la prosa, código fuente y figuras.

- :func:`glue` guarda un valor calculado para citarlo en el texto con
  ``{glue:text}`nombre:formato` ``. Funciona con myst-nb (al construir el libro)
  y, donde myst-nb no está (Colab), simplemente muestra el valor.
- :func:`show_source` muestra el código de una función de ``utils`` tal como se
  ejecuta: lo que lee el estudiante es lo que corre.
- :func:`use_course_style` fija un estilo común para todas las figuras.
"""

from __future__ import annotations

import inspect


def glue(name: str, value, display: bool = False):
    """Registra ``value`` con el nombre ``name`` para citarlo en la prosa.

    Parámetros
    ----------
    name : str
        Identificador que se usa en ``{glue:text}`name` `` o ``{glue:figure}`name` ``.
    value : objeto
        Número, texto o figura de Matplotlib.
    display : bool
        Si es ``True`` también lo muestra en la salida de la celda.

    Devuelve ``value`` para poder encadenar: ``lr = glue("lr", 0.1)``.
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
        return value
    _glue(name, value, display=display)
    return value


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
