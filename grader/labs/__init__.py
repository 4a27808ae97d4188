"""Comprobaciones de cada laboratorio: ``labNN.py`` define sus sondas y sus jueces.

Estos módulos solo importan NumPy al cargarse; el código de referencia (``utils.…``,
``keras``) se importa dentro de los jueces, porque el sandbox de un laboratorio no
contiene los módulos de referencia que ese laboratorio prohíbe.
"""
