"""La celda de preparación, ejecutada en un Colab simulado y en local.

Colab se simula con un módulo ``google.colab`` de mentira y la URL del
repositorio se redirige a este mismo checkout con ``url.<destino>.insteadOf``
de git (variables GIT_CONFIG_*), sin tocar el código de la celda.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from utils import notebooks

ROOT = notebooks.ROOT


def run_setup(cwd, extra_env, fake_colab: bool, script_dir):
    cell = notebooks.setup_cell_source(notebooks.read_config()["repo_url"])
    program = textwrap.dedent("""
        import sys
        {stub}
        exec(compile(open(sys.argv[1], encoding="utf-8").read(), "preparacion", "exec"))
        import utils
        print("UTILS=" + utils.__file__)
    """).format(stub="import google.colab" if fake_colab else "")
    script = script_dir / "celda.py"
    script.write_text(cell, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(extra_env)
    return subprocess.run([sys.executable, "-c", program, str(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def fake_colab_env(tmp_path):
    stub = tmp_path / "stub" / "google" / "colab"
    stub.mkdir(parents=True)
    (stub.parent / "__init__.py").write_text("")
    (stub / "__init__.py").write_text('"""Simulación mínima de google.colab para las pruebas."""\n')
    repo_url = notebooks.read_config()["repo_url"]
    return {
        "PYTHONPATH": str(tmp_path / "stub"),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{ROOT}.insteadOf",
        "GIT_CONFIG_VALUE_0": repo_url,
        "GIT_TERMINAL_PROMPT": "0",
        "HOME": str(tmp_path),
    }


def test_setup_cell_in_simulated_colab(tmp_path, fake_colab_env):
    content = tmp_path / "content"
    content.mkdir()
    out = run_setup(content, fake_colab_env, fake_colab=True, script_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    clone = content / "curso-dl"
    assert (clone / "utils" / "__init__.py").is_file(), "no se clonó el repositorio"
    assert f"UTILS={clone / 'utils' / '__init__.py'}" in out.stdout, out.stdout
    assert "Dispositivo:" in out.stdout
    # Una segunda ejecución no vuelve a clonar (y no falla porque la carpeta ya exista).
    again = run_setup(content, fake_colab_env, fake_colab=True, script_dir=tmp_path)
    assert again.returncode == 0, again.stderr


def test_setup_cell_without_network_fails_clearly(tmp_path, fake_colab_env):
    env = dict(fake_colab_env, GIT_CONFIG_KEY_0=f"url.file://{tmp_path}/no-existe.insteadOf")
    out = run_setup(tmp_path, env, fake_colab=True, script_dir=tmp_path)
    assert out.returncode != 0 and "git" in out.stderr


def test_setup_cell_locally_finds_utils_from_a_subfolder(tmp_path):
    out = run_setup(ROOT / "chapters", {"HOME": str(tmp_path)}, fake_colab=False, script_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"UTILS={ROOT / 'utils' / '__init__.py'}" in out.stdout
    assert "Dispositivo: CPU" in out.stdout or "Dispositivo: GPU" in out.stdout
