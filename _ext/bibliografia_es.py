"""Bibliografía en español y con un solo estilo autor–año.

Registra tres piezas que ``_config.yml`` elige por nombre:

- ``autor_anio_es`` (estilo de la lista, ``bibtex_default_style``): el estilo
  ``unsrt``/``plain`` de pybtex con sus palabras en español («y», «En»,
  «edición», «volumen», «Disponible en»…), los títulos tal como están escritos
  en ``references.bib`` (sin pasarlos a minúsculas: «ImageNet» sigue siendo
  «ImageNet») y etiquetas autor–año: ``[LeCun et al., 1998]``.
- la etiqueta ``autor_anio`` que usa ese estilo, única para cada obra
  (``Goodfellow et al., 2016a`` y ``…2016b`` si coinciden);
- ``autor_anio_es`` (estilo de las citas, ``bibtex_reference_style``): como
  ``author_year`` de sphinxcontrib-bibtex, con paréntesis y «y» entre dos autores,
  de modo que el texto cita «(LeCun et al., 1998)» y la lista lleva la misma etiqueta.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter

from pybtex.plugin import register_plugin as registrar_pybtex
from pybtex.style import FormattedEntry
from pybtex.style.formatting.unsrt import Style as Unsrt
from pybtex.richtext import Text
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AutorAnioTitulo
from pybtex.style.template import Node, field, join, node, sentence

# Palabras fijas del estilo unsrt de pybtex y su traducción.
PALABRAS = {
    "In": "En", "in": "en", "edition": "edición", "editor": "editor", "editors": "editores",
    "pages": "páginas", "volume": "volumen", "of": "de", "number": "número", "chapter": "capítulo",
    "Master's thesis": "Tesis de maestría", "PhD thesis": "Tesis doctoral",
    "Technical Report": "Informe técnico", "URL:": "Disponible en", "and": "y",
    " and ": " y ", ", and ": " y ",
}
ULTIMO = " y "


def _traducir(nodo):
    """Recorre una plantilla de pybtex y cambia sus palabras fijas por las españolas."""
    if isinstance(nodo, str):
        return PALABRAS.get(nodo, nodo)
    if isinstance(nodo, Node):
        nodo.children = [_traducir(c) for c in nodo.children]
        nodo.kwargs = {k: PALABRAS.get(v, v) if isinstance(v, str) else v for k, v in nodo.kwargs.items()}
    return nodo


def _apellidos(persona) -> str:
    partes = persona.rich_prelast_names + persona.rich_last_names
    return " ".join(p.render_as("text") for p in partes)


def _es_otros(persona) -> bool:
    return _apellidos(persona).lower() == "others"


@node
def _nombres(children, data, role, **kwargs):
    """Autores «A, B y C»; ``and others`` se escribe «et al.»."""
    assert not children
    personas = data["entry"].persons.get(role, [])
    estilo = data["style"]
    otros = any(_es_otros(p) for p in personas)
    textos = [estilo.format_name(p, estilo.abbreviate_names) for p in personas if not _es_otros(p)]
    if otros:
        return join(sep=", ")[textos].format_data(data) + " et al."
    return join(sep=", ", sep2=ULTIMO, last_sep=ULTIMO)[textos].format_data(data)


class EtiquetaAutorAnio(BaseLabelStyle):
    """Etiqueta «Apellido, año», «A y B, año» o «A et al., año», sin repetirse."""

    def format_labels(self, sorted_entries):
        bases = [self._base(e) for e in sorted_entries]
        total, vistas = Counter(bases), Counter()
        for base in bases:
            if total[base] > 1:
                vistas[base] += 1
                yield base + "abcdefghijklmnopqrstuvwxyz"[vistas[base] - 1]
            else:
                yield base

    @staticmethod
    def _base(entry) -> str:
        personas = entry.persons.get("author") or entry.persons.get("editor") or []
        otros = any(_es_otros(p) for p in personas)
        apellidos = [_apellidos(p) for p in personas if not _es_otros(p)]
        if not apellidos:
            quien = entry.fields.get("key") or entry.fields.get("title", "Anónimo")[:20]
        elif len(apellidos) >= 3 or otros:
            quien = f"{apellidos[0]} et al."
        elif len(apellidos) == 2:
            quien = f"{apellidos[0]} y {apellidos[1]}"
        else:
            quien = apellidos[0]
        return f"{quien}, {entry.fields.get('year', 's. f.')}"


class OrdenAlfabetico(AutorAnioTitulo):
    """Orden por autor, año y título, sin que las tildes alteren el orden («Géron» antes de «Glorot»)."""

    def person_key(self, person):
        texto = " ".join([_apellidos(person)] + [p.render_as("text") for p in person.rich_first_names])
        sin_tildes = unicodedata.normalize("NFKD", texto)
        return "".join(c for c in sin_tildes if not unicodedata.combining(c)).lower()


@node
def _edicion(children, data):
    """«2.ª edición» (o el texto del campo, si no es un número)."""
    edicion = data["entry"].fields.get("edition", "")
    if not edicion:
        return Text()
    return Text(f"{edicion}.ª edición" if edicion.isdigit() else f"{edicion} edición")


class EstiloEspanol(Unsrt):
    """``unsrt`` de pybtex en español, con títulos sin cambiar y etiquetas autor–año."""

    default_label_style = "autor_anio"
    default_sorting_style = "autor_anio_titulo"

    def format_edition(self, e):
        return _edicion

    def format_names(self, role, as_sentence=True):
        nombres = _nombres(role)
        return sentence[nombres] if as_sentence else nombres

    def format_title(self, e, which_field, as_sentence=True):
        titulo = field(which_field)  # tal como está en references.bib
        return sentence[titulo] if as_sentence else titulo

    def format_entry(self, label, entry, bib_data=None):
        plantilla = _traducir(getattr(self, f"get_{entry.type}_template")(entry))
        texto = plantilla.format_data({"entry": entry, "style": self, "bib_data": bib_data})
        return FormattedEntry(entry.key, texto, label)


def _estilo_de_citas():
    from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def parentesis():
        return BracketStyle(left="(", right=")", sep="; ")

    @dataclasses.dataclass
    class CitaAutorAnio(AuthorYearReferenceStyle):
        """Citas «(LeCun et al., 1998)» y «Simonyan y Zisserman (2014)»."""

        bracket_textual: BracketStyle = dataclasses.field(default_factory=parentesis)
        bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=parentesis)
        bracket_author: BracketStyle = dataclasses.field(default_factory=parentesis)
        bracket_label: BracketStyle = dataclasses.field(default_factory=parentesis)
        bracket_year: BracketStyle = dataclasses.field(default_factory=parentesis)
        person: PersonStyle = dataclasses.field(
            default_factory=lambda: PersonStyle(sep2=ULTIMO, last_sep=ULTIMO, other=" et al."))

    return CitaAutorAnio


def registrar():
    """Registra los estilos (se puede llamar más de una vez)."""
    from sphinxcontrib.bibtex.plugin import register_plugin as registrar_bibtex

    registrar_pybtex("pybtex.style.labels", "autor_anio", EtiquetaAutorAnio, force=True)
    registrar_pybtex("pybtex.style.sorting", "autor_anio_titulo", OrdenAlfabetico, force=True)
    registrar_pybtex("pybtex.style.formatting", "autor_anio_es", EstiloEspanol, force=True)
    registrar_bibtex("sphinxcontrib.bibtex.style.referencing", "autor_anio_es", _estilo_de_citas(), force=True)


def setup(app):
    registrar()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
