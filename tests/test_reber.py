"""Pruebas de ``utils.reber``: cadenas válidas, dependencia a largo plazo, codificación y errores en español."""

import numpy as np
import pytest

from utils import reber

# Cadenas de Reber conocidas (del grafo del artículo de 1997) y otras que no lo son.
VALIDAS = ["BTXSE", "BPVVE", "BTSSXXTVVE", "BPTTVPXVVE", "BTXXVPSE"]
INVALIDAS = ["BTSE", "BPXSE", "BTXSEE", "TXSE", "BTXS", "BTXXE"]


@pytest.mark.parametrize("s", VALIDAS)
def test_known_reber_strings_are_valid(s):
    assert reber.is_valid(s, embedded=False), f"{s} es una cadena de Reber y no se reconoció"
    assert reber.is_valid("BT" + s + "TE") and reber.is_valid("BP" + s + "PE")


@pytest.mark.parametrize("s", INVALIDAS)
def test_invalid_reber_strings_are_rejected(s):
    assert not reber.is_valid(s, embedded=False), f"{s} no es una cadena de Reber y se aceptó"


def test_embedded_must_repeat_the_second_symbol():
    assert not reber.is_valid("BTBTXSEPE"), "la rama T debe cerrarse con T, no con P"
    assert not reber.is_valid("BPBTXSETE")
    with pytest.raises(ValueError, match="posición 7.*solo podía seguir T"):
        reber.next_symbols("BTBTXSEPE")


def test_generated_strings_are_valid_and_repeat_the_branch():
    cadenas = reber.generate(500, seed=0)
    for s in cadenas:
        assert reber.is_valid(s), f"se generó una cadena inválida: {s}"
        assert s[0] == "B" and s[-1] == "E" and s[2] == "B"
        assert s[1] in "TP" and s[-2] == s[1], f"{s}: el penúltimo símbolo debe repetir el segundo"
    assert {s[1] for s in cadenas} == {"T", "P"}, "las dos ramas deben aparecer"
    planas = reber.generate(200, seed=0, embedded=False)
    assert all(reber.is_valid(s, embedded=False) and not reber.is_valid(s) for s in planas)


def test_generation_is_deterministic_with_a_seed():
    assert reber.generate(50, seed=3) == reber.generate(50, seed=3)
    assert reber.generate(50, seed=3) != reber.generate(50, seed=4)
    assert reber.reber_string(7) == reber.reber_string(np.random.default_rng(7))


def test_length_filter():
    cadenas = reber.generate(100, seed=1, min_length=18, max_length=26)
    assert all(18 <= len(s) <= 26 for s in cadenas)


def test_next_symbols_long_range_position():
    for s in reber.generate(100, seed=2):
        conjuntos = reber.next_symbols(s)
        assert len(conjuntos) == len(s)
        assert conjuntos[-3] == {s[1]}, "tras la E interna solo puede venir la T/P del principio"
        assert conjuntos[-2] == {"E"} and conjuntos[-1] == set()
        assert conjuntos[0] == {"T", "P"} and conjuntos[1] == {"B"}
        for k in range(len(s) - 1):
            assert s[k + 1] in conjuntos[k], f"{s}: el símbolo real {s[k + 1]} debe ser uno de los válidos"


def test_one_hot_shapes_and_padding():
    X = reber.one_hot(["BTXSE", "BPVVE"], length=7)
    assert X.shape == (2, 7, len(reber.SYMBOLS))
    assert np.all(X[:, :5].sum(axis=2) == 1) and np.all(X[:, 5:] == 0), "relleno con ceros al final"
    assert X[0, 1, reber.SYMBOLS.index("T")] == 1
    assert reber.one_hot("BTXSE").shape == (1, 5, 7)
    cadenas = reber.generate(10, seed=0)
    assert reber.one_hot(cadenas).shape == (10, max(map(len, cadenas)), 7)


def test_next_symbol_targets_shapes_and_mask():
    cadenas = ["BTBTXSETE", "BPBPVVEPE"]
    Y, mask = reber.next_symbol_targets(cadenas, length=12)
    assert Y.shape == (2, 12, 7) and mask.shape == (2, 12)
    assert mask[:, :8].all() and not mask[:, 8:].any(), "ni la E final ni el relleno tienen objetivo"
    assert Y[0, 6, reber.SYMBOLS.index("T")] == 1 and Y[0, 6].sum() == 1
    assert Y[0, 0].sum() == 2, "tras la B inicial pueden venir T o P"


@pytest.mark.parametrize(
    "llamada, error, mensaje",
    [
        (lambda: reber.next_symbols("BTXZE", embedded=False), ValueError, "fuera del alfabeto"),
        (lambda: reber.next_symbols("BTXS", embedded=False), ValueError, "incompleta"),
        (lambda: reber.next_symbols("BTXSEB", embedded=False), ValueError, "después de la E final"),
        (lambda: reber.next_symbols(""), TypeError, "cadena de texto no vacía"),
        (lambda: reber.next_symbols(42), TypeError, "cadena de texto no vacía"),
        (lambda: reber.generate(0), ValueError, "n"),
        (lambda: reber.generate(5, min_length=20, max_length=10), ValueError, "No hay cadenas"),
        (lambda: reber.generate(5, min_length=100), ValueError, "demasiado"),
        (lambda: reber.reber_string("semilla"), TypeError, "np.random.Generator o una semilla"),
        (lambda: reber.one_hot([]), TypeError, "lista no vacía"),
        (lambda: reber.one_hot(["BTXSE"], length=3), ValueError, "no alcanza"),
        (lambda: reber.one_hot(["BTQSE"]), ValueError, "fuera del alfabeto"),
        (lambda: reber.next_symbol_targets(["BTXSE"]), ValueError, "no es válida"),
    ],
)
def test_bad_input_gets_spanish_errors(llamada, error, mensaje):
    with pytest.raises(error, match=mensaje):
        llamada()
