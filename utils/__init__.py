"""Código de referencia del curso *Aprendizaje profundo*.

Los capítulos derivan cada idea una vez y luego la importan desde aquí; los
laboratorios comparan el trabajo del estudiante con estas implementaciones.
Importar ``utils`` es liviano: no carga TensorFlow.
"""

from .device import report_device

__all__ = ["report_device"]
