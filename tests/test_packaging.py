"""Una sola fuente de verdad para las versiones: requirements.txt."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def requirement_lines(text: str) -> list[str]:
    return [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]


def test_requirements_are_pinned():
    reqs = requirement_lines((ROOT / "requirements.txt").read_text())
    assert reqs, "requirements.txt está vacío"
    for line in reqs:
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.]+", line), f"versión sin fijar: {line}"


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert sorted(pip) == sorted(requirement_lines((ROOT / "requirements.txt").read_text())), (
        "environment.yml y requirements.txt se desviaron: copia las versiones de requirements.txt")
    assert "python=3.11" in env["dependencies"]


def _pins(nombre: str) -> dict[str, str]:
    return dict(l.split("==") for l in requirement_lines((ROOT / nombre).read_text()))


def _rango() -> dict:
    from packaging.requirements import Requirement

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {r.name: r for r in map(Requirement, meta["project"]["dependencies"])}


def test_pyproject_declara_el_rango_que_cubren_ambos_extremos():
    """requirements.txt (lo más nuevo) y requirements-minimo.txt (Colab 2025) caen en el rango."""
    rango = _rango()
    nuevo, minimo = _pins("requirements.txt"), _pins("requirements-minimo.txt")
    for nombre, req in rango.items():
        assert nombre in nuevo, f"{nombre} está en pyproject.toml pero no fijado en requirements.txt"
        assert req.specifier.contains(nuevo[nombre]), f"requirements.txt fija {nombre}=={nuevo[nombre]}, fuera de {req}"
        if nombre in minimo:
            assert req.specifier.contains(minimo[nombre]), f"la pila mínima fija {nombre}=={minimo[nombre]}, fuera de {req}"
    # Lo que los cuadernos importan en Colab está en la pila mínima, con la cota inferior del rango.
    for nombre in ("tensorflow-cpu", "keras", "numpy", "ipywidgets", "scikit-learn", "matplotlib"):
        cota = next(s.version for s in rango[nombre].specifier if s.operator == ">=")
        assert minimo[nombre].startswith(cota), f"la pila mínima debe probar {nombre} {cota}; fija {minimo[nombre]}"


def test_el_rango_detecta_una_version_fuera():
    assert not _rango()["keras"].specifier.contains("3.9.2")
    assert not _rango()["numpy"].specifier.contains("1.26.4")


def test_paquetes_instalables():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(meta["tool"]["setuptools"]["packages"]["find"]["include"]) >= {"utils", "grader"}


def test_known_good_set():
    reqs = dict(l.split("==") for l in requirement_lines((ROOT / "requirements.txt").read_text()))
    assert reqs["jupyter-book"].startswith("1.")
    assert reqs["keras"].startswith("3.")
    assert reqs["numpy"].startswith("2.")
    for name in ("tensorflow-cpu", "matplotlib", "nbval", "ipywidgets", "scikit-learn", "nbconvert"):
        assert name in reqs


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make book" in readme
    assert re.search(r"^make test$", ci, re.M), ".ci/run debe llamar exactamente a `make test`"


def test_bibliography_has_the_papers_the_lectures_cite():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for key in ("lecun1998gradient", "krizhevsky2012imagenet", "simonyan2014very", "szegedy2014going",
                "he2015deep", "hochreiter1997long"):
        assert "{" + key + "," in bib, f"falta {key} en references.bib"
