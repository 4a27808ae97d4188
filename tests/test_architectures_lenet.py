"""Pruebas de la LeNet-5 de 1998 en utils.architectures: tabla de conexiones de C3,
parámetros por capa y salidas RBF."""

import numpy as np
import pytest

from utils.architectures import LENET5_C3_TABLE, lenet5_1998_params, rbf_output


def test_c3_table_is_table_one_of_the_paper():
    assert len(LENET5_C3_TABLE) == 16, "C3 tiene 16 mapas"
    tamanos = [len(fila) for fila in LENET5_C3_TABLE]
    assert tamanos == [3] * 6 + [4] * 9 + [6], f"tamaños de las filas distintos de la tabla I: {tamanos}"
    assert sum(tamanos) == 60
    # Cada mapa de S2 alimenta a 10 mapas de C3 (la tabla es simétrica por rotación).
    assert [sum(s in fila for fila in LENET5_C3_TABLE) for s in range(6)] == [10] * 6
    # Los 6 primeros son 3 mapas vecinos (con vuelta circular) y los 6 siguientes 4 vecinos.
    for j in range(6):
        assert set(LENET5_C3_TABLE[j]) == {j % 6, (j + 1) % 6, (j + 2) % 6}
        assert set(LENET5_C3_TABLE[6 + j]) == {(j + d) % 6 for d in range(4)}
    assert len(set(LENET5_C3_TABLE)) == 16, "dos mapas de C3 ven los mismos mapas de S2"


def test_params_and_connections_match_the_paper():
    filas = lenet5_1998_params()
    assert [f["layer"] for f in filas] == ["C1", "S2", "C3", "S4", "C5", "F6", "RBF"]
    assert [f["params"] for f in filas] == [156, 12, 1516, 32, 48120, 10164, 840]
    # Conexiones que da el artículo (sección II.B) para C1, S2, C3, S4, C5 y F6.
    assert [f["connections"] for f in filas[:6]] == [122304, 5880, 151600, 2000, 48120, 10164]
    assert [f["output"] for f in filas] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16),
                                             (1, 1, 120), (84,), (10,)]
    assert sum(f["params"] for f in filas) == 60840


def test_full_c3_gives_the_keras_count():
    completa = [tuple(range(6))] * 16
    c3 = lenet5_1998_params(completa)[2]
    assert c3["params"] == 2416, "con C3 completa debe dar lo mismo que Conv2D(16, 5) sobre 6 canales"


@pytest.mark.parametrize("tabla", [[], [()], [(0, 7)], [("a",)], 3])
def test_bad_table_is_rejected_in_spanish(tabla):
    with pytest.raises(ValueError, match="c3_table"):
        lenet5_1998_params(tabla)


def test_rbf_output_is_squared_distance():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(5, 84)), np.sign(rng.normal(size=(10, 84)))
    y = rbf_output(x, w)
    assert y.shape == (5, 10)
    np.testing.assert_allclose(y[2, 3], np.sum((x[2] - w[3]) ** 2))
    assert rbf_output(w[4], w).argmin() == 4, "un vector igual a un prototipo tiene salida 0 en su clase"
    with pytest.raises(ValueError, match="componentes"):
        rbf_output(x[:, :80], w)
