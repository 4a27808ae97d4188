"""Libros de calificaciones para Moodle y Canvas (grader.lms), leídos de vuelta."""

import csv

import pytest

from grader import lms

NOTAS = [
    # entrega, laboratorio, estado, total, maximo, comentarios
    ("entregas/lab01_regresion_logistica_ana_perez.ipynb", "lab01_regresion_logistica", "calificado", "10", "10", ""),
    ("entregas/lab01_regresion_logistica_luis.ipynb", "lab01_regresion_logistica", "calificado", "6", "10",
     "compute_cost: el costo debe ser un promedio"),
    ("entregas/lab01_regresion_logistica_desconocido.ipynb", "lab01_regresion_logistica", "calificado", "8", "10", ""),
    ("entregas/lab02_red_dos_capas_ana_perez.ipynb", "lab02_red_dos_capas", "error: tiempo agotado", "", "12",
     "la entrega superó el tiempo"),
    ("entregas/lab02_red_dos_capas_marta_v1.ipynb", "lab02_red_dos_capas", "calificado", "9", "12", ""),
    ("entregas/lab02_red_dos_capas_marta_v2.ipynb", "lab02_red_dos_capas", "calificado", "12", "12", ""),
]

LISTA = """nombre,apellidos,correo,id,id_canvas,seccion,entrega
Ana,Pérez,ana.perez@uni.edu,A001,501,Grupo 1,*ana_perez*
Luis,Gómez,luis@uni.edu,A002,502,Grupo 1,
Marta,Vidal,marta@uni.edu,A003,503,Grupo 2,*marta*
Sofía,Ríos,sofia@uni.edu,A004,504,Grupo 2,
"""


@pytest.fixture
def archivos(tmp_path):
    notas = tmp_path / "calificaciones.csv"
    with open(notas, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entrega", "laboratorio", "estado", "sigmoid", "total", "maximo", "comentarios", "avisos", "aislamiento"])
        for e, lab, est, tot, mx, com in NOTAS:
            w.writerow([e, lab, est, "", tot, mx, com, "", "bubblewrap"])
    lista = tmp_path / "clase.csv"
    lista.write_text(LISTA, encoding="utf-8")
    return notas, lista, tmp_path


def leer(ruta):
    with open(ruta, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_moodle_se_lee_de_vuelta(archivos):
    notas, lista, tmp = archivos
    assert lms.main([str(notas), "--lista", str(lista), "--moodle", str(tmp / "moodle.csv")]) == 0
    filas = leer(tmp / "moodle.csv")
    assert filas[0] == ["First name", "Last name", "ID number", "Email address", "Laboratorio 1",
                        "Comentarios: Laboratorio 1", "Laboratorio 2", "Comentarios: Laboratorio 2"]
    por_correo = {f[3]: f for f in filas[1:]}
    assert len(por_correo) == 4, "cada estudiante de la lista tiene su fila, con o sin entrega"
    assert por_correo["ana.perez@uni.edu"][4] == "10"
    assert por_correo["ana.perez@uni.edu"][6] == "", "una entrega con error no recibe nota"
    assert por_correo["luis@uni.edu"][4:6] == ["6", "compute_cost: el costo debe ser un promedio"]
    assert por_correo["marta@uni.edu"][6] == "", "dos entregas del mismo laboratorio: decide el docente"
    assert por_correo["sofia@uni.edu"][4] == ""


def test_canvas_se_lee_de_vuelta(archivos):
    notas, lista, tmp = archivos
    assert lms.main([str(notas), "--lista", str(lista), "--canvas", str(tmp / "canvas.csv"),
                     "--canvas-tarea", "lab01_regresion_logistica=12345"]) == 0
    filas = leer(tmp / "canvas.csv")
    assert filas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "Laboratorio 1 (12345)", "Laboratorio 2"]
    assert filas[1][0] == "Points Possible" and filas[1][5:] == ["10", "12"]
    ana = next(f for f in filas[2:] if f[3] == "ana.perez@uni.edu")
    assert ana[:5] == ["Pérez, Ana", "501", "A001", "ana.perez@uni.edu", "Grupo 1"]
    assert ana[5] == "10"
    assert all(f[5] == "" or float(f[5]) <= 10 for f in filas[2:])


def test_nada_se_descarta_en_silencio(archivos, capsys):
    notas, lista, tmp = archivos
    lms.main([str(notas), "--lista", str(lista), "--moodle", str(tmp / "m.csv")])
    salida = capsys.readouterr().out
    assert "lab01_regresion_logistica_desconocido.ipynb" in salida          # entrega sin estudiante
    assert "Sofía no tiene entrega del Laboratorio 1" in salida              # estudiante sin entrega
    assert "Luis no tiene entrega del Laboratorio 2" in salida
    assert "Marta tiene varias entregas del Laboratorio 2" in salida         # conflicto
    assert "La entrega de Ana (Laboratorio 2) no tiene nota: error: tiempo agotado" in salida


def test_entrega_ambigua_no_se_asigna(tmp_path):
    estudiantes = [lms.Estudiante("Ana", correo="ana@x"), lms.Estudiante("Ana María", correo="ana.maria@x",
                                                                         entrega="*ana*")]
    notas = [lms.Nota("lab01_ana.ipynb", "lab01_x", "10", "10", "", "calificado")]
    cruce = lms.cruzar(notas, estudiantes)
    assert not cruce.notas and len(cruce.ambiguas) == 1


@pytest.mark.parametrize("contenido, mensaje", [
    ("correo\nana@x\n", "nombre"),
    ("nombre,telefono\nAna,123\n", "correo"),
    ("nombre,correo\n", "no tiene estudiantes"),
])
def test_lista_mal_formada_da_un_mensaje_claro(tmp_path, capsys, contenido, mensaje):
    lista = tmp_path / "clase.csv"
    lista.write_text(contenido, encoding="utf-8")
    notas = tmp_path / "n.csv"
    notas.write_text("entrega,laboratorio,estado,total,maximo\n", encoding="utf-8")
    assert lms.main([str(notas), "--lista", str(lista), "--moodle", str(tmp_path / "m.csv")]) == 2
    err = capsys.readouterr().err
    assert mensaje in err and "Traceback" not in err


def test_lista_con_punto_y_coma_y_bom(tmp_path):
    """Excel en español guarda con «;» y BOM: también se lee."""
    lista = tmp_path / "clase.csv"
    lista.write_bytes("\ufeffNombre;Correo\nAna;ana@x\n".encode("utf-8"))
    assert lms.leer_lista(lista)[0].correo == "ana@x"


def test_notas_que_no_son_del_calificador(tmp_path, capsys):
    notas = tmp_path / "otra.csv"
    notas.write_text("a,b\n1,2\n", encoding="utf-8")
    lista = tmp_path / "clase.csv"
    lista.write_text("nombre,correo\nAna,ana@x\n", encoding="utf-8")
    assert lms.main([str(notas), "--lista", str(lista), "--canvas", str(tmp_path / "c.csv")]) == 2
    assert "no parece un CSV del calificador" in capsys.readouterr().err
